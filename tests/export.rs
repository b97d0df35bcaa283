//! Exports: `mavera-tui export` as Markdown and JSON (golden files for a thread and a
//! comparison), `-o` (private, never over an existing file without `--force`), `--last`,
//! unknown ids, a closed pipe; and a JSON export opened again (`mavera-tui import`'s
//! reading) drawing the very screen the same conversation draws reopened from the history.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use mavera_tui::api::wire::Usage;
use mavera_tui::app::{Event, RestoredThread};
use mavera_tui::history::op::title;
use mavera_tui::history::{ConversationId, MessageRecord, NewThread, Role, Status, Store, StoreKey, StoreOp};
use serde_json::json;
use tokio::io::AsyncReadExt;

use crate::support::app::App;
use crate::support::bin::{command, run, text};
use crate::support::screen::draw;

/// 2026-04-14 09:30 UTC.
const T0: i64 = 1_776_159_000_000;

fn history_file(home: &Path) -> PathBuf {
    home.join(".local/share/mavera-tui/history.db")
}

fn message(role: Role, text: &str, status: Status, usage: Option<Usage>) -> MessageRecord {
    MessageRecord {
        role,
        text: text.into(),
        status,
        usage,
        response_id: (role == Role::Assistant).then(|| "resp_1".into()),
        parts: Vec::new(),
        error: (status == Status::Stopped).then(|| "stopped by you".into()),
    }
}

fn usage(input: u64, output: u64, credits: Option<f64>) -> Option<Usage> {
    Some(Usage {
        input_tokens: Some(input),
        output_tokens: Some(output),
        total_tokens: Some(input + output),
        credits_used: credits,
    })
}

fn thread(key: u64, persona: (&str, &str), messages: Vec<MessageRecord>) -> Vec<StoreOp> {
    let mut ops = vec![StoreOp::Thread(NewThread {
        key,
        persona_id: persona.0.into(),
        persona_name: persona.1.into(),
        title: title(&messages[0].text),
        instructions: None,
    })];
    for (seq, m) in messages.into_iter().enumerate() {
        ops.push(StoreOp::Message {
            thread: StoreKey::Session(key),
            seq: seq as u32,
            message: m,
        });
    }
    ops
}

/// Thread `t1` (CFO, two exchanges, a code block, an escape sequence in an answer) and
/// comparison `c1` (Gen Z, cost unreported; B2B, stopped) — the newest — with fixed times.
fn sample(home: &Path) {
    let path = history_file(home);
    {
        let mut store = Store::open(&path).expect("open");
        let mut ops = thread(
            1,
            ("ccfo", "CFO"),
            vec![
                message(Role::User, "Should we buy it?", Status::Complete, None),
                message(
                    Role::Assistant,
                    "Payback in 3 years.\u{1b}]0;pwned\u{7}\n\n```sql\nSELECT 1;\n```\n",
                    Status::Complete,
                    usage(12, 30, Some(2.5)),
                ),
                message(Role::User, "And the risk?", Status::Complete, None),
                message(
                    Role::Assistant,
                    "Moderate.",
                    Status::Complete,
                    usage(40, 8, Some(1.0)),
                ),
            ],
        );
        ops.extend(thread(
            2,
            ("cgenz", "Gen Z Consumer"),
            vec![
                message(Role::User, "Our new pricing page", Status::Complete, None),
                message(
                    Role::Assistant,
                    "Kinda mid 🎉",
                    Status::Complete,
                    usage(5, 4, None),
                ),
            ],
        ));
        ops.extend(thread(
            3,
            ("cb2b", "B2B Decision Maker"),
            vec![
                message(Role::User, "Our new pricing page", Status::Complete, None),
                message(Role::Assistant, "Clear tiers, but", Status::Stopped, None),
            ],
        ));
        ops.push(StoreOp::Comparison {
            key: 4,
            title: "Our new pricing page".into(),
            threads: vec![StoreKey::Session(2), StoreKey::Session(3)],
        });
        store.apply(&ops).expect("apply");
    }
    let conn = rusqlite::Connection::open(&path).expect("sqlite");
    conn.execute_batch(&format!(
        "UPDATE threads SET created_ms = {T0} + id * 60000, updated_ms = {T0} + id * 60000 + 30000;
         UPDATE messages SET created_ms = {T0} + id * 1000, updated_ms = {T0} + id * 1000 + 500;
         UPDATE comparisons SET created_ms = {T0} + 120000;"
    ))
    .expect("fixed times");
}

async fn export(home: &Path, args: &[&str]) -> std::process::Output {
    let mut all = vec!["export"];
    all.extend_from_slice(args);
    run(home, &all, &[]).await
}

#[tokio::test]
async fn markdown_and_json_of_a_thread_and_a_comparison_match_the_golden_files() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    for (name, args) in [
        ("thread_md", &["t1"][..]),
        ("comparison_md", &["c1", "--format", "md"][..]),
        ("thread_json", &["t1", "--format", "json"][..]),
        ("comparison_json", &["--format", "json", "c1"][..]),
    ] {
        let out = export(home.path(), args).await;
        assert_eq!(out.status.code(), Some(0), "{name}: {}", text(&out.stderr));
        let stdout = text(&out.stdout);
        assert!(!stdout.contains('\u{1b}'), "{name}: sanitised");
        insta::assert_snapshot!(name, stdout);
    }
}

#[tokio::test]
async fn json_keeps_every_stored_field() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let out = export(home.path(), &["t1", "--format", "json"]).await;
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(doc["format"], "mavera-tui/export");
    assert_eq!(doc["version"], 1);
    let answer = &doc["threads"][0]["messages"][1];
    // Lossless: the stored text, escape sequence and all (Markdown is what is sanitised).
    assert!(answer["text"].as_str().expect("text").contains('\u{1b}'));
    assert_eq!(
        answer["usage"],
        json!({"input_tokens": 12, "output_tokens": 30, "total_tokens": 42, "credits_used": 2.5})
    );
    assert_eq!(answer["credits"], 2.5);
    assert_eq!(answer["response_id"], "resp_1");
    assert_eq!(answer["created_ms"], T0 + 2000);
}

#[tokio::test]
async fn output_files_are_private_and_never_replaced_without_force() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let file = home.path().join("out/c1.md");
    let file_arg = file.to_str().expect("utf-8 path");
    let out = export(home.path(), &["c1", "-o", file_arg]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("exported c1 to"),
        "{}",
        text(&out.stderr)
    );
    let stdout = export(home.path(), &["c1"]).await.stdout;
    assert_eq!(std::fs::read(&file).expect("read"), stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).expect("meta").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
    std::fs::write(&file, "mine").expect("write");
    let refused = export(home.path(), &["t1", "-o", file_arg]).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("already exists"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(std::fs::read_to_string(&file).expect("read"), "mine");
    let forced = export(home.path(), &["t1", "-o", file_arg, "--force"]).await;
    assert_eq!(forced.status.code(), Some(0), "{}", text(&forced.stderr));
    assert!(std::fs::read_to_string(&file)
        .expect("read")
        .starts_with("# Should we buy it?"));
}

#[tokio::test]
async fn last_is_the_most_recent_conversation() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let last = export(home.path(), &["--last", "--format", "json"]).await;
    assert_eq!(last.status.code(), Some(0), "{}", text(&last.stderr));
    let c1 = export(home.path(), &["c1", "--format", "json"]).await;
    assert_eq!(last.stdout, c1.stdout);
}

#[tokio::test]
async fn unknown_or_malformed_ids_and_an_empty_history_are_clear_errors() {
    let home = tempfile::tempdir().expect("home");
    let none = export(home.path(), &["--last"]).await;
    assert_eq!(none.status.code(), Some(1));
    assert!(
        text(&none.stderr).contains("no conversation to export"),
        "{}",
        text(&none.stderr)
    );
    assert!(!history_file(home.path()).exists(), "reading creates nothing");
    sample(home.path());
    let unknown = export(home.path(), &["t99"]).await;
    assert_eq!(unknown.status.code(), Some(1));
    assert!(unknown.stdout.is_empty());
    assert!(
        text(&unknown.stderr).contains("no conversation t99"),
        "{}",
        text(&unknown.stderr)
    );
    let bad = export(home.path(), &["pricing"]).await;
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        text(&bad.stderr).contains("not a conversation id"),
        "{}",
        text(&bad.stderr)
    );
    let neither = export(home.path(), &[]).await;
    assert_eq!(neither.status.code(), Some(2), "an id or --last is needed");
}

#[tokio::test]
async fn a_closed_pipe_ends_the_export_quietly() {
    let home = tempfile::tempdir().expect("home");
    {
        let long = "word ".repeat(400_000);
        let mut store = Store::open(&history_file(home.path())).expect("open");
        let ops = thread(
            1,
            ("ccfo", "CFO"),
            vec![
                message(Role::User, "long?", Status::Complete, None),
                message(Role::Assistant, &long, Status::Complete, None),
            ],
        );
        store.apply(&ops).expect("apply");
    }
    let mut cmd = command(home.path());
    cmd.args(["export", "t1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).await.expect("some output");
    drop(stdout);
    let out = tokio::time::timeout(Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("ends promptly")
        .expect("exit");
    assert_eq!(out.status.code(), Some(141), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "quietly: {}", text(&out.stderr));
}

#[tokio::test]
async fn every_flag_has_help() {
    let home = tempfile::tempdir().expect("home");
    let help = text(&export(home.path(), &["--help"]).await.stdout);
    for flag in ["--format", "--last", "--output", "-o", "--force", "[ID]"] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
}

/// The screen of `threads` opened in the app.
fn screen(threads: Vec<RestoredThread>) -> String {
    let mut app = App::loaded();
    let _ = app.send(Event::Restore(threads));
    draw(&mut app, 120, 40)
}

#[tokio::test]
async fn an_imported_json_export_draws_the_screen_of_the_original() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    for id in ["t1", "c1"] {
        let file = home.path().join(format!("{id}.json"));
        let out = export(
            home.path(),
            &[id, "--format", "json", "-o", file.to_str().expect("path")],
        )
        .await;
        assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
        let imported = mavera_tui::export::open(&file).expect("opens");
        let store = Store::open_for_reading(&history_file(home.path())).expect("store");
        let conversation = match id {
            "t1" => ConversationId::Thread(1),
            _ => ConversationId::Comparison(1),
        };
        let original =
            mavera_tui::app::stored::restored(store.load(conversation).expect("load").expect("found"));
        // An import is a copy to read first: like the original, but not linked to its rows.
        let original: Vec<RestoredThread> = original
            .into_iter()
            .map(|t| RestoredThread { stored: None, ..t })
            .collect();
        assert_eq!(imported, original, "{id}: the same threads");
        let (a, b) = (screen(original), screen(imported));
        assert_eq!(a, b, "{id}");
        assert!(a.contains("Moderate.") || a.contains("Kinda mid"), "{a}");
    }
}

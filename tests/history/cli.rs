//! `mavera-tui history` from the shell: the list newest first, `--search` in any script
//! with the match marked, `--json`, `--clear` (asked on a terminal, `--yes` for scripts,
//! refused otherwise), a closed pipe, and histories it must leave alone.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use mavera_tui::api::wire::Usage;
use mavera_tui::history::op::title;
use mavera_tui::history::{MessageRecord, NewThread, Role, Status, Store, StoreKey, StoreOp};
use tokio::io::AsyncReadExt;

use crate::support::bin::{command, run, text};
use crate::support::pty::Pty;

const WAIT: Duration = Duration::from_secs(20);

fn history_file(home: &Path) -> PathBuf {
    home.join(".local/share/mavera-tui/history.db")
}

fn record(role: Role, text: &str, credits: Option<f64>) -> MessageRecord {
    MessageRecord {
        role,
        text: text.into(),
        status: Status::Complete,
        usage: credits.map(|c| Usage {
            credits_used: Some(c),
            ..Usage::default()
        }),
        response_id: None,
        parts: Vec::new(),
        error: None,
    }
}

/// A thread of `(prompt, answer, credits)` exchanges, with session key `key`.
fn thread(store: &mut Store, key: u64, persona: &str, exchanges: &[(&str, &str, Option<f64>)]) {
    let mut ops = vec![StoreOp::Thread(NewThread {
        key,
        persona_id: format!("c{key}"),
        persona_name: persona.into(),
        title: title(exchanges[0].0),
        instructions: None,
    })];
    for (i, (q, a, credits)) in exchanges.iter().enumerate() {
        let seq = 2 * i as u32;
        ops.push(StoreOp::Message {
            thread: StoreKey::Session(key),
            seq,
            message: record(Role::User, q, None),
        });
        ops.push(StoreOp::Message {
            thread: StoreKey::Session(key),
            seq: seq + 1,
            message: record(Role::Assistant, a, *credits),
        });
    }
    store.apply(&ops).expect("apply");
    // Distinct times, so "newest first" has one answer.
    std::thread::sleep(Duration::from_millis(5));
}

/// A history of a comparison (oldest), a CJK thread, and an English thread (newest).
fn sample(home: &Path) {
    let mut store = Store::open(&history_file(home)).expect("open");
    thread(
        &mut store,
        1,
        "CFO",
        &[("Our new pricing page", "Too expensive", Some(2.0))],
    );
    thread(
        &mut store,
        2,
        "Gen Z Consumer",
        &[("Our new pricing page", "Kinda mid 🎉", None)],
    );
    store
        .apply(&[StoreOp::Comparison {
            key: 3,
            title: "Our new pricing page".into(),
            threads: vec![StoreKey::Session(1), StoreKey::Session(2)],
        }])
        .expect("comparison");
    std::thread::sleep(Duration::from_millis(5));
    thread(
        &mut store,
        4,
        "B2B Decision Maker",
        &[("東京の天気は?", "晴れです", Some(1.0))],
    );
    thread(
        &mut store,
        5,
        "CFO",
        &[
            (
                "Should we \u{1b}]0;pwned\u{7}buy it?",
                "Payback in 3 years",
                Some(3.0),
            ),
            ("And the risk?", "Moderate", Some(1.5)),
        ],
    );
}

#[tokio::test]
async fn without_a_history_there_is_nothing_to_list_and_no_file_is_made() {
    let home = tempfile::tempdir().expect("home");
    let out = run(home.path(), &["history"], &[]).await;
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("no conversations yet"),
        "{}",
        text(&out.stderr)
    );
    let json = run(home.path(), &["history", "--json"], &[]).await;
    assert_eq!(text(&json.stdout).trim(), "[]");
    assert!(
        !home.path().join(".local/share/mavera-tui").exists(),
        "reading creates nothing"
    );
}

#[tokio::test]
async fn the_list_is_newest_first_with_personas_answers_and_credits() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let out = run(home.path(), &["history"], &[]).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 4, "a header and three conversations:\n{stdout}");
    assert!(
        lines[0].starts_with("ID") && lines[0].contains("TITLE"),
        "{stdout}"
    );
    assert!(lines[1].starts_with("t4 "), "{stdout}");
    assert!(
        lines[1].contains("CFO") && lines[1].contains("Should we buy it?"),
        "{stdout}"
    );
    assert!(
        lines[1].contains(" 2 ") && lines[1].contains("4.50"),
        "two answers, 4.5 credits: {stdout}"
    );
    assert!(
        lines[2].starts_with("t3 ") && lines[2].contains("東京の天気は?"),
        "{stdout}"
    );
    assert!(lines[3].starts_with("c1 "), "{stdout}");
    assert!(
        lines[3].contains("CFO, Gen Z Consumer"),
        "columns in order: {stdout}"
    );
    assert!(
        lines[3].contains("2+"),
        "one cost unreported: at least 2: {stdout}"
    );
    assert!(
        !stdout.contains('\u{1b}') && !stdout.contains("pwned"),
        "sanitised: {stdout:?}"
    );
}

#[tokio::test]
async fn the_list_as_json() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let out = run(home.path(), &["history", "--json"], &[]).await;
    assert_eq!(out.status.code(), Some(0));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let list = list.as_array().expect("an array");
    assert_eq!(list.len(), 3);
    assert_eq!(
        list[0]["id"], "t4",
        "row ids: the comparison's threads are t1 and t2"
    );
    assert_eq!(list[0]["kind"], "thread");
    assert_eq!(list[0]["answers"], 2);
    assert_eq!(list[0]["credits"], 4.5);
    assert_eq!(list[0]["credits_exact"], true);
    assert_eq!(list[2]["kind"], "comparison");
    assert_eq!(list[2]["personas"], serde_json::json!(["CFO", "Gen Z Consumer"]));
    assert_eq!(list[2]["credits_exact"], false);
    assert!(list[0]["updated"].as_str().is_some_and(|d| d.ends_with('Z')));
}

#[tokio::test]
async fn search_marks_the_match_in_any_script() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let search = |q: &'static str| {
        let home = home.path().to_owned();
        async move {
            let out = run(&home, &["history", "--search", q], &[]).await;
            assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
            text(&out.stdout)
        }
    };
    let out = search("pric").await;
    assert!(out.contains("c1 "), "{out}");
    assert!(out.contains("prompt: Our new [pricing] page"), "{out}");
    let out = search("paybac YEARS").await;
    assert!(out.starts_with("t4 "), "{out}");
    assert!(out.contains("[Payback] in 3 [years]"), "{out}");
    let out = search("天気").await;
    assert!(out.contains("t3") && out.contains("[天気]"), "{out}");
    let out = search("晴れです").await;
    assert!(out.contains("answer: [晴れです]"), "{out}");
    let out = search("🎉").await;
    assert!(out.contains("[🎉]"), "{out}");
    let none = run(home.path(), &["history", "--search", "zzzz"], &[]).await;
    assert!(none.stdout.is_empty());
    assert!(text(&none.stderr).contains("no messages match"));
    let json = run(home.path(), &["history", "--search", "risk", "--json"], &[]).await;
    let hits: serde_json::Value = serde_json::from_slice(&json.stdout).expect("JSON");
    assert_eq!(hits[0]["conversation"], "t4");
    assert_eq!(hits[0]["role"], "user");
    assert_eq!(hits[0]["snippet"], "And the [risk]?");
}

#[tokio::test]
async fn clear_needs_a_yes_off_a_terminal() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let db = history_file(home.path());
    let before = std::fs::read(&db).expect("read");
    let refused = run(home.path(), &["history", "--clear"], &[]).await;
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        text(&refused.stderr).contains("--yes"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(std::fs::read(&db).expect("read"), before, "nothing deleted");
    let cleared = run(home.path(), &["history", "--clear", "--yes"], &[]).await;
    assert_eq!(cleared.status.code(), Some(0), "{}", text(&cleared.stderr));
    assert!(text(&cleared.stderr).contains("deleted 3 conversations"));
    let after = run(home.path(), &["history", "--json"], &[]).await;
    assert_eq!(text(&after.stdout).trim(), "[]");
    let without_clear = run(home.path(), &["history", "--yes"], &[]).await;
    assert_eq!(
        without_clear.status.code(),
        Some(2),
        "--yes only goes with --clear"
    );
}

#[test]
fn clear_asks_on_a_terminal() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let mut no = Pty::command(home.path(), &["history", "--clear"], &[]);
    no.wait_text("Delete all 3 conversations", WAIT);
    no.send("n\r");
    no.wait_text("nothing was deleted", WAIT);
    assert_eq!(no.wait_exit(WAIT), 0);
    let mut yes = Pty::command(home.path(), &["history", "--clear"], &[]);
    yes.wait_text("cannot be undone", WAIT);
    yes.send("y\r");
    yes.wait_text("deleted 3 conversations", WAIT);
    assert_eq!(yes.wait_exit(WAIT), 0);
}

#[tokio::test]
async fn a_history_in_use_is_read_but_not_cleared() {
    let home = tempfile::tempdir().expect("home");
    sample(home.path());
    let app = Store::open(&history_file(home.path())).expect("a running app");
    let listed = run(home.path(), &["history"], &[]).await;
    assert_eq!(listed.status.code(), Some(0), "{}", text(&listed.stderr));
    assert_eq!(text(&listed.stdout).lines().count(), 4);
    let clear = run(home.path(), &["history", "--clear", "--yes"], &[]).await;
    assert_eq!(clear.status.code(), Some(1));
    assert!(text(&clear.stderr).contains("in use by another running mavera-tui"));
    drop(app);
}

#[tokio::test]
async fn a_damaged_or_newer_history_is_reported_and_left_alone() {
    let home = tempfile::tempdir().expect("home");
    let db = history_file(home.path());
    std::fs::create_dir_all(db.parent().expect("dir")).expect("dir");
    let garbage = b"definitely not sqlite ".repeat(300);
    std::fs::write(&db, &garbage).expect("write");
    for args in [
        &["history"][..],
        &["history", "--search", "x"],
        &["history", "--clear", "--yes"],
    ] {
        let out = run(home.path(), args, &[]).await;
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            text(&out.stderr).contains("not a mavera-tui history"),
            "{}",
            text(&out.stderr)
        );
        assert_eq!(
            std::fs::read(&db).expect("read"),
            garbage,
            "untouched by {args:?}"
        );
    }
    std::fs::remove_file(&db).expect("remove");
    sample(home.path());
    let conn = rusqlite::Connection::open(&db).expect("open");
    conn.pragma_update(None, "user_version", 99).expect("newer");
    drop(conn);
    let out = run(home.path(), &["history"], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("newer mavera-tui"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test]
async fn a_closed_pipe_ends_the_listing_quietly() {
    let home = tempfile::tempdir().expect("home");
    {
        let mut store = Store::open(&history_file(home.path())).expect("open");
        let mut ops = Vec::new();
        for key in 0..3000u64 {
            ops.push(StoreOp::Thread(NewThread {
                key,
                persona_id: "c".into(),
                persona_name: "CFO".into(),
                title: format!("question number {key} about the pricing page"),
                instructions: None,
            }));
        }
        store.apply(&ops).expect("apply");
    }
    let mut cmd = command(home.path());
    cmd.args(["history"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).await.expect("some output");
    drop(stdout);
    let out = tokio::time::timeout(WAIT, child.wait_with_output())
        .await
        .expect("ends promptly")
        .expect("exit");
    assert_eq!(out.status.code(), Some(141), "{}", text(&out.stderr));
    assert!(out.stderr.is_empty(), "quietly: {}", text(&out.stderr));
}

#[tokio::test]
async fn every_flag_has_help() {
    let home = tempfile::tempdir().expect("home");
    let out = run(home.path(), &["history", "--help"], &[]).await;
    let help = text(&out.stdout);
    for flag in ["--search", "--json", "--clear", "--yes"] {
        assert!(help.contains(flag), "{flag} in {help}");
    }
    let top = text(&run(home.path(), &["--help"], &[]).await.stdout);
    assert!(top.contains("--resume") && top.contains("history"), "{top}");
}

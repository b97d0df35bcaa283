//! The real app in a pseudo-terminal against the simulator: conversations autosaved and
//! reopened with `--resume`, an app killed mid-answer (`kill -9`) whose partial answer
//! comes back marked interrupted, a history in use by another mavera-tui, and a history
//! turned off.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use mavera_tui::sim::SimConfig;
use rusqlite::{Connection, OpenFlags};

use crate::support::pty::Pty;
use crate::support::sim::{start, KEY};

const WAIT: Duration = Duration::from_secs(20);

fn env(url: &str) -> Vec<(&str, &str)> {
    vec![("MAVERA_BASE_URL", url), ("MAVERA_API_KEY", KEY)]
}

fn history_file(home: &Path) -> PathBuf {
    home.join(".local/share/mavera-tui/history.db")
}

/// The session credit tally in the status bar (`session 7 cr` → 7).
fn session_credits(screen: &str) -> Option<u32> {
    let at = screen.find("session ")?;
    screen[at + 8..]
        .split_whitespace()
        .next()?
        .trim_end_matches('+')
        .parse()
        .ok()
}

/// The stored answers, read as another program would (read-only, beside the app).
fn answers(db: &Path) -> Vec<(String, String)> {
    let Ok(conn) = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return Vec::new();
    };
    conn.prepare("SELECT text, status FROM messages WHERE role = 'assistant' ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_questions_come_back_with_resume_and_the_thread_goes_on() {
    let sim = start(SimConfig {
        tokens_per_sec: 0.0,
        answer_words: Some(12),
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(home.path(), &["--persona", "CFO"], &env(&url), 120, 40);
    pty.wait_text("Message CFO", WAIT);
    pty.type_text("first question alpha");
    pty.send("\r");
    let one = pty.wait_for("the first answer", WAIT, |s| {
        session_credits(s).is_some_and(|c| c > 0)
    });
    let after_one = session_credits(&one).unwrap_or(0);
    pty.type_text("second question beta");
    pty.send("\r");
    pty.wait_for("the second answer", WAIT, |s| {
        session_credits(s).is_some_and(|c| c > after_one)
    });
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
    let stored = answers(&history_file(home.path()));
    assert_eq!(stored.len(), 2, "{stored:?}");
    assert!(
        stored.iter().all(|(_, status)| status == "complete"),
        "{stored:?}"
    );

    let mut again = Pty::spawn(home.path(), &["--resume"], &env(&url), 120, 40);
    let screen = again.wait_for("both questions", WAIT, |s| {
        s.contains("first question alpha") && s.contains("second question beta")
    });
    assert!(
        screen.contains("Message CFO"),
        "the thread's persona is picked: {screen}"
    );
    // A follow-up continues the same stored thread, with the history re-sent.
    again.type_text("third question gamma");
    again.send("\r");
    again.wait_for("the third answer", WAIT, |s| {
        s.contains("third question gamma") && session_credits(s).is_some_and(|c| c > 0)
    });
    again.send("\x11");
    assert_eq!(again.wait_exit(WAIT), 0);
    let conn = Connection::open(history_file(home.path())).expect("open");
    let (threads, messages): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT count(*) FROM threads), (SELECT count(*) FROM messages)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .expect("counts");
    assert_eq!((threads, messages), (1, 6), "one thread, three exchanges");
    drop(conn);
    let dir = history_file(home.path()).with_file_name("");
    for entry in std::fs::read_dir(&dir).expect("the history folder").flatten() {
        let bytes = std::fs::read(entry.path()).expect("read");
        assert!(
            !bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
            "the API key is never stored: {:?}",
            entry.path()
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resume_with_an_empty_history_says_there_is_nothing_yet() {
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(home.path(), &["--demo", "--resume"], &[], 140, 30);
    // The list may still be loading when the note appears (a busy machine): wait for both.
    let screen = pty.wait_for("the note and the list", WAIT, |s| {
        s.contains("nothing to resume yet") && s.contains("Gen Z Consumer")
    });
    assert!(screen.contains("Gen Z Consumer"), "the app runs: {screen}");
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_killed_mid_answer_keeps_the_text_so_far_marked_interrupted() {
    let sim = start(SimConfig {
        tokens_per_sec: 12.0,
        answer_words: Some(400),
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let db = history_file(home.path());
    let pty = Pty::spawn(home.path(), &["--persona", "CFO"], &env(&url), 120, 40);
    pty.wait_text("Message CFO", WAIT);
    let mut pty = pty;
    pty.type_text("tell me a long story");
    pty.send("\r");
    pty.wait_text("● streaming", WAIT);
    // Checkpoints while it streams: one with some text, then a later, longer one.
    let deadline = Instant::now() + WAIT;
    let first = loop {
        match answers(&db).pop() {
            Some((text, status)) if !text.is_empty() => break (text, status),
            _ if Instant::now() > deadline => panic!("no checkpoint; screen:\n{}", pty.text()),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    assert_eq!(first.1, "streaming");
    let grown = loop {
        match answers(&db).pop() {
            Some((text, _)) if text.len() > first.0.len() => break text,
            _ if Instant::now() > deadline => panic!("no second checkpoint"),
            _ => std::thread::sleep(Duration::from_millis(50)),
        }
    };
    assert!(grown.starts_with(&first.0), "the text so far, growing");
    let pid = pty.pid().expect("pid").to_string();
    let killed = std::process::Command::new("kill")
        .args(["-9", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    pty.wait_exit(WAIT);
    drop(pty);
    let (kept, status) = answers(&db).pop().expect("the partial answer is stored");
    assert_eq!(status, "streaming", "as the killed app left it");
    assert!(kept.starts_with(&grown));

    let mut again = Pty::spawn(home.path(), &["--resume"], &env(&url), 120, 40);
    // A word of the kept text (markdown marks aside) is on screen, and the mark.
    let word = kept
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| w.chars().count() >= 5)
        .expect("a word")
        .to_owned();
    let screen = again.wait_for("the partial answer", WAIT, |s| {
        s.contains("tell me a long story") && s.contains(&word) && s.contains("interrupted")
    });
    assert!(!screen.contains("● streaming"), "{screen}");
    assert_eq!(answers(&db).pop().map(|a| a.1).as_deref(), Some("interrupted"));
    again.send("\x11");
    assert_eq!(again.wait_exit(WAIT), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_in_use_by_another_mavera_tui_is_left_alone_and_said() {
    let home = tempfile::tempdir().expect("home");
    let db = history_file(home.path());
    let held = mavera_tui::history::Store::open(&db).expect("the other mavera-tui");
    let before = std::fs::read(&db).expect("read");
    let mut pty = Pty::spawn(home.path(), &["--demo"], &[], 140, 30);
    pty.wait_text("in use by another running mavera-tui", WAIT);
    // A later notice takes its place ("x" in the persona list clears the marks); the
    // mark stays for the session.
    pty.send("x");
    pty.wait_for("the mark", WAIT, |s| {
        s.contains("marks cleared") && s.contains("no history")
    });
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
    assert_eq!(std::fs::read(&db).expect("read"), before, "untouched");
    drop(held);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_history_turned_off_creates_no_file() {
    let sim = start(SimConfig {
        tokens_per_sec: 0.0,
        answer_words: Some(5),
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let mut vars = env(&url);
    vars.push(("MAVERA_TUI_HISTORY_ENABLED", "false"));
    let mut pty = Pty::spawn(home.path(), &["--persona", "CFO"], &vars, 120, 30);
    pty.wait_text("Message CFO", WAIT);
    pty.type_text("not kept");
    pty.send("\r");
    pty.wait_for("the answer", WAIT, |s| session_credits(s).is_some_and(|c| c > 0));
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
    assert!(
        !home.path().join(".local/share/mavera-tui").exists(),
        "no history folder"
    );
    let mut resumed = Pty::spawn(home.path(), &["--resume"], &vars, 120, 30);
    resumed.wait_text("turned off", WAIT);
    assert_eq!(resumed.wait_exit(WAIT), 2);
}

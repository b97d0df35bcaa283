//! The history view in the real app (`--demo`, in a pseudo-terminal, with its own data
//! folder): two questions, quit, `--resume` shows both; then, on a screen too small to
//! show the first answer, Ctrl+F, a word only the first answer holds, Enter: the app
//! reopens the conversation landed on that word.

use std::path::Path;
use std::time::Duration;

use rusqlite::{Connection, OpenFlags};

use crate::support::pty::Pty;

const WAIT: Duration = Duration::from_secs(30);

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

/// The stored answers' texts, in order, read as another program would.
fn answers(db: &Path) -> Vec<String> {
    let Ok(conn) = Connection::open_with_flags(db, OpenFlags::SQLITE_OPEN_READ_ONLY) else {
        return Vec::new();
    };
    conn.prepare("SELECT text FROM messages WHERE role = 'assistant' ORDER BY id")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .unwrap_or_default()
}

fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A word of `first` that nothing in `others` starts with (the search matches prefixes).
fn only_in(first: &str, others: &[&str]) -> Option<String> {
    let elsewhere: Vec<String> = others.iter().flat_map(|t| words(t)).collect();
    words(first)
        .into_iter()
        .filter(|w| w.len() >= 7)
        .find(|w| !elsewhere.iter().any(|o| o.starts_with(w.as_str())))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_searched_word_reopens_the_conversation_landed_on_it() {
    let home = tempfile::tempdir().expect("home");
    let data = home.path().join("data");
    let data_dir = data.to_string_lossy().into_owned();
    let env = [("XDG_DATA_HOME", data_dir.as_str())];
    let db = data.join("mavera-tui/history.db");
    let q1 = "first question about pricing";
    let q2 = "second question about onboarding";

    let mut pty = Pty::spawn(home.path(), &["--demo", "--persona", "CFO"], &env, 120, 40);
    pty.wait_text("Message CFO", WAIT);
    pty.type_text(q1);
    pty.send("\r");
    let one = pty.wait_for("the first answer", WAIT, |s| {
        session_credits(s).is_some_and(|c| c > 0)
    });
    let after_one = session_credits(&one).unwrap_or(0);
    pty.type_text(q2);
    pty.send("\r");
    pty.wait_for("the second answer", WAIT, |s| {
        session_credits(s).is_some_and(|c| c > after_one)
    });
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
    let stored = answers(&db);
    assert_eq!(stored.len(), 2, "{stored:?}");
    let word = only_in(
        &stored[0],
        &[&stored[1], q1, q2, "CFO history find rename delete reopen"],
    )
    .expect("a word only the first answer holds");

    // Reopened whole: both questions.
    let mut again = Pty::spawn(home.path(), &["--demo", "--resume"], &env, 140, 60);
    again.wait_for("both questions", WAIT, |s| s.contains(q1) && s.contains(q2));
    again.send("\x11");
    assert_eq!(again.wait_exit(WAIT), 0);

    // On a small screen the latest answer shows, not the first.
    let mut small = Pty::spawn(home.path(), &["--demo", "--resume"], &env, 80, 14);
    let before = small.wait_text("Message CFO", WAIT);
    assert!(
        !before.to_lowercase().contains(&word),
        "{word} is not on screen yet:\n{before}"
    );
    small.send("\x06");
    small.wait_text("Find:", WAIT);
    small.type_text(&word);
    small.wait_text("1 message", WAIT);
    small.send("\r");
    let landed = small.wait_for("the first answer, at the word", WAIT, |s| {
        !s.contains("Find:") && s.to_lowercase().contains(&word)
    });
    assert!(
        landed.contains("Message CFO"),
        "the thread is open to continue:\n{landed}"
    );
    small.send("\x11");
    assert_eq!(small.wait_exit(WAIT), 0);
}

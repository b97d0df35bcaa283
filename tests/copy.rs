//! The copy keys in the reducer: `y` copies the last answer (side by side, the focused
//! column's), `c` then N its N-th code block; the effect carries the sanitised text and
//! the status bar says what was copied and how; Ctrl+O exports what is on screen.

use crossterm::event::KeyCode;
use mavera_tui::app::state::Focus;
use mavera_tui::app::thread::{Author, Message, Thread};
use mavera_tui::app::{Effect, Event, RestoredThread};

use crate::support::app::App;

fn thread(persona: &str, answers: &[&str]) -> RestoredThread {
    let mut messages = Vec::new();
    for a in answers {
        messages.push(Message::user(0, "question".into()));
        messages.push(Message {
            author: Author::Assistant,
            ..Message::user(0, (*a).into())
        });
    }
    RestoredThread {
        persona_id: persona.into(),
        stored: None,
        thread: Thread {
            messages,
            ..Thread::default()
        },
    }
}

fn opened(threads: Vec<RestoredThread>) -> App {
    let mut app = App::loaded();
    let _ = app.send(Event::Restore(threads));
    app.state.focus = Focus::Conversation;
    app
}

/// The copy effect's text, if any.
fn copied(fx: &[Effect]) -> Option<String> {
    fx.iter().find_map(|e| match e {
        Effect::Copy { text, .. } => Some(text.clone()),
        _ => None,
    })
}

fn notice(app: &App) -> String {
    app.state
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

const CODE: &str = "Two ways:\n\n```sh\necho one\n```\n\nor\n\n```python\nprint(2)\n```\n";

#[test]
fn y_copies_the_last_answer_and_says_so() {
    let mut app = opened(vec![thread("ccfo", &["old answer", "new answer ✓"])]);
    let fx = app.key(KeyCode::Char('y'));
    assert_eq!(copied(&fx).as_deref(), Some("new answer ✓"));
    assert_eq!(notice(&app), "copied the last answer (12 chars) via OSC 52");
    assert!(fx.contains(&Effect::Redraw));
}

#[test]
fn nothing_to_copy_is_said_not_emitted() {
    let mut app = opened(vec![]);
    app.state.focus = Focus::Conversation;
    let fx = app.key(KeyCode::Char('y'));
    assert_eq!(copied(&fx), None);
    assert_eq!(notice(&app), "no answer to copy yet");
}

#[test]
fn c_then_a_digit_copies_that_code_block() {
    let mut app = opened(vec![thread("ccfo", &[CODE])]);
    let fx = app.key(KeyCode::Char('c'));
    assert_eq!(copied(&fx), None, "waits for the digit");
    assert_eq!(notice(&app), "copy code block: press 1–2");
    let fx = app.key(KeyCode::Char('2'));
    assert_eq!(copied(&fx).as_deref(), Some("print(2)\n"));
    assert_eq!(notice(&app), "copied code block 2 (9 chars) via OSC 52");
    assert!(!app.state.copy_pending);

    let _ = app.key(KeyCode::Char('c'));
    let fx = app.key(KeyCode::Char('3'));
    assert_eq!(copied(&fx), None);
    assert_eq!(notice(&app), "the last answer has no code block 3 (it has 2)");

    let _ = app.key(KeyCode::Char('c'));
    let fx = app.key(KeyCode::Esc);
    assert_eq!(copied(&fx), None);
    assert_eq!(notice(&app), "nothing copied");
    assert!(!app.state.copy_pending, "any other key cancels");
}

#[test]
fn side_by_side_the_focused_columns_answer_is_copied() {
    let mut app = opened(vec![
        thread("cgenz", &["genz says"]),
        thread("ccfo", &["cfo says"]),
    ]);
    assert!(app.state.compare.active());
    let fx = app.key(KeyCode::Char('y'));
    assert_eq!(
        copied(&fx).as_deref(),
        Some("genz says"),
        "no focus: the first column"
    );
    let _ = app.key(KeyCode::Char('2'));
    assert_eq!(app.state.compare.column, Some(1));
    let fx = app.key(KeyCode::Char('y'));
    assert_eq!(copied(&fx).as_deref(), Some("cfo says"));
}

#[test]
fn copied_text_is_sanitised_and_capped() {
    let long = "x".repeat(mavera_tui::app::copy::MAX_CHARS + 10);
    let mut app = opened(vec![thread("ccfo", &[&long])]);
    let fx = app.key(KeyCode::Char('y'));
    let text = copied(&fx).expect("copied");
    assert_eq!(text.chars().count(), mavera_tui::app::copy::MAX_CHARS);
    assert!(
        notice(&app).starts_with("copied the first 100,000 of 100,010 chars"),
        "{}",
        notice(&app)
    );

    let mut app = opened(vec![thread("ccfo", &["a\u{1b}]52;c;AAAA\u{7}b\tc\nd"])]);
    let fx = app.key(KeyCode::Char('y'));
    assert_eq!(copied(&fx).as_deref(), Some("ab\tc\nd"));
}

/// `y` on an answer holding escape sequences, carried out as the runtime does: the copy
/// effect's text through a fake `wl-copy` found on PATH (a script writing its input to a
/// file) arrives sanitised, and the status bar's wording says how it went.
#[cfg(unix)]
#[test]
fn the_system_clipboard_gets_the_sanitised_text_through_the_program_on_path() {
    use mavera_tui::term::system_clipboard::{copy_with_in_background, detect_with, TIMEOUT};
    use std::os::unix::fs::PermissionsExt;

    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("clipboard.txt");
    let script = dir.path().join("wl-copy");
    std::fs::write(&script, format!("#!/bin/sh\ncat > '{}'\n", out.display())).expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let path = std::ffi::OsString::from(format!("/nonexistent:{}", dir.path().display()));
    let provider = detect_with(&|name| match name {
        "PATH" => Some(path.clone()),
        "WAYLAND_DISPLAY" => Some("wayland-1".into()),
        _ => None,
    })
    .expect("the fake wl-copy");

    let mut app = opened(vec![thread(
        "ccfo",
        &["safe \u{1b}[2J\u{1b}]0;title\u{7}text\tok\n"],
    )]);
    let fx = app.key(KeyCode::Char('y'));
    let Some(Effect::Copy {
        text,
        what,
        chars,
        cut,
    }) = fx.into_iter().find(|e| matches!(e, Effect::Copy { .. }))
    else {
        panic!("a copy");
    };
    let (tx, rx) = std::sync::mpsc::channel();
    copy_with_in_background(Some(provider), text, TIMEOUT, move |system| {
        let _ = tx.send(mavera_tui::app::copy::report_system(&what, chars, cut, &system));
    });
    let report = rx
        .recv_timeout(std::time::Duration::from_secs(5))
        .expect("a report");
    assert_eq!(std::fs::read_to_string(&out).expect("copied"), "safe text\tok\n");
    assert_eq!(
        report,
        "copied the last answer (13 chars) to the clipboard via wl-copy and OSC 52"
    );
}

#[test]
fn ctrl_o_exports_the_conversations_on_screen() {
    let mut app = opened(vec![thread("cgenz", &["a"]), thread("ccfo", &["b"])]);
    let fx = app.ctrl('o');
    let keys: Vec<String> = fx
        .iter()
        .find_map(|e| match e {
            Effect::ExportMarkdown { threads, .. } => Some(threads.iter().map(|(k, _)| k.clone()).collect()),
            _ => None,
        })
        .expect("an export");
    assert_eq!(keys, ["cgenz", "ccfo"], "in column order");
    let mut empty = App::loaded();
    let fx = empty.ctrl('o');
    assert!(!fx.iter().any(|e| matches!(e, Effect::ExportMarkdown { .. })));
    assert_eq!(notice(&empty), "nothing to export yet");
}

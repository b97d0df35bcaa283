//! Quitting and retrying never lose work, in the reducer: Ctrl+C stops every streaming
//! answer (every thread, every column) before it quits; Ctrl+Q asks once while answers
//! stream; Ctrl+R keeps the old answer on screen until the new one has text and puts it
//! back when the new one fails or is stopped first; Ctrl+Z only asks the runtime to
//! suspend (the terminal side is in `e2e`). Whole-state and exact-effect assertions.

use crossterm::event::KeyCode;
use mavera_tui::api::ApiError;
use mavera_tui::app::state::{Focus, Severity};
use mavera_tui::app::thread::{Message, MessageStatus};
use mavera_tui::app::{Effect, RequestId};
use mavera_tui::view::status::quit_question;
use mavera_tui::view::ViewCache;

use crate::support::app::{stream_id, App};
use crate::support::screen::{draw, draw_with};

/// Two threads, each with an answer streaming: (Gen Z's request, the CFO's request).
fn two_streaming() -> (App, RequestId, RequestId) {
    let mut app = App::loaded();
    app.pick("cgenz");
    let a = app.ask("first");
    let _ = app.deltas(a, &["Gen Z so far"]);
    app.pick("ccfo");
    let b = app.ask("second");
    (app, a, b)
}

/// The three sample personas side by side, an answer streaming in each column.
fn three_columns() -> (App, Vec<RequestId>) {
    let mut app = App::loaded();
    app.state.focus = Focus::Sidebar;
    for id in ["cgenz", "ccfo", "cb2b"] {
        app.state.personas.move_to(id);
        let _ = app.key(KeyCode::Char(' '));
    }
    app.state.focus = Focus::Composer;
    app.type_text("all of you");
    let fx = app.key(KeyCode::Enter);
    let ids = fx
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    (app, ids)
}

fn last(app: &App, key: &str) -> Message {
    app.state
        .threads
        .get(key)
        .and_then(|t| t.messages.last())
        .cloned()
        .expect("a message")
}

#[test]
fn ctrl_c_stops_the_answers_of_every_thread_then_quits() {
    let (mut app, a, b) = two_streaming();
    assert_eq!(
        app.state.thread_key(),
        "ccfo",
        "only the CFO's thread is on screen"
    );
    let fx = app.ctrl('c');
    assert_eq!(
        fx,
        vec![Effect::Cancel { id: a }, Effect::Cancel { id: b }, Effect::Redraw],
        "both stopped, nothing quits"
    );
    assert!(app.state.streams.is_empty());
    assert!(!app.state.quitting);
    let genz = last(&app, "cgenz");
    assert_eq!(
        (genz.text.as_str(), genz.status),
        ("Gen Z so far", MessageStatus::Stopped)
    );
    assert_eq!(last(&app, "ccfo").status, MessageStatus::Stopped);
    let notice = app.state.notice.clone().expect("a notice");
    assert_eq!(
        (notice.severity, notice.text.as_str()),
        (
            Severity::Info,
            "stopped 2 answers; the text so far stays (Ctrl+R regenerates)"
        )
    );
    assert_eq!(app.ctrl('c'), vec![Effect::Quit], "nothing streams: quits");
    assert!(app.state.quitting);
}

#[test]
fn ctrl_c_stops_every_column_even_when_one_has_focus() {
    let (mut app, ids) = three_columns();
    assert_eq!(ids.len(), 3);
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::Char('2'));
    assert_eq!(app.state.compare.column, Some(1));
    // Esc acts on the focused column only...
    assert_eq!(
        app.key(KeyCode::Esc),
        vec![Effect::Cancel { id: ids[1] }, Effect::Redraw]
    );
    // ...Ctrl+C on every column still streaming.
    assert_eq!(
        app.ctrl('c'),
        vec![
            Effect::Cancel { id: ids[0] },
            Effect::Cancel { id: ids[2] },
            Effect::Redraw
        ]
    );
    for key in ["cgenz", "ccfo", "cb2b"] {
        assert_eq!(last(&app, key).status, MessageStatus::Stopped, "{key}");
    }
    assert_eq!(app.ctrl('c'), vec![Effect::Quit]);
}

#[test]
fn ctrl_q_asks_once_while_answers_stream_and_a_second_quits() {
    let (mut app, a, b) = two_streaming();
    let before = app.state.clone();
    assert_eq!(app.ctrl('q'), vec![Effect::Redraw], "asks, quits nothing yet");
    let mut expected = before;
    expected.now = app.state.now;
    expected.confirm_quit = true;
    assert_eq!(app.state, expected, "only the question is new");
    assert_eq!(
        quit_question(&app.state).as_deref(),
        Some("2 answers are streaming: Ctrl+Q again quits, Esc keeps them")
    );
    let screen = draw(&mut app, 80, 24);
    assert!(
        screen.contains("2 answers are streaming: Ctrl+Q again quits, Esc keeps them"),
        "the whole question fits an 80-column status bar:\n{screen}"
    );
    assert_eq!(
        app.ctrl('q'),
        vec![Effect::Cancel { id: a }, Effect::Cancel { id: b }, Effect::Quit]
    );
    assert!(app.state.quitting);
}

#[test]
fn any_other_key_withdraws_the_question_and_does_nothing_else() {
    let (mut app, _, _) = two_streaming();
    let calm = app.state.clone();
    for key in [KeyCode::Esc, KeyCode::Char('x'), KeyCode::Enter, KeyCode::F(5)] {
        let _ = app.ctrl('q');
        assert!(app.state.confirm_quit);
        assert_eq!(app.key(key), vec![Effect::Redraw], "{key:?}");
        let mut expected = calm.clone();
        expected.now = app.state.now;
        assert_eq!(
            app.state, expected,
            "{key:?}: the answers keep streaming, nothing is typed, nothing else changes"
        );
    }
    // Ctrl+C too only withdraws it; the next Ctrl+C stops the answers.
    let _ = app.ctrl('q');
    assert_eq!(app.ctrl('c'), vec![Effect::Redraw]);
    assert_eq!(app.state.streams.len(), 2);
    // And the question is asked again, in the singular for one answer.
    let _ = app.key(KeyCode::Esc); // stops the CFO's answer on screen
    let _ = app.ctrl('q');
    assert_eq!(
        quit_question(&app.state).as_deref(),
        Some("1 answer is streaming: Ctrl+Q again quits, Esc keeps it")
    );
}

#[test]
fn ctrl_q_quits_at_once_when_nothing_streams_or_once_the_answers_end() {
    let mut app = App::loaded();
    assert_eq!(app.ctrl('q'), vec![Effect::Quit]);

    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.ctrl('q');
    assert!(app.state.confirm_quit);
    let _ = app.deltas(id, &["done"]);
    assert!(app.state.confirm_quit, "still streaming: still asking");
    let fx = app.complete(id, Some(1.0));
    assert!(fx.contains(&Effect::Redraw));
    assert!(!app.state.confirm_quit, "nothing streams: nothing to confirm");
    assert_eq!(quit_question(&app.state), None);
    assert_eq!(app.ctrl('q'), vec![Effect::Quit]);
}

/// Gen Z answered "the old answer" (two paragraphs: the view lays the first out once and
/// only the rest as text is appended); returns the app and that message.
fn answered() -> (App, Message) {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.deltas(id, &["the old answer\n\nin two parts"]);
    let _ = app.complete(id, Some(2.0));
    let old = last(&app, "cgenz");
    assert_eq!(old.status, MessageStatus::Done);
    (app, old)
}

#[test]
fn regenerate_keeps_the_old_text_until_the_first_new_text() {
    let (mut app, _) = answered();
    let fx = app.ctrl('r');
    let retry = stream_id(&fx).expect("regenerates");
    assert_eq!(
        app.state.thread().map(|t| t.messages.len()),
        Some(2),
        "replaced, not added"
    );
    let waiting = last(&app, "cgenz");
    assert_eq!(
        (waiting.text.as_str(), waiting.status),
        ("the old answer\n\nin two parts", MessageStatus::Waiting)
    );
    assert!(
        draw(&mut app, 80, 24).contains("the old answer"),
        "on screen while waiting"
    );
    // Waiting to retry changes nothing about that.
    let _ = app.retrying(retry, 2_000, 1, "rate limited");
    assert_eq!(last(&app, "cgenz").text, "the old answer\n\nin two parts");
    let _ = app.deltas(retry, &["brand ", "new"]);
    let streaming = last(&app, "cgenz");
    assert_eq!(
        (streaming.text.as_str(), streaming.status),
        ("brand new", MessageStatus::Streaming),
        "the old text left with the first new text, and nothing of it stayed"
    );
    let _ = app.complete(retry, Some(1.0));
    assert_eq!(app.last_answer(), ("brand new".into(), MessageStatus::Done));
    assert!(app.state.streams.is_empty());
}

#[test]
fn a_retry_that_fails_before_any_text_puts_the_old_answer_back() {
    let (mut app, old) = answered();
    let retry = stream_id(&app.ctrl('r')).expect("regenerates");
    let _ = app.broken(retry, ApiError::Interrupted);
    let back = last(&app, "cgenz");
    let expected = Message {
        id: back.id,
        revision: back.revision,
        ..old
    };
    assert_eq!(
        back, expected,
        "the old answer, whole: text, status, usage, id aside"
    );
    assert!(app.state.streams.is_empty());
    let notice = app.state.notice.clone().expect("a notice");
    assert_eq!(notice.severity, Severity::Error);
    assert!(
        notice.text.ends_with("· the previous answer is kept"),
        "{}",
        notice.text
    );
    // It can be regenerated again, and a retry with text then replaces it.
    let again = stream_id(&app.ctrl('r')).expect("regenerates again");
    let _ = app.deltas(again, &["second try"]);
    let _ = app.broken(again, ApiError::Interrupted);
    let (text, status) = app.last_answer();
    assert_eq!(
        text, "second try",
        "text arrived before the failure: the new text stays"
    );
    assert!(matches!(status, MessageStatus::Interrupted { .. }), "{status:?}");
}

#[test]
fn stopping_a_retry_before_any_text_puts_the_old_answer_back() {
    let (mut app, old) = answered();
    let retry = stream_id(&app.ctrl('r')).expect("regenerates");
    assert_eq!(
        app.key(KeyCode::Esc),
        vec![Effect::Cancel { id: retry }, Effect::Redraw]
    );
    let back = last(&app, "cgenz");
    assert_eq!(
        back,
        Message {
            id: back.id,
            revision: back.revision,
            ..old
        }
    );
}

#[test]
fn an_interrupted_answer_stays_until_its_retry_has_text() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.deltas(id, &["half an"]);
    let _ = app.broken(id, ApiError::Interrupted);
    let retry = stream_id(&app.ctrl('r')).expect("regenerates");
    assert_eq!(app.last_answer(), ("half an".into(), MessageStatus::Waiting));
    let _ = app.deltas(retry, &["whole"]);
    assert_eq!(app.last_answer(), ("whole".into(), MessageStatus::Streaming));
}

#[test]
fn a_first_batch_longer_than_the_old_text_is_drawn_alone() {
    // The view caches layouts by message id and lays out appended text only: the new
    // text must not be taken for a continuation of the old.
    let (mut app, _) = answered();
    let mut cache = ViewCache::default();
    let _ = draw_with(&mut app, 80, 24, &mut cache);
    let retry = stream_id(&app.ctrl('r')).expect("regenerates");
    assert!(draw_with(&mut app, 80, 24, &mut cache).contains("the old answer"));
    let _ = app.deltas(retry, &["an entirely different and much longer reply, in one"]);
    let screen = draw_with(&mut app, 80, 24, &mut cache);
    assert!(
        screen.contains("an entirely different and much longer reply"),
        "{screen}"
    );
    assert!(!screen.contains("old answer"), "{screen}");
}

#[test]
fn ctrl_z_asks_the_runtime_to_suspend_and_changes_nothing_else() {
    let (mut app, _, _) = two_streaming();
    app.type_text("draft");
    let before = app.state.clone();
    assert_eq!(app.ctrl('z'), vec![], "no effect: the runtime reads the request");
    let mut expected = before;
    expected.now = app.state.now;
    expected.suspend_requests += 1;
    assert_eq!(app.state, expected);
    // Over the help overlay too.
    let _ = app.send(mavera_tui::app::Event::Key(crossterm::event::KeyEvent::new(
        KeyCode::F(1),
        crossterm::event::KeyModifiers::NONE,
    )));
    let _ = app.ctrl('z');
    assert_eq!(app.state.suspend_requests, 2);
    assert_eq!(app.state.composer_text(), "draft");
}

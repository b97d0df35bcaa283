//! The reducer's side of the history: which store effects sending, streaming, ending,
//! stopping, quitting, regenerating and comparing emit — counted, never timed.

use crossterm::event::KeyCode;
use mavera_tui::api::wire::{Input, Usage};
use mavera_tui::api::ApiError;
use mavera_tui::app::thread::{Author, Message, MessageStatus, Thread};
use mavera_tui::app::update::CHECKPOINT_MS;
use mavera_tui::app::{Effect, Event, HistoryNews, RestoredThread};
use mavera_tui::history::{Role, Status, StoreKey, StoreOp};

use crate::support::app::{stores, stream_id, App};

/// An app with the persona list loaded and its history on.
fn app_on() -> App {
    let mut app = App::loaded();
    let _ = app.send(Event::History(HistoryNews::On));
    app
}

/// The messages among `ops`: (thread, seq, role, text, status).
fn messages(ops: &[StoreOp]) -> Vec<(StoreKey, u32, Role, String, Status)> {
    ops.iter()
        .filter_map(|op| match op {
            StoreOp::Message { thread, seq, message } => {
                Some((*thread, *seq, message.role, message.text.clone(), message.status))
            }
            _ => None,
        })
        .collect()
}

/// A batch of text of request `id`, `ms` after the previous event.
fn text_after(app: &mut App, ms: u64, id: mavera_tui::app::RequestId, text: &str) -> Vec<Effect> {
    app.now += ms.saturating_sub(10); // `send` adds the other 10
    app.deltas(id, &[text])
}

#[test]
fn nothing_is_stored_while_the_history_is_off() {
    let mut app = App::loaded();
    app.pick("ccfo");
    app.type_text("hello");
    let mut fx = app.key(KeyCode::Enter);
    let id = stream_id(&fx).expect("a stream");
    fx.extend(app.deltas(id, &["Hi", " there"]));
    fx.extend(app.complete(id, Some(2.0)));
    assert!(stores(&fx).is_empty(), "{fx:?}");
    assert!(!app.state.animating(), "no checkpoint keeps the clock ticking");
}

#[test]
fn a_first_prompt_begins_a_thread_and_is_stored_when_sent() {
    let mut app = app_on();
    app.pick("ccfo");
    app.type_text("  Should we buy it?  ");
    let fx = app.key(KeyCode::Enter);
    let ops = stores(&fx);
    let StoreOp::Thread(thread) = &ops[0] else {
        panic!("{ops:?}")
    };
    assert_eq!(thread.persona_id, "ccfo");
    assert_eq!(thread.persona_name, "CFO");
    assert_eq!(thread.title, "Should we buy it?");
    let key = StoreKey::Session(thread.key);
    assert_eq!(
        messages(&ops),
        [(key, 0, Role::User, "Should we buy it?".into(), Status::Complete)]
    );
    assert_eq!(ops.len(), 2, "no answer is stored before it has text");
    // The store effect comes before the request: a prompt is kept even if the app dies
    // while it waits.
    let store_at = fx.iter().position(|e| matches!(e, Effect::Store(_)));
    let stream_at = fx.iter().position(|e| matches!(e, Effect::StartStream { .. }));
    assert!(store_at < stream_at);
}

#[test]
fn a_streaming_answer_is_checkpointed_at_most_once_a_second_and_stored_when_it_ends() {
    let mut app = app_on();
    app.pick("ccfo");
    let id = app.ask("q");
    let mut checkpoints = Vec::new();
    // 50 batches, 100 ms apart: 4.9 s of streaming.
    for i in 0..50 {
        let fx = text_after(&mut app, 100, id, &format!("w{i} "));
        checkpoints.extend(messages(&stores(&fx)));
    }
    // At the first text, then at 1 s, 2 s, 3 s and 4 s after it.
    assert_eq!(checkpoints.len(), 5, "{checkpoints:?}");
    for (_, seq, role, text, status) in &checkpoints {
        assert_eq!((*seq, *role, *status), (1, Role::Assistant, Status::Streaming));
        assert!(text.starts_with("w0 "), "the text so far: {text}");
    }
    assert_eq!(
        checkpoints[4].3,
        (0..41).map(|i| format!("w{i} ")).collect::<String>()
    );
    // Many batches in one instant are still one checkpoint.
    let mut burst = 0;
    for _ in 0..100 {
        burst += messages(&stores(&text_after(&mut app, 0, id, "x"))).len();
    }
    assert!(burst <= 1, "{burst}");

    let fx = app.complete(id, Some(3.0));
    let ops = stores(&fx);
    assert_eq!(ops.len(), 1, "{ops:?}");
    let Some(StoreOp::Message { seq, message, .. }) = ops.last() else {
        panic!("{ops:?}")
    };
    assert_eq!(*seq, 1);
    assert_eq!(message.status, Status::Complete);
    assert!(message.text.ends_with('x'));
    assert_eq!(
        message.usage.as_ref().and_then(|u: &Usage| u.credits_used),
        Some(3.0),
        "usage and credits with the ending"
    );
}

#[test]
fn text_that_stops_arriving_is_checkpointed_by_the_next_tick_after_a_second() {
    let mut app = app_on();
    app.pick("ccfo");
    let id = app.ask("q");
    assert_eq!(
        messages(&stores(&text_after(&mut app, 100, id, "first"))).len(),
        1
    );
    assert_eq!(
        messages(&stores(&text_after(&mut app, 100, id, " second"))).len(),
        0
    );
    assert!(app.state.animating(), "unsaved text keeps time moving");
    app.now += 390;
    assert!(stores(&app.send(Event::Tick)).is_empty(), "not yet a second");
    app.now += CHECKPOINT_MS;
    let saved = messages(&stores(&app.send(Event::Tick)));
    assert_eq!(saved.len(), 1);
    assert_eq!(saved[0].3, "first second");
    assert!(!app.state.animating(), "nothing left to save");
    assert!(stores(&app.send(Event::Tick)).is_empty());
}

#[test]
fn stopped_failed_and_interrupted_answers_are_stored_as_they_ended() {
    let mut app = app_on();
    app.pick("ccfo");
    let id = app.ask("one");
    let _ = app.deltas(id, &["partial"]);
    let stopped = messages(&stores(&app.key(KeyCode::Esc)));
    assert_eq!(stopped.len(), 1);
    assert_eq!(
        (stopped[0].3.as_str(), stopped[0].4),
        ("partial", Status::Stopped)
    );

    let id = app.ask("two");
    let failed = messages(&stores(&app.broken(
        id,
        ApiError::Credits {
            code: "credits_exhausted".into(),
            message: "none left".into(),
        },
    )));
    assert_eq!((failed[0].1, failed[0].4), (3, Status::Failed));

    app.state.out_of_credits = false;
    let id = app.ask("three");
    let _ = app.deltas(id, &["half"]);
    let broken = messages(&stores(&app.broken(id, ApiError::Interrupted)));
    assert_eq!(
        (broken[0].1, broken[0].3.as_str(), broken[0].4),
        (5, "half", Status::Interrupted)
    );
}

#[test]
fn quitting_mid_answer_stores_it_stopped_before_quitting() {
    let mut app = app_on();
    app.pick("ccfo");
    let id = app.ask("q");
    let _ = app.deltas(id, &["so far"]);
    let _ = app.ctrl('q');
    let fx = app.ctrl('q');
    let saved = messages(&stores(&fx));
    assert_eq!(saved.len(), 1);
    assert_eq!((saved[0].3.as_str(), saved[0].4), ("so far", Status::Stopped));
    let store_at = fx.iter().position(|e| matches!(e, Effect::Store(_)));
    let quit_at = fx.iter().position(|e| matches!(e, Effect::Quit));
    assert!(store_at < quit_at, "{fx:?}");
}

#[test]
fn a_regenerated_answer_takes_the_place_of_the_old_one() {
    let mut app = app_on();
    app.pick("ccfo");
    let id = app.ask("q");
    let _ = app.deltas(id, &["old"]);
    let _ = app.complete(id, Some(1.0));
    let fx = app.ctrl('r');
    assert!(
        stores(&fx).is_empty(),
        "the stored answer stays until the new one has text"
    );
    let id = stream_id(&fx).expect("regenerates");
    let saved = messages(&stores(&app.deltas(id, &["new"])));
    assert_eq!((saved[0].1, saved[0].3.as_str()), (1, "new"));
    // A regeneration that fails before any text puts the old answer back, stored so.
    let _ = app.complete(id, Some(1.0));
    let id = stream_id(&app.ctrl('r')).expect("again");
    let saved = messages(&stores(&app.broken(id, ApiError::Interrupted)));
    assert_eq!(saved.len(), 1);
    assert_eq!(
        (saved[0].1, saved[0].3.as_str(), saved[0].4),
        (1, "new", Status::Complete)
    );
}

#[test]
fn a_prompt_to_several_personas_records_one_comparison_of_their_threads() {
    let mut app = app_on();
    app.state.focus = mavera_tui::app::Focus::Sidebar;
    for id in ["ccfo", "cgenz"] {
        app.state.personas.move_to(id);
        let _ = app.key(KeyCode::Char(' '));
    }
    app.state.focus = mavera_tui::app::Focus::Composer;
    app.type_text("price?");
    let ops = stores(&app.key(KeyCode::Enter));
    let threads: Vec<_> = ops
        .iter()
        .filter_map(|op| match op {
            StoreOp::Thread(t) => Some((t.key, t.persona_id.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(threads.len(), 2);
    let comparisons: Vec<_> = ops
        .iter()
        .filter_map(|op| match op {
            StoreOp::Comparison { threads, title, .. } => Some((threads.clone(), title.clone())),
            _ => None,
        })
        .collect();
    let columns: Vec<StoreKey> = threads.iter().map(|(k, _)| StoreKey::Session(*k)).collect();
    assert_eq!(comparisons, [(columns, "price?".to_owned())]);
    assert_eq!(threads[0].1, "ccfo", "in column order");
    // Finish both, then a follow-up: the same comparison, nothing new recorded.
    let ids: Vec<_> = app.state.streams.keys().copied().collect();
    for id in ids {
        let _ = app.complete(id, Some(1.0));
    }
    app.type_text("and now?");
    let ops = stores(&app.key(KeyCode::Enter));
    assert!(
        ops.iter().all(|op| matches!(op, StoreOp::Message { .. })),
        "{ops:?}"
    );
    assert_eq!(messages(&ops).iter().map(|m| m.1).collect::<Vec<_>>(), [2, 2]);
}

#[test]
fn a_reopened_thread_is_continued_in_place_and_ctrl_n_starts_a_new_one() {
    let mut app = app_on();
    let thread = Thread {
        messages: vec![
            Message::user(0, "first".into()),
            Message {
                author: Author::Assistant,
                ..Message::user(0, "answer".into())
            },
        ],
        ..Thread::default()
    };
    let _ = app.send(Event::Restore(vec![RestoredThread {
        persona_id: "ccfo".into(),
        stored: Some(42),
        thread,
    }]));
    app.state.focus = mavera_tui::app::Focus::Composer;
    app.type_text("more");
    let fx = app.key(KeyCode::Enter);
    let input = fx.iter().find_map(|e| match e {
        Effect::StartStream { request, .. } => Some(request.input.clone()),
        _ => None,
    });
    match input {
        Some(Input::Items(items)) => {
            let texts: Vec<String> = items.iter().map(|i| i.content.text()).collect();
            assert_eq!(texts, ["first", "answer", "more"], "the history is re-sent");
        }
        other => panic!("{other:?}"),
    }
    let ops = stores(&fx);
    assert_eq!(
        messages(&ops),
        [(StoreKey::Row(42), 2, Role::User, "more".into(), Status::Complete)],
        "no new thread: the stored one goes on"
    );
    let ids: Vec<_> = app.state.streams.keys().copied().collect();
    let _ = app.complete(ids[0], None);
    let _ = app.ctrl('n');
    app.type_text("fresh");
    let ops = stores(&app.key(KeyCode::Enter));
    assert!(
        matches!(ops.first(), Some(StoreOp::Thread(t)) if t.title == "fresh"),
        "{ops:?}"
    );
}

#[test]
fn an_imported_conversation_is_stored_whole_when_it_is_continued() {
    let mut app = app_on();
    let thread = Thread {
        messages: vec![
            Message::user(0, "from a file".into()),
            Message {
                author: Author::Assistant,
                status: MessageStatus::Done,
                ..Message::user(0, "an old answer".into())
            },
        ],
        ..Thread::default()
    };
    let _ = app.send(Event::Restore(vec![RestoredThread {
        persona_id: "ccfo".into(),
        stored: None,
        thread,
    }]));
    app.state.focus = mavera_tui::app::Focus::Composer;
    app.type_text("next");
    let ops = stores(&app.key(KeyCode::Enter));
    assert!(matches!(&ops[0], StoreOp::Thread(t) if t.title == "from a file"));
    let texts: Vec<String> = messages(&ops).into_iter().map(|m| m.3).collect();
    assert_eq!(texts, ["from a file", "an old answer", "next"]);
}

#[test]
fn a_history_that_cannot_be_opened_or_written_is_said_in_the_status_bar() {
    let mut app = App::loaded();
    let _ = app.send(Event::History(HistoryNews::Off(Some(
        "the history /h/history.db is in use by another running mavera-tui".into(),
    ))));
    let bar = status_bar(&mut app);
    assert!(bar.contains("in use by another running mavera-tui"), "{bar}");
    // Later notices take the notice's place; the mark stays for the session.
    app.pick("ccfo");
    let _ = app.ask("q");
    let _ = app.key(KeyCode::Esc);
    let bar = status_bar(&mut app);
    assert!(bar.contains("no history"), "{bar}");

    let mut app = app_on();
    let _ = app.send(Event::History(HistoryNews::WriteFailed(
        "database or disk is full".into(),
    )));
    let bar = status_bar(&mut app);
    assert!(
        bar.contains("could not save to the history: database or disk is full"),
        "{bar}"
    );
}

fn status_bar(app: &mut App) -> String {
    let screen = crate::support::screen::draw(app, 160, 30);
    screen.lines().last().unwrap_or_default().to_owned()
}

#[test]
fn a_reopened_comparison_goes_on_without_being_recorded_again() {
    let mut app = app_on();
    let thread = |text: &str| Thread {
        messages: vec![
            Message::user(0, "same prompt".into()),
            Message {
                author: Author::Assistant,
                ..Message::user(0, text.into())
            },
        ],
        ..Thread::default()
    };
    let _ = app.send(Event::Restore(vec![
        RestoredThread {
            persona_id: "ccfo".into(),
            stored: Some(1),
            thread: thread("a"),
        },
        RestoredThread {
            persona_id: "cgenz".into(),
            stored: Some(2),
            thread: thread("b"),
        },
    ]));
    assert_eq!(app.state.compare.marked, ["ccfo", "cgenz"], "side by side again");
    assert_eq!(
        app.state.focus,
        mavera_tui::app::Focus::Composer,
        "ready for the next prompt"
    );
    app.type_text("follow-up");
    let ops = stores(&app.key(KeyCode::Enter));
    assert_eq!(
        messages(&ops).iter().map(|m| (m.0, m.1)).collect::<Vec<_>>(),
        [(StoreKey::Row(1), 2), (StoreKey::Row(2), 2)]
    );
    assert_eq!(ops.len(), 2, "no thread or comparison begins: {ops:?}");
}

//! The reducer: whole-state and whole-effect assertions for every transition the app
//! makes. No terminal, no network, no clock: events in, state and effects out.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::wire::{Input, MAX_INPUT_CHARS};
use mavera_tui::api::ApiError;
use mavera_tui::app::personas::LoadState;
use mavera_tui::app::state::{Focus, Severity};
use mavera_tui::app::thread::{MessageStatus, Scroll};
use mavera_tui::app::{start, Effect, Event, RequestId};
use mavera_tui::view::words;

use crate::support::app::{load_id, persona, personas, stream_id, App};

mod random;

#[test]
fn start_asks_for_personas_and_balance_and_draws_without_waiting() {
    let mut app = App::new();
    let fx = start(&mut app.state, None).into_vec();
    assert_eq!(
        fx,
        vec![
            Effect::LoadPersonas { id: RequestId(1) },
            Effect::Redraw,
            Effect::LoadUsage { id: RequestId(2) }
        ]
    );
    assert_eq!(app.state.personas.load, LoadState::Loading);
}

#[test]
fn a_cached_list_shows_at_once_and_refreshes() {
    let mut app = App::new();
    let _ = start(&mut app.state, Some(personas()));
    assert_eq!(app.state.personas.load, LoadState::Refreshing);
    assert_eq!(app.state.personas.entries.len(), 3);
    assert_eq!(
        app.state.focus,
        Focus::Sidebar,
        "nothing picked yet: the list has focus"
    );
}

#[test]
fn stale_persona_answers_are_ignored_and_failures_offer_a_retry() {
    let mut app = App::new();
    let fx = start(&mut app.state, None).into_vec();
    let id = load_id(&fx);
    let fx = app.send(Event::PersonasLoaded {
        id: RequestId(999),
        result: Ok(personas()),
    });
    assert!(fx.is_empty());
    assert!(app.state.personas.entries.is_empty());
    let _ = app.send(Event::PersonasLoaded {
        id,
        result: Err(ApiError::Connect {
            url: "http://x".into(),
            reason: "refused".into(),
        }),
    });
    assert!(matches!(&app.state.personas.load, LoadState::Failed(m) if m.contains("could not connect")));
    app.state.focus = Focus::Sidebar;
    let fx = app.key(KeyCode::Char('r'));
    let retry = load_id(&fx);
    assert_ne!(retry, id);
    assert_eq!(app.state.personas.load, LoadState::Loading);
}

#[test]
fn launch_persona_is_selected_when_the_list_arrives() {
    let mut app = App::new();
    app.state.pending_persona = Some("cfo".into());
    let fx = start(&mut app.state, None).into_vec();
    let _ = app.send(Event::PersonasLoaded {
        id: load_id(&fx),
        result: Ok(personas()),
    });
    assert_eq!(app.state.personas.selected.as_deref(), Some("ccfo"));
    assert_eq!(app.state.focus, Focus::Composer);
}

#[test]
fn sending_appends_the_question_and_a_waiting_answer() {
    let mut app = App::loaded();
    app.pick("cgenz");
    app.type_text("Is this cool?");
    let fx = app.key(KeyCode::Enter);
    let id = stream_id(&fx).expect("stream");
    match &fx[0] {
        Effect::StartStream { request, .. } => {
            assert_eq!(request.persona_id.as_deref(), Some("cgenz"));
            assert_eq!(request.input, Input::Text("Is this cool?".into()));
            assert_eq!(request.model, "mavera-1");
            assert!(request.stream);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(fx.len(), 2, "start + redraw: {fx:?}");
    let thread = app.state.thread().expect("thread");
    assert_eq!(thread.messages.len(), 2);
    assert_eq!(thread.messages[0].text, "Is this cool?");
    assert_eq!(thread.messages[1].status, MessageStatus::Waiting);
    assert_eq!(app.state.composer_text(), "");
    assert!(app.state.streams.contains_key(&id));
}

#[test]
fn empty_and_oversized_prompts_are_not_sent_and_nothing_is_lost() {
    let mut app = App::loaded();
    app.pick("cgenz");
    app.type_text("   ");
    let before = app.state.clone();
    assert_eq!(app.key(KeyCode::Enter), vec![]);
    let mut expected = before;
    expected.now = app.state.now;
    assert_eq!(
        app.state, expected,
        "a blank prompt is not sent and changes nothing"
    );
    let huge = "y".repeat(MAX_INPUT_CHARS + 1);
    let _ = app.send(Event::Paste(huge.clone()));
    let fx = app.key(KeyCode::Enter);
    assert!(stream_id(&fx).is_none());
    let notice = app.state.notice.clone().expect("a notice");
    assert!(
        notice.text.contains(&format!("at most {MAX_INPUT_CHARS}")),
        "{}",
        notice.text
    );
    assert!(
        app.state.composer_text().contains(&huge),
        "the text stays in the composer"
    );
}

#[test]
fn without_a_persona_the_user_is_told_to_pick_one() {
    let mut app = App::loaded();
    app.state.focus = Focus::Composer;
    app.type_text("hello");
    let fx = app.key(KeyCode::Enter);
    assert!(stream_id(&fx).is_none());
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("pick a persona")));
    assert_eq!(app.state.composer_text(), "hello");
}

#[test]
fn deltas_stream_in_and_completion_counts_credits() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let fx = app.deltas(id, &["Hel", "lo ", "there"]);
    assert_eq!(fx, vec![Effect::Redraw], "one batch, one redraw");
    assert_eq!(
        app.last_answer(),
        ("Hello there".into(), MessageStatus::Streaming)
    );
    // Past the 30 s that must separate two balance requests (one went out at start).
    app.now += mavera_tui::app::account::USAGE_EVERY_MS;
    let fx = app.complete(id, Some(3.0));
    assert!(fx.iter().any(|e| matches!(e, Effect::LoadUsage { .. })), "{fx:?}");
    assert_eq!(app.last_answer(), ("Hello there".into(), MessageStatus::Done));
    assert_eq!(app.state.credits.sum.spent, 3.0);
    assert_eq!(words::total(app.state.credits.total()), "3");
    assert!(app.state.streams.is_empty());

    let id = app.ask("and?");
    let _ = app.complete(id, None);
    assert_eq!(
        words::total(app.state.credits.total()),
        "3+",
        "an unreported cost makes the total a lower bound"
    );
}

#[test]
fn unreported_credits_are_unknown_not_zero() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.complete(id, None);
    assert_eq!(words::total(app.state.credits.total()), "—");
}

#[test]
fn follow_ups_carry_the_thread_history() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let id = app.ask("first");
    let _ = app.deltas(id, &["answer one"]);
    let _ = app.complete(id, Some(1.0));
    app.type_text("second");
    let fx = app.key(KeyCode::Enter);
    match fx.first() {
        Some(Effect::StartStream { request, .. }) => match &request.input {
            Input::Items(items) => {
                let texts: Vec<String> = items.iter().map(|i| i.content.text()).collect();
                assert_eq!(texts, ["first", "answer one", "second"]);
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    }
}

#[test]
fn esc_stops_the_stream_keeps_the_text_and_late_events_are_stale() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.deltas(id, &["partial"]);
    let fx = app.key(KeyCode::Esc);
    assert_eq!(fx, vec![Effect::Cancel { id }, Effect::Redraw]);
    assert_eq!(app.last_answer(), ("partial".into(), MessageStatus::Stopped));
    let before = app.state.clone();
    let fx = app.deltas(id, &[" more"]);
    assert!(fx.is_empty(), "stale id ignored: {fx:?}");
    let mut expected = before;
    expected.now = app.state.now; // only the clock moved
    assert_eq!(app.state, expected, "a stale answer changes nothing at all");
}

#[test]
fn ctrl_c_cancels_a_stream_then_quits() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let fx = app.ctrl('c');
    assert!(fx.contains(&Effect::Cancel { id }));
    assert!(!fx.contains(&Effect::Quit));
    let fx = app.ctrl('c');
    assert_eq!(fx, vec![Effect::Quit]);
    assert!(app.state.quitting);
}

#[test]
fn ctrl_q_asks_first_while_streaming_then_quits_and_cancels_everything() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    assert_eq!(app.ctrl('q'), vec![Effect::Redraw], "asks (tests/quitting.rs)");
    let fx = app.ctrl('q');
    assert_eq!(fx, vec![Effect::Cancel { id }, Effect::Quit]);
}

#[test]
fn a_drop_keeps_partial_text_and_ctrl_r_retries() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.deltas(id, &["half an"]);
    let _ = app.broken(id, ApiError::Interrupted);
    let (text, status) = app.last_answer();
    assert_eq!(text, "half an");
    assert!(matches!(status, MessageStatus::Interrupted { .. }), "{status:?}");
    assert_eq!(
        app.state.notice.as_ref().map(|n| n.severity),
        Some(Severity::Error)
    );
    let fx = app.ctrl('r');
    let retry = stream_id(&fx).expect("regenerates");
    assert_ne!(retry, id);
    let thread = app.state.thread().expect("thread");
    assert_eq!(thread.messages.len(), 2, "the interrupted answer was replaced");
    assert_eq!(thread.messages[1].status, MessageStatus::Waiting);
}

#[test]
fn credits_gone_stops_sending_with_a_clear_notice() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let err = ApiError::Credits {
        code: "credits_exhausted".into(),
        message: "Insufficient credits.".into(),
    };
    let _ = app.broken(id, err);
    assert!(matches!(app.last_answer().1, MessageStatus::Failed { .. }));
    assert!(app.state.out_of_credits);
    app.type_text("again");
    let fx = app.key(KeyCode::Enter);
    assert!(stream_id(&fx).is_none());
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("credits are used up")));
    assert_eq!(app.state.composer_text(), "again");
}

#[test]
fn retrying_shows_a_countdown() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.retrying(id, 30_000, 1, "rate limited: slow down");
    assert!(matches!(
        app.last_answer().1,
        MessageStatus::Retrying { attempt: 1, .. }
    ));
    let notice = app.state.notice.clone().expect("notice");
    assert!(notice.text.contains("retrying in 30 s"), "{}", notice.text);
    assert!(app.state.animating(), "a countdown ticks");
    assert_eq!(app.send(Event::Tick), vec![Effect::Redraw]);
}

#[test]
fn idle_ticks_draw_nothing() {
    let mut app = App::loaded();
    assert!(!app.state.animating());
    assert_eq!(app.send(Event::Tick), vec![]);
}

#[test]
fn each_persona_has_its_own_thread_and_background_streams_continue() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let genz = app.ask("hi genz");
    app.pick("ccfo");
    assert!(
        app.state.thread().is_none_or(|t| t.messages.is_empty()),
        "a new persona, a new thread"
    );
    let _ = app.deltas(genz, &["still streaming"]);
    let cfo = app.ask("hi cfo");
    let _ = app.deltas(cfo, &["numbers"]);
    assert_eq!(app.last_answer().0, "numbers");
    app.pick("cgenz");
    assert_eq!(app.last_answer().0, "still streaming");
    assert_eq!(app.state.streams.len(), 2);
}

#[test]
fn an_answer_in_progress_blocks_a_second_send_in_the_same_thread() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let _ = app.ask("one");
    app.type_text("two");
    let fx = app.key(KeyCode::Enter);
    assert!(stream_id(&fx).is_none());
    assert_eq!(app.state.composer_text(), "two", "kept for later");
}

#[test]
fn scrolling_up_stops_following_and_end_resumes() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let _ = app.send(Event::Measured {
        thread: "cgenz".into(),
        total_lines: 100,
        viewport: 20,
        landed: None,
    });
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::PageUp);
    assert_eq!(app.state.thread().map(|t| t.scroll), Some(Scroll::Top(61)));
    let _ = app.key(KeyCode::Up);
    assert_eq!(app.state.thread().map(|t| t.scroll), Some(Scroll::Top(60)));
    let _ = app.key(KeyCode::End);
    assert_eq!(app.state.thread().map(|t| t.scroll), Some(Scroll::Follow));
    let _ = app.key(KeyCode::Home);
    let _ = app.key(KeyCode::PageDown);
    assert_eq!(app.state.thread().map(|t| t.scroll), Some(Scroll::Top(19)));
}

#[test]
fn measuring_never_redraws() {
    let mut app = App::loaded();
    assert_eq!(
        app.send(Event::Measured {
            thread: String::new(),
            total_lines: 5,
            viewport: 3,
            landed: None,
        }),
        vec![]
    );
}

#[test]
fn paste_inserts_lines_without_sending_and_drops_controls() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let fx = app.send(Event::Paste("line one\r\nline two\u{1b}[31m\u{7}".into()));
    assert_eq!(fx, vec![Effect::Redraw]);
    assert_eq!(app.state.composer_text(), "line one\nline two");
}

#[test]
fn newline_chords_insert_lines() {
    let mut app = App::loaded();
    app.pick("cgenz");
    app.type_text("a");
    let _ = app.send(Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::SHIFT)));
    app.type_text("b");
    let _ = app.ctrl('j');
    app.type_text("c");
    let _ = app.send(Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::ALT)));
    app.type_text("d");
    assert_eq!(app.state.composer_text(), "a\nb\nc\nd");
}

#[test]
fn ctrl_n_starts_over_with_the_same_persona() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let fx = app.ctrl('n');
    assert!(fx.contains(&Effect::Cancel { id }));
    assert!(app.state.thread().is_some_and(|t| t.messages.is_empty()));
    assert_eq!(app.state.personas.selected.as_deref(), Some("cgenz"));
}

#[test]
fn help_toggles_and_tab_cycles_focus() {
    let mut app = App::loaded();
    app.state.focus = Focus::Sidebar;
    let _ = app.key(KeyCode::Tab);
    assert_eq!(app.state.focus, Focus::Composer);
    let _ = app.key(KeyCode::Tab);
    assert_eq!(app.state.focus, Focus::Conversation);
    let _ = app.key(KeyCode::Char('?'));
    assert!(app.state.overlay.is_some());
    let _ = app.key(KeyCode::Esc);
    assert!(app.state.overlay.is_none());
    let _ = app.key(KeyCode::F(1));
    assert!(app.state.overlay.is_some());
}

#[test]
fn filter_narrows_and_enter_picks() {
    let mut app = App::loaded();
    app.state.focus = Focus::Sidebar;
    let _ = app.key(KeyCode::Char('/'));
    app.type_text("b2b");
    assert_eq!(app.state.personas.visible().len(), 1);
    let _ = app.key(KeyCode::Enter);
    assert_eq!(app.state.personas.selected.as_deref(), Some("cb2b"));
    assert_eq!(app.state.focus, Focus::Composer);
}

#[test]
fn remote_text_is_sanitised_where_it_enters_state() {
    let mut app = App::new();
    let fx = start(&mut app.state, None).into_vec();
    let mut evil = persona("cevil", "Evil\u{1b}]0;pwned\u{7} Persona", "Hostile\u{1b}[2J");
    evil.description = "desc\u{1b}]52;c;cHduZWQ=\u{7}ription".into();
    let _ = app.send(Event::PersonasLoaded {
        id: load_id(&fx),
        result: Ok(vec![evil]),
    });
    let p = &app.state.personas.entries[0];
    assert_eq!(
        (p.name.as_str(), p.category.as_str(), p.description.as_str()),
        ("Evil Persona", "Hostile", "description")
    );
    app.pick("cevil");
    let id = app.ask("hi");
    let _ = app.deltas(id, &["safe\u{1b}]0;ti", "tle\u{7} text\u{9b}2J!"]);
    assert_eq!(app.last_answer().0, "safe text!");
}

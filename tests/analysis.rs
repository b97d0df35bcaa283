//! Instructions and analysis mode in the reducer and on screen: Alt+A toggles
//! `analysis_mode` (and the status bar says so), Alt+I sets a thread's — side by side,
//! the comparison's — instructions, both reach the request's JSON, instructions go to the
//! history and come back on reopening; the analysis card, the compare summary row and the
//! instructions line under the pane title, as screens.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::wire::ResponseObject;
use mavera_tui::api::StreamEvent;
use mavera_tui::app::{Effect, Event, HistoryNews, RequestId};
use mavera_tui::history::{Store, StoreKey, StoreOp};
use serde_json::{json, Value};

use crate::support::app::{ask_all, panel, stream_id, App};
use crate::support::screen::draw;

fn alt(app: &mut App, c: char) -> Vec<Effect> {
    app.send(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::ALT)))
}

/// The JSON bodies of the requests among `fx`, in order.
fn bodies(fx: &[Effect]) -> Vec<Value> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::StartStream { request, .. } => serde_json::to_value(request).ok(),
            _ => None,
        })
        .collect()
}

fn ask(app: &mut App, prompt: &str) -> (RequestId, Value) {
    app.type_text(prompt);
    let fx = app.key(KeyCode::Enter);
    let id = stream_id(&fx).expect("a request");
    (id, bodies(&fx).remove(0))
}

/// Alt+I, the text, Enter.
fn set_instructions(app: &mut App, text: &str) -> Vec<Effect> {
    let _ = alt(app, 'i');
    assert!(app.state.instructions_edit.is_some(), "the popup opens");
    app.type_text(text);
    app.key(KeyCode::Enter)
}

/// Ends request `id` with an analysis object.
fn complete_with(app: &mut App, id: RequestId, analysis: Value) {
    let response = ResponseObject {
        analysis: Some(analysis),
        ..crate::support::app::completed(Some(2.0))
    };
    let _ = app.wire(id, vec![StreamEvent::Completed(response)]);
}

#[test]
fn alt_a_toggles_analysis_mode_in_the_requests_json() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let (id, off) = ask(&mut app, "first");
    assert!(off.get("analysis_mode").is_none(), "{off}");
    let _ = app.complete(id, Some(1.0));
    let _ = alt(&mut app, 'a');
    assert!(app.state.analysis_mode);
    let (id, on) = ask(&mut app, "second");
    assert_eq!(on["analysis_mode"], json!(true), "{on}");
    let _ = app.complete(id, Some(1.0));
    let _ = alt(&mut app, 'a');
    assert!(!app.state.analysis_mode);
    let (_, off_again) = ask(&mut app, "third");
    assert!(off_again.get("analysis_mode").is_none(), "{off_again}");
}

#[test]
fn instructions_are_set_sent_kept_by_esc_and_cleared_when_blank() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let _ = set_instructions(&mut app, "Answer as a skeptical buyer");
    assert!(app.state.instructions_edit.is_none(), "Enter closes the popup");
    let thread = app.state.thread().expect("thread");
    assert_eq!(
        thread.instructions.as_deref(),
        Some("Answer as a skeptical buyer")
    );
    let (id, body) = ask(&mut app, "Is it worth it?");
    assert_eq!(body["instructions"], json!("Answer as a skeptical buyer"));
    assert_eq!(body["persona_id"], json!("ccfo"));
    let _ = app.complete(id, Some(1.0));

    // Esc leaves them as they were, whatever was typed.
    let _ = alt(&mut app, 'i');
    app.type_text(" and rude");
    let _ = app.key(KeyCode::Esc);
    assert!(app.state.instructions_edit.is_none());
    let thread = app.state.thread().expect("thread");
    assert_eq!(
        thread.instructions.as_deref(),
        Some("Answer as a skeptical buyer")
    );

    // Erased to nothing: cleared, and no longer sent.
    let _ = alt(&mut app, 'i');
    for _ in 0.."Answer as a skeptical buyer".len() {
        let _ = app.key(KeyCode::Backspace);
    }
    let _ = app.key(KeyCode::Enter);
    assert_eq!(app.state.thread().and_then(|t| t.instructions.clone()), None);
    let (_, body) = ask(&mut app, "And now?");
    assert!(body.get("instructions").is_none(), "{body}");
}

#[test]
fn the_popup_takes_typed_keys_and_pastes_but_not_ctrl_c() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let _ = alt(&mut app, 'i');
    app.type_text("q?");
    let _ = app.send(Event::Paste("pasted\u{1b}[2J text".into()));
    assert_eq!(app.state.composer_text(), "", "the composer got nothing");
    let edit = app.state.instructions_edit.as_ref().expect("open");
    assert_eq!(edit.value().as_deref(), Some("q?pasted text"));
    let fx = app.ctrl('c');
    assert!(fx.contains(&Effect::Quit), "Ctrl+C is still the app's: {fx:?}");
}

#[test]
fn a_comparisons_instructions_go_with_every_columns_request() {
    let mut app = panel(3);
    let _ = set_instructions(&mut app, "One sentence each.");
    for key in &app.state.compare.marked {
        let t = app.state.threads.get(key).expect("column thread");
        assert_eq!(t.instructions.as_deref(), Some("One sentence each."));
    }
    app.type_text("Price it at $20?");
    let fx = app.key(KeyCode::Enter);
    let sent = bodies(&fx);
    assert_eq!(sent.len(), 3);
    for body in &sent {
        assert_eq!(body["instructions"], json!("One sentence each."), "{body}");
    }
}

#[test]
fn instructions_are_stored_with_the_thread_and_changes_after_it_began() {
    let mut app = App::loaded();
    let _ = app.send(Event::History(HistoryNews::On));
    app.pick("ccfo");
    let _ = set_instructions(&mut app, "Be brief");
    app.type_text("hello");
    let fx = app.key(KeyCode::Enter);
    let began = fx.iter().find_map(|e| match e {
        Effect::Store(StoreOp::Thread(t)) => Some(t.clone()),
        _ => None,
    });
    let began = began.expect("the thread begins in the store");
    assert_eq!(began.instructions.as_deref(), Some("Be brief"));
    let fx = set_instructions(&mut app, " please");
    let changed: Vec<&StoreOp> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Store(op @ StoreOp::Instructions { .. }) => Some(op),
            _ => None,
        })
        .collect();
    assert_eq!(
        changed,
        [&StoreOp::Instructions {
            thread: StoreKey::Session(began.key),
            instructions: Some("Be brief please".into()),
        }]
    );
}

#[test]
fn a_reopened_thread_gets_its_instructions_back() {
    let dir = tempfile::tempdir().expect("dir");
    let mut store = Store::open(&dir.path().join("history.db")).expect("open");
    let thread = mavera_tui::history::NewThread {
        key: 1,
        persona_id: "ccfo".into(),
        persona_name: "CFO".into(),
        title: "hello".into(),
        instructions: Some("Be brief".into()),
    };
    store.apply(&[StoreOp::Thread(thread)]).expect("thread");
    let latest = store.latest().expect("read").expect("a conversation");
    let restored = mavera_tui::app::stored::restored(latest.clone());
    assert_eq!(restored[0].thread.instructions.as_deref(), Some("Be brief"));
    let row = match latest.id {
        mavera_tui::history::ConversationId::Thread(row) => row,
        other => panic!("{other:?}"),
    };
    store
        .apply(&[StoreOp::Instructions {
            thread: StoreKey::Row(row),
            instructions: None,
        }])
        .expect("cleared");
    let latest = store.latest().expect("read").expect("a conversation");
    assert_eq!(latest.threads[0].instructions, None);
    let mut app = App::loaded();
    let _ = app.send(Event::Restore(mavera_tui::app::stored::restored(
        store.latest().expect("read").expect("a conversation"),
    )));
    assert_eq!(app.state.thread().and_then(|t| t.instructions.clone()), None);
}

/// An analysis as the spec documents it, plus a key the client does not know.
fn analysis(confidence: u64, valence: Value) -> Value {
    json!({
        "confidence": confidence,
        "emotion": {"emotional_valence": valence, "arousal": 4, "dominance": "8"},
        "biases": [{"name": "Status quo bias", "description": "Prefers the current way."}],
        "key_insights": ["Price is the first thing checked.", "Returns must be free."],
        "purchase_intent": {"score": 6, "trend": "up"},
    })
}

#[test]
fn the_analysis_card_under_an_answer() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let _ = alt(&mut app, 'a');
    let (id, _) = ask(&mut app, "Would you subscribe to running shoes?");
    let _ = app.deltas(id, &["Only if I can pause it any time."]);
    complete_with(&mut app, id, analysis(7, json!(6)));
    insta::assert_snapshot!("analysis_card_80x30", draw(&mut app, 80, 30));
}

#[test]
fn the_compare_summary_row_marks_the_highest_and_lowest() {
    let mut app = panel(3);
    let _ = alt(&mut app, 'a');
    let ids = ask_all(&mut app, "Price it at $20?");
    let figures = [(7, json!(6)), (3, json!("9")), (5, json!(2))];
    for (id, (confidence, valence)) in ids.iter().zip(figures) {
        let _ = app.deltas(*id, &["Depends on the value."]);
        complete_with(&mut app, *id, analysis(confidence, valence));
    }
    insta::assert_snapshot!("analysis_compare_120x30", draw(&mut app, 120, 30));
}

#[test]
fn instructions_show_under_the_pane_title() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let _ = set_instructions(&mut app, "Answer as a skeptical buyer, in two sentences.");
    insta::assert_snapshot!("instructions_header_80x24", draw(&mut app, 80, 24));
    let _ = alt(&mut app, 'i');
    insta::assert_snapshot!("instructions_popup_80x24", draw(&mut app, 80, 24));
}

#[test]
fn ctrl_e_asks_for_the_editor_and_its_text_replaces_the_popups() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let _ = alt(&mut app, 'i');
    app.type_text("draft");
    let _ = app.ctrl('e');
    let edit = app.state.instructions_edit.as_ref().expect("open");
    assert!(edit.external, "the runtime is asked to run $EDITOR");
    let _ = app.send(Event::InstructionsEdited(
        Ok("From \u{1b}[31mthe editor\n".into()),
    ));
    let edit = app
        .state
        .instructions_edit
        .as_ref()
        .expect("still open: Enter decides");
    assert!(!edit.external);
    assert_eq!(edit.value().as_deref(), Some("From the editor"));
    let _ = app.ctrl('e');
    let _ = app.send(Event::InstructionsEdited(Err("no editor: set $EDITOR".into())));
    let edit = app.state.instructions_edit.as_ref().expect("open");
    assert!(!edit.external);
    assert_eq!(edit.value().as_deref(), Some("From the editor"), "unchanged");
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("$EDITOR")));
    let _ = app.key(KeyCode::Enter);
    assert_eq!(
        app.state.thread().and_then(|t| t.instructions.clone()).as_deref(),
        Some("From the editor")
    );
}

#[test]
fn exports_keep_a_threads_instructions() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let _ = set_instructions(&mut app, "Be brief.\nNo jargon.");
    let (id, _) = ask(&mut app, "hello");
    let _ = app.deltas(id, &["Hi."]);
    let _ = app.complete(id, Some(1.0));
    let thread = app.state.thread().cloned().expect("thread");
    let archive = mavera_tui::export::from_threads(&[("ccfo".into(), thread)], &app.state.personas.entries);
    assert_eq!(
        archive.threads[0].instructions.as_deref(),
        Some("Be brief.\nNo jargon.")
    );
    let md = mavera_tui::export::markdown(&archive);
    assert!(
        md.contains("**Instructions:**\n\n> Be brief.\n> No jargon.\n"),
        "{md}"
    );
    // And back: an imported export has them again.
    let restored = mavera_tui::export::into_restored(archive);
    assert_eq!(
        restored[0].thread.instructions.as_deref(),
        Some("Be brief.\nNo jargon.")
    );
}

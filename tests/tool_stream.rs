//! A tool call's arguments streaming into its card: the card shows the tool's name and
//! the arguments as they grow (sanitised, with a marker), the final call takes its place
//! and waits for a result; a call the answer ended before it was whole keeps what
//! arrived and waits for nothing; a regenerated answer that begins with a call retires the
//! old answer. Through the client's own assembler, on screen.

use mavera_tui::api::{AnswerPart, StreamEvent};
use mavera_tui::app::structure::pending_call;
use serde_json::json;

use crate::structured::{app_with, lookup};
use crate::support::screen::draw;

/// A function call item of `lookup_price` (`arguments` as given).
fn call_item(arguments: &str) -> mavera_tui::api::wire::OutputItem {
    serde_json::from_value(json!({"type": "function_call", "id": "fc_1", "call_id": "call_1",
        "name": "lookup_price", "arguments": arguments}))
    .expect("an item")
}

#[test]
fn a_tool_calls_arguments_stream_into_its_card_which_then_becomes_the_final_card() {
    let mut app = app_with(vec![], vec![lookup()]);
    let id = app.ask("What does lookup_price say?");
    let delta = |d: &str| StreamEvent::FunctionArgumentsDelta {
        item_id: Some("fc_1".into()),
        delta: d.into(),
    };
    let _ = app.wire(
        id,
        vec![
            StreamEvent::TextDelta {
                item_id: Some("m".into()),
                output_index: Some(0),
                delta: "Let me check that with lookup_price first.".into(),
            },
            StreamEvent::OutputItemAdded {
                output_index: Some(1),
                item: call_item(""),
            },
            delta(r#"{"product":"run"#),
            delta("ning \u{1b}[2Jsho"),
        ],
    );
    let answer = app.last_message();
    assert_eq!(
        answer.parts,
        [AnswerPart::CallStreaming {
            slot: 0,
            call_id: "call_1".into(),
            name: "lookup_price".into(),
            arguments: "{\"product\":\"running \u{1b}[2Jsho".into(),
        }]
    );
    assert_eq!(
        app.state.thread().and_then(pending_call),
        None,
        "nothing to answer before the call is whole"
    );
    let screen = draw(&mut app, 80, 24);
    assert!(
        !screen.contains('\u{1b}'),
        "the arguments are sanitised on screen"
    );
    insta::assert_snapshot!("tool_card_streaming_80x24", screen);

    let whole = r#"{"product":"running shoes"}"#;
    let _ = app.wire(
        id,
        vec![
            delta(r#"es"}"#),
            StreamEvent::OutputItemDone {
                output_index: Some(1),
                item: call_item(whole),
            },
            StreamEvent::Completed(mavera_tui::api::wire::ResponseObject {
                output: vec![call_item(whole)],
                ..Default::default()
            }),
        ],
    );
    let answer = app.last_message();
    assert_eq!(
        answer.parts,
        [AnswerPart::FunctionCall {
            call_id: "call_1".into(),
            name: "lookup_price".into(),
            arguments: whole.into(),
        }]
    );
    assert!(app.state.thread().and_then(pending_call).is_some());
}

#[test]
fn a_call_cut_off_by_the_ending_keeps_what_arrived_and_waits_for_nothing() {
    let mut app = app_with(vec![], vec![lookup()]);
    let id = app.ask("What does lookup_price say?");
    let _ = app.wire(
        id,
        vec![
            StreamEvent::OutputItemAdded {
                output_index: Some(0),
                item: call_item(""),
            },
            StreamEvent::FunctionArgumentsDelta {
                item_id: Some("fc_1".into()),
                delta: r#"{"product":"run"#.into(),
            },
        ],
    );
    // The response completes without the call in its output.
    let _ = app.wire(
        id,
        vec![StreamEvent::Completed(
            mavera_tui::api::wire::ResponseObject::default(),
        )],
    );
    let answer = app.last_message();
    assert!(
        !answer
            .parts
            .iter()
            .any(|p| matches!(p, AnswerPart::CallStreaming { .. })),
        "{:?}",
        answer.parts
    );
    assert_eq!(app.state.thread().and_then(pending_call), None);
    let screen = draw(&mut app, 80, 24);
    assert!(screen.contains("tool call: lookup_price"), "{screen}");
    assert!(screen.contains(r#"{"product":"run"#), "{screen}");
    assert!(screen.contains("the answer ended before this call"), "{screen}");
}

#[test]
fn a_regenerated_answer_that_begins_with_a_call_replaces_the_old_one() {
    let mut app = app_with(vec![], vec![lookup()]);
    let id = app.ask("What does lookup_price say?");
    let _ = app.deltas(id, &["The old answer."]);
    let _ = app.complete(id, None);
    let again = crate::support::app::stream_id(&app.ctrl('r')).expect("regenerates");
    let shown = app.last_message();
    assert_eq!(
        shown.text, "The old answer.",
        "kept until the new answer has content"
    );
    let _ = app.wire(
        again,
        vec![
            StreamEvent::OutputItemAdded {
                output_index: Some(0),
                item: call_item(""),
            },
            StreamEvent::FunctionArgumentsDelta {
                item_id: Some("fc_1".into()),
                delta: "{".into(),
            },
        ],
    );
    let shown = app.last_message();
    assert_eq!(shown.text, "");
    assert!(
        matches!(shown.parts.as_slice(), [AnswerPart::CallStreaming { arguments, .. }] if arguments == "{"),
        "{:?}",
        shown.parts
    );
}

//! The event JSON of the simulator's answers: order, terminal variants, shapes, refusals.

use super::*;
use crate::api::wire::ResponseObject;
use crate::sim::deltas::word_tokens;

fn draft(text: &str) -> Draft {
    Draft {
        response_id: "resp_1".into(),
        message_id: "msg_1".into(),
        created_at: 1,
        model: "mavera-1".into(),
        deltas: word_tokens(text),
        input_tokens: 3,
        credits: Some(1.0),
        analysis: None,
        refusal: false,
        call: None,
    }
}

fn shape(terminal: Terminal) -> Shape {
    Shape {
        terminal,
        no_sequence: false,
        unknown_events: false,
        empty_output: false,
        text_in: TextIn::Deltas,
    }
}

fn kinds(events: &[Event]) -> Vec<&str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}

#[test]
fn completed_stream_follows_openai_order() {
    let d = draft("one two three");
    let ev = stream_events(&d, &shape(Terminal::Completed));
    assert_eq!(
        kinds(&ev),
        vec![
            "response.created",
            "response.in_progress",
            "response.output_item.added",
            "response.content_part.added",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.delta",
            "response.output_text.done",
            "response.content_part.done",
            "response.output_item.done",
            "response.completed",
        ]
    );
    let seqs: Vec<u64> = ev
        .iter()
        .filter_map(|e| e.json["sequence_number"].as_u64())
        .collect();
    assert_eq!(seqs, (0..ev.len() as u64).collect::<Vec<_>>());
    let last: ResponseObject =
        serde_json::from_value(ev[ev.len() - 1].json["response"].clone()).expect("decodes");
    assert_eq!(last.output_text(), "one two three");
    assert_eq!(last.usage.and_then(|u| u.credits_used), Some(1.0));
    assert_eq!(ev[4].json["delta"], "one ");
    assert_eq!(ev[4].json["item_id"], "msg_1");
}

#[test]
fn terminal_variants() {
    let d = draft("a b c d e f");
    let ev = stream_events(&d, &shape(Terminal::Failed(2)));
    assert_eq!(ev.iter().filter(|e| e.delta).count(), 2);
    let last = &ev[ev.len() - 1].json;
    assert_eq!(last["type"], "response.failed");
    assert_eq!(last["response"]["error"]["code"], "server_error");
    let ev = stream_events(&d, &shape(Terminal::Incomplete(3)));
    let last = &ev[ev.len() - 1].json;
    assert_eq!(
        last["response"]["incomplete_details"]["reason"],
        "max_output_tokens"
    );
    assert_eq!(last["response"]["output"][0]["content"][0]["text"], "a b c ");
    let ev = stream_events(
        &d,
        &shape(Terminal::ErrorEvent {
            after: 1,
            flat: false,
        }),
    );
    assert_eq!(ev[ev.len() - 1].json["error"]["code"], "server_error");
    let ev = stream_events(&d, &shape(Terminal::ErrorEvent { after: 1, flat: true }));
    assert_eq!(ev[ev.len() - 1].json["code"], "server_error");
    assert!(ev[ev.len() - 1].json.get("error").is_none());
}

#[test]
fn shape_variants() {
    let mut d = draft("a b c d e f g h");
    d.credits = None;
    let s = Shape {
        terminal: Terminal::Completed,
        no_sequence: true,
        unknown_events: true,
        empty_output: true,
        text_in: TextIn::Deltas,
    };
    let ev = stream_events(&d, &s);
    assert!(ev.iter().all(|e| e.json.get("sequence_number").is_none()));
    assert!(ev
        .iter()
        .all(|e| e.json.get("item_id").is_none() && e.json.get("output_index").is_none()));
    assert!(kinds(&ev).contains(&"response.metadata") && kinds(&ev).contains(&"keepalive"));
    assert!(ev
        .iter()
        .filter(|e| e.delta)
        .all(|e| e.json["obfuscation"].is_string()));
    let last = &ev[ev.len() - 1].json["response"];
    assert!(last["output"].is_null());
    assert!(last["usage"].get("credits_used").is_none());
}

#[test]
fn text_can_live_in_done_events_or_only_in_the_output() {
    let d = draft("Hello there");
    let done_only = stream_events(
        &d,
        &Shape {
            text_in: TextIn::DoneEvents,
            ..shape(Terminal::Completed)
        },
    );
    assert!(!kinds(&done_only).contains(&"response.output_text.delta"));
    assert!(kinds(&done_only).contains(&"response.output_text.done"));
    let output_only = stream_events(
        &d,
        &Shape {
            text_in: TextIn::OutputOnly,
            ..shape(Terminal::Completed)
        },
    );
    let k = kinds(&output_only);
    assert!(
        !k.iter().any(|k| k.ends_with(".delta") || k.ends_with(".done")),
        "{k:?}"
    );
    let last = output_only.last().map(|e| e.json.to_string()).unwrap_or_default();
    assert!(
        last.contains("Hello there"),
        "the terminal output holds the text: {last}"
    );
}

#[test]
fn invalid_utf8_marker_becomes_replacement_text() {
    let mut d = draft("a b");
    d.deltas.insert(1, format!("{INVALID_UTF8_MARKER} "));
    assert_eq!(d.text(3), "a \u{fffd}\u{fffd}\u{fffd} b");
}

#[test]
fn a_refusal_streams_as_refusal_events_and_ends_as_a_refusal_part() {
    let d = Draft {
        refusal: true,
        ..draft("I can't help with that.")
    };
    let ev = stream_events(&d, &shape(Terminal::Completed));
    let k = kinds(&ev);
    assert!(!k.iter().any(|k| k.starts_with("response.output_text")), "{k:?}");
    assert_eq!(k.iter().filter(|k| **k == "response.refusal.delta").count(), 5);
    let done = ev
        .iter()
        .find(|e| e.kind == "response.refusal.done")
        .expect("a refusal.done");
    assert_eq!(done.json["refusal"], "I can't help with that.");
    assert!(done.json.get("text").is_none());
    let added = ev
        .iter()
        .find(|e| e.kind == "response.content_part.added")
        .expect("part added");
    assert_eq!(added.json["part"]["type"], "refusal");
    let last: ResponseObject =
        serde_json::from_value(ev[ev.len() - 1].json["response"].clone()).expect("decodes");
    assert_eq!(last.output_text(), "", "no answer text");
    let part = &ev[ev.len() - 1].json["response"]["output"][0]["content"][0];
    assert_eq!(
        (part["type"].as_str(), part["refusal"].as_str()),
        (Some("refusal"), Some("I can't help with that."))
    );
    // The non-streaming reply is the same response object.
    let whole = d.response("completed", d.deltas.len(), false);
    assert_eq!(whole["output"][0]["content"][0]["type"], "refusal");
}

#[test]
fn a_function_call_streams_its_arguments_after_the_message_and_ends_in_the_output() {
    let call = serde_json::json!({"id": "fc_1", "type": "function_call", "status": "completed",
        "call_id": "call_1", "name": "lookup_price", "arguments": "{\"product\":\"running shoes\"}"});
    let d = Draft {
        call: Some(call.clone()),
        ..draft("Let me check.")
    };
    let ev = stream_events(&d, &shape(Terminal::Completed));
    let k = kinds(&ev);
    let at = |kind: &str| k.iter().rposition(|x| *x == kind).expect(kind);
    assert!(at("response.output_item.done") < at("response.completed"));
    let added = ev
        .iter()
        .find(|e| e.kind == "response.output_item.added" && e.json["output_index"] == 1)
        .expect("the call is added");
    assert_eq!(added.json["item"]["arguments"], "");
    let streamed: String = ev
        .iter()
        .filter(|e| e.kind == "response.function_call_arguments.delta")
        .map(|e| e.json["delta"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(streamed, "{\"product\":\"running shoes\"}");
    assert!(
        k.iter()
            .filter(|x| **x == "response.function_call_arguments.delta")
            .count()
            > 1
    );
    let done = &ev[at("response.function_call_arguments.done")];
    assert_eq!(done.json["arguments"], call["arguments"]);
    let output = &ev[ev.len() - 1].json["response"]["output"];
    assert_eq!(output[1], call);
}

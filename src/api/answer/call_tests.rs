//! Function calls through the assembler: arguments that stream (with and without the
//! item's `added`, with and without ids), only `arguments.done`, only `output_item.done`,
//! a stream that breaks mid-call — and how a consumer folds them (`part`).

use super::part::{drop_streaming, settle_call, stream_call};
use super::*;

fn call_item(id: Option<&str>, call_id: &str, name: &str, arguments: &str) -> OutputItem {
    let mut extra = serde_json::Map::new();
    for (k, v) in [("call_id", call_id), ("name", name), ("arguments", arguments)] {
        extra.insert(k.into(), Value::String(v.into()));
    }
    OutputItem {
        kind: "function_call".into(),
        id: id.map(Into::into),
        role: None,
        status: None,
        content: Vec::new(),
        extra,
    }
}

fn added(item: OutputItem) -> StreamEvent {
    StreamEvent::OutputItemAdded {
        output_index: Some(1),
        item,
    }
}

fn args(id: Option<&str>, d: &str) -> StreamEvent {
    StreamEvent::FunctionArgumentsDelta {
        item_id: id.map(Into::into),
        delta: d.into(),
    }
}

fn item_done(item: OutputItem) -> StreamEvent {
    StreamEvent::OutputItemDone {
        output_index: Some(1),
        item,
    }
}

fn completed(output: Vec<OutputItem>) -> StreamEvent {
    StreamEvent::Completed(ResponseObject {
        output,
        ..ResponseObject::default()
    })
}

fn run(events: Vec<StreamEvent>) -> Vec<AnswerEvent> {
    let mut a = Assembler::default();
    let mut out = Vec::new();
    for e in events {
        a.apply(e, &mut out);
    }
    a.interrupt(ApiError::Interrupted, &mut out);
    out
}

/// What the streaming card read, per slot: the deltas joined.
fn streamed(out: &[AnswerEvent]) -> Vec<(usize, String, String)> {
    let mut cards: Vec<(usize, String, String)> = Vec::new();
    for e in out {
        if let AnswerEvent::CallArguments {
            slot, name, delta, ..
        } = e
        {
            match cards.iter_mut().find(|c| c.0 == *slot) {
                Some(c) => {
                    c.1.clone_from(name);
                    c.2.push_str(delta);
                }
                None => cards.push((*slot, name.clone(), delta.clone())),
            }
        }
    }
    cards
}

fn finals(out: &[AnswerEvent]) -> Vec<AnswerPart> {
    out.iter()
        .filter_map(|e| match e {
            AnswerEvent::Part(p) => Some(p.clone()),
            _ => None,
        })
        .collect()
}

fn call(call_id: &str, name: &str, arguments: &str) -> AnswerPart {
    AnswerPart::FunctionCall {
        call_id: call_id.into(),
        name: name.into(),
        arguments: arguments.into(),
    }
}

fn endings(out: &[AnswerEvent]) -> usize {
    out.iter().filter(|e| matches!(e, AnswerEvent::Ended(_))).count()
}

#[test]
fn arguments_stream_piece_by_piece_then_end_as_one_final_call() {
    let whole = call_item(Some("fc_1"), "c1", "lookup", r#"{"q":"shoes"}"#);
    let out = run(vec![
        added(call_item(Some("fc_1"), "c1", "lookup", "")),
        args(Some("fc_1"), r#"{"q":"#),
        args(Some("fc_1"), r#""shoes"}"#),
        StreamEvent::FunctionArgumentsDone {
            item_id: Some("fc_1".into()),
            arguments: r#"{"q":"shoes"}"#.into(),
        },
        item_done(whole.clone()),
        completed(vec![whole]),
    ]);
    assert_eq!(
        streamed(&out),
        [(0, "lookup".to_owned(), r#"{"q":"shoes"}"#.to_owned())]
    );
    // The card appears at `added` (no arguments yet), then one event per piece.
    let pieces = out
        .iter()
        .filter(|e| matches!(e, AnswerEvent::CallArguments { .. }))
        .count();
    assert_eq!(pieces, 3);
    assert_eq!(finals(&out), [call("c1", "lookup", r#"{"q":"shoes"}"#)]);
    assert_eq!(endings(&out), 1);
    // The final part comes after every piece.
    let last_piece = out
        .iter()
        .rposition(|e| matches!(e, AnswerEvent::CallArguments { .. }));
    let final_at = out.iter().position(|e| matches!(e, AnswerEvent::Part(_)));
    assert!(last_piece < final_at);
}

#[test]
fn deltas_only_without_ids_or_added_end_with_the_terminal_output() {
    let out = run(vec![
        args(None, r#"{"city""#),
        args(None, r#":"Oslo"}"#),
        completed(vec![call_item(None, "c9", "weather", r#"{"city":"Oslo"}"#)]),
    ]);
    assert_eq!(
        streamed(&out),
        [(0, String::new(), r#"{"city":"Oslo"}"#.to_owned())]
    );
    assert_eq!(finals(&out), [call("c9", "weather", r#"{"city":"Oslo"}"#)]);
    assert_eq!(endings(&out), 1);
}

#[test]
fn arguments_done_alone_ends_a_named_call_once() {
    let whole = call_item(Some("fc_2"), "c2", "lookup", r#"{"q":1}"#);
    let out = run(vec![
        added(call_item(Some("fc_2"), "c2", "lookup", "")),
        StreamEvent::FunctionArgumentsDone {
            item_id: Some("fc_2".into()),
            arguments: r#"{"q":1}"#.into(),
        },
        completed(vec![whole]),
    ]);
    assert_eq!(finals(&out), [call("c2", "lookup", r#"{"q":1}"#)]);
    assert_eq!(endings(&out), 1);
}

#[test]
fn item_done_alone_is_the_final_card_as_before_and_not_repeated() {
    let whole = call_item(Some("fc_3"), "c3", "lookup", r#"{"q":2}"#);
    let out = run(vec![item_done(whole.clone()), completed(vec![whole])]);
    assert!(streamed(&out).is_empty(), "nothing streamed");
    assert_eq!(finals(&out), [call("c3", "lookup", r#"{"q":2}"#)]);
    // Without any id, the repeat in the terminal output is still recognised.
    let bare = call_item(None, "", "ping", "{}");
    let out = run(vec![item_done(bare.clone()), completed(vec![bare])]);
    assert_eq!(finals(&out), [call("", "ping", "{}")]);
}

#[test]
fn the_final_fields_are_trusted_over_what_streamed() {
    let out = run(vec![
        added(call_item(Some("fc_4"), "c4", "lookup", "")),
        args(Some("fc_4"), r#"{"q":"shoe"#),
        item_done(call_item(Some("fc_4"), "c4", "lookup", r#"{"q":"boots"}"#)),
    ]);
    assert_eq!(finals(&out), [call("c4", "lookup", r#"{"q":"boots"}"#)]);
}

#[test]
fn two_calls_stream_in_their_own_slots() {
    let out = run(vec![
        added(call_item(Some("a"), "ca", "one", "")),
        args(Some("a"), "{}"),
        item_done(call_item(Some("a"), "ca", "one", "{}")),
        added(call_item(Some("b"), "cb", "two", "")),
        args(Some("b"), "[1]"),
        item_done(call_item(Some("b"), "cb", "two", "[1]")),
    ]);
    assert_eq!(
        streamed(&out),
        [
            (0, "one".to_owned(), "{}".to_owned()),
            (1, "two".to_owned(), "[1]".to_owned())
        ]
    );
    assert_eq!(finals(&out), [call("ca", "one", "{}"), call("cb", "two", "[1]")]);
}

#[test]
fn a_stream_that_breaks_mid_call_is_interrupted_and_keeps_what_streamed() {
    let out = run(vec![
        added(call_item(Some("fc_5"), "c5", "lookup", "")),
        args(Some("fc_5"), r#"{"q":"sh"#),
    ]);
    assert_eq!(
        finals(&out),
        [AnswerPart::unfinished("c5", "lookup", r#"{"q":"sh"#)]
    );
    match out.last() {
        Some(AnswerEvent::Ended(e)) => assert!(matches!(e.outcome, Outcome::Interrupted(_)), "{e:?}"),
        other => panic!("expected the ending, got {other:?}"),
    }
}

#[test]
fn a_consumer_folds_the_pieces_into_one_card_that_the_final_call_replaces_in_place() {
    let mut parts = vec![AnswerPart::Refusal("before".into())];
    stream_call(&mut parts, 0, "", "lookup", r#"{"q""#);
    stream_call(&mut parts, 0, "c1", "", r#":1}"#);
    assert_eq!(
        parts[1],
        AnswerPart::CallStreaming {
            slot: 0,
            call_id: "c1".into(),
            name: "lookup".into(),
            arguments: r#"{"q":1}"#.into(),
        }
    );
    settle_call(&mut parts, AnswerPart::Refusal("after".into()));
    settle_call(&mut parts, call("c1", "lookup", r#"{"q":1}"#));
    assert_eq!(
        parts,
        [
            AnswerPart::Refusal("before".into()),
            call("c1", "lookup", r#"{"q":1}"#),
            AnswerPart::Refusal("after".into()),
        ]
    );
    stream_call(&mut parts, 1, "", "late", "{");
    drop_streaming(&mut parts);
    assert_eq!(parts.len(), 3, "an unfinished card goes at the ending");
}

use super::*;
use crate::api::wire::ContentPart;

fn delta(item: Option<&str>, d: &str) -> StreamEvent {
    StreamEvent::TextDelta {
        item_id: item.map(Into::into),
        output_index: None,
        delta: d.into(),
    }
}

fn message(id: &str, text: &str) -> OutputItem {
    OutputItem {
        kind: "message".into(),
        id: Some(id.into()),
        role: Some("assistant".into()),
        status: None,
        content: vec![ContentPart {
            kind: "output_text".into(),
            text: Some(text.into()),
            extra: Default::default(),
        }],
        extra: Default::default(),
    }
}

fn completed(output: Vec<OutputItem>) -> StreamEvent {
    StreamEvent::Completed(ResponseObject {
        output,
        ..ResponseObject::default()
    })
}

/// Feeds events; returns the text handed out, the parts and the one ending.
fn assemble(events: Vec<StreamEvent>) -> (String, Vec<AnswerPart>, Vec<Ending>) {
    let mut a = Assembler::default();
    let mut out = Vec::new();
    for e in events {
        a.apply(e, &mut out);
    }
    a.interrupt(ApiError::Interrupted, &mut out);
    let (mut text, mut parts, mut endings) = (String::new(), Vec::new(), Vec::new());
    for e in out {
        match e {
            AnswerEvent::Text(t) => text.push_str(&t),
            AnswerEvent::Part(p) => parts.push(p),
            AnswerEvent::Ended(e) => endings.push(e),
            other => panic!("unexpected {other:?}"),
        }
    }
    (text, parts, endings)
}

#[test]
fn deltas_are_not_repeated_by_the_summaries() {
    let (text, _, endings) = assemble(vec![
        delta(Some("m"), "Hel"),
        delta(Some("m"), "lo"),
        StreamEvent::TextDone {
            item_id: Some("m".into()),
            content_index: None,
            text: "Hello".into(),
        },
        StreamEvent::OutputItemDone {
            output_index: None,
            item: message("m", "Hello"),
        },
        StreamEvent::Completed(ResponseObject {
            output: vec![message("m", "Hello")],
            usage: Some(Usage {
                credits_used: Some(2.0),
                ..Usage::default()
            }),
            ..ResponseObject::default()
        }),
    ]);
    assert_eq!(text, "Hello");
    assert_eq!(endings.len(), 1, "exactly one ending");
    assert_eq!(endings[0].outcome, Outcome::Completed);
    assert_eq!(endings[0].usage.as_ref().and_then(|u| u.credits_used), Some(2.0));
}

#[test]
fn text_from_done_events_item_events_or_the_terminal_output_alone() {
    let done_only = assemble(vec![
        StreamEvent::TextDone {
            item_id: Some("m".into()),
            content_index: None,
            text: "from done".into(),
        },
        completed(vec![message("m", "from done")]),
    ]);
    assert_eq!(done_only.0, "from done");
    let item_only = assemble(vec![
        StreamEvent::OutputItemDone {
            output_index: None,
            item: message("m", "from item"),
        },
        completed(Vec::new()),
    ]);
    assert_eq!(item_only.0, "from item");
    let output_only = assemble(vec![completed(vec![message("m", "from output")])]);
    assert_eq!(output_only.0, "from output");
}

#[test]
fn a_summary_that_extends_the_deltas_adds_only_the_rest() {
    let (text, _, _) = assemble(vec![
        delta(Some("m"), "Hel"),
        StreamEvent::TextDone {
            item_id: Some("m".into()),
            content_index: None,
            text: "Hello world".into(),
        },
        completed(vec![message("m", "Hello world")]),
    ]);
    assert_eq!(text, "Hello world");
}

#[test]
fn empty_completed_output_keeps_the_deltas() {
    let (text, _, endings) = assemble(vec![delta(Some("m"), "kept"), completed(Vec::new())]);
    assert_eq!(text, "kept");
    assert_eq!(endings[0].outcome, Outcome::Completed);
}

#[test]
fn deltas_without_ids_belong_to_the_first_named_item() {
    let (text, _, _) = assemble(vec![
        delta(None, "Hel"),
        delta(None, "lo"),
        StreamEvent::TextDone {
            item_id: Some("m".into()),
            content_index: None,
            text: "Hello".into(),
        },
        StreamEvent::OutputItemDone {
            output_index: None,
            item: message("m", "Hello"),
        },
        completed(vec![message("m", "Hello")]),
    ]);
    assert_eq!(text, "Hello");
}

#[test]
fn two_message_items_are_separate_paragraphs() {
    let (text, _, _) = assemble(vec![delta(Some("a"), "one"), delta(Some("b"), "two")]);
    assert_eq!(text, "one\n\ntwo");
}

#[test]
fn an_unseen_item_in_the_final_output_does_not_repeat_streamed_text() {
    let (text, _, _) = assemble(vec![
        delta(Some("a"), "streamed"),
        completed(vec![message("z", "other")]),
    ]);
    assert_eq!(text, "streamed");
}

#[test]
fn a_break_after_text_interrupts_before_text_fails_and_the_first_ending_wins() {
    let (text, _, endings) = assemble(vec![delta(Some("m"), "partial")]);
    assert_eq!(text, "partial");
    assert_eq!(
        endings,
        [Ending {
            outcome: Outcome::Interrupted(ApiError::Interrupted),
            ..Ending::default()
        }]
    );
    let (_, _, endings) = assemble(Vec::new());
    assert_eq!(endings[0].outcome, Outcome::Failed(ApiError::Interrupted));
    let (_, _, endings) = assemble(vec![StreamEvent::Done, completed(vec![message("m", "late")])]);
    assert_eq!(endings.len(), 1);
    assert_eq!(endings[0].outcome, Outcome::Completed);
}

#[test]
fn analysis_function_calls_refusals_and_unknown_items_become_parts() {
    let mut call = OutputItem {
        kind: "function_call".into(),
        ..message("f", "")
    };
    call.content.clear();
    for (k, v) in [("call_id", "c1"), ("name", "lookup"), ("arguments", "{\"q\":1}")] {
        call.extra.insert(k.into(), Value::String(v.into()));
    }
    let mut refused = message("r", "");
    refused.content = vec![ContentPart {
        kind: "refusal".into(),
        text: None,
        extra: [("refusal".to_owned(), Value::String("no".into()))]
            .into_iter()
            .collect(),
    }];
    let odd = OutputItem {
        kind: "web_search_call".into(),
        ..message("w", "")
    };
    let (_, parts, _) = assemble(vec![
        StreamEvent::OutputItemDone {
            output_index: None,
            item: call,
        },
        StreamEvent::OutputItemDone {
            output_index: None,
            item: refused,
        },
        StreamEvent::OutputItemDone {
            output_index: None,
            item: odd,
        },
        StreamEvent::Completed(ResponseObject {
            analysis: Some(serde_json::json!({"confidence": 7})),
            ..ResponseObject::default()
        }),
    ]);
    assert_eq!(parts.len(), 4, "{parts:?}");
    assert_eq!(
        parts[0],
        AnswerPart::FunctionCall {
            call_id: "c1".into(),
            name: "lookup".into(),
            arguments: "{\"q\":1}".into(),
        }
    );
    assert_eq!(parts[1], AnswerPart::Refusal("no".into()));
    assert!(matches!(&parts[2], AnswerPart::Other { kind, .. } if kind == "web_search_call"));
    assert_eq!(
        parts[3],
        AnswerPart::Analysis(serde_json::json!({"confidence": 7}))
    );
}

#[test]
fn failures_and_incomplete_endings_carry_their_reason() {
    let (_, _, endings) = assemble(vec![StreamEvent::Incomplete(ResponseObject {
        incomplete_details: Some(crate::api::wire::IncompleteDetails {
            reason: "max_output_tokens".into(),
        }),
        ..ResponseObject::default()
    })]);
    assert_eq!(
        endings[0].outcome,
        Outcome::Incomplete {
            reason: "max_output_tokens".into()
        }
    );
    let (_, _, endings) = assemble(vec![StreamEvent::Error(crate::api::wire::ErrorBody {
        message: "boom".into(),
        ..Default::default()
    })]);
    assert!(matches!(endings[0].outcome, Outcome::Failed(_)));
}

fn done(item: OutputItem) -> StreamEvent {
    StreamEvent::OutputItemDone {
        output_index: None,
        item,
    }
}

fn part(kind: &str, fields: Value) -> ContentPart {
    let mut v = fields;
    v["type"] = Value::String(kind.into());
    serde_json::from_value(v).expect("a part")
}

fn text_part_done(item: &str, index: Option<u64>, text: &str) -> StreamEvent {
    StreamEvent::ContentPartDone {
        item_id: Some(item.into()),
        content_index: index,
        part: part("output_text", serde_json::json!({"text": text})),
    }
}

#[test]
fn content_part_done_is_a_text_source_like_output_text_done() {
    let only = assemble(vec![
        text_part_done("m", Some(0), "from the part"),
        completed(Vec::new()),
    ]);
    assert_eq!(only.0, "from the part");
    let after_deltas = assemble(vec![
        delta(Some("m"), "from "),
        text_part_done("m", Some(0), "from the part"),
        StreamEvent::TextDone {
            item_id: Some("m".into()),
            content_index: Some(0),
            text: "from the part".into(),
        },
        done(message("m", "from the part")),
        completed(vec![message("m", "from the part")]),
    ]);
    assert_eq!(after_deltas.0, "from the part");
    assert!(after_deltas.1.is_empty(), "no correction: {:?}", after_deltas.1);
}

#[test]
fn a_final_text_that_differs_from_the_deltas_is_handed_out_as_one_correction() {
    let (text, parts, endings) = assemble(vec![
        delta(Some("a"), "First."),
        delta(Some("b"), "Helo wrld"),
        StreamEvent::TextDone {
            item_id: Some("b".into()),
            content_index: Some(0),
            text: "Hello world".into(),
        },
        done(message("b", "Hello world")),
        completed(vec![message("a", "First."), message("b", "Hello world")]),
    ]);
    assert_eq!(text, "First.\n\nHelo wrld", "the appends stay appends");
    assert_eq!(parts, [AnswerPart::Corrected("First.\n\nHello world".into())]);
    assert_eq!(endings.len(), 1);
    // A final that is shorter than what streamed is trusted too.
    let (_, parts, _) = assemble(vec![delta(Some("m"), "Hello there"), done(message("m", "Hello"))]);
    assert_eq!(parts, [AnswerPart::Corrected("Hello".into())]);
}

#[test]
fn part_finals_of_a_many_part_message_are_not_mistaken_for_corrections() {
    let (text, parts, _) = assemble(vec![
        delta(Some("m"), "one "),
        delta(Some("m"), "two"),
        // Part 0's final arrives after part 1 began streaming: a prefix, not a change.
        text_part_done("m", Some(0), "one "),
        text_part_done("m", Some(1), "two"),
        // Only part 1's final, without part 0's, is never checked against the whole.
        text_part_done("n", Some(1), "x"),
        completed(Vec::new()),
    ]);
    assert_eq!(text, "one two\n\nx");
    assert!(parts.is_empty(), "{parts:?}");
}

#[test]
fn refusals_stream_or_arrive_as_parts_and_are_handed_out_once() {
    let mut refused = message("m", "");
    refused.content = vec![part("refusal", serde_json::json!({"refusal": "I cannot help."}))];
    let (text, parts, endings) = assemble(vec![
        StreamEvent::RefusalDelta {
            item_id: Some("m".into()),
            delta: "I cannot ".into(),
        },
        StreamEvent::RefusalDelta {
            item_id: Some("m".into()),
            delta: "help.".into(),
        },
        StreamEvent::RefusalDone {
            item_id: Some("m".into()),
            refusal: String::new(),
        },
        StreamEvent::ContentPartDone {
            item_id: Some("m".into()),
            content_index: Some(0),
            part: refused.content[0].clone(),
        },
        done(refused.clone()),
        completed(vec![refused]),
    ]);
    assert_eq!(text, "");
    assert_eq!(parts, [AnswerPart::Refusal("I cannot help.".into())]);
    assert_eq!(endings[0].outcome, Outcome::Completed);
    // Deltas alone, then the stream breaks: still a refusal, kept as an interrupted answer.
    let (_, parts, endings) = assemble(vec![StreamEvent::RefusalDelta {
        item_id: None,
        delta: "No.".into(),
    }]);
    assert_eq!(parts, [AnswerPart::Refusal("No.".into())]);
    assert_eq!(endings[0].outcome, Outcome::Interrupted(ApiError::Interrupted));
}

#[test]
fn unknown_items_and_parts_are_kept_once_from_whichever_event_brings_them() {
    let mut m = message("m", "Hi");
    m.content
        .push(part("x_citation", serde_json::json!({"url": "https://e.com"})));
    let search = OutputItem {
        kind: "web_search_call".into(),
        content: Vec::new(),
        ..message("ws", "")
    };
    let (text, parts, _) = assemble(vec![
        delta(Some("m"), "Hi"),
        StreamEvent::ContentPartDone {
            item_id: Some("m".into()),
            content_index: Some(1),
            part: m.content[1].clone(),
        },
        done(m.clone()),
        // The search item only in the terminal output, after text streamed.
        completed(vec![search, m]),
    ]);
    assert_eq!(text, "Hi");
    let kinds: Vec<&str> = parts
        .iter()
        .map(|p| match p {
            AnswerPart::Other { kind, .. } => kind.as_str(),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(kinds, ["x_citation", "web_search_call"]);
    if let AnswerPart::Other { item, .. } = &parts[0] {
        assert_eq!(item["url"], "https://e.com");
    }
}

#[test]
fn summaries_are_one_compact_line_without_the_type_and_bounded() {
    let item = serde_json::json!({"type": "web_search_call", "id": "ws", "status": "completed"});
    assert_eq!(
        AnswerPart::summary(&item, 100),
        r#"{"id":"ws","status":"completed"}"#
    );
    assert_eq!(AnswerPart::summary(&item, 5), "{\"id…");
    assert_eq!(AnswerPart::summary(&serde_json::json!({"type": "x"}), 10), "");
    let long = serde_json::json!({"text": "line\nbreak"});
    assert!(
        !AnswerPart::summary(&long, 100).contains('\n'),
        "JSON escapes newlines"
    );
}

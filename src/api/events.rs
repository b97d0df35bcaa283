//! Typed stream events: what one SSE frame means (spec §4, items 4–9).
//!
//! Owns: dispatch on the JSON `type` (falling back to the `event:` name only when the
//! JSON has none), `[DONE]`, both error shapes, refusals (`response.refusal.delta` /
//! `.done`), the text of `response.content_part.done`, and ignoring what is unknown.
//! Every field is read through `lenient` (spec §8): an index sent as `"0"`, a `null`
//! delta or an object where text was expected degrades that field, never the event.
//! Does not own: framing bytes into frames (`sse`) or assembling an answer (`answer`).
#![deny(clippy::indexing_slicing)]

use serde::Deserialize;
use serde_json::Value;

use super::lenient;
use super::sse::SseFrame;
use super::wire::{ContentPart, ErrorBody, OutputItem, ResponseObject};

/// One meaningful event of a streamed response.
#[derive(Debug, Clone, PartialEq)]
pub enum StreamEvent {
    Created {
        response_id: String,
    },
    InProgress,
    OutputItemAdded {
        output_index: Option<u64>,
        item: OutputItem,
    },
    TextDelta {
        item_id: Option<String>,
        output_index: Option<u64>,
        delta: String,
    },
    /// One content part's whole text (`response.output_text.done`).
    TextDone {
        item_id: Option<String>,
        content_index: Option<u64>,
        text: String,
    },
    /// A content part is complete (`response.content_part.done`): text, a refusal or a
    /// kind this client does not know.
    ContentPartDone {
        item_id: Option<String>,
        content_index: Option<u64>,
        part: ContentPart,
    },
    /// The model declines: part of its reason (`response.refusal.delta`).
    RefusalDelta {
        item_id: Option<String>,
        delta: String,
    },
    /// The model's whole reason for declining (`response.refusal.done`).
    RefusalDone {
        item_id: Option<String>,
        refusal: String,
    },
    FunctionArgumentsDelta {
        item_id: Option<String>,
        delta: String,
    },
    FunctionArgumentsDone {
        item_id: Option<String>,
        arguments: String,
    },
    OutputItemDone {
        output_index: Option<u64>,
        item: OutputItem,
    },
    Completed(ResponseObject),
    Incomplete(ResponseObject),
    Failed(ResponseObject),
    Error(ErrorBody),
    /// `data: [DONE]`: accepted, never required.
    Done,
    /// A type this client does not use (`keepalive`, `response.metadata`, ...).
    Other {
        kind: String,
    },
}

impl StreamEvent {
    /// Whether this event ends the response: nothing after it is read.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            StreamEvent::Completed(_)
                | StreamEvent::Incomplete(_)
                | StreamEvent::Failed(_)
                | StreamEvent::Error(_)
                | StreamEvent::Done
        )
    }
}

/// Every field any event we understand may carry; one parse per frame. Each field is
/// lenient: a frame that is a JSON object always decodes.
#[derive(Deserialize)]
struct RawEvent {
    #[serde(rename = "type", default, deserialize_with = "lenient::opt_string")]
    kind: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    delta: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    text: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    refusal: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    arguments: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    item_id: Option<String>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    output_index: Option<u64>,
    #[serde(default, deserialize_with = "lenient::opt_u64")]
    content_index: Option<u64>,
    item: Option<Value>,
    part: Option<Value>,
    response: Option<Value>,
    error: Option<Value>,
    code: Option<Value>,
    #[serde(default, deserialize_with = "lenient::opt_string")]
    message: Option<String>,
    param: Option<Value>,
}

/// Decodes one frame. `Ok(None)` for frames that carry no event (empty data, data that
/// is not JSON): tolerated, never fatal.
pub fn decode(frame: &SseFrame) -> Option<StreamEvent> {
    let data = frame.data.trim();
    if data.is_empty() {
        return None;
    }
    if data == "[DONE]" {
        return Some(StreamEvent::Done);
    }
    let raw: RawEvent = match serde_json::from_str(data) {
        Ok(raw) => raw,
        Err(err) => {
            tracing::warn!(event = ?frame.event, %err, "ignoring an event whose data is not a JSON object");
            return None;
        }
    };
    let kind = raw
        .kind
        .clone()
        .or_else(|| frame.event.clone())
        .unwrap_or_default();
    Some(match kind.as_str() {
        "response.output_text.delta" => StreamEvent::TextDelta {
            item_id: raw.item_id,
            output_index: raw.output_index,
            delta: raw.delta.unwrap_or_default(),
        },
        "response.output_text.done" => StreamEvent::TextDone {
            item_id: raw.item_id,
            content_index: raw.content_index,
            text: raw.text.unwrap_or_default(),
        },
        "response.content_part.done" => StreamEvent::ContentPartDone {
            item_id: raw.item_id,
            content_index: raw.content_index,
            part: part_of(raw.part),
        },
        "response.refusal.delta" => StreamEvent::RefusalDelta {
            item_id: raw.item_id,
            delta: raw.delta.unwrap_or_default(),
        },
        "response.refusal.done" => StreamEvent::RefusalDone {
            item_id: raw.item_id,
            refusal: raw.refusal.or(raw.text).unwrap_or_default(),
        },
        "response.created" => StreamEvent::Created {
            response_id: response_of(raw.response).id,
        },
        "response.in_progress" => StreamEvent::InProgress,
        "response.output_item.added" => StreamEvent::OutputItemAdded {
            output_index: raw.output_index,
            item: item_of(raw.item),
        },
        "response.output_item.done" => StreamEvent::OutputItemDone {
            output_index: raw.output_index,
            item: item_of(raw.item),
        },
        "response.function_call_arguments.delta" => StreamEvent::FunctionArgumentsDelta {
            item_id: raw.item_id,
            delta: raw.delta.unwrap_or_default(),
        },
        "response.function_call_arguments.done" => StreamEvent::FunctionArgumentsDone {
            item_id: raw.item_id,
            arguments: raw.arguments.unwrap_or_default(),
        },
        "response.completed" => StreamEvent::Completed(response_of(raw.response)),
        "response.incomplete" => StreamEvent::Incomplete(response_of(raw.response)),
        "response.failed" => StreamEvent::Failed(response_of(raw.response)),
        "error" => StreamEvent::Error(error_of(raw.error, raw.code, raw.message, raw.param)),
        _ => StreamEvent::Other { kind },
    })
}

/// A response object. Its fields are lenient, so only a payload that is not an object at
/// all is lost (as an empty response: the status of the event itself still counts).
fn response_of(value: Option<Value>) -> ResponseObject {
    let Some(value) = value else {
        return ResponseObject::default();
    };
    serde_json::from_value::<ResponseObject>(value).unwrap_or_else(|err| {
        tracing::warn!(%err, "a response payload that is not an object; reading none of it");
        ResponseObject::default()
    })
}

/// An output item; one that is not an object at all is an item of no known kind.
fn item_of(value: Option<Value>) -> OutputItem {
    let value = value.unwrap_or(Value::Null);
    serde_json::from_value(value).unwrap_or_else(|_| OutputItem {
        kind: String::new(),
        id: None,
        role: None,
        status: None,
        content: Vec::new(),
        extra: serde_json::Map::new(),
    })
}

/// A content part; one that is not an object is a part of no known kind.
fn part_of(value: Option<Value>) -> ContentPart {
    value
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or(ContentPart {
            kind: String::new(),
            text: None,
            extra: serde_json::Map::new(),
        })
}

/// Both error shapes: nested `{"error": {...}}` and flat `{code, message, param}`.
fn error_of(
    nested: Option<Value>,
    code: Option<Value>,
    message: Option<String>,
    param: Option<Value>,
) -> ErrorBody {
    if let Some(body) = nested.and_then(|v| serde_json::from_value::<ErrorBody>(v).ok()) {
        return body;
    }
    ErrorBody {
        message: message.unwrap_or_default(),
        kind: None,
        code: code.map(scalar_text),
        param: param.filter(|p| !p.is_null()).map(scalar_text),
    }
}

fn scalar_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(event: Option<&str>, data: &str) -> Option<StreamEvent> {
        decode(&SseFrame {
            event: event.map(str::to_owned),
            data: data.to_owned(),
        })
    }

    #[test]
    fn dispatches_on_json_type_not_event_line() {
        let ev = data(
            Some("message"),
            r#"{"type":"response.output_text.delta","delta":"Hi"}"#,
        );
        assert_eq!(
            ev,
            Some(StreamEvent::TextDelta {
                item_id: None,
                output_index: None,
                delta: "Hi".into()
            })
        );
    }

    #[test]
    fn falls_back_to_event_line_when_json_has_no_type() {
        let ev = data(Some("response.output_text.delta"), r#"{"delta":"x"}"#);
        assert!(matches!(ev, Some(StreamEvent::TextDelta { delta, .. }) if delta == "x"));
    }

    #[test]
    fn both_error_shapes_decode() {
        let nested = data(
            None,
            r#"{"type":"error","error":{"type":"server_error","code":"boom","message":"m","param":null}}"#,
        );
        let flat = data(
            None,
            r#"{"type":"error","code":"boom","message":"m","param":null}"#,
        );
        for ev in [nested, flat] {
            match ev {
                Some(StreamEvent::Error(e)) => {
                    assert_eq!(e.code.as_deref(), Some("boom"));
                    assert_eq!(e.message, "m");
                }
                other => panic!("expected error, got {other:?}"),
            }
        }
    }

    #[test]
    fn done_unknown_and_non_json_are_tolerated() {
        assert_eq!(data(None, "[DONE]"), Some(StreamEvent::Done));
        assert_eq!(
            data(None, r#"{"type":"response.metadata","obfuscation":"zz"}"#),
            Some(StreamEvent::Other {
                kind: "response.metadata".into()
            })
        );
        assert_eq!(data(Some("ping"), "ping"), None);
        assert_eq!(data(None, ""), None);
    }

    #[test]
    fn mistyped_and_null_fields_degrade_the_field_not_the_event() {
        let ev = data(
            None,
            r#"{"type":"response.output_text.delta","item_id":7,"output_index":"0","sequence_number":"5","delta":"Hi"}"#,
        );
        assert_eq!(
            ev,
            Some(StreamEvent::TextDelta {
                item_id: Some("7".into()),
                output_index: Some(0),
                delta: "Hi".into()
            })
        );
        let ev = data(
            None,
            r#"{"type":"response.output_text.delta","item_id":null,"output_index":{"x":1},"delta":null}"#,
        );
        assert_eq!(
            ev,
            Some(StreamEvent::TextDelta {
                item_id: None,
                output_index: None,
                delta: String::new()
            })
        );
        let ev = data(
            None,
            r#"{"type":"response.completed","response":{"id":"r","status":"completed","output":null,
                "usage":{"input_tokens":"3","output_tokens":4.0,"total_tokens":"7","credits_used":"2.5"}}}"#,
        );
        match ev {
            Some(StreamEvent::Completed(r)) => {
                let u = r.usage.expect("usage");
                assert_eq!(
                    (u.input_tokens, u.output_tokens, u.total_tokens),
                    (Some(3), Some(4), Some(7))
                );
                assert_eq!(u.credits_used, Some(2.5));
            }
            other => panic!("expected completed, got {other:?}"),
        }
    }

    #[test]
    fn refusals_and_finished_content_parts_decode() {
        assert_eq!(
            data(
                None,
                r#"{"type":"response.refusal.delta","item_id":"m","delta":"I can"}"#
            ),
            Some(StreamEvent::RefusalDelta {
                item_id: Some("m".into()),
                delta: "I can".into()
            })
        );
        assert_eq!(
            data(
                None,
                r#"{"type":"response.refusal.done","item_id":"m","refusal":"I cannot."}"#
            ),
            Some(StreamEvent::RefusalDone {
                item_id: Some("m".into()),
                refusal: "I cannot.".into()
            })
        );
        match data(
            None,
            r#"{"type":"response.content_part.done","item_id":"m","content_index":"1","part":{"type":"output_text","text":"Hello","annotations":null}}"#,
        ) {
            Some(StreamEvent::ContentPartDone {
                item_id,
                content_index,
                part,
            }) => {
                assert_eq!((item_id.as_deref(), content_index), (Some("m"), Some(1)));
                assert!(part.is_text());
                assert_eq!(part.text.as_deref(), Some("Hello"));
            }
            other => panic!("expected a content part, got {other:?}"),
        }
        match data(None, r#"{"type":"response.content_part.done","part":"junk"}"#) {
            Some(StreamEvent::ContentPartDone { part, .. }) => assert_eq!(part.kind, ""),
            other => panic!("expected a content part, got {other:?}"),
        }
    }

    #[test]
    fn terminal_events_carry_usage_and_errors() {
        let ev = data(
            None,
            r#"{"type":"response.failed","response":{"id":"r","status":"failed","output":"weird","error":{"code":"server_error","message":"down"}}}"#,
        );
        match ev {
            Some(StreamEvent::Failed(r)) => {
                assert_eq!(r.status, "failed");
                assert_eq!(r.error.map(|e| e.message), Some("down".to_owned()));
            }
            other => panic!("expected failed, got {other:?}"),
        }
    }
}

//! Typed stream events: what one SSE frame means (spec §4, items 4–9).
//!
//! Owns: dispatch on the JSON `type` (falling back to the `event:` name only when the
//! JSON has none), `[DONE]`, both error shapes, and ignoring what is unknown. Does not
//! own: framing bytes into frames (`sse`) or assembling an answer (`assemble`).
#![deny(clippy::indexing_slicing)]

use serde::Deserialize;
use serde_json::Value;

use super::sse::SseFrame;
use super::wire::{ErrorBody, OutputItem, ResponseObject, Usage};

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
    TextDone {
        item_id: Option<String>,
        text: String,
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

/// Every field any event we understand may carry; one parse per frame.
#[derive(Deserialize)]
struct RawEvent {
    #[serde(rename = "type")]
    kind: Option<String>,
    delta: Option<String>,
    text: Option<String>,
    arguments: Option<String>,
    item_id: Option<String>,
    output_index: Option<u64>,
    item: Option<Value>,
    response: Option<Value>,
    error: Option<Value>,
    code: Option<Value>,
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
            text: raw.text.unwrap_or_default(),
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

/// A response object, decoded leniently: when the whole object does not fit the typed
/// shape, its status, usage and error are still taken one by one.
fn response_of(value: Option<Value>) -> ResponseObject {
    let Some(value) = value else {
        return ResponseObject::default();
    };
    match serde_json::from_value::<ResponseObject>(value.clone()) {
        Ok(r) => r,
        Err(err) => {
            tracing::warn!(%err, "response object in an unexpected shape; keeping what fits");
            let field = |k: &str| value.get(k).cloned();
            ResponseObject {
                id: str_field(&value, "id"),
                status: str_field(&value, "status"),
                usage: field("usage").and_then(|u| serde_json::from_value::<Usage>(u).ok()),
                error: field("error").and_then(|e| serde_json::from_value(e).ok()),
                incomplete_details: field("incomplete_details").and_then(|d| serde_json::from_value(d).ok()),
                ..ResponseObject::default()
            }
        }
    }
}

fn item_of(value: Option<Value>) -> OutputItem {
    let value = value.unwrap_or(Value::Null);
    serde_json::from_value(value.clone()).unwrap_or_else(|_| OutputItem {
        kind: str_field(&value, "type"),
        id: value.get("id").and_then(Value::as_str).map(str::to_owned),
        role: None,
        status: None,
        content: Vec::new(),
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

fn str_field(value: &Value, key: &str) -> String {
    value
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
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

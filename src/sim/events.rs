//! The JSON of a response: the response object (spec §3) and the ordered stream events
//! that deliver it (spec §4), with the event-level fault variants.
//!
//! Owns: the response object for every status,
//! the OpenAI event order, terminal variants (`completed`, `incomplete`, `failed`, `error`
//! events) and the shape variants (no sequence numbers, unknown events, null output).
//! Pure. Does not own: bytes on the wire — SSE framing, chunking and pacing are `stream`'s.

use serde_json::{json, Map, Value};

use super::deltas::{tokens_of, INVALID_UTF8_LOSSY, INVALID_UTF8_MARKER};

/// How the answer ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Terminal {
    Completed,
    /// `response.incomplete` after this many deltas.
    Incomplete(usize),
    /// `response.failed` after this many deltas.
    Failed(usize),
    /// An `error` event after `after` deltas, nested or flat.
    ErrorEvent {
        after: usize,
        flat: bool,
    },
}

impl Terminal {
    /// Deltas sent before the end, if the answer is cut short.
    pub fn cut(self) -> Option<usize> {
        match self {
            Terminal::Completed => None,
            Terminal::Incomplete(k) | Terminal::Failed(k) => Some(k),
            Terminal::ErrorEvent { after, .. } => Some(after),
        }
    }
}

/// Where a stream puts the answer's text (spec §8: servers differ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TextIn {
    /// Deltas, then the done events and the terminal response repeat it (the usual way).
    #[default]
    Deltas,
    /// No deltas: the text arrives first in `output_text.done` and the events after it.
    DoneEvents,
    /// No deltas and no done events: only the terminal response's `output` has it.
    OutputOnly,
}

/// Event-level variants of a stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shape {
    pub terminal: Terminal,
    pub no_sequence: bool,
    pub unknown_events: bool,
    pub empty_output: bool,
    pub text_in: TextIn,
}

/// One stream event: its `type` and JSON; `delta` marks the paced ones.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub kind: String,
    pub json: Value,
    pub delta: bool,
}

/// Everything about one answer except how it is transported.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub response_id: String,
    pub message_id: String,
    pub created_at: i64,
    pub model: String,
    pub deltas: Vec<String>,
    pub input_tokens: u64,
    /// `None` leaves `credits_used` out of `usage` (`no_credits`).
    pub credits: Option<f64>,
    pub analysis: Option<Value>,
}

impl Draft {
    /// The text of the first `upto` deltas, as a tolerant client reassembles it.
    pub fn text(&self, upto: usize) -> String {
        let s: String = self.deltas.iter().take(upto).map(String::as_str).collect();
        s.replace(INVALID_UTF8_MARKER, INVALID_UTF8_LOSSY)
    }

    pub fn output_tokens(&self, upto: usize) -> u64 {
        self.deltas.iter().take(upto).map(|d| tokens_of(d)).sum()
    }

    fn usage(&self, upto: usize) -> Value {
        let out = self.output_tokens(upto);
        let mut u = json!({
            "input_tokens": self.input_tokens,
            "output_tokens": out,
            "total_tokens": self.input_tokens + out,
        });
        if let (Some(c), Value::Object(m)) = (self.credits, &mut u) {
            // `3`, as the documentation shows, not `3.0`.
            let n = if c.fract() == 0.0 && (0.0..1e15).contains(&c) {
                json!(c as u64)
            } else {
                json!(c)
            };
            m.insert("credits_used".into(), n);
        }
        u
    }

    fn message(&self, status: &str, upto: usize) -> Value {
        json!({
            "id": self.message_id, "type": "message", "role": "assistant", "status": status,
            "content": [{"type": "output_text", "text": self.text(upto), "annotations": []}],
        })
    }

    /// The response object after `upto` deltas with `status` (`completed`, `incomplete`,
    /// `failed`); `output` is `null` when `empty_output`.
    pub fn response(&self, status: &str, upto: usize, empty_output: bool) -> Value {
        let item_status = if status == "completed" {
            "completed"
        } else {
            "incomplete"
        };
        let output = if empty_output {
            Value::Null
        } else {
            json!([self.message(item_status, upto)])
        };
        let mut r = json!({
            "id": self.response_id, "object": "response", "created_at": self.created_at,
            "status": status, "model": self.model, "output": output, "usage": self.usage(upto),
        });
        if let Value::Object(m) = &mut r {
            match status {
                "failed" => {
                    m.insert(
                        "error".into(),
                        json!({"code": "server_error", "message": FAILED_MESSAGE}),
                    );
                }
                "incomplete" => {
                    m.insert(
                        "incomplete_details".into(),
                        json!({"reason": "max_output_tokens"}),
                    );
                }
                _ => {}
            }
            if let Some(a) = &self.analysis {
                m.insert("analysis".into(), a.clone());
            }
        }
        r
    }

    fn in_progress(&self) -> Value {
        json!({
            "id": self.response_id, "object": "response", "created_at": self.created_at,
            "status": "in_progress", "model": self.model, "output": [], "usage": null,
        })
    }
}

const FAILED_MESSAGE: &str = "The model failed while generating the answer (simulated server error).";
const ERROR_EVENT_MESSAGE: &str = "An error occurred while streaming the answer (simulated).";

/// The events of a streamed answer, in the order of spec §4, shaped by `shape`.
pub fn stream_events(d: &Draft, shape: &Shape) -> Vec<Event> {
    let mut b = Builder {
        events: Vec::with_capacity(d.deltas.len() + 12),
        seq: 0,
        shape: *shape,
    };
    let msg = &d.message_id;
    b.push("response.created", json!({"response": d.in_progress()}), false);
    b.push(
        "response.in_progress",
        json!({"response": d.in_progress()}),
        false,
    );
    if shape.unknown_events {
        b.unknown(
            "response.metadata",
            json!({"metadata": {"simulator": "mavera-tui", "region": "local"}}),
        );
    }
    let item =
        json!({"id": msg, "type": "message", "status": "in_progress", "role": "assistant", "content": []});
    b.push(
        "response.output_item.added",
        json!({"output_index": 0, "item": item}),
        false,
    );
    let part = json!({"type": "output_text", "text": "", "annotations": []});
    b.push(
        "response.content_part.added",
        json!({"item_id": msg, "output_index": 0, "content_index": 0, "part": part}),
        false,
    );
    let n = shape.terminal.cut().unwrap_or(d.deltas.len()).min(d.deltas.len());
    let deltas = if shape.text_in == TextIn::Deltas { n } else { 0 };
    for (i, delta) in d.deltas.iter().take(deltas).enumerate() {
        let mut e =
            json!({"item_id": msg, "output_index": 0, "content_index": 0, "delta": delta, "logprobs": []});
        if shape.unknown_events {
            if let Value::Object(m) = &mut e {
                m.insert("obfuscation".into(), json!("x7Qp"));
            }
            if i % 10 == 5 {
                b.unknown("keepalive", json!({"note": "unknown event type"}));
            }
            if i == 2 {
                b.unknown(
                    "response.future_tool.progress",
                    json!({"progress": 0.5, "tool": {"name": "x"}}),
                );
            }
        }
        b.push("response.output_text.delta", e, true);
    }
    let text = d.text(n);
    let finish = |b: &mut Builder, status: &str| {
        if shape.text_in == TextIn::OutputOnly {
            return;
        }
        b.push(
            "response.output_text.done",
            json!({"item_id": msg, "output_index": 0, "content_index": 0, "text": text, "logprobs": []}),
            false,
        );
        let part = json!({"type": "output_text", "text": text, "annotations": []});
        b.push(
            "response.content_part.done",
            json!({"item_id": msg, "output_index": 0, "content_index": 0, "part": part}),
            false,
        );
        b.push(
            "response.output_item.done",
            json!({"output_index": 0, "item": d.message(status, n)}),
            false,
        );
    };
    match shape.terminal {
        Terminal::Completed => {
            finish(&mut b, "completed");
            b.push(
                "response.completed",
                json!({"response": d.response("completed", n, shape.empty_output)}),
                false,
            );
        }
        Terminal::Incomplete(_) => {
            finish(&mut b, "incomplete");
            b.push(
                "response.incomplete",
                json!({"response": d.response("incomplete", n, shape.empty_output)}),
                false,
            );
        }
        Terminal::Failed(_) => {
            b.push(
                "response.failed",
                json!({"response": d.response("failed", n, shape.empty_output)}),
                false,
            );
        }
        Terminal::ErrorEvent { flat: false, .. } => {
            let err = json!({"type": "server_error", "code": "server_error", "message": ERROR_EVENT_MESSAGE, "param": null});
            b.push("error", json!({"error": err}), false);
        }
        Terminal::ErrorEvent { flat: true, .. } => {
            b.push(
                "error",
                json!({"code": "server_error", "message": ERROR_EVENT_MESSAGE, "param": null}),
                false,
            );
        }
    }
    b.events
}

struct Builder {
    events: Vec<Event>,
    seq: u64,
    shape: Shape,
}

impl Builder {
    /// Adds a standard event: `type` first, then `sequence_number`, then the fields.
    fn push(&mut self, kind: &str, fields: Value, delta: bool) {
        let mut m = Map::new();
        m.insert("type".into(), json!(kind));
        if !self.shape.no_sequence {
            m.insert("sequence_number".into(), json!(self.seq));
        }
        self.seq += 1;
        if let Value::Object(f) = fields {
            for (k, v) in f {
                if self.shape.no_sequence && (k == "item_id" || k == "output_index") {
                    continue;
                }
                m.insert(k, v);
            }
        }
        self.events.push(Event {
            kind: kind.into(),
            json: Value::Object(m),
            delta,
        });
    }

    /// Adds an event a client does not know; it takes no sequence number.
    fn unknown(&mut self, kind: &str, fields: Value) {
        let mut m = Map::new();
        m.insert("type".into(), json!(kind));
        if let Value::Object(f) = fields {
            m.extend(f);
        }
        self.events.push(Event {
            kind: kind.into(),
            json: Value::Object(m),
            delta: false,
        });
    }
}

#[cfg(test)]
mod tests {
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
}

//! The JSON of a response: the response object (spec §3) and the ordered stream events
//! that deliver it (spec §4), with the event-level fault variants.
//!
//! Owns: the response object for every status,
//! the OpenAI event order, terminal variants (`completed`, `incomplete`, `failed`, `error`
//! events), the shape variants (no sequence numbers, unknown events, null output) and
//! refusals (a `refusal` content part, streamed as `response.refusal.delta`/`.done`).
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
    /// The deltas are the model declining, not an answer: they travel as a `refusal`
    /// content part (`refusal` fault).
    pub refusal: bool,
    /// A `function_call` output item after the message (a prompt that triggers a tool):
    /// its arguments stream as `response.function_call_arguments.delta` events.
    pub call: Option<Value>,
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

    /// The message's one content part holding `text`: answer text, or a refusal.
    fn part(&self, text: &str) -> Value {
        if self.refusal {
            json!({"type": "refusal", "refusal": text})
        } else {
            json!({"type": "output_text", "text": text, "annotations": []})
        }
    }

    fn message(&self, status: &str, upto: usize) -> Value {
        json!({
            "id": self.message_id, "type": "message", "role": "assistant", "status": status,
            "content": [self.part(&self.text(upto))],
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
            let mut items = vec![self.message(item_status, upto)];
            items.extend(self.call.iter().filter(|_| status == "completed").cloned());
            Value::Array(items)
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
    let part = d.part("");
    // A refusal streams under its own event names, with the same fields.
    let (delta_kind, done_kind, done_field) = if d.refusal {
        ("response.refusal.delta", "response.refusal.done", "refusal")
    } else {
        ("response.output_text.delta", "response.output_text.done", "text")
    };
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
        b.push(delta_kind, e, true);
    }
    let text = d.text(n);
    let finish = |b: &mut Builder, status: &str| {
        if shape.text_in == TextIn::OutputOnly {
            return;
        }
        let mut done = json!({"item_id": msg, "output_index": 0, "content_index": 0, "logprobs": []});
        if let Value::Object(m) = &mut done {
            m.insert(done_field.into(), json!(text));
        }
        b.push(done_kind, done, false);
        let part = d.part(&text);
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
            if let Some(call) = &d.call {
                function_call(&mut b, call);
            }
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

/// A function call item at output index 1: added with empty arguments, the arguments in
/// a few deltas, then done (spec §4).
fn function_call(b: &mut Builder, call: &Value) {
    let id = call.get("id").cloned().unwrap_or(Value::Null);
    let args = call.get("arguments").and_then(Value::as_str).unwrap_or_default();
    let mut added = call.clone();
    if let Value::Object(m) = &mut added {
        m.insert("arguments".into(), json!(""));
        m.insert("status".into(), json!("in_progress"));
    }
    b.push(
        "response.output_item.added",
        json!({"output_index": 1, "item": added}),
        false,
    );
    let chars: Vec<char> = args.chars().collect();
    for piece in chars.chunks(8) {
        let delta: String = piece.iter().collect();
        b.push(
            "response.function_call_arguments.delta",
            json!({"item_id": id, "output_index": 1, "delta": delta}),
            true,
        );
    }
    b.push(
        "response.function_call_arguments.done",
        json!({"item_id": id, "output_index": 1, "arguments": args}),
        false,
    );
    b.push(
        "response.output_item.done",
        json!({"output_index": 1, "item": call}),
        false,
    );
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
mod tests;

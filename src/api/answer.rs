//! Answer events out of wire events: the one place the protocol's assembly rules live
//! (spec §4 items 8–10, §8 "text outside the deltas").
//!
//! Owns: turning typed stream events into what a consumer shows — text *appended*
//! (always the difference against everything already handed out, whether the text came
//! from deltas, `output_text.done`, `output_item.done` or only the terminal response's
//! `output`), structured parts (analysis, refusals, function calls, items of kinds this
//! client does not know), and exactly one ending with usage and error. The app and
//! `mavera-tui ask` consume these events and nothing else, so neither re-implements the
//! protocol. Does not own: reading the network (`stream`, `answer_stream`), sanitising
//! (the consumer does that where text enters its state) or showing anything.
#![deny(clippy::indexing_slicing)]

use serde_json::Value;

use super::error::ApiError;
use super::events::StreamEvent;
use super::wire::{OutputItem, ResponseObject, Usage};

/// What one request produced, in order. A run ends with exactly one `Ended`.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerEvent {
    /// The request failed before any output and will be tried again after `wait_ms`.
    Retrying {
        wait_ms: u64,
        attempt: u32,
        reason: String,
    },
    /// The server accepted the request; the answer follows.
    Opened,
    /// Text to append to the answer (raw: the consumer sanitises).
    Text(String),
    /// A part of the answer that is not running text.
    Part(AnswerPart),
    Ended(Ending),
}

/// Structured content of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerPart {
    /// `analysis_mode` results, as the server sent them (partly documented: any keys).
    Analysis(Value),
    /// The model declined; the text says why.
    Refusal(String),
    /// A function tool call with its (JSON-encoded) arguments.
    FunctionCall {
        call_id: String,
        name: String,
        arguments: String,
    },
    /// An output item of a kind this client does not show yet (kept, never dropped).
    Other { kind: String, item: Value },
}

/// How an answer ended, with what the terminal event reported.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ending {
    pub outcome: Outcome,
    pub usage: Option<Usage>,
    pub response_id: Option<String>,
}

/// The kinds of ending.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Outcome {
    #[default]
    Completed,
    /// The server stopped early on purpose (`max_output_tokens`, content filter, ...).
    Incomplete { reason: String },
    /// The request failed; no answer text arrived.
    Failed(ApiError),
    /// The stream ended (or broke) after some text and before any terminal event: the
    /// text so far is kept.
    Interrupted(ApiError),
}

/// One output item's text as handed out so far.
#[derive(Debug, Default)]
struct ItemText {
    id: Option<String>,
    seen: String,
}

/// Assembles one answer. Feed it stream events in order; it answers with the events a
/// consumer should apply. Pure: no I/O, no clock.
#[derive(Debug, Default)]
pub struct Assembler {
    /// Message items in the order their text first appeared.
    items: Vec<ItemText>,
    response_id: Option<String>,
    /// Whether any text has been handed out (decides failed vs interrupted).
    said_anything: bool,
    ended: bool,
}

impl Assembler {
    /// Whether the answer has ended: nothing more is handed out.
    pub fn ended(&self) -> bool {
        self.ended
    }

    /// Applies one stream event, appending what it means to `out`.
    pub fn apply(&mut self, event: StreamEvent, out: &mut Vec<AnswerEvent>) {
        if self.ended {
            return;
        }
        match event {
            StreamEvent::Created { response_id } if !response_id.is_empty() => {
                self.response_id = Some(response_id);
            }
            StreamEvent::TextDelta { item_id, delta, .. } => {
                let index = self.item(item_id.as_deref(), out);
                self.append(index, &delta, out);
            }
            StreamEvent::TextDone { item_id, text } => self.settle(item_id.as_deref(), &text, out),
            StreamEvent::OutputItemDone { item, .. } => self.item_done(&item, out),
            StreamEvent::Completed(r) => self.end(r, Outcome::Completed, out),
            StreamEvent::Incomplete(r) => {
                let reason = r
                    .incomplete_details
                    .as_ref()
                    .map(|d| d.reason.clone())
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| "unknown reason".into());
                self.end(r, Outcome::Incomplete { reason }, out);
            }
            StreamEvent::Failed(r) => {
                let err = ApiError::from_stream(r.error.clone());
                self.end(r, Outcome::Failed(err), out);
            }
            StreamEvent::Error(body) => {
                let err = ApiError::from_stream(Some(body));
                self.finish(Outcome::Failed(err), None, out);
            }
            // `[DONE]` without a terminal event: the server finished its way; usage unknown.
            StreamEvent::Done => self.finish(Outcome::Completed, None, out),
            _ => {}
        }
    }

    /// The request could not be made, or the stream broke or ended before a terminal
    /// event. Before any text that is a failure; after some, an interruption that keeps
    /// the text.
    pub fn interrupt(&mut self, err: ApiError, out: &mut Vec<AnswerEvent>) {
        let outcome = if self.said_anything {
            Outcome::Interrupted(err)
        } else {
            Outcome::Failed(err)
        };
        self.finish(outcome, None, out);
    }

    /// The index of the item text belongs to, starting a new paragraph for a new item.
    fn item(&mut self, id: Option<&str>, out: &mut Vec<AnswerEvent>) -> usize {
        let last = self.items.len().checked_sub(1);
        match (id, last) {
            (Some(id), _) => {
                if let Some(i) = self.items.iter().position(|t| t.id.as_deref() == Some(id)) {
                    return i;
                }
                // Text that arrived without ids (some servers omit them) belongs to the
                // first item that is named.
                if let Some((i, t)) = last.zip(self.items.last_mut()).filter(|(_, t)| t.id.is_none()) {
                    t.id = Some(id.to_owned());
                    return i;
                }
            }
            // Text without an id belongs to the item on hand.
            (None, Some(i)) => return i,
            (None, None) => {}
        }
        if self.said_anything {
            self.emit("\n\n", out);
        }
        self.items.push(ItemText {
            id: id.map(str::to_owned),
            seen: String::new(),
        });
        self.items.len() - 1
    }

    fn append(&mut self, index: usize, text: &str, out: &mut Vec<AnswerEvent>) {
        if text.is_empty() {
            return;
        }
        if let Some(item) = self.items.get_mut(index) {
            item.seen.push_str(text);
        }
        self.emit(text, out);
    }

    fn emit(&mut self, text: &str, out: &mut Vec<AnswerEvent>) {
        self.said_anything = true;
        // One event per piece the server sent: consumers count them for tokens/s.
        out.push(AnswerEvent::Text(text.to_owned()));
    }

    /// An item's whole text is known: hand out what was not seen yet.
    fn settle(&mut self, id: Option<&str>, full: &str, out: &mut Vec<AnswerEvent>) {
        if full.is_empty() {
            return;
        }
        let index = self.item(id, out);
        let seen = self.items.get(index).map(|t| t.seen.as_str()).unwrap_or_default();
        match full.strip_prefix(seen) {
            Some(rest) => {
                let rest = rest.to_owned();
                self.append(index, &rest, out);
            }
            None => tracing::warn!(
                seen = seen.len(),
                full = full.len(),
                "the final text differs from the streamed text; keeping what was shown"
            ),
        }
    }

    fn item_done(&mut self, item: &OutputItem, out: &mut Vec<AnswerEvent>) {
        match item.kind.as_str() {
            "message" => {
                let text = item.text();
                self.settle(item.id.as_deref(), &text, out);
                for refusal in item.refusals() {
                    out.push(AnswerEvent::Part(AnswerPart::Refusal(refusal)));
                }
            }
            "function_call" => out.push(AnswerEvent::Part(AnswerPart::FunctionCall {
                call_id: item.extra_str("call_id"),
                name: item.extra_str("name"),
                arguments: item.extra_str("arguments"),
            })),
            // Reasoning summaries are the model's notes, not the answer.
            "reasoning" => {}
            kind => out.push(AnswerEvent::Part(AnswerPart::Other {
                kind: kind.to_owned(),
                item: serde_json::to_value(item).unwrap_or(Value::Null),
            })),
        }
    }

    /// The terminal event: fill in what its `output` has that was not handed out yet
    /// (only items already seen, or everything when nothing was), then end.
    fn end(&mut self, response: ResponseObject, outcome: Outcome, out: &mut Vec<AnswerEvent>) {
        let fresh = !self.said_anything && self.items.is_empty();
        for item in &response.output {
            let known = item
                .id
                .as_deref()
                .is_some_and(|id| self.items.iter().any(|t| t.id.as_deref() == Some(id)));
            if item.kind == "message" && (fresh || known) {
                self.settle(item.id.as_deref(), &item.text(), out);
            } else if fresh {
                self.item_done(item, out);
            }
        }
        if let Some(analysis) = response.analysis.clone() {
            out.push(AnswerEvent::Part(AnswerPart::Analysis(analysis)));
        }
        if self.response_id.is_none() && !response.id.is_empty() {
            self.response_id = Some(response.id.clone());
        }
        self.finish(outcome, response.usage, out);
    }

    fn finish(&mut self, outcome: Outcome, usage: Option<Usage>, out: &mut Vec<AnswerEvent>) {
        if self.ended {
            return;
        }
        self.ended = true;
        out.push(AnswerEvent::Ended(Ending {
            outcome,
            usage,
            response_id: self.response_id.clone(),
        }));
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    reason = "a test that indexes out of range fails, as it should"
)]
mod tests;

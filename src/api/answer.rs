//! Answer events out of wire events: the one place the protocol's assembly rules live
//! (spec §4 items 8–10, §8 "text outside the deltas").
//!
//! Owns: turning typed stream events into what a consumer shows — text *appended*
//! (always the difference against everything already handed out, whether the text came
//! from deltas, `output_text.done`, `content_part.done`, `output_item.done` or only the
//! terminal response's `output`), one correction with the whole text when a final text
//! is not an extension of what streamed (the final text is trusted), structured parts
//! each handed out once (analysis, refusals — streamed or as content parts — function
//! calls, whose arguments also stream as they arrive (`calls`), and output items or
//! content parts of kinds this client does not know), and
//! exactly one ending with usage and error. The app and `mavera-tui ask` consume these
//! events and nothing else, so neither re-implements the protocol. Does not own: reading the network (`stream`, `answer_stream`), sanitising
//! (the consumer does that where text enters its state) or showing anything.
#![deny(clippy::indexing_slicing)]

use std::collections::BTreeMap;

use serde_json::Value;

mod calls;
pub mod part;

pub use part::AnswerPart;

use super::error::ApiError;
use super::events::StreamEvent;
use super::retry::RateLimitStatus;
use super::wire::{ContentPart, OutputItem, ResponseObject, Usage};

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
    /// A piece of a function call's arguments as they stream (raw): the call `slot` (the
    /// answer's calls numbered in the order they began) grows by `delta`; `call_id` and
    /// `name` as known so far (empty when not yet). The call ends with its
    /// `Part(FunctionCall)`, or, when the answer ends first, a `function_call` part of
    /// status `incomplete`. Consumers fold it with `part::stream_call`.
    CallArguments {
        slot: usize,
        call_id: String,
        name: String,
        delta: String,
    },
    Ended(Ending),
}

/// How an answer ended, with what the terminal event reported.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ending {
    pub outcome: Outcome,
    pub usage: Option<Usage>,
    pub response_id: Option<String>,
    /// The rate-limit window as the server's latest reply described it, when the answer
    /// ended (`X-RateLimit-*`; `None` when no reply carried them). Not the assembler's to
    /// know: `answer_stream` fills it in from the client.
    pub rate_limit: Option<RateLimitStatus>,
    /// Where a replaying simulator said the answer came from (`None`: not a replay).
    /// Filled in by `answer_stream` from the reply's header, as `rate_limit` is.
    pub origin: Option<crate::recording::ReplyOrigin>,
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

/// One message item's text.
#[derive(Debug, Default)]
struct ItemText {
    id: Option<String>,
    /// The item's text as best known: what was handed out, or the server's final text
    /// when that differed.
    text: String,
    /// Whole texts of the item's finished content parts, by content index.
    finals: BTreeMap<u64, String>,
}

/// Assembles one answer. Feed it stream events in order; it answers with the events a
/// consumer should apply. Pure: no I/O, no clock.
///
/// Text is handed out as appends; separate message items become paragraphs. A final
/// text (a content part's, an item's, or the terminal response's) adds what had not
/// been seen; one that is not an extension of what was seen replaces that item's text,
/// and the whole answer is then handed out once more as `AnswerPart::Corrected` before
/// the ending. Refusals, calls and unknown kinds are handed out once each, however many
/// events repeat them.
#[derive(Debug, Default)]
pub struct Assembler {
    /// Message items in the order their text first appeared.
    items: Vec<ItemText>,
    /// Streamed refusal text not handed out yet, per item.
    refusing: Vec<(Option<String>, String)>,
    /// What was handed out as parts, so repeats (`output_item.done`, then the terminal
    /// output) are not handed out twice.
    handed: Vec<String>,
    /// The answer's function calls, streaming or finished.
    calls: calls::Calls,
    response_id: Option<String>,
    /// Whether anything (text or a part) has been handed out: decides failed vs
    /// interrupted.
    said_anything: bool,
    /// Whether the text handed out differs from the items' text: a correction is due.
    diverged: bool,
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
        let before = out.len();
        self.step(event, out);
        // A call's arguments, or its final part, are output too (decides failed vs
        // interrupted).
        self.said_anything |= out
            .iter()
            .skip(before)
            .any(|e| matches!(e, AnswerEvent::CallArguments { .. } | AnswerEvent::Part(_)));
    }

    fn step(&mut self, event: StreamEvent, out: &mut Vec<AnswerEvent>) {
        match event {
            StreamEvent::Created { response_id } if !response_id.is_empty() => {
                self.response_id = Some(response_id);
            }
            StreamEvent::TextDelta { item_id, delta, .. } if !delta.is_empty() => {
                let index = self.item(item_id.as_deref());
                self.add(index, &delta, out);
            }
            StreamEvent::TextDone {
                item_id,
                content_index,
                text,
            } => self.settle_part(item_id.as_deref(), content_index, text, out),
            StreamEvent::ContentPartDone {
                item_id,
                content_index,
                part,
            } => {
                if part.is_text() {
                    let text = part.text.unwrap_or_default();
                    self.settle_part(item_id.as_deref(), content_index, text, out);
                } else {
                    self.part_done(item_id.as_deref(), &part, out);
                }
            }
            StreamEvent::RefusalDelta { item_id, delta } => {
                match self.refusing.iter_mut().find(|(id, _)| *id == item_id) {
                    Some((_, text)) => text.push_str(&delta),
                    None => self.refusing.push((item_id, delta)),
                }
            }
            StreamEvent::RefusalDone { item_id, refusal } => self.refusal(item_id.as_deref(), refusal, out),
            StreamEvent::OutputItemAdded { item, .. } if item.kind == "function_call" => {
                self.calls.added(&item, out);
            }
            StreamEvent::FunctionArgumentsDelta { item_id, delta } if !delta.is_empty() => {
                self.calls.delta(item_id.as_deref(), delta, out);
            }
            StreamEvent::FunctionArgumentsDone { item_id, arguments } => {
                self.calls.arguments_done(item_id.as_deref(), arguments, out);
            }
            StreamEvent::OutputItemDone { item, .. } => self.item_done(&item, true, out),
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
    /// event. Before any output that is a failure; after some, an interruption that
    /// keeps it.
    pub fn interrupt(&mut self, err: ApiError, out: &mut Vec<AnswerEvent>) {
        // A refusal that was streaming counts as output too.
        let outcome = if self.said_anything || !self.refusing.is_empty() {
            Outcome::Interrupted(err)
        } else {
            Outcome::Failed(err)
        };
        self.finish(outcome, None, out);
    }

    /// The index of the item text belongs to (a new item when it is the first text of
    /// one).
    fn item(&mut self, id: Option<&str>) -> usize {
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
        self.items.push(ItemText {
            id: id.map(str::to_owned),
            ..ItemText::default()
        });
        self.items.len() - 1
    }

    /// Appends text to item `index`, handing it out when it extends what was handed
    /// out (the item is the last with text); a new item's first text starts a paragraph.
    fn add(&mut self, index: usize, text: &str, out: &mut Vec<AnswerEvent>) {
        if text.is_empty() {
            return;
        }
        let later_text = self.items.iter().skip(index + 1).any(|t| !t.text.is_empty());
        let earlier_text = self.items.iter().take(index).any(|t| !t.text.is_empty());
        let Some(item) = self.items.get_mut(index) else {
            return;
        };
        let first = item.text.is_empty();
        item.text.push_str(text);
        if later_text {
            // Text for an earlier paragraph: it cannot be appended; the correction says it.
            self.diverged = true;
            return;
        }
        if first && earlier_text {
            self.emit("\n\n", out);
        }
        self.emit(text, out);
    }

    fn emit(&mut self, text: &str, out: &mut Vec<AnswerEvent>) {
        self.said_anything = true;
        // One event per piece the server sent: consumers count them for tokens/s.
        out.push(AnswerEvent::Text(text.to_owned()));
    }

    /// A whole item's final text: hand out what was not seen; trust it where it differs.
    fn settle_item(&mut self, id: Option<&str>, full: &str, out: &mut Vec<AnswerEvent>) {
        if full.is_empty() {
            return;
        }
        let index = self.item(id);
        let seen = self.items.get(index).map(|t| t.text.as_str()).unwrap_or_default();
        match full.strip_prefix(seen) {
            Some(rest) => {
                let rest = rest.to_owned();
                self.add(index, &rest, out);
            }
            None => self.correct(index, full.to_owned()),
        }
    }

    /// One content part's final text. The item's text is its parts' texts in order, so
    /// a part's final is checked against what was seen only when every part before it is
    /// known; a final that is a prefix of what was seen (later parts already streaming)
    /// changes nothing.
    fn settle_part(
        &mut self,
        id: Option<&str>,
        index: Option<u64>,
        full: String,
        out: &mut Vec<AnswerEvent>,
    ) {
        if full.is_empty() {
            return;
        }
        let at = self.item(id);
        let Some(item) = self.items.get_mut(at) else {
            return;
        };
        item.finals.insert(index.unwrap_or(0), full);
        let contiguous = item.finals.keys().enumerate().all(|(i, k)| *k == i as u64);
        let candidate: String = item.finals.values().map(String::as_str).collect();
        match candidate.strip_prefix(item.text.as_str()) {
            Some(rest) => {
                let rest = rest.to_owned();
                self.add(at, &rest, out);
            }
            None if contiguous && !item.text.starts_with(&candidate) => self.correct(at, candidate),
            None => {}
        }
    }

    /// The server's final text of item `index` is not what was handed out: trust it.
    fn correct(&mut self, index: usize, full: String) {
        if let Some(item) = self.items.get_mut(index) {
            tracing::warn!(
                seen = item.text.len(),
                full = full.len(),
                "the final text differs from the streamed text; the final text is kept"
            );
            item.text = full;
            self.diverged = true;
        }
    }

    /// Hands out a part once: `key` names it among what was handed out.
    fn hand(&mut self, key: String, part: AnswerPart, out: &mut Vec<AnswerEvent>) {
        if self.handed.contains(&key) {
            return;
        }
        self.handed.push(key);
        self.said_anything = true;
        out.push(AnswerEvent::Part(part));
    }

    /// A refusal of item `id`: the given reason, else what streamed of it.
    fn refusal(&mut self, id: Option<&str>, reason: String, out: &mut Vec<AnswerEvent>) {
        let streamed = self
            .refusing
            .iter()
            .position(|(i, _)| i.as_deref() == id)
            .map(|at| self.refusing.remove(at).1);
        let reason = if reason.is_empty() {
            streamed.unwrap_or_default()
        } else {
            reason
        };
        let key = format!("refusal:{}:{reason}", id.unwrap_or_default());
        self.hand(key, AnswerPart::Refusal(reason), out);
    }

    /// A content part that is not text: a refusal, or a kind this client does not know.
    fn part_done(&mut self, item_id: Option<&str>, part: &ContentPart, out: &mut Vec<AnswerEvent>) {
        if let Some(reason) = part.refusal() {
            return self.refusal(item_id, reason, out);
        }
        let value = serde_json::to_value(part).unwrap_or(Value::Null);
        let key = format!("part:{}:{value}", item_id.unwrap_or_default());
        let kind = if part.kind.is_empty() {
            "unknown part".to_owned()
        } else {
            part.kind.clone()
        };
        self.hand(key, AnswerPart::Other { kind, item: value }, out);
    }

    /// A whole output item. A message's text is settled unless it comes from the
    /// terminal output of an answer whose streamed text belongs to other items.
    fn item_done(&mut self, item: &OutputItem, settle: bool, out: &mut Vec<AnswerEvent>) {
        let id = item.id.as_deref();
        let key = |kind: &str| match id {
            Some(id) => format!("{kind}:{id}"),
            None => format!("{kind}:{}", serde_json::to_value(item).unwrap_or(Value::Null)),
        };
        match item.kind.as_str() {
            "message" => {
                if settle {
                    self.settle_item(id, &item.text(), out);
                }
                for part in item.content.iter().filter(|p| !p.is_text()) {
                    self.part_done(id, part, out);
                }
            }
            "function_call" => self.calls.item_done(item, out),
            // Reasoning summaries are the model's notes, not the answer.
            "reasoning" => {}
            // `output_item.done` without a readable item: nothing to keep.
            "" if id.is_none() && item.content.is_empty() && item.extra.is_empty() => {}
            kind => {
                let kind = if kind.is_empty() { "unknown item" } else { kind };
                let value = serde_json::to_value(item).unwrap_or(Value::Null);
                let part = AnswerPart::Other {
                    kind: kind.to_owned(),
                    item: value,
                };
                self.hand(key("item"), part, out);
            }
        }
    }

    /// The terminal event: fill in what its `output` has that was not handed out yet,
    /// then end. A message's text counts when the item was seen, or when no text was
    /// (an unseen item's text would repeat streamed text under another id).
    fn end(&mut self, response: ResponseObject, outcome: Outcome, out: &mut Vec<AnswerEvent>) {
        let fresh = self.items.iter().all(|t| t.text.is_empty());
        for item in &response.output {
            let known = item
                .id
                .as_deref()
                .is_some_and(|id| self.items.iter().any(|t| t.id.as_deref() == Some(id)));
            self.item_done(item, fresh || known, out);
        }
        if let Some(analysis) = response.analysis.clone().filter(|a| !a.is_null()) {
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
        // A call that began and never finished is shown as it stood.
        self.calls.abandon(out);
        // A refusal that streamed but was never finished is still a refusal.
        for (id, reason) in std::mem::take(&mut self.refusing) {
            let key = format!("refusal:{}:{reason}", id.as_deref().unwrap_or_default());
            self.hand(key, AnswerPart::Refusal(reason), out);
        }
        if self.diverged {
            let whole: Vec<&str> = self
                .items
                .iter()
                .map(|t| t.text.as_str())
                .filter(|t| !t.is_empty())
                .collect();
            out.push(AnswerEvent::Part(AnswerPart::Corrected(whole.join("\n\n"))));
        }
        self.ended = true;
        out.push(AnswerEvent::Ended(Ending {
            outcome,
            usage,
            response_id: self.response_id.clone(),
            rate_limit: None,
            origin: None,
        }));
    }
}

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    reason = "a test that indexes out of range fails, as it should"
)]
mod tests;

#[cfg(test)]
#[allow(
    clippy::indexing_slicing,
    reason = "a test that indexes out of range fails, as it should"
)]
mod call_tests;

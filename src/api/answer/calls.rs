//! Function calls of one answer, as they stream and when they end (spec §4 items 6–7).
//!
//! Owns: following each call from `response.output_item.added` (its name and call id)
//! through `response.function_call_arguments.delta` (each piece handed out at once as
//! `AnswerEvent::CallArguments`, numbered by the order the calls began) to its end —
//! `function_call_arguments.done` when the name is known, else `output_item.done` or the
//! terminal output — handed out once as `AnswerPart::FunctionCall`, the final fields
//! trusted over what streamed; a server that sends only the finished item gets the same
//! final part with nothing streamed before it. A call that began but never ended when
//! the answer ends is handed out as an unknown part (`function_call`, status
//! `incomplete`): it cannot be answered. Does not own: the rest of the assembly
//! (`answer`), sanitising (the consumer) or drawing.

use serde_json::Value;

use super::{AnswerEvent, AnswerPart};
use crate::api::wire::OutputItem;

/// One function call of the answer.
#[derive(Debug, Default)]
struct Call {
    /// The output item's id, once known.
    item_id: Option<String>,
    call_id: String,
    name: String,
    /// The arguments as streamed so far (or the final ones once known).
    arguments: String,
    /// Its final part was handed out.
    finished: bool,
    /// The finished item as JSON, when it came without any id: what a repeat of it (the
    /// terminal output after `output_item.done`) is known by.
    fingerprint: Option<String>,
}

/// The answer's calls, in the order they began (the index is the call's `slot`).
#[derive(Debug, Default)]
pub(super) struct Calls {
    calls: Vec<Call>,
}

impl Calls {
    /// `output_item.added` of a function call: the card can show its name at once.
    pub(super) fn added(&mut self, item: &OutputItem, out: &mut Vec<AnswerEvent>) {
        let slot = self.slot(item.id.as_deref());
        let Some(call) = self.calls.get_mut(slot) else {
            return;
        };
        take(&mut call.call_id, item.extra_str("call_id"));
        take(&mut call.name, item.extra_str("name"));
        let delta = item.extra_str("arguments");
        call.arguments.push_str(&delta);
        out.push(progress(slot, call, delta));
    }

    /// A piece of a call's arguments.
    pub(super) fn delta(&mut self, item_id: Option<&str>, delta: String, out: &mut Vec<AnswerEvent>) {
        let slot = self.slot(item_id);
        let Some(call) = self.calls.get_mut(slot).filter(|c| !c.finished) else {
            return;
        };
        call.arguments.push_str(&delta);
        out.push(progress(slot, call, delta));
    }

    /// `function_call_arguments.done`: the whole arguments. The call ends here when its
    /// name and call id are known; otherwise it waits for its item.
    pub(super) fn arguments_done(
        &mut self,
        item_id: Option<&str>,
        arguments: String,
        out: &mut Vec<AnswerEvent>,
    ) {
        let slot = self.slot(item_id);
        let Some(call) = self.calls.get_mut(slot).filter(|c| !c.finished) else {
            return;
        };
        if !arguments.is_empty() {
            call.arguments = arguments;
        }
        if !call.name.is_empty() && !call.call_id.is_empty() {
            out.push(finish(call));
        }
    }

    /// A finished `function_call` item (`output_item.done` or the terminal output): the
    /// call's final part, unless it was handed out already.
    pub(super) fn item_done(&mut self, item: &OutputItem, out: &mut Vec<AnswerEvent>) {
        let call_id = item.extra_str("call_id");
        let fingerprint = item
            .id
            .is_none()
            .then(|| serde_json::to_value(item).unwrap_or(Value::Null).to_string());
        let known = self.calls.iter().position(|c| match (&item.id, &c.item_id) {
            (Some(a), Some(b)) => a == b,
            _ if !call_id.is_empty() && c.call_id == call_id => true,
            _ => fingerprint.is_some() && c.fingerprint == fingerprint,
        });
        // Else it finishes the call streaming without an id, if one is.
        let known = known.or_else(|| {
            self.calls.iter().position(|c| {
                !c.finished && c.item_id.is_none() && (c.call_id.is_empty() || c.call_id == call_id)
            })
        });
        let slot = match known {
            Some(slot) => slot,
            None => {
                self.calls.push(Call::default());
                self.calls.len() - 1
            }
        };
        let Some(call) = self.calls.get_mut(slot).filter(|c| !c.finished) else {
            return;
        };
        take(&mut call.call_id, call_id);
        take(&mut call.name, item.extra_str("name"));
        let arguments = item.extra_str("arguments");
        if !arguments.is_empty() {
            call.arguments = arguments;
        }
        if call.item_id.is_none() {
            call.item_id = item.id.clone();
        }
        call.fingerprint = fingerprint;
        out.push(finish(call));
    }

    /// The answer ends: calls that began and never finished are handed out as they
    /// stood, as parts of a kind nobody answers.
    pub(super) fn abandon(&mut self, out: &mut Vec<AnswerEvent>) {
        for call in self.calls.iter_mut().filter(|c| !c.finished) {
            call.finished = true;
            let part = AnswerPart::unfinished(&call.call_id, &call.name, &call.arguments);
            out.push(AnswerEvent::Part(part));
        }
    }

    /// The slot of the call an event with `item_id` belongs to (a new one when it is
    /// the first word of a call). Without an id: the call on hand.
    fn slot(&mut self, item_id: Option<&str>) -> usize {
        let open = self.calls.iter().rposition(|c| !c.finished);
        let found = match item_id {
            Some(id) => self
                .calls
                .iter()
                .position(|c| c.item_id.as_deref() == Some(id))
                .or_else(|| {
                    // A call that began without an id takes the first one named.
                    let slot = open.filter(|s| self.calls.get(*s).is_some_and(|c| c.item_id.is_none()))?;
                    if let Some(c) = self.calls.get_mut(slot) {
                        c.item_id = Some(id.to_owned());
                    }
                    Some(slot)
                }),
            None => open,
        };
        found.unwrap_or_else(|| {
            self.calls.push(Call {
                item_id: item_id.map(str::to_owned),
                ..Call::default()
            });
            self.calls.len() - 1
        })
    }
}

/// Keeps `value` in `field` unless it is empty (a later event that omits a field does
/// not erase it).
fn take(field: &mut String, value: String) {
    if !value.is_empty() {
        *field = value;
    }
}

fn progress(slot: usize, call: &Call, delta: String) -> AnswerEvent {
    AnswerEvent::CallArguments {
        slot,
        call_id: call.call_id.clone(),
        name: call.name.clone(),
        delta,
    }
}

fn finish(call: &mut Call) -> AnswerEvent {
    call.finished = true;
    AnswerEvent::Part(AnswerPart::FunctionCall {
        call_id: call.call_id.clone(),
        name: call.name.clone(),
        arguments: call.arguments.clone(),
    })
}

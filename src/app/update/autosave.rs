//! Autosave: what the reducer hands the history store, and when.
//!
//! Owns: the rules. Every prompt is stored when it is sent (a thread's first prompt also
//! begins the thread in the store, with whatever the thread already held: an imported
//! conversation); an answer when it ends, however it ends (completed, stopped, failed,
//! interrupted, refused, or cut short by quitting), with its status, usage, credits and
//! response id; and while it streams, a checkpoint of the text so far at most once per
//! `CHECKPOINT_MS` — on the batch that makes one due, or on the next tick when text
//! stops arriving — so an app killed mid-answer loses at most about the last second of
//! it. A prompt sent to several threads side by side records them as a comparison, once
//! for the same columns. Messages are addressed by their place in the thread: a
//! regenerated answer takes the place of the one it replaces (which stays stored until
//! the new one has text). Nothing is emitted while the history is off.
//! Does not own: the database or its task (`crate::history`), how a message becomes a
//! record (`app::stored`), or which thread is which (`app::history`).

use crate::app::effect::{Effect, Effects};
use crate::app::event::{HistoryNews, Millis, RequestId};
use crate::app::state::{AppState, Severity};
use crate::app::stored::record;
use crate::app::thread::Author;
use crate::history::op::title;
use crate::history::{NewThread, Status, StoreKey, StoreOp};
use crate::sanitize::clean_line;

use super::notice::notify;

/// Shortest time between two checkpoints of one streaming answer.
pub const CHECKPOINT_MS: Millis = 1000;

/// Where an answer is: its thread and its place in it. Taken before a batch of its events
/// is applied, since a regenerated answer changes its message id but never its place.
pub(super) struct Place {
    key: String,
    seq: usize,
}

/// The place of request `id`'s answer.
pub(super) fn place(state: &AppState, id: RequestId) -> Option<Place> {
    let stream = state.streams.get(&id)?;
    let seq = state
        .threads
        .get(&stream.persona_id)?
        .messages
        .iter()
        .rposition(|m| m.id == stream.message_id)?;
    Some(Place {
        key: stream.persona_id.clone(),
        seq,
    })
}

/// Prompts were just appended to the threads `keys` (one each): store them.
pub(super) fn sent(state: &mut AppState, keys: &[String], prompt: &str, fx: &mut Effects) {
    if !state.history.on {
        return;
    }
    for key in keys {
        let Some(last) = state
            .threads
            .get(key)
            .and_then(|t| t.messages.len().checked_sub(1))
        else {
            continue;
        };
        if !state.history.threads.contains_key(key) {
            begin(state, key, last, fx);
        }
        store_at(state, key, last, fx);
    }
    if keys.len() < 2 {
        return;
    }
    let columns: Vec<StoreKey> = keys
        .iter()
        .filter_map(|k| state.history.threads.get(k).copied())
        .collect();
    if columns.len() >= 2 && state.history.comparison.as_ref() != Some(&columns) {
        let key = state.next_id();
        fx.push(Effect::Store(StoreOp::Comparison {
            key,
            title: title(prompt),
            threads: columns.clone(),
        }));
        state.history.comparison = Some(columns);
    }
}

/// Begins thread `key` in the store, with its messages before `upto`.
fn begin(state: &mut AppState, key: &str, upto: usize, fx: &mut Effects) {
    let n = state.next_id();
    let first = state
        .threads
        .get(key)
        .and_then(|t| t.messages.iter().find(|m| m.author == Author::User))
        .map(|m| title(&m.text))
        .unwrap_or_default();
    let persona_name = state.persona_label(key);
    fx.push(Effect::Store(StoreOp::Thread(NewThread {
        key: n,
        persona_id: key.to_owned(),
        persona_name,
        title: first,
        instructions: state.threads.get(key).and_then(|t| t.instructions.clone()),
    })));
    state.history.threads.insert(key.to_owned(), StoreKey::Session(n));
    for seq in 0..upto {
        store_at(state, key, seq, fx);
    }
}

/// After a batch of request `id`'s events: an answer that ended is stored as it now
/// stands at its place (the new answer, or the old one put back); one still streaming is
/// checkpointed when due.
pub(super) fn answered(state: &mut AppState, id: RequestId, place: Option<Place>, fx: &mut Effects) {
    if !state.history.on {
        return;
    }
    if state.streams.contains_key(&id) {
        checkpoint(state, id, fx);
    } else if let Some(Place { key, seq }) = place {
        store_at(state, &key, seq, fx);
    }
}

/// Time passed: checkpoints whatever text has waited long enough.
pub(super) fn tick(state: &mut AppState, fx: &mut Effects) {
    if !state.history.on {
        return;
    }
    let mut ids: Vec<RequestId> = state.streams.keys().copied().collect();
    ids.sort();
    for id in ids {
        checkpoint(state, id, fx);
    }
}

/// Stores request `id`'s text so far, if some arrived since the last checkpoint and that
/// was `CHECKPOINT_MS` ago or more.
fn checkpoint(state: &mut AppState, id: RequestId, fx: &mut Effects) {
    let now = state.now;
    let Some(stream) = state.streams.get(&id) else {
        return;
    };
    let due = stream.unsaved()
        && stream.replacing.is_none()
        && stream
            .saved
            .is_none_or(|(at, _)| now.saturating_sub(at) >= CHECKPOINT_MS);
    if !due {
        return;
    }
    let (key, message_id, deltas) = (stream.persona_id.clone(), stream.message_id, stream.deltas);
    stored(state, &key, message_id, fx);
    if let Some(stream) = state.streams.get_mut(&id) {
        stream.saved = Some((now, deltas));
    }
}

/// Stores message `message_id` of thread `key` as it now stands (a stopped answer, or
/// the answer a stopped regeneration put back).
pub(super) fn stored(state: &AppState, key: &str, message_id: u64, fx: &mut Effects) {
    if !state.history.on {
        return;
    }
    if let Some(seq) = state
        .threads
        .get(key)
        .and_then(|t| t.messages.iter().rposition(|m| m.id == message_id))
    {
        store_at(state, key, seq, fx);
    }
}

/// The app quits with answers streaming: each is stored as far as it got, stopped. (An
/// answer regenerating with nothing new yet leaves the stored one as it is.)
pub(super) fn quitting(state: &AppState, fx: &mut Effects) {
    if !state.history.on {
        return;
    }
    let mut ids: Vec<&RequestId> = state.streams.keys().collect();
    ids.sort();
    for stream in ids.into_iter().filter_map(|id| state.streams.get(id)) {
        let thread = state.history.threads.get(&stream.persona_id);
        let found = state.threads.get(&stream.persona_id).and_then(|t| {
            let seq = t.messages.iter().rposition(|m| m.id == stream.message_id)?;
            Some((seq, t.messages.get(seq)?))
        });
        let (Some(&thread), Some((seq, message)), None) = (thread, found, &stream.replacing) else {
            continue;
        };
        let mut message = record(message);
        if message.status == Status::Streaming {
            message.status = Status::Stopped;
        }
        fx.push(Effect::Store(StoreOp::Message {
            thread,
            seq: u32::try_from(seq).unwrap_or(u32::MAX),
            message,
        }));
    }
}

/// Message `seq` of thread `key`, to the store, if the thread is stored.
fn store_at(state: &AppState, key: &str, seq: usize, fx: &mut Effects) {
    let (Some(&thread), Some(message)) = (
        state.history.threads.get(key),
        state.threads.get(key).and_then(|t| t.messages.get(seq)),
    ) else {
        return;
    };
    fx.push(Effect::Store(StoreOp::Message {
        thread,
        seq: u32::try_from(seq).unwrap_or(u32::MAX),
        message: record(message),
    }));
}

/// Threads were installed (`Event::Restore`): each continues its stored row, if it came
/// from the history, else it is not stored until a prompt is sent to it.
pub(super) fn reopened(state: &mut AppState, threads: &[(String, Option<i64>)]) {
    let mut columns = Vec::new();
    for (key, stored) in threads {
        match stored {
            Some(row) => {
                state.history.threads.insert(key.clone(), StoreKey::Row(*row));
                columns.push(StoreKey::Row(*row));
            }
            None => state.history.forget(key),
        }
    }
    // A comparison reopened whole is already recorded.
    state.history.comparison = (columns.len() >= 2 && columns.len() == threads.len()).then_some(columns);
}

/// What the runtime says about the history.
pub(super) fn news(state: &mut AppState, news: HistoryNews, fx: &mut Effects) {
    match news {
        HistoryNews::On => state.history.on = true,
        HistoryNews::Off(None) => state.history.on = false,
        HistoryNews::Off(Some(why)) => {
            state.history.on = false;
            let why = clean_line(&why);
            state.history.unavailable = Some(why.clone());
            notify(
                state,
                Severity::Warning,
                format!("no history this session: {why}"),
                fx,
            );
        }
        HistoryNews::WriteFailed(why) => {
            let text = format!(
                "could not save to the history: {}; the conversation stays here, and saving is retried",
                clean_line(&why)
            );
            notify(state, Severity::Error, text, fx);
        }
    }
}

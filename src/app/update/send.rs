//! Sending, regenerating, stopping and starting over; and pasting into the composer.
//!
//! Owns: the rules for when a prompt may be sent (not empty, within the server's limit,
//! a persona picked, credits left, no answer already streaming in a target thread) — a
//! refused send keeps the composer's text. A prompt goes to every thread of
//! `send_keys` (one request each, all started at once); stop, regenerate and new-thread
//! act on `target_keys` (the focused column, else all); `cancel_all` (Ctrl+C) stops every
//! answer streaming anywhere. A regenerated answer keeps the old one on screen until it
//! has text of its own (`replace`); stopping it before then puts the old one back.
//! Does not own: transport.

use crate::api::wire::{ResponseRequest, MAX_INPUT_CHARS};
use crate::app::compare::Round;
use crate::app::effect::{Effect, Effects};
use crate::app::event::RequestId;
use crate::app::state::{ActiveStream, AppState, Severity};
use crate::app::thread::{Author, Message, MessageStatus, Thread};
use crate::catalog::PersonaEntry;

use super::notice::notify;
use super::replace;

pub(super) fn send(state: &mut AppState, fx: &mut Effects) {
    let text = state.composer_text();
    let prompt = text.trim();
    if prompt.is_empty() {
        return;
    }
    if let Some(text) = refusal(state, prompt) {
        notify(state, Severity::Warning, text, fx);
        return;
    }
    let keys = state.send_keys();
    let prompt = prompt.to_owned();
    // The attached images go with the prompt to every thread, then the chips clear.
    let images: Vec<_> = std::mem::take(&mut state.attachments)
        .iter()
        .map(crate::app::attach::part)
        .collect();
    for key in &keys {
        let id = state.next_id();
        let thread = state.threads.entry(key.clone()).or_default();
        let mut message = Message::user(id, prompt.clone());
        message.parts.clone_from(&images);
        thread.messages.push(message);
        thread.scroll = Default::default();
    }
    super::autosave::sent(state, &keys, &prompt, fx);
    state.composer.clear();
    state.notice = None;
    let fresh: Vec<_> = keys.into_iter().map(|k| (k, None)).collect();
    start_round(state, fresh, fx);
}

/// The reason `prompt` (trimmed, not empty) may not be sent to `send_keys` now, if any.
pub(super) fn refusal(state: &AppState, prompt: &str) -> Option<String> {
    if let Some(why) = super::usage::over_budget(state, state.send_keys().len()) {
        return Some(why);
    }
    let streaming = state
        .send_keys()
        .iter()
        .any(|k| state.threads.get(k).and_then(Thread::live_answer).is_some());
    if state.out_of_credits {
        Some("credits are used up: upgrade the plan or wait for the next billing cycle".to_owned())
    } else if prompt.chars().count() > MAX_INPUT_CHARS {
        Some(format!(
            "the message has {} characters; the server accepts at most {MAX_INPUT_CHARS}",
            prompt.chars().count()
        ))
    } else if !state.compare.active()
        && state.personas.selected.is_none()
        && !state.personas.entries.is_empty()
    {
        Some("pick a persona first: Tab to the list, Enter to pick (Space marks several)".to_owned())
    } else if streaming {
        Some("an answer is still streaming: Esc stops it".to_owned())
    } else {
        None
    }
}

/// Starts an answer in each thread, as one round; each may replace an old answer.
pub(super) fn start_round(state: &mut AppState, threads: Vec<(String, Option<Message>)>, fx: &mut Effects) {
    let messages: Vec<u64> = threads
        .into_iter()
        .filter_map(|(key, old)| start_answer(state, &key, old, fx))
        .collect();
    state.compare.round = Round::new(messages);
    fx.redraw();
}

/// Appends a waiting answer to thread `key` (showing `replacing`'s content until its
/// own arrives) and asks for it; returns its message id.
fn start_answer(
    state: &mut AppState,
    key: &str,
    replacing: Option<Message>,
    fx: &mut Effects,
) -> Option<u64> {
    let persona = state.personas.entries.iter().find(|p| p.id == key).cloned();
    let input = state.threads.get(key).map(crate::app::structure::input)?;
    let request = ResponseRequest::build(
        &state.connection.model,
        &state.connection.extra_body,
        persona.as_ref().map(PersonaEntry::shape),
        input,
        state.threads.get(key).and_then(|t| t.instructions.clone()),
    )
    .with_analysis_mode(state.analysis_mode)
    .with_structure(state.structure.schema(), &state.structure.tools);
    let message_id = state.next_id();
    if let Some(schema) = state.structure.active {
        state.structure.shaped.insert(message_id, schema);
    }
    let id = RequestId(state.next_id());
    state
        .threads
        .entry(key.to_owned())
        .or_default()
        .messages
        .push(replace::placeholder(message_id, replacing.as_ref()));
    state.streams.insert(
        id,
        ActiveStream {
            persona_id: key.to_owned(),
            message_id,
            started_at: state.now,
            first_token_at: None,
            last_token_at: None,
            rate: None,
            deltas: 0,
            sanitizer: Default::default(),
            replacing,
            saved: None,
        },
    );
    fx.push(Effect::StartStream { id, request });
    Some(message_id)
}

/// Stops the answers streaming in the target threads. Returns whether there were any.
pub(super) fn cancel_current(state: &mut AppState, fx: &mut Effects) -> bool {
    let keys = state.target_keys();
    cancel_in(state, &keys, fx)
}

/// Stops every answer streaming, in any thread or column. Returns whether there were any.
pub(super) fn cancel_all(state: &mut AppState, fx: &mut Effects) -> bool {
    let mut keys: Vec<String> = state.streams.values().map(|s| s.persona_id.clone()).collect();
    keys.sort();
    keys.dedup();
    cancel_in(state, &keys, fx)
}

fn cancel_in(state: &mut AppState, keys: &[String], fx: &mut Effects) -> bool {
    let mut ids: Vec<RequestId> = state
        .streams
        .iter()
        .filter(|(_, s)| keys.contains(&s.persona_id))
        .map(|(id, _)| *id)
        .collect();
    ids.sort();
    for id in &ids {
        let Some(stream) = state.streams.remove(id) else {
            continue;
        };
        fx.push(Effect::Cancel { id: *id });
        if let Some(old) = stream.replacing {
            // Stopped before it said anything: the answer it was to replace comes back.
            replace::restore(state, &stream.persona_id, stream.message_id, old);
        } else if let Some(m) = state
            .threads
            .get_mut(&stream.persona_id)
            .and_then(|t| t.message_mut(stream.message_id))
        {
            m.status = MessageStatus::Stopped;
            m.touch();
        }
        super::autosave::stored(state, &stream.persona_id, stream.message_id, fx);
    }
    let text = match ids.len() {
        0 => None,
        1 => Some("stopped; the text so far stays (Ctrl+R regenerates)".to_owned()),
        n => Some(format!(
            "stopped {n} answers; the text so far stays (Ctrl+R regenerates)"
        )),
    };
    if let Some(text) = text {
        notify(state, Severity::Info, text, fx);
    }
    !ids.is_empty()
}

/// Replaces the last answer of each target thread with a new one for the same question;
/// the old one stays on screen until the new one has text (`replace`).
pub(super) fn regenerate(state: &mut AppState, fx: &mut Effects) {
    if state.out_of_credits {
        notify(
            state,
            Severity::Warning,
            "credits are used up: nothing can be regenerated".into(),
            fx,
        );
        return;
    }
    let keys = state.target_keys();
    cancel_in(state, &keys, fx);
    let mut ready = Vec::new();
    for key in keys {
        let thread = state.threads.entry(key.clone()).or_default();
        let mut old = None;
        if thread
            .messages
            .last()
            .is_some_and(|m| m.author == Author::Assistant)
        {
            old = thread.messages.pop().filter(replace::worth_keeping);
        }
        if thread.messages.last().is_some_and(|m| m.author == Author::User) {
            thread.scroll = Default::default();
            ready.push((key, old));
        }
    }
    if ready.is_empty() {
        notify(state, Severity::Info, "nothing to regenerate yet".into(), fx);
        return;
    }
    state.notice = None;
    start_round(state, ready, fx);
}

/// Starts the target threads afresh.
pub(super) fn new_thread(state: &mut AppState, fx: &mut Effects) {
    let keys = state.target_keys();
    cancel_in(state, &keys, fx);
    for key in &keys {
        state.threads.insert(key.clone(), Thread::default());
        state.history.forget(key);
    }
    let who = if keys.len() > 1 {
        format!("{} personas", keys.len())
    } else {
        state
            .personas
            .entries
            .iter()
            .find(|p| keys.contains(&p.id))
            .map(|p| p.label().to_owned())
            .unwrap_or_else(|| "no persona".into())
    };
    notify(state, Severity::Info, format!("new thread with {who}"), fx);
}

/// Pasted text goes into the composer, newlines kept, control sequences removed whole.
pub(super) fn paste(state: &mut AppState, text: &str, fx: &mut Effects) {
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let clean = crate::sanitize::clean(&normalised);
    state.focus = crate::app::state::Focus::Composer;
    state.composer.insert_str(&clean);
    fx.redraw();
}

//! Sending, regenerating, stopping and starting over; and pasting into the composer.
//!
//! Owns: the rules for when a prompt may be sent (not empty, within the server's limit,
//! a persona picked, credits left, no answer already streaming in this thread) — a
//! refused send keeps the composer's text. Does not own: the request's transport.

use crate::app::effect::{Effect, Effects};
use crate::app::event::RequestId;
use crate::app::state::{new_composer, ActiveStream, AppState, Notice, Severity};
use crate::app::thread::{Author, Message, MessageStatus, Thread};
use crate::catalog;

/// The server's documented limit on input text, checked before any request.
pub const MAX_PROMPT_CHARS: usize = 100_000;

pub(super) fn send(state: &mut AppState, fx: &mut Effects) {
    let text = state.composer_text();
    let prompt = text.trim();
    if prompt.is_empty() {
        return;
    }
    let refusal = if state.out_of_credits {
        Some("credits are used up: upgrade the plan or wait for the next billing cycle".to_owned())
    } else if prompt.chars().count() > MAX_PROMPT_CHARS {
        Some(format!(
            "the message has {} characters; the server accepts at most {MAX_PROMPT_CHARS}",
            prompt.chars().count()
        ))
    } else if state.personas.selected.is_none() && !state.personas.entries.is_empty() {
        Some("pick a persona first: Tab to the list, Enter to pick".to_owned())
    } else if state.thread().and_then(Thread::live_answer).is_some() {
        Some("an answer is still streaming here: Esc stops it".to_owned())
    } else {
        None
    };
    if let Some(text) = refusal {
        notify(state, Severity::Warning, text, fx);
        return;
    }
    let prompt = prompt.to_owned();
    let id = state.next_id();
    let thread = state.thread_mut();
    thread.messages.push(Message {
        id,
        author: Author::User,
        text: prompt,
        status: MessageStatus::Done,
        usage: None,
        revision: 0,
    });
    thread.scroll = Default::default();
    state.composer = new_composer();
    state.notice = None;
    start_answer(state, fx);
}

/// Appends a waiting answer to the thread on screen and asks for it.
fn start_answer(state: &mut AppState, fx: &mut Effects) {
    let persona = state.personas.selected_entry().cloned();
    let input = state.thread().map(Thread::input);
    let Some(input) = input else { return };
    let request = catalog::request_parts(
        &state.connection.model,
        &state.connection.extra_body,
        persona.as_ref(),
        input,
        None,
    );
    let message_id = state.next_id();
    let id = RequestId(state.next_id());
    let persona_id = state.thread_key();
    state.thread_mut().messages.push(Message {
        id: message_id,
        author: Author::Assistant,
        text: String::new(),
        status: MessageStatus::Waiting,
        usage: None,
        revision: 0,
    });
    state.streams.insert(
        id,
        ActiveStream {
            persona_id,
            message_id,
            started_at: state.now,
            first_token_at: None,
            last_token_at: None,
            deltas: 0,
            assembly: Default::default(),
            consumed: 0,
            sanitizer: Default::default(),
        },
    );
    fx.push(Effect::StartStream { id, request });
    fx.redraw();
}

/// Stops the answer streaming on screen. Returns whether there was one.
pub(super) fn cancel_current(state: &mut AppState, fx: &mut Effects) -> bool {
    let Some((id, stream)) = state.current_stream() else {
        return false;
    };
    let message_id = stream.message_id;
    state.streams.remove(&id);
    fx.push(Effect::Cancel { id });
    if let Some(m) = state.thread_mut().message_mut(message_id) {
        m.status = MessageStatus::Stopped;
        m.touch();
    }
    notify(
        state,
        Severity::Info,
        "stopped; the text so far stays (Ctrl+R regenerates)".into(),
        fx,
    );
    true
}

/// Replaces the last answer with a new one for the same question.
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
    cancel_current(state, fx);
    let thread = state.thread_mut();
    let last_is_answer = thread
        .messages
        .last()
        .is_some_and(|m| m.author == Author::Assistant);
    if last_is_answer {
        thread.messages.pop();
    }
    if !thread.messages.last().is_some_and(|m| m.author == Author::User) {
        notify(state, Severity::Info, "nothing to regenerate yet".into(), fx);
        return;
    }
    thread.scroll = Default::default();
    state.notice = None;
    start_answer(state, fx);
}

/// Starts the thread on screen afresh.
pub(super) fn new_thread(state: &mut AppState, fx: &mut Effects) {
    cancel_current(state, fx);
    *state.thread_mut() = Thread::default();
    let who = state
        .personas
        .selected_entry()
        .map(|p| p.label().to_owned())
        .unwrap_or_else(|| "no persona".into());
    notify(state, Severity::Info, format!("new thread with {who}"), fx);
}

/// Pasted text goes into the composer, newlines kept, control characters dropped.
pub(super) fn paste(state: &mut AppState, text: &str, fx: &mut Effects) {
    let normalised = text.replace("\r\n", "\n").replace('\r', "\n");
    let clean: String = normalised
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .collect();
    state.focus = crate::app::state::Focus::Composer;
    state.composer.insert_str(clean);
    fx.redraw();
}

pub(super) fn notify(state: &mut AppState, severity: Severity, text: String, fx: &mut Effects) {
    state.notice = Some(Notice { text, severity });
    fx.redraw();
}

//! Edit and resend: stepping through earlier prompts, editing one in the composer, and
//! resending it so the thread forks there.
//!
//! Owns: the transitions of `AppState::editing` — Alt+↑ (or `e` in the conversation)
//! selects the last prompt, then earlier ones, and puts its text in the composer; Alt+↓
//! steps back towards the last, and past it stops editing; Esc stops editing and gives
//! the composer back what it held — and the resend: each thread the prompt goes to (side
//! by side: every column) keeps the messages before the edited prompt, and the new
//! prompt is then sent exactly as a new one (`send::send`: the same checks, the same
//! input — only what precedes it —, the same credit estimate and tally). In the history
//! each stored thread is forked (`StoreOp::Fork`: a new thread linked to the old one,
//! which stays whole) and the screen continues the fork; side by side the forked columns
//! are recorded as a new comparison by the ordinary autosave. A column that never had
//! the selected prompt gets the new one as a follow-up. Does not own: which prompt is
//! which (`app::edit`), writing forks (`history::fork`), or sending (`send`).

use crate::app::edit::{prompt_back, prompts, Editing};
use crate::app::effect::{Effect, Effects};
use crate::app::state::{AppState, Focus, Severity};
use crate::app::thread::{Author, Thread};
use crate::history::op::title;
use crate::history::{NewThread, StoreKey, StoreOp};

use super::notice::notify;
use super::send;

/// Steps the selection `delta` prompts earlier (positive) or later (negative); from no
/// selection, an earlier step selects the last prompt.
pub(super) fn step(state: &mut AppState, delta: isize, fx: &mut Effects) {
    let back = match &state.editing {
        None if delta <= 0 => return,
        None => 0,
        Some(e) => match e.back.checked_add_signed(delta) {
            Some(back) => back,
            None => {
                cancel(state, fx);
                return;
            }
        },
    };
    let keys = state.send_keys();
    if state.editing.is_none()
        && keys
            .iter()
            .any(|k| state.threads.get(k).and_then(Thread::live_answer).is_some())
    {
        // Esc stops editing once it has begun: the answer must be stopped (or done) first.
        notify(
            state,
            Severity::Info,
            "an answer is still streaming: Esc stops it, then a prompt can be edited".into(),
            fx,
        );
        return;
    }
    let most = keys
        .iter()
        .filter_map(|k| state.threads.get(k))
        .map(prompts)
        .max()
        .unwrap_or(0);
    if most == 0 {
        notify(state, Severity::Info, "no prompt to edit yet".into(), fx);
        return;
    }
    if back >= most {
        notify(
            state,
            Severity::Info,
            "this is the first prompt (Alt+↓ goes to later ones)".into(),
            fx,
        );
        return;
    }
    let mut selected = Vec::new();
    let mut text = None;
    for key in &keys {
        if let Some((_, m)) = state.threads.get(key).and_then(|t| prompt_back(t, back)) {
            text.get_or_insert_with(|| m.text.clone());
            selected.push((key.clone(), m.id));
        }
    }
    let text = text.unwrap_or_default();
    let draft = match state.editing.take() {
        Some(e) => e.draft,
        None => state.composer_text(),
    };
    state.editing = Some(Editing {
        back,
        prompts: selected,
        draft,
    });
    state.composer.clear();
    state.composer.insert_str(&text);
    state.focus = Focus::Composer;
    let n = most - back;
    notify(
        state,
        Severity::Info,
        format!("editing prompt {n} of {most}: Enter resends it and the thread forks there; Esc cancels"),
        fx,
    );
}

/// Stops editing: the composer gets back what it held before.
pub(super) fn cancel(state: &mut AppState, fx: &mut Effects) {
    let Some(editing) = state.editing.take() else {
        return;
    };
    state.composer.clear();
    state.composer.insert_str(&editing.draft);
    notify(state, Severity::Info, "editing cancelled".into(), fx);
}

/// Enter while editing: the threads fork before the edited prompt, and the composer's
/// text is sent in its place.
pub(super) fn resend(state: &mut AppState, fx: &mut Effects) {
    let text = state.composer_text();
    let prompt = text.trim();
    if prompt.is_empty() {
        return;
    }
    if let Some(why) = send::refusal(state, prompt) {
        notify(state, Severity::Warning, why, fx);
        return;
    }
    let Some(editing) = state.editing.take() else {
        return;
    };
    let keys = state.send_keys();
    // The conversation on screen changed since the prompt was selected (another persona,
    // a new thread): nothing to fork; the text stays in the composer.
    let places: Vec<(String, usize)> = editing
        .prompts
        .iter()
        .filter(|(key, _)| keys.contains(key))
        .filter_map(|(key, id)| {
            let at = state
                .threads
                .get(key)?
                .messages
                .iter()
                .position(|m| m.id == *id)?;
            Some((key.clone(), at))
        })
        .collect();
    if places.is_empty() {
        notify(
            state,
            Severity::Warning,
            "the prompt being edited is no longer on screen: nothing was sent".into(),
            fx,
        );
        return;
    }
    let first_prompt = prompt.to_owned();
    for (key, at) in places {
        fork_thread(state, &key, at, &first_prompt, fx);
    }
    send::send(state, fx);
    notify(
        state,
        Severity::Info,
        "resent: the thread forked here (the earlier branch stays in the history)".into(),
        fx,
    );
}

/// Cuts thread `key` before message `at` and, when it is stored, forks it in the store
/// there: the screen continues the fork.
fn fork_thread(state: &mut AppState, key: &str, at: usize, prompt: &str, fx: &mut Effects) {
    let Some(thread) = state.threads.get_mut(key) else {
        return;
    };
    thread.messages.truncate(at);
    thread.scroll = Default::default();
    let first = thread
        .messages
        .iter()
        .find(|m| m.author == Author::User)
        .map(|m| m.text.clone())
        .unwrap_or_else(|| prompt.to_owned());
    if !state.history.on {
        return;
    }
    let Some(parent) = state.history.threads.get(key).copied() else {
        // Never stored (an imported conversation not continued yet): the send begins it.
        return;
    };
    let n = state.next_id();
    let persona_name = state.persona_label(key);
    fx.push(Effect::Store(StoreOp::Fork {
        thread: NewThread {
            key: n,
            persona_id: key.to_owned(),
            persona_name,
            title: title(&first),
            // The fork is the same thread from there on: its instructions go with it.
            instructions: state.threads.get(key).and_then(|t| t.instructions.clone()),
        },
        parent,
        at: u32::try_from(at).unwrap_or(u32::MAX),
    }));
    state.history.threads.insert(key.to_owned(), StoreKey::Session(n));
}

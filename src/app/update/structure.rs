//! Structured answers and tool results: the transitions.
//!
//! Owns: Ctrl+T (the next schema: none → each known one → "from a file…", which opens
//! the path prompt, → none), the path prompt (Enter asks the executor to read the file,
//! Esc gives the composer its text back), a loaded schema becoming the one in use, `t`
//! (the schema table side by side), and sending the composer's text as a tool's result.
//! Does not own: what happens when an answer ends (`ended`), the state's shape and
//! queries (`app::structure`), reading files (the executor) or drawing.

use crate::api::structured::NamedSchema;
use crate::app::effect::{Effect, Effects};
use crate::app::state::{AppState, Focus, Severity};
use crate::app::structure::{pending_call, tool_output, PendingCall};
use crate::sanitize::clean_line;

use super::notice::notify;

/// Ctrl+T: the next schema for the answers to come.
pub(super) fn cycle(state: &mut AppState, fx: &mut Effects) {
    if state.structure.asking_path.is_some() {
        cancel_path(state, fx);
        state.structure.active = None;
        notify(
            state,
            Severity::Info,
            "answers are free text again (Ctrl+T picks a schema)".into(),
            fx,
        );
        return;
    }
    let count = state.structure.schemas.len();
    match state.structure.active {
        None if count > 0 => state.structure.active = Some(0),
        Some(i) if i + 1 < count => state.structure.active = Some(i + 1),
        _ => {
            state.structure.active = None;
            open_path(state, fx);
            return;
        }
    }
    say_schema(state, fx);
}

fn say_schema(state: &mut AppState, fx: &mut Effects) {
    let text = match state.structure.schema() {
        Some(s) => format!(
            "answers follow the JSON schema {} (Ctrl+T: next)",
            clean_line(&s.name)
        ),
        None => "answers are free text (Ctrl+T picks a schema)".into(),
    };
    notify(state, Severity::Info, text, fx);
}

fn open_path(state: &mut AppState, fx: &mut Effects) {
    state.structure.asking_path = Some(state.composer.text());
    state.composer.clear();
    state.focus = Focus::Composer;
    notify(
        state,
        Severity::Info,
        "schema file: type its path, Enter loads it, Esc cancels".into(),
        fx,
    );
}

/// Esc in the path prompt: the composer gets its text back.
pub(super) fn cancel_path(state: &mut AppState, fx: &mut Effects) {
    if let Some(stashed) = state.structure.asking_path.take() {
        state.composer.clear();
        state.composer.insert_str(&stashed);
        state.notice = None;
        fx.redraw();
    }
}

/// Enter in the path prompt: read the file (the executor answers with
/// `Event::SchemaLoaded`).
pub(super) fn accept_path(state: &mut AppState, fx: &mut Effects) {
    let path = state.composer.text().trim().to_owned();
    if path.is_empty() {
        notify(
            state,
            Severity::Warning,
            "type the path of a JSON Schema file, or Esc".into(),
            fx,
        );
        return;
    }
    cancel_path(state, fx);
    fx.push(Effect::LoadSchema { path: path.clone() });
    notify(
        state,
        Severity::Info,
        format!("reading the schema {}…", clean_line(&path)),
        fx,
    );
}

/// The executor read a schema file (or could not).
pub(super) fn loaded(state: &mut AppState, result: Result<NamedSchema, String>, fx: &mut Effects) {
    match result {
        Ok(schema) => {
            let list = &mut state.structure.schemas;
            let index = match list.iter().position(|s| s.name == schema.name) {
                Some(i) => {
                    if let Some(slot) = list.get_mut(i) {
                        *slot = schema;
                    }
                    i
                }
                None => {
                    list.push(schema);
                    list.len() - 1
                }
            };
            state.structure.active = Some(index);
            say_schema(state, fx);
        }
        Err(e) => notify(state, Severity::Error, clean_line(&e), fx),
    }
}

/// `t`: the table of a schema's fields across the columns, or the columns again.
pub(super) fn toggle_table(state: &mut AppState, fx: &mut Effects) {
    if !state.compare.active() {
        notify(
            state,
            Severity::Info,
            "the schema table needs personas side by side".into(),
            fx,
        );
        return;
    }
    state.structure.table = !state.structure.table;
    fx.redraw();
}

/// The call the composer's Enter would answer: the shown thread's (one thread only).
pub(crate) fn waiting_call(state: &AppState) -> Option<PendingCall> {
    if state.compare.active() {
        return None;
    }
    state.thread().and_then(pending_call)
}

/// Enter while a tool call waits: the composer's text goes back as its result, and the
/// answer continues. Returns false when no call waits (Enter sends a prompt).
pub(super) fn send_result(state: &mut AppState, fx: &mut Effects) -> bool {
    let Some(call) = waiting_call(state) else {
        return false;
    };
    let output = state.composer.text().trim().to_owned();
    if output.is_empty() {
        let text = format!(
            "type the result of tool {} and press Enter",
            clean_line(&call.name)
        );
        notify(state, Severity::Warning, text, fx);
        return true;
    }
    if let Some(text) = super::send::refusal(state, &output) {
        notify(state, Severity::Warning, text, fx);
        return true;
    }
    let key = state.thread_key();
    let id = state.next_id();
    let thread = state.thread_mut();
    thread.messages.push(tool_output(id, &call, output.clone()));
    thread.scroll = Default::default();
    super::autosave::sent(state, std::slice::from_ref(&key), &output, fx);
    state.composer.clear();
    state.notice = None;
    super::send::start_round(state, vec![(key, None)], fx);
    true
}

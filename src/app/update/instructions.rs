//! The instructions popup and the analysis toggle.
//!
//! Owns: Alt+I, which opens the popup for the thread on screen or, side by side, for the
//! comparison (every column at once); the keys the popup takes while open — Enter keeps
//! the text (blank clears the instructions), Shift+Enter / Alt+Enter / Ctrl+J start a new
//! line, Ctrl+E hands the text to `$EDITOR` (the runtime suspends the screen meanwhile),
//! Esc leaves everything as it was, any other key edits; Ctrl+C, Ctrl+Q and Ctrl+Z
//! stay the app's —; the text coming back from `$EDITOR`; storing changed instructions of threads the history already holds
//! (a thread not stored yet takes them when it begins: `autosave`); and Alt+A, which turns
//! `analysis_mode` on or off for the requests that follow. Does not own: the popup's data
//! (`app::instructions`), sending (`send`) or drawing (`view::instructions`).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::effect::{Effect, Effects};
use crate::app::instructions::InstructionsEdit;
use crate::app::state::{AppState, Severity};
use crate::history::StoreOp;

use super::notice::notify;

/// Alt+I: opens the popup for the threads prompts go to (the comparison's columns, or
/// the thread on screen).
pub(super) fn open(state: &mut AppState, fx: &mut Effects) {
    let keys = state.send_keys();
    state.instructions_edit = Some(InstructionsEdit::open(keys, &state.threads));
    fx.redraw();
}

/// A key while the popup is open; false leaves it to the app (Ctrl+C, Ctrl+Q, Ctrl+Z).
pub(super) fn key(state: &mut AppState, key: KeyEvent, fx: &mut Effects) -> bool {
    if crate::app::keymap::passes_modals(state.keys.rows(), &key) {
        return false;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if key.kind == KeyEventKind::Release {
        return true;
    }
    let Some(edit) = state.instructions_edit.as_mut() else {
        return false;
    };
    let newline = (key.code == KeyCode::Enter
        && key.modifiers.intersects(KeyModifiers::SHIFT | KeyModifiers::ALT))
        || (ctrl && key.code == KeyCode::Char('j'));
    match key.code {
        _ if newline => edit.editor.insert_newline(),
        KeyCode::Enter => accept(state, fx),
        KeyCode::Esc => state.instructions_edit = None,
        KeyCode::Char('e') if ctrl => edit.external = true,
        _ => edit.editor.input(key),
    }
    fx.redraw();
    true
}

/// A paste while the popup is open goes into it.
pub(super) fn paste(state: &mut AppState, text: &str, fx: &mut Effects) {
    if let Some(edit) = state.instructions_edit.as_mut() {
        edit.editor.insert_str(&crate::sanitize::clean(text));
        fx.redraw();
    }
}

/// The text came back from `$EDITOR` (or why it did not).
pub(super) fn edited(state: &mut AppState, result: Result<String, String>, fx: &mut Effects) {
    let Some(edit) = state.instructions_edit.as_mut() else {
        return;
    };
    match result {
        Ok(text) => {
            edit.replace(&crate::sanitize::clean(&text));
            fx.redraw();
        }
        Err(why) => {
            edit.external = false;
            notify(state, Severity::Warning, why, fx);
        }
    }
}

/// Enter: the text becomes the instructions of every thread the popup is for.
fn accept(state: &mut AppState, fx: &mut Effects) {
    let Some(edit) = state.instructions_edit.take() else {
        return;
    };
    let value = edit.value();
    for key in &edit.keys {
        let thread = state.threads.entry(key.clone()).or_default();
        if thread.instructions == value {
            continue;
        }
        thread.instructions = value.clone();
        // A stored thread is updated now; one not stored yet takes them when it begins.
        if let Some(stored) = state
            .history
            .threads
            .get(key)
            .copied()
            .filter(|_| state.history.on)
        {
            fx.push(Effect::Store(StoreOp::Instructions {
                thread: stored,
                instructions: value.clone(),
            }));
        }
    }
    let whose = if edit.is_comparison() {
        "the comparison's"
    } else {
        "this thread's"
    };
    let text = match value {
        Some(_) => format!("{whose} instructions are set: sent with every request"),
        None => format!("{whose} instructions are cleared"),
    };
    notify(state, Severity::Info, text, fx);
}

/// Alt+A: analysis on or off for the requests that follow.
pub(super) fn toggle_analysis(state: &mut AppState, fx: &mut Effects) {
    state.analysis_mode = !state.analysis_mode;
    let text = if state.analysis_mode {
        "analysis mode on: each answer comes with an analysis card"
    } else {
        "analysis mode off"
    };
    notify(state, Severity::Info, text.to_owned(), fx);
}

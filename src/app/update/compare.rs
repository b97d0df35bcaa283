//! Building the compare panel: marking, clearing, saving under a name.
//!
//! Owns: the transitions of `AppState::panel` that come from the user. Does not own:
//! sending to the panel (`send`) or writing the saved panel (an effect).

use crate::app::compare::MAX_COLUMNS;
use crate::app::effect::{Effect, Effects};
use crate::app::state::{AppState, Severity};

use super::notice::notify;

pub(super) fn toggle_mark(state: &mut AppState, fx: &mut Effects) {
    let Some(id) = state.personas.highlighted().map(|p| p.id.clone()) else {
        return;
    };
    if !state.compare.toggle(&id) {
        notify(
            state,
            Severity::Warning,
            format!("up to {MAX_COLUMNS} personas can be compared at once"),
            fx,
        );
        return;
    }
    let n = state.compare.marked.len();
    let text = match n {
        0 => "no personas marked".to_owned(),
        1 => "1 marked: mark another with Space to compare side by side".to_owned(),
        n => format!("{n} marked: Enter in the composer asks all {n} at once (x clears)"),
    };
    notify(state, Severity::Info, text, fx);
}

pub(super) fn clear_marks(state: &mut AppState, fx: &mut Effects) {
    state.compare.clear();
    notify(state, Severity::Info, "marks cleared".into(), fx);
}

pub(super) fn start_naming(state: &mut AppState, fx: &mut Effects) {
    if state.compare.marked.is_empty() {
        notify(
            state,
            Severity::Warning,
            "mark personas with Space first, then S saves them".into(),
            fx,
        );
        return;
    }
    state.compare.naming = Some(String::new());
    fx.redraw();
}

pub(super) fn name_edit(state: &mut AppState, c: Option<char>, fx: &mut Effects) {
    if let Some(name) = state.compare.naming.as_mut() {
        match c {
            Some(c) if !c.is_control() && name.chars().count() < 40 => name.push(c),
            Some(_) => {}
            None => {
                name.pop();
            }
        }
        fx.redraw();
    }
}

pub(super) fn save(state: &mut AppState, fx: &mut Effects) {
    let Some(name) = state.compare.naming.take() else {
        return;
    };
    let name = name.trim().to_owned();
    if name.is_empty() {
        notify(state, Severity::Warning, "a panel needs a name".into(), fx);
        return;
    }
    let personas: Vec<String> = state
        .compare
        .marked
        .iter()
        .filter_map(|id| state.personas.entries.iter().find(|p| &p.id == id))
        .map(|p| p.label().to_owned())
        .collect();
    let text = format!("saved panel \"{name}\": start with mavera-tui --panel \"{name}\"");
    fx.push(Effect::SavePanel { name, personas });
    notify(state, Severity::Info, text, fx);
}

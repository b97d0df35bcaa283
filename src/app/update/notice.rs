//! The status bar's notice: the one way a transition tells the user something.
//!
//! Owns: setting the notice (and asking for the frame that shows it). Does not own: the
//! wording of each notice (the transition that has something to say).

use crate::app::effect::Effects;
use crate::app::state::{AppState, Notice, Severity};

pub(super) fn notify(state: &mut AppState, severity: Severity, text: String, fx: &mut Effects) {
    state.notice = Some(Notice { text, severity });
    fx.redraw();
}

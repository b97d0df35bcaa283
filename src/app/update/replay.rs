//! Ctrl+P while replaying a recording: the next recorded prompt, put in the composer.
//!
//! Owns: when the deck gives a prompt (an empty composer; a composer with text is never
//! overwritten) and what the status bar says otherwise. Does not own: the deck
//! (`app::replay`) or sending (Enter does that, as for a typed prompt).

use crate::app::effect::Effects;
use crate::app::state::{AppState, Focus, Severity};

use super::notice::notify;

pub(super) fn next_prompt(state: &mut AppState, fx: &mut Effects) {
    if state.deck.is_empty() {
        let text = "no recorded prompts: Ctrl+P gives them when replaying (mavera-tui replay FILE)";
        return notify(state, Severity::Info, text.into(), fx);
    }
    state.focus = Focus::Composer;
    if !state.composer.is_blank() {
        let text = "the composer has text: clear it, then Ctrl+P gives the next recorded prompt";
        return notify(state, Severity::Info, text.into(), fx);
    }
    let total = state.deck.prompts.len();
    let Some(prompt) = state.deck.take().map(str::to_owned) else {
        let text = format!("every recorded prompt was given ({total}); type your own");
        return notify(state, Severity::Info, text, fx);
    };
    state.composer.insert_str(&prompt);
    let n = state.deck.next;
    notify(
        state,
        Severity::Info,
        format!("recorded prompt {n} of {total}: Enter sends it"),
        fx,
    );
}

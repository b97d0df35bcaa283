//! Whether the terminal's background is light: asked of the terminal itself (OSC 11),
//! to pick the light or the dark theme when none was chosen.
//!
//! Owns: asking, within a short bound, before the app reads any input. Uses the
//! `terminal-colorsaurus` crate, which follows the question with a device-attributes
//! query every terminal answers, so a terminal that does not know OSC 11 costs a round
//! trip, not the whole timeout, and no late answer is left to be read as typed keys.
//! Does not own: the themes (`view::theme`).

use std::io::IsTerminal;
use std::time::Duration;

/// The longest the app waits for the answer at start (over SSH it may take a while;
/// past this, the dark theme).
const TIMEOUT: Duration = Duration::from_millis(150);

/// `Some(true)` on a light background, `Some(false)` on a dark one, `None` when the
/// terminal did not say (or standard output is not a terminal).
pub fn is_light() -> Option<bool> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let mut options = terminal_colorsaurus::QueryOptions::default();
    options.timeout = TIMEOUT;
    match terminal_colorsaurus::theme_mode(options) {
        Ok(terminal_colorsaurus::ThemeMode::Light) => Some(true),
        Ok(terminal_colorsaurus::ThemeMode::Dark) => Some(false),
        Err(e) => {
            tracing::debug!(%e, "the terminal did not say its background colour");
            None
        }
    }
}

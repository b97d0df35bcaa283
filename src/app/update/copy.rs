//! Copy keys and the export key: which answer is meant, and what is said.
//!
//! Owns: `y` (the last answer of the thread on screen — side by side, of the focused
//! column, else the first), `c` then a digit N (its N-th code block; `c` waits for the
//! digit, any other key cancels), and Ctrl+O (the conversation(s) on screen to Markdown).
//! The status bar says what was copied at once (by OSC 52); once the system clipboard
//! was tried, the runtime says how it went (`app::copy::report_system`). Does not own: finding code blocks, the cap or the wording
//! (`app::copy`), or writing to the terminal (the runtime).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind};

use super::notice::notify;
use crate::app::copy;
use crate::app::effect::{Effect, Effects};
use crate::app::state::{AppState, Severity};
use crate::app::thread::{Author, Message};

/// The last answer with text in the thread copy keys act on.
fn last_answer(state: &AppState) -> Option<&Message> {
    let key = state.target_keys().into_iter().next()?;
    state
        .threads
        .get(&key)?
        .messages
        .iter()
        .rev()
        .find(|m| m.author == Author::Assistant && !m.text.is_empty())
}

/// `y`: the last answer.
pub(super) fn answer(state: &mut AppState, fx: &mut Effects) {
    let Some(text) = last_answer(state).map(|m| m.text.clone()) else {
        notify(state, Severity::Info, "no answer to copy yet".into(), fx);
        return;
    };
    copy_text(state, &text, "the last answer".into(), fx);
}

/// `c`: wait for the digit.
pub(super) fn start_code_block(state: &mut AppState, fx: &mut Effects) {
    let blocks = last_answer(state)
        .map(|m| copy::code_blocks(&m.text).len())
        .unwrap_or(0);
    if blocks == 0 {
        notify(
            state,
            Severity::Info,
            "the last answer has no code block to copy".into(),
            fx,
        );
        return;
    }
    state.copy_pending = true;
    let range = if blocks == 1 {
        "1".to_owned()
    } else {
        format!("1–{}", blocks.min(9))
    };
    notify(
        state,
        Severity::Info,
        format!("copy code block: press {range}"),
        fx,
    );
}

/// The key after `c`: a digit copies that block; any other key cancels. Returns whether
/// the key was taken.
pub(super) fn pending_key(state: &mut AppState, key: &KeyEvent, fx: &mut Effects) -> bool {
    if !state.copy_pending || key.kind == KeyEventKind::Release {
        return false;
    }
    state.copy_pending = false;
    let n = match key.code {
        KeyCode::Char(c) => c.to_digit(10).filter(|n| *n > 0),
        _ => None,
    };
    let Some(n) = n else {
        notify(state, Severity::Info, "nothing copied".into(), fx);
        return true;
    };
    let blocks = last_answer(state)
        .map(|m| copy::code_blocks(&m.text))
        .unwrap_or_default();
    match blocks.get(n as usize - 1) {
        Some(block) => {
            let block = block.clone();
            copy_text(state, &block, format!("code block {n}"), fx);
        }
        None => notify(
            state,
            Severity::Info,
            format!("the last answer has no code block {n} (it has {})", blocks.len()),
            fx,
        ),
    }
    true
}

fn copy_text(state: &mut AppState, text: &str, what: String, fx: &mut Effects) {
    let (text, chars, cut) = copy::prepare(text);
    let severity = if cut { Severity::Warning } else { Severity::Info };
    notify(state, severity, copy::report(&what, chars, cut, false), fx);
    fx.push(Effect::Copy {
        text,
        what,
        chars,
        cut,
    });
}

/// Ctrl+O: the conversation(s) on screen, to Markdown.
pub(super) fn export_markdown(state: &mut AppState, fx: &mut Effects) {
    let threads = super::threads_on_screen(state);
    if threads.is_empty() {
        notify(state, Severity::Info, "nothing to export yet".into(), fx);
    } else {
        fx.push(Effect::ExportMarkdown {
            threads,
            personas: state.personas.entries.clone(),
        });
    }
}

//! What an ending answer adds besides its text: the local check of a structured answer
//! against its schema (kept on it as a part) and the notice of a tool call waiting for
//! its result.
//!
//! Owns: that step, run by `answer` when an answer ends. Does not own: the check itself
//! or finding the call (`app::structure`), or sending a tool's result (`structure`).

use crate::app::effect::Effects;
use crate::app::state::{AppState, Severity};
use crate::app::structure::{check_part, pending_call};
use crate::sanitize::clean_line;

use super::notice::notify;

/// An answer ended: check it against its schema when it was asked with one, and say so
/// when it ends with a tool call.
pub(super) fn ended(state: &mut AppState, key: &str, message_id: u64, fx: &mut Effects) {
    let schema = state
        .structure
        .shaped
        .remove(&message_id)
        .and_then(|i| state.structure.schemas.get(i).cloned());
    let Some(message) = state.threads.get_mut(key).and_then(|t| t.message_mut(message_id)) else {
        return;
    };
    if let Some(schema) = schema.filter(|_| !message.text.trim().is_empty()) {
        message.parts.push(check_part(&message.text, &schema));
        message.touch();
    }
    if let Some(call) = state.threads.get(key).and_then(pending_call) {
        let text = format!(
            "the model calls tool {}: type its result in the composer, Enter sends it",
            clean_line(&call.name)
        );
        notify(state, Severity::Info, text, fx);
    }
}

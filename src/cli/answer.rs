//! One persona's answer as `ask` keeps it: the text (sanitised as it arrives), the
//! structured parts and the ending, folded from the same answer events the app reads.
//!
//! Owns: that fold. Does not own: the protocol (`api::answer`), printing (`ask`) or the
//! documents (`report`).

use crate::api::wire::Usage;
use crate::api::{AnswerEvent, AnswerPart, ApiError, Ending, Outcome};
use crate::sanitize::Sanitizer;

/// An answer so far.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// Safe to print: every piece went through `clean`.
    pub text: String,
    pub parts: Vec<AnswerPart>,
    /// `None` while the answer runs.
    pub ending: Option<Ending>,
    clean: Sanitizer,
}

impl Answer {
    /// Applies one event (`Retrying` and `Opened` change nothing here).
    pub fn apply(&mut self, event: AnswerEvent) {
        match event {
            AnswerEvent::Text(text) => self.clean.push(&text, &mut self.text),
            AnswerEvent::Part(part) => self.parts.push(part),
            AnswerEvent::Ended(ending) => self.ending = Some(ending),
            AnswerEvent::Retrying { .. } | AnswerEvent::Opened => {}
        }
    }

    pub fn usage(&self) -> Option<&Usage> {
        self.ending.as_ref().and_then(|e| e.usage.as_ref())
    }

    pub fn outcome(&self) -> Option<&Outcome> {
        self.ending.as_ref().map(|e| &e.outcome)
    }

    /// Why the answer did not complete, when it failed or broke off.
    pub fn error(&self) -> Option<&ApiError> {
        match self.outcome() {
            Some(Outcome::Failed(e)) | Some(Outcome::Interrupted(e)) => Some(e),
            _ => None,
        }
    }
}

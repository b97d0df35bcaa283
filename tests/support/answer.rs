//! Folding answer events into one answer, for tests that check what the assembly adds up
//! to: `assemble` feeds stream events through the client's own `Assembler`; `final_text`
//! is the text with the server's correction applied.

use mavera_tui::api::answer::Assembler;
use mavera_tui::api::{AnswerEvent, AnswerPart, ApiError, Ending, StreamEvent};

/// What an answer's events add up to.
#[derive(Debug, Default)]
pub struct Folded {
    pub text: String,
    pub parts: Vec<AnswerPart>,
    /// Every ending handed out (a well-formed run has exactly one).
    pub endings: Vec<Ending>,
}

impl Folded {
    /// The answer's text as it should read: the correction when one came, else the
    /// appended text.
    pub fn final_text(&self) -> &str {
        self.parts
            .iter()
            .rev()
            .find_map(|p| match p {
                AnswerPart::Corrected(t) => Some(t.as_str()),
                _ => None,
            })
            .unwrap_or(&self.text)
    }

    pub fn apply(&mut self, event: AnswerEvent) {
        match event {
            AnswerEvent::Text(t) => self.text.push_str(&t),
            AnswerEvent::Part(p) => mavera_tui::api::answer::part::settle_call(&mut self.parts, p),
            AnswerEvent::Ended(e) => self.endings.push(e),
            AnswerEvent::CallArguments {
                slot,
                call_id,
                name,
                delta,
            } => mavera_tui::api::answer::part::stream_call(&mut self.parts, slot, &call_id, &name, &delta),
            AnswerEvent::Retrying { .. } | AnswerEvent::Opened => {}
        }
    }
}

/// Stream events through an assembler; a stream that stops without a terminal event
/// ends as the request task would end it (`Interrupted`).
pub fn assemble(events: impl IntoIterator<Item = StreamEvent>) -> Folded {
    let mut assembler = Assembler::default();
    let mut out = Vec::new();
    for e in events {
        assembler.apply(e, &mut out);
    }
    assembler.interrupt(ApiError::Interrupted, &mut out);
    let mut folded = Folded::default();
    for e in out {
        folded.apply(e);
    }
    folded
}

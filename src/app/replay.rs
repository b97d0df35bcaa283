//! Replaying a recording: the recorded prompts, for the presenter to take one by one.
//!
//! Owns: the prompts in the order they were sent and which comes next. Does not own:
//! reading the recording (`recording`), serving it (`sim`), or the key (`keys`,
//! `update::replay`).

/// The recorded prompts; empty when not replaying.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Deck {
    pub prompts: Vec<String>,
    /// The index of the prompt the next Ctrl+P gives.
    pub next: usize,
}

impl Deck {
    pub fn new(prompts: Vec<String>) -> Deck {
        Deck { prompts, next: 0 }
    }

    pub fn is_empty(&self) -> bool {
        self.prompts.is_empty()
    }

    /// The next prompt, taken; `None` once every one was given.
    pub fn take(&mut self) -> Option<&str> {
        let prompt = self.prompts.get(self.next)?;
        self.next += 1;
        Some(prompt)
    }
}

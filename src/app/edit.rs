//! Editing an earlier prompt to resend it: which prompt is selected, in which threads.
//!
//! Owns: the selection's data (`Editing`) and the pure queries over it — the prompt N
//! places back from the last one in a thread, how many prompts can be stepped through,
//! and whether a message is the one being edited (the view highlights it). Prompts are
//! counted from the end so that side by side the same step selects the same round in
//! every column, even in a column that joined later. Does not own: the transitions
//! (`update::fork`), the store's forks (`history::fork`) or drawing.

use super::thread::{Author, Message, Thread};

/// An earlier prompt being edited in the composer.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Editing {
    /// Which prompt: 0 the last one sent, 1 the one before it, ...
    pub back: usize,
    /// The selected prompt of each thread it is resent to: (thread key, message id).
    pub prompts: Vec<(String, u64)>,
    /// What the composer held before editing began: put back when editing is cancelled.
    pub draft: String,
}

/// The user prompt `back` places before the last one of `thread`: its index and message.
pub fn prompt_back(thread: &Thread, back: usize) -> Option<(usize, &Message)> {
    thread
        .messages
        .iter()
        .enumerate()
        .rev()
        .filter(|(_, m)| m.author == Author::User)
        .nth(back)
}

/// How many prompts the thread holds.
pub fn prompts(thread: &Thread) -> usize {
    thread
        .messages
        .iter()
        .filter(|m| m.author == Author::User)
        .count()
}

impl Editing {
    /// Whether message `id` is the prompt being edited (in any column).
    pub fn holds(&self, id: u64) -> bool {
        self.prompts.iter().any(|(_, m)| *m == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prompts_are_counted_from_the_last() {
        let mut t = Thread::default();
        for (i, text) in ["q1", "a1", "q2", "a2", "q3"].iter().enumerate() {
            let mut m = Message::user(i as u64, (*text).into());
            if text.starts_with('a') {
                m.author = Author::Assistant;
            }
            t.messages.push(m);
        }
        assert_eq!(prompts(&t), 3);
        assert_eq!(
            prompt_back(&t, 0).map(|(i, m)| (i, m.text.as_str())),
            Some((4, "q3"))
        );
        assert_eq!(prompt_back(&t, 2).map(|(i, _)| i), Some(0));
        assert!(prompt_back(&t, 3).is_none());
    }
}

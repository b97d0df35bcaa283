//! Instructions: the text a thread (or, side by side, every column of the comparison)
//! sends as `instructions` with each request, after the persona's own prompt (spec §3).
//!
//! Owns: the popup's state while instructions are edited — the text being written and
//! which threads it is for — and the rule for what a comparison's instructions are (the
//! columns' own, when they all agree). Does not own: the keys of the popup or storing
//! them (`update::instructions`), sending them (`update::send`) or drawing (`view`).

use std::collections::HashMap;

use super::composer::Composer;
use super::thread::Thread;

const PLACEHOLDER: &str = "Role or task for every answer, e.g. \"Answer as a skeptical buyer\"";

/// The instructions popup, while it is open.
#[derive(Debug, Clone, PartialEq)]
pub struct InstructionsEdit {
    /// The text being written.
    pub editor: Composer,
    /// The threads (by persona id) the text is for: one, or the comparison's columns.
    pub keys: Vec<String>,
    /// Ctrl+E asked for the text to be edited in `$EDITOR`: the runtime hands the
    /// terminal over, and the text comes back as `Event::InstructionsEdited`. A request
    /// held as state, as Ctrl+Z's is, so the reducer stays pure.
    pub external: bool,
}

impl InstructionsEdit {
    /// A popup for `keys`, holding their current instructions.
    pub fn open(keys: Vec<String>, threads: &HashMap<String, Thread>) -> InstructionsEdit {
        let current = shared(&keys, threads).unwrap_or_default();
        InstructionsEdit {
            editor: Composer::with_text(&current, PLACEHOLDER),
            keys,
            external: false,
        }
    }

    /// The text came back from `$EDITOR`: it replaces what the popup held (Enter still
    /// decides whether to keep it).
    pub fn replace(&mut self, text: &str) {
        self.editor = Composer::with_text(text.trim_end(), PLACEHOLDER);
        self.external = false;
    }

    /// Whether it edits a comparison's instructions (several columns at once).
    pub fn is_comparison(&self) -> bool {
        self.keys.len() > 1
    }

    /// The text to keep: `None` when blank (blank instructions are not sent).
    pub fn value(&self) -> Option<String> {
        let text = self.editor.text();
        let text = text.trim();
        (!text.is_empty()).then(|| text.to_owned())
    }
}

/// The instructions the threads `keys` share: those of each, when they all agree (a
/// comparison's instructions are set on all its columns at once).
pub fn shared(keys: &[String], threads: &HashMap<String, Thread>) -> Option<String> {
    let mut each = keys
        .iter()
        .map(|k| threads.get(k).and_then(|t| t.instructions.clone()));
    let first = each.next()??;
    each.all(|i| i.as_deref() == Some(first.as_str()))
        .then_some(first)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with(instructions: Option<&str>) -> Thread {
        Thread {
            instructions: instructions.map(str::to_owned),
            ..Thread::default()
        }
    }

    #[test]
    fn a_comparison_shares_instructions_only_when_every_column_has_the_same() {
        let mut threads = HashMap::new();
        threads.insert("a".to_owned(), with(Some("be brief")));
        threads.insert("b".to_owned(), with(Some("be brief")));
        threads.insert("c".to_owned(), with(None));
        let keys = |k: &[&str]| k.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(shared(&keys(&["a", "b"]), &threads).as_deref(), Some("be brief"));
        assert_eq!(shared(&keys(&["a", "c"]), &threads), None);
        assert_eq!(shared(&keys(&["c"]), &threads), None);
    }

    #[test]
    fn blank_text_is_no_instructions() {
        let mut edit = InstructionsEdit::open(vec!["a".into()], &HashMap::new());
        assert_eq!(edit.value(), None);
        edit.editor.insert_str("  focus on price \n");
        assert_eq!(edit.value().as_deref(), Some("focus on price"));
    }
}

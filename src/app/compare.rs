//! The comparison: personas marked side by side, each column its own thread.
//!
//! Owns: which personas are marked (in marking order: the column order), which column
//! has focus, the last prompt's round (what the comparison's answers to it cost),
//! personas asked for at launch, and the name being typed when saving the marked
//! personas as a panel (a saved, named set: `crate::panels`). Does not own: the threads
//! themselves (`AppState::threads`, keyed by persona id) or layout.

use super::credits::{CreditSum, CreditTotal};

/// Most columns a comparison holds.
pub const MAX_COLUMNS: usize = 6;

/// What the answers to the last prompt cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Round {
    /// The answers' message ids.
    pub messages: Vec<u64>,
    pub credits: CreditSum,
}

impl Round {
    pub fn new(messages: Vec<u64>) -> Round {
        Round {
            messages,
            ..Round::default()
        }
    }

    /// Counts one finished answer of this round (answers of other rounds do not count).
    pub fn count(&mut self, message: u64, credits: Option<f64>) {
        if self.messages.contains(&message) {
            self.credits.add(credits);
        }
    }

    /// The round's total: a lower bound while answers run or costs are unknown.
    pub fn total(&self) -> CreditTotal {
        self.credits.total(Some(self.messages.len()))
    }
}

/// The personas compared side by side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Marked persona ids: the columns, in order.
    pub marked: Vec<String>,
    /// The focused column, if any.
    pub column: Option<usize>,
    /// The first visible column when not all fit (kept settled by `layout::columns`).
    pub offset: usize,
    pub round: Round,
    /// Personas (names or ids) asked for at launch, marked once the list has them.
    pub pending: Option<Vec<String>>,
    /// The name being typed to save the panel under.
    pub naming: Option<String>,
}

impl Comparison {
    /// Two or more marked personas make the conversation a compare view.
    pub fn active(&self) -> bool {
        self.marked.len() >= 2
    }

    pub fn is_marked(&self, id: &str) -> bool {
        self.marked.iter().any(|m| m == id)
    }

    /// Marks or unmarks; returns false when the panel is full.
    pub fn toggle(&mut self, id: &str) -> bool {
        if let Some(pos) = self.marked.iter().position(|m| m == id) {
            self.marked.remove(pos);
        } else if self.marked.len() >= MAX_COLUMNS {
            return false;
        } else {
            self.marked.push(id.to_owned());
        }
        self.clamp();
        true
    }

    pub fn clear(&mut self) {
        self.marked.clear();
        self.column = None;
        self.offset = 0;
    }

    /// Moves the column focus by `delta` (from none: to the first or last column).
    pub fn step(&mut self, delta: isize) {
        let n = self.marked.len();
        if n == 0 {
            return;
        }
        self.column = Some(match self.column {
            None if delta < 0 => n - 1,
            None => 0,
            Some(c) => c.saturating_add_signed(delta).min(n - 1),
        });
    }

    /// Focuses column `index` (0-based); the same index again removes the focus.
    pub fn focus(&mut self, index: usize) {
        if index < self.marked.len() {
            self.column = if self.column == Some(index) {
                None
            } else {
                Some(index)
            };
        }
    }

    fn clamp(&mut self) {
        if self.column.is_some_and(|c| c >= self.marked.len()) {
            self.column = None;
        }
        self.offset = self.offset.min(self.marked.len().saturating_sub(1));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marking_keeps_order_and_caps_at_six() {
        let mut p = Comparison::default();
        for id in ["a", "b", "c", "d", "e", "f"] {
            assert!(p.toggle(id));
        }
        assert!(!p.toggle("g"), "full");
        assert!(p.toggle("b"), "unmarking always works");
        assert_eq!(p.marked, ["a", "c", "d", "e", "f"]);
        assert!(p.active());
    }

    #[test]
    fn column_focus_steps_and_toggles() {
        let mut p = Comparison::default();
        p.toggle("a");
        p.toggle("b");
        p.toggle("c");
        p.step(1);
        assert_eq!(p.column, Some(0));
        p.step(5);
        assert_eq!(p.column, Some(2));
        p.focus(2);
        assert_eq!(p.column, None);
        p.step(-1);
        assert_eq!(p.column, Some(2));
        p.toggle("c");
        assert_eq!(p.column, None, "the focused column went away");
    }

    #[test]
    fn a_round_counts_only_its_own_answers() {
        let mut r = Round::new(vec![1, 2, 3]);
        assert_eq!(r.total(), CreditTotal::Pending);
        r.count(1, Some(2.0));
        assert_eq!(r.total(), CreditTotal::AtLeast(2.0));
        r.count(2, Some(3.0));
        r.count(3, Some(1.0));
        assert_eq!(r.total(), CreditTotal::Exact(6.0));
        r.count(99, Some(100.0));
        assert_eq!(
            r.total(),
            CreditTotal::Exact(6.0),
            "answers of other rounds do not count"
        );
    }
}

//! The comparison: personas marked side by side, each column its own thread.
//!
//! Owns: which personas are marked (in marking order: the column order), which column
//! has focus, the last prompt's round (what the comparison's answers to it cost),
//! personas asked for at launch, and the name being typed when saving the marked
//! personas as a panel (a saved, named set: `crate::panels`). Does not own: the threads
//! themselves (`AppState::threads`, keyed by persona id) or layout.

/// Most columns a comparison holds.
pub const MAX_COLUMNS: usize = 6;

/// What the answers to the last prompt cost.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Round {
    /// The answers' message ids.
    pub messages: Vec<u64>,
    pub spent: f64,
    pub unreported: u32,
    pub answered: u32,
}

impl Round {
    pub fn new(messages: Vec<u64>) -> Round {
        Round {
            messages,
            ..Round::default()
        }
    }

    /// Counts one finished answer of this round.
    pub fn count(&mut self, message: u64, credits: Option<f64>) {
        if !self.messages.contains(&message) {
            return;
        }
        self.answered += 1;
        match credits {
            Some(c) => self.spent += c,
            None => self.unreported += 1,
        }
    }

    /// The round's total as shown: a lower bound (`N+`) while costs are unknown.
    pub fn total_text(&self) -> String {
        let spent = crate::api::wire::format_credits(self.spent);
        match (self.answered, self.unreported) {
            (0, _) => "…".into(),
            (a, u) if a == u => "—".into(),
            (a, 0) if a as usize == self.messages.len() => spent,
            _ => format!("{spent}+"),
        }
    }
}

/// The personas compared side by side.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Comparison {
    /// Marked persona ids: the columns, in order.
    pub marked: Vec<String>,
    /// The focused column, if any.
    pub column: Option<usize>,
    /// The first visible column when not all fit.
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

    /// Keeps the focused column within the `visible` columns shown from `offset`.
    pub fn keep_visible(&mut self, visible: usize) {
        let visible = visible.max(1);
        if let Some(c) = self.column {
            if c < self.offset {
                self.offset = c;
            } else if c >= self.offset + visible {
                self.offset = c + 1 - visible;
            }
        }
        self.offset = self.offset.min(self.marked.len().saturating_sub(visible));
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
    fn the_focused_column_stays_visible() {
        let mut p = Comparison::default();
        for id in ["a", "b", "c", "d", "e", "f"] {
            p.toggle(id);
        }
        p.column = Some(5);
        p.keep_visible(2);
        assert_eq!(p.offset, 4);
        p.column = Some(1);
        p.keep_visible(2);
        assert_eq!(p.offset, 1);
    }

    #[test]
    fn round_totals_are_lower_bounds_until_every_answer_reports() {
        let mut r = Round::new(vec![1, 2, 3]);
        assert_eq!(r.total_text(), "…");
        r.count(1, Some(2.0));
        assert_eq!(r.total_text(), "2+");
        r.count(2, Some(3.0));
        r.count(3, Some(1.0));
        assert_eq!(r.total_text(), "6");
        r.count(99, Some(100.0));
        assert_eq!(r.spent, 6.0, "answers of other rounds do not count");
    }
}

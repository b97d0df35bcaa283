//! Styled text for wrapping: one `String` with contiguous style runs.
//!
//! Owns: building text by appending (sanitised as it goes in), joining two texts and
//! cutting one at a byte, each with the same run-merging rule, so a text built in pieces
//! equals the text built whole. Does not own: placing it on lines (the parent module).
#![deny(clippy::indexing_slicing)]

use ratatui::style::Style;

use super::sanitize;

/// Text with styled runs, built by appending. One `String` for all runs keeps wrapping
/// free of per-span allocations.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct StyledText {
    pub(super) text: String,
    pub(super) runs: Vec<Run>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Run {
    /// Byte offset where the run ends (runs are contiguous from 0).
    pub(super) end: usize,
    pub(super) style: Style,
    /// Whitespace inside is not a break point (inline code that fits stays whole).
    pub(super) glue: bool,
}

impl StyledText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends `s`; its whitespace may break lines.
    pub fn push(&mut self, s: &str, style: Style) {
        self.push_run(s, style, false);
    }

    /// Appends `s` as one unit that only breaks when it is wider than a line.
    pub fn push_glued(&mut self, s: &str, style: Style) {
        self.push_run(s, style, true);
    }

    /// A forced line break (markdown hard break).
    pub fn push_break(&mut self) {
        self.text.push('\n');
        self.extend_run(Style::new(), false);
    }

    /// Empties the text, keeping its allocation for the next paragraph.
    pub fn clear(&mut self) {
        self.text.clear();
        self.runs.clear();
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn len(&self) -> usize {
        self.text.len()
    }

    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// Whether there is anything but whitespace.
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn push_run(&mut self, s: &str, style: Style, glue: bool) {
        if s.is_empty() {
            return;
        }
        // Newlines inside a run are never line breaks (only `push_break` makes those).
        self.text.push_str(&sanitize(s, ' '));
        self.extend_run(style, glue);
    }

    fn extend_run(&mut self, style: Style, glue: bool) {
        let end = self.text.len();
        match self.runs.last_mut() {
            Some(last) if last.style == style && last.glue == glue => last.end = end,
            _ => self.runs.push(Run { end, style, glue }),
        }
    }

    /// Appends `other`, merging its first run into the last one as pushing it would.
    pub fn append(&mut self, other: &StyledText) {
        let base = self.text.len();
        self.text.push_str(&other.text);
        for run in &other.runs {
            let end = base + run.end;
            match self.runs.last_mut() {
                Some(last) if last.style == run.style && last.glue == run.glue => last.end = end,
                _ => self.runs.push(Run { end, ..*run }),
            }
        }
    }

    /// The text from byte `at` on, or `None` when `at` is not a char boundary or falls
    /// inside a glued run (cutting one would change whether it fits on a line).
    pub fn tail_from(&self, at: usize) -> Option<StyledText> {
        let text = self.text.get(at..)?.to_owned();
        let first = self.runs.partition_point(|r| r.end <= at);
        let run_start = first
            .checked_sub(1)
            .and_then(|i| self.runs.get(i))
            .map_or(0, |r| r.end);
        if self.runs.get(first).is_some_and(|r| r.glue && run_start < at) {
            return None;
        }
        let runs = self
            .runs
            .get(first..)
            .unwrap_or_default()
            .iter()
            .map(|r| Run {
                end: r.end - at,
                ..*r
            })
            .collect();
        Some(StyledText { text, runs })
    }
}

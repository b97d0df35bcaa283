//! The message being written: a multi-line editor's text and cursor.
//!
//! Owns: editing (keys, new lines, pastes) and reading the text back. The editing engine
//! is `tui_textarea`'s (undo, word motions, wide characters: nothing worth writing
//! again), held privately so that the rest of the state never sees a widget type and
//! compares as plain data: two composers are equal when their text and cursor are.
//! Does not own: drawing (the view draws `editor()`), or what Enter does (`update`).

use crossterm::event::KeyEvent;
use tui_textarea::TextArea;

const PLACEHOLDER: &str = "Ask something… (Enter sends, Shift+Enter or Ctrl+J for a new line)";

/// The composer.
#[derive(Clone)]
pub struct Composer {
    editor: TextArea<'static>,
}

impl Default for Composer {
    fn default() -> Composer {
        let mut editor = TextArea::default();
        editor.set_placeholder_text(PLACEHOLDER);
        // Dim, not the editor's own grey: every colour on screen is the theme's, and a
        // modifier reads on any background.
        editor
            .set_placeholder_style(ratatui::style::Style::new().add_modifier(ratatui::style::Modifier::DIM));
        editor.set_cursor_line_style(ratatui::style::Style::default());
        Composer { editor }
    }
}

impl Composer {
    /// The whole text, lines joined with `\n`.
    pub fn text(&self) -> String {
        self.editor.lines().join("\n")
    }

    /// Whether there is nothing but white space to send.
    pub fn is_blank(&self) -> bool {
        self.editor.lines().iter().all(|l| l.trim().is_empty())
    }

    /// How many lines the text has (at least one).
    pub fn line_count(&self) -> usize {
        self.editor.lines().len()
    }

    /// `(row, column)` of the cursor.
    pub fn cursor(&self) -> (usize, usize) {
        self.editor.cursor()
    }

    /// An editing key (letters, arrows, Backspace, undo, ...).
    pub fn input(&mut self, key: KeyEvent) {
        self.editor.input(key);
    }

    pub fn insert_newline(&mut self) {
        self.editor.insert_newline();
    }

    /// Inserts text at the cursor (a paste); newlines split lines.
    pub fn insert_str(&mut self, text: &str) {
        self.editor.insert_str(text);
    }

    /// Empties the composer (after a send).
    pub fn clear(&mut self) {
        *self = Composer::default();
    }

    /// A composer holding `text` (cursor at its end), with `placeholder` shown while it
    /// is empty: the instructions popup edits with the same engine.
    pub fn with_text(text: &str, placeholder: &str) -> Composer {
        let mut composer = Composer::default();
        composer.editor.set_placeholder_text(placeholder.to_owned());
        composer.editor.insert_str(text);
        composer
    }

    /// The editor, for drawing.
    pub fn editor(&self) -> &TextArea<'static> {
        &self.editor
    }

    /// Everything that decides how the editor looks: its lines, cursor and selection
    /// (a frame whose composer looks the same keeps it as drawn).
    pub fn looks(&self) -> impl std::hash::Hash + '_ {
        (
            self.editor.lines(),
            self.editor.cursor(),
            self.editor.selection_range(),
        )
    }
}

impl PartialEq for Composer {
    fn eq(&self, other: &Composer) -> bool {
        self.editor.lines() == other.editor.lines() && self.cursor() == other.cursor()
    }
}

impl std::fmt::Debug for Composer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Composer")
            .field("lines", &self.editor.lines().len())
            .field("cursor", &self.cursor())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossterm::event::{KeyCode, KeyModifiers};

    #[test]
    fn composers_compare_by_text_and_cursor() {
        let mut a = Composer::default();
        let mut b = Composer::default();
        assert_eq!(a, b);
        a.insert_str("hi\nthere");
        assert_ne!(a, b);
        b.insert_str("hi");
        b.insert_newline();
        b.insert_str("there");
        assert_eq!(a, b);
        assert_eq!(a.text(), "hi\nthere");
        assert_eq!(a.line_count(), 2);
        a.input(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE));
        assert_ne!(a, b, "same text, other cursor");
        a.clear();
        assert_eq!(a, Composer::default());
    }
}

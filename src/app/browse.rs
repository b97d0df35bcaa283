//! The history view's state: the list of past conversations, or the messages matching
//! what was typed, and where the selection is.
//!
//! Owns: what the view holds — the query typed, the request whose answer is awaited
//! (older answers are stale and dropped), the rows (sanitised where they enter state:
//! the database is the user's file, and may hold anything), the selection and its
//! moves, and the modes of the view (browsing, renaming a conversation inline, asking
//! before a delete). Also where a reopened conversation lands: the line of its thread
//! to show so the searched message is on screen. Does not own: the keys and what they
//! do (`update::browse`), the reads (`history::browse`) or drawing (`view::browse`).

use super::event::RequestId;
use crate::history::read::Credits;
use crate::history::search::{Hit, MARK_END, MARK_START};
use crate::history::ConversationId;
use crate::history::{Role, Summary};
use crate::sanitize::clean_line;

/// One row of the view: a conversation, or one of its messages that matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub conversation: ConversationId,
    /// The matching message (a search hit), to land on when it is reopened.
    pub message: Option<i64>,
    /// The persona names, in column order, joined ("(no persona)" for none).
    pub personas: String,
    pub title: String,
    /// The latest change, on the wall clock (ms since the epoch).
    pub updated_ms: i64,
    /// Answers and credits, for a conversation (none for a hit).
    pub answers: Option<u32>,
    pub credits: Option<Credits>,
    /// A hit: who wrote the message, and the text around the match, split into pieces,
    /// `true` for the matched ones.
    pub hit: Option<(Role, Vec<(String, bool)>)>,
}

/// What the view is doing.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    Browsing,
    /// Typing a new title for the selected conversation.
    Renaming(String),
    /// "Delete …? y/n" for the selected conversation.
    ConfirmDelete,
}

/// The open history view.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Browse {
    /// What was typed: empty lists every conversation, else searches every message.
    pub query: String,
    /// The list or search request whose answer is awaited; any other is stale.
    pub awaiting: Option<RequestId>,
    /// The conversation being reopened, awaited likewise.
    pub opening: Option<RequestId>,
    pub rows: Vec<Row>,
    /// Rows have arrived at least once (before that the view says it is reading).
    pub loaded: bool,
    pub selected: usize,
    pub mode: Mode,
    /// Something went wrong, or cannot be done now: said inside the view.
    pub note: Option<String>,
}

impl Browse {
    pub fn selected_row(&self) -> Option<&Row> {
        self.rows.get(self.selected)
    }

    /// Moves the selection by `delta` rows, staying in the list.
    pub fn move_by(&mut self, delta: isize) {
        let last = self.rows.len().saturating_sub(1);
        self.selected = self.selected.saturating_add_signed(delta).min(last);
    }

    pub fn move_to_end(&mut self, end: bool) {
        self.selected = if end { self.rows.len().saturating_sub(1) } else { 0 };
    }

    /// New rows: the selection stays on the same conversation (and message) when it is
    /// still there, else at the same place.
    pub fn set_rows(&mut self, rows: Vec<Row>) {
        let keep = self.selected_row().map(|r| (r.conversation, r.message));
        self.rows = rows;
        self.loaded = true;
        let found = keep.and_then(|k| self.rows.iter().position(|r| (r.conversation, r.message) == k));
        self.selected = found
            .unwrap_or(self.selected)
            .min(self.rows.len().saturating_sub(1));
    }
}

/// A conversation of the list, sanitised.
pub fn summary_row(s: Summary) -> Row {
    Row {
        conversation: s.id,
        message: None,
        personas: personas(&s.personas),
        title: clean_line(&s.title).trim().to_owned(),
        updated_ms: s.updated_ms,
        answers: Some(s.answers),
        credits: Some(s.credits),
        hit: None,
    }
}

/// A matching message, sanitised; its snippet split at the match marks.
pub fn hit_row(h: Hit) -> Row {
    Row {
        conversation: h.conversation,
        message: Some(h.message_id),
        personas: personas(std::slice::from_ref(&h.persona_name)),
        title: clean_line(&h.title).trim().to_owned(),
        updated_ms: h.updated_ms,
        answers: None,
        credits: None,
        hit: Some((h.role, pieces(&h.snippet))),
    }
}

fn personas(names: &[String]) -> String {
    let names: Vec<String> = names
        .iter()
        .map(|n| clean_line(n).trim().to_owned())
        .map(|n| {
            if n.is_empty() {
                "(no persona)".to_owned()
            } else {
                n
            }
        })
        .collect();
    names.join(", ")
}

/// A snippet as pieces of plain and matched text: sanitised, marks taken out. A mark
/// without its partner (an odd row) only ends or starts a piece.
pub fn pieces(snippet: &str) -> Vec<(String, bool)> {
    let clean = clean_line(snippet);
    let mut out: Vec<(String, bool)> = Vec::new();
    let mut current = String::new();
    let mut matched = false;
    for c in clean.trim().chars() {
        let next = match c {
            MARK_START => Some(true),
            MARK_END => Some(false),
            _ => None,
        };
        match next {
            Some(m) => {
                if !current.is_empty() {
                    out.push((std::mem::take(&mut current), matched));
                }
                matched = m;
            }
            None => current.push(c),
        }
    }
    if !current.is_empty() {
        out.push((current, matched));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snippet_is_split_at_its_marks_and_sanitised() {
        let s = format!("a \u{1b}[31mred{MARK_START}word{MARK_END} and {MARK_START}more");
        assert_eq!(
            pieces(&s),
            vec![
                ("a red".to_owned(), false),
                ("word".to_owned(), true),
                (" and ".to_owned(), false),
                ("more".to_owned(), true),
            ]
        );
        assert!(pieces("").is_empty());
    }

    #[test]
    fn the_selection_follows_its_row_and_stays_in_the_list() {
        let row = |n: i64| Row {
            conversation: ConversationId::Thread(n),
            message: None,
            personas: String::new(),
            title: String::new(),
            updated_ms: 0,
            answers: None,
            credits: None,
            hit: None,
        };
        let mut b = Browse::default();
        b.set_rows(vec![row(1), row(2), row(3)]);
        b.move_by(5);
        assert_eq!(b.selected, 2);
        b.move_by(-1);
        b.set_rows(vec![row(9), row(1), row(2)]);
        assert_eq!(b.selected, 2, "still on t2");
        b.set_rows(vec![row(1)]);
        assert_eq!(b.selected, 0);
        b.set_rows(Vec::new());
        assert_eq!(b.selected_row(), None);
    }
}

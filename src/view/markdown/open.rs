//! A streaming paragraph laid out as it grows, at a cost per update that does not grow
//! with the paragraph.
//!
//! To `stable` a paragraph is one block: nothing in it is final until a blank line ends
//! it, so re-rendering it whole on every token costs its length every time. Here it is
//! cut inside, at a point where the text before can no longer change:
//! - after a single space between two words of one line: never at a line start, where
//!   block syntax lives, nor after a line's first word (a list marker's meaning depends
//!   on whether text follows it), and with the flanking of every delimiter before it known;
//! - when the text before parses, on its own, as one paragraph that leaves nothing open
//!   for later text to close: no `*`, `_` or `~` run that can open emphasis, no lone
//!   backtick run, no unclosed `[` or `](`, no `<` that could start HTML;
//! - not after a `|` on the same line (a table's header row may be forming).
//!
//! The inline text before the cut is then final, and so are its wrapped lines but the
//! last (greedy wrapping never takes back a break: `wrap::wrap_open`); only that last
//! line and the text after the cut are laid out again per update. When the text after
//! the cut stops being one paragraph (a setext underline, a table, a list interrupting
//! it), `grow` returns `None` and the caller renders the block whole.
//!
//! A run that can open emphasis but never closes ("costs ~30% more") would hold the cut
//! back for good; past `FORCE_BYTES` the cut moves anyway, and the paragraph is marked
//! approximate: a closer arriving later would not restyle text committed before it, so
//! the caller lays the answer out whole once more when it ends.
//!
//! Owns: the cut rule and the pieces' bookkeeping. Does not own: where blocks end
//! (`stable`), styling inline text (`renderer`), wrapping (`view::wrap`).
#![deny(clippy::indexing_slicing)]

use std::ops::Range;

use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use ratatui::text::Line;

use super::dialect::options;
use super::renderer::Renderer;
use crate::view::theme::Theme;
use crate::view::wrap::{is_blank, wrap, wrap_open, StyledText, WrapMode};

/// Text after the cut that may be laid out again per update before the cut moves on.
const REWRAP_BYTES: usize = 160;
/// Text after the cut beyond which the cut moves on even past an open delimiter.
const FORCE_BYTES: usize = 512;

/// The pieces of one streaming top-level paragraph (the text starts at the paragraph).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct OpenParagraph {
    /// Bytes of the paragraph whose inline text is final.
    cut: usize,
    /// The paragraph's length at which to try moving the cut again.
    retry_at: usize,
    /// The inline text of the last wrapped line before the cut, still open.
    carry: StyledText,
    /// Whether a cut was forced past an open delimiter.
    approximate: bool,
    /// Whether a line with content was handed out (blank lines before one are dropped).
    started: bool,
}

/// What one update laid out.
#[derive(Debug, Default, PartialEq)]
pub struct Grown {
    /// Lines that became final with this update: they never change again.
    pub done: Vec<Line<'static>>,
    /// The lines after them, laid out again by the next update.
    pub open: Vec<Line<'static>>,
}

impl OpenParagraph {
    /// Lays out `text`, the paragraph so far (it only grows, by appending): the lines
    /// that became final since the last call and the open lines after all final ones.
    /// Their concatenation over the calls is `markdown::render(text)`. `None` when
    /// `text` is not (or no longer) one paragraph: render it whole, and drop this.
    pub fn grow(&mut self, text: &str, width: u16, theme: &Theme) -> Option<Grown> {
        if width == 0 || text.len() <= self.cut || text.trim().is_empty() {
            return None;
        }
        let mut done = Vec::new();
        if text.len() >= self.retry_at && text.len() - self.cut > REWRAP_BYTES {
            self.advance(text, width, theme, &mut done);
        }
        let mut open = self.carry.clone();
        open.append(&inline(text.get(self.cut..)?, theme)?.0);
        let mut open = wrap(&open, width, WrapMode::Words, &[], &[]);
        // A top-level block has no blank lines at its edges (`blocks`): a hard break
        // can make one at either end.
        if !self.started {
            let lead = open.iter().take_while(|l| is_blank(l)).count();
            open.drain(..lead);
        }
        while open.last().is_some_and(is_blank) {
            open.pop();
        }
        Some(Grown { done, open })
    }

    /// Whether a forced cut may have left the lines different from a whole render.
    pub fn approximate(&self) -> bool {
        self.approximate
    }

    /// Moves the cut as far on as the rule allows, handing out the lines it makes final.
    fn advance(&mut self, text: &str, width: u16, theme: &Theme, done: &mut Vec<Line<'static>>) {
        let behind = text.len() - self.cut;
        let Some(cut) = last_cut(text, self.cut) else {
            self.retry_at = text.len() + REWRAP_BYTES / 4;
            return;
        };
        let segment = text.get(self.cut..cut).unwrap_or_default();
        let (mut piece, open) = match inline(segment, theme) {
            Some((piece, false)) => (piece, false),
            Some((piece, true)) if behind > FORCE_BYTES => (piece, true),
            _ => {
                // Something is still open: try again once as much text again has come,
                // so a delimiter that never closes costs linear work in all.
                self.retry_at = text.len() + behind;
                return;
            }
        };
        self.approximate |= open;
        // The space at the cut, outside any inline style (none is open there).
        piece.push(" ", theme.text);
        self.carry.append(&piece);
        self.cut = cut;
        let (lines, open) = wrap_open(&self.carry, width);
        if let Some((final_lines, at)) = open.filter(|(n, _)| *n > 0) {
            if let Some(carry) = self.carry.tail_from(at) {
                for line in lines.into_iter().take(final_lines) {
                    self.started |= !is_blank(&line);
                    if self.started {
                        done.push(line);
                    }
                }
                self.carry = carry;
            }
        }
    }
}

/// The last place after `from` where the paragraph may be cut: just after a single
/// space that follows a word and precedes a letter or digit, with no `|` before it on
/// its line.
fn last_cut(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = text.len().checked_sub(1)?;
    while i > from {
        let at = |k: usize| bytes.get(k).copied().unwrap_or(b'\n');
        if at(i) == b'\n' {
            // A line before this one may still hold a cut; keep going.
        } else if at(i) == b' '
            && !matches!(at(i - 1), b' ' | b'\t' | b'\n' | b'\r' | b'\\')
            && text
                .get(i + 1..)
                .and_then(|s| s.chars().next())
                .is_some_and(char::is_alphanumeric)
        {
            let line = text.get(..i).map_or(0, |s| s.rfind('\n').map_or(0, |n| n + 1));
            let before = text.get(line..i).unwrap_or("|");
            // Not after a line's first word: it may be a block marker whose meaning
            // depends on what follows ("1. " alone is paragraph text, "1. one" starts a
            // list that interrupts the paragraph; likewise "-", "+", "*").
            let first_word = !before.trim_start().contains([' ', '\t']);
            if !before.contains('|') && !first_word {
                return Some(i + 1);
            }
        }
        i -= 1;
    }
    None
}

/// The inline text of `src` when it parses as one paragraph and nothing else, and
/// whether it leaves a delimiter open; else `None`.
fn inline(src: &str, theme: &Theme) -> Option<(StyledText, bool)> {
    let parser = Parser::new_ext(src, options());
    if parser.reference_definitions().iter().next().is_some() {
        return None;
    }
    let events: Vec<(Event<'_>, Range<usize>)> = parser.into_offset_iter().collect();
    if !is_one_paragraph(&events) {
        return None;
    }
    let open = leaves_open(src, &events);
    let text = Renderer::new(1, theme).inline(events.into_iter().map(|(e, _)| e).collect());
    Some((text, open))
}

fn is_one_paragraph(events: &[(Event<'_>, Range<usize>)]) -> bool {
    let starts = matches!(events.first(), Some((Event::Start(Tag::Paragraph), _)));
    let mut depth = 0usize;
    for (i, (event, _)) in events.iter().enumerate() {
        match event {
            Event::Start(_) => depth += 1,
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if depth == 0 && i + 1 != events.len() {
                    return false;
                }
            }
            _ if depth == 0 => return false,
            _ => {}
        }
    }
    starts && matches!(events.last(), Some((Event::End(TagEnd::Paragraph), _)))
}

/// Whether any text the parser left as literal could still become markup once more
/// text comes: a delimiter that can open, a lone backtick run, an unclosed bracket, a
/// `](` (a link whose destination or title is unfinished), a `<` that starts a tag.
fn leaves_open(src: &str, events: &[(Event<'_>, Range<usize>)]) -> bool {
    let bytes = src.as_bytes();
    let at = |k: usize| bytes.get(k).copied();
    let mut brackets = 0usize;
    for (event, range) in events {
        if !matches!(event, Event::Text(_)) {
            continue;
        }
        for i in range.clone() {
            let escaped = bytes
                .get(..i)
                .unwrap_or_default()
                .iter()
                .rev()
                .take_while(|&&b| b == b'\\')
                .count()
                % 2
                == 1;
            match at(i) {
                _ if escaped => {}
                Some(d @ (b'*' | b'_' | b'~')) if can_open(src, i, d) => return true,
                Some(b'`') => return true,
                Some(b'[') => brackets += 1,
                Some(b']') => {
                    brackets = brackets.saturating_sub(1);
                    if at(i + 1) == Some(b'(') {
                        return true;
                    }
                }
                Some(b'<') if at(i + 1).is_some_and(|b| b.is_ascii_alphabetic() || b"/!?".contains(&b)) => {
                    return true
                }
                _ => {}
            }
        }
    }
    brackets > 0
}

/// Whether the delimiter run of `d` holding byte `i` can open emphasis (CommonMark's
/// left-flanking rule, and for `_` not inside a word).
fn can_open(src: &str, i: usize, d: u8) -> bool {
    let bytes = src.as_bytes();
    let start = bytes
        .get(..i)
        .map_or(i, |b| i - b.iter().rev().take_while(|&&c| c == d).count());
    let end = i + bytes
        .get(i..)
        .map_or(0, |b| b.iter().take_while(|&&c| c == d).count());
    let prev = src.get(..start).and_then(|s| s.chars().next_back());
    let next = src.get(end..).and_then(|s| s.chars().next());
    let space = |c: Option<char>| c.is_none_or(char::is_whitespace);
    let punct = |c: Option<char>| c.is_some_and(|c| !c.is_alphanumeric() && !c.is_whitespace());
    let left = !space(next) && (!punct(next) || space(prev) || punct(prev));
    let right = !space(prev) && (!punct(prev) || space(next) || punct(next));
    match d {
        b'_' => left && (!right || punct(prev)),
        _ => left,
    }
}

#[cfg(test)]
mod tests;

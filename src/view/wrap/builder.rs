//! Line building for `wrap`: where each word and grapheme goes, when a line breaks,
//! how a prefix is placed (lazily, cut when it would leave no room), tab expansion.
//! Owns: the invariant that no line exceeds the width and every step makes progress.
//! Does not own: splitting text into words (the parent module).
#![deny(clippy::indexing_slicing)]

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::{
    grapheme_width, graphemes, spans_width, trim_end, truncate, Graphemes, StyledText, TAB_WIDTH, TOO_WIDE,
};

/// A word: a byte range of the text, its width, whether it holds a tab.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Word {
    pub(super) start: usize,
    pub(super) end: usize,
    pub(super) width: usize,
    pub(super) tab: bool,
}

impl Word {
    /// An empty word that starts at byte `start`.
    pub(super) fn at(start: usize) -> Word {
        Word {
            start,
            end: start,
            width: 0,
            tab: false,
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Class {
    Break,
    Space(usize),
    Tab,
    /// Two or more columns: a break may go on either side.
    Wide(usize),
    Char(usize),
}

pub(super) fn classify(g: &str) -> Class {
    match g.as_bytes() {
        b"\n" => Class::Break,
        b" " => Class::Space(1),
        b"\t" => Class::Tab,
        [b] if b.is_ascii() => Class::Char(grapheme_width(g)),
        _ if is_breaking_space(g) => Class::Space(grapheme_width(g)),
        _ => match grapheme_width(g) {
            w @ 2.. => Class::Wide(w),
            w => Class::Char(w),
        },
    }
}

fn is_breaking_space(g: &str) -> bool {
    // No-break spaces are typography's way of saying "do not break here".
    g.chars()
        .all(|c| c.is_whitespace() && !matches!(c, '\u{a0}' | '\u{2007}' | '\u{202f}'))
}

/// Accumulates lines. The prefix of a line is placed lazily, with its first content, so
/// that it can be shortened when it would not leave room for that content.
pub(super) struct Builder<'p> {
    text: &'p StyledText,
    width: usize,
    first_prefix: &'p [Span<'static>],
    rest_prefix: &'p [Span<'static>],
    lines: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    cur: String,
    cur_style: Style,
    /// Column after what is placed, counting the (possibly pending) prefix.
    col: usize,
    /// Width of the prefix as placed (or as it will be, while pending).
    prefix_width: usize,
    prefix_pending: bool,
    pub(super) has_content: bool,
    /// Cursor into `text.runs` for style lookups, and where that run starts.
    run: usize,
    run_start: usize,
    /// Where the current line's content starts in the text, when it starts with a whole
    /// word (or the whitespace kept before one); `None` when it continues a word cut at
    /// the end of the line before.
    pub(super) line_start: Option<usize>,
}

impl<'p> Builder<'p> {
    pub(super) fn new(
        text: &'p StyledText,
        width: usize,
        first_prefix: &'p [Span<'static>],
        rest_prefix: &'p [Span<'static>],
    ) -> Self {
        let prefix_width = spans_width(first_prefix);
        Self {
            text,
            width,
            first_prefix,
            rest_prefix,
            lines: Vec::new(),
            spans: Vec::new(),
            cur: String::new(),
            cur_style: Style::new(),
            col: prefix_width,
            prefix_width,
            prefix_pending: true,
            has_content: false,
            run: 0,
            run_start: 0,
            line_start: Some(0),
        }
    }

    fn fits(&self, w: usize) -> bool {
        self.col + w <= self.width
    }

    /// Places the pending prefix, cut so that `need` more columns still fit.
    fn place_prefix(&mut self, need: usize) {
        self.prefix_pending = false;
        let prefix = if self.lines.is_empty() {
            self.first_prefix
        } else {
            self.rest_prefix
        };
        if self.prefix_width + need <= self.width {
            self.spans.extend(prefix.iter().cloned());
        } else {
            self.spans
                .extend(truncate(prefix.to_vec(), self.width.saturating_sub(need)));
            self.prefix_width = spans_width(&self.spans);
        }
        self.col = self.prefix_width;
    }

    fn push_str(&mut self, s: &str, style: Style) {
        if style != self.cur_style && !self.cur.is_empty() {
            self.flush();
        }
        self.cur_style = style;
        self.cur.push_str(s);
    }

    fn flush(&mut self) {
        if !self.cur.is_empty() {
            self.spans
                .push(Span::styled(std::mem::take(&mut self.cur), self.cur_style));
        }
    }

    /// Puts one grapheme on the current line, which the caller knows it fits (or which is
    /// empty: then the grapheme goes in regardless, so every call makes progress).
    fn put(&mut self, g: &str, width: usize, style: Style) {
        let (g, width) = if width > self.width {
            (TOO_WIDE, 1)
        } else {
            (g, width)
        };
        if self.prefix_pending {
            self.place_prefix(width);
        }
        self.push_str(g, style);
        self.col += width;
        self.has_content = true;
    }

    /// Tabs expand to the next stop, counted from the end of the prefix.
    fn tab_width(&self, col: usize) -> usize {
        TAB_WIDTH - col.saturating_sub(self.prefix_width) % TAB_WIDTH
    }

    /// The style at byte `at`; `run` is a cursor that only moves forward.
    fn style_at(&mut self, at: usize) -> Style {
        let runs = &self.text.runs;
        if runs.get(self.run).is_none_or(|r| r.end <= at) || self.run_start > at {
            self.run = runs.partition_point(|r| r.end <= at);
        }
        self.run_start = self
            .run
            .checked_sub(1)
            .and_then(|i| runs.get(i))
            .map_or(0, |r| r.end);
        runs.get(self.run).map_or(Style::new(), |r| r.style)
    }

    /// Places `text[start..end]` grapheme by grapheme, breaking lines where one does not
    /// fit if `wrap`; tabs expand.
    pub(super) fn place_chars(&mut self, start: usize, end: usize, wrap: bool) {
        let text = self.text;
        let src = text.text.as_str();
        let mut pos = start;
        while pos < end {
            let style = self.style_at(pos);
            let run_end = text.runs.get(self.run).map_or(end, |r| r.end).min(end);
            // Printable ASCII goes in bulk, as much as the line holds (see `wrap`).
            let stretch = src.as_bytes().get(pos..run_end).unwrap_or(&[]);
            let mut n = stretch
                .iter()
                .take_while(|b| b.is_ascii_graphic() || **b == b' ')
                .count();
            if src.as_bytes().get(pos + n).is_some_and(|b| !b.is_ascii()) {
                n = n.saturating_sub(1);
            }
            if n > 0 {
                if wrap && self.has_content && !self.fits(1) {
                    self.newline();
                }
                if self.prefix_pending {
                    self.place_prefix(1);
                }
                let n = if wrap {
                    n.min(self.width.saturating_sub(self.col)).max(1)
                } else {
                    n
                };
                self.push_str(src.get(pos..pos + n).unwrap_or(""), style);
                (self.col, self.has_content, pos) = (self.col + n, true, pos + n);
                continue;
            }
            let Some((_, g)) = (Graphemes { s: src, pos }).next() else {
                break;
            };
            pos += g.len();
            if g == "\n" {
                self.newline();
                continue;
            }
            let tab = g == "\t";
            let w = if tab {
                self.tab_width(self.col)
            } else {
                grapheme_width(g)
            };
            if wrap && self.has_content && !self.fits(w) {
                self.newline();
            }
            if tab {
                let w = self
                    .tab_width(self.col)
                    .min(self.width.saturating_sub(self.col))
                    .max(1);
                self.put(&" ".repeat(w), w, style);
            } else {
                self.put(g, w, style);
            }
        }
    }

    /// Places a word that fits, one slice per style run.
    fn place_fitting(&mut self, word: Word) {
        if word.tab {
            return self.place_chars(word.start, word.end, false);
        }
        if self.prefix_pending {
            self.place_prefix(word.width);
        }
        let text = self.text;
        let mut at = word.start;
        while at < word.end {
            let style = self.style_at(at);
            let until = text
                .runs
                .get(self.run)
                .map_or(word.end, |r| r.end)
                .clamp(at + 1, word.end);
            self.push_str(text.text.get(at..until).unwrap_or(""), style);
            at = until;
        }
        self.col += word.width;
        self.has_content = true;
    }

    /// Places the whitespace before a word and the word, breaking the line first if
    /// they do not fit. Leading whitespace survives only at the start of a paragraph.
    pub(super) fn place_word(&mut self, space: (usize, usize), word: Word, keep_leading: bool) {
        if word.is_empty() {
            return;
        }
        let gap = self.text.text.get(space.0..space.1).unwrap_or("");
        let space_width = if gap.bytes().all(|b| b == b' ') {
            gap.len()
        } else {
            let mut col = self.col;
            for (_, g) in graphemes(gap) {
                col += if g == "\t" {
                    self.tab_width(col)
                } else {
                    grapheme_width(g)
                };
            }
            col - self.col
        };
        if (self.has_content || keep_leading) && self.fits(space_width + word.width) {
            if !self.has_content {
                self.line_start = Some(space.0);
            }
            if gap == " " {
                let style = self.style_at(space.0);
                self.put(" ", 1, style);
            } else {
                self.place_chars(space.0, space.1, false);
            }
        } else if self.has_content {
            self.newline();
        } else if self.lines.is_empty()
            && !self.fits(word.width)
            && spans_width(self.rest_prefix) + word.width <= self.width
        {
            // A first prefix wider than the rest (a "label: ") may stand alone, so the
            // word moves down whole instead of being cut.
            self.newline();
        }
        if !self.has_content {
            self.line_start = Some(word.start);
        }
        if self.fits(word.width) {
            self.place_fitting(word);
        } else {
            self.place_chars(word.start, word.end, true);
        }
    }

    pub(super) fn newline(&mut self) {
        if self.prefix_pending {
            self.place_prefix(0);
        }
        self.flush();
        if !self.has_content {
            trim_end(&mut self.spans);
        }
        self.lines.push(Line::from(std::mem::take(&mut self.spans)));
        self.prefix_width = spans_width(self.rest_prefix);
        self.col = self.prefix_width;
        self.prefix_pending = true;
        self.has_content = false;
        self.line_start = None;
    }

    pub(super) fn finish(mut self) -> Vec<Line<'static>> {
        if self.has_content || self.lines.is_empty() {
            self.newline();
        }
        self.lines
    }
}

//! How blocks become lines: container prefixes (quote bars, list markers and their
//! hanging indents), the one blank line between sibling blocks, code blocks, tables and
//! rules under those prefixes, and the top-level join rule — each top-level block is laid
//! out on its own, trimmed of blank edges, dropped if empty, and joined to the previous
//! one by one blank line.
//!
//! Owns: the lines laid out so far, the stack of open containers (`Frame`) with the
//! glyphs that draw them, and those layout rules. Does not own: which events open or
//! close which block, nor the leaf being collected and its inline text (`renderer`);
//! list numbering plans (`lists`); wrapping (`view::wrap`); table layout (`view::table`).
#![deny(clippy::indexing_slicing)]

use std::borrow::Cow;

use ratatui::text::{Line, Span};

use crate::view::highlight::{self, CodeMemo};
use crate::view::table::{self, Table};
use crate::view::theme::Theme;
use crate::view::wrap::{self, StyledText, WrapMode};

const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];
const QUOTE_BAR: &str = "▎ ";
const CODE_GUTTER: &str = "│ ";

/// A container the current block sits in; each adds to the lines' prefixes.
#[derive(Debug)]
pub(super) enum Frame {
    Quote {
        blocks: usize,
    },
    List {
        next: u64,
        number_width: usize,
        loose: bool,
        items: u64,
        level: usize,
    },
    Item {
        first: Span<'static>,
        rest: Span<'static>,
        first_pending: bool,
        blocks: usize,
        loose: bool,
    },
}

/// The lines of one `render` call as they are laid out, and the containers open around
/// the next one.
pub(super) struct Layout<'t> {
    width: u16,
    theme: &'t Theme,
    out: Vec<Line<'static>>,
    /// Innermost last. The renderer pushes and pops; every line takes its prefixes.
    pub(super) stack: Vec<Frame>,
    /// The open top-level block: where its separator went, where its lines start.
    top: Option<(usize, usize)>,
    /// What the message's code blocks were highlighted to before (none: start afresh).
    code: Option<&'t mut CodeMemo>,
}

impl<'t> Layout<'t> {
    pub(super) fn new(width: u16, theme: &'t Theme, code: Option<&'t mut CodeMemo>) -> Self {
        Self {
            width,
            theme,
            out: Vec::new(),
            stack: Vec::new(),
            top: None,
            code,
        }
    }

    /// Closes the last top-level block and hands over the lines.
    pub(super) fn finish(mut self) -> Vec<Line<'static>> {
        self.end_top();
        self.out
    }

    /// A block starts in the innermost container: separate it from its predecessor.
    /// An implicit paragraph before it must be flushed first (`renderer` does).
    pub(super) fn begin_block(&mut self) {
        let spaced = match self.stack.last_mut() {
            None => {
                self.start_top();
                return;
            }
            Some(Frame::Quote { blocks }) => {
                *blocks += 1;
                *blocks > 1
            }
            Some(Frame::Item { blocks, loose, .. }) => {
                *blocks += 1;
                *blocks > 1 && *loose
            }
            Some(Frame::List { .. }) => false,
        };
        if spaced {
            self.emit_blank();
        }
    }

    /// Opens an item in the innermost list: its marker, and the hanging indent after it.
    /// An implicit paragraph before it must be flushed first (`renderer` does).
    pub(super) fn start_item(&mut self) {
        let Some(Frame::List {
            next,
            number_width,
            loose,
            items,
            level,
        }) = self.stack.last_mut()
        else {
            return;
        };
        let spaced = *items > 0 && *loose;
        *items += 1;
        // Bullets are static strings: prefixes are cloned onto every line.
        let marker: Cow<'static, str> = if *number_width > 0 {
            let n = *next;
            *next = next.saturating_add(1);
            format!("{n:>w$}. ", w = *number_width).into()
        } else {
            BULLETS
                .get(*level % BULLETS.len())
                .copied()
                .unwrap_or("• ")
                .into()
        };
        let loose = *loose;
        if spaced {
            self.emit_blank();
        }
        let rest = wrap::spaces(wrap::display_width(&marker));
        let first = Span::styled(marker, self.theme.list_marker);
        self.stack.push(Frame::Item {
            first,
            rest,
            first_pending: true,
            blocks: 0,
            loose,
        });
    }

    /// The prefixes for the next line and for the lines after it.
    fn prefixes(&self) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
        let mut first = Vec::new();
        let mut rest = Vec::new();
        for frame in &self.stack {
            match frame {
                Frame::Quote { .. } => {
                    first.push(Span::styled(QUOTE_BAR, self.theme.quote));
                    rest.push(Span::styled(QUOTE_BAR, self.theme.quote));
                }
                Frame::Item {
                    first: f,
                    rest: r,
                    first_pending,
                    ..
                } => {
                    first.push(if *first_pending { f.clone() } else { r.clone() });
                    rest.push(r.clone());
                }
                Frame::List { .. } => {}
            }
        }
        (first, rest)
    }

    /// Wraps `inline` as one paragraph, with extra prefixes after the containers' (a
    /// heading's marks).
    pub(super) fn paragraph(
        &mut self,
        inline: &StyledText,
        first_extra: &[Span<'static>],
        rest_extra: &[Span<'static>],
    ) {
        let (mut first, mut rest) = self.prefixes();
        first.extend_from_slice(first_extra);
        rest.extend_from_slice(rest_extra);
        let lines = wrap::wrap(inline, self.width, WrapMode::Words, &first, &rest);
        self.emit(lines);
    }

    pub(super) fn code_block(&mut self, label: &str, body: &str) {
        let (first, rest) = self.prefixes();
        let border = self.theme.code_block_border;
        let gutter = |mut p: Vec<Span<'static>>| {
            p.push(Span::styled(CODE_GUTTER, border));
            p
        };
        let width = usize::from(self.width);
        let mut lines = Vec::new();
        if !label.is_empty() {
            let mut spans = first.clone();
            spans.push(Span::styled(format!("┌ {}", wrap::sanitize(label, ' ')), border));
            lines.push(Line::from(wrap::truncate(spans, width)));
        }
        let mut fresh = CodeMemo::default();
        let memo = match self.code.as_deref_mut() {
            Some(memo) => memo,
            None => &mut fresh,
        };
        let coloured = memo.colour(label, body);
        let mut code = StyledText::new();
        for (i, line) in body.strip_suffix('\n').unwrap_or(body).split('\n').enumerate() {
            let line_first = gutter(if lines.is_empty() {
                first.clone()
            } else {
                rest.clone()
            });
            let line = line.strip_suffix('\r').unwrap_or(line);
            if line.is_empty() {
                lines.push(wrap::prefix_line(&line_first, width));
                continue;
            }
            code.clear();
            match coloured.as_ref().and_then(|c| c.line(i)) {
                Some(runs) => highlight::push_line(&mut code, line, runs, self.theme),
                None => code.push(line, self.theme.code_block),
            }
            lines.extend(wrap::wrap(
                &code,
                self.width,
                WrapMode::Anywhere,
                &line_first,
                &gutter(rest.clone()),
            ));
        }
        self.emit(lines);
    }

    pub(super) fn table(&mut self, table: &Table) {
        let (first, rest) = self.prefixes();
        let lines = table::render(table, self.width, self.theme, &first, &rest);
        self.emit(lines);
    }

    pub(super) fn rule(&mut self) {
        let (first, _) = self.prefixes();
        let width = usize::from(self.width);
        let len = width.saturating_sub(wrap::spans_width(&first)).max(1);
        let mut spans = first;
        spans.push(Span::styled("─".repeat(len), self.theme.rule));
        self.emit(vec![Line::from(wrap::truncate(spans, width))]);
    }

    fn emit(&mut self, lines: Vec<Line<'static>>) {
        if lines.is_empty() {
            return;
        }
        self.out.extend(lines);
        for frame in &mut self.stack {
            if let Frame::Item { first_pending, .. } = frame {
                *first_pending = false;
            }
        }
    }

    /// The blank line between blocks inside containers: only their bars remain.
    pub(super) fn emit_blank(&mut self) {
        let (_, rest) = self.prefixes();
        self.out.push(wrap::prefix_line(&rest, usize::from(self.width)));
    }

    /// An empty quote or list item still shows its bar or marker.
    pub(super) fn emit_blank_with_first(&mut self) {
        let (first, _) = self.prefixes();
        let line = wrap::prefix_line(&first, usize::from(self.width));
        self.emit(vec![line]);
    }

    fn start_top(&mut self) {
        self.end_top();
        let separator = self.out.len();
        if !self.out.is_empty() {
            self.out.push(Line::default());
        }
        self.top = Some((separator, self.out.len()));
    }

    /// Closes the top-level block: its own blank edges go, and an empty block leaves no
    /// trace (not even its separator), keeping the join rule exact.
    pub(super) fn end_top(&mut self) {
        let Some((separator, start)) = self.top.take() else {
            return;
        };
        let start = start.min(self.out.len());
        while self.out.len() > start && self.out.last().is_some_and(wrap::is_blank) {
            self.out.pop();
        }
        let lead = self
            .out
            .get(start..)
            .map_or(0, |b| b.iter().take_while(|l| wrap::is_blank(l)).count());
        self.out.drain(start..start + lead);
        if self.out.len() == start {
            self.out.truncate(separator);
        }
    }
}

//! Renders an assistant's markdown into styled, wrapped terminal lines.
//!
//! Owns: the mapping of CommonMark (+ tables, strikethrough, task lists) to lines for one
//! width and theme, and — in `stable` — where a streaming text can be split so that the
//! part before never re-lays-out. Invariants: top-level blocks are rendered
//! independently and joined by exactly one blank line (`Line::default()`), with no blank
//! line at either end, so `render(a ++ b) == render(a) ++ [blank] ++ render(b)` at every
//! [`stable_prefix_len`] boundary; no line is wider than `width`; no control character
//! reaches a span. Does not own: caching (the conversation view's cache), sanitising
//! escape sequences (done where remote text enters state), table layout (`table`).
//!
//! One deliberate departure from CommonMark: link reference definitions (`[x]: /url`)
//! are shown as written and never resolve, since a definition arriving later in a stream
//! would otherwise rewrite lines already committed above it.
#![deny(clippy::indexing_slicing)]

mod stable;
#[cfg(test)]
mod tests;

use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::table::{self, Table};
use super::theme::Theme;
use super::wrap::{self, StyledText, WrapMode};

pub use stable::{stable_prefix_len, stable_prefix_len_from};

const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];
const QUOTE_BAR: &str = "▎ ";
const CODE_GUTTER: &str = "│ ";

/// The markdown dialect: CommonMark plus GFM tables, strikethrough and task lists.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Renders `text` into lines of at most `width` columns.
pub fn render(text: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    if width == 0 || text.trim().is_empty() {
        return Vec::new();
    }
    let parser = Parser::new_ext(text, options());
    if parser.reference_definitions().iter().next().is_none() {
        return Renderer::new(width, theme).run(parser.collect());
    }
    let neutral = stable::neutralize(text);
    Renderer::new(width, theme).run(Parser::new_ext(&neutral.text, options()).collect())
}

/// What the pre-pass learns about each list, in the order lists start.
#[derive(Debug, Clone, Copy, Default)]
struct ListPlan {
    items: u64,
    loose: bool,
}

/// Counts items (to right-align numbers) and finds loose lists (blank lines between
/// items) before rendering, since both are known only at a list's end.
fn plan_lists(events: &[Event<'_>]) -> Vec<ListPlan> {
    let mut plans: Vec<ListPlan> = Vec::new();
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    for event in events {
        match event {
            Event::Start(tag) => {
                let parent = open.last().copied();
                match tag {
                    Tag::List(_) => {
                        open.push((plans.len(), depth));
                        plans.push(ListPlan::default());
                    }
                    Tag::Item => {
                        if let Some(plan) = parent
                            .filter(|p| p.1 + 1 == depth)
                            .and_then(|p| plans.get_mut(p.0))
                        {
                            plan.items += 1;
                        }
                    }
                    Tag::Paragraph => {
                        if let Some(plan) = parent
                            .filter(|p| p.1 + 2 == depth)
                            .and_then(|p| plans.get_mut(p.0))
                        {
                            plan.loose = true;
                        }
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if matches!(end, TagEnd::List(_)) {
                    open.pop();
                }
            }
            _ => {}
        }
    }
    plans
}

/// A container the current block sits in; each adds to the lines' prefixes.
#[derive(Debug)]
enum Frame {
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

/// The leaf block being collected.
#[derive(Debug)]
enum Leaf {
    None,
    Paragraph,
    /// Inline text directly inside a tight list item.
    Implicit,
    Heading,
    Code {
        label: String,
        body: String,
    },
    Html(String),
    Table {
        table: Table,
        row: Vec<StyledText>,
        in_head: bool,
    },
}

struct Renderer<'t> {
    width: u16,
    theme: &'t Theme,
    out: Vec<Line<'static>>,
    stack: Vec<Frame>,
    leaf: Leaf,
    inline: StyledText,
    styles: Vec<Style>,
    /// Open links: where their text starts in `inline`, and their URL.
    links: Vec<(usize, String)>,
    /// Whether the next event closes an image (so its alt text is empty).
    next_ends_image: bool,
    plans: std::vec::IntoIter<ListPlan>,
    depth: usize,
    /// The open top-level block: where its separator went, where its lines start.
    top: Option<(usize, usize)>,
}

impl<'t> Renderer<'t> {
    fn new(width: u16, theme: &'t Theme) -> Self {
        Self {
            width,
            theme,
            out: Vec::new(),
            stack: Vec::new(),
            leaf: Leaf::None,
            inline: StyledText::new(),
            styles: Vec::new(),
            links: Vec::new(),
            next_ends_image: false,
            plans: Vec::new().into_iter(),
            depth: 0,
            top: None,
        }
    }

    fn run(mut self, events: Vec<Event<'_>>) -> Vec<Line<'static>> {
        self.plans = plan_lists(&events).into_iter();
        let mut events = events.into_iter().peekable();
        while let Some(event) = events.next() {
            self.next_ends_image = matches!(events.peek(), Some(Event::End(TagEnd::Image)));
            self.event(event);
        }
        self.close_implicit();
        self.end_top();
        self.out
    }

    fn event(&mut self, event: Event<'_>) {
        match event {
            Event::Start(tag) => {
                self.start(tag);
                self.depth += 1;
            }
            Event::End(tag) => {
                self.depth = self.depth.saturating_sub(1);
                self.end(tag);
                if self.depth == 0 {
                    self.end_top();
                }
            }
            Event::Text(t) => match &mut self.leaf {
                Leaf::Code { body, .. } => body.push_str(&t),
                Leaf::Html(html) => html.push_str(&t),
                _ => self.push_text(&t, self.style()),
            },
            Event::Code(t) => {
                let style = self.style().patch(self.theme.code_inline);
                self.ensure_leaf();
                if self.theme.mark_inline_code {
                    self.inline.push_glued(&format!("`{t}`"), style);
                } else {
                    self.inline.push_glued(&t, style);
                }
            }
            Event::Html(t) | Event::InlineHtml(t) => match &mut self.leaf {
                Leaf::Html(html) => html.push_str(&t),
                _ => self.push_text(&t, self.style()),
            },
            Event::InlineMath(t) | Event::DisplayMath(t) => self.push_text(&t, self.style()),
            Event::FootnoteReference(t) => self.push_text(&format!("[^{t}]"), self.style()),
            Event::SoftBreak => self.push_text(" ", self.style()),
            Event::HardBreak => {
                self.ensure_leaf();
                self.inline.push_break();
            }
            Event::Rule => {
                self.begin_block();
                self.rule();
                if self.depth == 0 {
                    self.end_top();
                }
            }
            Event::TaskListMarker(done) => {
                self.push_text(if done { "[x] " } else { "[ ] " }, self.theme.list_marker);
            }
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        match tag {
            Tag::Paragraph => self.begin_leaf(Leaf::Paragraph),
            Tag::Heading { level, .. } => {
                self.begin_leaf(Leaf::Heading);
                self.styles.push(self.theme.heading(level as u8));
            }
            Tag::CodeBlock(kind) => {
                let label = match kind {
                    CodeBlockKind::Fenced(info) => info.split_whitespace().next().unwrap_or("").to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.begin_leaf(Leaf::Code {
                    label,
                    body: String::new(),
                });
            }
            Tag::HtmlBlock => self.begin_leaf(Leaf::Html(String::new())),
            Tag::Table(alignments) => {
                let table = Table {
                    alignments,
                    ..Table::default()
                };
                self.begin_leaf(Leaf::Table {
                    table,
                    row: Vec::new(),
                    in_head: false,
                });
            }
            Tag::TableHead => {
                if let Leaf::Table { in_head, .. } = &mut self.leaf {
                    *in_head = true;
                }
                self.styles.push(self.theme.table_header);
            }
            Tag::TableRow => {}
            Tag::TableCell => self.inline.clear(),
            Tag::BlockQuote(_) => {
                self.begin_block();
                self.stack.push(Frame::Quote { blocks: 0 });
            }
            Tag::List(start) => {
                self.begin_block();
                let plan = self.plans.next().unwrap_or_default();
                let level = self
                    .stack
                    .iter()
                    .filter(|f| matches!(f, Frame::List { .. }))
                    .count();
                let (next, number_width) = match start {
                    Some(n) => (n, digits(n.saturating_add(plan.items.saturating_sub(1)))),
                    None => (u64::MAX, 0),
                };
                self.stack.push(Frame::List {
                    next,
                    number_width,
                    loose: plan.loose,
                    items: 0,
                    level,
                });
            }
            Tag::Item => self.start_item(),
            Tag::Emphasis => self.styles.push(self.theme.emphasis),
            Tag::Strong => self.styles.push(self.theme.strong),
            Tag::Strikethrough => self.styles.push(self.theme.strikethrough),
            Tag::Link { dest_url, .. } => {
                self.ensure_leaf();
                self.links.push((self.inline.len(), dest_url.to_string()));
                self.styles.push(self.theme.link);
            }
            Tag::Image { .. } => {
                let label = if self.next_ends_image {
                    "[image"
                } else {
                    "[image: "
                };
                self.push_text(label, self.style().patch(self.theme.muted));
                self.styles.push(self.theme.muted);
            }
            // Not enabled in `options`; their content still renders, as plain blocks.
            Tag::FootnoteDefinition(_)
            | Tag::DefinitionList
            | Tag::DefinitionListTitle
            | Tag::DefinitionListDefinition
            | Tag::MetadataBlock(_)
            | Tag::Superscript
            | Tag::Subscript => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Paragraph => self.flush_inline(&[], &[]),
            TagEnd::Heading(level) => {
                self.styles.pop();
                let marks = "#".repeat(level as usize);
                let first = Span::styled(format!("{marks} "), self.theme.heading(level as u8));
                let rest = wrap::spaces(marks.len() + 1);
                self.flush_inline(&[first], &[rest]);
            }
            TagEnd::CodeBlock => {
                if let Leaf::Code { label, body } = std::mem::replace(&mut self.leaf, Leaf::None) {
                    self.code_block(&label, &body);
                }
            }
            TagEnd::HtmlBlock => {
                if let Leaf::Html(html) = std::mem::replace(&mut self.leaf, Leaf::None) {
                    for line in html.trim_end_matches(['\n', '\r']).split('\n') {
                        if line.trim().is_empty() {
                            self.emit_blank();
                        } else {
                            self.inline.push(line, self.theme.text);
                            self.flush_inline(&[], &[]);
                        }
                    }
                }
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline);
                if let Leaf::Table { row, .. } = &mut self.leaf {
                    row.push(cell);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if matches!(tag, TagEnd::TableHead) {
                    self.styles.pop();
                }
                if let Leaf::Table { table, row, in_head } = &mut self.leaf {
                    let cells = std::mem::take(row);
                    if std::mem::take(in_head) {
                        table.header = cells;
                    } else {
                        table.rows.push(cells);
                    }
                }
            }
            TagEnd::Table => {
                if let Leaf::Table { table, .. } = std::mem::replace(&mut self.leaf, Leaf::None) {
                    let (first, rest) = self.prefixes();
                    let lines = table::render(&table, self.width, self.theme, &first, &rest);
                    self.emit(lines);
                }
            }
            TagEnd::BlockQuote(_) => {
                self.close_implicit();
                if let Some(Frame::Quote { blocks: 0 }) = self.stack.last() {
                    self.emit_blank_with_first();
                }
                self.stack.pop();
            }
            TagEnd::List(_) => {
                self.stack.pop();
            }
            TagEnd::Item => {
                self.close_implicit();
                if let Some(Frame::Item {
                    first_pending: true, ..
                }) = self.stack.last()
                {
                    self.emit_blank_with_first();
                }
                self.stack.pop();
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => {
                self.styles.pop();
            }
            TagEnd::Link => self.end_link(),
            TagEnd::Image => {
                self.styles.pop();
                self.push_text("]", self.style().patch(self.theme.muted));
            }
            TagEnd::FootnoteDefinition
            | TagEnd::DefinitionList
            | TagEnd::DefinitionListTitle
            | TagEnd::DefinitionListDefinition
            | TagEnd::MetadataBlock(_)
            | TagEnd::Superscript
            | TagEnd::Subscript => {}
        }
    }

    fn end_link(&mut self) {
        self.styles.pop();
        let Some((start, url)) = self.links.pop() else {
            return;
        };
        let shown = self.inline.as_str().get(start..).unwrap_or("").trim();
        let same = url.is_empty() || shown == url || url.strip_prefix("mailto:") == Some(shown);
        if !same {
            let style = self.theme.muted;
            self.inline.push(" (", style);
            self.inline.push(&url, style);
            self.inline.push(")", style);
        }
    }

    fn style(&self) -> Style {
        self.styles.iter().fold(self.theme.text, |acc, s| acc.patch(*s))
    }

    fn push_text(&mut self, text: &str, style: Style) {
        self.ensure_leaf();
        self.inline.push(text, style);
    }

    /// Inline content outside any leaf (tight list items) opens an implicit paragraph.
    fn ensure_leaf(&mut self) {
        if matches!(self.leaf, Leaf::None) {
            self.begin_leaf(Leaf::Implicit);
        }
    }

    fn begin_leaf(&mut self, leaf: Leaf) {
        self.begin_block();
        self.inline.clear();
        self.leaf = leaf;
    }

    /// A block starts in the innermost container: separate it from its predecessor.
    fn begin_block(&mut self) {
        self.close_implicit();
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

    fn close_implicit(&mut self) {
        if matches!(self.leaf, Leaf::Implicit) {
            self.flush_inline(&[], &[]);
            if self.stack.is_empty() {
                self.end_top();
            }
        }
    }

    fn start_item(&mut self) {
        self.close_implicit();
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
        let marker: std::borrow::Cow<'static, str> = if *number_width > 0 {
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

    /// Wraps the collected inline text as one paragraph, with extra prefixes after the
    /// containers' (a heading's marks).
    fn flush_inline(&mut self, first_extra: &[Span<'static>], rest_extra: &[Span<'static>]) {
        let (mut first, mut rest) = self.prefixes();
        first.extend_from_slice(first_extra);
        rest.extend_from_slice(rest_extra);
        let lines = wrap::wrap(&self.inline, self.width, WrapMode::Words, &first, &rest);
        self.inline.clear();
        self.leaf = Leaf::None;
        self.emit(lines);
    }

    fn code_block(&mut self, label: &str, body: &str) {
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
        let mut code = StyledText::new();
        for line in body.strip_suffix('\n').unwrap_or(body).split('\n') {
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
            code.push(line, self.theme.code_block);
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

    fn rule(&mut self) {
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
    fn emit_blank(&mut self) {
        let (_, rest) = self.prefixes();
        self.out.push(wrap::prefix_line(&rest, usize::from(self.width)));
    }

    /// An empty quote or list item still shows its bar or marker.
    fn emit_blank_with_first(&mut self) {
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
    fn end_top(&mut self) {
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

fn digits(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |d| d as usize + 1)
}

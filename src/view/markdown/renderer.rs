//! The event loop of the markdown renderer: pulldown-cmark events in, state changes
//! out — containers pushed and popped, inline text collected with its styles, leaves
//! (paragraphs, headings, code, HTML, tables) handed to `blocks` when they end.
//!
//! Owns: the mapping of each event to a role of the theme, and the leaf being collected
//! (`Leaf`, its inline text, open styles and links). Does not own: prefixes, spacing, the
//! top-level join rule and the lines themselves (`blocks`), list plans (`lists`),
//! wrapping (`view::wrap`).
#![deny(clippy::indexing_slicing)]

use pulldown_cmark::{CodeBlockKind, Event, Tag, TagEnd};
use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::blocks::{Frame, Layout};
use super::lists::{digits, plan_lists, ListPlan};
use crate::view::highlight::CodeMemo;
use crate::view::table::Table;
use crate::view::theme::Theme;
use crate::view::wrap::{self, StyledText};

/// The leaf block being collected.
#[derive(Debug)]
pub(super) enum Leaf {
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

/// The state of one `render` call, fed one event at a time.
pub(super) struct Renderer<'t> {
    theme: &'t Theme,
    layout: Layout<'t>,
    leaf: Leaf,
    inline: StyledText,
    styles: Vec<Style>,
    /// Open links: where their text starts in `inline`, and their URL.
    links: Vec<(usize, String)>,
    /// Whether the next event closes an image (so its alt text is empty).
    next_ends_image: bool,
    plans: std::vec::IntoIter<ListPlan>,
    depth: usize,
}

impl<'t> Renderer<'t> {
    pub(super) fn new(width: u16, theme: &'t Theme) -> Self {
        Self::with_code(width, theme, None)
    }

    /// A renderer that highlights code blocks from, and into, a message's `code` memo.
    pub(super) fn with_code(width: u16, theme: &'t Theme, code: Option<&'t mut CodeMemo>) -> Self {
        Self {
            theme,
            layout: Layout::new(width, theme, code),
            leaf: Leaf::None,
            inline: StyledText::new(),
            styles: Vec::new(),
            links: Vec::new(),
            next_ends_image: false,
            plans: Vec::new().into_iter(),
            depth: 0,
        }
    }

    pub(super) fn run(mut self, events: Vec<Event<'_>>) -> Vec<Line<'static>> {
        self.plans = plan_lists(&events).into_iter();
        let mut events = events.into_iter().peekable();
        while let Some(event) = events.next() {
            self.next_ends_image = matches!(events.peek(), Some(Event::End(TagEnd::Image)));
            self.event(event);
        }
        self.close_implicit();
        self.layout.finish()
    }

    /// The inline text of one paragraph's events (`Start(Paragraph)` first, its `End`
    /// last), styled exactly as `run` styles it, before any wrapping: so a paragraph can
    /// be laid out from pieces (`open`).
    pub(super) fn inline(mut self, events: Vec<Event<'_>>) -> StyledText {
        let mut events = events.into_iter().peekable();
        while let Some(event) = events.next() {
            let next = events.peek();
            if next.is_none() && matches!(event, Event::End(TagEnd::Paragraph)) {
                break;
            }
            self.next_ends_image = matches!(next, Some(Event::End(TagEnd::Image)));
            self.event(event);
        }
        self.inline
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
                    self.layout.end_top();
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
                self.layout.rule();
                if self.depth == 0 {
                    self.layout.end_top();
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
                self.layout.stack.push(Frame::Quote { blocks: 0 });
            }
            Tag::List(start) => {
                self.begin_block();
                let plan = self.plans.next().unwrap_or_default();
                let level = self
                    .layout
                    .stack
                    .iter()
                    .filter(|f| matches!(f, Frame::List { .. }))
                    .count();
                let (next, number_width) = match start {
                    Some(n) => (n, digits(n.saturating_add(plan.items.saturating_sub(1)))),
                    None => (u64::MAX, 0),
                };
                self.layout.stack.push(Frame::List {
                    next,
                    number_width,
                    loose: plan.loose,
                    items: 0,
                    level,
                });
            }
            Tag::Item => {
                self.close_implicit();
                self.layout.start_item();
            }
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
                    self.layout.code_block(&label, &body);
                }
            }
            TagEnd::HtmlBlock => {
                if let Leaf::Html(html) = std::mem::replace(&mut self.leaf, Leaf::None) {
                    for line in html.trim_end_matches(['\n', '\r']).split('\n') {
                        if line.trim().is_empty() {
                            self.layout.emit_blank();
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
                    self.layout.table(&table);
                }
            }
            TagEnd::BlockQuote(_) => {
                self.close_implicit();
                if let Some(Frame::Quote { blocks: 0 }) = self.layout.stack.last() {
                    self.layout.emit_blank_with_first();
                }
                self.layout.stack.pop();
            }
            TagEnd::List(_) => {
                self.layout.stack.pop();
            }
            TagEnd::Item => {
                self.close_implicit();
                if let Some(Frame::Item {
                    first_pending: true, ..
                }) = self.layout.stack.last()
                {
                    self.layout.emit_blank_with_first();
                }
                self.layout.stack.pop();
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

    /// A block starts: an implicit paragraph before it ends first.
    fn begin_block(&mut self) {
        self.close_implicit();
        self.layout.begin_block();
    }

    fn close_implicit(&mut self) {
        if matches!(self.leaf, Leaf::Implicit) {
            self.flush_inline(&[], &[]);
            if self.layout.stack.is_empty() {
                self.layout.end_top();
            }
        }
    }

    /// Lays the collected inline text out as one paragraph, with extra prefixes after
    /// the containers' (a heading's marks), and closes the leaf.
    fn flush_inline(&mut self, first_extra: &[Span<'static>], rest_extra: &[Span<'static>]) {
        self.layout.paragraph(&self.inline, first_extra, rest_extra);
        self.inline.clear();
        self.leaf = Leaf::None;
    }

    fn begin_leaf(&mut self, leaf: Leaf) {
        self.begin_block();
        self.inline.clear();
        self.leaf = leaf;
    }
}

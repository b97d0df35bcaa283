//! The memo of laid-out messages, keyed by message id, width and revision.
//!
//! Owns: each message's wrapped body, parts and footer lines, and re-laying-out only
//! what changed. The body is the message's `text` (already the server's correction
//! when it sent one). Under it, the answer's parts: a refusal as a labelled warning, a
//! function call as its card (`structured::part`), every item or content part of a kind
//! this client does not know as one muted line (`[kind] {compact JSON}`, sanitised and cut to the width), and a muted
//! note when the server's final text replaced what streamed, and an analysis as its card
//! (`analysis::card`).
//!
//! A streaming answer keeps the lines of its complete blocks (up to
//! `markdown::stable_prefix_len`, looked for only once a blank line has arrived) and the
//! final lines of the paragraph after them (`markdown::OpenParagraph`), and lays out
//! again only the rest — a few lines, however long the paragraph or the answer, let
//! alone the transcript. Each message keeps its own width, so compare columns of
//! different widths never evict each other; a new width re-lays-out that message. Work
//! counters (`stats`) let tests prove those costs without timing.
//! Does not own: deciding what is visible (`conversation`).

use std::collections::HashMap;

use ratatui::text::{Line, Span};

use super::analysis::Grid;
use super::highlight::{self, CodeMemo};
use super::markdown::{self, OpenParagraph};
use super::theme::Theme;
use super::words;
use super::wrap::{ellipsize, wrap_spans};
use crate::api::AnswerPart;
use crate::app::thread::{Author, Message};
use crate::sanitize::clean_line;

/// Work done laying out, for tests and benchmarks.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct LayoutStats {
    /// Messages laid out from scratch.
    pub full_layouts: u64,
    /// Incremental re-layouts of a streaming tail.
    pub tail_layouts: u64,
    /// Lines produced by markdown rendering and wrapping.
    pub lines_laid_out: u64,
    /// Lines of code parsed for colour (`view::highlight`).
    pub code_lines_parsed: u64,
}

#[derive(Debug, Default)]
struct Body {
    width: u16,
    revision: u64,
    text_len: usize,
    /// Bytes of text whose lines are final.
    stable_len: usize,
    /// How many of `lines` belong to the stable text.
    stable_lines: usize,
    /// Whether the text laid out is the server's correction (a new one lays out afresh).
    corrected: bool,
    /// Whether the text after `stable_len` holds a blank line: without one the stable
    /// text cannot grow (`markdown::stable`), so the tail is not parsed to find out.
    blank: BlankLines,
    /// The tail when it is one paragraph, laid out in pieces (`markdown::open`): its
    /// lines start at `open_from` in `lines`, and the first `open_done` are final.
    open: Option<OpenParagraph>,
    open_from: usize,
    open_done: usize,
    /// The stable length at which the tail turned out not to be one paragraph: it is
    /// laid out whole until the stable text moves on.
    not_paragraph_at: Option<usize>,
    /// Body lines, then part lines, then footer lines.
    lines: Vec<Line<'static>>,
    /// The grid the analysis card is laid out on, in a comparison whose cards line up
    /// (`align`): the card then comes last among the parts, `card_at` its first line.
    grid: Option<Grid>,
    card_at: Option<usize>,
    /// How far the code blocks are highlighted: kept when the body is laid out again
    /// (a new width, the stable text moving on), so a block is parsed once.
    code: CodeMemo,
}

/// Finds blank lines in text fed in pieces, each byte looked at once.
#[derive(Debug, Default, Clone, Copy)]
struct BlankLines {
    /// Whether only spaces and tabs followed the last line break fed.
    line_blank_so_far: bool,
    found: bool,
}

impl BlankLines {
    fn feed(&mut self, bytes: &[u8]) {
        for &b in bytes {
            match b {
                b'\n' => {
                    self.found |= self.line_blank_so_far;
                    self.line_blank_so_far = true;
                }
                b' ' | b'\t' | b'\r' => {}
                _ => self.line_blank_so_far = false,
            }
        }
    }
}

/// Laid-out messages. Each keeps the width it was laid out at: the columns of the
/// compare view differ by a cell, and a new width re-lays-out only that message.
#[derive(Debug, Default)]
pub struct ViewCache {
    bodies: HashMap<u64, Body>,
    /// Estimated heights of messages not laid out yet: (revision, width, lines).
    estimates: HashMap<u64, (u64, u16, usize)>,
    pub stats: LayoutStats,
    /// The sidebar last drawn, copied while nothing in it changes.
    pub sidebar: super::sidebar::Memo,
    /// What the last frame painted where (`retain`): a frame paints only what changed.
    pub retained: super::retain::Retained,
}

impl ViewCache {
    /// The lines of a message's body and footer at `width`, laid out if needed.
    pub fn lines(&mut self, message: &Message, width: u16, theme: &Theme) -> &[Line<'static>] {
        self.lines_on(message, width, theme, None)
    }

    /// The lines of a message whose analysis card is laid out on `grid` (a comparison
    /// whose cards line up: a card, or a blank `no analysis` one, last among the parts).
    pub fn lines_on(
        &mut self,
        message: &Message,
        width: u16,
        theme: &Theme,
        grid: Option<&Grid>,
    ) -> &[Line<'static>] {
        let stats = &mut self.stats;
        let body = self.bodies.entry(message.id).or_default();
        // The syntaxes arrived after a code block was drawn plain: lay it out again.
        let coloured_late = body.code.waiting() && highlight::ready().is_some();
        if body.width != width || body.grid.as_ref() != grid || coloured_late {
            body.code.stop_waiting();
            *body = Body {
                width,
                grid: grid.cloned(),
                code: std::mem::take(&mut body.code),
                ..Body::default()
            };
        }
        if !is_fresh(body, message) {
            refresh(body, message, width, theme, stats);
        }
        &body.lines
    }

    /// Where the card laid out on a grid starts among a message's lines (`lines_on`).
    pub fn card_at(&self, message: u64) -> Option<usize> {
        self.bodies.get(&message).and_then(|b| b.card_at)
    }

    /// The height of a message's body and footer without laying it out: exact (`true`)
    /// when its current revision is laid out at this width, else an estimate from its
    /// text. A 10,000-message thread thus opens by laying out only what is on screen.
    pub fn height(&mut self, message: &Message, width: u16) -> (usize, bool) {
        if let Some(body) = self.bodies.get(&message.id).filter(|b| b.width == width) {
            // A stale layout's height is still the best estimate of the new one.
            return (body.lines.len(), is_fresh(body, message));
        }
        match self.estimates.get(&message.id) {
            Some((rev, w, h)) if *rev == message.revision && *w == width => (*h, false),
            _ => {
                let h = estimate(message, width);
                self.estimates.insert(message.id, (message.revision, width, h));
                (h, false)
            }
        }
    }

    /// Forgets messages that no longer exist (a new thread), keeping memory bounded.
    pub fn retain(&mut self, alive: impl Fn(u64) -> bool) {
        self.bodies.retain(|id, _| alive(*id));
        self.estimates.retain(|id, _| alive(*id));
    }
}

fn refresh(body: &mut Body, message: &Message, width: u16, theme: &Theme, stats: &mut LayoutStats) {
    if let Some(lines) = super::structured::body(message, width, theme) {
        // A checked structured answer: laid out whole, as JSON (it no longer grows).
        stats.full_layouts += 1;
        *body = Body {
            width,
            revision: message.revision,
            lines,
            grid: body.grid.take(),
            code: std::mem::take(&mut body.code),
            ..Body::default()
        };
        push_parts(body, message, theme);
        return;
    }
    let parsed = body.code.lines_parsed;
    let text = message.text.as_str();
    let corrected = message.correction().is_some();
    // A forced cut inside a paragraph may differ from a whole render in emphasis that
    // closed far from where it opened: an answer that ended is laid out whole once.
    let settle = !message.status.is_live() && body.open.as_ref().is_some_and(OpenParagraph::approximate);
    let appended = body.text_len > 0
        && !settle
        && corrected == body.corrected
        && text.len() >= body.text_len
        && text.is_char_boundary(body.stable_len)
        && text.is_char_boundary(body.text_len);
    if message.author == Author::User {
        body.lines = plain(text, width, theme);
        stats.full_layouts += 1;
        stats.lines_laid_out += body.lines.len() as u64;
    } else if appended {
        body.blank
            .feed(text.as_bytes().get(body.text_len..).unwrap_or_default());
        if body.blank.found {
            grow_stable(body, text, width, theme, stats);
        }
        lay_out_tail(body, text, width, theme, stats);
        stats.tail_layouts += 1;
    } else {
        let stable = markdown::stable_prefix_len(text);
        let code = &mut body.code;
        let mut lines = markdown::render_with(text.get(..stable).unwrap_or_default(), width, theme, code);
        let stable_lines = lines.len();
        let tail = markdown::render_with(text.get(stable..).unwrap_or_default(), width, theme, code);
        push_block(&mut lines, tail);
        stats.lines_laid_out += lines.len() as u64;
        stats.full_layouts += 1;
        *body = Body {
            width,
            stable_len: stable,
            stable_lines,
            lines,
            grid: body.grid.take(),
            code: std::mem::take(&mut body.code),
            ..Body::default()
        };
        body.blank.feed(text.as_bytes().get(stable..).unwrap_or_default());
    }
    stats.code_lines_parsed += body.code.lines_parsed.saturating_sub(parsed);
    body.text_len = text.len();
    body.corrected = corrected;
    body.revision = message.revision;
    stats.lines_laid_out += push_parts(body, message, theme) as u64;
}

/// Appends the parts block and the footer to a body's text lines; returns how many part
/// lines. On a grid, the analysis card (or its blank stand-in) closes the parts block.
fn push_parts(body: &mut Body, message: &Message, theme: &Theme) -> usize {
    let width = body.width;
    let mut block = parts(message, body.grid.is_none(), width, theme);
    body.card_at = None;
    if let Some(grid) = &body.grid {
        let card = super::analysis::aligned(super::analysis::of(message).as_ref(), grid, width, theme);
        let at = block.len();
        block.extend(card);
        body.card_at = Some(body.lines.len() + usize::from(!body.lines.is_empty()) + at);
    }
    let count = block.len();
    push_block(&mut body.lines, block);
    body.lines.extend(footer(message, width, theme));
    count
}

/// Moves the stable text on to the last cut in the tail, laying the blocks it passes
/// out once; the tail after it starts afresh.
fn grow_stable(body: &mut Body, text: &str, width: u16, theme: &Theme, stats: &mut LayoutStats) {
    let rest = text.get(body.stable_len..).unwrap_or_default();
    let grow = markdown::stable_prefix_len(rest);
    if grow == 0 {
        return;
    }
    body.lines.truncate(body.stable_lines);
    let chunk = markdown::render_with(rest.get(..grow).unwrap_or_default(), width, theme, &mut body.code);
    stats.lines_laid_out += chunk.len() as u64;
    push_block(&mut body.lines, chunk);
    body.stable_len += grow;
    body.stable_lines = body.lines.len();
    body.open = None;
    body.not_paragraph_at = None;
    body.blank = BlankLines::default();
    body.blank.feed(rest.as_bytes().get(grow..).unwrap_or_default());
}

/// Tails shorter than this that are not one paragraph are asked again next time: a
/// block's first bytes ("1", "-") can read as something else until its line is done.
const RETRY_PARAGRAPH_BYTES: usize = 128;

/// Lays out the text after the stable part: a paragraph in pieces, anything else whole.
fn lay_out_tail(body: &mut Body, text: &str, width: u16, theme: &Theme, stats: &mut LayoutStats) {
    let tail = text.get(body.stable_len..).unwrap_or_default();
    if body.not_paragraph_at != Some(body.stable_len) {
        if body.open.is_none() {
            body.open_from = body.stable_lines + usize::from(body.stable_lines > 0);
            body.open_done = 0;
        }
        let open = body.open.get_or_insert_with(OpenParagraph::default);
        if let Some(grown) = open.grow(tail, width, theme) {
            body.lines.truncate(body.open_from + body.open_done);
            if body.lines.len() < body.open_from {
                body.lines.push(Line::default()); // the one blank line after the stable text
            }
            stats.lines_laid_out += (grown.done.len() + grown.open.len()) as u64;
            body.open_done += grown.done.len();
            body.lines.extend(grown.done);
            body.lines.extend(grown.open);
            if body.lines.len() == body.open_from {
                body.lines.truncate(body.stable_lines); // nothing to separate
            }
            return;
        }
        body.open = None;
        if tail.len() >= RETRY_PARAGRAPH_BYTES {
            body.not_paragraph_at = Some(body.stable_len);
        }
    }
    body.lines.truncate(body.stable_lines);
    let lines = markdown::render_with(tail, width, theme, &mut body.code);
    stats.lines_laid_out += lines.len() as u64;
    push_block(&mut body.lines, lines);
}

/// Whether a cached body is the message's current layout (a body with no lines for a
/// message with text has never been laid out).
fn is_fresh(body: &Body, message: &Message) -> bool {
    body.revision == message.revision && (!body.lines.is_empty() || message.text.is_empty())
}

/// Lines a message will take, roughly: its text's lines wrapped at `width`, plus a footer.
fn estimate(message: &Message, width: u16) -> usize {
    let width = usize::from(width.max(1));
    let body: usize = message
        .text
        .split('\n')
        .map(|line| unicode_width::UnicodeWidthStr::width(line).div_ceil(width).max(1))
        .sum();
    let parts = message.parts.len();
    body + parts + usize::from(message.author == Author::Assistant && !message.status.is_live())
}

/// Appends a block's lines with the one blank line that separates blocks.
fn push_block(lines: &mut Vec<Line<'static>>, block: Vec<Line<'static>>) {
    if block.is_empty() {
        return;
    }
    if !lines.is_empty() {
        lines.push(Line::default());
    }
    lines.extend(block);
}

/// A user's message: their own words, wrapped, line breaks kept, no markdown.
fn plain(text: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    text.split('\n')
        .flat_map(|line| {
            let spans = vec![Span::styled(line.to_owned(), theme.text)];
            let wrapped = wrap_spans(&spans, width, Vec::new(), Vec::new());
            if wrapped.is_empty() {
                vec![Line::default()]
            } else {
                wrapped
            }
        })
        .collect()
}

/// The widest summary of an unknown item drawn, in characters, before cutting to width.
const SUMMARY_CHARS: usize = 400;

/// What an answer holds besides its text, one block under it (its analysis card only
/// when `analysis`).
fn parts(message: &Message, analysis: bool, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let columns = usize::from(width.max(1));
    let mut lines = Vec::new();
    for part in &message.parts {
        if let Some(drawn) = super::structured::part(part, message.status.is_live(), width, theme) {
            lines.extend(drawn);
            continue;
        }
        match part {
            AnswerPart::Refusal(reason) => {
                let reason = clean_line(reason);
                let text = if reason.trim().is_empty() {
                    "⚠ Refused: the model declined to answer (no reason given)".to_owned()
                } else {
                    format!("⚠ Refused: {reason}")
                };
                lines.extend(wrap_spans(
                    &[Span::styled(text, theme.warning)],
                    width,
                    Vec::new(),
                    Vec::new(),
                ));
            }
            // Cards: `structured::part` drew them above.
            AnswerPart::FunctionCall { .. } | AnswerPart::CallStreaming { .. } => {}
            part if crate::app::attach::label(part).is_some() => {
                let label = clean_line(crate::app::attach::label(part).unwrap_or_default());
                lines.push(Line::from(Span::styled(
                    ellipsize(&format!("▣ image: {label}"), columns),
                    theme.persona,
                )));
            }
            AnswerPart::Other { kind, item } => {
                let summary = clean_line(&AnswerPart::summary(item, SUMMARY_CHARS));
                let text = format!("[{}] {summary}", clean_line(kind));
                lines.push(Line::from(Span::styled(
                    ellipsize(text.trim_end(), columns),
                    theme.muted,
                )));
            }
            AnswerPart::Corrected(_) => lines.push(Line::from(Span::styled(
                ellipsize(
                    "↺ corrected: the server's final text replaced the streamed text",
                    columns,
                ),
                theme.muted,
            ))),
            AnswerPart::Analysis(_) if !analysis => {}
            AnswerPart::Analysis(value) => {
                let card = super::analysis::card(&crate::api::analysis::Analysis::read(value), width, theme);
                lines.extend(card);
            }
        }
    }
    lines
}

/// What an answer cost, or why it ended early, with what to do about it.
fn footer(message: &Message, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    if message.author == Author::User || message.status.is_live() {
        return Vec::new();
    }
    let said = words::status(&message.status, message.usage.as_ref(), None, 0);
    let text = format!("{} {}", said.mark, said.full);
    wrap_spans(
        &[Span::styled(text, said.tone.style(theme))],
        width,
        Vec::new(),
        Vec::new(),
    )
}

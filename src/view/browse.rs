//! The history view (Ctrl+F): past conversations newest first, or the messages matching
//! what was typed, drawn over the whole screen.
//!
//! Owns: its layout — the search line (or the title being typed, or the question before
//! a delete), two lines per row (date, personas, answers and credits, then the title; for
//! a hit, the conversation then the snippet with the match highlighted by style), the
//! window of rows that keeps the selection in view, and the line of keys at the bottom.
//! Reads state only: rows are already sanitised (`app::browse`). Does not own: what the
//! keys do (`update::browse`) or the reads.

use crate::history::browse::{LIST_LIMIT, SEARCH_LIMIT};
use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use super::words;
use crate::app::browse::{Browse, Mode, Row};
use crate::app::credits::CreditSum;
use crate::history::ConversationId;
use crate::history::Role;

/// Lines each row takes.
const ROW_LINES: usize = 2;

/// The keys, most needed first (a narrow screen cuts the end).
const KEYS: &str =
    " type to search · ↑↓ PgUp PgDn Home End · Enter reopen · Ctrl+R rename · Ctrl+D delete · Esc close ";

/// How a match in a snippet is shown: by style, never by marks in the text.
pub fn match_style(theme: &Theme) -> Style {
    theme.strong.add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}

/// Draws the view over `area`.
pub fn render(frame: &mut Frame, area: Rect, browse: &Browse, theme: &Theme) {
    frame.render_widget(Clear, area);
    let count = match (browse.loaded, browse.query.trim().is_empty(), browse.rows.len()) {
        (false, _, _) => String::new(),
        (true, true, 1) => " · 1 conversation".to_owned(),
        (true, true, n) if n >= LIST_LIMIT => {
            format!(" · the newest {n} conversations (type to search them all)")
        }
        (true, true, n) => format!(" · {n} conversations"),
        (true, false, 1) => " · 1 message".to_owned(),
        (true, false, n) if n >= SEARCH_LIMIT => format!(" · the newest {n} matching messages"),
        (true, false, n) => format!(" · {n} messages"),
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border)
        .title(Span::styled(format!(" History{count} "), theme.persona))
        .title_bottom(Span::styled(KEYS, theme.muted));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    let mut lines = vec![top_line(browse, theme)];
    if let Some(note) = &browse.note {
        lines.push(Line::from(Span::styled(note.clone(), theme.warning)));
    } else {
        lines.push(Line::default());
    }
    let room = usize::from(inner.height).saturating_sub(lines.len());
    if !browse.loaded {
        lines.push(Line::from(Span::styled("Reading the history…", theme.muted)));
    } else if browse.rows.is_empty() {
        let empty = if browse.query.trim().is_empty() {
            "No conversations yet: they are kept as you talk.".to_owned()
        } else {
            format!("No messages match “{}”.", browse.query.trim())
        };
        lines.push(Line::from(Span::styled(empty, theme.muted)));
    } else {
        let shown = (room / ROW_LINES).max(1);
        let first = browse.selected.saturating_sub(shown - 1);
        for (i, row) in browse.rows.iter().enumerate().skip(first).take(shown) {
            lines.extend(row_lines(row, i == browse.selected, theme));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The search line, or the title being typed, or the question before a delete.
fn top_line(browse: &Browse, theme: &Theme) -> Line<'static> {
    match &browse.mode {
        Mode::Browsing => Line::from(vec![
            Span::styled("Find: ", theme.strong),
            Span::styled(browse.query.clone(), theme.text),
            Span::styled("▏", theme.muted),
        ]),
        Mode::Renaming(title) => Line::from(vec![
            Span::styled("Rename: ", theme.strong),
            Span::styled(title.clone(), theme.text),
            Span::styled("▏", theme.muted),
            Span::styled("  Enter saves · Esc cancels", theme.muted),
        ]),
        Mode::ConfirmDelete => {
            let what = match browse.selected_row() {
                Some(row) => format!("{} “{}”", kind(row.conversation), row.title),
                None => "this conversation".to_owned(),
            };
            Line::from(Span::styled(format!("Delete {what}? y/n"), theme.warning))
        }
    }
}

fn kind(id: ConversationId) -> &'static str {
    match id {
        ConversationId::Thread(_) => "the thread",
        ConversationId::Comparison(_) => "the comparison and its threads",
    }
}

/// A row's two lines.
fn row_lines(row: &Row, selected: bool, theme: &Theme) -> [Line<'static>; ROW_LINES] {
    let marker = if selected { "› " } else { "  " };
    let base = if selected { theme.selection } else { theme.text };
    let date = crate::dates::minute(row.updated_ms);
    let mut head = vec![
        Span::styled(marker, base),
        Span::styled(date, base.patch(theme.muted)),
        Span::styled("  ", base),
        Span::styled(row.personas.clone(), base.patch(theme.persona)),
    ];
    if let ConversationId::Comparison(_) = row.conversation {
        head.push(Span::styled(" (side by side)", base.patch(theme.muted)));
    }
    let second = match &row.hit {
        None => {
            let answers = row.answers.unwrap_or(0);
            let spent = row.credits.map_or("—".to_owned(), |c| {
                words::total(
                    CreditSum {
                        spent: c.spent,
                        unreported: c.unreported,
                        answers: c.answers,
                    }
                    .total(None),
                )
            });
            let plural = if answers == 1 { "" } else { "s" };
            head.push(Span::styled(
                format!("  · {answers} answer{plural} · {spent} credits"),
                base.patch(theme.muted),
            ));
            Line::from(vec![
                Span::styled("    ", base),
                Span::styled(title(&row.title), base),
            ])
        }
        Some((role, pieces)) => {
            head.push(Span::styled(
                format!("  · {}", title(&row.title)),
                base.patch(theme.muted),
            ));
            let who = match role {
                Role::User => "    prompt: ",
                Role::Assistant => "    answer: ",
            };
            let mut spans = vec![Span::styled(who, base.patch(theme.muted))];
            spans.extend(pieces.iter().map(|(text, matched)| {
                let style = if *matched {
                    base.patch(match_style(theme))
                } else {
                    base
                };
                Span::styled(text.clone(), style)
            }));
            Line::from(spans)
        }
    };
    [Line::from(head), second]
}

fn title(title: &str) -> String {
    if title.is_empty() {
        "(untitled)".to_owned()
    } else {
        title.to_owned()
    }
}

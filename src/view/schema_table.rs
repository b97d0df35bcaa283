//! The schema table: side by side with a JSON schema, one row per persona and one column
//! per top-level field of the schema, from each persona's last answer (toggled with `t`).
//!
//! Owns: the table's layout (a persona column, equal field columns, a last column saying
//! whether the answer followed the schema) and its cells (strings bare, other values as
//! compact JSON, all sanitised and cut to the column). Does not own: checking answers
//! (`api::structured`), the columns view (`compare`) or the CSV (`cli::structured`).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::Frame;
use serde_json::Value;

use super::paint;
use super::theme::Theme;
use super::wrap::ellipsize;
use crate::api::structured::{cell, Checked, NamedSchema};
use crate::app::state::AppState;
use crate::app::thread::{Author, Thread};
use crate::sanitize::clean_line;

/// Whether the table is what the conversation pane shows now.
pub fn shown(state: &AppState) -> bool {
    state.compare.active() && state.structure.table && state.structure.schema().is_some()
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, focused: bool) {
    let Some(schema) = state.structure.schema() else {
        return;
    };
    let title = format!(
        " Schema {} · one row per persona (t: columns) ",
        clean_line(&schema.name)
    );
    let border = if focused { theme.focus_border } else { theme.border };
    let inner = paint::pane(
        frame.buffer_mut(),
        area,
        border,
        Line::from(Span::styled(title, theme.muted)),
        None,
    );
    for (i, line) in lines(state, schema, inner.width, theme).into_iter().enumerate() {
        let Ok(dy) = u16::try_from(i) else { break };
        if dy >= inner.height {
            break;
        }
        frame
            .buffer_mut()
            .set_line(inner.x, inner.y + dy, &line, inner.width);
    }
}

/// The table's lines at `width`: a header, a rule, one row per marked persona.
fn lines(state: &AppState, schema: &NamedSchema, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let fields = schema.fields();
    let width = usize::from(width);
    let names: Vec<String> = state
        .compare
        .marked
        .iter()
        .map(|key| {
            state
                .personas
                .entries
                .iter()
                .find(|p| &p.id == key)
                .map(|p| clean_line(p.label()))
                .unwrap_or_else(|| clean_line(key))
        })
        .collect();
    let first = names
        .iter()
        .map(|n| n.chars().count())
        .max()
        .unwrap_or(7)
        .clamp(7, 22);
    let check = 2;
    let rest = width.saturating_sub(first + check + 3 * (fields.len() + 1));
    let each = (rest / fields.len().max(1)).max(3);
    let row = |cells: Vec<(String, Style)>| -> Line<'static> {
        let mut spans = Vec::new();
        for (i, (text, style)) in cells.into_iter().enumerate() {
            let w = if i == 0 {
                first
            } else if i == fields.len() + 1 {
                check
            } else {
                each
            };
            if i > 0 {
                spans.push(Span::styled(" │ ".to_owned(), theme.table_border));
            }
            let text = ellipsize(&text, w);
            let pad = w.saturating_sub(unicode_width::UnicodeWidthStr::width(text.as_str()));
            spans.push(Span::styled(format!("{text}{}", " ".repeat(pad)), style));
        }
        Line::from(spans)
    };
    let mut out = Vec::new();
    let mut header = vec![("persona".to_owned(), theme.table_header)];
    header.extend(fields.iter().map(|f| (clean_line(f), theme.table_header)));
    header.push(("ok".to_owned(), theme.table_header));
    out.push(row(header));
    out.push(Line::from(Span::styled("─".repeat(width), theme.table_border)));
    for (key, name) in state.compare.marked.iter().zip(names) {
        let answer = state.threads.get(key).and_then(last_answer);
        let mut cells = vec![(name, theme.persona)];
        match answer {
            Some((text, true)) => {
                let checked = Checked::of(text, &schema.schema);
                let map = checked.value().and_then(Value::as_object);
                cells.extend(
                    fields
                        .iter()
                        .map(|f| (clean_line(&cell(map.and_then(|m| m.get(f)))), theme.text)),
                );
                cells.push(match checked {
                    Checked::Valid(_) => ("✓".to_owned(), theme.success),
                    _ => ("✗".to_owned(), theme.error),
                });
            }
            Some((_, false)) => {
                cells.extend(fields.iter().map(|_| ("…".to_owned(), theme.muted)));
                cells.push((String::new(), theme.muted));
            }
            None => {
                cells.extend(fields.iter().map(|_| (String::new(), theme.muted)));
                cells.push((String::new(), theme.muted));
            }
        }
        out.push(row(cells));
    }
    out
}

/// The thread's last answer: its text, and whether it is finished.
fn last_answer(thread: &Thread) -> Option<(&str, bool)> {
    let m = thread
        .messages
        .iter()
        .rev()
        .find(|m| m.author == Author::Assistant)?;
    Some((m.text.as_str(), !m.status.is_live()))
}

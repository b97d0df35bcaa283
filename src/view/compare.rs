//! The compare view: one column per marked persona, each its own thread, streaming live.
//!
//! Owns: column layout (equal widths; when not all fit, the window `app::layout` chooses,
//! with an indicator of what is off-screen), and each column's bottom line: its answer's state, tokens per
//! second, tokens and credits. Asks `align` once per frame how the visible columns'
//! analysis cards line up. Does not own: the threads' drawing (`conversation`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::cache::ViewCache;
use super::conversation::{render_thread, ThreadView};
use super::retain::Retained;
use super::theme::Theme;
use super::words;
use super::Measure;
use crate::app::layout::{column_window, min_column_width, ColumnWindow};
use crate::app::state::AppState;
use crate::app::thread::Author;

/// Draws the columns; returns what each measured.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    cache: &mut ViewCache,
    kept: &mut Retained,
    theme: &Theme,
    focused: bool,
) -> Vec<Measure> {
    let n = state.compare.marked.len();
    let ColumnWindow { visible, offset } = column_window(
        n,
        area.width,
        min_column_width(state.presenter),
        state.compare.offset,
        state.compare.column,
    );
    let mut body = area;
    if visible < n && area.height > 3 {
        let hidden_left = offset;
        let hidden_right = n - offset - visible;
        let shown = if visible == 1 {
            format!("column {} of {n}", offset + 1)
        } else {
            format!("columns {}–{} of {n}", offset + 1, offset + visible)
        };
        let text = format!(
            "{}{shown}{}   (← → or 1–{n} to move)",
            if hidden_left > 0 {
                format!("◀ {hidden_left} more · ")
            } else {
                String::new()
            },
            if hidden_right > 0 {
                format!(" · {hidden_right} more ▶")
            } else {
                String::new()
            },
        );
        let row = Rect::new(area.x, area.y, area.width, 1);
        if kept.repaint(frame.buffer_mut(), row, &text) {
            frame.render_widget(Paragraph::new(Span::styled(text, theme.badge)), row);
        }
        body = Rect::new(area.x, area.y + 1, area.width, area.height - 1);
    }
    let widths = widths(body.width, visible);
    let body = super::summary::render(frame, body, state, offset, &widths, kept, theme);
    let keys: Vec<&str> = state
        .compare
        .marked
        .iter()
        .skip(offset)
        .take(widths.len())
        .map(String::as_str)
        .collect();
    let mut plan = super::align::plan(state, &keys, &widths, cache, theme).into_iter();
    let mut x = body.x;
    let mut measures = Vec::with_capacity(visible);
    for (i, &width) in widths.iter().enumerate() {
        let index = offset + i;
        let Some(key) = state.compare.marked.get(index) else {
            break;
        };
        let rect = Rect::new(x, body.y, width, body.height);
        x += width;
        let persona = state.personas.entries.iter().find(|p| &p.id == key);
        let column_focused = focused && state.compare.column.is_none_or(|c| c == index);
        let view = ThreadView {
            key,
            persona,
            focused: column_focused,
            footer: Some(footer(state, key, index, theme)),
            align: plan.next().flatten(),
        };
        measures.push(render_thread(frame, rect, state, view, cache, kept, theme));
    }
    measures
}

/// The widths of `visible` columns sharing `total` cells: equal, the first ones a cell
/// wider when it does not divide.
pub fn widths(total: u16, visible: usize) -> Vec<u16> {
    let n = visible.max(1) as u16;
    (0..n).map(|i| total / n + u16::from(i < total % n)).collect()
}

/// `1 ● 42 tok/s`, `2 ✓ 163 tok · 2 cr`, `3 ✖ out of credits`: the column's number and
/// its latest answer's state.
fn footer(state: &AppState, key: &str, index: usize, theme: &Theme) -> Line<'static> {
    let number = Span::styled(format!(" {} ", index + 1), theme.badge);
    let answer = state
        .threads
        .get(key)
        .and_then(|t| t.messages.iter().rev().find(|m| m.author == Author::Assistant));
    let Some(answer) = answer else {
        return Line::from(vec![number, Span::styled(" ready ", theme.muted)]);
    };
    let rate = state
        .streams
        .values()
        .find(|s| s.message_id == answer.id)
        .and_then(|s| s.tokens_per_sec());
    let said = words::status(&answer.status, answer.usage.as_ref(), rate, state.now);
    let text = format!(" {} {} ", said.mark, said.brief);
    Line::from(vec![number, Span::styled(text, said.tone.style(theme))])
}

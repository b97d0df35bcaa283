//! Lining up a comparison's analysis cards across its columns, once per frame.
//!
//! Owns: deciding when the cards line up — every visible column's latest message is an
//! answer that ended, and at least one of them carries an analysis — and the plan that
//! makes them: one `analysis::Grid` for all the visible cards (each section as tall as
//! the tallest), and per column the blank rows to add before its card (so every card
//! starts on the same line of its transcript) and after its footer (so every transcript
//! is as long; the columns then scroll alike). Laying out a column's messages is the
//! cache's; threads longer than `MAX_MESSAGES` are not lined up (that would lay out all
//! of them every time one changes). Does not own: the card (`analysis`), the cache, or
//! drawing the pads (`conversation`).

use std::sync::Arc;

use ratatui::layout::Rect;

use super::analysis::{self, Grid};
use super::cache::ViewCache;
use super::paint;
use super::theme::Theme;
use crate::app::state::AppState;
use crate::app::thread::{Author, Message};

/// Columns with more messages than this are not lined up.
const MAX_MESSAGES: usize = 400;

/// How one column's latest answer is laid out so that its card lines up with the
/// others'.
#[derive(Debug, Clone, PartialEq)]
pub struct Aligned {
    /// The answer whose card lines up.
    pub message: u64,
    pub grid: Arc<Grid>,
    /// Blank rows before the card.
    pub before: usize,
    /// Blank rows after the answer's footer.
    pub after: usize,
}

/// The plan for the visible columns `keys` of widths `widths` (whole panes, borders
/// included): one entry per column, all `None` when the cards do not line up.
pub fn plan(
    state: &AppState,
    keys: &[&str],
    widths: &[u16],
    cache: &mut ViewCache,
    theme: &Theme,
) -> Vec<Option<Aligned>> {
    let none = vec![None; keys.len()];
    let mut columns: Vec<(&[Message], &Message, u16)> = Vec::with_capacity(keys.len());
    for (key, width) in keys.iter().zip(widths) {
        let Some(messages) = state.threads.get(*key).map(|t| t.messages.as_slice()) else {
            return none;
        };
        let latest = match messages.last() {
            Some(m) if m.author == Author::Assistant && !m.status.is_live() => m,
            _ => return none,
        };
        if messages.len() > MAX_MESSAGES {
            return none;
        }
        let inner = paint::inner(Rect::new(0, 0, *width, 3)).width;
        columns.push((messages, latest, inner));
    }
    let analyses: Vec<_> = columns.iter().map(|(_, m, _)| analysis::of(m)).collect();
    if analyses.iter().all(Option::is_none) {
        return none;
    }
    let grid = Arc::new(Grid::over(
        analyses
            .iter()
            .zip(&columns)
            .map(|(a, (_, _, w))| (a.as_ref(), *w)),
        theme,
    ));
    // Per column: lines above the card, and lines of the footer under it.
    let mut measured = Vec::with_capacity(columns.len());
    for (messages, latest, width) in &columns {
        let earlier: usize = messages
            .iter()
            .take(messages.len() - 1)
            .map(|m| 2 + cache.lines(m, *width, theme).len())
            .sum();
        let lines = cache.lines_on(latest, *width, theme, Some(&grid)).len();
        let card_at = cache.card_at(latest.id).unwrap_or(lines);
        let footer = lines.saturating_sub(card_at + grid.height());
        // The header line, then the body up to the card.
        measured.push((earlier + 1 + card_at, footer));
    }
    let top = measured.iter().map(|m| m.0).max().unwrap_or_default();
    let bottom = measured.iter().map(|m| m.1).max().unwrap_or_default();
    columns
        .iter()
        .zip(measured)
        .map(|((_, latest, _), (above, footer))| {
            Some(Aligned {
                message: latest.id,
                grid: Arc::clone(&grid),
                before: top - above,
                after: bottom - footer,
            })
        })
        .collect()
}

//! Pure rendering of application state: `render(frame, state, cache, theme)`.
//!
//! Owns: composing the panes. Reads state, never mutates it; the only memory is the
//! wrap cache, which a cold and a warm run fill identically. Does not own: deciding
//! when to draw (the runtime) or anything about the data.

pub mod cache;
pub mod conversation;
pub mod help;
pub mod layout;
pub mod markdown;
pub mod sidebar;
pub mod status;
pub mod table;
pub mod theme;
pub mod wrap;

use ratatui::text::Span;
use ratatui::widgets::{Block, Borders};
use ratatui::Frame;

pub use cache::ViewCache;

use crate::app::state::{AppState, Focus, Overlay};
use theme::Theme;

/// What the conversation pane measured: the reducer scrolls with it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Measure {
    pub total_lines: usize,
    pub viewport: usize,
}

/// Draws the whole screen.
pub fn render(frame: &mut Frame, state: &AppState, cache: &mut ViewCache, theme: &Theme) -> Measure {
    let area = frame.area();
    let areas = layout::areas(area, state.focus, state.composer.lines().len());
    if let Some(side) = areas.sidebar {
        sidebar::render(frame, side, state, theme, state.focus == Focus::Sidebar);
    }
    let measure = match areas.conversation {
        Some(conv) => conversation::render(
            frame,
            conv,
            state,
            cache,
            theme,
            state.focus == Focus::Conversation,
        ),
        None => Measure::default(),
    };
    render_composer(frame, areas.composer, state, theme);
    status::render(frame, areas.status, state, theme);
    if state.overlay == Some(Overlay::Help) {
        help::render(frame, area, theme);
    }
    measure
}

fn render_composer(frame: &mut Frame, area: ratatui::layout::Rect, state: &AppState, theme: &Theme) {
    let focused = state.focus == Focus::Composer;
    let title = state
        .personas
        .selected_entry()
        .map(|p| format!(" Message {} ", p.label()))
        .unwrap_or_else(|| " Message ".into());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if focused { theme.focus_border } else { theme.border })
        .title(Span::styled(title, theme.muted));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    // Drawn by reference: cloning the editor per frame would cost its whole text.
    frame.render_widget(&state.composer, inner);
}

//! Pure rendering of application state: `render(frame, state, cache, theme)`.
//!
//! Owns: composing the panes. Reads state, never mutates it; the only memory is the
//! wrap cache, which a cold and a warm run fill identically, and what the last frame
//! painted where (`retain`), which decides what is painted again, never what a frame
//! shows. Does not own: deciding when to draw (the runtime) or anything about the data.

pub mod align;
pub mod analysis;
pub mod balance;
pub mod browse;
pub mod cache;
pub mod compare;
pub mod conversation;
pub mod dialog;
pub mod help;
pub mod highlight;
pub mod instructions;
pub mod markdown;
pub mod paint;
pub mod palettes;
pub mod presenter;
pub mod retain;
pub mod schema_table;
pub mod sidebar;
pub mod status;
pub mod structured;
pub mod summary;
pub mod table;
pub mod theme;
pub mod theme_spec;
pub mod words;
pub mod wrap;

use ratatui::text::Span;
use ratatui::Frame;

pub use cache::ViewCache;

use crate::app::layout;
use crate::app::state::{AppState, Focus, Overlay};
use crate::term::screen::{Canvas, Rows};
use retain::Retained;
use theme::Theme;

/// What a thread's pane measured: the reducer scrolls with it.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Measure {
    pub thread: String,
    pub total_lines: usize,
    pub viewport: usize,
    /// The first line shown, when this frame placed the thread's `landing`.
    pub landed: Option<usize>,
}

/// What a frame learned about layout, for the reducer, and the rows it painted.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    pub measures: Vec<Measure>,
    pub painted: Rows,
}

impl Report {
    /// The events that tell the reducer what this frame measured, where it changed.
    pub fn events(self, state: &AppState) -> Vec<crate::app::Event> {
        self.measures
            .into_iter()
            .filter(|m| {
                m.landed.is_some()
                    || state.threads.get(&m.thread).map(|t| t.measured) != Some((m.total_lines, m.viewport))
            })
            .map(|m| crate::app::Event::Measured {
                thread: m.thread,
                total_lines: m.total_lines,
                viewport: m.viewport,
                landed: m.landed,
            })
            .collect()
    }
}

/// Draws the whole screen on a blank buffer.
pub fn render(frame: &mut Frame, state: &AppState, cache: &mut ViewCache, theme: &Theme) -> Report {
    render_on(frame, Canvas::Blank, state, cache, theme)
}

/// Draws the screen on a buffer holding what `canvas` says: over the last frame, only
/// the parts that changed are painted (`retain`), and the report says which rows.
pub fn render_on(
    frame: &mut Frame,
    canvas: Canvas,
    state: &AppState,
    cache: &mut ViewCache,
    theme: &Theme,
) -> Report {
    let columns = if state.compare.active() {
        state.compare.marked.len()
    } else {
        0
    };
    let areas = layout::areas(
        frame.area(),
        state.focus,
        state.composer.line_count(),
        columns,
        state.presenter,
    );
    let mut kept = std::mem::take(&mut cache.retained);
    let layout = (areas, state.presenter, state.compare.active());
    kept.begin(frame.buffer_mut(), canvas, overlaid(state), &layout);
    let mut report = compose(frame, areas, state, cache, &mut kept, theme);
    report.painted = kept.finish();
    cache.retained = kept;
    report
}

/// Whether anything is drawn over the panes (help, history, a popup).
fn overlaid(state: &AppState) -> bool {
    state.overlay.is_some()
        || state.browse.is_some()
        || state.instructions_edit.is_some()
        || state.dialog.is_some()
}

/// Draws each pane in its area, then what is drawn over them.
fn compose(
    frame: &mut Frame,
    areas: layout::Areas,
    state: &AppState,
    cache: &mut ViewCache,
    kept: &mut Retained,
    theme: &Theme,
) -> Report {
    let area = frame.area();
    if let Some(heading) = areas.heading {
        kept.clear(frame.buffer_mut(), heading);
        presenter::heading(frame, heading, state, theme);
    }
    if let Some(side) = areas.sidebar {
        sidebar::render(
            frame,
            side,
            state,
            theme,
            state.focus == Focus::Sidebar,
            &mut cache.sidebar,
            kept,
        );
    }
    let focused = state.focus == Focus::Conversation;
    let mut report = Report::default();
    if let Some(conv) = areas.conversation {
        if schema_table::shown(state) {
            kept.clear(frame.buffer_mut(), conv);
            schema_table::render(frame, conv, state, theme, focused);
        } else if state.compare.active() {
            report.measures = compare::render(frame, conv, state, cache, kept, theme, focused);
        } else {
            report.measures = vec![conversation::render(
                frame, conv, state, cache, kept, theme, focused,
            )];
        }
    }
    // The composer, as its text, cursor and selection, its title and focus draw it.
    let composer_title = composer_title(state);
    let looks = (
        state.presenter,
        state.focus == Focus::Composer,
        &composer_title,
        state.composer.looks(),
    );
    if kept.repaint(frame.buffer_mut(), areas.composer, &looks) {
        if state.presenter {
            presenter::composer(frame, areas.composer, state, theme);
        } else {
            render_composer(frame, areas.composer, state, &composer_title, theme);
        }
    }
    let status = if state.presenter {
        presenter::status(state, theme, areas.status.width)
    } else {
        status::line(state, theme, areas.status.width)
    };
    if kept.repaint(frame.buffer_mut(), areas.status, &status) {
        status::render(frame, areas.status, status, theme);
    }
    if state.overlay == Some(Overlay::Help) {
        help::render(frame, area, state.help_scroll, &state.keys, theme);
    }
    if let Some(browse) = &state.browse {
        browse::render(frame, area, browse, theme);
    }
    if let Some(edit) = &state.instructions_edit {
        instructions::popup(frame, area, edit, theme);
    }
    dialog::render(frame, area, state, theme);
    report
}

/// The composer's title, and the chips of attached images that follow it on its top
/// edge (Ctrl+T adds and removes them).
fn composer_title(state: &AppState) -> (String, Vec<String>) {
    let title = if let Some(title) = structured::composer_title(state) {
        title
    } else if state.editing.is_some() {
        " Editing an earlier prompt: Enter resends it (the thread forks), Esc cancels ".to_owned()
    } else if state.compare.active() {
        format!(" Message all {} personas ", state.compare.marked.len())
    } else {
        state
            .personas
            .selected_entry()
            .map(|p| format!(" Message {} ", p.label()))
            .unwrap_or_else(|| " Message ".into())
    };
    (title, dialog::chips(state))
}

fn render_composer(
    frame: &mut Frame,
    area: ratatui::layout::Rect,
    state: &AppState,
    (title, chips): &(String, Vec<String>),
    theme: &Theme,
) {
    let border = if state.focus == Focus::Composer {
        theme.focus_border
    } else {
        theme.border
    };
    let mut title = ratatui::text::Line::from(Span::styled(title.as_str(), theme.muted));
    for chip in chips {
        title.spans.push(Span::styled(format!("{chip} "), theme.persona));
    }
    let inner = paint::pane(frame.buffer_mut(), area, border, title, None);
    // Drawn by reference: cloning the editor per frame would cost its whole text.
    frame.render_widget(state.composer.editor(), inner);
}

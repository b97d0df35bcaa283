//! The persona sidebar: grouped list, filter line, loading/error state, and the
//! highlighted persona's description.
//!
//! Owns: drawing the list window around the cursor (only visible rows are built, so a
//! 10,000-persona list costs a screenful), and not drawing it again when nothing it shows
//! changed (`Memo`: a frame over the last one leaves it as it is, a frame drawn whole
//! copies its cells). Does not own: filtering or order (`app::personas`).

use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::retain::Retained;
use super::theme::Theme;
use super::words::spinner;
use super::wrap::ellipsize;
use crate::app::personas::{LoadState, PersonaList, Row};
use crate::app::state::AppState;

/// The sidebar last drawn and everything it was drawn from. A frame whose sidebar would
/// be the same copies the cells instead: drawing it was a sixth of the cost of a frame
/// while a model streams, and nothing in it changes then.
#[derive(Debug, Default)]
pub struct Memo {
    last: Option<Drawn>,
    /// Times the sidebar was drawn rather than copied (work counts for tests).
    pub draws: u64,
}

#[derive(Debug)]
struct Drawn {
    area: Rect,
    focused: bool,
    theme: Theme,
    list: PersonaList,
    marked: Vec<String>,
    comparing: bool,
    /// The spinner's frame, while the list loads (the only thing time changes).
    spinner: Option<&'static str>,
    cells: Vec<Cell>,
}

/// The spinner frame the sidebar shows, if any.
fn spinning(state: &AppState) -> Option<&'static str> {
    matches!(state.personas.load, LoadState::Loading | LoadState::Refreshing).then(|| spinner(state.now))
}

impl Drawn {
    /// Whether the sidebar for these inputs is the one drawn.
    fn shows(&self, area: Rect, state: &AppState, theme: &Theme, focused: bool) -> bool {
        self.area == area
            && self.focused == focused
            && self.comparing == state.compare.active()
            && self.spinner == spinning(state)
            && self.marked == state.compare.marked
            && self.list == state.personas
            && self.theme == *theme
    }
}

/// Rows of `area` (within the buffer) as index ranges into its cells.
fn rows(buf: &Buffer, area: Rect) -> Vec<std::ops::Range<usize>> {
    let area = area.intersection(buf.area);
    (area.top()..area.bottom())
        .map(|y| {
            let start = buf.index_of(area.x, y);
            start..start + usize::from(area.width)
        })
        .collect()
}

/// Draws the sidebar into `area`, or copies it from `memo` when it would look the same
/// (or leaves it as it is, when the last frame already showed it: `kept`).
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    theme: &Theme,
    focused: bool,
    memo: &mut Memo,
    kept: &mut Retained,
) {
    let shown = memo
        .last
        .as_ref()
        .is_some_and(|d| d.shows(area, state, theme, focused));
    // The sidebar's content is named by the drawing it comes from.
    let drawing = if shown { memo.draws } else { memo.draws + 1 };
    let buf = frame.buffer_mut();
    if !kept.repaint(buf, area, &("sidebar", drawing)) {
        return;
    }
    if let Some(last) = memo.last.as_ref().filter(|_| shown) {
        let mut from = 0;
        for row in rows(buf, area) {
            let len = row.len();
            if let (Some(to), Some(cells)) = (buf.content.get_mut(row), last.cells.get(from..from + len)) {
                to.clone_from_slice(cells);
            }
            from += len;
        }
        return;
    }
    draw(frame, area, state, theme, focused);
    memo.draws += 1;
    let buf = frame.buffer_mut();
    let cells = rows(buf, area)
        .into_iter()
        .flat_map(|row| buf.content.get(row).unwrap_or_default().iter().cloned())
        .collect();
    memo.last = Some(Drawn {
        area,
        focused,
        theme: theme.clone(),
        list: state.personas.clone(),
        marked: state.compare.marked.clone(),
        comparing: state.compare.active(),
        spinner: spinning(state),
        cells,
    });
}

fn draw(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme, focused: bool) {
    let list = &state.personas;
    let count = list.visible().len();
    let title = match &list.load {
        LoadState::Refreshing => format!(" Personas {} ", spinner(state.now)),
        _ if count > 0 => format!(" Personas ({count}) "),
        _ => " Personas ".to_owned(),
    };
    let border = if focused { theme.focus_border } else { theme.border };
    let inner = super::paint::pane(frame.buffer_mut(), area, border, Line::from(title), None);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    let show_filter = list.filtering || !list.filter.is_empty();
    let detail_height = if inner.height >= 14 { 5 } else { 0 };
    let [filter_area, list_area, detail_area] = Layout::vertical([
        Constraint::Length(u16::from(show_filter)),
        Constraint::Min(1),
        Constraint::Length(detail_height),
    ])
    .areas(inner);

    if show_filter {
        let cursor = if list.filtering { "▏" } else { "" };
        let line = Line::from(vec![
            Span::styled("/ ", theme.list_marker),
            Span::styled(format!("{}{cursor}", list.filter), theme.text),
        ]);
        frame.render_widget(Paragraph::new(line), filter_area);
    }

    let rows = list.rows();
    if rows.is_empty() {
        let lines = match &list.load {
            LoadState::Loading | LoadState::Refreshing => {
                vec![Line::from(Span::styled(
                    format!("{} loading personas…", spinner(state.now)),
                    theme.muted,
                ))]
            }
            LoadState::Failed(err) => vec![
                Line::from(Span::styled("Could not load personas:", theme.error)),
                Line::from(Span::styled(err.clone(), theme.error)),
                Line::default(),
                Line::from(Span::styled("press r here to retry", theme.muted)),
            ],
            LoadState::Loaded if show_filter => {
                vec![Line::from(Span::styled("no persona matches", theme.muted))]
            }
            LoadState::Loaded => vec![Line::from(Span::styled(
                "no personas: the server lists none (add [[personas]] to the config)",
                theme.muted,
            ))],
        };
        frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), list_area);
        return;
    }

    let height = list_area.height as usize;
    let cursor_row = list.cursor_row();
    // Keep the cursor in view, with its category header when there is room.
    let top = cursor_row
        .saturating_sub(height.saturating_sub(2))
        .min(rows.len().saturating_sub(height));
    let highlighted = list.highlighted().map(|p| p.id.as_str());
    let width = list_area.width as usize;
    let lines: Vec<Line> = rows
        .iter()
        .skip(top)
        .take(height)
        .map(|row| match *row {
            Row::Category(i) => Line::from(Span::styled(
                ellipsize(list.category_name(i), width),
                theme.heading(3),
            )),
            Row::Persona(i) => {
                let Some(p) = list.entries.get(i) else {
                    return Line::default();
                };
                let is_cursor = highlighted == Some(p.id.as_str());
                let is_selected = list.selected.as_deref() == Some(p.id.as_str());
                // Markers as well as styles, so the list reads the same without colour.
                let cursor = if is_cursor && focused { "▸" } else { " " };
                let marked = state.compare.marked.iter().position(|m| m == &p.id);
                let mark = match marked {
                    Some(n) => format!("{cursor}{} ", n + 1),
                    None if is_selected && !state.compare.active() => format!("{cursor}● "),
                    None => format!("{cursor}  "),
                };
                let local = match p.source {
                    crate::catalog::PersonaSource::Local => " ·local",
                    crate::catalog::PersonaSource::Custom => " ·custom",
                    crate::catalog::PersonaSource::Server => "",
                };
                let text = ellipsize(&format!("{mark}{}{local}", p.label()), width);
                let style = if is_cursor && focused {
                    theme.selection
                } else if marked.is_some() || (is_selected && !state.compare.active()) {
                    theme.persona
                } else {
                    theme.text
                };
                Line::from(Span::styled(text, style))
            }
        })
        .collect();
    super::paint::lines(frame.buffer_mut(), list_area, &lines);

    if detail_height > 0 {
        if let Some(p) = list.highlighted() {
            let text = if p.description.is_empty() {
                "(no description)".to_owned()
            } else {
                p.description.clone()
            };
            let block = Block::default().borders(Borders::TOP).border_style(theme.border);
            let detail = Paragraph::new(Span::styled(text, theme.muted))
                .wrap(Wrap { trim: true })
                .block(block);
            frame.render_widget(detail, detail_area);
        }
    }
}

//! Geometry: where each pane goes and which compare columns are shown, for any terminal
//! size. The reducer (moving the column focus, scrolling) and the view (drawing) both ask
//! here, so they cannot disagree and one draw always settles a screen.
//!
//! Owns: the split into sidebar, conversation, composer and status bar, and what gives
//! way on small terminals: below 70 columns only one of sidebar and conversation shows
//! (the focused one, the conversation otherwise); the composer shrinks before the
//! conversation disappears; the window of compare columns that fits, keeping the focused
//! column in view. The presenter layout (`AppState::presenter`): the last prompt's
//! heading on top, the conversation or the columns the full width without the sidebar
//! (unless it has the focus), a one-row composer and the status bar; columns may be
//! narrower there (no borders), so three fit in 80 cells.
//! Pure: functions of sizes and counts. Does not own: line counts of
//! laid-out text (the view measures those) or scroll positions (`thread::Scroll`).

use ratatui::layout::Rect;

use super::state::{AppState, Focus};

/// Compare columns narrower than this are unreadable: fewer are shown instead.
pub const MIN_COLUMN_WIDTH: u16 = 30;
/// The same in the presenter layout, whose columns have no borders: three fit in 80.
pub const MIN_PRESENTER_COLUMN_WIDTH: u16 = 25;
/// Rows of the presenter layout's heading: two lines of the prompt and a blank one.
pub const HEADING_ROWS: u16 = 3;

/// The narrowest a compare column may be.
pub fn min_column_width(presenter: bool) -> u16 {
    if presenter {
        MIN_PRESENTER_COLUMN_WIDTH
    } else {
        MIN_COLUMN_WIDTH
    }
}

/// Which compare columns are on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnWindow {
    /// How many columns are shown side by side.
    pub visible: usize,
    /// The first column shown.
    pub offset: usize,
}

/// The window of `total` columns at least `min_width` wide that fits `width`: starting
/// at `offset` where it can, moved just enough to show the `focused` column.
pub fn column_window(
    total: usize,
    width: u16,
    min_width: u16,
    offset: usize,
    focused: Option<usize>,
) -> ColumnWindow {
    let visible = total.min(usize::from((width / min_width.max(1)).max(1)));
    let mut offset = offset.min(total.saturating_sub(visible));
    if let Some(c) = focused.filter(|&c| c < total) {
        if c < offset {
            offset = c;
        } else if c >= offset + visible {
            offset = c + 1 - visible;
        }
    }
    ColumnWindow { visible, offset }
}

/// The panes of the whole screen for this state.
pub fn screen(state: &AppState) -> Areas {
    let (width, height) = state.size;
    let columns = if state.compare.active() {
        state.compare.marked.len()
    } else {
        0
    };
    areas(
        Rect::new(0, 0, width, height),
        state.focus,
        state.composer.line_count(),
        columns,
        state.presenter,
    )
}

/// The compare columns shown for this state (none outside the compare view).
pub fn columns(state: &AppState) -> ColumnWindow {
    let width = screen(state).conversation.map_or(0, |r| r.width);
    column_window(
        state.compare.marked.len(),
        width,
        min_column_width(state.presenter),
        state.compare.offset,
        state.compare.column,
    )
}

/// The panes' rectangles; `None` for a pane that does not fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Areas {
    /// The presenter layout's heading (the last prompt); `None` elsewhere.
    pub heading: Option<Rect>,
    pub sidebar: Option<Rect>,
    pub conversation: Option<Rect>,
    pub composer: Rect,
    pub status: Rect,
}

/// Terminals narrower than this show the sidebar or the conversation, not both.
const SIDE_BY_SIDE_MIN_WIDTH: u16 = 70;

/// `columns` is the compare view's column count (0 outside it): when the sidebar would
/// leave room for fewer than two readable columns, it gives way unless focused.
/// `presenter`: the presenter layout (`presenting`).
pub fn areas(area: Rect, focus: Focus, composer_lines: usize, columns: usize, presenter: bool) -> Areas {
    if presenter {
        return presenting(area, focus);
    }
    let status = Rect::new(
        area.x,
        area.y + area.height.saturating_sub(1),
        area.width,
        area.height.min(1),
    );
    let body_height = area.height.saturating_sub(1);
    // Composer: its lines plus borders, at most a third of the screen, at least 3 rows.
    let wanted = composer_lines.clamp(1, 10) as u16 + 2;
    let composer_height = wanted.min((body_height / 3).max(3)).min(body_height);
    let main_height = body_height - composer_height;
    let composer = Rect::new(area.x, area.y + main_height, area.width, composer_height);
    let main = Rect::new(area.x, area.y, area.width, main_height);
    if main_height == 0 {
        return Areas {
            heading: None,
            sidebar: None,
            conversation: None,
            composer,
            status,
        };
    }
    if area.width < SIDE_BY_SIDE_MIN_WIDTH {
        let (sidebar, conversation) = if focus == Focus::Sidebar {
            (Some(main), None)
        } else {
            (None, Some(main))
        };
        return Areas {
            heading: None,
            sidebar,
            conversation,
            composer,
            status,
        };
    }
    let side_width = (area.width / 4).clamp(24, 36);
    let wanted_columns = columns.min(2) as u16;
    if focus != Focus::Sidebar
        && wanted_columns > 0
        && (area.width - side_width) / MIN_COLUMN_WIDTH < wanted_columns
    {
        return Areas {
            heading: None,
            sidebar: None,
            conversation: Some(main),
            composer,
            status,
        };
    }
    Areas {
        heading: None,
        sidebar: Some(Rect::new(area.x, area.y, side_width, main_height)),
        conversation: Some(Rect::new(
            area.x + side_width,
            area.y,
            area.width - side_width,
            main_height,
        )),
        composer,
        status,
    }
}

/// The presenter layout: the heading on top (when the screen has rows for more than it),
/// the main area, a one-row composer and the status bar. The sidebar shows only while
/// it has the focus, in place of the conversation.
fn presenting(area: Rect, focus: Focus) -> Areas {
    let row = |y: u16, height: u16| Rect::new(area.x, area.y + y, area.width, height);
    let status = row(area.height.saturating_sub(1), area.height.min(1));
    let body = area.height.saturating_sub(1);
    let composer = row(body.saturating_sub(1), body.min(1));
    let rest = body.saturating_sub(1);
    let heading_rows = if rest >= HEADING_ROWS + 4 {
        HEADING_ROWS
    } else {
        rest.min(1)
    };
    let main = row(heading_rows, rest - heading_rows);
    let main = (main.height > 0).then_some(main);
    let (sidebar, conversation) = if focus == Focus::Sidebar {
        (main, None)
    } else {
        (None, main)
    };
    Areas {
        heading: (heading_rows > 0).then(|| row(0, heading_rows)),
        sidebar,
        conversation,
        composer,
        status,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_terminals_show_everything() {
        let a = areas(Rect::new(0, 0, 120, 40), Focus::Composer, 1, 0, false);
        let (side, conv) = (a.sidebar.expect("sidebar"), a.conversation.expect("conversation"));
        assert_eq!(side.width + conv.width, 120);
        assert_eq!(a.composer.height, 3);
        assert_eq!(a.status.y, 39);
        assert_eq!(conv.height + a.composer.height + 1, 40);
    }

    #[test]
    fn narrow_terminals_show_the_focused_pane() {
        let a = areas(Rect::new(0, 0, 40, 12), Focus::Sidebar, 1, 0, false);
        assert!(a.sidebar.is_some() && a.conversation.is_none());
        let a = areas(Rect::new(0, 0, 40, 12), Focus::Composer, 1, 0, false);
        assert!(a.sidebar.is_none() && a.conversation.is_some());
    }

    #[test]
    fn the_composer_grows_but_not_past_a_third() {
        let a = areas(Rect::new(0, 0, 100, 30), Focus::Composer, 50, 0, false);
        assert_eq!(a.composer.height, 9);
    }

    #[test]
    fn the_compare_view_takes_the_width_when_the_sidebar_would_squeeze_it() {
        let a = areas(Rect::new(0, 0, 80, 24), Focus::Composer, 1, 3, false);
        assert!(a.sidebar.is_none());
        let a = areas(Rect::new(0, 0, 80, 24), Focus::Sidebar, 1, 3, false);
        assert!(a.sidebar.is_some(), "the focused sidebar stays");
        let a = areas(Rect::new(0, 0, 160, 45), Focus::Composer, 1, 3, false);
        assert!(a.sidebar.is_some(), "wide enough for both");
    }

    #[test]
    fn the_column_window_keeps_the_focused_column_in_view_and_moves_no_more() {
        // (columns, width, offset, focused) → (visible, offset). 200 cells hold six
        // columns of 33; 60 cells hold two.
        let cases = [
            ((6, 200, 0, None), (6, 0)),
            ((6, 60, 0, Some(5)), (2, 4)),
            ((6, 60, 4, Some(1)), (2, 1)),
            ((6, 60, 1, Some(2)), (2, 1)),
            ((3, 60, 9, None), (2, 1)),
            ((0, 10, 3, Some(0)), (0, 0)),
        ];
        for ((total, width, offset, focused), (visible, first)) in cases {
            assert_eq!(
                column_window(total, width, MIN_COLUMN_WIDTH, offset, focused),
                ColumnWindow {
                    visible,
                    offset: first
                },
                "{total} columns in {width} cells from {offset}, focus {focused:?}"
            );
        }
    }

    #[test]
    fn the_presenter_layout_gives_the_columns_the_whole_width() {
        let a = areas(Rect::new(0, 0, 80, 24), Focus::Composer, 4, 3, true);
        assert_eq!(a.heading, Some(Rect::new(0, 0, 80, HEADING_ROWS)));
        assert_eq!(a.sidebar, None);
        assert_eq!(a.conversation, Some(Rect::new(0, 3, 80, 19)));
        assert_eq!(
            a.composer,
            Rect::new(0, 22, 80, 1),
            "one row, however long the text"
        );
        assert_eq!(a.status, Rect::new(0, 23, 80, 1));
        let w = column_window(3, 80, min_column_width(true), 0, None);
        assert_eq!(w.visible, 3, "three columns fit 80 cells");
        let a = areas(Rect::new(0, 0, 80, 24), Focus::Sidebar, 1, 0, true);
        assert!(
            a.sidebar.is_some() && a.conversation.is_none(),
            "a focused list shows"
        );
    }

    #[test]
    fn degenerate_sizes_do_not_panic() {
        for (w, h) in [(0, 0), (1, 1), (5, 2), (200, 3)] {
            let _ = areas(Rect::new(0, 0, w, h), Focus::Conversation, 3, 0, false);
        }
    }
}

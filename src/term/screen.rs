//! The screen as drawn: ratatui's terminal, with a frame's changes found row by row.
//!
//! Owns: drawing a frame (render into a buffer that already holds the last frame, write
//! only the cells that differ from what the terminal shows), the copy of what the
//! terminal shows (`shown`), which rows a frame painted (`Rows`: only those are compared),
//! and forgetting that copy whenever the terminal is cleared (`clear`, `resize`), so a
//! frame after a clear is drawn whole on a blank buffer. Does not own: synchronized
//! output or the terminal's modes (the caller and `guard`), or what is drawn, nor which
//! parts of it can be kept (`crate::view`).
//!
//! Why not ratatui's `Terminal::draw`: it clears the buffer before every frame, so every
//! cell of the screen is drawn again and compared again, and its diff measures the
//! display width of every cell, three times. While a model streams, 20 frames a second
//! each change a line or two. Here a frame starts from the last one (`Canvas::Kept`), the
//! view paints only what changed and says which rows it painted, and only those rows are
//! compared; a row that differs goes through ratatui's own cell rules (`diff_row`, held
//! equal to `Buffer::diff` by a property test), so wide characters and skipped cells are
//! written exactly as ratatui would write them.

use std::io::{self, Stdout};

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Rect, Size};
use ratatui::{Frame, Terminal};
use unicode_width::UnicodeWidthStr;

/// What the buffer a frame is rendered into holds when the frame starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Canvas {
    /// Nothing: every cell is blank (the first frame, after a clear or a resize).
    Blank,
    /// The last frame, cell for cell: what is not painted again stays as it was.
    Kept,
}

/// The rows of the screen a frame painted. Rows it did not paint hold the last frame's
/// cells, so only painted rows can differ from what the terminal shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rows {
    top: u16,
    painted: Vec<bool>,
}

impl Rows {
    /// No row of `area` painted yet.
    pub fn none(area: Rect) -> Rows {
        Rows {
            top: area.y,
            painted: vec![false; usize::from(area.height)],
        }
    }

    /// Every row of `area` painted.
    pub fn all(area: Rect) -> Rows {
        Rows {
            top: area.y,
            painted: vec![true; usize::from(area.height)],
        }
    }

    /// Marks the rows `area` covers as painted.
    pub fn mark(&mut self, area: Rect) {
        for y in area.top().max(self.top)..area.bottom() {
            if let Some(row) = self.painted.get_mut(usize::from(y - self.top)) {
                *row = true;
            }
        }
    }

    /// Whether row `y` was painted (rows outside the screen were not).
    pub fn contains(&self, y: u16) -> bool {
        y >= self.top
            && self
                .painted
                .get(usize::from(y - self.top))
                .copied()
                .unwrap_or(false)
    }

    /// How many rows were painted (work counts for tests).
    pub fn count(&self) -> usize {
        self.painted.iter().filter(|p| **p).count()
    }
}

/// The terminal in full-screen mode, and what it shows.
pub struct Screen<B: Backend = CrosstermBackend<Stdout>> {
    terminal: Terminal<B>,
    /// What the terminal shows: the last frame written.
    shown: Buffer,
    /// The rows of `shown` the last frame painted: the only ones where the terminal's
    /// other buffer (the frame before) can differ from it.
    stale: Rows,
    /// The next frame starts on a blank buffer (nothing drawn yet, or cleared).
    blank: bool,
}

impl<B: Backend> Screen<B> {
    pub fn new(terminal: Terminal<B>) -> Screen<B> {
        let mut terminal = terminal;
        let area = terminal.current_buffer_mut().area;
        Screen {
            terminal,
            shown: Buffer::empty(area),
            stale: Rows::none(area),
            blank: true,
        }
    }

    /// Renders one frame and writes what changed (not flushed: the caller ends the
    /// frame, with its synchronized-output end, and flushes once). `render` is told what
    /// the buffer holds and returns the rows it painted, with its own result.
    pub fn draw<R>(&mut self, render: impl FnOnce(&mut Frame, Canvas) -> (R, Rows)) -> io::Result<R> {
        let canvas = if self.blank { Canvas::Blank } else { Canvas::Kept };
        // The buffer held the frame before the last: the rows the last frame painted are
        // brought up to date, and it holds the last frame.
        let buf = self.terminal.current_buffer_mut();
        match canvas {
            Canvas::Blank => buf.reset(),
            Canvas::Kept => copy_rows(&self.shown, buf, &self.stale),
        }
        let mut frame = self.terminal.get_frame();
        let (out, painted) = render(&mut frame, canvas);
        let painted = match canvas {
            Canvas::Blank => Rows::all(self.shown.area),
            Canvas::Kept => painted,
        };
        let next = std::mem::take(self.terminal.current_buffer_mut());
        // The rows that differ: after this frame, the only ones where the buffer that
        // showed the last frame is behind.
        let mut changed = Rows::none(next.area);
        let updates = diff(&self.shown, &next, &painted, &mut changed);
        let written = self.terminal.backend_mut().draw(updates.into_iter());
        // The new frame becomes `shown`; the buffer that showed the last one is drawn
        // into next.
        *self.terminal.current_buffer_mut() = std::mem::replace(&mut self.shown, next);
        self.stale = changed;
        self.blank = false;
        written.map(|()| out)
    }

    /// Clears the terminal: the next frame is drawn whole.
    pub fn clear(&mut self) -> io::Result<()> {
        self.terminal.clear()?;
        self.forget(self.shown.area);
        Ok(())
    }

    /// Makes the next frame fit `area`, drawn whole on a cleared screen.
    pub fn resize(&mut self, area: Rect) -> io::Result<()> {
        self.terminal.resize(area)?;
        self.forget(area);
        Ok(())
    }

    fn forget(&mut self, area: Rect) {
        self.shown = Buffer::empty(area);
        self.stale = Rows::none(area);
        self.blank = true;
    }

    /// The terminal's size, as it reports it now.
    pub fn size(&self) -> io::Result<Size> {
        self.terminal.size()
    }

    /// Where bytes for the terminal go between frames (synchronized output, OSC 52).
    pub fn backend_mut(&mut self) -> &mut B {
        self.terminal.backend_mut()
    }

    /// The backend (tests read what a test backend shows).
    pub fn backend(&self) -> &B {
        self.terminal.backend()
    }
}

/// Copies the `rows` of `from` into `to` (buffers of the same area).
fn copy_rows(from: &Buffer, to: &mut Buffer, rows: &Rows) {
    let width = usize::from(from.area.width);
    if from.area != to.area {
        *to = from.clone();
        return;
    }
    for (row, (src, dst)) in from
        .content
        .chunks(width.max(1))
        .zip(to.content.chunks_mut(width.max(1)))
        .enumerate()
    {
        if rows.contains(from.area.y + row as u16) {
            dst.clone_from_slice(src);
        }
    }
}

/// The cells of `next` to write over a terminal showing `previous`, in ratatui's order
/// and by its rules (`Buffer::diff`): rows not `painted` (equal in both) and painted rows
/// found equal are passed over whole. The rows that differ are marked in `changed`.
pub fn diff<'a>(
    previous: &Buffer,
    next: &'a Buffer,
    painted: &Rows,
    changed: &mut Rows,
) -> Vec<(u16, u16, &'a Cell)> {
    let width = usize::from(next.area.width);
    let mut updates = Vec::new();
    if width == 0 || previous.area != next.area {
        changed.mark(next.area);
        return previous.diff(next);
    }
    // ratatui's two counters, carried from cell to cell (and, as in its flat walk of
    // the buffer, from the end of one row to the start of the next).
    let mut carry = Carry::default();
    let rows = next.content.chunks(width).zip(previous.content.chunks(width));
    for (row, (now, before)) in rows.enumerate() {
        let y = next.area.y + row as u16;
        let differs = painted.contains(y) && now != before;
        if differs {
            changed.mark(Rect::new(next.area.x, y, 1, 1));
        }
        if carry.is_clear() && !differs {
            // Nothing in the row to write. What it carries into the next row comes only
            // from its last cell (the widest symbol is two columns).
            carry = Carry::after_equal(now.last());
            continue;
        }
        carry = diff_row(now, before, next.area.x, y, carry, &mut updates);
    }
    updates
}

/// ratatui's per-cell state between cells: cells still covered by a wide symbol of
/// the new frame (`to_skip`), and cells whose old content a wide symbol of either frame
/// overlapped (`invalidated`: written even when equal).
#[derive(Debug, Default, Clone, Copy, PartialEq)]
struct Carry {
    to_skip: usize,
    invalidated: usize,
}

impl Carry {
    fn is_clear(self) -> bool {
        self.to_skip == 0 && self.invalidated == 0
    }

    /// After a row equal in both frames, entered with nothing carried: only the last
    /// cell's width can reach past the row's end.
    fn after_equal(last: Option<&Cell>) -> Carry {
        let wide = last.map_or(1, |c| width(c.symbol()));
        Carry {
            to_skip: wide.saturating_sub(1),
            invalidated: wide.saturating_sub(1),
        }
    }
}

/// ratatui's `Buffer::diff` over one row (same conditions, same order).
fn diff_row<'a>(
    now: &'a [Cell],
    before: &[Cell],
    x0: u16,
    y: u16,
    mut carry: Carry,
    updates: &mut Vec<(u16, u16, &'a Cell)>,
) -> Carry {
    for (x, (current, previous)) in now.iter().zip(before).enumerate() {
        if !current.skip && (current != previous || carry.invalidated > 0) && carry.to_skip == 0 {
            updates.push((x0 + x as u16, y, current));
        }
        let current_width = width(current.symbol());
        carry.to_skip = current_width.saturating_sub(1);
        let affected = current_width.max(width(previous.symbol()));
        carry.invalidated = affected.max(carry.invalidated).saturating_sub(1);
    }
    carry
}

/// A symbol's display width, as ratatui measures it; a single printable ASCII character
/// (most cells) without the table lookup.
fn width(symbol: &str) -> usize {
    match symbol.as_bytes() {
        [b] if (0x20..0x7f).contains(b) => 1,
        _ => symbol.width(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use ratatui::style::{Color, Style};

    /// Symbols of every width ratatui meets: ASCII, wide, zero-width, empty.
    const SYMBOLS: &[&str] = &["a", "b", " ", "界", "🙂", "\u{301}", "", "é"];

    fn buffer(area: Rect, cells: &[(u8, bool, bool)]) -> Buffer {
        let mut buf = Buffer::empty(area);
        for (cell, &(symbol, red, skip)) in buf.content.iter_mut().zip(cells) {
            cell.set_symbol(SYMBOLS[usize::from(symbol) % SYMBOLS.len()]);
            if red {
                cell.set_style(Style::default().fg(Color::Red));
            }
            cell.set_skip(skip);
        }
        buf
    }

    fn positions(updates: &[(u16, u16, &Cell)]) -> Vec<(u16, u16, Cell)> {
        updates.iter().map(|&(x, y, c)| (x, y, c.clone())).collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]
        /// Any two frames: the same writes as ratatui's diff, in the same order. Rows are
        /// mostly copied from the previous frame, as in a real frame.
        #[test]
        fn writes_exactly_what_ratatui_writes(
            w in 1u16..7,
            h in 1u16..6,
            before in proptest::collection::vec((0u8..8, any::<bool>(), prop::bool::weighted(0.05)), 42),
            after in proptest::collection::vec((0u8..8, any::<bool>(), prop::bool::weighted(0.05)), 42),
            same_rows in proptest::collection::vec(any::<bool>(), 6),
            painted_anyway in proptest::collection::vec(any::<bool>(), 6),
        ) {
            let area = Rect::new(0, 0, w, h);
            let previous = buffer(area, &before);
            let mut next = buffer(area, &after);
            let width = usize::from(w);
            // Rows a frame did not paint are equal to the last frame's; some it painted
            // came out equal too.
            let mut painted = Rows::none(area);
            for (row, (same, anyway)) in same_rows.iter().zip(&painted_anyway).enumerate().take(usize::from(h)) {
                if *same {
                    let span = row * width..(row + 1) * width;
                    next.content[span.clone()].clone_from_slice(&previous.content[span]);
                }
                if !*same || *anyway {
                    painted.mark(Rect::new(0, row as u16, w, 1));
                }
            }
            let expected = positions(&previous.diff(&next));
            let mut changed = Rows::none(area);
            prop_assert_eq!(positions(&diff(&previous, &next, &painted, &mut changed)), expected.clone());
            for (row, (now, before)) in next.content.chunks(width).zip(previous.content.chunks(width)).enumerate() {
                prop_assert_eq!(changed.contains(row as u16), now != before, "row {}", row);
            }
            prop_assert_eq!(positions(&diff(&previous, &next, &Rows::all(area), &mut Rows::none(area))), expected);
        }
    }

    #[test]
    fn an_unchanged_frame_writes_nothing_and_one_changed_cell_writes_one() {
        let area = Rect::new(0, 0, 80, 24);
        let mut previous = Buffer::empty(area);
        previous.set_string(0, 3, "streaming text", Style::default());
        let mut next = previous.clone();
        assert!(diff(&previous, &next, &Rows::all(area), &mut Rows::none(area)).is_empty());
        next.set_string(14, 3, "!", Style::default());
        let mut painted = Rows::none(area);
        painted.mark(Rect::new(10, 3, 5, 1));
        assert_eq!(painted.count(), 1);
        assert_eq!(
            positions(&diff(&previous, &next, &painted, &mut Rows::none(area))),
            vec![(14, 3, next[(14, 3)].clone())]
        );
    }

    #[test]
    fn rows_mark_only_what_an_area_covers_on_the_screen() {
        let mut rows = Rows::none(Rect::new(0, 2, 10, 4));
        rows.mark(Rect::new(3, 0, 2, 3));
        rows.mark(Rect::new(0, 5, 1, 9));
        assert_eq!(
            (2..6).map(|y| rows.contains(y)).collect::<Vec<_>>(),
            [true, false, false, true]
        );
        assert!(!rows.contains(1) && !rows.contains(6));
        assert_eq!(rows.count(), 2);
    }
}

//! The screen as drawn: ratatui's terminal, with a frame's changes found row by row.
//!
//! Owns: drawing a frame (render into ratatui's buffer, write only the cells that differ
//! from what the terminal shows), the copy of what the terminal shows (`shown`), and
//! forgetting that copy whenever the terminal is cleared (`clear`, `resize`), so a frame
//! after a clear is drawn whole. Does not own: synchronized output or the terminal's
//! modes (the caller and `guard`), or what is drawn (`crate::view`).
//!
//! Why not ratatui's `Terminal::flush`: its diff measures the display width of every
//! cell of the screen, three times, every frame. While a model streams, 20 frames a
//! second each change a line or two, and that measuring was a tenth of the app's CPU.
//! Here a row equal to the one shown is passed over with one slice comparison; a row that
//! differs goes through ratatui's own cell rules (`diff_row`, held equal to
//! `Buffer::diff` by a property test), so wide characters and skipped cells are written
//! exactly as ratatui would write them.

use std::io::{self, Stdout};

use ratatui::backend::{Backend, CrosstermBackend};
use ratatui::buffer::{Buffer, Cell};
use ratatui::layout::{Rect, Size};
use ratatui::{Frame, Terminal};
use unicode_width::UnicodeWidthStr;

/// The terminal in full-screen mode, and what it shows.
pub struct Screen {
    terminal: Terminal<CrosstermBackend<Stdout>>,
    /// What the terminal shows: the last frame written.
    shown: Buffer,
}

impl Screen {
    pub fn new(terminal: Terminal<CrosstermBackend<Stdout>>) -> Screen {
        let mut terminal = terminal;
        let area = terminal.current_buffer_mut().area;
        Screen {
            terminal,
            shown: Buffer::empty(area),
        }
    }

    /// Renders one frame and writes what changed (not flushed: the caller ends the
    /// frame, with its synchronized-output end, and flushes once).
    pub fn draw<R>(&mut self, render: impl FnOnce(&mut Frame) -> R) -> io::Result<R> {
        let mut frame = self.terminal.get_frame();
        let out = render(&mut frame);
        // The new frame becomes `shown`; the buffer that held the last one goes back to
        // the terminal, which clears it before it is drawn into again (`swap_buffers`).
        let next = std::mem::take(self.terminal.current_buffer_mut());
        let previous = std::mem::replace(&mut self.shown, next);
        let updates = diff(&previous, &self.shown);
        let written = self.terminal.backend_mut().draw(updates.into_iter());
        *self.terminal.current_buffer_mut() = previous;
        self.terminal.swap_buffers();
        written.map(|()| out)
    }

    /// Clears the terminal: the next frame is drawn whole.
    pub fn clear(&mut self) -> io::Result<()> {
        self.terminal.clear()?;
        self.shown = Buffer::empty(self.shown.area);
        Ok(())
    }

    /// Makes the next frame fit `area`, drawn whole on a cleared screen.
    pub fn resize(&mut self, area: Rect) -> io::Result<()> {
        self.terminal.resize(area)?;
        self.shown = Buffer::empty(area);
        Ok(())
    }

    /// The terminal's size, as it reports it now.
    pub fn size(&self) -> io::Result<Size> {
        self.terminal.size()
    }

    /// Where bytes for the terminal go between frames (synchronized output, OSC 52).
    pub fn backend_mut(&mut self) -> &mut CrosstermBackend<Stdout> {
        self.terminal.backend_mut()
    }
}

/// The cells of `next` to write over a terminal showing `previous`, in ratatui's order
/// and by its rules (`Buffer::diff`), rows equal in both passed over whole.
pub fn diff<'a>(previous: &Buffer, next: &'a Buffer) -> Vec<(u16, u16, &'a Cell)> {
    let width = usize::from(next.area.width);
    let mut updates = Vec::new();
    if width == 0 || previous.area != next.area {
        return previous.diff(next);
    }
    // ratatui's two counters, carried from cell to cell (and, as in its flat walk of
    // the buffer, from the end of one row to the start of the next).
    let mut carry = Carry::default();
    let rows = next.content.chunks(width).zip(previous.content.chunks(width));
    for (row, (now, before)) in rows.enumerate() {
        let y = next.area.y + row as u16;
        if carry.is_clear() && now == before {
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
        ) {
            let area = Rect::new(0, 0, w, h);
            let previous = buffer(area, &before);
            let mut next = buffer(area, &after);
            let width = usize::from(w);
            for (row, same) in same_rows.iter().enumerate().take(usize::from(h)) {
                if *same {
                    let span = row * width..(row + 1) * width;
                    next.content[span.clone()].clone_from_slice(&previous.content[span]);
                }
            }
            prop_assert_eq!(positions(&diff(&previous, &next)), positions(&previous.diff(&next)));
        }
    }

    #[test]
    fn an_unchanged_frame_writes_nothing_and_one_changed_cell_writes_one() {
        let area = Rect::new(0, 0, 80, 24);
        let mut previous = Buffer::empty(area);
        previous.set_string(0, 3, "streaming text", Style::default());
        let mut next = previous.clone();
        assert!(diff(&previous, &next).is_empty());
        next.set_string(14, 3, "!", Style::default());
        assert_eq!(
            positions(&diff(&previous, &next)),
            vec![(14, 3, next[(14, 3)].clone())]
        );
    }
}

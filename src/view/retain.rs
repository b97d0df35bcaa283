//! What a frame keeps of the last one: the parts of the screen whose content is the same
//! are not painted again.
//!
//! Owns: remembering, for each area a frame painted, a fingerprint of what it painted
//! there (`repaint`), clearing an area before it is painted again, the rows a frame
//! painted (`term::screen::Rows`: only those are compared with what the terminal shows),
//! and when a frame must be drawn whole: on a blank buffer, with a popup shown now or in
//! the last frame (popups are drawn over other parts, which then cannot be kept), and
//! when the panes moved (a cell no pane covers now may show what the old layout drew).
//! Also a pane's frame drawn side by side, each kept (`pane`). Does not own: what any
//! part shows (the panes), or writing to the terminal (`term::screen`).
//!
//! The rule that keeps this correct: within one frame the parts that are kept or
//! painted never overlap, and a part is kept only when the frame just before painted or
//! kept it with the same fingerprint. A part that was not drawn in the last frame may
//! have been painted over since, so it is painted again.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::Line;

use super::paint::{self, Edge};

use crate::term::screen::{Canvas, Rows};

/// The parts of the screen drawn in the last frame and what they showed.
#[derive(Debug, Default)]
pub struct Retained {
    /// Frames begun: the one being drawn.
    frame: u64,
    /// The frame is drawn whole on a blank buffer: nothing is kept, nothing needs clearing.
    whole: bool,
    /// Whether the last frame showed a popup.
    overlaid: bool,
    /// The fingerprint of the last frame's layout.
    layout: u64,
    /// Each area painted or kept, with the frame that last did and the fingerprint of
    /// what it shows: 64 bits, seeded per run, so two different contents share one by a
    /// chance far below anything a screen shows, and no text can be made to. Keyed by
    /// areas of the screen, which no input chooses: a fixed-seed fast hash suffices.
    parts: HashMap<Rect, (u64, u64), foldhash::fast::FixedState>,
    painted: Rows,
    /// The fingerprints' hasher, seeded at random once.
    hasher: foldhash::fast::RandomState,
}

impl Retained {
    /// Starts a frame on `buf`, which holds what `canvas` says, with the panes where
    /// `layout` says. With a popup shown now (`overlaid`) or in the last frame, or the
    /// panes moved, the frame is drawn whole: the buffer is cleared.
    pub fn begin(&mut self, buf: &mut Buffer, canvas: Canvas, overlaid: bool, layout: &impl Hash) {
        self.frame += 1;
        let layout = self.hasher.hash_one(layout);
        self.whole = canvas == Canvas::Blank || overlaid || self.overlaid || layout != self.layout;
        self.overlaid = overlaid;
        self.layout = layout;
        if self.whole {
            if canvas == Canvas::Kept {
                buf.reset();
            }
            self.parts.clear();
            self.painted = Rows::all(buf.area);
        } else {
            let last = self.frame - 1;
            self.parts.retain(|_, (frame, _)| *frame == last);
            self.painted = Rows::none(buf.area);
        }
    }

    /// Whether `area` must be painted to show what `key` describes: `false` when the
    /// last frame left exactly that there (the area is kept). When `true`, the area has
    /// been cleared and counts as painted; the caller paints it.
    pub fn repaint(&mut self, buf: &mut Buffer, area: Rect, key: &impl Hash) -> bool {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return false;
        }
        let print = self.hasher.hash_one(key);
        let last = self.frame - 1;
        match self.parts.get_mut(&area) {
            Some((frame, kept)) if *kept == print && *frame == last => {
                *frame = self.frame;
                false
            }
            _ => {
                self.clear(buf, area);
                self.parts.insert(area, (self.frame, print));
                true
            }
        }
    }

    /// `area` is painted this frame whatever it showed: it is cleared and counts as
    /// painted (small parts that change often, like the status bar).
    pub fn clear(&mut self, buf: &mut Buffer, area: Rect) {
        let area = area.intersection(buf.area);
        if area.is_empty() {
            return;
        }
        self.painted.mark(area);
        if !self.whole {
            for y in area.top()..area.bottom() {
                let start = buf.index_of(area.x, y);
                if let Some(cells) = buf.content.get_mut(start..start + usize::from(area.width)) {
                    cells.iter_mut().for_each(|c| {
                        c.reset();
                    });
                }
            }
        }
    }

    /// Draws a pane's frame as `paint::pane` does, and `badge` at the right end of its
    /// bottom edge; each side is kept when the last frame drew the same there, so a
    /// footer that changes repaints one row. Returns the area inside.
    pub fn pane(
        &mut self,
        buf: &mut Buffer,
        area: Rect,
        style: Style,
        title: &Line<'_>,
        footer: Option<&Line<'_>>,
        badge: Option<&Line<'_>>,
    ) -> Rect {
        let area = area.intersection(buf.area);
        let bottom = Edge::Bottom.row(area);
        if area.height < 3 || area.width < 2 {
            if self.repaint(buf, area, &(style, title, footer, badge)) {
                paint::pane(buf, area, style, title.clone(), footer.cloned());
                draw_badge(buf, bottom, badge);
            }
            return paint::inner(area);
        }
        let column = |x| Rect::new(x, area.y + 1, 1, area.height - 2);
        let left = self.repaint(buf, column(area.left()), &("side", style));
        let right = self.repaint(buf, column(area.right() - 1), &("side", style));
        if left || right {
            paint::sides(buf, area, style);
        }
        if self.repaint(buf, Edge::Top.row(area), &("top", style, title)) {
            paint::edge(buf, area, Edge::Top, style, Some(title));
        }
        if self.repaint(buf, bottom, &("bottom", style, footer, badge)) {
            paint::edge(buf, area, Edge::Bottom, style, footer);
            draw_badge(buf, bottom, badge);
        }
        paint::inner(area)
    }

    /// The rows this frame painted.
    pub fn painted(&self) -> &Rows {
        &self.painted
    }

    /// Ends the frame: the rows it painted.
    pub fn finish(&mut self) -> Rows {
        std::mem::take(&mut self.painted)
    }
}

/// `badge` at the right end of the edge `row`, inside its corners.
fn draw_badge(buf: &mut Buffer, row: Rect, badge: Option<&Line<'_>>) {
    if let Some(badge) = badge {
        let inside = paint::inner(Rect { height: 3, ..row });
        let width = (badge.width() as u16).min(inside.width);
        let at = Rect::new(inside.right() - width, row.y, width, 1);
        paint::line(buf, at, row.y, badge);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(y: u16) -> Rect {
        Rect::new(0, y, 10, 1)
    }

    #[test]
    fn a_part_is_kept_only_when_the_last_frame_left_the_same_there() {
        let area = Rect::new(0, 0, 10, 4);
        let mut buf = Buffer::empty(area);
        let mut kept = Retained::default();
        kept.begin(&mut buf, Canvas::Blank, false, &0);
        assert!(kept.repaint(&mut buf, row(1), &"a"));
        buf.set_string(0, 1, "a", Style::default());

        kept.begin(&mut buf, Canvas::Kept, false, &0);
        assert!(!kept.repaint(&mut buf, row(1), &"a"), "the same: kept");
        assert_eq!(kept.painted().count(), 0);
        assert_eq!(buf[(0, 1)].symbol(), "a");

        kept.begin(&mut buf, Canvas::Kept, false, &0);
        assert!(kept.repaint(&mut buf, row(1), &"b"), "different: painted");
        assert_eq!(buf[(0, 1)].symbol(), " ", "cleared for the new content");
        assert!(kept.painted().contains(1) && kept.painted().count() == 1);
    }

    #[test]
    fn a_part_skipped_for_a_frame_is_painted_again() {
        let area = Rect::new(0, 0, 10, 4);
        let mut buf = Buffer::empty(area);
        let mut kept = Retained::default();
        kept.begin(&mut buf, Canvas::Blank, false, &0);
        assert!(kept.repaint(&mut buf, row(2), &"a"));
        // A frame where something else drew over row 2.
        kept.begin(&mut buf, Canvas::Kept, false, &0);
        kept.clear(&mut buf, Rect::new(0, 0, 10, 4));
        kept.begin(&mut buf, Canvas::Kept, false, &0);
        assert!(kept.repaint(&mut buf, row(2), &"a"));
    }

    #[test]
    fn popups_and_blank_buffers_make_whole_frames() {
        let area = Rect::new(0, 0, 10, 4);
        let mut buf = Buffer::empty(area);
        let mut kept = Retained::default();
        kept.begin(&mut buf, Canvas::Blank, false, &0);
        assert!(kept.repaint(&mut buf, row(0), &1));
        assert_eq!(kept.painted().count(), 4);
        kept.begin(&mut buf, Canvas::Kept, true, &0);
        buf.set_string(0, 0, "popup", Style::default());
        assert!(kept.repaint(&mut buf, row(0), &1), "under a popup");
        // The popup closed: its cells are cleared, everything is painted.
        kept.begin(&mut buf, Canvas::Kept, false, &0);
        assert_eq!(buf[(0, 0)].symbol(), " ");
        assert!(kept.repaint(&mut buf, row(0), &1));
        assert_eq!(kept.painted().count(), 4);
        kept.begin(&mut buf, Canvas::Kept, false, &0);
        assert!(!kept.repaint(&mut buf, row(0), &1));
        assert_eq!(kept.painted().count(), 0);
    }
}

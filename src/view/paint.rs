//! Laid-out lines into the frame's buffer, one row each.
//!
//! Owns: writing lines that are already wrapped to the area's width (the conversation,
//! the persona list) — per cell, with printable ASCII written a byte at a time and
//! everything else through ratatui's grapheme-aware `set_stringn` —, and a pane's frame,
//! whole (`pane`) or an edge and the sides at a time (`edge`, `sides`: parts a frame may
//! keep, `retain`). Written by hand because ratatui's `Paragraph` re-flows what is
//! already laid out, and both it and `Block` style every cell of their area first, which
//! is most of the cost of a frame while a model streams. Also where a popup goes
//! (`popup`). Does not own: wrapping (`wrap`, `cache`) or which lines are shown (the
//! panes).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::symbols::border;
use ratatui::text::Line;
use ratatui::widgets::Widget;

/// Draws a pane's frame into `area` — plain borders in `style`, `title` on the top edge
/// and `footer` on the bottom one, each from the second cell and cut to fit — and
/// returns the area inside. Draws what ratatui's `Block` draws with all borders and
/// left-aligned titles, cell for cell, without first styling every cell of the pane
/// (with an empty style that changes nothing: the area is blank when it is drawn).
pub fn pane(buf: &mut Buffer, area: Rect, style: Style, title: Line<'_>, footer: Option<Line<'_>>) -> Rect {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return area;
    }
    if area.height >= 2 {
        sides(buf, area, style);
        edge(buf, area, Edge::Bottom, style, footer.as_ref());
        edge(buf, area, Edge::Top, style, Some(&title));
    } else {
        // One row: the top edge, and the footer over the title, as `Block` draws it.
        edge(buf, area, Edge::Top, style, Some(&title));
        if let Some(footer) = &footer {
            label(buf, area, area.top(), footer);
        }
    }
    inner(area)
}

/// The top or the bottom edge of a pane's frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edge {
    Top,
    Bottom,
}

impl Edge {
    /// The row of `area` the edge is drawn on.
    pub fn row(self, area: Rect) -> Rect {
        let y = match self {
            Edge::Top => area.top(),
            Edge::Bottom => area.bottom().saturating_sub(1),
        };
        Rect::new(area.x, y, area.width, area.height.min(1))
    }
}

/// Draws one horizontal edge of the frame of a pane filling `area`: its corners, its
/// line and `text` from the second cell, cut to fit.
pub fn edge(buf: &mut Buffer, area: Rect, edge: Edge, style: Style, text: Option<&Line<'_>>) {
    let area = area.intersection(buf.area);
    if area.is_empty() {
        return;
    }
    let set = border::PLAIN;
    let (y, line, left, right) = match edge {
        Edge::Top => (area.top(), set.horizontal_top, set.top_left, set.top_right),
        Edge::Bottom => (
            area.bottom() - 1,
            set.horizontal_bottom,
            set.bottom_left,
            set.bottom_right,
        ),
    };
    for x in area.left()..area.right() {
        if let Some(cell) = buf.cell_mut((x, y)) {
            cell.set_symbol(line).set_style(style);
        }
    }
    // The right corner first: in a pane one cell wide, the left one is what shows.
    for (x, symbol) in [(area.right() - 1, right), (area.left(), left)] {
        if let Some(cell) = buf.cell_mut((x, y)) {
            cell.set_symbol(symbol).set_style(style);
        }
    }
    if let Some(text) = text {
        label(buf, area, y, text);
    }
}

/// Draws the left and right sides of the frame of a pane filling `area`, between its
/// edges.
pub fn sides(buf: &mut Buffer, area: Rect, style: Style) {
    let area = area.intersection(buf.area);
    let set = border::PLAIN;
    for y in area.top().saturating_add(1)..area.bottom().saturating_sub(1) {
        for (x, symbol) in [
            (area.left(), set.vertical_left),
            (area.right().saturating_sub(1), set.vertical_right),
        ] {
            if let Some(cell) = buf.cell_mut((x, y)) {
                cell.set_symbol(symbol).set_style(style);
            }
        }
    }
}

/// `text` on row `y` of a pane's frame, from its second cell, cut to fit inside it.
fn label(buf: &mut Buffer, area: Rect, y: u16, text: &Line<'_>) {
    let room = area.width.saturating_sub(2);
    let width = (text.width() as u16).min(room);
    text.render(Rect::new(area.x + 1, y, width, 1), buf);
}

/// The area inside a pane's frame (`pane`).
pub fn inner(area: Rect) -> Rect {
    Rect::new(
        area.x + 1,
        area.y + 1,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    )
}

/// Writes `lines` into `area`, the first at its top row, each cut at its width; rows
/// past the last line, and cells past a line's end, are left as they are.
pub fn lines(buf: &mut Buffer, area: Rect, lines: &[Line<'_>]) {
    let area = area.intersection(buf.area);
    for (row, line) in (area.top()..area.bottom()).zip(lines) {
        put_line(buf, area.x, row, area.width, line);
    }
}

/// A `width` × `height` box centred over `area` (each at most `area`'s), cleared of what
/// was drawn under it: where a popup is drawn.
pub fn popup(buf: &mut Buffer, area: Rect, width: u16, height: u16) -> Rect {
    let (width, height) = (width.min(area.width), height.min(area.height));
    let rect = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    ratatui::widgets::Widget::render(ratatui::widgets::Clear, rect, buf);
    rect
}

/// Paints `line` on row `y` of `area` (nothing when the row is outside it).
pub fn line(buf: &mut Buffer, area: Rect, y: u16, line: &Line<'_>) {
    let area = area.intersection(buf.area);
    if (area.top()..area.bottom()).contains(&y) {
        put_line(buf, area.x, y, area.width, line);
    }
}

fn put_line(buf: &mut Buffer, x: u16, y: u16, width: u16, line: &Line<'_>) {
    let end = x.saturating_add(width);
    let mut col = x;
    for span in &line.spans {
        if col >= end {
            return;
        }
        let style = line.style.patch(span.style);
        let text = span.content.as_ref();
        if text.bytes().all(|b| b == b' ' || b.is_ascii_graphic()) {
            for b in text.bytes().take(usize::from(end - col)) {
                if let Some(cell) = buf.cell_mut((col, y)) {
                    cell.set_char(char::from(b)).set_style(style);
                }
                col += 1;
            }
        } else {
            col = buf.set_stringn(col, y, text, usize::from(end - col), style).0;
        }
    }
}

#[cfg(test)]
mod tests {
    use ratatui::style::{Style, Stylize};
    use ratatui::text::Span;
    use ratatui::widgets::{Paragraph, Widget};

    use super::*;

    /// What ratatui's `Paragraph` draws for the same lines.
    fn by_paragraph(area: Rect, lines: &[Line<'static>]) -> Buffer {
        let mut buf = Buffer::empty(area);
        Paragraph::new(lines.to_vec()).render(area, &mut buf);
        buf
    }

    #[test]
    fn a_pane_draws_what_a_block_draws() {
        use ratatui::widgets::{Block, Borders};
        let title = || Line::from(Span::styled(" Gen Z · 中文 ", Style::new().bold().cyan()));
        let footer = || {
            Line::from(vec![
                Span::raw(" ✓ 30 tokens "),
                Span::styled("· 2", Style::new().red()),
            ])
        };
        let style = Style::new().yellow().italic();
        for area in [
            Rect::new(1, 1, 30, 8),
            Rect::new(0, 0, 8, 3),
            Rect::new(2, 2, 2, 2),
            Rect::new(0, 0, 1, 1),
            Rect::new(5, 5, 0, 0),
            Rect::new(30, 6, 20, 6),
        ] {
            for with_footer in [false, true] {
                let mut block = Block::default()
                    .borders(Borders::ALL)
                    .border_style(style)
                    .title(title());
                if with_footer {
                    block = block.title_bottom(footer());
                }
                let mut expected = Buffer::empty(Rect::new(0, 0, 40, 10));
                let inner = block.inner(area.intersection(expected.area));
                block.render(area, &mut expected);
                let mut drawn = Buffer::empty(Rect::new(0, 0, 40, 10));
                let got = pane(&mut drawn, area, style, title(), with_footer.then(footer));
                assert_eq!(drawn, expected, "{area:?}, footer {with_footer}");
                assert_eq!(got, inner, "{area:?}");
            }
        }
    }

    #[test]
    fn draws_what_a_paragraph_draws() {
        let lines = vec![
            Line::from(vec![
                Span::styled("plain ascii ", Style::new().bold()),
                Span::raw("text"),
            ]),
            Line::from("中文 and 👨‍👩‍👧 wide, é combining e\u{301}"),
            Line::default(),
            Line::from("a line longer than the area is cut at its width, never wrapped").red(),
            Line::from(vec![
                Span::raw("mixed "),
                Span::styled("日本", Style::new().italic()),
                Span::raw(" end"),
            ]),
        ];
        let area = Rect::new(2, 1, 30, 4);
        let mut buf = Buffer::empty(Rect::new(0, 0, 40, 8));
        let mut expected = buf.clone();
        super::lines(&mut buf, area, &lines);
        let drawn = by_paragraph(area, &lines);
        for pos in area.positions() {
            expected[pos] = drawn[pos].clone();
        }
        assert_eq!(buf, expected);
    }

    #[test]
    fn never_writes_outside_the_buffer() {
        let mut buf = Buffer::empty(Rect::new(0, 0, 10, 2));
        let lines = vec![Line::from("x".repeat(50)); 5];
        super::lines(&mut buf, Rect::new(5, 1, 50, 50), &lines);
        assert_eq!(buf[(9, 1)].symbol(), "x");
        assert_eq!(buf[(4, 1)].symbol(), " ");
    }
}

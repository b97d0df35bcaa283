//! Laid-out lines into the frame's buffer, one row each.
//!
//! Owns: writing lines that are already wrapped to the area's width (the conversation,
//! the persona list) — per cell, with printable ASCII written a byte at a time and
//! everything else through ratatui's grapheme-aware `set_stringn`. Written by hand
//! because ratatui's `Paragraph` re-flows what is already laid out and styles every cell
//! of its area first, which is most of the cost of a frame while a model streams.
//! Does not own: wrapping (`wrap`, `cache`) or which lines are shown (the panes).

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;

/// Writes `lines` into `area`, the first at its top row, each cut at its width; rows
/// past the last line, and cells past a line's end, are left as they are.
pub fn lines(buf: &mut Buffer, area: Rect, lines: &[Line<'_>]) {
    let area = area.intersection(buf.area);
    for (row, line) in (area.top()..area.bottom()).zip(lines) {
        put_line(buf, area.x, row, area.width, line);
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

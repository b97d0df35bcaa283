//! Lays out a markdown table for a given width.
//!
//! Owns: column widths (natural when they fit; otherwise wide columns shrink and their
//! cells wrap), the box-drawing grid, cell alignment, and the narrow fallback — one
//! "header: value" line per cell, rows apart — when even shrunken columns cannot fit.
//! Does not own: parsing (the markdown renderer fills a [`Table`]) or inline styling.
#![deny(clippy::indexing_slicing)]

use pulldown_cmark::Alignment;
use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::wrap::{self, StyledText, WrapMode};

/// Columns never shrink below this (or their natural width, if smaller): a column of
/// two-letter fragments is less readable than the fallback list.
const MIN_COLUMN: usize = 4;

/// One table's cells, as styled text.
#[derive(Debug, Clone, Default)]
pub struct Table {
    pub alignments: Vec<Alignment>,
    pub header: Vec<StyledText>,
    pub rows: Vec<Vec<StyledText>>,
}

/// Renders `table` into lines of at most `width` columns; the first line starts with
/// `first_prefix`, the others with `rest_prefix`.
pub fn render(
    table: &Table,
    width: u16,
    theme: &Theme,
    first_prefix: &[Span<'static>],
    rest_prefix: &[Span<'static>],
) -> Vec<Line<'static>> {
    let width = usize::from(width);
    let prefix_width = wrap::spans_width(first_prefix).max(wrap::spans_width(rest_prefix));
    let avail = width.saturating_sub(prefix_width);
    let columns = table
        .rows
        .iter()
        .map(Vec::len)
        .chain([table.header.len()])
        .max()
        .unwrap_or(0)
        .max(1);
    let lines = match column_widths(table, columns, avail) {
        Some(widths) => grid(table, &widths, theme),
        None => return fallback(table, width, theme, first_prefix, rest_prefix),
    };
    // The grid is exactly `avail` wide after the widest prefix: no line needs cutting.
    lines
        .into_iter()
        .enumerate()
        .map(|(i, spans)| {
            let prefix = if i == 0 { first_prefix } else { rest_prefix };
            Line::from(prefix.iter().cloned().chain(spans).collect::<Vec<_>>())
        })
        .collect()
}

/// Widths of the columns' content, or `None` when the grid cannot fit in `avail`.
fn column_widths(table: &Table, columns: usize, avail: usize) -> Option<Vec<usize>> {
    let mut natural = vec![0usize; columns];
    for row in std::iter::once(&table.header).chain(&table.rows) {
        for (w, cell) in natural.iter_mut().zip(row) {
            *w = (*w).max(cell_width(cell));
        }
    }
    // "│ " before each column, " " after it, and the closing "│".
    let budget = avail.checked_sub(3 * columns + 1)?;
    let floor: Vec<usize> = natural.iter().map(|&n| n.min(MIN_COLUMN)).collect();
    if floor.iter().sum::<usize>() > budget {
        return None;
    }
    let fill = |cap: usize| -> Vec<usize> {
        natural
            .iter()
            .zip(&floor)
            .map(|(&n, &f)| n.min(cap).max(f))
            .collect()
    };
    // The largest cap that fits (binary search: widths are monotone in the cap), then
    // the columns that were capped share what is left, one column each.
    let (mut lo, mut hi) = (0, natural.iter().copied().max().unwrap_or(0));
    while lo < hi {
        let mid = (lo + hi).div_ceil(2);
        if fill(mid).iter().sum::<usize>() <= budget {
            lo = mid;
        } else {
            hi = mid - 1;
        }
    }
    let mut widths = fill(lo);
    let mut left = budget.saturating_sub(widths.iter().sum());
    for (w, &n) in widths.iter_mut().zip(&natural) {
        if left > 0 && *w < n {
            *w += 1;
            left -= 1;
        }
    }
    Some(widths)
}

fn cell_width(cell: &StyledText) -> usize {
    if cell.as_str().contains(['\t', '\n']) {
        // Tabs and breaks measure as placed.
        return wrap::wrap(cell, u16::MAX, WrapMode::Words, &[], &[])
            .iter()
            .map(wrap::line_width)
            .max()
            .unwrap_or(0);
    }
    wrap::display_width(cell.as_str().trim())
}

/// The box-drawing grid, one `Vec<Span>` per line, without prefixes.
fn grid(table: &Table, widths: &[usize], theme: &Theme) -> Vec<Vec<Span<'static>>> {
    let border = |left: &str, mid: &str, right: &str| -> Vec<Span<'static>> {
        let mut s = String::from(left);
        for (i, w) in widths.iter().enumerate() {
            if i > 0 {
                s.push_str(mid);
            }
            s.push_str(&"─".repeat(w + 2));
        }
        s.push_str(right);
        vec![Span::styled(s, theme.table_border)]
    };
    let bodies: Vec<Vec<Vec<Line<'static>>>> = table.rows.iter().map(|r| wrap_row(r, widths)).collect();
    let tall = bodies.iter().any(|cells| cells.iter().any(|c| c.len() > 1));
    let mut out = vec![border("┌", "┬", "┐")];
    out.extend(row_lines(
        &wrap_row(&table.header, widths),
        widths,
        &table.alignments,
        theme,
    ));
    out.push(border("├", "┼", "┤"));
    for (i, cells) in bodies.iter().enumerate() {
        if i > 0 && tall {
            out.push(border("├", "┼", "┤"));
        }
        out.extend(row_lines(cells, widths, &table.alignments, theme));
    }
    out.push(border("└", "┴", "┘"));
    out
}

fn wrap_row(row: &[StyledText], widths: &[usize]) -> Vec<Vec<Line<'static>>> {
    let empty = StyledText::new();
    widths
        .iter()
        .enumerate()
        .map(|(i, &w)| {
            let cell = row.get(i).unwrap_or(&empty);
            let w = u16::try_from(w).unwrap_or(u16::MAX);
            wrap::wrap(cell, w, WrapMode::Words, &[], &[])
        })
        .collect()
}

fn row_lines(
    cells: &[Vec<Line<'static>>],
    widths: &[usize],
    alignments: &[Alignment],
    theme: &Theme,
) -> Vec<Vec<Span<'static>>> {
    let height = cells.iter().map(Vec::len).max().unwrap_or(0).max(1);
    (0..height)
        .map(|row| {
            let mut spans = Vec::new();
            for (col, (&w, cell)) in widths.iter().zip(cells).enumerate() {
                spans.push(Span::styled(
                    if col == 0 { "│ " } else { " │ " },
                    theme.table_border,
                ));
                let line = cell.get(row);
                let used = line.map_or(0, wrap::line_width);
                let gap = w.saturating_sub(used);
                let before = match alignments.get(col) {
                    Some(Alignment::Right) => gap,
                    Some(Alignment::Center) => gap / 2,
                    _ => 0,
                };
                push_pad(&mut spans, before);
                if let Some(line) = line {
                    spans.extend(line.spans.iter().cloned());
                }
                push_pad(&mut spans, gap - before);
            }
            spans.push(Span::styled(" │", theme.table_border));
            spans
        })
        .collect()
}

fn push_pad(spans: &mut Vec<Span<'static>>, n: usize) {
    if n > 0 {
        spans.push(wrap::spaces(n));
    }
}

/// Too narrow for a grid: each row becomes "header: value" lines, rows a blank apart.
fn fallback(
    table: &Table,
    width: usize,
    theme: &Theme,
    first_prefix: &[Span<'static>],
    rest_prefix: &[Span<'static>],
) -> Vec<Line<'static>> {
    let width16 = u16::try_from(width).unwrap_or(u16::MAX);
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut indent = rest_prefix.to_vec();
    indent.push(Span::raw("  "));
    let prefix = |out: &Vec<Line<'static>>| if out.is_empty() { first_prefix } else { rest_prefix };
    if table.rows.is_empty() {
        for cell in &table.header {
            let lines = wrap::wrap(cell, width16, WrapMode::Words, prefix(&out), rest_prefix);
            out.extend(lines);
        }
        return out;
    }
    for row in &table.rows {
        if !out.is_empty() {
            out.push(wrap::prefix_line(rest_prefix, width));
        }
        for (i, cell) in row.iter().enumerate() {
            let mut first = prefix(&out).to_vec();
            if let Some(label) = table.header.get(i).filter(|h| !h.is_blank()) {
                first.push(Span::styled(
                    format!("{}: ", label.as_str().trim()),
                    theme.table_header,
                ));
            }
            out.extend(wrap::wrap(cell, width16, WrapMode::Words, &first, &indent));
        }
    }
    out
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn cell(s: &str) -> StyledText {
        let mut t = StyledText::new();
        t.push(s, ratatui::style::Style::new());
        t
    }

    fn sample() -> Table {
        Table {
            alignments: vec![Alignment::Left, Alignment::Right],
            header: vec![cell("Name"), cell("Qty")],
            rows: vec![
                vec![cell("apple"), cell("3")],
                vec![cell("kiwi fruit from far away"), cell("12")],
            ],
        }
    }

    fn plain(lines: &[Line<'_>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn fits_at_natural_width() {
        let lines = plain(&render(&sample(), 80, &Theme::no_color(), &[], &[]));
        assert_eq!(
            lines,
            [
                "┌──────────────────────────┬─────┐",
                "│ Name                     │ Qty │",
                "├──────────────────────────┼─────┤",
                "│ apple                    │   3 │",
                "│ kiwi fruit from far away │  12 │",
                "└──────────────────────────┴─────┘",
            ]
        );
    }

    #[test]
    fn shrinks_and_wraps_wide_columns() {
        let lines = plain(&render(&sample(), 20, &Theme::no_color(), &[], &[]));
        assert!(lines.iter().all(|l| wrap::display_width(l) <= 20), "{lines:#?}");
        assert!(lines.iter().any(|l| l.contains("kiwi")), "{lines:#?}");
        assert!(
            lines.iter().filter(|l| l.starts_with('├')).count() >= 2,
            "rows are ruled apart"
        );
    }

    #[test]
    fn falls_back_to_header_value_lines_when_very_narrow() {
        let lines = plain(&render(&sample(), 12, &Theme::no_color(), &[], &[]));
        assert_eq!(lines[..4], ["Name: apple", "Qty: 3", "", "Name: kiwi"]);
        assert!(lines.iter().all(|l| wrap::display_width(l) <= 12), "{lines:#?}");
    }

    #[test]
    fn never_exceeds_the_width() {
        for width in 0..40 {
            let pre = [Span::raw("▎ ")];
            for line in render(&sample(), width, &Theme::no_color(), &pre, &pre) {
                assert!(wrap::line_width(&line) <= usize::from(width), "{width}: {line:?}");
            }
        }
    }
}

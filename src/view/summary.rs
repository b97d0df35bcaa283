//! The comparison's analysis summary: one row above the columns, each cell over its
//! column, with that persona's latest confidence and valence (or the closest emotion
//! dimension sent) side by side — the highest of each marked `▲`, the lowest `▼`, so the
//! extremes read without colour too.
//!
//! Owns: the row, and which figures are the extremes (over every marked persona, shown or
//! not; none when all agree). Drawn only while some column's latest answer carries an
//! analysis. Does not own: the figures (`analysis::figures`) or the columns' geometry
//! (`compare::widths`).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::analysis::{figures, fit, number, Figures};
use super::retain::Retained;
use super::theme::Theme;
use crate::app::state::AppState;

/// Marks of the extremes.
const HIGHEST: &str = "▲";
const LOWEST: &str = "▼";

/// Draws the row at the top of `area` when there is anything to sum up; returns the
/// rows left for the columns. `widths` are the visible columns', from `offset`.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    offset: usize,
    widths: &[u16],
    kept: &mut Retained,
    theme: &Theme,
) -> Rect {
    let all: Vec<Option<Figures>> = state
        .compare
        .marked
        .iter()
        .map(|k| state.threads.get(k).and_then(|t| figures(&t.messages)))
        .collect();
    if all.iter().all(Option::is_none) || area.height < 4 {
        return area;
    }
    let confidence = extremes(all.iter().map(|f| f.as_ref().and_then(|f| f.confidence)));
    let emotion = extremes(
        all.iter()
            .map(|f| f.as_ref().and_then(|f| f.emotion.as_ref().map(|e| e.1))),
    );
    let cells: Vec<Line> = widths
        .iter()
        .enumerate()
        .map(|(i, width)| {
            let figures = all.get(offset + i).and_then(Option::as_ref);
            fit(
                cell(figures, confidence, emotion, theme).spans,
                usize::from(*width),
            )
        })
        .collect();
    if kept.repaint(frame.buffer_mut(), Rect { height: 1, ..area }, &cells) {
        let mut x = area.x;
        for (line, width) in cells.into_iter().zip(widths) {
            frame.render_widget(Paragraph::new(line), Rect::new(x, area.y, *width, 1));
            x += width;
        }
    }
    Rect::new(area.x, area.y + 1, area.width, area.height - 1)
}

/// The lowest and highest of the figures given, when they differ.
fn extremes(values: impl Iterator<Item = Option<f64>>) -> Option<(f64, f64)> {
    let values: Vec<f64> = values.flatten().collect();
    let lo = values.iter().copied().reduce(f64::min)?;
    let hi = values.iter().copied().reduce(f64::max)?;
    (hi > lo).then_some((lo, hi))
}

/// ` ◆ conf 7▲ · valence 6▼`: one column's cell.
fn cell(
    figures: Option<&Figures>,
    confidence: Option<(f64, f64)>,
    emotion: Option<(f64, f64)>,
    theme: &Theme,
) -> Line<'static> {
    let Some(f) = figures else {
        return Line::from(Span::styled(" ◆ no analysis", theme.muted));
    };
    let mut spans = vec![
        Span::styled(" ◆ ", theme.heading3),
        Span::styled("conf ", theme.muted),
    ];
    spans.extend(figure(f.confidence, confidence, theme));
    if let Some((name, v)) = &f.emotion {
        spans.push(Span::styled(format!(" · {name} "), theme.muted));
        spans.extend(figure(Some(*v), emotion, theme));
    }
    Line::from(spans)
}

/// A figure and its mark, if it is an extreme.
fn figure(value: Option<f64>, extremes: Option<(f64, f64)>, theme: &Theme) -> Vec<Span<'static>> {
    let Some(v) = value else {
        return vec![Span::styled("—", theme.muted)];
    };
    let mark: Option<(&str, Style)> = match extremes {
        Some((_, hi)) if v == hi => Some((HIGHEST, theme.success)),
        Some((lo, _)) if v == lo => Some((LOWEST, theme.warning)),
        _ => None,
    };
    let mut spans = vec![Span::styled(number(v), theme.text)];
    spans.extend(mark.map(|(m, style)| Span::styled(m, style)));
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extremes_need_a_difference() {
        assert_eq!(
            extremes([Some(3.0), None, Some(7.0)].into_iter()),
            Some((3.0, 7.0))
        );
        assert_eq!(extremes([Some(5.0), Some(5.0)].into_iter()), None);
        assert_eq!(extremes([None, None].into_iter()), None);
    }
}

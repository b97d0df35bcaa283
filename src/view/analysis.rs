//! The analysis card drawn under an answer that carries an `analysis` object
//! (`analysis_mode`), and the figures a comparison lines up in its summary row.
//!
//! Owns: the card's layout — a heading, confidence as a 1–10 gauge, each emotion
//! dimension as a small bar, biases as a list, key insights as bullets, and every key
//! this client does not know as `key: compact value` — in one fixed order with one label
//! column, so the cards of a comparison read alike column by column; a comparison's
//! cards laid out on one `Grid` (each section as tall as the tallest across the
//! columns, a blank `no analysis` card where a column has none); and `figures`,
//! what the summary row shows of one answer. Every piece of text is sanitised here, where
//! it is drawn. Does not own: reading the object (`api::analysis`), where the card goes
//! (`cache`), or the summary row itself (`summary`).

use ratatui::text::{Line, Span};

use super::theme::Theme;
use super::wrap::{ellipsize, wrap_spans};
use crate::api::analysis::Analysis;
use crate::api::AnswerPart;
use crate::app::thread::Message;
use crate::sanitize::clean_line;

/// Cells of a full gauge: one per point of the 1–10 scale.
const GAUGE: usize = 10;
/// The label column ("confidence" and the emotion names), in cells.
const LABEL: usize = 10;

/// The analysis of an answer, if it carries one (the last, should there be several).
pub fn of(message: &Message) -> Option<Analysis> {
    message.parts.iter().rev().find_map(|p| match p {
        AnswerPart::Analysis(v) => Some(Analysis::read(v)),
        _ => None,
    })
}

/// A score as written beside its bar: `7`, `7.5`.
pub fn number(score: f64) -> String {
    if score.fract() == 0.0 {
        format!("{score:.0}")
    } else {
        format!("{score:.1}")
    }
}

/// The card's lines at `width`.
pub fn card(analysis: &Analysis, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let columns = usize::from(width.max(1));
    let mut lines = vec![title(Some(analysis), columns, theme)];
    if let Some(c) = analysis.confidence {
        lines.push(confidence(c, columns, theme));
    }
    for (name, v) in &analysis.emotions {
        lines.push(emotion(name, *v, columns, theme));
    }
    lines.extend(biases(analysis, width, theme));
    lines.extend(insights(analysis, width, theme));
    lines.extend(others(analysis, columns, theme));
    lines
}

/// The rows each section of a comparison's cards takes: the most any of the cards
/// needs, so that each section sits on the same rows in every column — confidence and
/// each emotion dimension (by name) a row of their own, biases, insights and other keys
/// as tall as the tallest.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Grid {
    pub confidence: bool,
    /// Every dimension any card has, in the one order (`api::analysis::emotion_order`).
    pub emotions: Vec<String>,
    pub biases: usize,
    pub insights: usize,
    pub other: usize,
}

impl Grid {
    /// The grid of the cards given, each with the width it is drawn at (`None`: a
    /// column without an analysis).
    pub fn over<'a>(cards: impl IntoIterator<Item = (Option<&'a Analysis>, u16)>, theme: &Theme) -> Grid {
        let mut grid = Grid::default();
        for (analysis, width) in cards {
            let Some(a) = analysis else { continue };
            grid.confidence |= a.confidence.is_some();
            for (name, _) in &a.emotions {
                if !grid.emotions.contains(name) {
                    grid.emotions.push(name.clone());
                }
            }
            grid.biases = grid.biases.max(biases(a, width, theme).len());
            grid.insights = grid.insights.max(insights(a, width, theme).len());
            grid.other = grid.other.max(a.other.len());
        }
        grid.emotions
            .sort_by(|x, y| crate::api::analysis::emotion_order(x, y));
        grid
    }

    /// Rows of a card laid out on this grid, its heading included.
    pub fn height(&self) -> usize {
        1 + usize::from(self.confidence) + self.emotions.len() + self.biases + self.insights + self.other
    }
}

/// A card laid out on `grid`: each section padded with blank rows to the grid's height,
/// a figure the card lacks shown as `—`; without an analysis, `◆ no analysis` and blank
/// rows, so the cards beside it still line up. Exactly `grid.height()` lines.
pub fn aligned(analysis: Option<&Analysis>, grid: &Grid, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let columns = usize::from(width.max(1));
    let mut lines = vec![title(analysis, columns, theme)];
    let Some(a) = analysis else {
        lines.resize(grid.height(), Line::default());
        return lines;
    };
    if grid.confidence {
        lines.push(match a.confidence {
            Some(c) => confidence(c, columns, theme),
            None => missing("confidence", columns, theme),
        });
    }
    for name in &grid.emotions {
        let value = a.emotions.iter().find(|(n, _)| n == name).map(|(_, v)| *v);
        lines.push(match value {
            Some(v) => emotion(name, v, columns, theme),
            None => missing(&clean_line(name), columns, theme),
        });
    }
    let sections = [
        (biases(a, width, theme), grid.biases, "biases"),
        (insights(a, width, theme), grid.insights, "key insights"),
        (others(a, columns, theme), grid.other, ""),
    ];
    for (mut section, rows, name) in sections {
        if section.is_empty() && rows > 0 && !name.is_empty() {
            let text = format!("{name} —");
            section.push(Line::from(Span::styled(ellipsize(&text, columns), theme.muted)));
        }
        section.resize(rows.max(section.len()), Line::default());
        lines.extend(section);
    }
    lines
}

fn title(analysis: Option<&Analysis>, columns: usize, theme: &Theme) -> Line<'static> {
    match analysis {
        Some(_) => Line::from(Span::styled(ellipsize("◆ Analysis", columns), theme.heading3)),
        None => Line::from(Span::styled(ellipsize("◆ no analysis", columns), theme.muted)),
    }
}

/// Narrow columns shorten the bars before anything else.
fn bar(columns: usize) -> usize {
    GAUGE.min(columns.saturating_sub(LABEL + 7)).max(1)
}

fn confidence(c: f64, columns: usize, theme: &Theme) -> Line<'static> {
    gauge(
        "confidence",
        c,
        &format!("{}/10", number(c)),
        bar(columns),
        columns,
        theme,
    )
}

fn emotion(name: &str, v: f64, columns: usize, theme: &Theme) -> Line<'static> {
    gauge(&clean_line(name), v, &number(v), bar(columns), columns, theme)
}

/// `valence    —`: a row the card has nothing for, beside cards that do.
fn missing(label: &str, columns: usize, theme: &Theme) -> Line<'static> {
    let text = format!("{:<LABEL$} —", ellipsize(label, LABEL));
    Line::from(Span::styled(ellipsize(&text, columns), theme.muted))
}

fn biases(analysis: &Analysis, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    if analysis.biases.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![heading("biases", usize::from(width.max(1)), theme)];
    for b in &analysis.biases {
        let text = match &b.detail {
            Some(d) => format!("{} — {}", clean_line(&b.name), clean_line(d)),
            None => clean_line(&b.name),
        };
        lines.extend(bullet(text, width, theme));
    }
    lines
}

fn insights(analysis: &Analysis, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    if analysis.insights.is_empty() {
        return Vec::new();
    }
    let mut lines = vec![heading("key insights", usize::from(width.max(1)), theme)];
    for i in &analysis.insights {
        lines.extend(bullet(clean_line(i), width, theme));
    }
    lines
}

/// Keys this client does not know, `key: compact value`, one row each.
fn others(analysis: &Analysis, columns: usize, theme: &Theme) -> Vec<Line<'static>> {
    analysis
        .other
        .iter()
        .map(|(key, value)| {
            let text = format!("{}: {}", clean_line(key), clean_line(value));
            Line::from(Span::styled(ellipsize(&text, columns), theme.muted))
        })
        .collect()
}

/// `confidence ███████░░░ 7/10`, cut to the width.
fn gauge(label: &str, score: f64, value: &str, bar: usize, columns: usize, theme: &Theme) -> Line<'static> {
    let filled = ((score / 10.0) * bar as f64).round().clamp(0.0, bar as f64) as usize;
    let label = format!("{:<LABEL$} ", ellipsize(label, LABEL));
    let spans = vec![
        Span::styled(label, theme.muted),
        Span::styled("█".repeat(filled), theme.list_marker),
        Span::styled("░".repeat(bar - filled), theme.muted),
        Span::styled(format!(" {value}"), theme.text),
    ];
    fit(spans, columns)
}

fn heading(text: &str, columns: usize, theme: &Theme) -> Line<'static> {
    Line::from(Span::styled(ellipsize(text, columns), theme.muted))
}

/// `• text`, wrapped under its own first word.
fn bullet(text: String, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    wrap_spans(
        &[Span::styled(text, theme.text)],
        width,
        vec![Span::styled("  • ", theme.list_marker)],
        vec![Span::raw("    ")],
    )
}

/// The spans of one line, the last ones cut so that the line fits `columns` cells.
pub fn fit(spans: Vec<Span<'static>>, columns: usize) -> Line<'static> {
    let mut left = columns;
    let mut out = Vec::with_capacity(spans.len());
    for span in spans {
        let w = unicode_width::UnicodeWidthStr::width(span.content.as_ref());
        if w <= left {
            left -= w;
            out.push(span);
        } else {
            if left > 0 {
                out.push(Span::styled(ellipsize(&span.content, left), span.style));
            }
            break;
        }
    }
    Line::from(out)
}

/// What the summary row shows of one answer: its confidence and its headline emotion
/// (valence, else the closest dimension sent), with that dimension's name.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub confidence: Option<f64>,
    pub emotion: Option<(String, f64)>,
}

/// The figures of the latest answer of a thread, when it carries an analysis.
pub fn figures(messages: &[Message]) -> Option<Figures> {
    let last = messages
        .iter()
        .rev()
        .find(|m| m.author == crate::app::thread::Author::Assistant)?;
    let a = of(last)?;
    Some(Figures {
        confidence: a.confidence,
        emotion: a.headline_emotion().map(|(k, v)| (clean_line(k), v)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_card_on_a_grid_is_exactly_the_grids_height_at_any_width() {
        let long = Analysis::read(&json!({
            "confidence": 8,
            "emotion": {"valence": 7, "trust": 4},
            "biases": [{"name": "Anchoring", "description": "The first price seen sets the bar."}],
            "key_insights": ["Pausing must be one tap.", "Free returns decide it."],
            "segment": "urban",
        }));
        let short = Analysis::read(&json!({"emotion": {"arousal": 2}, "insights": ["Too pricey."]}));
        let theme = Theme::default();
        for width in [8, 16, 24, 40, 80] {
            let grid = Grid::over(
                [(Some(&long), width), (Some(&short), width), (None, width)],
                &theme,
            );
            assert_eq!(grid.emotions, ["valence", "arousal", "trust"]);
            for card in [Some(&long), Some(&short), None] {
                assert_eq!(
                    aligned(card, &grid, width, &theme).len(),
                    grid.height(),
                    "width {width}"
                );
            }
        }
    }
}

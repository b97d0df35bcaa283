//! The analysis card drawn under an answer that carries an `analysis` object
//! (`analysis_mode`), and the figures a comparison lines up in its summary row.
//!
//! Owns: the card's layout — a heading, confidence as a 1–10 gauge, each emotion
//! dimension as a small bar, biases as a list, key insights as bullets, and every key
//! this client does not know as `key: compact value` — in one fixed order with one label
//! column, so the cards of a comparison read alike column by column; and `figures`,
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
    let mut lines = vec![Line::from(Span::styled(
        ellipsize("◆ Analysis", columns),
        theme.heading3,
    ))];
    // Narrow columns shorten the bars before anything else.
    let bar = GAUGE.min(columns.saturating_sub(LABEL + 7)).max(1);
    if let Some(c) = analysis.confidence {
        lines.push(gauge(
            "confidence",
            c,
            &format!("{}/10", number(c)),
            bar,
            columns,
            theme,
        ));
    }
    for (name, v) in &analysis.emotions {
        lines.push(gauge(&clean_line(name), *v, &number(*v), bar, columns, theme));
    }
    if !analysis.biases.is_empty() {
        lines.push(heading("biases", columns, theme));
        for b in &analysis.biases {
            let text = match &b.detail {
                Some(d) => format!("{} — {}", clean_line(&b.name), clean_line(d)),
                None => clean_line(&b.name),
            };
            lines.extend(bullet(text, width, theme));
        }
    }
    if !analysis.insights.is_empty() {
        lines.push(heading("key insights", columns, theme));
        for i in &analysis.insights {
            lines.extend(bullet(clean_line(i), width, theme));
        }
    }
    for (key, value) in &analysis.other {
        let text = format!("{}: {}", clean_line(key), clean_line(value));
        lines.push(Line::from(Span::styled(ellipsize(&text, columns), theme.muted)));
    }
    lines
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

//! Drawing structured answers and tool calls in the conversation.
//!
//! Owns: a checked structured answer's body — a marker line (`✓ JSON · schema NAME`, or
//! `✗ … at /path: what is wrong`), then the JSON pretty-printed and coloured by role
//! (keys, strings, numbers, literals, punctuation); a function call as a card (the tool's
//! name, its arguments pretty-printed, and what to do next) — while its arguments stream,
//! the same card with a marker and the partial arguments as they came, and one the answer
//! ended before it was whole with what arrived —; and the label
//! of a user message that is a tool's result. All text is sanitised here, where it is drawn. Does
//! not own: the cache (`cache`), the check (`app::structure`) or the schema table
//! (`schema_table`).

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use serde_json::Value;

use super::theme::Theme;
use super::wrap::{ellipsize, wrap_spans};
use crate::api::structured::unfence;
use crate::api::AnswerPart;
use crate::app::state::AppState;
use crate::app::structure::{check_of, pending_call, SCHEMA_CHECK, TOOL_OUTPUT};
use crate::app::thread::Message;
use crate::sanitize::{clean, clean_line};

/// The body of a checked structured answer, or `None` for any other message.
pub fn body(message: &Message, width: u16, theme: &Theme) -> Option<Vec<Line<'static>>> {
    let (schema, violation) = check_of(message)?;
    let columns = usize::from(width.max(1));
    let marker = match violation {
        None => Line::from(Span::styled(
            ellipsize(
                &format!("✓ JSON · valid against schema {}", clean_line(schema)),
                columns,
            ),
            theme.success,
        )),
        Some(v) => Line::from(Span::styled(
            format!("✗ does not match schema {} {}", clean_line(schema), clean_line(v)),
            theme.error,
        )),
    };
    let mut lines = wrap_spans(&marker.spans, width, Vec::new(), Vec::new());
    match serde_json::from_str::<Value>(unfence(message.text.trim())) {
        Ok(value) => {
            let pretty = serde_json::to_string_pretty(&value).unwrap_or_default();
            lines.extend(json_lines(&clean(&pretty), width, theme));
        }
        // Not JSON: shown as it came, plain, so the break is visible.
        Err(_) => {
            for line in message.text.split('\n') {
                let spans = [Span::styled(clean_line(line), theme.text)];
                lines.extend(wrap_spans(&spans, width, Vec::new(), Vec::new()));
            }
        }
    }
    Some(lines)
}

/// Pretty-printed JSON, one source line at a time, coloured by token.
pub fn json_lines(pretty: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    pretty
        .lines()
        .flat_map(|line| {
            let spans = colour(line, theme);
            let indent: usize = line.len() - line.trim_start().len();
            let rest = vec![Span::raw(" ".repeat((indent + 2).min(usize::from(width) / 2)))];
            wrap_spans(&spans, width, Vec::new(), rest)
        })
        .collect()
}

/// The spans of one line of pretty JSON.
fn colour(line: &str, theme: &Theme) -> Vec<Span<'static>> {
    let mut spans = Vec::new();
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let (len, style) = match c {
            '"' => {
                let end = string_end(rest);
                let after = rest.get(end..).unwrap_or_default().trim_start();
                let style = if after.starts_with(':') {
                    theme.strong
                } else {
                    theme.code_inline
                };
                (end, style)
            }
            '{' | '}' | '[' | ']' | ':' | ',' => (1, theme.muted),
            ' ' => (rest.len() - rest.trim_start_matches(' ').len(), Style::default()),
            _ => {
                let end = rest.find([',', ' ', ']', '}']).unwrap_or(rest.len()).max(1);
                (end, theme.emphasis)
            }
        };
        let len = len.min(rest.len()).max(c.len_utf8());
        let (token, tail) = rest.split_at(len);
        spans.push(Span::styled(token.to_owned(), style));
        rest = tail;
    }
    spans
}

/// The byte just past the closing quote of the string `s` starts with.
fn string_end(s: &str) -> usize {
    let mut escaped = false;
    for (i, c) in s.char_indices().skip(1) {
        match c {
            '\\' if !escaped => escaped = true,
            '"' if !escaped => return i + 1,
            _ => escaped = false,
        }
    }
    s.len()
}

/// The composer's title while it takes a schema path or a tool's result; otherwise,
/// with a schema in use, `None` (the title says so through `schema_note`).
pub fn composer_title(state: &AppState) -> Option<String> {
    if state.structure.asking_path.is_some() {
        return Some(" Schema file: type its path, Enter loads it, Esc cancels ".into());
    }
    let call = (!state.compare.active())
        .then(|| state.thread().and_then(pending_call))
        .flatten();
    if let Some(call) = call.filter(|_| state.editing.is_none()) {
        return Some(format!(
            " result for tool {}: (Enter sends it back) ",
            clean_line(&call.name)
        ));
    }
    let schema = state.structure.schema()?;
    let to = if state.compare.active() {
        format!("all {} personas", state.compare.marked.len())
    } else {
        state
            .personas
            .selected_entry()
            .map(|p| p.label().to_owned())
            .unwrap_or_default()
    };
    Some(format!(
        " Message {to} · answers as JSON schema {} (Ctrl+T) ",
        clean_line(&schema.name)
    ))
}

/// The lines of a part this module draws (`Some(vec![])` for one drawn in the body),
/// `None` for the others. `live`: whether the answer is still streaming.
pub fn part(part: &AnswerPart, live: bool, width: u16, theme: &Theme) -> Option<Vec<Line<'static>>> {
    let columns = usize::from(width.max(1));
    match part {
        AnswerPart::FunctionCall { name, arguments, .. } => {
            Some(card(name, arguments, Call::Done, width, theme))
        }
        AnswerPart::CallStreaming { name, arguments, .. } => {
            let state = if live { Call::Streaming } else { Call::Cut };
            Some(card(name, arguments, state, width, theme))
        }
        // A call the answer ended before it was whole (`AnswerPart::unfinished`).
        AnswerPart::Other { kind, item } if kind == "function_call" => {
            let field = |k: &str| item.get(k).and_then(Value::as_str).unwrap_or_default();
            Some(card(field("name"), field("arguments"), Call::Cut, width, theme))
        }
        AnswerPart::Other { kind, .. } if kind == SCHEMA_CHECK => Some(Vec::new()),
        AnswerPart::Other { kind, item } if kind == TOOL_OUTPUT => {
            let name = item.get("name").and_then(Value::as_str).unwrap_or("?");
            let text = format!("↳ result for tool {}", clean_line(name));
            Some(vec![Line::from(Span::styled(
                ellipsize(&text, columns),
                theme.muted,
            ))])
        }
        _ => None,
    }
}

/// Where a call's card stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Call {
    /// Whole: its result can be typed.
    Done,
    /// Its arguments are arriving.
    Streaming,
    /// The answer stopped before the call was whole.
    Cut,
}

/// A function call: a bordered card with the tool's name and its arguments — raw while
/// they are partial JSON, pretty once they parse — and, while they stream, a marker.
fn card(name: &str, arguments: &str, state: Call, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let columns = usize::from(width.max(1));
    let inner = width.saturating_sub(2).max(1);
    let name = match clean_line(name) {
        n if n.is_empty() => "…".to_owned(),
        n => n,
    };
    let mut title = vec![Span::styled(
        format!("╭─ tool call: {name} "),
        theme.code_block_border,
    )];
    if state == Call::Streaming {
        title.push(Span::styled("● arguments streaming", theme.badge));
    }
    let mut lines = vec![super::analysis::fit(title, columns)];
    let bar = || vec![Span::styled("│ ".to_owned(), theme.code_block_border)];
    let body = match serde_json::from_str::<Value>(arguments) {
        Ok(v) => json_lines(
            &clean(&serde_json::to_string_pretty(&v).unwrap_or_default()),
            inner,
            theme,
        ),
        // Still streaming, or not JSON: as it is.
        Err(_) => wrap_spans(
            &[Span::styled(clean_line(arguments), theme.text)],
            inner,
            Vec::new(),
            Vec::new(),
        ),
    };
    for line in body {
        let mut spans = bar();
        spans.extend(line.spans);
        lines.push(Line::from(spans));
    }
    let foot = match state {
        Call::Done => format!("╰─ result for tool {name}: type it in the composer, Enter sends"),
        Call::Streaming => "╰─ arguments arriving…".to_owned(),
        Call::Cut => "╰─ the answer ended before this call was complete".to_owned(),
    };
    lines.push(Line::from(Span::styled(
        ellipsize(&foot, columns),
        theme.code_block_border,
    )));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_of_a_line_lands_in_exactly_one_span() {
        let theme = Theme::default();
        for line in [
            "  \"key\": \"va\\\"l,ue\",",
            "  \"n\": -1.5e3",
            "[true, null]",
            "  \"ü\": \"ß\"",
        ] {
            let joined: String = colour(line, &theme).iter().map(|s| s.content.as_ref()).collect();
            assert_eq!(joined, line);
        }
    }
}

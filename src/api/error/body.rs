//! What a non-2xx reply's body says, whatever its shape (spec §5, §8).
//!
//! Owns: recognising the documented envelope `{"error":{"message","type","code","param"}}`
//! and the shapes real servers send instead — `{"error":"text"}`, `{"message":...}`,
//! `{"detail":...}` (a string, or FastAPI's list of `{loc, msg}`, or any JSON, shown
//! compactly), other JSON, an HTML page (its `<title>`, else its text — never markup),
//! plain text, nothing — and turning it into one sanitised, size-capped line. Does not
//! own: reading the body from the socket (the client reads at most
//! `MAX_ERROR_BODY_BYTES`), or what the status means (`error`).
#![deny(clippy::indexing_slicing)]

use serde_json::Value;

use crate::sanitize::clean_line;

/// The most of an error body the client reads: enough for any real message, while a
/// runaway or hostile reply cannot make the client read (or hold) megabytes.
pub const MAX_ERROR_BODY_BYTES: usize = 64 * 1024;

/// The longest server message quoted to the user.
pub const MAX_MESSAGE_CHARS: usize = 300;

/// The longest `code` or `param` kept.
const MAX_FIELD_CHARS: usize = 80;

/// What an error body says: one clean line, and the envelope's `code` and `param` when
/// there were any. Every field is already sanitised and capped.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorText {
    pub message: String,
    pub code: Option<String>,
    pub param: Option<String>,
}

/// Reads an error body of any shape.
pub fn parse(body: &str) -> ErrorText {
    let trimmed = body.trim_start_matches('\u{feff}').trim();
    if trimmed.is_empty() {
        return ErrorText::default();
    }
    let raw = if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match serde_json::from_str::<Value>(trimmed) {
            Ok(value) => from_json(&value),
            Err(_) => RawText::message(trimmed.to_owned()),
        }
    } else if looks_like_html(trimmed) {
        RawText::message(html_text(trimmed))
    } else {
        RawText::message(trimmed.to_owned())
    };
    ErrorText {
        message: one_line(&raw.message, MAX_MESSAGE_CHARS),
        code: raw
            .code
            .map(|c| one_line(&c, MAX_FIELD_CHARS))
            .filter(|c| !c.is_empty()),
        param: raw
            .param
            .map(|p| one_line(&p, MAX_FIELD_CHARS))
            .filter(|p| !p.is_empty()),
    }
}

/// Fields before sanitising.
#[derive(Default)]
struct RawText {
    message: String,
    code: Option<String>,
    param: Option<String>,
}

impl RawText {
    fn message(message: String) -> RawText {
        RawText {
            message,
            ..RawText::default()
        }
    }
}

fn from_json(value: &Value) -> RawText {
    let Some(obj) = value.as_object() else {
        return RawText::message(compact(value));
    };
    match obj.get("error") {
        Some(Value::Object(inner)) => {
            let message = ["message", "msg", "detail", "description"]
                .iter()
                .find_map(|k| inner.get(*k).and_then(Value::as_str))
                .map(str::to_owned)
                .unwrap_or_else(|| compact(&Value::Object(inner.clone())));
            return RawText {
                message,
                code: inner.get("code").and_then(scalar),
                param: inner.get("param").and_then(scalar),
            };
        }
        Some(Value::String(text)) => {
            return RawText {
                message: text.clone(),
                code: obj.get("code").and_then(scalar),
                param: obj.get("param").and_then(scalar),
            }
        }
        _ => {}
    }
    let message = match (obj.get("message"), obj.get("detail")) {
        (Some(Value::String(m)), _) => m.clone(),
        (_, Some(detail)) => detail_text(detail),
        _ => match obj.get("title").and_then(Value::as_str) {
            Some(title) => title.to_owned(), // RFC 7807 without a detail
            None => compact(value),
        },
    };
    RawText {
        message,
        code: obj.get("code").and_then(scalar),
        param: obj.get("param").and_then(scalar),
    }
}

/// `detail` as text: a string as is; FastAPI's `[{"loc": [...], "msg": ...}]` as
/// `loc.path: msg; ...`; anything else as compact JSON.
fn detail_text(detail: &Value) -> String {
    match detail {
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                let msg = item
                    .get("msg")
                    .or_else(|| item.get("message"))
                    .and_then(Value::as_str);
                let loc = item
                    .get("loc")
                    .and_then(Value::as_array)
                    .map(|parts| parts.iter().filter_map(scalar).collect::<Vec<_>>().join("."));
                match (loc, msg) {
                    (Some(loc), Some(msg)) if !loc.is_empty() => format!("{loc}: {msg}"),
                    (_, Some(msg)) => msg.to_owned(),
                    _ => compact(item),
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        other => compact(other),
    }
}

/// A string, number or boolean as text (codes are sometimes numbers).
fn scalar(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn compact(value: &Value) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

fn looks_like_html(text: &str) -> bool {
    let head: String = text.chars().take(1024).collect::<String>().to_ascii_lowercase();
    head.starts_with("<!doctype")
        || head.contains("<html")
        || head.contains("<head")
        || head.contains("<body")
        || head.contains("<title")
        || (head.starts_with('<') && head.contains("</"))
}

/// An HTML page as text: its `<title>`, else its visible text (no scripts or styles).
fn html_text(html: &str) -> String {
    // ASCII lowercasing keeps every byte offset, so positions found in `lower` are
    // positions (on ASCII characters, hence char boundaries) in `html`.
    let lower = html.to_ascii_lowercase();
    if let Some(title) = element_text(html, &lower, "title") {
        let title = decode_entities(&strip_tags(&title));
        if !title.trim().is_empty() {
            return title;
        }
    }
    let mut visible = String::new();
    let mut rest = 0;
    while rest < html.len() {
        let next = ["<script", "<style", "<!--"]
            .iter()
            .filter_map(|open| lower.get(rest..)?.find(open).map(|at| (rest + at, *open)))
            .min_by_key(|(at, _)| *at);
        let Some((at, open)) = next else {
            visible.push_str(html.get(rest..).unwrap_or_default());
            break;
        };
        visible.push_str(html.get(rest..at).unwrap_or_default());
        let close = match open {
            "<script" => "</script>",
            "<style" => "</style>",
            _ => "-->",
        };
        rest = match lower.get(at..).and_then(|s| s.find(close)) {
            Some(end) => at + end + close.len(),
            None => html.len(),
        };
        visible.push(' ');
    }
    decode_entities(&strip_tags(&visible))
}

/// The raw contents of the first `<name ...>...</name>` element.
fn element_text(html: &str, lower: &str, name: &str) -> Option<String> {
    let open = lower.find(&format!("<{name}"))?;
    let start = open + lower.get(open..)?.find('>')? + 1;
    let end = start + lower.get(start..)?.find(&format!("</{name}"))?;
    html.get(start..end).map(str::to_owned)
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => {
                in_tag = false;
                out.push(' ');
            }
            (false, c) => out.push(c),
            (true, _) => {}
        }
    }
    out
}

/// The few entities error pages use, and numeric ones.
fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(rest.get(..at).unwrap_or_default());
        let after = rest.get(at..).unwrap_or_default();
        let entity = after
            .get(1..)
            .and_then(|s| s.find(';').filter(|&n| n <= 10).and_then(|n| s.get(..n)));
        let decoded = entity.and_then(|name| match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            "nbsp" => Some(' '),
            _ => {
                let num = name.strip_prefix('#')?;
                let code = match num.strip_prefix(['x', 'X']) {
                    Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                    None => num.parse().ok()?,
                };
                char::from_u32(code)
            }
        });
        match (entity, decoded) {
            (Some(name), Some(c)) => {
                out.push(c);
                rest = after.get(name.len() + 2..).unwrap_or_default();
            }
            _ => {
                out.push('&');
                rest = after.get(1..).unwrap_or_default();
            }
        }
    }
    out.push_str(rest);
    out
}

/// Sanitised, whitespace collapsed, at most `max` characters (an ellipsis marks a cut).
pub fn one_line(text: &str, max: usize) -> String {
    let clean = clean_line(text);
    let words = clean.split_whitespace().collect::<Vec<_>>().join(" ");
    if words.chars().count() > max {
        let mut cut: String = words.chars().take(max.saturating_sub(1)).collect();
        cut.truncate(cut.trim_end().len());
        cut.push('…');
        cut
    } else {
        words
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(body: &str) -> String {
        parse(body).message
    }

    #[test]
    fn the_documented_envelope_gives_message_code_and_param() {
        let text = parse(r#"{"error":{"message":"bad","type":"x","code":"invalid_field","param":"input"}}"#);
        assert_eq!(
            text,
            ErrorText {
                message: "bad".into(),
                code: Some("invalid_field".into()),
                param: Some("input".into()),
            }
        );
        let numeric = parse(r#"{"error":{"message":"m","code":429}}"#);
        assert_eq!(numeric.code.as_deref(), Some("429"));
    }

    #[test]
    fn other_json_shapes_give_their_text() {
        assert_eq!(message(r#"{"error":"no such model"}"#), "no such model");
        assert_eq!(message(r#"{"message":"Forbidden"}"#), "Forbidden");
        assert_eq!(message(r#"{"detail":"Not authenticated"}"#), "Not authenticated");
        assert_eq!(
            message(
                r#"{"detail":[{"loc":["body","input"],"msg":"field required","type":"missing"},{"msg":"x"}]}"#
            ),
            "body.input: field required; x"
        );
        assert_eq!(
            message(r#"{"detail":{"reason":"quota"}}"#),
            r#"{"reason":"quota"}"#
        );
        assert_eq!(
            message(r#"{"title":"Too Many Requests","status":429}"#),
            "Too Many Requests"
        );
        assert_eq!(message(r#"[1,2]"#), "[1,2]");
        assert_eq!(message(r#"{"error":{"type":"t"}}"#), r#"{"type":"t"}"#);
    }

    #[test]
    fn html_shows_its_title_or_its_text_never_markup() {
        let page = "<!DOCTYPE html><html><head><title>502 Bad Gateway</title><style>p{}</style></head><body><h1>Bad</h1></body></html>";
        assert_eq!(message(page), "502 Bad Gateway");
        let untitled = "<html><head><script>var a = '<b>';</script></head><body><h1>Service  Unavailable</h1><p>Try &amp; again&#33;</p><!-- x --></body></html>";
        assert_eq!(message(untitled), "Service Unavailable Try & again!");
        assert!(!message(untitled).contains('<'));
    }

    #[test]
    fn plain_empty_and_broken_bodies() {
        assert_eq!(message("  upstream reset\r\n"), "upstream reset");
        assert_eq!(parse(""), ErrorText::default());
        assert_eq!(parse(" \n "), ErrorText::default());
        assert_eq!(message("{not json"), "{not json");
    }

    #[test]
    fn control_sequences_are_removed_and_length_is_capped() {
        assert_eq!(message("{\"error\":\"a\\u001b[31mred\\u202e\"}"), "ared");
        let long = "word ".repeat(1000);
        let shown = message(&long);
        assert_eq!(shown.chars().count(), MAX_MESSAGE_CHARS);
        assert!(shown.ends_with('…'));
        let code = parse(&format!(
            r#"{{"error":{{"message":"m","code":"{}"}}}}"#,
            "c".repeat(500)
        ));
        assert!(code.code.is_some_and(|c| c.chars().count() <= MAX_FIELD_CHARS));
    }
}

//! Structured output and function tools as the request carries them (spec §3), and what a
//! structured answer turns out to be.
//!
//! Owns: the exact JSON of `text.format` (`{"format": {"type": "json_schema", "name",
//! "schema", "strict": true}}`) and of a function tool (the flat Responses format
//! `{"type": "function", "name", "description", "parameters", "strict"}`), the
//! `function_call` / `function_call_output` input items of a tool round trip, and
//! reading an answer's text as JSON checked against its schema (`Checked`), plus the
//! table of top-level fields across personas (and its CSV). Pure. Does not own: where a
//! schema or a tool comes from (`config`, `cli::ask`, the app), the checking itself
//! (`schema`) or drawing.

use serde_json::{json, Map, Value};

use super::schema::{first_violation, Violation};

/// A JSON Schema the answer must follow, with the name the request gives it.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSchema {
    /// `[a-zA-Z0-9_-]`, at most 64 characters, as OpenAI requires of `name`.
    pub name: String,
    pub schema: Value,
}

impl NamedSchema {
    /// `name` made acceptable to the server (other characters become `_`).
    pub fn new(name: &str, schema: Value) -> NamedSchema {
        let mut clean: String = name
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .take(64)
            .collect();
        if clean.is_empty() {
            clean = "answer".into();
        }
        NamedSchema { name: clean, schema }
    }

    /// The request's `text` field.
    pub fn text_field(&self) -> Value {
        json!({"format": {
            "type": "json_schema",
            "name": self.name,
            "schema": self.schema,
            "strict": true,
        }})
    }

    /// The top-level fields the schema declares, in the order written when the map keeps
    /// it (else sorted): the columns of a comparison table.
    pub fn fields(&self) -> Vec<String> {
        self.schema
            .get("properties")
            .and_then(Value::as_object)
            .map(|p| p.keys().cloned().collect())
            .unwrap_or_default()
    }
}

/// A function tool the model may call.
#[derive(Debug, Clone, PartialEq)]
pub struct Tool {
    pub name: String,
    pub description: String,
    /// The arguments' JSON Schema.
    pub parameters: Value,
}

impl Tool {
    /// One entry of the request's `tools`. `strict` stays false: a strict tool needs
    /// every property required and `additionalProperties: false`, which a hand-written
    /// config schema rarely says.
    pub fn wire(&self) -> Value {
        json!({
            "type": "function",
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
            "strict": false,
        })
    }
}

/// The `input` items that replay a call and hand back its result.
pub fn call_items(call_id: &str, name: &str, arguments: &str, output: &str) -> [Value; 2] {
    [
        json!({"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}),
        json!({"type": "function_call_output", "call_id": call_id, "output": output}),
    ]
}

/// What a structured answer's text is.
#[derive(Debug, Clone, PartialEq)]
pub enum Checked {
    /// JSON that follows the schema.
    Valid(Value),
    /// JSON that breaks it: the first violation.
    Invalid(Value, Violation),
    /// Not JSON at all: the parser's message.
    NotJson(String),
}

impl Checked {
    /// Reads `text` (surrounding blanks and a Markdown code fence tolerated, since some
    /// models wrap JSON in one) and checks it against `schema`.
    pub fn of(text: &str, schema: &Value) -> Checked {
        let body = unfence(text.trim());
        match serde_json::from_str::<Value>(body) {
            Ok(value) => match first_violation(schema, &value) {
                None => Checked::Valid(value),
                Some(v) => Checked::Invalid(value, v),
            },
            Err(e) => Checked::NotJson(e.to_string()),
        }
    }

    /// The parsed value, when the text was JSON.
    pub fn value(&self) -> Option<&Value> {
        match self {
            Checked::Valid(v) | Checked::Invalid(v, _) => Some(v),
            Checked::NotJson(_) => None,
        }
    }

    /// One line for a marker: `✓ valid`, `✗ at /score: ...`, `✗ not JSON: ...`.
    pub fn verdict(&self, schema_name: &str) -> String {
        match self {
            Checked::Valid(_) => format!("✓ valid against schema {schema_name}"),
            Checked::Invalid(_, v) => format!("✗ does not match schema {schema_name} {v}"),
            Checked::NotJson(e) => format!("✗ not JSON ({e})"),
        }
    }
}

/// `text` without a Markdown code fence around it (some models wrap JSON in one).
pub fn unfence(text: &str) -> &str {
    let Some(rest) = text.strip_prefix("```") else {
        return text;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_ascii_alphanumeric());
    rest.strip_suffix("```").unwrap_or(rest).trim()
}

/// A top-level field's value as one table cell: strings bare, everything else as
/// compact JSON, missing as empty.
pub fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// The comparison table as CSV (RFC 4180 quoting): a header `persona,<fields...>,valid`,
/// then one row per persona. A row whose answer was not JSON has empty fields.
pub fn csv(fields: &[String], rows: &[(String, Checked)]) -> String {
    let mut out = String::new();
    let header: Vec<String> = std::iter::once("persona".to_owned())
        .chain(fields.iter().cloned())
        .chain(std::iter::once("valid".to_owned()))
        .collect();
    push_row(&mut out, &header);
    for (persona, checked) in rows {
        let map = checked.value().and_then(Value::as_object);
        let mut row = vec![persona.clone()];
        row.extend(
            fields
                .iter()
                .map(|f| cell(map.and_then(|m: &Map<String, Value>| m.get(f)))),
        );
        row.push(matches!(checked, Checked::Valid(_)).to_string());
        push_row(&mut out, &row);
    }
    out
}

fn push_row(out: &mut String, cells: &[String]) {
    let quoted: Vec<String> = cells
        .iter()
        .map(|c| {
            if c.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", c.replace('"', "\"\""))
            } else {
                c.clone()
            }
        })
        .collect();
    out.push_str(&quoted.join(","));
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> NamedSchema {
        NamedSchema::new(
            "re action!",
            json!({"type": "object", "properties": {"verdict": {"type": "string"}, "score": {"type": "integer"}}, "required": ["verdict"]}),
        )
    }

    #[test]
    fn the_text_field_is_the_documented_json_schema_format() {
        let s = schema();
        assert_eq!(s.name, "re_action_");
        assert_eq!(
            s.text_field(),
            json!({"format": {"type": "json_schema", "name": "re_action_", "schema": s.schema, "strict": true}})
        );
    }

    #[test]
    fn answers_are_valid_invalid_or_not_json() {
        let s = schema().schema;
        assert!(matches!(
            Checked::of("```json\n{\"verdict\": \"ok\"}\n```", &s),
            Checked::Valid(_)
        ));
        let bad = Checked::of("{\"score\": 2}", &s);
        assert_eq!(
            bad.verdict("r"),
            "✗ does not match schema r at /: missing required property \"verdict\""
        );
        assert!(matches!(Checked::of("{\"verdict\": ", &s), Checked::NotJson(_)));
    }

    #[test]
    fn csv_has_one_row_per_persona_and_quotes_what_needs_it() {
        let s = schema();
        let rows = vec![
            (
                "CFO".to_owned(),
                Checked::of("{\"verdict\": \"too, pricey\", \"score\": 3}", &s.schema),
            ),
            ("Gen Z".to_owned(), Checked::of("nope", &s.schema)),
        ];
        let fields = s.fields();
        assert_eq!(
            csv(&fields, &rows),
            "persona,score,verdict,valid\nCFO,3,\"too, pricey\",true\nGen Z,,,false\n"
        );
    }
}

//! Reading a `POST /responses` body: JSON, required fields, types and limits, with the
//! error the real API gives for each mistake.
//!
//! Owns: turning raw bytes into a [`Parsed`] request or a [`SimError`]. Tolerant of what
//! OpenAI-style clients send (content-part arrays, `developer` turns, items that are not
//! messages), strict about what the spec requires. Pure. Does not own: persona lookup,
//! credits or faults from other sources (see `responses`).

use serde_json::{Map, Value};

use crate::api::wire::MAX_INPUT_CHARS;

use super::errors::SimError;
use super::faults::{self, Fault};

/// The only model the API accepts.
pub const MODEL: &str = "mavera-1";

/// One turn of the conversation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn {
    pub role: String,
    pub text: String,
}

/// A validated request.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    pub turns: Vec<Turn>,
    pub persona_id: Option<String>,
    pub instructions: Option<String>,
    pub stream: bool,
    /// Faults asked for with the `sim_fault` body field.
    pub sim_faults: Vec<Fault>,
    pub analysis_mode: bool,
    pub max_output_tokens: Option<u64>,
    /// Structured output, tools and tool results asked for (`structured`).
    pub asked: super::structured::Asked,
}

impl Parsed {
    /// The text being answered: the last user turn.
    pub fn last_user_text(&self) -> &str {
        self.turns
            .iter()
            .rev()
            .find(|t| t.role == "user")
            .map_or("", |t| t.text.as_str())
    }

    /// Whether an answer was already given in this conversation.
    pub fn follow_up(&self) -> bool {
        self.turns.iter().any(|t| t.role == "assistant")
    }

    pub fn input_chars(&self) -> usize {
        self.turns.iter().map(|t| t.text.chars().count()).sum()
    }
}

/// Validates a body in the order the fields appear in the spec: model, input, persona,
/// then the optional fields.
pub fn parse(body: &[u8]) -> Result<Parsed, SimError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| SimError::invalid_field(None, format!("The request body is not valid JSON: {e}.")))?;
    let Value::Object(obj) = value else {
        return Err(SimError::invalid_field(
            None,
            "The request body must be a JSON object.",
        ));
    };
    match obj.get("model") {
        None | Some(Value::Null) => return Err(SimError::missing_field("model")),
        Some(Value::String(m)) if m == MODEL => {}
        Some(_) => return Err(SimError::invalid_model()),
    }
    let turns = parse_input(obj.get("input"))?;
    let persona_id = optional_string(&obj, "persona_id")?;
    let instructions = optional_string(&obj, "instructions")?;
    let stream = match obj.get("stream") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            return Err(SimError::invalid_field(
                Some("stream"),
                "'stream' must be a boolean.",
            ))
        }
    };
    let sim_faults = match obj.get("sim_fault") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => {
            faults::parse_list(s).map_err(|e| SimError::invalid_field(Some("sim_fault"), e))?
        }
        Some(Value::Array(items)) => {
            let mut out = Vec::new();
            for item in items {
                let s = item.as_str().ok_or_else(|| {
                    SimError::invalid_field(
                        Some("sim_fault"),
                        "'sim_fault' must be a string or an array of strings.",
                    )
                })?;
                out.extend(faults::parse_list(s).map_err(|e| SimError::invalid_field(Some("sim_fault"), e))?);
            }
            out
        }
        Some(_) => {
            return Err(SimError::invalid_field(
                Some("sim_fault"),
                "'sim_fault' must be a string or an array of strings.",
            ))
        }
    };
    let max_output_tokens = match obj.get("max_output_tokens") {
        None | Some(Value::Null) => None,
        Some(v) => Some(v.as_u64().filter(|n| *n > 0).ok_or_else(|| {
            SimError::invalid_field(
                Some("max_output_tokens"),
                "'max_output_tokens' must be a positive integer.",
            )
        })?),
    };
    let analysis_mode = obj.get("analysis_mode").and_then(Value::as_bool).unwrap_or(false);
    let asked = super::structured::read(&obj)?;
    Ok(Parsed {
        turns,
        persona_id,
        instructions,
        stream,
        sim_faults,
        analysis_mode,
        max_output_tokens,
        asked,
    })
}

fn optional_string(obj: &Map<String, Value>, field: &str) -> Result<Option<String>, SimError> {
    match obj.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(SimError::invalid_field(
            Some(field),
            format!("'{field}' must be a string."),
        )),
    }
}

const INPUT_SHAPE: &str = "'input' must be a string or an array of message items.";

fn parse_input(input: Option<&Value>) -> Result<Vec<Turn>, SimError> {
    let bad = |msg: &str| SimError::invalid_field(Some("input"), msg);
    let turns = match input {
        None | Some(Value::Null) => return Err(SimError::missing_field("input")),
        Some(Value::String(s)) => vec![Turn {
            role: "user".into(),
            text: s.clone(),
        }],
        Some(Value::Array(items)) => {
            let mut turns = Vec::with_capacity(items.len());
            for item in items {
                let Value::Object(m) = item else {
                    return Err(bad(INPUT_SHAPE));
                };
                // Non-message items (tool outputs, reasoning) carry no turn to answer.
                let kind = m.get("type").and_then(Value::as_str).unwrap_or("message");
                if kind != "message" {
                    continue;
                }
                let role = m.get("role").and_then(Value::as_str).unwrap_or("user");
                if !matches!(role, "user" | "assistant" | "system" | "developer") {
                    return Err(bad(
                        "Each input item's 'role' must be 'user', 'assistant', 'system' or 'developer'.",
                    ));
                }
                let text = match m.get("content") {
                    Some(Value::String(s)) => s.clone(),
                    Some(Value::Array(parts)) => parts
                        .iter()
                        .filter_map(|p| p.get("text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("\n"),
                    _ => {
                        return Err(bad(
                            "Each input item needs 'content': a string or an array of content parts.",
                        ))
                    }
                };
                turns.push(Turn {
                    role: role.into(),
                    text,
                });
            }
            turns
        }
        Some(_) => return Err(bad(INPUT_SHAPE)),
    };
    if turns.iter().all(|t| t.text.trim().is_empty()) {
        return Err(bad("'input' must not be empty."));
    }
    let chars: usize = turns.iter().map(|t| t.text.chars().count()).sum();
    if chars > MAX_INPUT_CHARS {
        return Err(bad(&format!(
            "'input' is too long: {chars} characters; the maximum is {MAX_INPUT_CHARS}."
        )));
    }
    Ok(turns)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn err(v: Value) -> SimError {
        parse(v.to_string().as_bytes()).expect_err("should fail")
    }

    #[test]
    fn documented_errors() {
        assert_eq!(parse(b"{nope").expect_err("bad json").code, "invalid_field");
        assert_eq!(err(json!([1])).code, "invalid_field");
        let e = err(json!({"model": "gpt-4", "input": "x"}));
        assert_eq!((e.code, e.param.as_deref()), ("invalid_model", Some("model")));
        assert_eq!(
            e.message,
            "Invalid value for 'model': must be one of ['mavera-1']."
        );
        let e = err(json!({"model": "mavera-1"}));
        assert_eq!((e.code, e.param.as_deref()), ("missing_field", Some("input")));
        let e = err(json!({"model": "mavera-1", "input": "x".repeat(MAX_INPUT_CHARS + 1)}));
        assert_eq!((e.code, e.param.as_deref()), ("invalid_field", Some("input")));
        assert_eq!(
            err(json!({"model": "mavera-1", "input": ""})).code,
            "invalid_field"
        );
        assert_eq!(
            err(json!({"model": "mavera-1", "input": 5})).code,
            "invalid_field"
        );
        let e = err(json!({"model": "mavera-1", "input": "x", "stream": "yes"}));
        assert_eq!(e.param.as_deref(), Some("stream"));
        let e = err(json!({"model": "mavera-1", "input": "x", "persona_id": 3}));
        assert_eq!(e.param.as_deref(), Some("persona_id"));
        assert_eq!(
            err(json!({"model": "mavera-1", "input": "x", "sim_fault": "bogus"})).code,
            "invalid_field"
        );
    }

    #[test]
    fn multi_turn_answers_the_last_user_turn() {
        let body = json!({
            "model": "mavera-1", "stream": true, "persona_id": "c1", "sim_fault": ["drop=2", "crlf"],
            "input": [
                {"role": "system", "content": "be nice"},
                {"role": "user", "content": "first"},
                {"role": "assistant", "content": [{"type": "output_text", "text": "answer"}]},
                {"type": "function_call_output", "call_id": "x", "output": "{}"},
                {"role": "user", "content": [{"type": "input_text", "text": "second"}, {"type": "input_image", "image_url": "data:"}]},
            ],
        });
        let p = parse(body.to_string().as_bytes()).expect("valid");
        assert_eq!(p.last_user_text(), "second");
        assert!(p.follow_up() && p.stream);
        assert_eq!(p.persona_id.as_deref(), Some("c1"));
        assert_eq!(p.sim_faults.len(), 2);
        assert_eq!(
            p.input_chars(),
            "be nice".len() + "first".len() + "answer".len() + "second".len()
        );
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bodies_never_panic(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let _ = parse(&bytes);
        }

        #[test]
        fn arbitrary_inputs_never_panic(input in ".{0,200}", persona in proptest::option::of(".{0,30}")) {
            let body = json!({"model": "mavera-1", "input": input, "persona_id": persona, "sim_fault": input});
            let _ = parse(body.to_string().as_bytes());
        }
    }
}

//! The simulator's structured answers and function calls.
//!
//! Owns: reading `text.format` (`json_schema`), `tools` and tool round-trip items
//! (`function_call_output`) from a request body; generating JSON that follows a schema
//! (types, `enum`, `const`, `required`, nested objects and arrays, `$ref`s to `$defs`),
//! deterministic per seed, persona and prompt, with strings in the persona's words; the
//! `bad_json` fault's break of it (the first required field left out, the text cut before
//! its end); and when a prompt triggers a call (it names a declared tool, or says `#tool`).
//! Pure. Does not own: streaming the result (`events`) or charging for it (`responses`).

use serde_json::{json, Map, Value};

use super::errors::SimError;
use super::phrases;
use super::rng::Rng;

/// What a request asks for beyond text.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Asked {
    /// The schema of `text.format` when its type is `json_schema`.
    pub schema: Option<Value>,
    /// `json_object`: any JSON object.
    pub json_object: bool,
    /// Declared function tools: name and parameters schema.
    pub tools: Vec<(String, Value)>,
    /// Results handed back (`function_call_output`): call id and output.
    pub outputs: Vec<(String, String)>,
}

/// Reads the structured-output and tool fields of a request body.
pub fn read(obj: &Map<String, Value>) -> Result<Asked, SimError> {
    let mut asked = Asked::default();
    if let Some(format) = obj.get("text").and_then(|t| t.get("format")) {
        match format.get("type").and_then(Value::as_str) {
            Some("json_schema") => {
                let schema = format.get("schema").filter(|s| s.is_object()).ok_or_else(|| {
                    SimError::invalid_field(
                        Some("text.format.schema"),
                        "'text.format.schema' must be a JSON Schema object.",
                    )
                })?;
                if format
                    .get("name")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    return Err(SimError::missing_field("text.format.name"));
                }
                asked.schema = Some(schema.clone());
            }
            Some("json_object") => asked.json_object = true,
            Some("text") | None => {}
            Some(_) => {
                return Err(SimError::invalid_field(
                    Some("text.format.type"),
                    "'text.format.type' must be 'text', 'json_object' or 'json_schema'.",
                ))
            }
        }
    }
    if let Some(Value::Array(tools)) = obj.get("tools") {
        for t in tools {
            let name = t.get("name").and_then(Value::as_str).filter(|n| !n.is_empty());
            match (t.get("type").and_then(Value::as_str), name) {
                (Some("function"), Some(name)) => asked.tools.push((
                    name.to_owned(),
                    t.get("parameters").cloned().unwrap_or_else(|| json!({})),
                )),
                (Some("function"), None) => return Err(SimError::missing_field("tools.name")),
                _ => {} // other tool types (web search, ...) are not simulated
            }
        }
    }
    if let Some(Value::Array(items)) = obj.get("input") {
        for item in items {
            if item.get("type").and_then(Value::as_str) == Some("function_call_output") {
                let id = item.get("call_id").and_then(Value::as_str).unwrap_or_default();
                let output = match item.get("output") {
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                    None => String::new(),
                };
                asked.outputs.push((id.to_owned(), output));
            }
        }
    }
    Ok(asked)
}

impl Asked {
    /// The tool a prompt calls: the first declared tool it names (any case), else the
    /// first tool when it says `#tool`. None once a result came back: the answer follows.
    pub fn call_for(&self, prompt: &str) -> Option<&(String, Value)> {
        if !self.outputs.is_empty() {
            return None;
        }
        let lower = prompt.to_lowercase();
        self.tools
            .iter()
            .find(|(name, _)| lower.contains(&name.to_lowercase()))
            .or_else(|| lower.contains("#tool").then(|| self.tools.first()).flatten())
    }
}

/// A value following `schema`, from `r` and the words of `flavour`.
pub fn generate(schema: &Value, r: &mut Rng, flavour: &[String]) -> Value {
    gen(schema, schema, r, flavour, 0)
}

fn gen(root: &Value, schema: &Value, r: &mut Rng, flavour: &[String], depth: usize) -> Value {
    if depth > 12 {
        return Value::Null;
    }
    let Value::Object(s) = schema else {
        return Value::Null;
    };
    if let Some(target) = s
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|p| root.pointer(p.strip_prefix('#').unwrap_or("/")))
    {
        return gen(root, target, r, flavour, depth + 1);
    }
    if let Some(c) = s.get("const") {
        return c.clone();
    }
    if let Some(Value::Array(options)) = s
        .get("enum")
        .filter(|e| e.as_array().is_some_and(|a| !a.is_empty()))
    {
        return options
            .get(r.below(options.len()))
            .cloned()
            .unwrap_or(Value::Null);
    }
    if let Some(Value::Array(options)) = s
        .get("anyOf")
        .filter(|e| e.as_array().is_some_and(|a| !a.is_empty()))
    {
        let pick = options.get(r.below(options.len())).unwrap_or(&Value::Null);
        return gen(root, pick, r, flavour, depth + 1);
    }
    let kind = match s.get("type") {
        Some(Value::String(t)) => t.as_str(),
        Some(Value::Array(list)) => list
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ if s.contains_key("properties") => "object",
        _ => "string",
    };
    let num = |key: &str, default: f64| s.get(key).and_then(Value::as_f64).unwrap_or(default);
    match kind {
        "object" => {
            let mut out = Map::new();
            if let Some(props) = s.get("properties").and_then(Value::as_object) {
                for (key, sub) in props {
                    out.insert(key.clone(), gen(root, sub, r, flavour, depth + 1));
                }
            }
            Value::Object(out)
        }
        "array" => {
            let min = num("minItems", 1.0).max(0.0) as usize;
            let max = (num("maxItems", 3.0).max(min as f64) as usize).min(min + 3);
            let n = min + r.below(max - min + 1);
            let item = s
                .get("items")
                .cloned()
                .unwrap_or_else(|| json!({"type": "string"}));
            Value::Array((0..n).map(|_| gen(root, &item, r, flavour, depth + 1)).collect())
        }
        "integer" => {
            let (lo, hi) = (num("minimum", 1.0) as i64, num("maximum", 10.0) as i64);
            json!(lo + r.below((hi - lo).max(0) as usize + 1) as i64)
        }
        "number" => {
            let (lo, hi) = (num("minimum", 0.0), num("maximum", 1.0));
            json!(((lo + (hi - lo) * (r.below(101) as f64 / 100.0)) * 100.0).round() / 100.0)
        }
        "boolean" => json!(r.chance(50)),
        "null" => Value::Null,
        _ => json!(phrase(r, flavour)),
    }
}

/// A short phrase in the persona's words: a mood and one of the prompt's key phrases.
fn phrase(r: &mut Rng, flavour: &[String]) -> String {
    const MOODS: [&str; 8] = [
        "honestly",
        "low-key",
        "clearly",
        "frankly",
        "surprisingly",
        "not sure about",
        "really into",
        "wary of",
    ];
    let mood = MOODS.get(r.below(MOODS.len())).copied().unwrap_or("honestly");
    match flavour.get(r.below(flavour.len().max(1))) {
        Some(word) => format!("{mood} {word}"),
        None => mood.to_owned(),
    }
}

/// The structured answer's text for `schema`, in the voice of `persona`.
pub fn answer(schema: &Value, seed: u64, persona: &str, prompt: &str, broken: bool) -> String {
    let mut r = Rng::from_parts(&[
        &seed.to_le_bytes(),
        persona.as_bytes(),
        prompt.as_bytes(),
        b"schema",
    ]);
    let mut flavour = phrases::keywords(prompt);
    flavour.extend(persona.split_whitespace().map(str::to_lowercase));
    let mut value = generate(schema, &mut r, &flavour);
    if broken {
        // `bad_json`: a required field goes missing, and the text stops short.
        let first = schema
            .get("required")
            .and_then(Value::as_array)
            .and_then(|r| r.first())
            .and_then(Value::as_str);
        if let (Some(key), Value::Object(m)) = (first, &mut value) {
            m.remove(key);
        }
    }
    let text = serde_json::to_string_pretty(&value).unwrap_or_default();
    if broken && !matches!(value, Value::Object(ref m) if !m.is_empty()) {
        return text
            .chars()
            .take(text.chars().count().saturating_sub(1))
            .collect();
    }
    text
}

/// Arguments for a call of a tool with `parameters`, as the JSON string the API sends.
pub fn arguments(parameters: &Value, seed: u64, prompt: &str) -> String {
    let mut r = Rng::from_parts(&[&seed.to_le_bytes(), prompt.as_bytes(), b"tool"]);
    let value = generate(parameters, &mut r, &phrases::keywords(prompt));
    serde_json::to_string(&value).unwrap_or_else(|_| "{}".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::schema::first_violation;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "verdict": {"type": "string", "enum": ["love", "meh", "hate"]},
                "score": {"type": "integer", "minimum": 1, "maximum": 10},
                "reasons": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
                "buyer": {"$ref": "#/$defs/b"},
                "price": {"type": "number", "minimum": 5, "maximum": 9}
            },
            "required": ["verdict", "score", "reasons"],
            "additionalProperties": false,
            "$defs": {"b": {"type": "object", "properties": {"likely": {"type": "boolean"}}, "required": ["likely"]}}
        })
    }

    #[test]
    fn generated_answers_follow_the_schema_and_repeat_per_seed() {
        for seed in 0..50 {
            let text = answer(
                &schema(),
                seed,
                "Gen Z Consumer",
                "Is a running-shoe subscription cool?",
                false,
            );
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(first_violation(&schema(), &value), None, "{text}");
            assert_eq!(
                text,
                answer(
                    &schema(),
                    seed,
                    "Gen Z Consumer",
                    "Is a running-shoe subscription cool?",
                    false
                )
            );
        }
    }

    #[test]
    fn bad_json_leaves_out_the_first_required_field() {
        let text = answer(&schema(), 1, "CFO", "pricing", true);
        let value: Value = serde_json::from_str(&text).unwrap();
        let v = first_violation(&schema(), &value).unwrap();
        assert_eq!(v.message, "missing required property \"verdict\"");
    }

    #[test]
    fn a_prompt_calls_the_tool_it_names_until_a_result_comes_back() {
        let mut asked = Asked {
            tools: vec![("lookup_price".into(), json!({})), ("weather".into(), json!({}))],
            ..Asked::default()
        };
        assert_eq!(
            asked.call_for("what is the WEATHER like").map(|t| t.0.as_str()),
            Some("weather")
        );
        assert_eq!(
            asked.call_for("#tool please").map(|t| t.0.as_str()),
            Some("lookup_price")
        );
        assert_eq!(asked.call_for("hello"), None);
        asked.outputs.push(("c1".into(), "42".into()));
        assert_eq!(asked.call_for("weather"), None);
    }
}

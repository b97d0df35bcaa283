//! Checking a JSON value against a JSON Schema, locally, after a structured answer
//! arrived (`text.format` of type `json_schema`, spec §3).
//!
//! Owns: a documented subset of JSON Schema — the one OpenAI-style strict structured
//! outputs accept: `type` (one or a list), `enum`, `const`, `properties`, `required`,
//! `additionalProperties` (`false` or a schema), `items`, `minItems`/`maxItems`,
//! `minLength`/`maxLength`, `minimum`/`maximum`, `anyOf`, and local `$ref`s to
//! `#/$defs/...` or `#/definitions/...`. Keywords outside it are ignored (never a false
//! violation). Why not the `jsonschema` crate: it is not in this build's offline crate set
//! and brings a regex engine, URL resolution and dozens of crates for drafts and formats
//! that strict mode forbids anyway; the subset covers what a strict schema can say.
//! Does not own: sending the schema (`structured`), or showing a violation.

use serde_json::{Map, Value};

/// The first place a value breaks its schema: a JSON-pointer-like path and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// `/` for the root, `/items/0/name` below it.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "at {}: {}", self.path, self.message)
    }
}

/// How deep `$ref`s and nesting are followed: a cyclic schema stops here, not in a
/// stack overflow.
const MAX_DEPTH: usize = 64;

/// The first violation of `schema` by `value`, in document order; `None` when it fits.
pub fn first_violation(schema: &Value, value: &Value) -> Option<Violation> {
    let mut path = Vec::new();
    check(schema, schema, value, &mut path, 0).map(|message| Violation {
        path: if path.is_empty() {
            "/".to_owned()
        } else {
            path.iter().map(|p| format!("/{p}")).collect()
        },
        message,
    })
}

/// Returns the message of the first violation; `path` is left pointing at it.
fn check(
    root: &Value,
    schema: &Value,
    value: &Value,
    path: &mut Vec<String>,
    depth: usize,
) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    let Value::Object(s) = schema else {
        // `true`, `{}` or something unreadable: accepts everything.
        return (schema == &Value::Bool(false)).then(|| "no value is allowed here".to_owned());
    };
    if let Some(target) = s
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| resolve(root, r))
    {
        return check(root, target, value, path, depth + 1);
    }
    if let Some(types) = s.get("type") {
        let names: Vec<&str> = match types {
            Value::String(t) => vec![t.as_str()],
            Value::Array(list) => list.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if !names.is_empty() && !names.iter().any(|t| is_type(value, t)) {
            return Some(format!(
                "expected {}, got {}",
                names.join(" or "),
                type_name(value)
            ));
        }
    }
    if let Some(Value::Array(options)) = s.get("enum") {
        if !options.contains(value) {
            let list: Vec<String> = options.iter().map(Value::to_string).collect();
            return Some(format!("{value} is not one of {}", list.join(", ")));
        }
    }
    if let Some(c) = s.get("const").filter(|c| *c != value) {
        return Some(format!("expected {c}, got {value}"));
    }
    if let Some(Value::Array(options)) = s.get("anyOf") {
        let fits = options
            .iter()
            .any(|o| check(root, o, value, &mut Vec::new(), depth + 1).is_none());
        if !fits {
            return Some("matches none of the allowed shapes (anyOf)".to_owned());
        }
    }
    match value {
        Value::Object(map) => check_object(root, s, map, path, depth),
        Value::Array(items) => check_array(root, s, items, path, depth),
        Value::String(text) => {
            let n = text.chars().count() as u64;
            bound(
                s,
                "minLength",
                |m| n < m,
                |m| format!("shorter than {m} characters"),
            )
            .or_else(|| {
                bound(
                    s,
                    "maxLength",
                    |m| n > m,
                    |m| format!("longer than {m} characters"),
                )
            })
        }
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(0.0);
            let min = s.get("minimum").and_then(Value::as_f64).filter(|m| x < *m);
            let max = s.get("maximum").and_then(Value::as_f64).filter(|m| x > *m);
            min.map(|m| format!("{x} is below the minimum {m}"))
                .or_else(|| max.map(|m| format!("{x} is above the maximum {m}")))
        }
        _ => None,
    }
}

fn check_object(
    root: &Value,
    s: &Map<String, Value>,
    map: &Map<String, Value>,
    path: &mut Vec<String>,
    depth: usize,
) -> Option<String> {
    let props = s.get("properties").and_then(Value::as_object);
    if let Some(Value::Array(required)) = s.get("required") {
        if let Some(missing) = required
            .iter()
            .filter_map(Value::as_str)
            .find(|k| !map.contains_key(*k))
        {
            return Some(format!("missing required property \"{missing}\""));
        }
    }
    for (key, v) in map {
        let sub = props.and_then(|p| p.get(key));
        let sub = match (sub, s.get("additionalProperties")) {
            (Some(sub), _) => sub,
            (None, Some(Value::Bool(false))) => {
                return Some(format!("property \"{key}\" is not allowed"));
            }
            (None, Some(extra)) => extra,
            (None, None) => continue,
        };
        path.push(key.clone());
        if let Some(m) = check(root, sub, v, path, depth + 1) {
            return Some(m);
        }
        path.pop();
    }
    None
}

fn check_array(
    root: &Value,
    s: &Map<String, Value>,
    items: &[Value],
    path: &mut Vec<String>,
    depth: usize,
) -> Option<String> {
    let n = items.len() as u64;
    if let Some(m) = bound(s, "minItems", |m| n < m, |m| format!("fewer than {m} items"))
        .or_else(|| bound(s, "maxItems", |m| n > m, |m| format!("more than {m} items")))
    {
        return Some(m);
    }
    let sub = s.get("items")?;
    for (i, item) in items.iter().enumerate() {
        path.push(i.to_string());
        if let Some(m) = check(root, sub, item, path, depth + 1) {
            return Some(m);
        }
        path.pop();
    }
    None
}

fn bound(
    s: &Map<String, Value>,
    key: &str,
    broken: impl Fn(u64) -> bool,
    say: impl Fn(u64) -> String,
) -> Option<String> {
    s.get(key).and_then(Value::as_u64).filter(|m| broken(*m)).map(say)
}

/// A local reference (`#/$defs/name`, `#/definitions/name`, or any `#/a/b` pointer).
fn resolve<'a>(root: &'a Value, reference: &str) -> Option<&'a Value> {
    root.pointer(reference.strip_prefix('#')?)
}

fn is_type(value: &Value, name: &str) -> bool {
    match name {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "null" => value.is_null(),
        "number" => value.is_number(),
        "integer" => {
            value.as_i64().is_some()
                || value.as_u64().is_some()
                || value.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        _ => true, // an unknown type name is not this client's to refuse
    }
}

/// The JSON type of a value, as a violation names it.
pub fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Object(_) => "object",
        Value::Array(_) => "array",
        Value::String(_) => "string",
        Value::Bool(_) => "boolean",
        Value::Null => "null",
        Value::Number(n) if n.is_f64() => "number",
        Value::Number(_) => "integer",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "verdict": {"type": "string", "enum": ["love", "meh", "hate"]},
                "score": {"type": "integer", "minimum": 1, "maximum": 10},
                "tags": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
                "buyer": {"$ref": "#/$defs/buyer"}
            },
            "required": ["verdict", "score"],
            "additionalProperties": false,
            "$defs": {"buyer": {"type": "object", "properties": {"age": {"type": "integer"}}}}
        })
    }

    #[test]
    fn a_conforming_value_has_no_violation() {
        let v = json!({"verdict": "meh", "score": 4, "tags": ["a"], "buyer": {"age": 30}});
        assert_eq!(first_violation(&schema(), &v), None);
    }

    #[test]
    fn each_keyword_reports_the_first_violation_with_its_path() {
        let cases = [
            (json!({"score": 4}), "/", "missing required property \"verdict\""),
            (
                json!({"verdict": "wow", "score": 4}),
                "/verdict",
                "\"wow\" is not one of \"love\", \"meh\", \"hate\"",
            ),
            (
                json!({"verdict": "meh", "score": "4"}),
                "/score",
                "expected integer, got string",
            ),
            (
                json!({"verdict": "meh", "score": 11}),
                "/score",
                "11 is above the maximum 10",
            ),
            (
                json!({"verdict": "meh", "score": 1, "x": 1}),
                "/",
                "property \"x\" is not allowed",
            ),
            (
                json!({"verdict": "meh", "score": 1, "tags": ["a", 2]}),
                "/tags/1",
                "expected string, got integer",
            ),
            (
                json!({"verdict": "meh", "score": 1, "tags": ["a", "b", "c", "d"]}),
                "/tags",
                "more than 3 items",
            ),
            (
                json!({"verdict": "meh", "score": 1, "buyer": {"age": "x"}}),
                "/buyer/age",
                "expected integer, got string",
            ),
            (json!([1]), "/", "expected object, got array"),
        ];
        for (value, path, message) in cases {
            let v = first_violation(&schema(), &value).unwrap_or_else(|| panic!("{value} passed"));
            assert_eq!((v.path.as_str(), v.message.as_str()), (path, message), "{value}");
        }
    }

    #[test]
    fn a_cyclic_reference_stops_instead_of_overflowing() {
        let s = json!({"$ref": "#"});
        assert_eq!(first_violation(&s, &json!(1)), None);
    }
}

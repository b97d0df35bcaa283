//! Fields as loosely as real servers send them (spec §8): numbers as strings or floats,
//! `null` where a list or a value was documented, and content parts of kinds no client
//! knows — applied to a response's JSON for the `odd_fields` fault.
//!
//! Owns: that rewrite. It changes how values are written, never what they say: the
//! answer's text, its token counts and credits keep their meaning. Does not own: the
//! documented shapes (`events`) or when the fault applies (`faults`).

use serde_json::{json, Map, Value};

/// Counts written as strings (`"42"`), as some servers do.
const AS_STRING: [&str; 5] = [
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "sequence_number",
    "output_index",
];

/// Rewrites `value` (a response object or a stream event) in place.
pub fn oddify(value: &mut Value) {
    match value {
        Value::Object(map) => {
            rewrite_fields(map);
            for v in map.values_mut() {
                oddify(v);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(oddify),
        _ => {}
    }
}

fn rewrite_fields(map: &mut Map<String, Value>) {
    for key in AS_STRING {
        if let Some(n) = map.get(key).and_then(Value::as_u64) {
            map.insert(key.to_owned(), Value::String(n.to_string()));
        }
    }
    // A float where an integer is documented: `3.0` credits, `1706345678.25` seconds.
    if let Some(c) = map.get("credits_used").and_then(Value::as_f64) {
        map.insert("credits_used".into(), json!(c + 0.0));
    }
    if let Some(t) = map.get("created_at").and_then(Value::as_i64) {
        map.insert("created_at".into(), json!(t as f64 + 0.25));
    }
    for key in ["annotations", "logprobs"] {
        if map.contains_key(key) {
            map.insert(key.to_owned(), Value::Null);
        }
    }
    // A message's content gains a part of a kind no client knows, after its text.
    let is_message = map.get("type").and_then(Value::as_str) == Some("message");
    if let (true, Some(Value::Array(parts))) = (is_message, map.get_mut("content")) {
        if !parts.is_empty() {
            parts.push(
                json!({"type": "x_citation", "url": "https://example.com/source", "title": "A source"}),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_change_form_not_meaning() {
        let mut v = json!({
            "id": "r", "created_at": 100, "status": "completed",
            "output": [{"type": "message", "id": "m", "content": [{"type": "output_text", "text": "hi", "annotations": []}]}],
            "usage": {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7, "credits_used": 2},
        });
        oddify(&mut v);
        assert_eq!(v["usage"]["input_tokens"], "3");
        assert_eq!(v["usage"]["credits_used"].as_f64(), Some(2.0));
        assert!(v["usage"]["credits_used"].is_f64());
        assert_eq!(v["created_at"], 100.25);
        assert_eq!(v["output"][0]["content"][0]["text"], "hi");
        assert!(v["output"][0]["content"][0]["annotations"].is_null());
        assert_eq!(v["output"][0]["content"][1]["type"], "x_citation");
    }
}

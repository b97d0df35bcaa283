use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use super::*;

/// Every helper on one struct, as the wire types use them.
#[derive(Debug, Default, Deserialize, PartialEq)]
struct Sample {
    #[serde(default, deserialize_with = "opt_u64")]
    count: Option<u64>,
    #[serde(default, deserialize_with = "opt_i64")]
    when: Option<i64>,
    #[serde(default, deserialize_with = "opt_f64")]
    credits: Option<f64>,
    #[serde(default, deserialize_with = "flag")]
    custom: bool,
    #[serde(default, deserialize_with = "string")]
    name: String,
    #[serde(default, deserialize_with = "opt_string")]
    code: Option<String>,
    #[serde(default, deserialize_with = "or_none")]
    inner: Option<Inner>,
    #[serde(default, deserialize_with = "vec")]
    list: Vec<Entry>,
}

#[derive(Debug, Default, Deserialize, PartialEq)]
struct Inner {
    #[serde(default, deserialize_with = "opt_u64")]
    n: Option<u64>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Entry {
    #[serde(deserialize_with = "required_string")]
    id: String,
}

fn sample(v: Value) -> Sample {
    serde_json::from_value(v).expect("a lenient struct always decodes")
}

#[test]
fn neighbouring_types_are_read_for_what_they_say() {
    let s = sample(json!({
        "count": "12", "when": 1706140800.25, "credits": "2.5", "custom": "true",
        "name": 42, "code": 500, "inner": {"n": 3.0},
    }));
    assert_eq!(s.count, Some(12));
    assert_eq!(s.when, Some(1_706_140_800));
    assert_eq!(s.credits, Some(2.5));
    assert!(s.custom);
    assert_eq!(s.name, "42");
    assert_eq!(s.code.as_deref(), Some("500"));
    assert_eq!(s.inner, Some(Inner { n: Some(3) }));
    assert_eq!(sample(json!({"count": 12.0, "credits": 3})).count, Some(12));
}

#[test]
fn null_missing_and_wrong_shapes_degrade_to_unknown() {
    let empty = Sample::default();
    assert_eq!(sample(json!({})), empty);
    let nulls = json!({"count": null, "when": null, "credits": null, "custom": null,
                       "name": null, "code": null, "inner": null, "list": null});
    assert_eq!(sample(nulls), empty);
    let wrong = json!({"count": {"a": 1}, "when": [1], "credits": "NaN", "custom": "maybe",
                       "name": {"text": "x"}, "code": [], "inner": "text", "list": {"id": "x"}});
    assert_eq!(sample(wrong), empty);
    let negative = json!({"count": -3, "credits": "inf", "when": "soon"});
    assert_eq!(sample(negative), empty);
}

#[test]
fn a_bad_entry_is_skipped_and_the_rest_kept_in_order() {
    let s = sample(
        json!({"list": [{"id": "a"}, {"id": null}, "junk", {"id": 7}, {}, {"id": "  "}, {"id": "b"}]}),
    );
    let ids: Vec<&str> = s.list.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["a", "7", "b"]);
}

#[test]
fn helpers_work_through_a_streaming_deserializer_too() {
    let s: Sample = serde_json::from_str(r#"{"count":"5","inner":{"n":"x"},"list":[{"id":"a"},1]}"#)
        .expect("decodes from text");
    assert_eq!(s.count, Some(5));
    assert_eq!(s.inner, Some(Inner { n: None }));
    assert_eq!(s.list.len(), 1);
}

/// Any JSON value, nested a little.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        ".{0,12}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z]{1,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// No value of any field ever fails the object that holds it.
    #[test]
    fn any_value_in_any_field_decodes(
        fields in prop::collection::btree_map(
            prop_oneof![Just("count"), Just("when"), Just("credits"), Just("custom"),
                        Just("name"), Just("code"), Just("inner"), Just("list")],
            any_json(), 0..8),
    ) {
        let object: serde_json::Map<String, Value> =
            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let text = Value::Object(object).to_string();
        prop_assert!(serde_json::from_str::<Sample>(&text).is_ok(), "{}", text);
    }

    /// A count reads the same as a number, a string or (when exact) a float.
    #[test]
    fn counts_read_alike_in_every_form(n in any::<u64>()) {
        prop_assert_eq!(sample(json!({"count": n})).count, Some(n));
        prop_assert_eq!(sample(json!({"count": n.to_string()})).count, Some(n));
        let small = n >> 12; // exactly representable as f64
        prop_assert_eq!(sample(json!({"count": small as f64})).count, Some(small));
    }

    /// A finite number reads back exactly, as a number or as its text.
    #[test]
    fn finite_numbers_read_back_exactly(f in any::<f64>().prop_filter("finite", |f| f.is_finite())) {
        prop_assert_eq!(sample(json!({"credits": f})).credits, Some(f));
        prop_assert_eq!(sample(json!({"credits": f.to_string()})).credits, Some(f));
    }

    /// A list keeps exactly its good entries, in order, whatever is mixed in.
    #[test]
    fn lists_keep_exactly_the_good_entries(
        entries in prop::collection::vec(prop_oneof![
            "[a-z]{1,8}".prop_map(|id| (true, json!({"id": id}))),
            any_json().prop_filter("not a good entry", |v| {
                // (serde reads a struct from a list too: `["x"]` is an entry)
                !v.is_array() && v.get("id").and_then(Value::as_str).is_none_or(|s| s.trim().is_empty())
                    && v.get("id").is_none_or(|id| !(id.is_number() || id.is_boolean()))
            }).prop_map(|v| (false, v)),
        ], 0..10),
    ) {
        let expected: Vec<String> = entries
            .iter()
            .filter(|(good, _)| *good)
            .filter_map(|(_, v)| v["id"].as_str().map(str::to_owned))
            .collect();
        let list = Value::Array(entries.into_iter().map(|(_, v)| v).collect());
        let got: Vec<String> = sample(json!({"list": list})).list.into_iter().map(|e| e.id).collect();
        prop_assert_eq!(got, expected);
    }
}

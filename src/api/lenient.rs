//! Tolerant field decoding (spec §8 "fields that are `null`, missing, or of a neighbouring
//! type"), as small serde helpers for `#[serde(deserialize_with = "lenient::…")]`.
//!
//! Owns: what a field that is not what the documentation promises turns into. A bad
//! *field* degrades to unknown (`None`, empty, `false`) and never fails its object; a bad
//! *entry* of a list (`vec`) is skipped, counted and logged, and never hides the others.
//! Neighbouring types are read for what they say: `"12"`, `12.0` and `12` are all the
//! count 12; `12.7` is 12 (truncated toward zero, as a timestamp `1706345678.25` is the
//! second 1706345678); a number where a string was expected is its decimal text; an
//! object or an array where a scalar was expected is unknown. Does not own: which fields
//! are lenient or required (`wire`, `events`).
//!
//! Hand-written rather than `serde_with` (`DefaultOnError`, `VecSkipError`): those turn a
//! mistyped value into the default, whereas a count sent as `"12"` must still read as 12;
//! and a dozen small functions cost less to build than another proc-macro crate.

use std::any::type_name;
use std::fmt;

use serde::de::{self, DeserializeOwned, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;

/// What a scalar field can use of any JSON value; everything else is `Unknown`.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Str(String),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Bool(bool),
    /// `null`, an object, an array: nothing a scalar field can use.
    Unknown,
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Scalar, D::Error> {
        d.deserialize_any(ScalarVisitor)
    }
}

struct ScalarVisitor;

impl<'de> Visitor<'de> for ScalarVisitor {
    type Value = Scalar;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Scalar, E> {
        Ok(Scalar::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Scalar, E> {
        Ok(Scalar::Signed(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Scalar, E> {
        Ok(Scalar::Unsigned(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Scalar, E> {
        Ok(Scalar::Float(v))
    }
    fn visit_str<E>(self, v: &str) -> Result<Scalar, E> {
        Ok(Scalar::Str(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Scalar, E> {
        Ok(Scalar::Str(v))
    }
    fn visit_bytes<E>(self, v: &[u8]) -> Result<Scalar, E> {
        Ok(Scalar::Str(String::from_utf8_lossy(v).into_owned()))
    }
    fn visit_none<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Unknown)
    }
    fn visit_unit<E>(self) -> Result<Scalar, E> {
        Ok(Scalar::Unknown)
    }
    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        Scalar::deserialize(d)
    }
    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<Scalar, D::Error> {
        Scalar::deserialize(d)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Scalar::Unknown)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(Scalar::Unknown)
    }
}

/// The largest float that converts to `u64`/`i64` without saturating.
const U64_LIMIT: f64 = 18_446_744_073_709_551_616.0; // 2^64
const I64_LIMIT: f64 = 9_223_372_036_854_775_808.0; // 2^63

fn float_to_u64(f: f64) -> Option<u64> {
    (f.is_finite() && f > -1.0 && f < U64_LIMIT).then(|| f.trunc() as u64)
}

fn float_to_i64(f: f64) -> Option<i64> {
    (f.is_finite() && f > -I64_LIMIT - 1.0 && f < I64_LIMIT).then(|| f.trunc() as i64)
}

fn parse_float(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

impl Scalar {
    fn into_u64(self) -> Option<u64> {
        match self {
            Scalar::Unsigned(n) => Some(n),
            Scalar::Signed(n) => u64::try_from(n).ok(),
            Scalar::Float(f) => float_to_u64(f),
            Scalar::Str(s) => s
                .trim()
                .parse()
                .ok()
                .or_else(|| parse_float(&s).and_then(float_to_u64)),
            Scalar::Bool(_) | Scalar::Unknown => None,
        }
    }

    fn into_i64(self) -> Option<i64> {
        match self {
            Scalar::Unsigned(n) => i64::try_from(n).ok(),
            Scalar::Signed(n) => Some(n),
            Scalar::Float(f) => float_to_i64(f),
            Scalar::Str(s) => s
                .trim()
                .parse()
                .ok()
                .or_else(|| parse_float(&s).and_then(float_to_i64)),
            Scalar::Bool(_) | Scalar::Unknown => None,
        }
    }

    fn into_f64(self) -> Option<f64> {
        match self {
            Scalar::Unsigned(n) => Some(n as f64),
            Scalar::Signed(n) => Some(n as f64),
            Scalar::Float(f) => Some(f).filter(|f| f.is_finite()),
            Scalar::Str(s) => parse_float(&s),
            Scalar::Bool(_) | Scalar::Unknown => None,
        }
    }

    fn into_bool(self) -> Option<bool> {
        match self {
            Scalar::Bool(b) => Some(b),
            Scalar::Unsigned(n) => matches!(n, 0 | 1).then_some(n == 1),
            Scalar::Signed(n) => matches!(n, 0 | 1).then_some(n == 1),
            Scalar::Str(s) => match s.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Some(true),
                "false" | "0" | "no" => Some(false),
                _ => None,
            },
            Scalar::Float(_) | Scalar::Unknown => None,
        }
    }

    fn into_string(self) -> Option<String> {
        match self {
            Scalar::Str(s) => Some(s),
            Scalar::Unsigned(n) => Some(n.to_string()),
            Scalar::Signed(n) => Some(n.to_string()),
            Scalar::Float(f) => Some(f.to_string()),
            Scalar::Bool(b) => Some(b.to_string()),
            Scalar::Unknown => None,
        }
    }
}

/// A count: `12`, `12.0`, `"12"`; anything else is unknown.
pub fn opt_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(Scalar::deserialize(d)?.into_u64())
}

/// A signed integer (a timestamp): `1706140800`, `1706140800.25`, `"1706140800"`.
pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
    Ok(Scalar::deserialize(d)?.into_i64())
}

/// A finite number: `2`, `2.5`, `"2.5"`; `NaN`, infinities and the rest are unknown.
pub fn opt_f64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    Ok(Scalar::deserialize(d)?.into_f64())
}

/// A yes/no: `true`, `"true"`, `1`, `"yes"`; anything else is unknown.
pub fn opt_bool<'de, D: Deserializer<'de>>(d: D) -> Result<Option<bool>, D::Error> {
    Ok(Scalar::deserialize(d)?.into_bool())
}

/// A yes/no where unknown means no.
pub fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    Ok(opt_bool(d)?.unwrap_or(false))
}

/// Text: a string, or a number's or boolean's text; `null`, objects and arrays are unknown.
pub fn opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(Scalar::deserialize(d)?.into_string())
}

/// Text where unknown is empty.
pub fn string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(opt_string(d)?.unwrap_or_default())
}

/// Text the entry cannot do without (an id): unknown or blank fails the entry, so a list
/// read with `vec` skips it.
pub fn required_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    opt_string(d)?
        .filter(|s| !s.trim().is_empty())
        .ok_or_else(|| de::Error::custom("a required text field is null, blank or not text"))
}

/// Any value of type `T`, or `None` when it does not fit (`null` included).
pub fn or_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        value => serde_json::from_value(value)
            .map_err(|err| tracing::warn!(%err, field = type_name::<T>(), "ignoring a field of an unexpected shape"))
            .ok(),
    })
}

/// A value of type `T`, or its default when it does not fit.
pub fn or_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    Ok(or_none(d)?.unwrap_or_default())
}

/// A list whose unreadable entries are skipped (and counted in the log); `null`, missing
/// or not a list at all is empty.
pub fn vec<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned,
{
    Ok(entries(Value::deserialize(d)?))
}

/// The readable entries of `value` (a list), in order; see `vec`.
pub fn entries<T: DeserializeOwned>(value: Value) -> Vec<T> {
    let items = match value {
        Value::Array(items) => items,
        Value::Null => return Vec::new(),
        other => {
            tracing::warn!(
                found = kind_of(&other),
                entry = type_name::<T>(),
                "expected a list; reading none"
            );
            return Vec::new();
        }
    };
    let total = items.len();
    let kept: Vec<T> = items
        .into_iter()
        .filter_map(|item| serde_json::from_value(item).ok())
        .collect();
    if kept.len() < total {
        tracing::warn!(
            skipped = total - kept.len(),
            total,
            entry = type_name::<T>(),
            "skipped list entries that could not be read"
        );
    }
    kept
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests;

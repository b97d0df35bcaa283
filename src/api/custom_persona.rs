//! Custom personas (spec §2): the bodies of `POST /personas` and `PATCH /personas/{id}`
//! and what the server replies.
//!
//! The spec names the fields (`pipeline_type`, `name`, `description`, `type`, optional
//! profile fields) and the price (`credits_charged: 300`) but not the reply's exact
//! shape. Assumed, following the list's conventions: the reply is the persona object of
//! `GET /personas` (`is_custom: true`) with `credits_charged` beside its fields, and
//! `PATCH` takes any subset of the same fields and replies with the persona. Owns: these
//! types and reading a profile file's extra fields. Does not own: sending (`client`) or
//! asking the user first (the app and the CLI do, before anything is sent).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::lenient;
use super::wire::Persona;

/// What creating a persona costs (spec §2).
pub const CREATE_COST: f64 = 300.0;

/// The body of `POST /personas`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewPersona {
    /// `north_star` unless a profile file asks for `intermediate` or `advanced`.
    pub pipeline_type: String,
    pub name: String,
    pub description: String,
    /// `B2B` or `B2C`; left out when not chosen.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// Profile fields from a file, sent unchanged at the top level.
    #[serde(flatten)]
    pub profile: Map<String, Value>,
}

impl NewPersona {
    /// A `north_star` persona; a profile's own `pipeline_type` (and `type`) win.
    pub fn new(
        name: &str,
        description: &str,
        kind: Option<&str>,
        mut profile: Map<String, Value>,
    ) -> NewPersona {
        let pipeline_type = match profile.remove("pipeline_type") {
            Some(Value::String(p)) => p,
            _ => "north_star".into(),
        };
        let from_file = match profile.remove("type") {
            Some(Value::String(t)) => Some(t),
            _ => None,
        };
        NewPersona {
            pipeline_type,
            name: name.trim().to_owned(),
            description: description.trim().to_owned(),
            kind: kind.map(str::to_owned).or(from_file),
            profile,
        }
    }

    /// What is missing or wrong, for the user, before anything is sent.
    pub fn check(&self) -> Result<(), String> {
        if self.name.is_empty() {
            return Err("a persona needs a name".into());
        }
        if self.description.is_empty() {
            return Err("a persona needs a description".into());
        }
        if let Some(k) = &self.kind {
            if k != "B2B" && k != "B2C" {
                return Err(format!("the type is B2B or B2C, not {k}"));
            }
        }
        if !["north_star", "intermediate", "advanced"].contains(&self.pipeline_type.as_str()) {
            return Err(format!(
                "pipeline_type is north_star, intermediate or advanced, not {}",
                self.pipeline_type
            ));
        }
        Ok(())
    }
}

/// `B2B` / `B2C` from what a user typed (any case); `None` for blank.
pub fn parse_kind(text: &str) -> Result<Option<String>, String> {
    match text.trim().to_ascii_uppercase().as_str() {
        "" => Ok(None),
        k @ ("B2B" | "B2C") => Ok(Some(k.to_owned())),
        other => Err(format!("the type is B2B or B2C, not {other}")),
    }
}

/// The extra profile fields of a TOML or JSON file (by extension; `.json` is JSON,
/// anything else TOML): a table of fields sent as they are.
pub fn read_profile(path: &std::path::Path) -> Result<Map<String, Value>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    parse_profile(
        &text,
        path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")),
    )
    .map_err(|e| format!("{}: {e}", path.display()))
}

/// See [`read_profile`].
pub fn parse_profile(text: &str, json: bool) -> Result<Map<String, Value>, String> {
    let value: Value = if json {
        serde_json::from_str(text).map_err(|e| format!("not valid JSON ({e})"))?
    } else {
        let table: toml::Table = text.parse().map_err(|e| format!("not valid TOML ({e})"))?;
        serde_json::to_value(table).map_err(|e| format!("cannot be sent ({e})"))?
    };
    match value {
        Value::Object(map) => Ok(map),
        _ => Err("the profile must be a table of fields".into()),
    }
}

/// The reply to `POST /personas` or `PATCH /personas/{id}`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct SavedPersona {
    #[serde(flatten)]
    pub persona: Persona,
    /// What creating it cost; `None` when the server does not say.
    #[serde(default, deserialize_with = "lenient::opt_f64")]
    pub credits_charged: Option<f64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_body_is_north_star_with_the_profile_fields_at_the_top() {
        let profile =
            parse_profile("age_range = \"30-45\"\n[goals]\nmain = \"save\"\n", false).expect("toml");
        let body = NewPersona::new(" Eco Parent ", "Parents who buy green", Some("B2C"), profile);
        assert_eq!(
            serde_json::to_value(&body).expect("json"),
            json!({"pipeline_type": "north_star", "name": "Eco Parent", "description": "Parents who buy green",
                   "type": "B2C", "age_range": "30-45", "goals": {"main": "save"}})
        );
        assert!(body.check().is_ok());
    }

    #[test]
    fn a_profile_may_choose_the_pipeline_and_bad_input_is_refused() {
        let profile = parse_profile(r#"{"pipeline_type": "advanced", "type": "B2B"}"#, true).expect("json");
        let body = NewPersona::new("n", "d", None, profile);
        assert_eq!(
            (body.pipeline_type.as_str(), body.kind.as_deref()),
            ("advanced", Some("B2B"))
        );
        assert!(NewPersona::new("", "d", None, Map::new()).check().is_err());
        assert!(parse_kind("b2x").is_err());
        assert_eq!(parse_kind(" b2b ").expect("ok").as_deref(), Some("B2B"));
        assert!(parse_profile("[1, 2]", true).is_err());
    }
}

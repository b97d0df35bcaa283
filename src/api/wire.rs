//! Wire types of the Mavera Responses API (spec `mavera-api.md` §2–§6), shared by the
//! client (`api`) and the simulator (`sim`).
//!
//! Owns: the JSON shapes and how tolerant their decoding is. Every field a compatible
//! server may leave out has a default; unknown fields are ignored on the way in and kept
//! (`extra`) where the client passes them through. Does not own: HTTP, streaming framing
//! (see `sse`) or the meaning of stream events (see `events`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// One audience perspective, as `GET /personas` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Persona {
    pub id: String,
    #[serde(default)]
    pub name: String,
    /// An open string: group by it, never match on a fixed list.
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub is_custom: bool,
    #[serde(default)]
    pub is_expert: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
}

/// One page of `GET /personas`. The pagination envelope is undocumented: every plausible
/// cursor field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonaPage {
    #[serde(default)]
    pub data: Vec<Persona>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_more: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_id: Option<String>,
}

/// Who said a turn of the conversation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    User,
    Assistant,
    System,
}

/// One turn of a multi-turn `input` array.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputItem {
    pub role: Role,
    pub content: InputContent,
}

/// Message content: plain text, or content parts (`input_text`, `input_image`, ...).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum InputContent {
    Text(String),
    Parts(Vec<Value>),
}

impl InputContent {
    /// The text of the content: the string itself, or every `text` part joined.
    pub fn text(&self) -> String {
        match self {
            InputContent::Text(t) => t.clone(),
            InputContent::Parts(parts) => parts
                .iter()
                .filter_map(|p| p.get("text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// `input`: a single prompt, or the whole history for multi-turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Input {
    Text(String),
    Items(Vec<InputItem>),
}

impl Input {
    /// Total characters of text the input carries (the server limits this).
    pub fn char_count(&self) -> usize {
        match self {
            Input::Text(t) => t.chars().count(),
            Input::Items(items) => items.iter().map(|i| i.content.text().chars().count()).sum(),
        }
    }

    /// The most recent user text: what the answer responds to.
    pub fn last_user_text(&self) -> String {
        match self {
            Input::Text(t) => t.clone(),
            Input::Items(items) => items
                .iter()
                .rev()
                .find(|i| i.role == Role::User)
                .map(|i| i.content.text())
                .unwrap_or_default(),
        }
    }
}

/// The most characters of input the server accepts: the client refuses longer prompts
/// before any request, and the simulator refuses them as the server does.
pub const MAX_INPUT_CHARS: usize = 100_000;

/// Body of `POST /responses`. Vendor fields from configuration ride in `extra`, flattened
/// to the top level unchanged.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseRequest {
    pub model: String,
    pub input: Input,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub persona_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instructions: Option<String>,
    #[serde(default)]
    pub stream: bool,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// Token and credit accounting of one response. `credits_used` is Mavera's own field and
/// is often missing on other servers: `None` means unknown, never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub input_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_tokens: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credits_used: Option<f64>,
}

/// One part of a message's content in `output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentPart {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One item of `output`: a message, a function call, reasoning, or a type not known yet
/// (kept, never an error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputItem {
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(
        default,
        deserialize_with = "null_as_empty",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub content: Vec<ContentPart>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl OutputItem {
    /// The item's `output_text`, joined across parts.
    pub fn text(&self) -> String {
        self.content
            .iter()
            .filter(|p| p.kind == "output_text" || p.kind == "text")
            .filter_map(|p| p.text.as_deref())
            .collect()
    }

    /// The reasons given by the item's `refusal` parts.
    pub fn refusals(&self) -> Vec<String> {
        self.content
            .iter()
            .filter(|p| p.kind == "refusal")
            .map(|p| {
                p.extra
                    .get("refusal")
                    .and_then(Value::as_str)
                    .or(p.text.as_deref())
                    .unwrap_or_default()
                    .to_owned()
            })
            .collect()
    }

    /// A top-level string field outside the typed ones (`call_id`, `name`, ...); empty
    /// when absent or not a string.
    pub fn extra_str(&self, key: &str) -> String {
        self.extra
            .get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned()
    }
}

/// `{message, type, code, param}`: the body inside `{"error": ...}`, in an `error` stream
/// event, or in `response.error`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    #[serde(default)]
    pub message: String,
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub param: Option<String>,
}

/// The body of every non-2xx reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// Why a response stopped early (`response.incomplete`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IncompleteDetails {
    #[serde(default)]
    pub reason: String,
}

/// The response object: the non-streaming reply, and the payload of the terminal events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseObject {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<i64>,
    /// `null` and absent both mean "no items": some servers send either.
    #[serde(default, deserialize_with = "null_as_empty")]
    pub output: Vec<OutputItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ErrorBody>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub incomplete_details: Option<IncompleteDetails>,
    /// `analysis_mode` results: rendered as whatever keys arrive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub analysis: Option<Value>,
}

impl ResponseObject {
    /// All message text of `output`, in order.
    pub fn output_text(&self) -> String {
        self.output
            .iter()
            .filter(|i| i.kind == "message")
            .map(OutputItem::text)
            .collect()
    }
}

/// `GET /usage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageReport {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_period: Option<BillingPeriod>,
    #[serde(default)]
    pub credits: CreditBalance,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_limit: Option<RateLimitInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BillingPeriod {
    #[serde(default)]
    pub start: String,
    #[serde(default)]
    pub end: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreditBalance {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub included: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remaining: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub percentage_used: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requests_per_minute: Option<u64>,
}

fn null_as_empty<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Ok(Option::<Vec<T>>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completed_with_null_output_and_no_credits_decodes() {
        let r: ResponseObject = serde_json::from_str(
            r#"{"id":"r","status":"completed","output":null,"usage":{"input_tokens":3}}"#,
        )
        .expect("decodes");
        assert!(r.output.is_empty());
        assert_eq!(r.usage.and_then(|u| u.credits_used), None);
    }

    #[test]
    fn persona_with_missing_fields_decodes() {
        let p: Persona = serde_json::from_str(r#"{"id":"c1","extra":1}"#).expect("decodes");
        assert_eq!(p.name, "");
        assert_eq!(p.category, "");
    }

    #[test]
    fn request_flattens_extra_fields() {
        let mut extra = Map::new();
        extra.insert("analysis_mode".into(), Value::Bool(true));
        let req = ResponseRequest {
            model: "mavera-1".into(),
            input: Input::Text("hi".into()),
            persona_id: Some("c1".into()),
            instructions: None,
            stream: true,
            extra,
        };
        let v = serde_json::to_value(&req).expect("serialises");
        assert_eq!(
            v,
            serde_json::json!({"model":"mavera-1","input":"hi","persona_id":"c1","stream":true,"analysis_mode":true})
        );
    }
}

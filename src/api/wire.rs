//! Wire types of the Mavera Responses API (spec `mavera-api.md` §2–§6), shared by the
//! client (`api`) and the simulator (`sim`).
//!
//! Owns: the JSON shapes and how tolerant their decoding is (spec §8). Every field of
//! what the server sends (personas, responses, output items, content parts, usage,
//! errors) is read through `lenient`: `null`, missing or a neighbouring type (`"12"`,
//! `12.0`) degrades that one field to unknown; an unreadable entry of a list (a persona
//! without an id, an output item that is not an object) is skipped and counted in the
//! log, never failing the reply. Unknown fields are ignored on the way in and kept
//! (`extra`) where the client passes them through or shows them. What the client sends
//! (`ResponseRequest`) stays strict. Does not own: HTTP, streaming framing (see `sse`) or
//! the meaning of stream events (see `events`).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use super::lenient;

mod usage;
pub use usage::{BillingPeriod, CreditBalance, RateLimitInfo, UsageReport};

/// One audience perspective, as `GET /personas` lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Persona {
    /// Required: a persona without a usable id cannot be asked, so a list skips it.
    #[serde(deserialize_with = "lenient::required_string")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub name: String,
    /// An open string: group by it, never match on a fixed list. Empty when unknown.
    #[serde(default, deserialize_with = "lenient::string")]
    pub category: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub description: String,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub is_custom: bool,
    #[serde(default, deserialize_with = "lenient::flag")]
    pub is_expert: bool,
    /// Unix seconds; a float or a string of them is read too.
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<i64>,
}

/// One page of `GET /personas`. The pagination envelope is undocumented: every plausible
/// cursor field is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PersonaPage {
    /// The readable personas: one that cannot be read is skipped, not the page.
    #[serde(default, deserialize_with = "lenient::vec")]
    pub data: Vec<Persona>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub has_more: Option<bool>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub next_cursor: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
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
    /// Items of any type, as a tool round trip needs them (`function_call`,
    /// `function_call_output` beside role messages).
    Raw(Vec<Value>),
}

impl Input {
    /// Total characters of text the input carries (the server limits this).
    pub fn char_count(&self) -> usize {
        match self {
            Input::Text(t) => t.chars().count(),
            Input::Items(items) => items.iter().map(|i| i.content.text().chars().count()).sum(),
            Input::Raw(items) => items.iter().map(raw_text).map(|t| t.chars().count()).sum(),
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
            Input::Raw(items) => items
                .iter()
                .rev()
                .find(|i| i.get("role").and_then(Value::as_str) == Some("user"))
                .map(raw_text)
                .unwrap_or_default(),
        }
    }
}

/// The text a raw input item carries: a message's content, or a tool output.
fn raw_text(item: &Value) -> String {
    match item.get("content").or_else(|| item.get("output")) {
        Some(Value::String(s)) => s.clone(),
        Some(other) => serde_json::from_value::<InputContent>(other.clone())
            .map(|c| c.text())
            .unwrap_or_default(),
        None => String::new(),
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
    /// Structured output: `{"format": {"type": "json_schema", ...}}` (`structured`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<Value>,
    /// Function tools the model may call (`structured::Tool::wire`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Value>,
}

/// Token and credit accounting of one response. `credits_used` is Mavera's own field and
/// is often missing on other servers: `None` means unknown, never zero.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Usage {
    #[serde(
        default,
        deserialize_with = "lenient::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub input_tokens: Option<u64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub output_tokens: Option<u64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_tokens: Option<u64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub credits_used: Option<f64>,
}

/// One part of a message's content in `output`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ContentPart {
    #[serde(rename = "type", default, deserialize_with = "lenient::string")]
    pub kind: String,
    /// A string, or the `{"value": ...}` object some servers send; else unknown.
    #[serde(
        default,
        deserialize_with = "text_value",
        skip_serializing_if = "Option::is_none"
    )]
    pub text: Option<String>,
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ContentPart {
    /// Whether this part is answer text (`output_text`, or `text` on some servers).
    pub fn is_text(&self) -> bool {
        self.kind == "output_text" || self.kind == "text"
    }

    /// The reason of a `refusal` part (its `refusal` field, else its `text`).
    pub fn refusal(&self) -> Option<String> {
        (self.kind == "refusal").then(|| {
            self.extra
                .get("refusal")
                .and_then(Value::as_str)
                .or(self.text.as_deref())
                .unwrap_or_default()
                .to_owned()
        })
    }
}

/// One item of `output`: a message, a function call, reasoning, or a type not known yet
/// (kept, never an error).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutputItem {
    #[serde(rename = "type", default, deserialize_with = "lenient::string")]
    pub kind: String,
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub id: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub role: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub status: Option<String>,
    /// The readable parts (a part that is not an object is skipped); a plain string is
    /// one `output_text` part, a lone object one part.
    #[serde(
        default,
        deserialize_with = "content_parts",
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
            .filter(|p| p.is_text())
            .filter_map(|p| p.text.as_deref())
            .collect()
    }

    /// The reasons given by the item's `refusal` parts.
    pub fn refusals(&self) -> Vec<String> {
        self.content.iter().filter_map(ContentPart::refusal).collect()
    }

    /// Parts of kinds this client does not know (citations, audio, ...): kept to show.
    pub fn unknown_parts(&self) -> impl Iterator<Item = &ContentPart> {
        self.content
            .iter()
            .filter(|p| !p.is_text() && p.refusal().is_none())
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
    #[serde(default, deserialize_with = "lenient::string")]
    pub message: String,
    #[serde(
        rename = "type",
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub kind: Option<String>,
    /// A number (`500`) is read as its text.
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub code: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
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
    #[serde(default, deserialize_with = "lenient::string")]
    pub reason: String,
}

/// The response object: the non-streaming reply, and the payload of the terminal events.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ResponseObject {
    #[serde(default, deserialize_with = "lenient::string")]
    pub id: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub status: String,
    #[serde(
        default,
        deserialize_with = "lenient::opt_string",
        skip_serializing_if = "Option::is_none"
    )]
    pub model: Option<String>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_i64",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<i64>,
    /// `null` and absent both mean "no items": some servers send either. An item that
    /// cannot be read is skipped; the others stay.
    #[serde(default, deserialize_with = "lenient::vec")]
    pub output: Vec<OutputItem>,
    #[serde(
        default,
        deserialize_with = "lenient::or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub usage: Option<Usage>,
    /// The documented object, or a bare message string.
    #[serde(
        default,
        deserialize_with = "error_body",
        skip_serializing_if = "Option::is_none"
    )]
    pub error: Option<ErrorBody>,
    #[serde(
        default,
        deserialize_with = "lenient::or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub incomplete_details: Option<IncompleteDetails>,
    /// `analysis_mode` results: rendered as whatever keys arrive (`null` is none).
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

/// A content part's text: a string (or a number's text), or `{"value": "..."}`.
fn text_value<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Object(mut o) => match o.remove("value") {
            Some(Value::String(s)) => Some(s),
            _ => None,
        },
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A message's content: a list of parts (unreadable ones skipped), a plain string (one
/// `output_text` part), a lone part object, or nothing.
fn content_parts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ContentPart>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(text) => vec![ContentPart {
            kind: "output_text".into(),
            text: Some(text),
            extra: Map::new(),
        }],
        object @ Value::Object(_) => lenient::entries(Value::Array(vec![object])),
        other => lenient::entries(other),
    })
}

/// A response's error: the documented object, or a bare string taken as its message.
fn error_body<'de, D: Deserializer<'de>>(d: D) -> Result<Option<ErrorBody>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(message) => Some(ErrorBody {
            message,
            ..ErrorBody::default()
        }),
        Value::Null => None,
        other => lenient::entries(Value::Array(vec![other])).pop(),
    })
}

#[cfg(test)]
mod tests;

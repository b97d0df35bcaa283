//! Structured answers and tool calls in the app: which schema shapes the next answers,
//! which tools are offered, and what a thread holds of a tool round trip.
//!
//! Owns: the schemas the app knows (the config's `[schemas]`, then files loaded through
//! the path prompt) and the one in use; the tools of the config; the path prompt's state;
//! which answers were asked with which schema; the table toggle; and the pure queries on
//! a thread: the call waiting for a result (`pending_call`), the `input` of a thread that
//! holds tool items (`input`), and the local check of a structured answer, kept on the
//! message as a part (`SCHEMA_CHECK`). Does not own: the wire shapes
//! (`api::structured`), the reducer's transitions (`update::structure`) or drawing.

use std::collections::HashMap;

use serde_json::{json, Value};

use super::thread::{Author, Message, MessageStatus, Thread};
use crate::api::structured::{Checked, NamedSchema, Tool};
use crate::api::wire::Input;
use crate::api::AnswerPart;

/// The `kind` of the `AnswerPart::Other` that records the local check of a structured
/// answer: `{"schema": name, "valid": bool, "violation": "at /x: ..." | null}`. Kept as
/// a part so the history and exports keep it with the answer.
pub const SCHEMA_CHECK: &str = "schema_check";

/// The `kind` of the `AnswerPart::Other` on a user message that is a tool's result: its
/// item is the `function_call_output` input item, plus the tool's `name` for display.
pub const TOOL_OUTPUT: &str = "function_call_output";

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Structure {
    pub schemas: Vec<NamedSchema>,
    /// Index into `schemas` of the schema sent with the next answers.
    pub active: Option<usize>,
    pub tools: Vec<Tool>,
    /// While the path prompt is open: the composer's text before it, given back after.
    pub asking_path: Option<String>,
    /// Answers asked with a schema (message id → index into `schemas`): checked when
    /// they end.
    pub shaped: HashMap<u64, usize>,
    /// Side by side with a schema: show the table of fields instead of the columns.
    pub table: bool,
}

impl Structure {
    pub fn new(schemas: Vec<NamedSchema>, tools: Vec<Tool>) -> Structure {
        Structure {
            schemas,
            tools,
            ..Structure::default()
        }
    }

    /// The schema in use.
    pub fn schema(&self) -> Option<&NamedSchema> {
        self.active.and_then(|i| self.schemas.get(i))
    }
}

/// A function call the model made and nobody answered yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingCall {
    pub call_id: String,
    pub name: String,
}

/// The call the thread's last answer ended with, when it ended whole and no result was
/// given yet (the last call, when it made several).
pub fn pending_call(thread: &Thread) -> Option<PendingCall> {
    let last = thread.messages.last()?;
    if last.author != Author::Assistant || last.status != MessageStatus::Done {
        return None;
    }
    last.parts.iter().rev().find_map(|p| match p {
        AnswerPart::FunctionCall { call_id, name, .. } => Some(PendingCall {
            call_id: call_id.clone(),
            name: name.clone(),
        }),
        _ => None,
    })
}

/// The user message that hands a tool's result back.
pub fn tool_output(id: u64, call: &PendingCall, output: String) -> Message {
    let item = json!({"type": TOOL_OUTPUT, "call_id": call.call_id, "output": output, "name": call.name});
    let mut m = Message::user(id, output);
    m.parts.push(AnswerPart::Other {
        kind: TOOL_OUTPUT.to_owned(),
        item,
    });
    m
}

/// A message's tool result, if it is one: `(call_id, name)`.
pub fn output_of(m: &Message) -> Option<(&str, &str)> {
    m.parts.iter().find_map(|p| match p {
        AnswerPart::Other { kind, item } if kind == TOOL_OUTPUT => Some((
            item.get("call_id").and_then(Value::as_str).unwrap_or_default(),
            item.get("name").and_then(Value::as_str).unwrap_or_default(),
        )),
        _ => None,
    })
}

/// The input for the next answer. A thread with a tool round trip in it is sent as raw
/// items — each answered call as a `function_call` item after its answer's text, each
/// result as a `function_call_output` item — since role messages cannot carry them; any
/// other thread as `Thread::input` has it.
pub fn input(thread: &Thread) -> Input {
    let answered: Vec<&str> = thread
        .messages
        .iter()
        .filter_map(output_of)
        .map(|(id, _)| id)
        .collect();
    if answered.is_empty() {
        return thread.input();
    }
    let mut items = Vec::new();
    for m in &thread.messages {
        if let Some((call_id, _)) = output_of(m) {
            items.push(json!({"type": TOOL_OUTPUT, "call_id": call_id, "output": m.text}));
            continue;
        }
        match m.author {
            Author::User => items.push(json!({"role": "user", "content": m.text})),
            Author::Assistant => {
                if !m.text.trim().is_empty() {
                    items.push(json!({"role": "assistant", "content": m.text}));
                }
                for p in &m.parts {
                    if let AnswerPart::FunctionCall {
                        call_id,
                        name,
                        arguments,
                    } = p
                    {
                        if answered.contains(&call_id.as_str()) {
                            items.push(json!({"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}));
                        }
                    }
                }
            }
        }
    }
    Input::Raw(items)
}

/// The check of a finished structured answer, as the part kept on it.
pub fn check_part(text: &str, schema: &NamedSchema) -> AnswerPart {
    let checked = Checked::of(text, &schema.schema);
    let violation = match &checked {
        Checked::Valid(_) => None,
        Checked::Invalid(_, v) => Some(v.to_string()),
        Checked::NotJson(e) => Some(format!("not JSON: {e}")),
    };
    AnswerPart::Other {
        kind: SCHEMA_CHECK.to_owned(),
        item: json!({
            "schema": schema.name,
            "valid": matches!(checked, Checked::Valid(_)),
            "violation": violation,
        }),
    }
}

/// A message's schema check, if it has one: `(schema name, violation)` (`None` = valid).
pub fn check_of(m: &Message) -> Option<(&str, Option<&str>)> {
    m.parts.iter().find_map(|p| match p {
        AnswerPart::Other { kind, item } if kind == SCHEMA_CHECK => Some((
            item.get("schema").and_then(Value::as_str).unwrap_or_default(),
            item.get("violation").and_then(Value::as_str),
        )),
        _ => None,
    })
}

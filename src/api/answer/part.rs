//! The structured parts of an answer, and how a consumer keeps a call that streams.
//!
//! Owns: `AnswerPart` (what an answer holds besides its text), the compact summary of a
//! part of a kind this client does not know, and the one rule for folding a streaming
//! call into an answer's parts (`stream_call`, `settle_call`) so that every consumer
//! keeps it alike. Does not own: assembling (`answer`), sanitising or drawing.

use serde_json::Value;

/// Structured content of an answer.
#[derive(Debug, Clone, PartialEq)]
pub enum AnswerPart {
    /// `analysis_mode` results, as the server sent them (partly documented: any keys).
    Analysis(Value),
    /// The model declined; the text says why (raw: the consumer sanitises).
    Refusal(String),
    /// A function tool call with its (JSON-encoded) arguments.
    FunctionCall {
        call_id: String,
        name: String,
        arguments: String,
    },
    /// A function call whose arguments are still arriving (raw, possibly partial JSON):
    /// what a consumer keeps of `AnswerEvent::CallArguments` (`stream_call`) until the
    /// call's `FunctionCall` takes its place (`settle_call`). Never handed out by the
    /// assembler. `slot` numbers the answer's calls in the order they began.
    CallStreaming {
        slot: usize,
        call_id: String,
        name: String,
        arguments: String,
    },
    /// An output item, or a content part of a message, of a kind this client does not
    /// show yet (`web_search_call`, a citation part, ...): kept, never dropped. `item` is
    /// the whole item or part as the server sent it (raw).
    Other { kind: String, item: Value },
    /// The server's final text differs from the text handed out (it is not an extension
    /// of it): this is the whole answer text to show instead (raw). Handed out at most
    /// once, just before the ending (spec §8: trust the final text).
    Corrected(String),
}

impl AnswerPart {
    /// What a call that never finished is kept as: a part of kind `function_call`,
    /// status `incomplete`, with what streamed of it (nobody can answer it).
    pub fn unfinished(call_id: &str, name: &str, arguments: &str) -> AnswerPart {
        AnswerPart::Other {
            kind: "function_call".into(),
            item: serde_json::json!({
                "call_id": call_id,
                "name": name,
                "arguments": arguments,
                "status": "incomplete",
            }),
        }
    }

    /// A compact one-line JSON summary of an unknown item or part, without its `type`
    /// (the consumer shows that as a label), at most `max_chars` characters (`…` when
    /// cut). Raw: the consumer sanitises.
    pub fn summary(item: &Value, max_chars: usize) -> String {
        let rest = match item {
            Value::Object(map) => {
                let mut map = map.clone();
                map.remove("type");
                Value::Object(map)
            }
            other => other.clone(),
        };
        let text = match &rest {
            Value::Object(map) if map.is_empty() => String::new(),
            Value::Null => String::new(),
            other => other.to_string(),
        };
        if text.chars().count() <= max_chars {
            return text;
        }
        let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}

/// Folds a piece of a streaming call's arguments into `parts`: appended to that call's
/// card, or a new card at the end (`call_id` and `name`, when given, are kept).
pub fn stream_call(parts: &mut Vec<AnswerPart>, slot: usize, call_id: &str, name: &str, delta: &str) {
    let found = parts.iter_mut().find_map(|p| match p {
        AnswerPart::CallStreaming {
            slot: s,
            call_id,
            name,
            arguments,
        } if *s == slot => Some((call_id, name, arguments)),
        _ => None,
    });
    match found {
        Some((id, n, arguments)) => {
            if !call_id.is_empty() {
                call_id.clone_into(id);
            }
            if !name.is_empty() {
                name.clone_into(n);
            }
            arguments.push_str(delta);
        }
        None => parts.push(AnswerPart::CallStreaming {
            slot,
            call_id: call_id.to_owned(),
            name: name.to_owned(),
            arguments: delta.to_owned(),
        }),
    }
}

/// Adds a handed-out part to `parts`. A finished call takes the place of its streaming
/// card (the one with its call id, else the first still streaming: calls end in the
/// order they began); anything else goes at the end.
pub fn settle_call(parts: &mut Vec<AnswerPart>, part: AnswerPart) {
    let streaming = |p: &AnswerPart| matches!(p, AnswerPart::CallStreaming { .. });
    let at = match &part {
        AnswerPart::FunctionCall { call_id, .. } => parts
            .iter()
            .position(|p| matches!(p, AnswerPart::CallStreaming { call_id: c, .. } if !c.is_empty() && c == call_id))
            .or_else(|| parts.iter().position(streaming)),
        _ => None,
    };
    match at.and_then(|i| parts.get_mut(i)) {
        Some(slot) => *slot = part,
        None => parts.push(part),
    }
}

/// Drops the cards of calls that never finished (the answer ended): the assembler
/// handed out what they were as parts of their own.
pub fn drop_streaming(parts: &mut Vec<AnswerPart>) {
    parts.retain(|p| !matches!(p, AnswerPart::CallStreaming { .. }));
}

//! The app's messages as the history keeps them, and stored conversations as threads to
//! reopen.
//!
//! Owns: the one mapping between a message (author, status, parts) and a stored record:
//! an answer still arriving is `streaming` (a checkpoint), a finished one that the model
//! declined is `refused`, and so on; and back, with stored text sanitised like any text
//! from outside (the file is the user's, and may have been edited), and a status a newer
//! version wrote read as complete. Does not own: when records are made
//! (`update::autosave`) or the database (`crate::history`).

use serde_json::{json, Value};

use super::event::RestoredThread;
use super::thread::{Author, Message, MessageStatus, Thread};
use crate::api::AnswerPart;
use crate::history::{Conversation, MessageRecord, Role, Status, StoredMessage};
use crate::sanitize::{clean, clean_line};

/// What an interrupted answer reopened from the history advises.
const RETRY_ADVICE: &str = "the text so far is kept; Ctrl+R retries";

/// A message as the store keeps it.
pub fn record(m: &Message) -> MessageRecord {
    let (status, error) = match &m.status {
        MessageStatus::Done if m.parts.iter().any(|p| matches!(p, AnswerPart::Refusal(_))) => {
            (Status::Refused, None)
        }
        MessageStatus::Done => (Status::Complete, None),
        MessageStatus::Waiting | MessageStatus::Retrying { .. } | MessageStatus::Streaming => {
            (Status::Streaming, None)
        }
        MessageStatus::Stopped => (Status::Stopped, None),
        MessageStatus::Interrupted { error, .. } => (Status::Interrupted, Some(error.clone())),
        MessageStatus::Failed { error, .. } => (Status::Failed, Some(error.clone())),
        MessageStatus::Incomplete { reason } => (Status::Incomplete, Some(reason.clone())),
    };
    MessageRecord {
        role: match m.author {
            Author::User => Role::User,
            Author::Assistant => Role::Assistant,
        },
        text: m.text.clone(),
        status,
        usage: m.usage.clone(),
        response_id: m.response_id.clone(),
        parts: m.parts.iter().map(part).collect(),
        error,
    }
}

/// A stored conversation's threads, ready to reopen (message ids are the app's to give).
pub fn restored(conversation: Conversation) -> Vec<RestoredThread> {
    conversation
        .threads
        .into_iter()
        .map(|t| RestoredThread {
            persona_id: clean_line(&t.persona_id),
            stored: Some(t.id),
            thread: Thread {
                messages: t.messages.into_iter().map(message).collect(),
                // The file is the user's and may have been edited: cleaned like any text.
                instructions: t
                    .instructions
                    .as_deref()
                    .map(clean)
                    .filter(|i| !i.trim().is_empty()),
                ..Thread::default()
            },
        })
        .collect()
}

fn message(m: StoredMessage) -> Message {
    let error = m.error.as_deref().map(clean_line).filter(|e| !e.is_empty());
    let status = match (m.role, m.status) {
        (Role::User, _) | (_, Status::Complete | Status::Refused) => MessageStatus::Done,
        (_, Status::Stopped) => MessageStatus::Stopped,
        // `streaming` is read only while another mavera-tui is writing it (it becomes
        // `interrupted` when the history is next opened): as far as it got.
        (_, Status::Interrupted | Status::Streaming) => MessageStatus::Interrupted {
            error: error.unwrap_or_else(|| "interrupted".into()),
            advice: Some(RETRY_ADVICE.into()),
        },
        (_, Status::Failed) => MessageStatus::Failed {
            error: error.unwrap_or_else(|| "failed".into()),
            advice: None,
        },
        (_, Status::Incomplete) => MessageStatus::Incomplete {
            reason: error.unwrap_or_else(|| "ended early".into()),
        },
    };
    Message {
        author: match m.role {
            Role::User => Author::User,
            Role::Assistant => Author::Assistant,
        },
        status,
        usage: m.usage,
        parts: m.parts.iter().filter_map(part_from).collect(),
        response_id: m.response_id.map(|r| clean_line(&r)),
        ..Message::user(0, clean(&m.text))
    }
}

/// A part as stored: a JSON object with a `type`.
fn part(p: &AnswerPart) -> Value {
    match p {
        AnswerPart::Analysis(value) => json!({"type": "analysis", "value": value}),
        AnswerPart::Refusal(text) => json!({"type": "refusal", "text": text}),
        AnswerPart::FunctionCall {
            call_id,
            name,
            arguments,
        } => json!({"type": "function_call", "call_id": call_id, "name": name, "arguments": arguments}),
        // Stopped while its arguments streamed: kept as the call that never finished.
        AnswerPart::CallStreaming {
            call_id,
            name,
            arguments,
            ..
        } => part(&AnswerPart::unfinished(call_id, name, arguments)),
        AnswerPart::Other { kind, item } => {
            json!({"type": "other", "kind": kind, "item": super::attach::stored_item(kind, item)})
        }
        AnswerPart::Corrected(text) => json!({"type": "corrected", "text": text}),
    }
}

/// A stored part; one that does not read is left out.
fn part_from(v: &Value) -> Option<AnswerPart> {
    let s = |key: &str| v.get(key).and_then(Value::as_str).map(str::to_owned);
    Some(match v.get("type")?.as_str()? {
        "analysis" => AnswerPart::Analysis(v.get("value")?.clone()),
        "refusal" => AnswerPart::Refusal(s("text")?),
        "function_call" => AnswerPart::FunctionCall {
            call_id: s("call_id").unwrap_or_default(),
            name: s("name").unwrap_or_default(),
            arguments: s("arguments").unwrap_or_default(),
        },
        "other" => AnswerPart::Other {
            kind: s("kind").unwrap_or_default(),
            item: v.get("item").cloned().unwrap_or(Value::Null),
        },
        "corrected" => AnswerPart::Corrected(s("text")?),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{ConversationId, StoredThread};

    #[test]
    fn every_part_and_status_survives_the_round_trip() {
        let parts = vec![
            AnswerPart::Analysis(json!({"confidence": 7})),
            AnswerPart::Refusal("no".into()),
            AnswerPart::FunctionCall {
                call_id: "c".into(),
                name: "f".into(),
                arguments: "{}".into(),
            },
            AnswerPart::Other {
                kind: "web_search_call".into(),
                item: json!({"q": 1}),
            },
            AnswerPart::Corrected("final".into()),
        ];
        let answer = Message {
            author: Author::Assistant,
            parts: parts.clone(),
            ..Message::user(1, "text".into())
        };
        let r = record(&answer);
        assert_eq!(r.status, Status::Refused);
        let back = message(StoredMessage {
            role: r.role,
            text: r.text,
            status: r.status,
            usage: None,
            response_id: None,
            parts: r.parts,
            error: None,
        });
        assert_eq!(back.parts, parts);
        assert_eq!(back.status, MessageStatus::Done);
        let streaming = Message {
            status: MessageStatus::Streaming,
            ..answer
        };
        assert_eq!(record(&streaming).status, Status::Streaming);
    }

    #[test]
    fn reopened_text_is_sanitised_and_an_interrupted_answer_offers_a_retry() {
        let conv = Conversation {
            id: ConversationId::Thread(4),
            threads: vec![StoredThread {
                id: 4,
                persona_id: "c\u{1b}[2J1".into(),
                persona_name: "CFO".into(),
                title: "q".into(),
                instructions: Some("be \u{1b}[31mbrief".into()),
                messages: vec![StoredMessage {
                    role: Role::Assistant,
                    text: "half\u{1b}]0;x\u{7} way".into(),
                    status: Status::Interrupted,
                    usage: None,
                    response_id: None,
                    parts: vec![json!("not a part"), json!({"type": "future"})],
                    error: None,
                }],
            }],
        };
        let threads = restored(conv);
        assert_eq!(threads[0].persona_id, "c1");
        assert_eq!(threads[0].stored, Some(4));
        assert_eq!(threads[0].thread.instructions.as_deref(), Some("be brief"));
        let m = &threads[0].thread.messages[0];
        assert_eq!(m.text, "half way");
        assert!(m.parts.is_empty());
        assert!(matches!(
            &m.status,
            MessageStatus::Interrupted { advice: Some(_), .. }
        ));
    }
}

//! The transcript format: conversations saved to a file (Ctrl+S in the app) and opened
//! again (`mavera-tui import FILE`), to restore or share them.
//!
//! Owns: the JSON shape (`{"format": "mavera-tui/transcript", "version": 1, "threads":
//! [...]}`), converting threads to and from it, and reading/writing files. Imported text
//! is sanitised like any remote text. Nothing secret is ever written: a transcript holds
//! personas, messages and usage only. Does not own: when to save or load.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::api::wire::Usage;
use crate::app::thread::{Author, Message, MessageStatus, Thread};
use crate::catalog::PersonaEntry;
use crate::sanitize::{clean, clean_line};

pub const FORMAT: &str = "mavera-tui/transcript";
pub const VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Transcript {
    pub format: String,
    pub version: u32,
    pub threads: Vec<SavedThread>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPersona {
    pub id: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub category: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedThread {
    pub persona: Option<SavedPersona>,
    pub messages: Vec<SavedMessage>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedMessage {
    /// `user` or `assistant`.
    pub role: String,
    pub text: String,
    /// `completed`, `stopped`, `interrupted`, `failed` or `incomplete`.
    #[serde(default = "completed")]
    pub status: String,
    #[serde(default)]
    pub usage: Option<Usage>,
}

fn completed() -> String {
    "completed".into()
}

impl Transcript {
    /// The given threads, with their personas' names for a reader of the file.
    pub fn from_threads<'a>(
        threads: impl IntoIterator<Item = (&'a str, &'a Thread)>,
        personas: &[PersonaEntry],
    ) -> Transcript {
        let threads = threads
            .into_iter()
            .filter(|(_, t)| !t.messages.is_empty())
            .map(|(key, t)| SavedThread {
                persona: (!key.is_empty()).then(|| {
                    let entry = personas.iter().find(|p| p.id == key);
                    SavedPersona {
                        id: key.to_owned(),
                        name: entry.map(|p| p.name.clone()).unwrap_or_default(),
                        category: entry.map(|p| p.category.clone()).unwrap_or_default(),
                    }
                }),
                messages: t.messages.iter().map(save_message).collect(),
            })
            .collect();
        Transcript {
            format: FORMAT.into(),
            version: VERSION,
            threads,
        }
    }

    /// The threads to install, with their personas. Message ids are left at 0: the app
    /// gives them.
    pub fn into_threads(self) -> Vec<(Option<SavedPersona>, Thread)> {
        self.threads
            .into_iter()
            .map(|t| {
                let messages = t
                    .messages
                    .into_iter()
                    .map(|m| Message {
                        author: if m.role == "user" {
                            Author::User
                        } else {
                            Author::Assistant
                        },
                        status: load_status(&m.status),
                        usage: m.usage,
                        ..Message::user(0, clean(&m.text))
                    })
                    .collect();
                let persona = t.persona.map(|p| SavedPersona {
                    id: clean_line(&p.id),
                    name: clean_line(&p.name),
                    category: clean_line(&p.category),
                });
                (
                    persona,
                    Thread {
                        messages,
                        ..Thread::default()
                    },
                )
            })
            .collect()
    }
}

impl Transcript {
    /// The threads as the app restores them (the app gives the messages their ids).
    pub fn into_restored(self) -> Vec<crate::app::RestoredThread> {
        self.into_threads()
            .into_iter()
            .map(|(persona, thread)| crate::app::RestoredThread {
                persona_id: persona.map(|p| p.id).unwrap_or_default(),
                stored: None,
                thread,
            })
            .collect()
    }
}

fn save_message(m: &Message) -> SavedMessage {
    let status = match &m.status {
        MessageStatus::Done => "completed",
        MessageStatus::Stopped => "stopped",
        MessageStatus::Incomplete { .. } => "incomplete",
        MessageStatus::Failed { .. } => "failed",
        // An answer still streaming is saved as far as it got.
        MessageStatus::Interrupted { .. }
        | MessageStatus::Waiting
        | MessageStatus::Retrying { .. }
        | MessageStatus::Streaming => "interrupted",
    };
    SavedMessage {
        role: if m.author == Author::User {
            "user"
        } else {
            "assistant"
        }
        .into(),
        text: m.text.clone(),
        status: status.into(),
        usage: m.usage.clone(),
    }
}

fn load_status(status: &str) -> MessageStatus {
    match status {
        "stopped" => MessageStatus::Stopped,
        "incomplete" => MessageStatus::Incomplete {
            reason: "saved incomplete".into(),
        },
        "failed" => MessageStatus::Failed {
            error: "failed when saved".into(),
            advice: None,
        },
        "interrupted" => MessageStatus::Interrupted {
            error: "interrupted when saved".into(),
            advice: Some("Ctrl+R regenerates".into()),
        },
        _ => MessageStatus::Done,
    }
}

/// Reads a transcript, with a clear message for anything that is not one.
pub fn load(path: &Path) -> Result<Transcript, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let t: Transcript = serde_json::from_str(&text)
        .map_err(|e| format!("{} is not a mavera-tui transcript: {e}", path.display()))?;
    if t.format != FORMAT {
        return Err(format!(
            "{} has format {:?}, expected {FORMAT:?}",
            path.display(),
            t.format
        ));
    }
    if t.version > VERSION {
        return Err(format!(
            "{} is transcript version {}; this mavera-tui reads up to {VERSION}",
            path.display(),
            t.version
        ));
    }
    Ok(t)
}

/// Writes a transcript: privately and atomically (`crate::files`).
pub fn save(path: &Path, transcript: &Transcript) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(transcript).map_err(std::io::Error::other)?;
    crate::files::write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn thread() -> Thread {
        let msg = |id, author, text: &str, status| Message {
            author,
            status,
            revision: 3,
            ..Message::user(id, text.into())
        };
        Thread {
            messages: vec![
                msg(1, Author::User, "question", MessageStatus::Done),
                msg(2, Author::Assistant, "answer", MessageStatus::Done),
                msg(3, Author::User, "more", MessageStatus::Done),
                msg(4, Author::Assistant, "half", MessageStatus::Streaming),
            ],
            ..Thread::default()
        }
    }

    #[test]
    fn a_saved_thread_opens_again_the_same() {
        let t = thread();
        let saved = Transcript::from_threads([("cfo", &t)], &[]);
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("t.json");
        save(&path, &saved).expect("save");
        let loaded = load(&path).expect("load");
        let threads = loaded.into_threads();
        let (persona, back) = &threads[0];
        assert_eq!(persona.as_ref().map(|p| p.id.as_str()), Some("cfo"));
        let texts: Vec<&str> = back.messages.iter().map(|m| m.text.as_str()).collect();
        assert_eq!(texts, ["question", "answer", "more", "half"]);
        assert!(matches!(
            back.messages[3].status,
            MessageStatus::Interrupted { .. }
        ));
    }

    #[test]
    fn not_a_transcript_is_a_clear_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("x.json");
        std::fs::write(&path, r#"{"format":"other","version":1,"threads":[]}"#).expect("write");
        assert!(load(&path)
            .unwrap_err()
            .contains("expected \"mavera-tui/transcript\""));
        std::fs::write(&path, "not json").expect("write");
        assert!(load(&path)
            .unwrap_err()
            .contains("is not a mavera-tui transcript"));
        assert!(load(&dir.path().join("missing.json"))
            .unwrap_err()
            .contains("cannot read"));
    }

    #[test]
    fn imported_text_is_sanitised() {
        let t = Transcript {
            format: FORMAT.into(),
            version: 1,
            threads: vec![SavedThread {
                persona: Some(SavedPersona {
                    id: "c\u{1b}[2J1".into(),
                    name: "N".into(),
                    category: String::new(),
                }),
                messages: vec![SavedMessage {
                    role: "assistant".into(),
                    text: "safe\u{1b}]0;x\u{7}!".into(),
                    status: "completed".into(),
                    usage: None,
                }],
            }],
        };
        let threads = t.into_threads();
        assert_eq!(threads[0].1.messages[0].text, "safe!");
        assert_eq!(threads[0].0.as_ref().map(|p| p.id.as_str()), Some("c1"));
    }
}

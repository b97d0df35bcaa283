//! Exports: a conversation (a thread, or a comparison's threads in column order) as a
//! file — lossless JSON that `mavera-tui import` opens again, or readable Markdown.
//!
//! Owns: the JSON text of an archive (`history::archive::Archive`, format
//! `mavera-tui/export`, with its version) and reading it back — refusing another format
//! or a newer version with a clear message —, turning an archive into the threads the app
//! restores (through `app::stored`, the one mapping of stored messages, so an imported
//! conversation shows exactly as the same conversation reopened from the history), the
//! archive of threads on screen (`from_threads`, for the app's export key: what the app
//! holds, without the store's row ids and times), and opening either kind of file for
//! `import` (`open`: told apart by content). Markdown is `markdown`. Does not own: reading
//! the database (`history::archive`), where files go or overwriting rules (the callers:
//! `cli::export`, the runtime), or the older transcript format (`crate::transcript`).

pub mod markdown;
pub mod save;

use std::path::Path;

use serde_json::Value;

use crate::app::thread::Thread;
use crate::app::RestoredThread;
use crate::catalog::PersonaEntry;
use crate::history::archive::{Archive, ArchiveMessage, ArchiveThread, FORMAT, VERSION};
use crate::history::{Conversation, ConversationId, Role, Status, StoredMessage, StoredThread};

pub use markdown::markdown;

/// The archive as pretty JSON (ends with a newline).
pub fn to_json(archive: &Archive) -> String {
    let mut text = serde_json::to_string_pretty(archive).unwrap_or_default();
    text.push('\n');
    text
}

/// Reads an exported archive; `name` names the file in messages.
pub fn parse(text: &str, name: &str) -> Result<Archive, String> {
    let archive: Archive =
        serde_json::from_str(text).map_err(|e| format!("{name} is not a mavera-tui export: {e}"))?;
    if archive.format != FORMAT {
        return Err(format!(
            "{name} has format {:?}, expected {FORMAT:?}",
            archive.format
        ));
    }
    if archive.version > VERSION {
        return Err(format!(
            "{name} is export version {}; this mavera-tui reads up to {VERSION}",
            archive.version
        ));
    }
    Ok(archive)
}

/// Opens a file for `mavera-tui import`: an export (JSON with `"format":
/// "mavera-tui/export"`) or a transcript saved with Ctrl+S, told apart by content.
pub fn open(path: &Path) -> Result<Vec<RestoredThread>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let format = serde_json::from_str::<Value>(&text)
        .ok()
        .and_then(|v| v.get("format").and_then(Value::as_str).map(str::to_owned));
    if format.as_deref() == Some(FORMAT) {
        let archive = parse(&text, &path.display().to_string())?;
        return Ok(into_restored(archive));
    }
    crate::transcript::load(path).map(crate::transcript::Transcript::into_restored)
}

/// The archive's threads as the app restores them. They are a copy to read first and
/// then continue, not the stored rows they came from (the file may come from another
/// machine): they are not linked to the history.
pub fn into_restored(archive: Archive) -> Vec<RestoredThread> {
    let conversation = Conversation {
        id: ConversationId::Thread(0),
        threads: archive.threads.into_iter().map(stored_thread).collect(),
    };
    crate::app::stored::restored(conversation)
        .into_iter()
        .map(|t| RestoredThread { stored: None, ..t })
        .collect()
}

fn stored_thread(t: ArchiveThread) -> StoredThread {
    StoredThread {
        id: t.id,
        persona_id: t.persona_id,
        persona_name: t.persona_name,
        title: t.title,
        messages: t.messages.into_iter().map(stored_message).collect(),
        instructions: t.instructions,
    }
}

/// Read as `history::read` reads a row: leniently (the file may have been edited).
fn stored_message(m: ArchiveMessage) -> StoredMessage {
    StoredMessage {
        role: Role::parse(&m.role),
        text: m.text,
        status: Status::parse(&m.status),
        usage: m.usage.and_then(|u| serde_json::from_value(u).ok()),
        response_id: m.response_id,
        parts: match m.parts {
            Value::Array(parts) => parts,
            _ => Vec::new(),
        },
        error: m.error,
    }
}

/// The threads on screen as an archive (keyed by persona id, in column order): what the
/// app holds, through the same record mapping the history uses. Row ids and times are
/// the store's, so they are 0 here (the Markdown leaves them out).
pub fn from_threads(threads: &[(String, Thread)], personas: &[PersonaEntry]) -> Archive {
    let threads = threads
        .iter()
        .map(|(key, thread)| {
            let name = personas
                .iter()
                .find(|p| &p.id == key)
                .map(|p| p.name.clone())
                .unwrap_or_else(|| key.clone());
            let messages: Vec<ArchiveMessage> = thread
                .messages
                .iter()
                .enumerate()
                .map(|(seq, m)| {
                    let r = crate::app::stored::record(m);
                    ArchiveMessage {
                        id: 0,
                        seq: seq as i64,
                        role: r.role.as_str().into(),
                        text: r.text,
                        status: r.status.as_str().into(),
                        credits: r.usage.as_ref().and_then(|u| u.credits_used),
                        usage: r.usage.and_then(|u| serde_json::to_value(u).ok()),
                        response_id: r.response_id,
                        parts: Value::Array(r.parts),
                        error: r.error,
                        created_ms: 0,
                        updated_ms: 0,
                    }
                })
                .collect();
            let title = messages
                .iter()
                .find(|m| m.role == "user")
                .map(|m| crate::history::op::title(&m.text))
                .unwrap_or_default();
            ArchiveThread {
                id: 0,
                persona_id: key.clone(),
                persona_name: name,
                title,
                instructions: thread.instructions.clone(),
                parent_thread: None,
                fork_message: None,
                created_ms: 0,
                updated_ms: 0,
                messages,
            }
        })
        .collect();
    Archive {
        format: FORMAT.into(),
        version: VERSION,
        id: String::new(),
        comparison: None,
        threads,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_format_or_a_newer_version_is_refused_clearly() {
        let err = parse(r#"{"format":"x","version":1,"id":"t1","threads":[]}"#, "f.json");
        assert!(err.unwrap_err().contains("expected \"mavera-tui/export\""));
        let err = parse(
            r#"{"format":"mavera-tui/export","version":99,"id":"t1","threads":[]}"#,
            "f.json",
        );
        assert!(err.unwrap_err().contains("version 99"));
        assert!(parse("[]", "f.json")
            .unwrap_err()
            .contains("not a mavera-tui export"));
    }
}

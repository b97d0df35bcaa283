//! A conversation exactly as the store keeps it: every column of its threads, messages
//! and comparison, for exports (`crate::export`) that must lose nothing.
//!
//! Owns: the archive's shape (`Archive`, serialisable, its format name and version) and
//! reading it from the database, raw: usage and parts come back as the JSON they were
//! stored as (a value that is not JSON is kept as a string), text as stored — callers
//! sanitise where they show it. Also which conversation is the latest (`latest_id`, by the
//! same rule as `Store::latest`). Does not own: writing files, rendering Markdown, or
//! turning an archive back into the app's threads (`crate::export`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::db::Store;
use super::op::ConversationId;
use super::read::{int, opt_text, text};

/// The `format` of an exported conversation.
pub const FORMAT: &str = "mavera-tui/export";
/// The version written; readers accept this one and older.
pub const VERSION: u32 = 1;

/// A comparison's own row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveComparison {
    pub id: i64,
    pub title: String,
    pub created_ms: i64,
}

/// A stored message, every column.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveMessage {
    pub id: i64,
    pub seq: i64,
    pub role: String,
    pub text: String,
    pub status: String,
    /// As the server reported it (JSON).
    #[serde(default)]
    pub usage: Option<Value>,
    #[serde(default)]
    pub credits: Option<f64>,
    #[serde(default)]
    pub response_id: Option<String>,
    /// A JSON array of parts (refusals, analysis, tool calls, ...).
    #[serde(default)]
    pub parts: Value,
    #[serde(default)]
    pub error: Option<String>,
    #[serde(default)]
    pub created_ms: i64,
    #[serde(default)]
    pub updated_ms: i64,
}

/// A stored thread, every column, its messages in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArchiveThread {
    pub id: i64,
    pub persona_id: String,
    pub persona_name: String,
    pub title: String,
    #[serde(default)]
    pub instructions: Option<String>,
    #[serde(default)]
    pub parent_thread: Option<i64>,
    #[serde(default)]
    pub fork_message: Option<i64>,
    #[serde(default)]
    pub created_ms: i64,
    #[serde(default)]
    pub updated_ms: i64,
    pub messages: Vec<ArchiveMessage>,
}

/// A conversation as the store keeps it: a thread, or a comparison's threads in column
/// order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Archive {
    pub format: String,
    pub version: u32,
    /// `t12` or `c3`, as `mavera-tui history` names it.
    pub id: String,
    #[serde(default)]
    pub comparison: Option<ArchiveComparison>,
    pub threads: Vec<ArchiveThread>,
}

impl Store {
    /// The conversation `id`, every column; `None` when there is no such conversation.
    pub fn archive(&self, id: ConversationId) -> rusqlite::Result<Option<Archive>> {
        let (comparison, thread_ids) = match id {
            ConversationId::Thread(t) => (None, vec![t]),
            ConversationId::Comparison(c) => {
                let mut stmt = self
                    .conn
                    .prepare("SELECT id, title, created_ms FROM comparisons WHERE id = ?1")?;
                let mut rows = stmt.query([c])?;
                let Some(r) = rows.next()? else {
                    return Ok(None);
                };
                let row = ArchiveComparison {
                    id: int(r, 0),
                    title: text(r, 1),
                    created_ms: int(r, 2),
                };
                let mut stmt = self.conn.prepare(
                    "SELECT thread_id FROM comparison_threads WHERE comparison_id = ?1 ORDER BY position",
                )?;
                let ids = stmt
                    .query_map([c], |r| Ok(int(r, 0)))?
                    .collect::<Result<Vec<_>, _>>()?;
                (Some(row), ids)
            }
        };
        let mut threads = Vec::new();
        for t in thread_ids {
            if let Some(thread) = self.archive_thread(t)? {
                threads.push(thread);
            }
        }
        Ok((!threads.is_empty()).then(|| Archive {
            format: FORMAT.into(),
            version: VERSION,
            id: id.label(),
            comparison,
            threads,
        }))
    }

    /// The most recently changed conversation's id (as `Store::latest` chooses it).
    pub fn latest_id(&self) -> rusqlite::Result<Option<ConversationId>> {
        Ok(self.latest()?.map(|c| c.id))
    }

    fn archive_thread(&self, id: i64) -> rusqlite::Result<Option<ArchiveThread>> {
        let mut stmt = self.conn.prepare(
            "SELECT persona_id, persona_name, title, instructions, parent_thread, fork_message,
                    created_ms, updated_ms
             FROM threads WHERE id = ?1",
        )?;
        let mut rows = stmt.query([id])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let optional_int = |i| opt_text(r, i).map(|_| int(r, i));
        let mut thread = ArchiveThread {
            id,
            persona_id: text(r, 0),
            persona_name: text(r, 1),
            title: text(r, 2),
            instructions: opt_text(r, 3),
            parent_thread: optional_int(4),
            fork_message: optional_int(5),
            created_ms: int(r, 6),
            updated_ms: int(r, 7),
            messages: Vec::new(),
        };
        let mut stmt = self.conn.prepare(
            "SELECT id, seq, role, text, status, usage, credits, response_id, parts, error,
                    created_ms, updated_ms
             FROM messages WHERE thread_id = ?1 ORDER BY seq",
        )?;
        thread.messages = stmt
            .query_map([id], |r| {
                Ok(ArchiveMessage {
                    id: int(r, 0),
                    seq: int(r, 1),
                    role: text(r, 2),
                    text: text(r, 3),
                    status: text(r, 4),
                    usage: opt_text(r, 5).map(|u| json_or_text(&u)),
                    credits: opt_text(r, 6).and_then(|c| c.trim().parse().ok()),
                    response_id: opt_text(r, 7),
                    parts: opt_text(r, 8).map(|p| json_or_text(&p)).unwrap_or(Value::Null),
                    error: opt_text(r, 9),
                    created_ms: int(r, 10),
                    updated_ms: int(r, 11),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(thread))
    }
}

/// A stored JSON column as its value; one that is not JSON (a hand edit) as a string, so
/// that nothing is lost.
fn json_or_text(stored: &str) -> Value {
    serde_json::from_str(stored).unwrap_or_else(|_| Value::String(stored.to_owned()))
}

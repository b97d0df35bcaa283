//! Reading the history back: the list of conversations, and one conversation whole.
//!
//! Owns: what a conversation is to a reader — a comparison (its threads in column order)
//! or a thread on its own (one that is in no comparison) —, its summary (personas, title,
//! answers, credits as far as they are known), newest first, and reading rows leniently:
//! the file is the user's and may have been edited, so a value of an odd type reads as
//! text or as unknown, and an unreadable `usage` or `parts` as none, never a failure of
//! the whole read. Text comes back as stored: callers sanitise it where it is shown.
//! Does not own: searching (`search`) or writing.

use std::collections::HashMap;

use rusqlite::types::ValueRef;
use rusqlite::Row;
use serde_json::Value;

use super::db::Store;
use super::op::{ConversationId, MessageRecord, Role, Status, CHARGED};

/// Credits of a conversation's answers, as far as they are known.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Credits {
    /// The sum of every reported cost.
    pub spent: f64,
    /// Answers that are charged for (complete, refused, incomplete, or with a cost).
    pub answers: u32,
    /// Of those, the ones whose cost was not reported.
    pub unreported: u32,
}

impl Credits {
    fn add(&mut self, other: Credits) {
        self.spent += other.spent;
        self.answers += other.answers;
        self.unreported += other.unreported;
    }
}

/// One line of the list.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub id: ConversationId,
    pub created_ms: i64,
    /// The latest change to any of its messages.
    pub updated_ms: i64,
    /// As shown when each thread began, in column order.
    pub personas: Vec<String>,
    pub title: String,
    /// Answers, in all its threads.
    pub answers: u32,
    pub credits: Credits,
}

/// A stored message: what was written, read back.
pub type StoredMessage = MessageRecord;

/// A stored thread, its messages in order.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredThread {
    pub id: i64,
    pub persona_id: String,
    pub persona_name: String,
    pub title: String,
    pub messages: Vec<StoredMessage>,
    /// The thread's own instructions, if it had any.
    pub instructions: Option<String>,
}

/// A conversation, whole: one thread, or a comparison's threads in column order.
#[derive(Debug, Clone, PartialEq)]
pub struct Conversation {
    pub id: ConversationId,
    pub threads: Vec<StoredThread>,
}

/// A comparison's row, with its threads in column order.
struct ComparisonRow {
    id: i64,
    title: String,
    created_ms: i64,
    threads: Vec<i64>,
}

/// A thread's summary row.
struct ThreadRow {
    persona: String,
    title: String,
    created_ms: i64,
    updated_ms: i64,
    answers: u32,
    credits: Credits,
}

impl Store {
    /// Every conversation, newest first.
    pub fn list(&self) -> rusqlite::Result<Vec<Summary>> {
        self.summaries(None)
    }

    /// The newest conversations, at most about `limit` (a comparison counts once for its
    /// threads): the same rows as the head of `list`, at a cost bounded by `limit` rather
    /// than by the size of the history — the threads changed last are found through
    /// their index, and only theirs (and their comparisons' other columns) are summed.
    pub fn recent(&self, limit: usize) -> rusqlite::Result<Vec<Summary>> {
        // A conversation is as new as its newest thread, so the newest conversations are
        // those of the newest threads; compared threads make fewer conversations than
        // threads, so read more threads until there are enough (or no more).
        let mut threads = limit.max(1);
        loop {
            let (summaries, all) = self.newest_threads(threads)?;
            if summaries.len() >= limit || all {
                let mut summaries = summaries;
                summaries.truncate(limit);
                return Ok(summaries);
            }
            threads = threads.saturating_mul(2);
        }
    }

    /// The conversations of the newest `count` threads, and whether those were all.
    fn newest_threads(&self, count: usize) -> rusqlite::Result<(Vec<Summary>, bool)> {
        let mut stmt = self
            .conn
            .prepare("SELECT t.id FROM threads t ORDER BY t.updated_ms DESC, t.id DESC LIMIT ?1")?;
        let newest: Vec<i64> = stmt
            .query_map([i64::try_from(count).unwrap_or(i64::MAX)], |r| Ok(int(r, 0)))?
            .collect::<Result<_, _>>()?;
        // Their comparisons' other columns: a comparison's summary needs every column.
        let mut stmt = self.conn.prepare(
            "SELECT DISTINCT other.thread_id FROM comparison_threads mine
             JOIN comparison_threads other ON other.comparison_id = mine.comparison_id
             WHERE mine.thread_id = ?1",
        )?;
        let mut wanted: std::collections::HashSet<i64> = newest.iter().copied().collect();
        for id in &newest {
            for other in stmt.query_map([id], |r| Ok(int(r, 0)))? {
                wanted.insert(other?);
            }
        }
        Ok((self.summaries(Some(&wanted))?, newest.len() < count))
    }

    /// Conversations newest first: all, or only those of the threads in `only`.
    fn summaries(&self, only: Option<&std::collections::HashSet<i64>>) -> rusqlite::Result<Vec<Summary>> {
        let charged: Vec<String> = CHARGED.iter().map(|s| format!("'{}'", s.as_str())).collect();
        let charged = charged.join(", ");
        let filter = match only {
            // Ids are numbers from the database itself: nothing a user typed.
            Some(ids) => format!(
                "WHERE t.id IN ({})",
                ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",")
            ),
            None => String::new(),
        };
        let mut stmt = self.conn.prepare(&format!(
            "SELECT t.id, t.persona_name, t.title, t.created_ms, t.updated_ms,
                    count(m.id),
                    total(m.credits),
                    count(CASE WHEN m.credits IS NOT NULL OR m.status IN ({charged}) THEN 1 END),
                    count(CASE WHEN m.credits IS NULL AND m.status IN ({charged}) THEN 1 END)
             FROM threads t LEFT JOIN messages m ON m.thread_id = t.id AND m.role = 'assistant'
             {filter}
             GROUP BY t.id"
        ))?;
        let mut threads: HashMap<i64, ThreadRow> = HashMap::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            threads.insert(
                int(r, 0),
                ThreadRow {
                    persona: text(r, 1),
                    title: text(r, 2),
                    created_ms: int(r, 3),
                    updated_ms: int(r, 4),
                    answers: count(r, 5),
                    credits: Credits {
                        spent: real(r, 6).unwrap_or(0.0),
                        answers: count(r, 7),
                        unreported: count(r, 8),
                    },
                },
            );
        }
        let mut summaries = Vec::new();
        let mut compared = std::collections::HashSet::new();
        for ComparisonRow {
            id,
            title,
            created_ms,
            threads: columns,
        } in self.comparisons()?
        {
            // Only comparisons of the threads asked for, and only whole ones.
            if only.is_some() && !columns.iter().all(|t| threads.contains_key(t)) {
                continue;
            }
            let members: Vec<&ThreadRow> = columns.iter().filter_map(|t| threads.get(t)).collect();
            if members.is_empty() {
                continue;
            }
            compared.extend(columns.iter().copied());
            let mut credits = Credits::default();
            members.iter().for_each(|t| credits.add(t.credits));
            summaries.push(Summary {
                id: ConversationId::Comparison(id),
                created_ms,
                updated_ms: members.iter().map(|t| t.updated_ms).max().unwrap_or(created_ms),
                personas: members.iter().map(|t| t.persona.clone()).collect(),
                title,
                answers: members.iter().map(|t| t.answers).sum(),
                credits,
            });
        }
        for (id, t) in threads.into_iter().filter(|(id, _)| !compared.contains(id)) {
            summaries.push(Summary {
                id: ConversationId::Thread(id),
                created_ms: t.created_ms,
                updated_ms: t.updated_ms,
                personas: vec![t.persona],
                title: t.title,
                answers: t.answers,
                credits: t.credits,
            });
        }
        summaries.sort_by(|a, b| {
            (b.updated_ms, b.created_ms, b.id.label()).cmp(&(a.updated_ms, a.created_ms, a.id.label()))
        });
        Ok(summaries)
    }

    /// Every comparison, its threads in column order.
    fn comparisons(&self) -> rusqlite::Result<Vec<ComparisonRow>> {
        let mut stmt = self.conn.prepare(
            "SELECT c.id, c.title, c.created_ms, ct.thread_id
             FROM comparisons c JOIN comparison_threads ct ON ct.comparison_id = c.id
             ORDER BY c.id, ct.position",
        )?;
        let mut out: Vec<ComparisonRow> = Vec::new();
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id = int(r, 0);
            match out.last_mut() {
                Some(last) if last.id == id => last.threads.push(int(r, 3)),
                _ => out.push(ComparisonRow {
                    id,
                    title: text(r, 1),
                    created_ms: int(r, 2),
                    threads: vec![int(r, 3)],
                }),
            }
        }
        Ok(out)
    }

    /// The most recently changed conversation, whole: the one holding the thread changed
    /// last (a comparison is as recent as its most recent thread, as in `list`).
    pub fn latest(&self) -> rusqlite::Result<Option<Conversation>> {
        let mut stmt = self.conn.prepare(
            "SELECT t.id, (SELECT ct.comparison_id FROM comparison_threads ct
                           WHERE ct.thread_id = t.id ORDER BY ct.comparison_id DESC LIMIT 1)
             FROM threads t ORDER BY t.updated_ms DESC, t.id DESC LIMIT 1",
        )?;
        let mut rows = stmt.query([])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let id = match opt_text(r, 1).and_then(|c| c.parse().ok()) {
            Some(comparison) => ConversationId::Comparison(comparison),
            None => ConversationId::Thread(int(r, 0)),
        };
        self.load(id)
    }

    /// A conversation, whole; `None` when there is no such conversation.
    pub fn load(&self, id: ConversationId) -> rusqlite::Result<Option<Conversation>> {
        let thread_ids = match id {
            ConversationId::Thread(t) => vec![t],
            ConversationId::Comparison(c) => {
                let mut stmt = self.conn.prepare(
                    "SELECT thread_id FROM comparison_threads WHERE comparison_id = ?1 ORDER BY position",
                )?;
                let ids = stmt
                    .query_map([c], |r| Ok(int(r, 0)))?
                    .collect::<Result<_, _>>()?;
                ids
            }
        };
        let mut threads = Vec::new();
        for t in thread_ids {
            if let Some(thread) = self.thread(t)? {
                threads.push(thread);
            }
        }
        Ok((!threads.is_empty()).then_some(Conversation { id, threads }))
    }

    fn thread(&self, id: i64) -> rusqlite::Result<Option<StoredThread>> {
        let mut stmt = self
            .conn
            .prepare("SELECT persona_id, persona_name, title, instructions FROM threads WHERE id = ?1")?;
        let mut rows = stmt.query([id])?;
        let Some(r) = rows.next()? else {
            return Ok(None);
        };
        let (persona_id, persona_name, title) = (text(r, 0), text(r, 1), text(r, 2));
        let instructions = opt_text(r, 3);
        let mut stmt = self.conn.prepare(
            "SELECT role, text, status, usage, response_id, parts, error
             FROM messages WHERE thread_id = ?1 ORDER BY seq",
        )?;
        let messages = stmt
            .query_map([id], |r| {
                Ok(StoredMessage {
                    role: Role::parse(&text(r, 0)),
                    text: text(r, 1),
                    status: Status::parse(&text(r, 2)),
                    usage: opt_text(r, 3).and_then(|u| serde_json::from_str(&u).ok()),
                    response_id: opt_text(r, 4),
                    parts: opt_text(r, 5)
                        .and_then(|p| serde_json::from_str::<Vec<Value>>(&p).ok())
                        .unwrap_or_default(),
                    error: opt_text(r, 6),
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(Some(StoredThread {
            id,
            persona_id,
            persona_name,
            title,
            messages,
            instructions,
        }))
    }
}

/// A column as text, whatever its type (`NULL` is empty).
pub(super) fn text(r: &Row<'_>, i: usize) -> String {
    opt_text(r, i).unwrap_or_default()
}

/// A column as text; `None` for `NULL` or a missing column.
pub(super) fn opt_text(r: &Row<'_>, i: usize) -> Option<String> {
    match r.get_ref(i).ok()? {
        ValueRef::Null => None,
        ValueRef::Integer(n) => Some(n.to_string()),
        ValueRef::Real(x) => Some(x.to_string()),
        ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
    }
}

/// A column as an integer (0 when it is none).
pub(super) fn int(r: &Row<'_>, i: usize) -> i64 {
    match r.get_ref(i) {
        Ok(ValueRef::Integer(n)) => n,
        Ok(ValueRef::Real(x)) => x as i64,
        Ok(ValueRef::Text(t)) => std::str::from_utf8(t)
            .ok()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(0),
        _ => 0,
    }
}

fn count(r: &Row<'_>, i: usize) -> u32 {
    u32::try_from(int(r, i)).unwrap_or(0)
}

fn real(r: &Row<'_>, i: usize) -> Option<f64> {
    match r.get_ref(i).ok()? {
        ValueRef::Integer(n) => Some(n as f64),
        ValueRef::Real(x) => Some(x),
        ValueRef::Text(t) => std::str::from_utf8(t).ok()?.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::op::{NewThread, StoreKey, StoreOp};

    fn thread(store: &mut Store, key: u64, persona: &str) {
        let message = |seq, role, text: &str| StoreOp::Message {
            thread: StoreKey::Session(key),
            seq,
            message: MessageRecord::plain(role, text, Status::Complete),
        };
        let ops = [
            StoreOp::Thread(NewThread {
                key,
                persona_id: persona.to_lowercase(),
                persona_name: persona.into(),
                title: format!("prompt {key}"),
                instructions: None,
            }),
            message(0, Role::User, "q"),
            message(1, Role::Assistant, "a"),
        ];
        store.apply(&ops).expect("apply");
        // Each thread changed at its own millisecond: the order is the same in any reading.
        std::thread::sleep(std::time::Duration::from_millis(2));
    }

    #[test]
    fn the_newest_conversations_are_the_head_of_the_whole_list() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("history.db")).expect("open");
        for key in 0..12 {
            thread(&mut store, key, ["CFO", "Gen Z", "Farmer"][key as usize % 3]);
        }
        // Side by side: an old pair, and three columns whose newest is recent.
        for (key, columns) in [(100, vec![0, 1]), (101, vec![3, 9, 5])] {
            let op = StoreOp::Comparison {
                key,
                title: "compared".into(),
                threads: columns.into_iter().map(StoreKey::Session).collect(),
            };
            store.apply(&[op]).expect("comparison");
        }
        let all = store.list().expect("list");
        assert_eq!(all.len(), 12 - 3, "two comparisons stand for five threads");
        for limit in 1..=all.len() + 2 {
            let recent = store.recent(limit).expect("recent");
            let head: Vec<_> = all.iter().take(limit).cloned().collect();
            assert_eq!(recent, head, "the newest {limit}");
        }
    }
}

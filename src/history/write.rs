//! Carrying out storage operations: a batch at a time, in one transaction.
//!
//! Owns: turning `StoreOp`s into rows — a thread's row and its session key, a comparison
//! (the same threads in the same order are one comparison), a message inserted or
//! replacing the one stored at its place — with timestamps from the wall clock (the
//! reducer has only the app's own clock), and coalescing: of several versions of one
//! message in a batch only the last is written. A batch is all or nothing: a write that
//! fails (a full disk) leaves the database as it was, and the batch can be retried whole.
//! Does not own: when operations come (the reducer) or the thread they run on (`task`).

use std::collections::{HashMap, HashSet};

use rusqlite::{params, OptionalExtension, Transaction};

use super::db::Store;
use super::op::{MessageRecord, NewThread, StoreKey, StoreOp};

/// Milliseconds since the Unix epoch, now.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or_default()
}

/// Keeps, of the messages of `ops` stored at the same place, only the last version
/// (earlier ones would be overwritten anyway); everything else stays, in order.
pub fn coalesce(ops: &mut Vec<StoreOp>) {
    let mut last: HashMap<(StoreKey, u32), usize> = HashMap::new();
    for (i, op) in ops.iter().enumerate() {
        if let StoreOp::Message { thread, seq, .. } = op {
            last.insert((*thread, *seq), i);
        }
    }
    let mut i = 0;
    ops.retain(|op| {
        let keep = match op {
            StoreOp::Message { thread, seq, .. } => last.get(&(*thread, *seq)) == Some(&i),
            _ => true,
        };
        i += 1;
        keep
    });
}

/// Rows made by a batch, merged into the store's maps only once it is committed (a
/// rolled-back row must not be referred to later).
#[derive(Default)]
struct Made {
    threads: HashMap<u64, i64>,
    comparisons: HashMap<u64, i64>,
    rows: Vec<i64>,
    /// Threads deleted by this batch.
    deleted: HashSet<i64>,
}

impl Store {
    /// Writes `ops` in one transaction (coalesced first). Operations on a thread the store
    /// does not know (its beginning was never written) are skipped.
    pub fn apply(&mut self, ops: &[StoreOp]) -> rusqlite::Result<()> {
        let mut ops = ops.to_vec();
        coalesce(&mut ops);
        let now = now_ms();
        let mut made = Made::default();
        let tx = self.conn.transaction()?;
        for op in &ops {
            match op {
                StoreOp::Thread(thread) => {
                    let row = insert_thread(&tx, thread, now)?;
                    made.threads.insert(thread.key, row);
                }
                StoreOp::Comparison { key, title, threads } => {
                    let mut rows = Vec::with_capacity(threads.len());
                    for key in threads {
                        if let Some(row) = resolve(&tx, &self.threads, &self.known_rows, &mut made, *key)? {
                            rows.push(row);
                        }
                    }
                    if rows.len() >= 2 {
                        let row = comparison(&tx, title, &rows, now)?;
                        made.comparisons.insert(*key, row);
                    }
                }
                StoreOp::Message { thread, seq, message } => {
                    if let Some(row) = resolve(&tx, &self.threads, &self.known_rows, &mut made, *thread)? {
                        upsert_message(&tx, row, *seq, message, now)?;
                    }
                }
                StoreOp::Fork { thread, parent, at } => {
                    // A parent the store does not know: the fork begins as a thread of
                    // its own (its messages follow), unlinked.
                    let parent = resolve(&tx, &self.threads, &self.known_rows, &mut made, *parent)?;
                    let row = super::fork::fork(&tx, thread, parent, *at, now)?;
                    made.threads.insert(thread.key, row);
                }
                StoreOp::Rename { conversation, title } => {
                    super::manage::rename(&tx, *conversation, title)?;
                }
                StoreOp::Delete(conversation) => {
                    let gone = super::manage::delete(&tx, *conversation)?;
                    // Later operations of this batch on them are skipped, not failed.
                    made.threads.retain(|_, row| !gone.contains(row));
                    made.rows.retain(|row| !gone.contains(row));
                    made.deleted.extend(gone);
                }
                StoreOp::Instructions { thread, instructions } => {
                    if let Some(row) = resolve(&tx, &self.threads, &self.known_rows, &mut made, *thread)? {
                        tx.execute(
                            "UPDATE threads SET instructions = ?2 WHERE id = ?1",
                            rusqlite::params![row, instructions],
                        )?;
                    }
                }
            }
        }
        tx.commit()?;
        self.threads.extend(made.threads);
        self.comparisons.extend(made.comparisons);
        self.known_rows.extend(made.rows);
        // A deleted thread is unknown from now on: operations still addressed to it (an
        // answer ending after the delete) are skipped instead of failing the batch.
        self.threads.retain(|_, row| !made.deleted.contains(row));
        self.known_rows.retain(|row| !made.deleted.contains(row));
        Ok(())
    }
}

/// The row of a thread, if the store has it.
fn resolve(
    tx: &Transaction<'_>,
    threads: &HashMap<u64, i64>,
    known_rows: &HashSet<i64>,
    made: &mut Made,
    key: StoreKey,
) -> rusqlite::Result<Option<i64>> {
    match key {
        StoreKey::Session(n) => Ok(made
            .threads
            .get(&n)
            .or_else(|| threads.get(&n))
            .copied()
            .filter(|row| !made.deleted.contains(row))),
        StoreKey::Row(row) if made.deleted.contains(&row) => Ok(None),
        StoreKey::Row(row) if known_rows.contains(&row) || made.rows.contains(&row) => Ok(Some(row)),
        StoreKey::Row(row) => {
            let exists = tx
                .query_row("SELECT 1 FROM threads WHERE id = ?1", [row], |_| Ok(()))
                .optional()?
                .is_some();
            if exists {
                made.rows.push(row);
            }
            Ok(exists.then_some(row))
        }
    }
}

fn insert_thread(tx: &Transaction<'_>, t: &NewThread, now: i64) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO threads (persona_id, persona_name, title, instructions, created_ms, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        params![t.persona_id, t.persona_name, t.title, t.instructions, now],
    )?;
    Ok(tx.last_insert_rowid())
}

/// The comparison of exactly these threads in this order: the stored one, else a new one.
fn comparison(tx: &Transaction<'_>, title: &str, rows: &[i64], now: i64) -> rusqlite::Result<i64> {
    let mut candidates = tx.prepare_cached(
        "SELECT comparison_id FROM comparison_threads WHERE thread_id = ?1 AND position = 0",
    )?;
    let Some(first) = rows.first() else {
        return Err(rusqlite::Error::QueryReturnedNoRows);
    };
    let ids: Vec<i64> = candidates
        .query_map([first], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    let mut columns = tx.prepare_cached(
        "SELECT thread_id FROM comparison_threads WHERE comparison_id = ?1 ORDER BY position",
    )?;
    for id in ids {
        let threads: Vec<i64> = columns.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
        if threads == rows {
            return Ok(id);
        }
    }
    tx.execute(
        "INSERT INTO comparisons (title, created_ms) VALUES (?1, ?2)",
        params![title, now],
    )?;
    let id = tx.last_insert_rowid();
    let mut insert = tx.prepare_cached(
        "INSERT INTO comparison_threads (comparison_id, thread_id, position) VALUES (?1, ?2, ?3)",
    )?;
    for (position, row) in rows.iter().enumerate() {
        insert.execute(params![id, row, position as i64])?;
    }
    Ok(id)
}

fn upsert_message(
    tx: &Transaction<'_>,
    thread: i64,
    seq: u32,
    m: &MessageRecord,
    now: i64,
) -> rusqlite::Result<()> {
    let usage = m.usage.as_ref().and_then(|u| serde_json::to_string(u).ok());
    let credits = m.usage.as_ref().and_then(|u| u.credits_used);
    let parts = serde_json::to_string(&m.parts).unwrap_or_else(|_| "[]".into());
    tx.prepare_cached(
        "INSERT INTO messages (thread_id, seq, role, text, status, usage, credits, response_id,
                               parts, error, created_ms, updated_ms, spaceless)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?12)
         ON CONFLICT (thread_id, seq) DO UPDATE SET
            role = excluded.role, text = excluded.text, status = excluded.status,
            usage = excluded.usage, credits = excluded.credits,
            response_id = excluded.response_id, parts = excluded.parts,
            error = excluded.error, updated_ms = excluded.updated_ms,
            spaceless = excluded.spaceless",
    )?
    .execute(params![
        thread,
        seq,
        m.role.as_str(),
        m.text,
        m.status.as_str(),
        usage,
        credits,
        m.response_id,
        parts,
        m.error,
        now,
        super::schema::has_no_space(&m.text)
    ])?;
    tx.prepare_cached("UPDATE threads SET updated_ms = ?2 WHERE id = ?1")?
        .execute(params![thread, now])?;
    Ok(())
}

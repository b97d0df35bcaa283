//! The conversations on screen as the store keeps them: an archive of threads named by
//! the keys the app knows them by (`StoreKey`), for Ctrl+S.
//!
//! Owns: resolving those keys (a thread begun this session by its session key, one
//! reopened by its row) and choosing the archive's shape — one thread; or several, as
//! the comparison recorded for exactly those threads in that order when there is one
//! (its id and title kept), else as loose threads in that order. Does not own: reading
//! a thread or comparison (`archive`), or writing the file (`export::save`).

use super::archive::{Archive, FORMAT, VERSION};
use super::db::Store;
use super::op::ConversationId;
use super::op::StoreKey;

impl Store {
    /// The threads `keys`, in order, as an archive; `None` when one of them is not in
    /// the store (its beginning was never written).
    pub fn archive_of(&self, keys: &[StoreKey]) -> rusqlite::Result<Option<Archive>> {
        let mut rows = Vec::with_capacity(keys.len());
        for key in keys {
            let row = match key {
                StoreKey::Session(n) => self.threads.get(n).copied(),
                StoreKey::Row(row) => Some(*row),
            };
            let Some(row) = row else {
                return Ok(None);
            };
            rows.push(row);
        }
        match rows.as_slice() {
            [] => Ok(None),
            [one] => self.archive(ConversationId::Thread(*one)),
            _ => {
                if let Some(c) = self.comparison_of(&rows)? {
                    return self.archive(ConversationId::Comparison(c));
                }
                let mut threads = Vec::new();
                for row in &rows {
                    match self.archive(ConversationId::Thread(*row))? {
                        Some(archive) => threads.extend(archive.threads),
                        None => return Ok(None),
                    }
                }
                Ok(Some(Archive {
                    format: FORMAT.into(),
                    version: VERSION,
                    id: String::new(),
                    comparison: None,
                    threads,
                }))
            }
        }
    }

    /// The comparison of exactly `rows`, in this order, if one was recorded (the latest).
    fn comparison_of(&self, rows: &[i64]) -> rusqlite::Result<Option<i64>> {
        let Some(first) = rows.first() else {
            return Ok(None);
        };
        let mut candidates = self.conn.prepare(
            "SELECT comparison_id FROM comparison_threads WHERE thread_id = ?1 AND position = 0
             ORDER BY comparison_id DESC",
        )?;
        let ids: Vec<i64> = candidates
            .query_map([first], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        let mut columns = self
            .conn
            .prepare("SELECT thread_id FROM comparison_threads WHERE comparison_id = ?1 ORDER BY position")?;
        for id in ids {
            let threads: Vec<i64> = columns.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
            if threads == rows {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }
}

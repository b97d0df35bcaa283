//! Renaming and deleting stored conversations (the history view's `StoreOp::Rename` and
//! `StoreOp::Delete`), inside the batch transaction `write` opened.
//!
//! Owns: what a rename changes (the title of the thread on its own, or of the comparison;
//! never the time it was last changed, so the list keeps its order) and what a delete
//! removes — a thread with its messages; a comparison with its threads and their
//! messages, and any other comparison left with fewer than two columns — keeping both
//! full-text indexes consistent (messages are deleted one statement before their thread,
//! through the indexes' own triggers). Does not own: the batch, its transaction or the
//! session keys (`write`), or asking the user first (the history view).

use rusqlite::{params, Transaction};

use super::op::ConversationId;
use super::op::TITLE_CHARS;

/// Sets the title of `conversation` (cut like a first prompt is); nothing when it is gone.
pub(super) fn rename(
    tx: &Transaction<'_>,
    conversation: ConversationId,
    title: &str,
) -> rusqlite::Result<()> {
    let title: String = title.trim().chars().take(TITLE_CHARS).collect();
    let title = title.trim_end();
    match conversation {
        ConversationId::Thread(id) => {
            tx.execute("UPDATE threads SET title = ?2 WHERE id = ?1", params![id, title])?;
        }
        ConversationId::Comparison(id) => {
            tx.execute(
                "UPDATE comparisons SET title = ?2 WHERE id = ?1",
                params![id, title],
            )?;
        }
    }
    Ok(())
}

/// Deletes `conversation`; returns the threads deleted (none when it was already gone).
pub(super) fn delete(tx: &Transaction<'_>, conversation: ConversationId) -> rusqlite::Result<Vec<i64>> {
    let threads: Vec<i64> = match conversation {
        ConversationId::Thread(id) => vec![id],
        ConversationId::Comparison(id) => {
            let mut stmt =
                tx.prepare_cached("SELECT thread_id FROM comparison_threads WHERE comparison_id = ?1")?;
            let ids = stmt.query_map([id], |r| r.get(0))?.collect::<Result<_, _>>()?;
            tx.execute("DELETE FROM comparisons WHERE id = ?1", [id])?;
            ids
        }
    };
    let mut gone = Vec::with_capacity(threads.len());
    for id in threads {
        // Messages first, by their own statement: the delete triggers take their text out
        // of the full-text indexes whatever the foreign-key setting of the connection.
        tx.execute("DELETE FROM messages WHERE thread_id = ?1", [id])?;
        tx.execute("DELETE FROM comparison_threads WHERE thread_id = ?1", [id])?;
        if tx.execute("DELETE FROM threads WHERE id = ?1", [id])? > 0 {
            gone.push(id);
        }
    }
    // A comparison that shared a deleted thread and has one column left is no comparison:
    // what is left of it is listed as a thread on its own.
    tx.execute_batch(
        "DELETE FROM comparison_threads WHERE comparison_id IN
             (SELECT comparison_id FROM comparison_threads GROUP BY comparison_id HAVING count(*) < 2);
         DELETE FROM comparisons WHERE id NOT IN (SELECT comparison_id FROM comparison_threads);",
    )?;
    Ok(gone)
}

#[cfg(test)]
mod tests {
    use crate::history::op::ConversationId;
    use crate::history::op::{MessageRecord, NewThread, Role, Status, StoreKey, StoreOp};
    use crate::history::Store;

    fn thread(key: u64, persona: &str, prompt: &str, answer: &str) -> Vec<StoreOp> {
        let message = |seq: u32, role: Role, text: &str| StoreOp::Message {
            thread: StoreKey::Session(key),
            seq,
            message: MessageRecord::plain(role, text, Status::Complete),
        };
        vec![
            StoreOp::Thread(NewThread {
                key,
                persona_id: persona.into(),
                persona_name: persona.to_uppercase(),
                title: prompt.into(),
                instructions: None,
            }),
            message(0, Role::User, prompt),
            message(1, Role::Assistant, answer),
        ]
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("history.db")).expect("open");
        (dir, store)
    }

    fn fts_ok(store: &Store) {
        for table in ["messages_fts", "messages_cjk"] {
            store
                .conn
                .execute(
                    &format!("INSERT INTO {table}({table}) VALUES ('integrity-check')"),
                    [],
                )
                .expect("the index matches its messages");
        }
    }

    #[test]
    fn a_renamed_thread_and_comparison_keep_their_place_in_the_list() {
        let (_dir, mut store) = store();
        let mut ops = thread(1, "a", "first question", "alpha");
        ops.extend(thread(2, "b", "second question", "beta"));
        ops.extend(thread(3, "c", "second question", "gamma"));
        ops.push(StoreOp::Comparison {
            key: 9,
            title: "second question".into(),
            threads: vec![StoreKey::Session(2), StoreKey::Session(3)],
        });
        store.apply(&ops).expect("write");
        let before: Vec<ConversationId> = store.list().expect("list").iter().map(|s| s.id).collect();
        let comparison = *before
            .iter()
            .find(|id| matches!(id, ConversationId::Comparison(_)))
            .expect("a comparison");
        let solo = *before
            .iter()
            .find(|id| matches!(id, ConversationId::Thread(_)))
            .expect("a thread");
        store
            .apply(&[
                StoreOp::Rename {
                    conversation: solo,
                    title: "  Pricing notes  ".into(),
                },
                StoreOp::Rename {
                    conversation: comparison,
                    title: "x".repeat(500),
                },
            ])
            .expect("rename");
        let list = store.list().expect("list");
        assert_eq!(
            list.iter().map(|s| s.id).collect::<Vec<_>>(),
            before,
            "same order"
        );
        let title = |id| {
            list.iter()
                .find(|s| s.id == id)
                .map(|s| s.title.clone())
                .unwrap_or_default()
        };
        assert_eq!(title(solo), "Pricing notes");
        assert_eq!(title(comparison).chars().count(), crate::history::op::TITLE_CHARS);
    }

    #[test]
    fn deleting_a_thread_removes_its_messages_from_the_list_and_the_search() {
        let (_dir, mut store) = store();
        let mut ops = thread(1, "a", "keep me", "kiwi");
        ops.extend(thread(2, "b", "drop me", "durian 東京タワー"));
        store.apply(&ops).expect("write");
        assert_eq!(store.search("durian", 10).expect("search").len(), 1);
        let id = store
            .list()
            .expect("list")
            .into_iter()
            .find(|s| s.title == "drop me")
            .map(|s| s.id)
            .expect("listed");
        store.apply(&[StoreOp::Delete(id)]).expect("delete");
        let list = store.list().expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].title, "keep me");
        assert!(store.search("durian", 10).expect("search").is_empty());
        assert!(store.search("東京タワー", 10).expect("search").is_empty());
        assert_eq!(store.search("kiwi", 10).expect("search").len(), 1);
        fts_ok(&store);
        // Deleting again, or a message still arriving for it, is no failure.
        store
            .apply(&[
                StoreOp::Delete(id),
                StoreOp::Message {
                    thread: StoreKey::Session(2),
                    seq: 2,
                    message: MessageRecord {
                        role: Role::User,
                        text: "late".into(),
                        status: Status::Complete,
                        usage: None,
                        response_id: None,
                        parts: Vec::new(),
                        error: None,
                    },
                },
            ])
            .expect("nothing to do is fine");
        assert_eq!(store.list().expect("list").len(), 1);
    }

    #[test]
    fn deleting_a_comparison_removes_its_threads_and_their_messages() {
        let (_dir, mut store) = store();
        let mut ops = thread(1, "a", "solo", "apple");
        ops.extend(thread(2, "b", "both", "banana"));
        ops.extend(thread(3, "c", "both", "cherry"));
        ops.push(StoreOp::Comparison {
            key: 9,
            title: "both".into(),
            threads: vec![StoreKey::Session(2), StoreKey::Session(3)],
        });
        store.apply(&ops).expect("write");
        let id = store
            .list()
            .expect("list")
            .into_iter()
            .map(|s| s.id)
            .find(|id| matches!(id, ConversationId::Comparison(_)))
            .expect("a comparison");
        store.apply(&[StoreOp::Delete(id)]).expect("delete");
        let list = store.list().expect("list");
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].title, "solo");
        for word in ["banana", "cherry", "both"] {
            assert!(store.search(word, 10).expect("search").is_empty(), "{word}");
        }
        let count = |sql: &str| -> i64 { store.conn.query_row(sql, [], |r| r.get(0)).expect("count") };
        assert_eq!(count("SELECT count(*) FROM threads"), 1);
        assert_eq!(count("SELECT count(*) FROM messages"), 2);
        assert_eq!(count("SELECT count(*) FROM comparisons"), 0);
        assert_eq!(count("SELECT count(*) FROM comparison_threads"), 0);
        fts_ok(&store);
        // A thread of the deleted comparison, addressed by its row, is skipped quietly.
        store
            .apply(&[StoreOp::Rename {
                conversation: ConversationId::Thread(2),
                title: "gone".into(),
            }])
            .expect("renaming what is gone does nothing");
    }
}

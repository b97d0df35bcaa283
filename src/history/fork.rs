//! Forks in the store: a thread that continues another one from an edited prompt.
//!
//! Owns: carrying out `StoreOp::Fork` inside a batch's transaction — the new thread's
//! row, linked to its parent (`threads.parent_thread`) and to the message that was edited
//! (`threads.fork_message`), and copies of the parent's messages before that place, with
//! their own rows (the full-text indexes take them by their triggers). The parent branch
//! is never changed: it stays whole and can be reopened. Does not own: when a fork is
//! made or which thread it forks (the reducer's `update::fork`), resolving session keys
//! to rows (`write`), or the edited prompt and its answer (ordinary `Message`s that follow).

use rusqlite::{params, OptionalExtension, Transaction};

use super::op::NewThread;

/// Inserts the fork `thread` of `parent` at place `at` and copies the parent's messages
/// before `at`; returns the new row. Without a parent (one the store does not know), the
/// thread is inserted unlinked and empty.
pub(super) fn fork(
    tx: &Transaction<'_>,
    thread: &NewThread,
    parent: Option<i64>,
    at: u32,
    now: i64,
) -> rusqlite::Result<i64> {
    let fork_message: Option<i64> = match parent {
        Some(parent) => tx
            .query_row(
                "SELECT id FROM messages WHERE thread_id = ?1 AND seq = ?2",
                params![parent, at],
                |r| r.get(0),
            )
            .optional()?,
        None => None,
    };
    tx.execute(
        "INSERT INTO threads (persona_id, persona_name, title, instructions, parent_thread,
                              fork_message, created_ms, updated_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)",
        params![
            thread.persona_id,
            thread.persona_name,
            thread.title,
            thread.instructions,
            parent,
            fork_message,
            now
        ],
    )?;
    let row = tx.last_insert_rowid();
    if let Some(parent) = parent {
        // The copies keep what the originals were (text, status, usage, times): the
        // branch reads the same up to the fork, whichever branch is opened.
        tx.execute(
            "INSERT INTO messages (thread_id, seq, role, text, status, usage, credits,
                                   response_id, parts, error, created_ms, updated_ms, spaceless)
             SELECT ?1, seq, role, text, status, usage, credits, response_id, parts, error,
                    created_ms, updated_ms, spaceless
             FROM messages WHERE thread_id = ?2 AND seq < ?3 ORDER BY seq",
            params![row, parent, at],
        )?;
    }
    Ok(row)
}

#[cfg(test)]
mod tests {
    use crate::history::op::ConversationId;
    use crate::history::op::{title, MessageRecord, NewThread, Role, Status, StoreKey, StoreOp};
    use crate::history::Store;

    fn record(role: Role, text: &str) -> MessageRecord {
        MessageRecord::plain(role, text, Status::Complete)
    }

    fn new_thread(key: u64, first: &str) -> NewThread {
        NewThread {
            key,
            persona_id: "cfo".into(),
            persona_name: "CFO".into(),
            title: title(first),
            instructions: None,
        }
    }

    fn message(thread: StoreKey, seq: u32, role: Role, text: &str) -> StoreOp {
        StoreOp::Message {
            thread,
            seq,
            message: record(role, text),
        }
    }

    /// A thread "q1 a1 q2 a2" begun this session with key 1.
    fn parent_ops() -> Vec<StoreOp> {
        let k = StoreKey::Session(1);
        vec![
            StoreOp::Thread(new_thread(1, "q1")),
            message(k, 0, Role::User, "q1"),
            message(k, 1, Role::Assistant, "a1"),
            message(k, 2, Role::User, "q2"),
            message(k, 3, Role::Assistant, "a2"),
        ]
    }

    /// The fork of `parent` at place 2 ("q2" edited into "q2 edited"), with its answer.
    fn fork_ops(parent: StoreKey) -> Vec<StoreOp> {
        let k = StoreKey::Session(2);
        vec![
            StoreOp::Fork {
                thread: new_thread(2, "q1"),
                parent,
                at: 2,
            },
            message(k, 2, Role::User, "q2 edited"),
            message(k, 3, Role::Assistant, "a2 again"),
        ]
    }

    fn texts(store: &Store, row: i64) -> Vec<String> {
        let archive = store
            .archive(ConversationId::Thread(row))
            .expect("read")
            .expect("the thread");
        archive.threads[0]
            .messages
            .iter()
            .map(|m| m.text.clone())
            .collect()
    }

    fn links(store: &Store, row: i64) -> (Option<i64>, Option<i64>) {
        store
            .conn
            .query_row(
                "SELECT parent_thread, fork_message FROM threads WHERE id = ?1",
                [row],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .expect("links")
    }

    fn message_row(store: &Store, thread: i64, seq: u32) -> i64 {
        store
            .conn
            .query_row(
                "SELECT id FROM messages WHERE thread_id = ?1 AND seq = ?2",
                rusqlite::params![thread, seq],
                |r| r.get(0),
            )
            .expect("message")
    }

    fn open() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Store::open(&dir.path().join("history.db")).expect("open");
        (dir, store)
    }

    #[test]
    fn a_fork_of_a_thread_begun_this_session_copies_the_prefix_and_links_its_parent() {
        let (_dir, mut store) = open();
        store.apply(&parent_ops()).expect("parent");
        store.apply(&fork_ops(StoreKey::Session(1))).expect("fork");
        let parent = store.threads[&1];
        let fork = store.threads[&2];
        assert_ne!(parent, fork);
        assert_eq!(texts(&store, fork), ["q1", "a1", "q2 edited", "a2 again"]);
        assert_eq!(
            texts(&store, parent),
            ["q1", "a1", "q2", "a2"],
            "the old branch is intact"
        );
        assert_eq!(
            links(&store, fork),
            (Some(parent), Some(message_row(&store, parent, 2)))
        );
        assert_eq!(links(&store, parent), (None, None));
    }

    #[test]
    fn a_fork_in_the_same_batch_as_its_parent_sees_the_parent_written() {
        let (_dir, mut store) = open();
        let mut ops = parent_ops();
        ops.extend(fork_ops(StoreKey::Session(1)));
        store.apply(&ops).expect("one batch");
        let fork = store.threads[&2];
        assert_eq!(texts(&store, fork), ["q1", "a1", "q2 edited", "a2 again"]);
    }

    #[test]
    fn a_fork_of_a_thread_stored_earlier_is_made_by_its_row() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.db");
        let parent = {
            let mut store = Store::open(&path).expect("open");
            store.apply(&parent_ops()).expect("parent");
            store.threads[&1]
        };
        let mut store = Store::open(&path).expect("reopen");
        store.apply(&fork_ops(StoreKey::Row(parent))).expect("fork");
        let fork = store.threads[&2];
        assert_eq!(texts(&store, fork), ["q1", "a1", "q2 edited", "a2 again"]);
        assert_eq!(texts(&store, parent), ["q1", "a1", "q2", "a2"]);
        assert_eq!(
            links(&store, fork),
            (Some(parent), Some(message_row(&store, parent, 2)))
        );
    }

    #[test]
    fn forking_the_first_prompt_copies_nothing_and_a_fork_of_a_fork_links_to_it() {
        let (_dir, mut store) = open();
        store.apply(&parent_ops()).expect("parent");
        let k = StoreKey::Session(3);
        store
            .apply(&[
                StoreOp::Fork {
                    thread: new_thread(3, "other"),
                    parent: StoreKey::Session(1),
                    at: 0,
                },
                message(k, 0, Role::User, "other"),
            ])
            .expect("fork at 0");
        assert_eq!(texts(&store, store.threads[&3]), ["other"]);
        store.apply(&fork_ops(k)).expect("fork of the fork");
        let (parent, _) = links(&store, store.threads[&2]);
        assert_eq!(parent, Some(store.threads[&3]));
        assert_eq!(
            texts(&store, store.threads[&2]),
            ["other", "q2 edited", "a2 again"]
        );
    }

    #[test]
    fn a_fork_of_an_unknown_thread_begins_unlinked() {
        let (_dir, mut store) = open();
        store.apply(&fork_ops(StoreKey::Row(999))).expect("fork");
        let fork = store.threads[&2];
        assert_eq!(texts(&store, fork), ["q2 edited", "a2 again"]);
        assert_eq!(links(&store, fork), (None, None));
    }
}

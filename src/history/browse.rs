//! The history view's reads: what the app asks the store while the view is open, and
//! what comes back — run on the storage thread (`Handle::read`), in order with writes.
//!
//! Owns: the questions (`Query`: the list, a search, one conversation to reopen) and their
//! answers (`Found`), and where a searched message sits in its conversation (its thread
//! and its place in it), so a reopened conversation can be shown at the match. A failed
//! read is an answer too (`Found::Failed`), never a panic. Text comes back raw: the app
//! sanitises it where it enters state. Does not own: the SQL of listing, loading and
//! searching (`read`, `search`), or the view (`app::browse`, `view::browse`).

use rusqlite::OptionalExtension;

use super::db::Store;
use super::op::ConversationId;
use super::op::StoreKey;
use super::read::{int, Conversation, Summary};
use super::search::Hit;

/// Most hits a search shows: enough to scroll through, few enough to read at once.
pub const SEARCH_LIMIT: usize = 200;
/// Most conversations the list shows, newest first: reading them costs the same however
/// large the history grows (`Store::recent`); older ones are found by searching.
pub const LIST_LIMIT: usize = 1000;

/// What the history view asks.
#[derive(Debug, Clone, PartialEq)]
pub enum Query {
    /// The newest conversations (`LIST_LIMIT`), newest first.
    List,
    /// Messages matching these words (`Store::search`).
    Search(String),
    /// A conversation, whole, to reopen; `message`: the searched message to show.
    Open {
        conversation: ConversationId,
        message: Option<i64>,
    },
    /// Which of these links of threads on screen no longer lead to a stored thread (after
    /// a delete): those threads are stored afresh if they are continued.
    Gone(Vec<StoreKey>),
}

/// Where a message is in a conversation: which thread (its column), and its place.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct At {
    /// The thread's index in `Conversation::threads`.
    pub column: usize,
    /// The message's index in that thread's messages.
    pub index: usize,
}

/// What the store answered.
#[derive(Debug, Clone, PartialEq)]
pub enum Found {
    List(Vec<Summary>),
    Hits(Vec<Hit>),
    /// `None`: it is gone (deleted meanwhile).
    Opened {
        conversation: Option<Conversation>,
        at: Option<At>,
    },
    Gone(Vec<StoreKey>),
    Failed(String),
}

/// Answers `query`.
pub fn answer(store: &Store, query: &Query) -> Found {
    let result = match query {
        Query::List => store.recent(LIST_LIMIT).map(Found::List),
        Query::Search(words) => store.search(words, SEARCH_LIMIT).map(Found::Hits),
        Query::Open {
            conversation,
            message,
        } => open(store, *conversation, *message),
        Query::Gone(keys) => gone(store, keys).map(Found::Gone),
    };
    result.unwrap_or_else(|e| Found::Failed(e.to_string()))
}

fn open(store: &Store, id: ConversationId, message: Option<i64>) -> rusqlite::Result<Found> {
    let conversation = store.load(id)?;
    let at = match (&conversation, message) {
        (Some(c), Some(m)) => store.locate(c, m)?,
        _ => None,
    };
    Ok(Found::Opened { conversation, at })
}

fn gone(store: &Store, keys: &[StoreKey]) -> rusqlite::Result<Vec<StoreKey>> {
    let mut gone = Vec::new();
    for key in keys {
        let row = match key {
            // A session's thread the store no longer maps was deleted (or never written).
            StoreKey::Session(n) => store.threads.get(n).copied(),
            StoreKey::Row(r) => Some(*r),
        };
        let exists = match row {
            Some(r) => store
                .conn
                .query_row("SELECT 1 FROM threads WHERE id = ?1", [r], |_| Ok(()))
                .optional()?
                .is_some(),
            None => false,
        };
        if !exists {
            gone.push(*key);
        }
    }
    Ok(gone)
}

impl Store {
    /// Where message `id` is in `conversation`, if it is there.
    fn locate(&self, conversation: &Conversation, id: i64) -> rusqlite::Result<Option<At>> {
        // Its place is how many messages of its thread come before it (the loaded
        // messages are in `seq` order, which may have gaps after a hand edit).
        let row = self
            .conn
            .query_row(
                "SELECT m.thread_id,
                        (SELECT count(*) FROM messages x WHERE x.thread_id = m.thread_id AND x.seq < m.seq)
                 FROM messages m WHERE m.id = ?1",
                [id],
                |r| Ok((int(r, 0), int(r, 1))),
            )
            .optional()?;
        Ok(row.and_then(|(thread, before)| {
            let column = conversation.threads.iter().position(|t| t.id == thread)?;
            let index = usize::try_from(before).ok()?;
            Some(At { column, index })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::op::{MessageRecord, NewThread, Role, Status, StoreKey, StoreOp};

    fn ops(key: u64, texts: &[&str]) -> Vec<StoreOp> {
        let mut ops = vec![StoreOp::Thread(NewThread {
            key,
            persona_id: format!("p{key}"),
            persona_name: format!("P{key}"),
            title: texts.first().copied().unwrap_or_default().into(),
            instructions: None,
        })];
        for (seq, text) in texts.iter().enumerate() {
            ops.push(StoreOp::Message {
                thread: StoreKey::Session(key),
                seq: seq as u32,
                message: MessageRecord {
                    role: if seq % 2 == 0 { Role::User } else { Role::Assistant },
                    text: (*text).into(),
                    status: Status::Complete,
                    usage: None,
                    response_id: None,
                    parts: Vec::new(),
                    error: None,
                },
            });
        }
        ops
    }

    #[test]
    fn a_searched_message_is_found_in_its_column_at_its_place() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("history.db")).expect("open");
        let mut all = ops(1, &["q", "first answer", "again", "the walrus answer"]);
        all.extend(ops(2, &["q", "other"]));
        all.push(StoreOp::Comparison {
            key: 5,
            title: "q".into(),
            threads: vec![StoreKey::Session(2), StoreKey::Session(1)],
        });
        store.apply(&all).expect("write");
        let Found::Hits(hits) = answer(&store, &Query::Search("walr".into())) else {
            panic!("hits");
        };
        assert_eq!(hits.len(), 1);
        let found = answer(
            &store,
            &Query::Open {
                conversation: hits[0].conversation,
                message: Some(hits[0].message_id),
            },
        );
        let Found::Opened {
            conversation: Some(c),
            at,
        } = found
        else {
            panic!("opened: {found:?}");
        };
        assert_eq!(c.threads.len(), 2);
        assert_eq!(at, Some(At { column: 1, index: 3 }));
        assert!(matches!(answer(&store, &Query::List), Found::List(l) if l.len() == 1));
        let gone = answer(
            &store,
            &Query::Open {
                conversation: ConversationId::Thread(99),
                message: Some(1),
            },
        );
        assert_eq!(
            gone,
            Found::Opened {
                conversation: None,
                at: None
            }
        );
        store
            .apply(&[StoreOp::Delete(hits[0].conversation)])
            .expect("delete");
        assert_eq!(
            answer(
                &store,
                &Query::Gone(vec![StoreKey::Session(1), StoreKey::Row(1), StoreKey::Session(7)])
            ),
            Found::Gone(vec![StoreKey::Session(1), StoreKey::Row(1), StoreKey::Session(7)])
        );
    }
}

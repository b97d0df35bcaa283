//! The store's own tests: schema and migrations, writing and reading back, search in any
//! script, odd rows; and in `refusals`, the files it must refuse and leave untouched.

mod refusals;

use std::path::{Path, PathBuf};

use rusqlite::Connection;

use super::op::ConversationId;
use super::op::{title, MessageRecord, NewThread, Role, Status, StoreKey, StoreOp};
use super::schema::{self, Migration};
use super::search::{MARK_END, MARK_START};
use super::Store;
use crate::api::wire::Usage;

fn db(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("data/mavera-tui/history.db")
}

fn record(role: Role, text: &str, status: Status) -> MessageRecord {
    MessageRecord::plain(role, text, status)
}

fn thread(key: u64, persona: &str, first: &str) -> StoreOp {
    StoreOp::Thread(NewThread {
        key,
        persona_id: format!("c{persona}"),
        persona_name: persona.into(),
        title: title(first),
        instructions: None,
    })
}

fn message(key: u64, seq: u32, role: Role, text: &str, status: Status) -> StoreOp {
    StoreOp::Message {
        thread: StoreKey::Session(key),
        seq,
        message: record(role, text, status),
    }
}

/// A thread with one exchange per `(prompt, answer)`.
fn conversation(store: &mut Store, key: u64, persona: &str, exchanges: &[(&str, &str)]) {
    let mut ops = vec![thread(key, persona, exchanges[0].0)];
    for (i, (q, a)) in exchanges.iter().enumerate() {
        ops.push(message(key, 2 * i as u32, Role::User, q, Status::Complete));
        ops.push(message(
            key,
            2 * i as u32 + 1,
            Role::Assistant,
            a,
            Status::Complete,
        ));
    }
    store.apply(&ops).expect("apply");
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path)
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0)
}

fn pragma<T: rusqlite::types::FromSql>(path: &Path, name: &str) -> T {
    let conn = Connection::open(path).expect("open");
    conn.query_row(&format!("PRAGMA {name}"), [], |r| r.get(0))
        .expect("pragma")
}

#[test]
fn a_new_history_is_private_versioned_and_in_wal_mode() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    let store = Store::open(&path).expect("open");
    #[cfg(unix)]
    {
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().expect("dir")), 0o700);
        assert_eq!(mode(&super::db::lock_path(&path)), 0o600);
    }
    drop(store);
    assert_eq!(pragma::<u32>(&path, "user_version"), schema::latest());
    assert_eq!(pragma::<i32>(&path, "application_id"), schema::APPLICATION_ID);
    assert_eq!(pragma::<String>(&path, "journal_mode"), "wal");
    let conn = Connection::open(&path).expect("open");
    let tables: Vec<String> = conn
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .and_then(|mut s| s.query_map([], |r| r.get(0))?.collect())
        .expect("tables");
    for t in [
        "comparison_threads",
        "comparisons",
        "messages",
        "messages_cjk",
        "messages_fts",
        "threads",
    ] {
        assert!(tables.iter().any(|n| n == t), "{t} in {tables:?}");
    }
}

#[test]
fn an_empty_file_is_migrated_from_version_0() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.db");
    std::fs::write(&path, b"").expect("empty file");
    drop(Store::open(&path).expect("open"));
    assert_eq!(pragma::<u32>(&path, "user_version"), schema::latest());
}

#[test]
fn every_earlier_version_migrates_to_the_latest() {
    for from in 0..schema::latest() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.db");
        let mut conn = Connection::open(&path).expect("open");
        schema::migrate_with(&mut conn, 0, &schema::MIGRATIONS[..from as usize]).expect("older");
        drop(conn);
        let mut announced = None;
        drop(Store::open_announcing(&path, |v| announced = Some(v)).expect("migrates"));
        assert_eq!(
            pragma::<u32>(&path, "user_version"),
            schema::latest(),
            "from {from}"
        );
        // Upgrading a history is announced; creating one is not.
        assert_eq!(announced, (from > 0).then_some(from), "from {from}");
    }
    // Nor is opening one that is up to date.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.db");
    drop(Store::open(&path).expect("create"));
    let mut announced = false;
    drop(Store::open_announcing(&path, |_| announced = true).expect("reopen"));
    assert!(!announced);
}

#[test]
fn a_later_migration_runs_once_keeps_the_data_and_moves_the_version() {
    fn v2(tx: &rusqlite::Transaction<'_>) -> rusqlite::Result<()> {
        tx.execute_batch("ALTER TABLE threads ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0")
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.db");
    let mut store = Store::open(&path).expect("open");
    conversation(&mut store, 1, "CFO", &[("kept?", "kept.")]);
    drop(store);
    let steps: Vec<Migration> = schema::MIGRATIONS
        .iter()
        .copied()
        .chain([v2 as Migration])
        .collect();
    let mut conn = Connection::open(&path).expect("open");
    schema::migrate_with(&mut conn, schema::latest(), &steps).expect("to v2");
    schema::migrate_with(&mut conn, schema::latest() + 1, &steps).expect("nothing left to do");
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .expect("version");
    assert_eq!(version, schema::latest() + 1);
    let (title, pinned): (String, i64) = conn
        .query_row("SELECT title, pinned FROM threads", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .expect("row");
    assert_eq!((title.as_str(), pinned), ("kept?", 0));
}

#[test]
fn messages_are_stored_replaced_in_place_and_read_back_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    let mut store = Store::open(&path).expect("open");
    let usage = Usage {
        total_tokens: Some(30),
        credits_used: Some(3.0),
        ..Usage::default()
    };
    store
        .apply(&[
            thread(7, "CFO", "  Should we buy it?  "),
            message(7, 0, Role::User, "  Should we buy it?  ", Status::Complete),
            message(7, 1, Role::Assistant, "Maybe", Status::Streaming),
        ])
        .expect("first");
    store
        .apply(&[StoreOp::Message {
            thread: StoreKey::Session(7),
            seq: 1,
            message: MessageRecord {
                usage: Some(usage.clone()),
                response_id: Some("resp_1".into()),
                parts: vec![serde_json::json!({"type": "refusal", "text": "no"})],
                ..record(Role::Assistant, "Maybe not.", Status::Complete)
            },
        }])
        .expect("ending");
    let list = store.list().expect("list");
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].title, "Should we buy it?", "the first prompt, trimmed");
    assert_eq!(list[0].personas, ["CFO"]);
    assert_eq!(
        (list[0].answers, list[0].credits.spent, list[0].credits.unreported),
        (1, 3.0, 0)
    );
    let conv = store.latest().expect("latest").expect("a conversation");
    let t = &conv.threads[0];
    assert_eq!(t.persona_id, "cCFO");
    let texts: Vec<&str> = t.messages.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts, ["  Should we buy it?  ", "Maybe not."]);
    assert_eq!(t.messages[1].status, Status::Complete);
    assert_eq!(t.messages[1].usage, Some(usage));
    assert_eq!(t.messages[1].response_id.as_deref(), Some("resp_1"));
    assert_eq!(t.messages[1].parts.len(), 1);
    // The search index followed the replacement: the old text is gone from it.
    assert!(store.search("maybe", 10).expect("search").len() == 1);
    assert!(store.search("not", 10).expect("search").len() == 1);
}

#[test]
fn only_the_last_version_of_a_message_in_a_batch_is_written() {
    let mut ops = vec![
        thread(1, "CFO", "q"),
        message(1, 0, Role::User, "q", Status::Complete),
        message(1, 1, Role::Assistant, "a", Status::Streaming),
        message(1, 1, Role::Assistant, "ab", Status::Streaming),
        message(1, 1, Role::Assistant, "abc", Status::Complete),
    ];
    super::write::coalesce(&mut ops);
    assert_eq!(ops.len(), 3);
    assert!(matches!(&ops[2], StoreOp::Message { message, .. } if message.text == "abc"));
}

#[test]
fn an_answer_left_streaming_is_interrupted_when_the_history_is_next_opened() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    let mut store = Store::open(&path).expect("open");
    store
        .apply(&[
            thread(1, "CFO", "q"),
            message(1, 0, Role::User, "q", Status::Complete),
            message(1, 1, Role::Assistant, "half an ans", Status::Streaming),
        ])
        .expect("checkpoint");
    drop(store); // as if killed: nothing else happened
    let store = Store::open(&path).expect("reopen");
    let conv = store.latest().expect("latest").expect("a conversation");
    let answer = &conv.threads[0].messages[1];
    assert_eq!(answer.status, Status::Interrupted);
    assert_eq!(answer.text, "half an ans");
    assert!(answer.error.is_some());
}

#[test]
fn a_comparison_is_its_threads_in_column_order_listed_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&db(&dir)).expect("open");
    conversation(&mut store, 1, "CFO", &[("price?", "high")]);
    conversation(&mut store, 2, "Gen Z Consumer", &[("price?", "mid")]);
    let compare = StoreOp::Comparison {
        key: 3,
        title: "price?".into(),
        threads: vec![StoreKey::Session(2), StoreKey::Session(1)],
    };
    store.apply(std::slice::from_ref(&compare)).expect("comparison");
    store.apply(&[compare]).expect("the same again");
    conversation(&mut store, 4, "B2B Decision Maker", &[("alone", "yes")]);
    let list = store.list().expect("list");
    let ids: Vec<String> = list.iter().map(|s| s.id.label()).collect();
    assert_eq!(
        ids.len(),
        2,
        "{ids:?}: the compared threads are listed as one comparison"
    );
    let comparison = list
        .iter()
        .find(|s| matches!(s.id, ConversationId::Comparison(_)))
        .expect("listed");
    assert_eq!(comparison.personas, ["Gen Z Consumer", "CFO"]);
    assert_eq!(comparison.answers, 2);
    let conv = store.load(comparison.id).expect("load").expect("found");
    let names: Vec<&str> = conv.threads.iter().map(|t| t.persona_name.as_str()).collect();
    assert_eq!(names, ["Gen Z Consumer", "CFO"]);
}

#[test]
fn a_reopened_thread_is_continued_by_its_row() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    let mut store = Store::open(&path).expect("open");
    conversation(&mut store, 1, "CFO", &[("one", "two")]);
    drop(store);
    let mut store = Store::open(&path).expect("reopen");
    let conv = store.latest().expect("latest").expect("found");
    let row = conv.threads[0].id;
    store
        .apply(&[
            StoreOp::Message {
                thread: StoreKey::Row(row),
                seq: 2,
                message: record(Role::User, "three", Status::Complete),
            },
            // A row that does not exist is skipped, not an error for the batch.
            StoreOp::Message {
                thread: StoreKey::Row(row + 100),
                seq: 0,
                message: record(Role::User, "lost", Status::Complete),
            },
        ])
        .expect("continue");
    let conv = store.latest().expect("latest").expect("found");
    assert_eq!(conv.threads.len(), 1);
    assert_eq!(conv.threads[0].messages.len(), 3);
}

#[test]
fn search_finds_words_by_prefix_without_accents_or_case() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&db(&dir)).expect("open");
    conversation(
        &mut store,
        1,
        "CFO",
        &[("Our new Pricing page", "The café crème costs too much")],
    );
    conversation(&mut store, 2, "Gen Z Consumer", &[("hello", "Привет, мир")]);
    let hit = |q: &str| store.search(q, 10).expect("search");
    assert_eq!(hit("pric").len(), 1, "prefix");
    assert_eq!(hit("PRICING").len(), 1, "case");
    assert_eq!(hit("cafe creme").len(), 1, "accents");
    assert_eq!(hit("приве").len(), 1, "Cyrillic prefix");
    assert!(
        hit("pricing café").is_empty(),
        "every word must match in one message"
    );
    assert!(hit("nothing").is_empty());
    let snippet = &hit("pric")[0].snippet;
    assert!(
        snippet.contains(&format!("{MARK_START}Pricing{MARK_END}")),
        "{snippet}"
    );
    // Query syntax typed by a user is only text.
    for odd in ["\"", "AND", "pric*", "NEAR(", "a:b", "*", "-", "(", "''"] {
        assert!(store.search(odd, 10).is_ok(), "{odd}");
    }
}

#[test]
fn search_finds_cjk_thai_korean_and_emoji_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&db(&dir)).expect("open");
    conversation(
        &mut store,
        1,
        "CFO",
        &[("東京の天気は晴れです", "今日はいい天気ですね 🎉🎉")],
    );
    conversation(
        &mut store,
        2,
        "Gen Z Consumer",
        &[("안녕하세요 여러분", "สวัสดีครับ ยินดีต้อนรับ")],
    );
    conversation(
        &mut store,
        3,
        "B2B Decision Maker",
        &[("party time 🥳", "price of 北京ダック")],
    );
    let hits = |q: &str| -> Vec<String> {
        store
            .search(q, 10)
            .expect("search")
            .into_iter()
            .map(|h| h.snippet)
            .collect()
    };
    let one = |q: &str| {
        let h = hits(q);
        assert_eq!(h.len(), 1, "{q}: {h:?}");
        h.into_iter().next().unwrap_or_default()
    };
    let s = one("晴れです");
    assert!(s.contains(MARK_START) && s.contains("晴れです"), "{s}");
    assert_eq!(hits("天気").len(), 2, "two characters, in both messages");
    let s = one("東京");
    assert!(s.contains(&format!("{MARK_START}東京{MARK_END}")), "{s}");
    one("안녕");
    one("ยินดี");
    one("🥳");
    let s = one("🎉");
    assert!(s.contains(&format!("{MARK_START}🎉{MARK_END}")), "{s}");
    one("price 北京ダック");
    assert!(hits("北京ダック pricing").is_empty());
}

#[test]
fn clearing_deletes_every_conversation_and_its_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    let mut store = Store::open(&path).expect("open");
    conversation(&mut store, 1, "CFO", &[("a secret plan xyzzy", "noted")]);
    assert_eq!(store.clear().expect("clear"), 1);
    assert!(store.list().expect("list").is_empty());
    assert!(store.search("xyzzy", 10).expect("search").is_empty());
    drop(store);
    let bytes = std::fs::read(&path).expect("read");
    assert!(
        !bytes.windows(5).any(|w| w == b"xyzzy"),
        "the text does not linger in the file"
    );
}

#[test]
fn odd_rows_read_as_far_as_they_go() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    let mut store = Store::open(&path).expect("open");
    conversation(&mut store, 1, "CFO", &[("fine", "also fine")]);
    // A hand edit: values of the wrong type, JSON that is not JSON, unknown words.
    store
        .conn
        .execute_batch(
            "INSERT INTO threads (persona_id, persona_name, title, created_ms, updated_ms)
                 VALUES (42, X'43464F', 3.5, 'soon', 9e18);
             INSERT INTO messages (thread_id, seq, role, text, status, usage, credits, parts,
                                   created_ms, updated_ms)
                 VALUES (last_insert_rowid(), 0, 'system', 77, 'exploded', '{not json', 'many',
                         '{\"type\":\"refusal\"}', 0, 0);",
        )
        .expect("odd rows");
    let list = store.list().expect("the list still reads");
    assert_eq!(list.len(), 2);
    let odd = list
        .iter()
        .find(|s| s.title == "3.5")
        .expect("the odd thread, its title as text");
    assert_eq!(odd.personas, ["CFO"]);
    let conv = store.load(odd.id).expect("load").expect("found");
    let m = &conv.threads[0].messages[0];
    assert_eq!(
        (m.role, m.text.as_str(), m.status),
        (Role::Assistant, "77", Status::Complete)
    );
    assert_eq!((m.usage.clone(), m.parts.len()), (None, 0));
    assert_eq!(store.search("77", 10).expect("search").len(), 1);
    assert!(store.latest().expect("latest").is_some());
}

#[test]
fn both_indexes_follow_every_change_of_a_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&db(&dir)).expect("open");
    store.apply(&[thread(1, "CFO", "q")]).expect("thread");
    // Checkpoints of a streaming answer are stored but not indexed (each would cost the
    // whole text again): the answer is found once it ends.
    for text in ["東京タワー tower", "only latin words"] {
        store
            .apply(&[message(1, 0, Role::Assistant, text, Status::Streaming)])
            .expect("a checkpoint");
    }
    let count = |store: &Store, q: &str| store.search(q, 10).expect("search").len();
    assert_eq!(count(&store, "latin"), 0, "not indexed while streaming");
    let integrity = |store: &Store| {
        for table in ["messages_fts", "messages_cjk"] {
            store
                .conn
                .execute(
                    &format!("INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"),
                    [],
                )
                .unwrap_or_else(|e| panic!("{table} matches the messages: {e}"));
        }
    };
    for text in ["大阪城 castle", "大阪城 castle, longer"] {
        store
            .apply(&[message(1, 0, Role::Assistant, text, Status::Complete)])
            .expect("the answer ends, then is corrected");
        integrity(&store);
    }
    assert_eq!(
        (
            count(&store, "東京タワー"),
            count(&store, "tower"),
            count(&store, "latin")
        ),
        (0, 0, 0),
        "old text is gone"
    );
    assert_eq!((count(&store, "大阪城"), count(&store, "longer")), (1, 1));
    store.conn.execute("DELETE FROM messages", []).expect("delete");
    assert_eq!((count(&store, "大阪城"), count(&store, "castle")), (0, 0));
    integrity(&store);
}

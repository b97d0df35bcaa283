//! Files the store must refuse — in use by another mavera-tui, locked by another
//! program, damaged, another program's, from a newer version — each left byte for byte
//! as it was.

use std::path::Path;

use rusqlite::Connection;

use super::{conversation, db};
use crate::history::schema;
use crate::history::{OpenError, Store};

fn untouched(path: &Path, before: &[u8]) {
    assert_eq!(std::fs::read(path).expect("read"), before, "left byte for byte");
}

#[test]
fn a_history_in_use_by_another_mavera_tui_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    let mut first = Store::open(&path).expect("first");
    conversation(&mut first, 1, "CFO", &[("q", "a")]);
    let before = std::fs::read(&path).expect("read");
    match Store::open(&path) {
        Err(OpenError::InUse { .. }) => {}
        other => panic!("{other:?}"),
    }
    untouched(&path, &before);
    // Reading still works, without writing: what the running one committed.
    let reader = Store::open_for_reading(&path).expect("read-only");
    assert_eq!(reader.list().expect("list").len(), 1);
    drop(first);
    drop(Store::open(&path).expect("free again once the first is closed"));
}

#[test]
fn a_history_locked_by_another_program_is_refused() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    drop(Store::open(&path).expect("create"));
    let other = Connection::open(&path).expect("other program");
    other.execute_batch("BEGIN EXCLUSIVE").expect("lock");
    let before = std::fs::read(&path).expect("read");
    match Store::open(&path) {
        Err(OpenError::Locked { .. }) => {}
        other => panic!("{other:?}"),
    }
    untouched(&path, &before);
    other.execute_batch("ROLLBACK").expect("unlock");
}

#[test]
fn a_damaged_file_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    std::fs::create_dir_all(path.parent().expect("dir")).expect("dir");
    let garbage: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::write(&path, &garbage).expect("write");
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, OpenError::NotHistory { .. }), "{err:?}");
    assert!(err.to_string().contains("not a database"), "{err}");
    assert!(err.to_string().contains("left untouched"), "{err}");
    untouched(&path, &garbage);
    assert!(Store::open_for_reading(&path).is_err());
    untouched(&path, &garbage);
}

#[test]
fn a_history_from_a_newer_version_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = db(&dir);
    drop(Store::open(&path).expect("create"));
    let conn = Connection::open(&path).expect("open");
    conn.pragma_update(None, "user_version", schema::latest() + 5)
        .expect("newer");
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
        .expect("checkpoint");
    drop(conn);
    let before = std::fs::read(&path).expect("read");
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, OpenError::Newer { .. }), "{err:?}");
    assert!(err.to_string().contains("newer mavera-tui"), "{err}");
    untouched(&path, &before);
    assert!(Store::open_for_reading(&path).is_err());
    untouched(&path, &before);
}

#[test]
fn another_programs_database_is_refused_and_untouched() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("history.db");
    let conn = Connection::open(&path).expect("open");
    conn.execute_batch("CREATE TABLE notes (body TEXT); INSERT INTO notes VALUES ('mine');")
        .expect("someone else's");
    drop(conn);
    let before = std::fs::read(&path).expect("read");
    let err = Store::open(&path).expect_err("refused");
    assert!(matches!(err, OpenError::NotHistory { .. }), "{err:?}");
    untouched(&path, &before);
}

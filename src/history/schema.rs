//! The database's shape and how it gets there: a list of migrations, one per schema
//! version, recorded in `PRAGMA user_version`.
//!
//! Owns: every table, index, full-text index and trigger, and the path from any earlier
//! version to the latest — each step in its own transaction with its version number, so
//! an interrupted upgrade leaves the last whole version. A migration, once released, is
//! never edited: a change is a new migration appended to `MIGRATIONS`. Does not own:
//! deciding whether a file may be migrated at all (`db::open` refuses newer, damaged or
//! foreign files first).
//!
//! Search (version 1) uses two full-text indexes, kept by triggers over `messages.text`
//! (external content: the text is stored once):
//! - `messages_fts`, tokenizer `unicode61 remove_diacritics 2`: words
//!   in any script written with spaces (Latin, Cyrillic, Greek, Arabic, Hebrew, Hangul,
//!   ...), case- and accent-insensitive, and prefix queries (`pric*`).
//! - `messages_cjk`, tokenizer `trigram`: substring search for scripts written without
//!   spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar), where `unicode61` would index
//!   a whole sentence as one token and find nothing inside it. Only messages holding such
//!   characters are in it (`NO_SPACE_RANGES`), so it costs nothing for others. Terms of
//!   one or two such characters, or of symbols and emoji (which neither tokenizer
//!   indexes), are matched with `LIKE` (`search`).
//!
//! Version 2 marks the messages that belong in `messages_cjk` with a column the writer
//! sets (`spaceless`), where version 1's triggers tested every text with a `GLOB` of the
//! character ranges — a scan that cost more than indexing a long answer.
//!
//! Version 3 rebuilds `messages_fts` without its prefix indexes. They made indexing a
//! long answer cost more than twice as much (a 20,000-word answer: ~4 ms against
//! ~1.8 ms) for prefix searches that are fast without them, because a search reads its
//! matches newest first and stops at its limit (a two-letter prefix in 100,000 messages:
//! ~1 ms either way).

use rusqlite::Transaction;

/// Written to `PRAGMA application_id`: marks the file as a mavera-tui history ("MVTH").
pub const APPLICATION_ID: i32 = 0x4D56_5448;

/// One step: from version `index` to `index + 1`.
pub type Migration = fn(&Transaction<'_>) -> rusqlite::Result<()>;

/// Every migration, in order; the latest version is their count.
pub const MIGRATIONS: &[Migration] = &[v1, v2, v3];

/// The version this build writes.
pub fn latest() -> u32 {
    MIGRATIONS.len() as u32
}

/// Character ranges of the scripts written without spaces between words, which go to the
/// trigram index. Frozen with version 1 (its triggers test for them): a change is a new
/// migration that rebuilds `messages_cjk`.
pub const NO_SPACE_RANGES: &[(char, char)] = &[
    ('\u{0E00}', '\u{0EFF}'),   // Thai, Lao
    ('\u{1000}', '\u{109F}'),   // Myanmar
    ('\u{1780}', '\u{17FF}'),   // Khmer
    ('\u{3040}', '\u{30FF}'),   // Hiragana, Katakana
    ('\u{31F0}', '\u{31FF}'),   // Katakana phonetic extensions
    ('\u{3400}', '\u{4DBF}'),   // CJK extension A
    ('\u{4E00}', '\u{9FFF}'),   // CJK unified ideographs
    ('\u{F900}', '\u{FAFF}'),   // CJK compatibility ideographs
    ('\u{FF66}', '\u{FF9F}'),   // half-width Katakana
    ('\u{20000}', '\u{3134F}'), // CJK extensions B to G
];

/// Whether `c` belongs to a script written without spaces.
pub fn no_space(c: char) -> bool {
    // Every range starts above U+0E00: most text is decided by one comparison.
    c >= '\u{0E00}' && NO_SPACE_RANGES.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// Whether `text` holds a character of a script written without spaces (ASCII text, the
/// common case, is decided without decoding a character).
pub fn has_no_space(text: &str) -> bool {
    !text.is_ascii() && text.chars().any(no_space)
}

/// A GLOB pattern matching text that holds a character of `NO_SPACE_RANGES`.
fn no_space_glob() -> String {
    let set: String = NO_SPACE_RANGES
        .iter()
        .map(|(lo, hi)| format!("{lo}-{hi}"))
        .collect();
    format!("*[{set}]*")
}

/// Brings the database from version `from` to the latest, one transaction per step.
pub fn migrate(conn: &mut rusqlite::Connection, from: u32) -> rusqlite::Result<()> {
    migrate_with(conn, from, MIGRATIONS)
}

/// `migrate` over any list of migrations (tests run it with made-up later versions).
pub fn migrate_with(
    conn: &mut rusqlite::Connection,
    from: u32,
    migrations: &[Migration],
) -> rusqlite::Result<()> {
    for (index, step) in migrations.iter().enumerate().skip(from as usize) {
        let tx = conn.transaction()?;
        step(&tx)?;
        // Inside the same transaction: the version moves only with the step it names.
        tx.pragma_update(None, "user_version", index as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

/// Version 1: threads, messages, comparisons, and the two full-text indexes.
fn v1(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.pragma_update(None, "application_id", APPLICATION_ID)?;
    tx.execute_batch(
        "CREATE TABLE threads (
            id            INTEGER PRIMARY KEY,
            persona_id    TEXT NOT NULL,          -- '' for no persona
            persona_name  TEXT NOT NULL,          -- as shown when the thread began
            title         TEXT NOT NULL,          -- the first prompt, trimmed
            instructions  TEXT,
            parent_thread INTEGER REFERENCES threads(id) ON DELETE SET NULL,  -- forks
            fork_message  INTEGER REFERENCES messages(id) ON DELETE SET NULL,
            created_ms    INTEGER NOT NULL,
            updated_ms    INTEGER NOT NULL
        );
        CREATE INDEX threads_by_update ON threads(updated_ms);

        CREATE TABLE messages (
            id          INTEGER PRIMARY KEY,
            thread_id   INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
            seq         INTEGER NOT NULL,         -- place in the thread, from 0
            role        TEXT NOT NULL,            -- user | assistant
            text        TEXT NOT NULL,
            -- complete | stopped | interrupted | failed | refused | incomplete | streaming
            status      TEXT NOT NULL,
            usage       TEXT,                     -- JSON, as the server reported it
            credits     REAL,                     -- usage.credits_used: NULL = unknown
            response_id TEXT,
            parts       TEXT NOT NULL DEFAULT '[]', -- JSON array: refusals, analysis, ...
            error       TEXT,                     -- why it failed or was interrupted
            created_ms  INTEGER NOT NULL,
            updated_ms  INTEGER NOT NULL,
            UNIQUE (thread_id, seq)
        );
        CREATE INDEX messages_by_update ON messages(updated_ms);
        CREATE INDEX messages_streaming ON messages(status) WHERE status = 'streaming';

        CREATE TABLE comparisons (
            id         INTEGER PRIMARY KEY,
            title      TEXT NOT NULL,
            created_ms INTEGER NOT NULL
        );
        CREATE TABLE comparison_threads (
            comparison_id INTEGER NOT NULL REFERENCES comparisons(id) ON DELETE CASCADE,
            thread_id     INTEGER NOT NULL REFERENCES threads(id) ON DELETE CASCADE,
            position      INTEGER NOT NULL,       -- the column, from 0
            PRIMARY KEY (comparison_id, position),
            UNIQUE (comparison_id, thread_id)
        );
        CREATE INDEX comparison_threads_by_thread ON comparison_threads(thread_id);

        CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, content = 'messages', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2', prefix = '2 3'
        );
        CREATE VIRTUAL TABLE messages_cjk USING fts5(
            text, content = 'messages', content_rowid = 'id',
            tokenize = 'trigram remove_diacritics 1'
        );",
    )?;
    // One trigger per change, its statements in order: an index entry is removed with
    // the text it was made from before the new text is added. An answer still streaming
    // is not indexed: its checkpoints rewrite the whole text every second, and indexing
    // each would cost its length every time; it is indexed once it ends (or, after a
    // kill, when the next start marks it interrupted).
    let glob = no_space_glob().replace('\'', "''");
    tx.execute_batch(&format!(
        "CREATE TRIGGER messages_ai AFTER INSERT ON messages WHEN new.status != 'streaming' BEGIN
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
            INSERT INTO messages_cjk(rowid, text)
                SELECT new.id, new.text WHERE new.text GLOB '{glob}';
        END;
        CREATE TRIGGER messages_ad AFTER DELETE ON messages WHEN old.status != 'streaming' BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO messages_cjk(messages_cjk, rowid, text)
                SELECT 'delete', old.id, old.text WHERE old.text GLOB '{glob}';
        END;
        CREATE TRIGGER messages_au AFTER UPDATE OF text, status ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text)
                SELECT 'delete', old.id, old.text WHERE old.status != 'streaming';
            INSERT INTO messages_cjk(messages_cjk, rowid, text)
                SELECT 'delete', old.id, old.text
                WHERE old.status != 'streaming' AND old.text GLOB '{glob}';
            INSERT INTO messages_fts(rowid, text)
                SELECT new.id, new.text WHERE new.status != 'streaming';
            INSERT INTO messages_cjk(rowid, text)
                SELECT new.id, new.text
                WHERE new.status != 'streaming' AND new.text GLOB '{glob}';
        END;"
    ))
}

/// Version 2: `messages.spaceless` says whether a message holds a character of a script
/// written without spaces (`no_space`), set when it is written; the triggers read it
/// rather than scanning the text with `GLOB` (which cost more than the indexing itself
/// for a long answer). Existing rows are marked by the same `GLOB`, once.
fn v2(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    let glob = no_space_glob().replace('\'', "''");
    tx.execute_batch(&format!(
        "ALTER TABLE messages ADD COLUMN spaceless INTEGER NOT NULL DEFAULT 0;
        UPDATE messages SET spaceless = 1 WHERE text GLOB '{glob}';
        DROP TRIGGER messages_ai;
        DROP TRIGGER messages_ad;
        DROP TRIGGER messages_au;
        CREATE TRIGGER messages_ai AFTER INSERT ON messages WHEN new.status != 'streaming' BEGIN
            INSERT INTO messages_fts(rowid, text) VALUES (new.id, new.text);
            INSERT INTO messages_cjk(rowid, text) SELECT new.id, new.text WHERE new.spaceless;
        END;
        CREATE TRIGGER messages_ad AFTER DELETE ON messages WHEN old.status != 'streaming' BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text) VALUES ('delete', old.id, old.text);
            INSERT INTO messages_cjk(messages_cjk, rowid, text)
                SELECT 'delete', old.id, old.text WHERE old.spaceless;
        END;
        CREATE TRIGGER messages_au AFTER UPDATE OF text, status, spaceless ON messages BEGIN
            INSERT INTO messages_fts(messages_fts, rowid, text)
                SELECT 'delete', old.id, old.text WHERE old.status != 'streaming';
            INSERT INTO messages_cjk(messages_cjk, rowid, text)
                SELECT 'delete', old.id, old.text WHERE old.status != 'streaming' AND old.spaceless;
            INSERT INTO messages_fts(rowid, text)
                SELECT new.id, new.text WHERE new.status != 'streaming';
            INSERT INTO messages_cjk(rowid, text)
                SELECT new.id, new.text WHERE new.status != 'streaming' AND new.spaceless;
        END;"
    ))
}

/// Version 3: `messages_fts` without prefix indexes (see the module's doc). The new
/// index is filled with what the old one held: every message but those still streaming,
/// which the triggers index once they end.
fn v3(tx: &Transaction<'_>) -> rusqlite::Result<()> {
    tx.execute_batch(
        "DROP TABLE messages_fts;
        CREATE VIRTUAL TABLE messages_fts USING fts5(
            text, content = 'messages', content_rowid = 'id',
            tokenize = 'unicode61 remove_diacritics 2'
        );
        INSERT INTO messages_fts(rowid, text)
            SELECT id, text FROM messages WHERE status != 'streaming';",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use rusqlite::Connection;

    fn hits(conn: &Connection, table: &str, term: &str) -> i64 {
        conn.query_row(
            &format!("SELECT count(*) FROM {table} WHERE {table} MATCH ?1"),
            [term],
            |r| r.get(0),
        )
        .expect("match")
    }

    /// The word index matches every row (the trigram index holds only some rows by
    /// design, so it is checked by its hits instead).
    fn integrity(conn: &Connection) {
        conn.execute(
            "INSERT INTO messages_fts(messages_fts, rank) VALUES ('integrity-check', 1)",
            [],
        )
        .unwrap_or_else(|e| panic!("messages_fts: {e}"));
    }

    #[test]
    fn version_2_keeps_the_cjk_index_of_version_1_and_follows_later_changes() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate_with(&mut conn, 0, &MIGRATIONS[..1]).expect("version 1");
        conn.execute_batch(
            "INSERT INTO threads (id, persona_id, persona_name, title, created_ms, updated_ms)
                 VALUES (1, 'c', 'CFO', 't', 0, 0);
             INSERT INTO messages (thread_id, seq, role, text, status, created_ms, updated_ms)
                 VALUES (1, 0, 'user', '这个定价页面很清楚', 'complete', 0, 0),
                        (1, 1, 'assistant', 'the pricing page is clear', 'complete', 0, 0),
                        (1, 2, 'assistant', '東京タワー streaming', 'streaming', 0, 0);",
        )
        .expect("version 1 rows");
        migrate(&mut conn, 1).expect("version 2");
        let spaceless: Vec<i64> = conn
            .prepare("SELECT spaceless FROM messages ORDER BY seq")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows");
        assert_eq!(spaceless, [1, 0, 1], "marked by their text");
        assert_eq!(hits(&conn, "messages_cjk", "定价页"), 1);
        assert_eq!(
            hits(&conn, "messages_cjk", "東京タ"),
            0,
            "streaming: not indexed yet"
        );
        // The streaming answer ends: indexed now, by its mark.
        conn.execute("UPDATE messages SET status = 'complete' WHERE seq = 2", [])
            .expect("ends");
        assert_eq!(hits(&conn, "messages_cjk", "東京タ"), 1);
        // Every row is indexed now (the check compares the indexes with every row).
        integrity(&conn);
        // Text that loses its last such character leaves the index when its mark is cleared
        // (the writer sets both together).
        conn.execute(
            "UPDATE messages SET text = 'plain now', spaceless = 0 WHERE seq = 0",
            [],
        )
        .expect("edit");
        assert_eq!(hits(&conn, "messages_cjk", "定价页"), 0);
        assert_eq!(hits(&conn, "messages_fts", "plain"), 1);
        conn.execute("DELETE FROM messages WHERE seq = 2", [])
            .expect("delete");
        assert_eq!(hits(&conn, "messages_cjk", "東京タ"), 0);
        integrity(&conn);
    }

    #[test]
    fn text_of_a_script_without_spaces_is_told_from_the_rest() {
        assert!(has_no_space("价格 is the price"));
        assert!(has_no_space("東京タワー"));
        assert!(has_no_space("ราคา"));
        assert!(!has_no_space("plain ASCII text"));
        assert!(!has_no_space("Präzise, привет, 안녕하세요, مرحبا"));
        assert!(!has_no_space(""));
    }

    #[test]
    fn version_3_drops_the_prefix_indexes_and_keeps_every_indexed_message() {
        let mut conn = Connection::open_in_memory().expect("open");
        migrate_with(&mut conn, 0, &MIGRATIONS[..2]).expect("version 2");
        conn.execute_batch(
            "INSERT INTO threads (id, persona_id, persona_name, title, created_ms, updated_ms)
                 VALUES (1, 'c', 'CFO', 't', 0, 0);
             INSERT INTO messages (thread_id, seq, role, text, status, created_ms, updated_ms)
                 VALUES (1, 0, 'user', 'Is the pricing page clear?', 'complete', 0, 0),
                        (1, 1, 'assistant', 'Präzise enough', 'stopped', 0, 0),
                        (1, 2, 'assistant', 'still arriving', 'streaming', 0, 0);",
        )
        .expect("version 2 rows");
        migrate(&mut conn, 2).expect("version 3");
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_master WHERE name = 'messages_fts'",
                [],
                |r| r.get(0),
            )
            .expect("the index");
        assert!(!sql.contains("prefix"), "{sql}");
        assert_eq!(hits(&conn, "messages_fts", "pric*"), 1, "a prefix still finds");
        assert_eq!(hits(&conn, "messages_fts", "prazise"), 1, "accents still fold");
        assert_eq!(hits(&conn, "messages_fts", "arriving"), 0, "streaming: not yet");
        conn.execute("UPDATE messages SET status = 'interrupted' WHERE seq = 2", [])
            .expect("ends");
        assert_eq!(hits(&conn, "messages_fts", "arriving"), 1);
        integrity(&conn);
    }
}

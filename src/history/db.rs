//! Opening the history database, or refusing to.
//!
//! Owns: the file's place and privacy (folder 0700, file 0600 — created before SQLite
//! sees it, and SQLite gives its `-wal`/`-shm` files the same mode), the one-writer rule
//! (a running mavera-tui holds an exclusive lock on `history.lock` beside the database;
//! another one runs without history rather than write over it), the checks made before
//! anything is written — a damaged file or another program's, and a schema newer than
//! this build knows, are refused and left byte for byte as they were —, then WAL mode,
//! migration to the latest schema, and marking answers a previous session left
//! `streaming` (it was killed mid-answer) as `interrupted`. Also emptying the history
//! (`clear`). Does not own: what is written (`write`) or read (`read`, `search`).

use std::collections::{HashMap, HashSet};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, ErrorCode, OpenFlags};

use super::schema;

/// Why the history cannot be used. Each says what happened to the file: nothing.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum OpenError {
    // What happened comes first, the path last: a status bar cuts the end of a long line.
    #[error("the history is in use by another running mavera-tui ({})", .path.display())]
    InUse { path: PathBuf },
    #[error("the history is locked by another program ({})", .path.display())]
    Locked { path: PathBuf },
    #[error(
        "the history file is not a mavera-tui history ({detail}); it was left untouched: move {} away to start a new history",
        .path.display()
    )]
    NotHistory { path: PathBuf, detail: String },
    #[error(
        "the history was written by a newer mavera-tui (schema version {found}; this one knows up to {known}); it was left untouched ({})",
        .path.display()
    )]
    Newer { path: PathBuf, found: u32, known: u32 },
    #[error("cannot open the history: {reason} ({})", .path.display())]
    Io { path: PathBuf, reason: String },
}

/// An open history. The connection is used by one thread at a time: the app's storage
/// task, or a command.
pub struct Store {
    pub(super) conn: Connection,
    path: PathBuf,
    /// The one-writer lock, held while the store is open (none when opened read-only).
    _lock: Option<Lock>,
    /// Rows of the threads begun this session, by their session keys (`StoreKey`).
    pub(super) threads: HashMap<u64, i64>,
    /// Rows of the comparisons recorded this session, by their session keys.
    pub(super) comparisons: HashMap<u64, i64>,
    /// Threads of earlier sessions known to exist (checked once each).
    pub(super) known_rows: HashSet<i64>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// What an answer left streaming by an ended session is marked with.
pub const INTERRUPTED_BY_EXIT: &str = "mavera-tui ended while the answer was streaming";

/// How long to wait for another program's transaction before calling the file locked.
const BUSY_WAIT: Duration = Duration::from_secs(2);

impl Store {
    /// Opens (creating if needed) the history at `path` for this process to write: takes
    /// the one-writer lock, checks the file, migrates it, and marks what an ended session
    /// left streaming as interrupted.
    pub fn open(path: &Path) -> Result<Store, OpenError> {
        Store::open_announcing(path, |_| {})
    }

    /// As `open`, calling `upgrading` with the file's schema version before an existing
    /// history is upgraded to this build's: rebuilding a search index of a large history
    /// takes seconds (100,000 messages: ~4 s, once), and the person waiting should know.
    pub fn open_announcing(path: &Path, upgrading: impl FnOnce(u32)) -> Result<Store, OpenError> {
        let io = |e: std::io::Error| OpenError::Io {
            path: path.to_owned(),
            reason: e.to_string(),
        };
        crate::files::private_dir(parent(path)).map_err(io)?;
        let lock = lock(&lock_path(path))
            .map_err(io)?
            .ok_or_else(|| OpenError::InUse {
                path: path.to_owned(),
            })?;
        create_private(path).map_err(io)?;
        let mut conn = connect(path, OpenFlags::SQLITE_OPEN_READ_WRITE)?;
        let version = check(&conn, path)?;
        let fail = |e| classify(path, e);
        // Only now, with a file known to be ours (or empty), is anything written.
        conn.pragma_update(None, "journal_mode", "WAL").map_err(fail)?;
        // WAL with NORMAL: a committed write survives the process being killed; only a
        // power cut can lose the last one.
        conn.pragma_update(None, "synchronous", "NORMAL").map_err(fail)?;
        conn.pragma_update(None, "foreign_keys", true).map_err(fail)?;
        if version != 0 && version < schema::latest() {
            upgrading(version);
        }
        schema::migrate(&mut conn, version).map_err(fail)?;
        let store = Store::new(conn, path, Some(lock));
        store.recover().map_err(fail)?;
        Ok(store)
    }

    /// Opens the history to read it, never creating it: as `open` when no mavera-tui is
    /// using it, else read-only (a running app is writing it; what it has committed is
    /// read) — which needs the file to be at the latest schema already.
    pub fn open_for_reading(path: &Path) -> Result<Store, OpenError> {
        if !path.exists() {
            return Err(OpenError::Io {
                path: path.to_owned(),
                reason: "there is no history yet".into(),
            });
        }
        match Store::open(path) {
            Err(OpenError::InUse { .. }) => {}
            other => return other,
        }
        let conn = connect(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        if check(&conn, path)? != schema::latest() {
            // It needs migrating, which only the one writer may do.
            return Err(OpenError::InUse {
                path: path.to_owned(),
            });
        }
        Ok(Store::new(conn, path, None))
    }

    fn new(conn: Connection, path: &Path, lock: Option<Lock>) -> Store {
        Store {
            conn,
            path: path.to_owned(),
            _lock: lock,
            threads: HashMap::new(),
            comparisons: HashMap::new(),
            known_rows: HashSet::new(),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Answers still `streaming` were left by a session that ended mid-answer (only the
    /// one writer runs this, so none of them is still arriving).
    fn recover(&self) -> rusqlite::Result<usize> {
        self.conn.execute(
            "UPDATE messages SET status = 'interrupted', error = coalesce(error, ?1)
             WHERE status = 'streaming'",
            [INTERRUPTED_BY_EXIT],
        )
    }

    /// Deletes every conversation, then compacts the file so their text does not linger
    /// in free pages or the write-ahead log. Returns how many threads there were.
    pub fn clear(&mut self) -> rusqlite::Result<usize> {
        let tx = self.conn.transaction()?;
        let threads: i64 = tx.query_row("SELECT count(*) FROM threads", [], |r| r.get(0))?;
        // The indexes are emptied whole: deleting rows only adds tombstones, and the
        // words would stay in the index's pages.
        tx.execute_batch(
            "DELETE FROM comparison_threads; DELETE FROM comparisons;
             DELETE FROM messages; DELETE FROM threads;
             INSERT INTO messages_fts(messages_fts) VALUES ('delete-all');
             INSERT INTO messages_cjk(messages_cjk) VALUES ('delete-all');",
        )?;
        tx.commit()?;
        self.conn.execute_batch("VACUUM")?;
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        self.threads.clear();
        self.comparisons.clear();
        self.known_rows.clear();
        Ok(usize::try_from(threads).unwrap_or(0))
    }
}

/// The one-writer lock's file, beside the database.
pub fn lock_path(db: &Path) -> PathBuf {
    db.with_extension("lock")
}

/// The one-writer lock: held while the value lives.
#[cfg(unix)]
type Lock = nix::fcntl::Flock<File>;
#[cfg(not(unix))]
type Lock = File;

/// Takes the one-writer lock: `None` when another process holds it. The kernel drops the
/// lock with the process, however it ends (`kill -9` included).
fn lock(path: &Path) -> std::io::Result<Option<Lock>> {
    let file = private_options().read(true).write(true).create(true).open(path)?;
    #[cfg(unix)]
    {
        use nix::errno::Errno;
        use nix::fcntl::{Flock, FlockArg};
        match Flock::lock(file, FlockArg::LockExclusiveNonblock) {
            Ok(locked) => Ok(Some(locked)),
            Err((_, Errno::EWOULDBLOCK)) => Ok(None),
            Err((_, errno)) => Err(std::io::Error::from(errno)),
        }
    }
    #[cfg(not(unix))]
    Ok(Some(file))
}

fn private_options() -> OpenOptions {
    let mut options = OpenOptions::new();
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options
}

/// Creates the database file empty and private if it does not exist (an empty file is an
/// empty database to SQLite); an existing file is left as it is.
fn create_private(path: &Path) -> std::io::Result<()> {
    match private_options().write(true).create_new(true).open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn connect(path: &Path, flags: OpenFlags) -> Result<Connection, OpenError> {
    let conn = Connection::open_with_flags(path, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)
        .map_err(|e| classify(path, e))?;
    conn.busy_timeout(BUSY_WAIT).map_err(|e| classify(path, e))?;
    Ok(conn)
}

/// Reads (never writes) what decides whether the file may be used: returns its schema
/// version, or why it may not.
fn check(conn: &Connection, path: &Path) -> Result<u32, OpenError> {
    let fail = |e| classify(path, e);
    let app: i32 = conn
        .query_row("PRAGMA application_id", [], |r| r.get(0))
        .map_err(fail)?;
    let version: u32 = conn
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .map_err(fail)?;
    let tables: u32 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(fail)?;
    let not_history = |detail: &str| OpenError::NotHistory {
        path: path.to_owned(),
        detail: detail.into(),
    };
    if app != 0 && app != schema::APPLICATION_ID {
        return Err(not_history("another program's database"));
    }
    if version == 0 && tables > 0 {
        return Err(not_history("a database with other tables"));
    }
    if version > schema::latest() {
        return Err(OpenError::Newer {
            path: path.to_owned(),
            found: version,
            known: schema::latest(),
        });
    }
    Ok(version)
}

/// A SQLite error, said for the user.
fn classify(path: &Path, err: rusqlite::Error) -> OpenError {
    let path = path.to_owned();
    match err.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) => OpenError::NotHistory {
            path,
            detail: "file is not a database".into(),
        },
        Some(ErrorCode::DatabaseCorrupt) => OpenError::NotHistory {
            path,
            detail: "the database is damaged".into(),
        },
        Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => OpenError::Locked { path },
        Some(ErrorCode::DiskFull) => OpenError::Io {
            path,
            reason: "the disk is full".into(),
        },
        _ => OpenError::Io {
            path,
            reason: err.to_string(),
        },
    }
}

/// The folder a file is in (`.` for a bare name).
fn parent(path: &Path) -> &Path {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    }
}

//! The storage task: one thread that owns the app's database connection.
//!
//! Owns: running every write away from the screen — the event loop hands operations over
//! a channel (sending never blocks) and this thread writes them, a batch of whatever has
//! queued up per transaction, so a slow disk delays the history, never a frame —; reads
//! the app asks for (the history view, a search, an export), run in order with the
//! writes so they see everything handed over before them; what a
//! failed write does (the operations are kept, coalesced, and retried with the next
//! batch; the first failure is reported once, and nothing crashes); and finishing at
//! exit (`Worker::finish`: what was handed over is written before the app ends, within
//! a bound). Does not own: what is written (`write`) or what the app is told (the
//! runtime turns a `Report` into an event).

use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;

use super::db::Store;
use super::op::StoreOp;
use super::write::coalesce;

/// What the storage task tells the app.
#[derive(Debug, Clone, PartialEq)]
pub enum Report {
    /// A write failed (the first of a run of failures); its operations are retried.
    WriteFailed(String),
}

type Reporter = Box<dyn Fn(Report) + Send>;

/// A read of the store, run on the storage thread after every operation handed over
/// before it (so it sees them), with the store's session keys known.
type Read = Box<dyn FnOnce(&Store) + Send>;

enum Msg {
    Op(Box<StoreOp>),
    Read(Read),
    Reporter(Reporter),
    Close,
}

/// Hands operations to the storage task. Cheap to clone; sending never blocks.
#[derive(Clone)]
pub struct Handle {
    tx: mpsc::Sender<Msg>,
}

impl std::fmt::Debug for Handle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("history::Handle")
    }
}

impl Handle {
    /// Queues `op`; false when the task has ended (the history is then lost quietly: the
    /// task said why when it could).
    pub fn store(&self, op: StoreOp) -> bool {
        self.tx.send(Msg::Op(Box::new(op))).is_ok()
    }

    /// Runs `read` on the storage thread once everything queued before it is written
    /// (the history list, a search, an export: they see what the app has handed over).
    /// The reader sends its own result back (a channel, an event); false when the task
    /// has ended, and `read` is then dropped unrun.
    pub fn read(&self, read: impl FnOnce(&Store) + Send + 'static) -> bool {
        self.tx.send(Msg::Read(Box::new(read))).is_ok()
    }

    /// Where reports go from now on (reports made before are delivered at once).
    pub fn report_to(&self, reporter: impl Fn(Report) + Send + 'static) {
        let _ = self.tx.send(Msg::Reporter(Box::new(reporter)));
    }
}

/// The history as the app starts with it.
#[derive(Debug, Clone)]
pub enum Session {
    /// Open: changes are stored through this handle.
    On(Handle),
    /// No history this session: why, when something went wrong (`None`: turned off).
    Off(Option<String>),
}

/// The storage task's thread, to finish at exit.
pub struct Worker {
    tx: mpsc::Sender<Msg>,
    done: mpsc::Receiver<()>,
    thread: Option<JoinHandle<()>>,
}

/// Starts the storage task with `store`.
pub fn spawn(store: Store) -> std::io::Result<(Handle, Worker)> {
    let (tx, rx) = mpsc::channel();
    let (done_tx, done) = mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("mavera-history".into())
        .spawn(move || {
            run(store, rx);
            let _ = done_tx.send(());
        })?;
    Ok((
        Handle { tx: tx.clone() },
        Worker {
            tx,
            done,
            thread: Some(thread),
        },
    ))
}

impl Worker {
    /// Writes what was handed over, then stops the task. Waits at most `wait` (a disk
    /// that hangs must not hang the exit); returns whether everything was written.
    pub fn finish(mut self, wait: Duration) -> bool {
        let _ = self.tx.send(Msg::Close);
        let finished = self.done.recv_timeout(wait).is_ok();
        if let Some(thread) = self.thread.take().filter(|_| finished) {
            let _ = thread.join();
        }
        finished
    }
}

/// The task: batches of whatever queued, one transaction each, until `Close` or until
/// every handle is gone.
fn run(mut store: Store, rx: mpsc::Receiver<Msg>) {
    let mut pending: Vec<StoreOp> = Vec::new();
    let mut reporter: Option<Reporter> = None;
    let mut unsent: Vec<Report> = Vec::new();
    let mut failing = false;
    while let Ok(first) = rx.recv() {
        let mut close = false;
        let mut reads: Vec<Read> = Vec::new();
        for msg in std::iter::once(first).chain(rx.try_iter()) {
            match msg {
                Msg::Op(op) => pending.push(*op),
                Msg::Read(read) => {
                    // Whatever was queued before the read is written first, so the read
                    // sees it; what queued after waits for the next batch.
                    reads.push(read);
                    break;
                }
                Msg::Reporter(r) => {
                    unsent.drain(..).for_each(&r);
                    reporter = Some(r);
                }
                Msg::Close => {
                    close = true;
                    break;
                }
            }
        }
        if !pending.is_empty() {
            match store.apply(&pending) {
                Ok(()) => {
                    pending.clear();
                    if failing {
                        tracing::info!("the history is being written again");
                    }
                    failing = false;
                }
                Err(e) => {
                    // Kept for the next batch: a full disk may have room again by then.
                    // Coalescing bounds what is kept by the number of messages.
                    coalesce(&mut pending);
                    tracing::warn!(%e, kept = pending.len(), "could not write the history");
                    if !failing {
                        let report = Report::WriteFailed(e.to_string());
                        match &reporter {
                            Some(r) => r(report),
                            None => unsent.push(report),
                        }
                    }
                    failing = true;
                }
            }
        }
        for read in reads {
            read(&store);
        }
        if close {
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::history::op::{MessageRecord, NewThread, Role, Status, StoreKey};

    fn ops(key: u64, text: &str) -> Vec<StoreOp> {
        vec![
            StoreOp::Thread(NewThread {
                key,
                persona_id: "c".into(),
                persona_name: "CFO".into(),
                title: "t".into(),
                instructions: None,
            }),
            StoreOp::Message {
                thread: StoreKey::Session(key),
                seq: 0,
                message: MessageRecord::plain(Role::User, text, Status::Complete),
            },
        ]
    }

    #[test]
    fn everything_handed_over_is_written_before_the_task_finishes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.db");
        let (handle, worker) = spawn(Store::open(&path).expect("open")).expect("spawn");
        for key in 0..50 {
            for op in ops(key, &format!("message {key}")) {
                assert!(handle.store(op));
            }
        }
        assert!(worker.finish(Duration::from_secs(10)));
        let store = Store::open(&path).expect("reopen");
        assert_eq!(store.list().expect("list").len(), 50);
        drop(handle);
    }

    #[test]
    fn a_read_sees_everything_handed_over_before_it_and_nothing_after() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.db");
        let (handle, worker) = spawn(Store::open(&path).expect("open")).expect("spawn");
        for op in ops(1, "first") {
            assert!(handle.store(op));
        }
        let (tx, rx) = mpsc::channel();
        let sent = tx.clone();
        assert!(handle.read(move |store| {
            let _ = sent.send(store.list().map(|l| l.len()).unwrap_or(usize::MAX));
        }));
        for op in ops(2, "second") {
            assert!(handle.store(op));
        }
        assert!(handle.read(move |store| {
            let _ = tx.send(store.list().map(|l| l.len()).unwrap_or(usize::MAX));
        }));
        let wait = Duration::from_secs(10);
        assert_eq!(rx.recv_timeout(wait).expect("first read"), 1);
        assert_eq!(rx.recv_timeout(wait).expect("second read"), 2);
        assert!(worker.finish(wait));
    }

    #[test]
    fn a_full_disk_is_reported_once_and_the_task_keeps_going() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("history.db");
        let store = Store::open(&path).expect("open");
        // A database that may not grow: every write that needs a page fails as on a full
        // disk ("database or disk is full").
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .expect("pages");
        store
            .conn
            .query_row(&format!("PRAGMA max_page_count = {pages}"), [], |_| Ok(()))
            .expect("limit");
        let (handle, worker) = spawn(store).expect("spawn");
        let reports = Arc::new(Mutex::new(Vec::new()));
        let sink = reports.clone();
        handle.report_to(move |r| sink.lock().expect("lock").push(r));
        let big = "x".repeat(64 * 1024);
        for key in 0..5 {
            for op in ops(key, &big) {
                assert!(handle.store(op), "the task is still there");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        assert!(
            worker.finish(Duration::from_secs(10)),
            "it finishes, without a panic"
        );
        let reports = reports.lock().expect("lock").clone();
        assert_eq!(reports.len(), 1, "said once: {reports:?}");
        assert!(
            matches!(&reports[0], Report::WriteFailed(why) if why.contains("full")),
            "{reports:?}"
        );
        // Nothing half-written: each failed batch left the database as it was.
        let store = Store::open(&path).expect("reopen");
        assert!(store.list().expect("list").is_empty());
    }

    #[test]
    fn a_failed_batch_is_all_or_nothing_and_can_be_retried_whole() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut store = Store::open(&dir.path().join("history.db")).expect("open");
        let pages: i64 = store
            .conn
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .expect("pages");
        let limit = |store: &Store, n: i64| {
            store
                .conn
                .query_row(&format!("PRAGMA max_page_count = {n}"), [], |_| Ok(()))
                .expect("limit")
        };
        limit(&store, pages);
        let batch = ops(1, &"y".repeat(64 * 1024));
        assert!(store.apply(&batch).is_err());
        assert!(store.threads.is_empty(), "a rolled-back thread is not remembered");
        limit(&store, 1_000_000);
        store.apply(&batch).expect("room again");
        assert_eq!(store.list().expect("list").len(), 1);
    }
}

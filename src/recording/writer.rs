//! Writing a recording while a session runs, off the loop's thread.
//!
//! Owns: creating the file (a path that cannot be written is an error before the session
//! starts), a background thread that appends each line and flushes it (so a kill loses at
//! most the line being written), scrubbing the API key from every line in case any text
//! ever carried it, numbering exchanges and fan-outs and tying a request to the fan-out
//! it belongs to, and reporting the first write failure once through `report_to` — the
//! session goes on, unrecorded. Handing a line over never blocks and never fails.
//! Does not own: the line vocabulary (`recording`) or where the lines come from (the
//! HTTP client taps the wire; the executor notes fan-outs).

use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{channel, Sender};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde_json::Value;

use super::{encode_line, Line, FORMAT, VERSION};

type Report = Box<dyn Fn(String) + Send>;

/// What the writer thread is handed.
enum Msg {
    Line(Line),
    /// Answered once every line before it is written (or writing stopped).
    Sync(Sender<()>),
}

/// Where lines go; clones share the file.
#[derive(Clone)]
pub struct Recorder {
    inner: Arc<Inner>,
}

struct Inner {
    tx: Mutex<Sender<Msg>>,
    start: Instant,
    next_x: AtomicU64,
    next_round: AtomicU64,
    /// The latest fan-out and its columns not yet sent.
    pending: Mutex<Option<(u64, Vec<String>)>>,
    failure: Arc<Mutex<Option<String>>>,
    report: Arc<Mutex<Option<Report>>>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder").finish_non_exhaustive()
    }
}

impl Recorder {
    /// Creates (or replaces) `path`, writes the header, and starts the writer thread.
    /// `secret` (the API key) is replaced by `[redacted]` wherever it would appear.
    pub fn create(path: &Path, secret: Option<String>) -> Result<Recorder, String> {
        let file = std::fs::File::create(path)
            .map_err(|e| format!("cannot write the recording {}: {e}", path.display()))?;
        let (tx, rx) = channel::<Msg>();
        let failure: Arc<Mutex<Option<String>>> = Arc::default();
        let report: Arc<Mutex<Option<Report>>> = Arc::default();
        let (fail_w, report_w) = (failure.clone(), report.clone());
        let shown = path.display().to_string();
        std::thread::Builder::new()
            .name("recording".into())
            .spawn(move || {
                let mut out = std::io::BufWriter::new(file);
                let mut stopped = false;
                for msg in rx {
                    let line = match msg {
                        Msg::Sync(done) => {
                            let _ = done.send(());
                            continue;
                        }
                        Msg::Line(_) if stopped => continue,
                        Msg::Line(line) => line,
                    };
                    let mut text = encode_line(&line);
                    if let Some(secret) = secret.as_deref().filter(|s| !s.is_empty()) {
                        if text.contains(secret) {
                            text = text.replace(secret, "[redacted]");
                        }
                    }
                    text.push('\n');
                    if let Err(e) = out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
                        let why = format!("recording to {shown} stopped: {e}");
                        tracing::warn!("{why}");
                        *fail_w.lock().unwrap_or_else(PoisonError::into_inner) = Some(why.clone());
                        if let Some(report) = report_w.lock().unwrap_or_else(PoisonError::into_inner).as_ref()
                        {
                            report(why);
                        }
                        stopped = true;
                    }
                }
            })
            .map_err(|e| format!("cannot start writing the recording: {e}"))?;
        let recorder = Recorder {
            inner: Arc::new(Inner {
                tx: Mutex::new(tx),
                start: Instant::now(),
                next_x: AtomicU64::new(1),
                next_round: AtomicU64::new(1),
                pending: Mutex::new(None),
                failure,
                report,
            }),
        };
        recorder.push(Line::Header {
            format: FORMAT.into(),
            version: VERSION,
            app: concat!("mavera-tui ", env!("CARGO_PKG_VERSION")).into(),
            started_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
        });
        Ok(recorder)
    }

    /// Calls `report` with why recording stopped, when it does (on the writer thread; on
    /// a thread of its own if it already has): never on the caller's thread, so `report`
    /// may block.
    pub fn report_to(&self, report: impl Fn(String) + Send + 'static) {
        let mut slot = self.inner.report.lock().unwrap_or_else(PoisonError::into_inner);
        match self.failure() {
            Some(why) => {
                let _ = std::thread::Builder::new()
                    .name("recording-report".into())
                    .spawn(move || report(why));
            }
            None => *slot = Some(Box::new(report)),
        }
    }

    /// Why recording stopped, if it did.
    pub fn failure(&self) -> Option<String> {
        self.inner
            .failure
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    fn push(&self, line: Line) {
        // A stopped writer skips lines: they are lost, as reported.
        let _ = self
            .inner
            .tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(Msg::Line(line));
    }

    /// Waits (at most `timeout`) until every line handed over so far is written: before
    /// the program ends, and in tests before a recording is read.
    pub fn written(&self, timeout: std::time::Duration) {
        let (done, wait) = channel();
        let sent = self
            .inner
            .tx
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .send(Msg::Sync(done));
        if sent.is_ok() {
            let _ = wait.recv_timeout(timeout);
        }
    }

    fn ms(&self) -> u64 {
        u64::try_from(self.inner.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// A page of `GET /personas`, as sent.
    pub fn personas(&self, page: Value) {
        self.push(Line::Personas {
            at_ms: self.ms(),
            page,
        });
    }

    /// `GET /usage`, as sent.
    pub fn usage(&self, report: Value) {
        self.push(Line::Usage {
            at_ms: self.ms(),
            report,
        });
    }

    /// One prompt goes to these personas side by side, in this column order.
    pub fn fan_out(&self, columns: Vec<String>) {
        let round = self.inner.next_round.fetch_add(1, Ordering::Relaxed);
        self.push(Line::Fanout {
            round,
            columns: columns.clone(),
        });
        *self.inner.pending.lock().unwrap_or_else(PoisonError::into_inner) = Some((round, columns));
    }

    /// A `POST /responses` is being sent with this body: its lines follow on the handle.
    pub fn begin(&self, body: Value) -> Exchange {
        let x = self.inner.next_x.fetch_add(1, Ordering::Relaxed);
        let persona = body.get("persona_id").and_then(Value::as_str).unwrap_or_default();
        let round = {
            let mut pending = self.inner.pending.lock().unwrap_or_else(PoisonError::into_inner);
            let round = pending.as_mut().and_then(|(round, left)| {
                let at = left.iter().position(|c| c == persona)?;
                left.remove(at);
                Some(*round)
            });
            if pending.as_ref().is_some_and(|(_, left)| left.is_empty()) {
                *pending = None;
            }
            round
        };
        self.push(Line::Request {
            x,
            at_ms: self.ms(),
            round,
            body,
        });
        Exchange {
            recorder: self.clone(),
            x,
            start: Instant::now(),
        }
    }
}

/// One request's lines.
#[derive(Clone)]
pub struct Exchange {
    recorder: Recorder,
    x: u64,
    start: Instant,
}

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange").field("x", &self.x).finish()
    }
}

impl Exchange {
    fn ms(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The reply's status, with an error body and `Retry-After` if it failed.
    pub fn reply(&self, status: u16, retry_after: Option<String>, error: Option<String>) {
        self.recorder.push(Line::Reply {
            x: self.x,
            ms: self.ms(),
            status,
            retry_after,
            error,
            json: None,
        });
    }

    /// A whole JSON reply.
    pub fn json(&self, status: u16, json: Value) {
        self.recorder.push(Line::Reply {
            x: self.x,
            ms: self.ms(),
            status,
            retry_after: None,
            error: None,
            json: Some(json),
        });
    }

    /// One SSE event, as framed.
    pub fn event(&self, event: Option<&str>, data: &str) {
        self.recorder.push(Line::Event {
            x: self.x,
            ms: self.ms(),
            event: event.map(str::to_owned),
            data: data.to_owned(),
        });
    }

    /// The stream ended (`error`: how it broke before its terminal event).
    pub fn end(&self, error: Option<String>) {
        self.recorder.push(Line::End {
            x: self.x,
            ms: self.ms(),
            error,
        });
    }
}

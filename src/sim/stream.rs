//! Bytes on the wire for streamed (and deliberately broken) bodies: SSE framing variants,
//! tiny-chunk splitting, pacing, and the abrupt or endless endings.
//!
//! Owns: turning [`Event`]s into `event:`/`data:` blocks (LF, CRLF or CR; with or without
//! `event:` lines; multi-line `data:`; keep-alive comments; `[DONE]`; invalid UTF-8), and
//! the task that writes a body at a pace, batching at full speed, then closes, aborts the
//! connection or hangs. Does not own: which events exist (`events`) or HTTP status and
//! headers (`responses`).

use std::io;
use std::time::Duration;

use axum::body::{Body, Bytes};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use super::deltas::{INVALID_UTF8_BYTES, INVALID_UTF8_MARKER};
use super::events::Event;
use super::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LineEnding {
    #[default]
    Lf,
    Crlf,
    Cr,
}

impl LineEnding {
    fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::Crlf => "\r\n",
            LineEnding::Cr => "\r",
        }
    }
}

/// Framing variants of an SSE body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Framing {
    pub line_ending: LineEnding,
    /// No `event:` line on even events, `event: message` on odd ones.
    pub no_event_lines: bool,
    /// Pretty-printed JSON, one `data:` line per JSON line.
    pub multiline_data: bool,
    /// A `: keepalive` comment before every third event.
    pub keepalive: bool,
    /// A final `data: [DONE]`.
    pub done: bool,
}

/// A run of bytes; `paced` ones (deltas) wait for their turn under pacing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    pub bytes: Bytes,
    pub paced: bool,
}

impl Piece {
    pub fn now(bytes: impl Into<Bytes>) -> Piece {
        Piece {
            bytes: bytes.into(),
            paced: false,
        }
    }
}

/// Frames every event, in order.
pub fn encode(events: &[Event], f: &Framing) -> Vec<Piece> {
    let nl = f.line_ending.as_str();
    let mut out = Vec::with_capacity(events.len() + 2);
    for (i, e) in events.iter().enumerate() {
        if f.keepalive && i % 3 == 1 {
            out.push(Piece::now(format!(": keepalive{nl}{nl}")));
        }
        out.push(Piece {
            bytes: encode_one(e, i, f).into(),
            paced: e.delta,
        });
    }
    if f.done {
        out.push(Piece::now(format!("data: [DONE]{nl}{nl}")));
    }
    out
}

fn encode_one(e: &Event, index: usize, f: &Framing) -> Vec<u8> {
    let nl = f.line_ending.as_str();
    let data = if f.multiline_data {
        serde_json::to_string_pretty(&e.json)
    } else {
        serde_json::to_string(&e.json)
    }
    .unwrap_or_default();
    let mut out = Vec::with_capacity(data.len() + e.kind.len() + 24);
    if !f.no_event_lines {
        out.extend_from_slice(format!("event: {}{nl}", e.kind).as_bytes());
    } else if index % 2 == 1 {
        out.extend_from_slice(format!("event: message{nl}").as_bytes());
    }
    for line in data.split('\n') {
        out.extend_from_slice(b"data: ");
        out.extend_from_slice(line.as_bytes());
        out.extend_from_slice(nl.as_bytes());
    }
    out.extend_from_slice(nl.as_bytes());
    patch_invalid_utf8(out)
}

/// Swaps the marker for raw non-UTF-8 bytes: the only way to put them inside JSON text.
pub fn patch_invalid_utf8(bytes: Vec<u8>) -> Vec<u8> {
    let marker = INVALID_UTF8_MARKER.as_bytes();
    let Some(pos) = memchr::memmem::find(&bytes, marker) else {
        return bytes;
    };
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..pos]);
    out.extend_from_slice(INVALID_UTF8_BYTES);
    out.extend_from_slice(&patch_invalid_utf8(bytes[pos + marker.len()..].to_vec()));
    out
}

/// Cuts bytes into chunks of 1–7 bytes, always cutting between `\r` and `\n` and before
/// every UTF-8 continuation byte, so a client meets every awkward boundary.
pub fn tiny_chunks(bytes: &Bytes, rng: &mut Rng) -> Vec<Bytes> {
    let mut out = Vec::with_capacity(bytes.len() / 3 + 1);
    let mut i = 0;
    while i < bytes.len() {
        let mut end = (i + 1 + rng.below(7)).min(bytes.len());
        if let Some(j) =
            (i + 1..end).find(|&j| (bytes[j - 1] == b'\r' && bytes[j] == b'\n') || (bytes[j] & 0xC0 == 0x80))
        {
            end = j;
        }
        out.push(bytes.slice(i..end));
        i = end;
    }
    out
}

/// How a body ends after its last piece, on the wire. (Not the client's
/// `crate::api::Ending`, which says how an *answer* ended.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyEnd {
    /// A normal end of the body.
    Close,
    /// The connection is cut: no final chunk, no terminal event.
    Abort,
    /// Nothing more is sent, but the socket stays open until the client leaves.
    Hang,
}

/// A body to write.
#[derive(Debug, Clone)]
pub struct Transport {
    pub pieces: Vec<Piece>,
    pub ending: BodyEnd,
    /// Paced pieces per second; `<= 0` or not finite means as fast as possible.
    pub tokens_per_sec: f64,
    /// Seed for tiny-chunk splitting; `None` writes in large batches.
    pub split: Option<u64>,
}

const HOUR: Duration = Duration::from_secs(3600);

/// Below this, full-speed output is gathered into one write.
const BATCH: usize = 64 * 1024;

/// Starts writing `t` and returns the body. `guard` lives as long as the body does and is
/// dropped when it ends, is aborted, or the client goes away: the request record uses
/// that moment as "finished".
pub fn into_body<G: Send + 'static>(t: Transport, shutdown: watch::Receiver<bool>, guard: G) -> Body {
    let (tx, rx) = mpsc::channel::<Result<Bytes, io::Error>>(8);
    tokio::spawn(produce(t, tx, shutdown));
    let stream = futures_util::stream::unfold((rx, guard), |(mut rx, guard)| async move {
        rx.recv().await.map(|item| (item, (rx, guard)))
    });
    Body::from_stream(stream)
}

type Tx = mpsc::Sender<Result<Bytes, io::Error>>;

async fn produce(t: Transport, tx: Tx, mut shutdown: watch::Receiver<bool>) {
    // An absurdly slow rate (1e-300/s) must not overflow: cap one token per hour.
    let interval = (t.tokens_per_sec > 0.0 && t.tokens_per_sec.is_finite())
        .then(|| Duration::try_from_secs_f64(1.0 / t.tokens_per_sec).map_or(HOUR, |d| d.min(HOUR)));
    let mut rng = t.split.map(Rng::new);
    let start = Instant::now();
    let mut buf: Vec<u8> = Vec::new();
    let mut paced: u32 = 0;
    for piece in t.pieces {
        if let (true, Some(iv)) = (piece.paced, interval) {
            // Deadlines from the start, not sleeps per token: exact rates, even above
            // the timer's 1 ms resolution, with tokens that fell due sent together.
            let due = start
                .checked_add(iv.saturating_mul(paced))
                .unwrap_or(start + HOUR);
            paced = paced.saturating_add(1);
            if due > Instant::now() {
                if !flush(&tx, &mut buf, rng.as_mut()).await {
                    return;
                }
                tokio::select! {
                    _ = tokio::time::sleep_until(due) => {}
                    _ = shutdown_signal(&mut shutdown) => return abort(&tx).await,
                    _ = tx.closed() => return,
                }
            }
        }
        buf.extend_from_slice(&piece.bytes);
        if buf.len() >= BATCH {
            if *shutdown.borrow() {
                return abort(&tx).await;
            }
            if !flush(&tx, &mut buf, rng.as_mut()).await {
                return;
            }
        }
    }
    if !flush(&tx, &mut buf, rng.as_mut()).await {
        return;
    }
    match t.ending {
        BodyEnd::Close => {}
        BodyEnd::Abort => abort(&tx).await,
        BodyEnd::Hang => {
            tokio::select! {
                _ = shutdown_signal(&mut shutdown) => abort(&tx).await,
                _ = tx.closed() => {}
            }
        }
    }
}

/// Sends what is buffered; false once the client is gone.
async fn flush(tx: &Tx, buf: &mut Vec<u8>, rng: Option<&mut Rng>) -> bool {
    if buf.is_empty() {
        return true;
    }
    let bytes = Bytes::from(std::mem::take(buf));
    match rng {
        None => tx.send(Ok(bytes)).await.is_ok(),
        Some(rng) => {
            for chunk in tiny_chunks(&bytes, rng) {
                if tx.send(Ok(chunk)).await.is_err() {
                    return false;
                }
                // Let the connection write this chunk on its own before the next one.
                tokio::task::yield_now().await;
            }
            true
        }
    }
}

/// Ends the body with an error, which makes the server drop the connection without the
/// terminating chunk. The pause first lets already-queued bytes reach the socket: the
/// server discards its write buffer on a body error.
async fn abort(tx: &Tx) {
    tokio::time::sleep(Duration::from_millis(30)).await;
    let _ = tx
        .send(Err(io::Error::new(
            io::ErrorKind::ConnectionAborted,
            "simulated connection drop",
        )))
        .await;
}

/// Resolves once the simulator is shutting down (or its handle is gone).
pub async fn shutdown_signal(rx: &mut watch::Receiver<bool>) {
    loop {
        if *rx.borrow_and_update() {
            return;
        }
        if rx.changed().await.is_err() {
            return;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn ev(kind: &str, delta: bool) -> Event {
        Event {
            kind: kind.into(),
            json: json!({"type": kind, "delta": "é日本 🚀"}),
            delta,
        }
    }

    fn joined(p: &[Piece]) -> Vec<u8> {
        p.iter().flat_map(|p| p.bytes.to_vec()).collect()
    }

    #[test]
    fn default_framing_is_event_and_data_lines() {
        let e = ev("a.b", true);
        let pieces = encode(std::slice::from_ref(&e), &Framing::default());
        assert!(pieces[0].paced);
        let data = serde_json::to_string(&e.json).expect("json");
        assert_eq!(
            String::from_utf8(joined(&pieces)).expect("utf8"),
            format!("event: a.b\ndata: {data}\n\n")
        );
    }

    #[test]
    fn line_endings_and_event_line_variants() {
        let events = [ev("x", false), ev("y", true)];
        let crlf = Framing {
            line_ending: LineEnding::Crlf,
            ..Framing::default()
        };
        let s = String::from_utf8(joined(&encode(&events, &crlf))).expect("utf8");
        assert!(s.starts_with("event: x\r\ndata: ") && s.ends_with("\r\n\r\n"));
        assert_eq!(s.matches("\r\n").count(), s.matches('\n').count());
        let cr = Framing {
            line_ending: LineEnding::Cr,
            ..Framing::default()
        };
        let s = String::from_utf8(joined(&encode(&events, &cr))).expect("utf8");
        assert!(!s.contains('\n') && s.contains("\r\r"));
        let none = Framing {
            no_event_lines: true,
            done: true,
            keepalive: true,
            ..Framing::default()
        };
        let s = String::from_utf8(joined(&encode(&events, &none))).expect("utf8");
        assert!(s.starts_with("data: "), "{s}");
        assert!(s.contains(": keepalive\n\nevent: message\ndata: "), "{s}");
        assert!(s.ends_with("data: [DONE]\n\n"));
    }

    #[test]
    fn multiline_data_reassembles_to_the_same_json() {
        let e = Event {
            kind: "k".into(),
            json: json!({"type": "k", "response": {"a": [1, 2]}}),
            delta: false,
        };
        let f = Framing {
            multiline_data: true,
            ..Framing::default()
        };
        let s = String::from_utf8(joined(&encode(std::slice::from_ref(&e), &f))).expect("utf8");
        let data: Vec<&str> = s.lines().filter_map(|l| l.strip_prefix("data: ")).collect();
        assert!(data.len() > 3);
        let v: serde_json::Value = serde_json::from_str(&data.join("\n")).expect("valid JSON");
        assert_eq!(v, e.json);
    }

    #[test]
    fn invalid_utf8_is_patched_in() {
        let e = Event {
            kind: "k".into(),
            json: json!({"delta": format!("a{INVALID_UTF8_MARKER}b")}),
            delta: true,
        };
        let out = joined(&encode(&[e], &Framing::default()));
        assert!(String::from_utf8(out.clone()).is_err());
        assert!(memchr::memmem::find(&out, INVALID_UTF8_BYTES).is_some());
    }

    #[test]
    fn tiny_chunks_cut_inside_crlf_and_characters() {
        let text = Bytes::from("data: é日本🚀\r\n\r\nevent: x\r\n".repeat(20));
        let chunks = tiny_chunks(&text, &mut Rng::new(3));
        assert_eq!(chunks.concat(), text.to_vec());
        assert!(chunks.iter().all(|c| (1..=7).contains(&c.len())));
        let mut pos = 0;
        let mut cuts = std::collections::HashSet::new();
        for c in &chunks {
            pos += c.len();
            cuts.insert(pos);
        }
        for (i, w) in text.windows(2).enumerate() {
            if w == b"\r\n" {
                assert!(cuts.contains(&(i + 1)), "CRLF at {i} not split");
            }
        }
        assert!(
            chunks.iter().any(|c| std::str::from_utf8(c).is_err()),
            "some chunk splits a character"
        );
    }
}

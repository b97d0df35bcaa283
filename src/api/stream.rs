//! A streamed response being read: body bytes → frames → typed events, in batches.
//!
//! Owns: the idle timeout (no bytes for N seconds = "stream stalled"), stopping at the
//! terminal event even if the socket stays open, reporting an end before any terminal
//! event as `Interrupted`, and batching: events already received are handed over together
//! so a consumer appends them at once; with `--record`, writing every frame as the server
//! framed it, and how the stream ended, to the recording. Does not own: the HTTP request
//! (`client`), or what the events add up to (`answer`).

use std::pin::Pin;
use std::time::Duration;

use bytes::Bytes;
use futures_util::{FutureExt, Stream, StreamExt};

use super::error::ApiError;
use super::events::{decode, StreamEvent};
use super::sse::{SseFrame, SseParser};
use crate::recording::{Exchange, ReplyOrigin};

/// Body chunks, or the transport's description of why the body broke.
pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes, String>> + Send>>;

/// Most events handed over in one batch, so one huge burst still yields to the consumer.
const MAX_BATCH_EVENTS: usize = 4096;

/// The reading side of one streamed response.
pub struct ResponseStream {
    body: ByteStream,
    parser: SseParser,
    frames: Vec<SseFrame>,
    idle_timeout: Duration,
    /// The terminal event was seen, or the stream failed: nothing more is read.
    ended: bool,
    /// An error that happened after events of the same batch: handed over next call.
    deferred: Option<ApiError>,
    /// Where each event goes too when the session is recorded (`--record`).
    tap: Option<Exchange>,
    /// What a replaying simulator said of this answer (`recording::REPLAY_HEADER`).
    origin: Option<ReplyOrigin>,
}

impl std::fmt::Debug for ResponseStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseStream")
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl ResponseStream {
    /// Wraps any stream of body bytes (reqwest's, or a test's).
    pub fn new<S, E>(body: S, idle_timeout: Duration) -> ResponseStream
    where
        S: Stream<Item = Result<Bytes, E>> + Send + 'static,
        E: std::error::Error + 'static,
    {
        let body = body.map(|r| r.map_err(|e| error_chain(&e)));
        ResponseStream {
            body: Box::pin(body),
            parser: SseParser::default(),
            frames: Vec::new(),
            idle_timeout,
            ended: false,
            deferred: None,
            tap: None,
            origin: None,
        }
    }

    /// Records every event as framed, and how the stream ends, on `tap`.
    pub fn recorded(mut self, tap: Option<Exchange>) -> ResponseStream {
        self.tap = tap;
        self
    }

    /// Notes where a replaying server said the answer came from.
    pub fn with_origin(mut self, origin: Option<ReplyOrigin>) -> ResponseStream {
        self.origin = origin;
        self
    }

    /// Where a replaying server said the answer came from (`None`: not a replay).
    pub fn origin(&self) -> Option<ReplyOrigin> {
        self.origin
    }

    /// The next batch of events: waits for the first, then takes whatever else has
    /// already arrived. `None` once the stream has ended (after its terminal event).
    pub async fn next_batch(&mut self) -> Option<Result<Vec<StreamEvent>, ApiError>> {
        if let Some(err) = self.deferred.take() {
            return Some(Err(err));
        }
        if self.ended {
            return None;
        }
        let mut out = Vec::new();
        while !self.ended && out.len() < MAX_BATCH_EVENTS {
            let chunk = if out.is_empty() {
                match tokio::time::timeout(self.idle_timeout, self.body.next()).await {
                    Ok(chunk) => chunk,
                    Err(_) => {
                        self.fail(ApiError::Stalled {
                            secs: self.idle_timeout.as_secs(),
                        });
                        break;
                    }
                }
            } else {
                match self.body.next().now_or_never() {
                    Some(chunk) => chunk,
                    // The connection task hands the body over a chunk at a time: let it
                    // run once, so bytes that already arrived together (a reader that
                    // paused) come in one batch; nothing more ready: hand over.
                    None => match drained_after_yield(&mut self.body).await {
                        Some(chunk) => chunk,
                        None => break,
                    },
                }
            };
            match chunk {
                Some(Ok(bytes)) => self.feed(&bytes, &mut out),
                Some(Err(reason)) => {
                    tracing::warn!(%reason, "stream broke");
                    self.fail(ApiError::Interrupted);
                }
                None => {
                    let mut frames = std::mem::take(&mut self.frames);
                    match self.parser.finish(&mut frames) {
                        Ok(()) => self.dispatch(&mut frames, &mut out),
                        Err(e) => self.fail(ApiError::Protocol {
                            detail: e.to_string(),
                        }),
                    }
                    self.frames = frames;
                    self.fail(ApiError::Interrupted); // no-op when a terminal event was seen
                }
            }
        }
        if out.is_empty() {
            self.deferred.take().map(Err)
        } else {
            Some(Ok(out))
        }
    }

    fn feed(&mut self, bytes: &[u8], out: &mut Vec<StreamEvent>) {
        let mut frames = std::mem::take(&mut self.frames);
        match self.parser.push(bytes, &mut frames) {
            Ok(()) => self.dispatch(&mut frames, out),
            Err(e) => {
                self.dispatch(&mut frames, out);
                self.fail(ApiError::Protocol {
                    detail: e.to_string(),
                });
            }
        }
        self.frames = frames;
    }

    fn dispatch(&mut self, frames: &mut Vec<SseFrame>, out: &mut Vec<StreamEvent>) {
        for frame in frames.drain(..) {
            if self.ended {
                continue; // after the terminal event nothing counts
            }
            if let Some(tap) = &self.tap {
                tap.event(frame.event.as_deref(), &frame.data);
            }
            if let Some(event) = decode(&frame) {
                self.ended = event.is_terminal();
                if self.ended {
                    if let Some(tap) = &self.tap {
                        tap.end(None);
                    }
                }
                out.push(event);
            }
        }
    }

    fn fail(&mut self, err: ApiError) {
        if !self.ended {
            if let Some(tap) = &self.tap {
                tap.end(Some(err.to_string()));
            }
            self.ended = true;
            self.deferred = Some(err);
        }
    }
}

fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut cur = err.source();
    while let Some(e) = cur {
        parts.push(e.to_string());
        cur = e.source();
    }
    parts.join(": ")
}

/// The body's next chunk if one is ready once the other tasks (the connection's among
/// them) have had a turn; `None` if it is still not ready.
async fn drained_after_yield<S: Stream + Unpin>(body: &mut S) -> Option<Option<S::Item>> {
    BehindOthers(false).await;
    body.next().now_or_never()
}

/// Lets the tasks already woken run once, then resumes. The task wakes itself, which on
/// the app's one-thread runtime queues it behind them; tokio's `yield_now` instead waits
/// for the runtime to poll the operating system for events first, a system call per
/// chunk read while a model streams.
struct BehindOthers(bool);

impl std::future::Future for BehindOthers {
    type Output = ();

    fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<()> {
        if self.0 {
            return std::task::Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every event until the end, and the error that ended the stream, if any.
    async fn read_all(mut stream: ResponseStream) -> (Vec<StreamEvent>, Option<ApiError>) {
        let mut events = Vec::new();
        while let Some(batch) = stream.next_batch().await {
            match batch {
                Ok(b) => events.extend(b),
                Err(e) => return (events, Some(e)),
            }
        }
        (events, None)
    }

    fn body(chunks: Vec<&'static str>) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Send {
        futures_util::stream::iter(chunks.into_iter().map(|c| Ok(Bytes::from(c))))
    }

    fn delta(d: &str) -> String {
        format!("data: {{\"type\":\"response.output_text.delta\",\"delta\":\"{d}\"}}\n\n")
    }

    #[tokio::test]
    async fn eof_before_terminal_is_interrupted_with_text_kept() {
        let chunks: Vec<&'static str> = vec![
            Box::leak(delta("par").into_boxed_str()),
            Box::leak(delta("tial").into_boxed_str()),
        ];
        let stream = ResponseStream::new(body(chunks), Duration::from_secs(5));
        let (events, end) = read_all(stream).await;
        assert_eq!(events.len(), 2, "both deltas are handed over");
        assert_eq!(end, Some(ApiError::Interrupted));
    }

    #[tokio::test]
    async fn nothing_after_the_terminal_event_is_read() {
        let done = "data: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\"}}\n\n";
        let tail = Box::leak(delta("ignored").into_boxed_str());
        let pending = futures_util::stream::pending::<Result<Bytes, std::io::Error>>();
        let stream_body = body(vec![done, tail]).chain(pending);
        let mut stream = ResponseStream::new(stream_body, Duration::from_millis(50));
        let batch = stream.next_batch().await.and_then(Result::ok).unwrap_or_default();
        assert_eq!(batch.len(), 1);
        assert!(batch.iter().all(StreamEvent::is_terminal));
        assert!(
            stream.next_batch().await.is_none(),
            "ended without waiting on the open socket"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn silence_past_the_idle_timeout_is_a_stall() {
        let first = Box::leak(delta("a").into_boxed_str());
        let stream_body = body(vec![first]).chain(futures_util::stream::pending());
        let stream = ResponseStream::new(stream_body, Duration::from_secs(3));
        let (events, end) = read_all(stream).await;
        assert_eq!(events.len(), 1);
        assert_eq!(end, Some(ApiError::Stalled { secs: 3 }));
    }

    #[tokio::test]
    async fn events_ready_together_arrive_in_one_batch() {
        let a = Box::leak(delta("a").into_boxed_str());
        let b = Box::leak(delta("b").into_boxed_str());
        let mut stream = ResponseStream::new(body(vec![a, b]), Duration::from_secs(5));
        let batch = stream.next_batch().await.and_then(Result::ok).unwrap_or_default();
        assert_eq!(batch.len(), 2);
    }
}

//! One request, from opening to its one ending, as batches of answer events: what the
//! app's request task and `mavera-tui ask` both read.
//!
//! Owns: opening the stream with retries before the first byte (each wait announced as
//! `Retrying` so a consumer can count down), then reading it through the `Assembler`,
//! so every run ends with exactly one `Ended` — also when opening fails or the stream
//! breaks — carrying the rate-limit window the client last heard of
//! (`Ending::rate_limit`). Does not own: the retry policy (`retry`), HTTP (`client`),
//! framing or decoding (`stream`), or the assembly rules (`answer`).

use std::time::Duration;

use super::answer::{AnswerEvent, Assembler};
use super::client::Client;
use super::error::ApiError;
use super::retry::{decide, RetryDecision, RetryPolicy};
use super::stream::ResponseStream;
use super::wire::ResponseRequest;

/// Where a run stands.
enum Phase {
    /// Not open yet: `retries` done so far, and how long to wait before the next try.
    Opening {
        retries: u32,
        wait: Option<Duration>,
    },
    /// Boxed: a stream is large, and a run spends most of its life reading one.
    Reading(Box<ResponseStream>),
    Ended,
}

/// A request being answered.
pub struct AnswerStream {
    client: Client,
    policy: RetryPolicy,
    request: ResponseRequest,
    assembler: Assembler,
    phase: Phase,
    /// What the reply that opened the stream said of its origin (a replay).
    origin: Option<crate::recording::ReplyOrigin>,
}

impl AnswerStream {
    /// Prepares the request; nothing is sent before the first `next_batch`.
    pub fn new(client: Client, policy: RetryPolicy, request: ResponseRequest) -> AnswerStream {
        AnswerStream {
            client,
            policy,
            request,
            assembler: Assembler::default(),
            phase: Phase::Opening {
                retries: 0,
                wait: None,
            },
            origin: None,
        }
    }

    /// The next events: waits for news, then hands over everything that had already
    /// arrived. `None` after the batch that held the ending.
    pub async fn next_batch(&mut self) -> Option<Vec<AnswerEvent>> {
        let mut out = Vec::new();
        match std::mem::replace(&mut self.phase, Phase::Ended) {
            Phase::Ended => return None,
            Phase::Opening { retries, wait } => {
                if let Some(wait) = wait {
                    tokio::time::sleep(wait).await;
                }
                self.open(retries, &mut out).await;
            }
            Phase::Reading(mut stream) => {
                match stream.next_batch().await {
                    Some(Ok(events)) => {
                        for event in events {
                            self.assembler.apply(event, &mut out);
                        }
                    }
                    Some(Err(err)) => self.assembler.interrupt(err, &mut out),
                    None => self.assembler.interrupt(ApiError::Interrupted, &mut out),
                }
                if !self.assembler.ended() {
                    self.phase = Phase::Reading(stream);
                }
            }
        }
        self.stamp_rate_limit(&mut out);
        Some(out)
    }

    /// Puts the client's latest rate-limit window on the ending, if `out` holds it: the
    /// assembler is pure and knows no headers; the reply that opened (or refused) this
    /// request, or a later one of the same client, does.
    fn stamp_rate_limit(&self, out: &mut [AnswerEvent]) {
        for event in out.iter_mut() {
            if let AnswerEvent::Ended(ending) = event {
                ending.rate_limit = self.client.rate_limit();
                ending.origin = self.origin;
            }
        }
    }

    async fn open(&mut self, retries: u32, out: &mut Vec<AnswerEvent>) {
        match self.client.stream_response(&self.request).await {
            Ok(stream) => {
                self.origin = stream.origin();
                out.push(AnswerEvent::Opened);
                self.phase = Phase::Reading(Box::new(stream));
            }
            Err(err) => match decide(&self.policy, &err, retries, false, rand::random::<f64>()) {
                RetryDecision::Retry { after, attempt } => {
                    tracing::info!(%err, wait_ms = after.as_millis() as u64, attempt, "retrying");
                    out.push(AnswerEvent::Retrying {
                        wait_ms: after.as_millis() as u64,
                        attempt,
                        reason: err.to_string(),
                    });
                    self.phase = Phase::Opening {
                        retries: attempt,
                        wait: Some(after),
                    };
                }
                RetryDecision::GiveUp => self.assembler.interrupt(err, out),
            },
        }
    }
}

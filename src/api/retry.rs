//! When to try a request again (spec §4 item 13, §5): a pure decision, plus the small
//! async loop that applies it.
//!
//! Owns: the policy. A retryable error (408/409/425/429/5xx, see
//! `ApiError::is_retryable`) waits exactly as long as the server asked — `Retry-After`
//! in seconds or as an HTTP-date, `retry-after-ms`, or `X-RateLimit-Reset` (parsed in
//! `headers`) — when that is within `max_retry_after`, and gives up when it is longer;
//! without such a header it backs off exponentially with jitter. Everything is bounded,
//! and nothing is ever re-sent once any output has streamed, because that would charge
//! credits twice. Does not own: sleeping visibly (callers get `on_retry` to show a
//! countdown) or what a request is.

mod headers;

use std::future::Future;
use std::time::Duration;

pub use headers::{parse_reset, parse_retry_after, rate_limit_of, wait_of, RateLimitStatus};

use super::error::ApiError;

/// Bounds on retrying.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// First back-off delay for 5xx; doubled per attempt.
    pub base_delay: Duration,
    /// Ceiling of one back-off delay.
    pub max_delay: Duration,
    /// The longest wait a server may ask for (`Retry-After` and kin) that is honoured
    /// automatically; a longer one means give up at once and report the error.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, PartialEq)]
pub enum RetryDecision {
    /// Wait this long, then make attempt number `attempt` (1-based count of retries).
    Retry {
        after: Duration,
        attempt: u32,
    },
    GiveUp,
}

/// Decides whether to retry after `err`, given how many retries were already made,
/// whether any output has streamed, and a jitter sample in `[0, 1)`.
pub fn decide(
    policy: &RetryPolicy,
    err: &ApiError,
    retries_done: u32,
    output_started: bool,
    jitter: f64,
) -> RetryDecision {
    if output_started || !err.is_retryable() || retries_done >= policy.max_retries {
        return RetryDecision::GiveUp;
    }
    let attempt = retries_done + 1;
    let backoff = || {
        let exp = policy
            .base_delay
            .saturating_mul(2u32.saturating_pow(retries_done))
            .min(policy.max_delay);
        // "Equal jitter": half fixed, half random, so retries from many clients spread out
        // while each still waits at least half the back-off.
        exp.mul_f64(0.5 + 0.5 * jitter.clamp(0.0, 1.0))
    };
    let after = match err.retry_after() {
        Some(wait) if wait > policy.max_retry_after => return RetryDecision::GiveUp,
        Some(wait) => wait,
        None => backoff(),
    };
    RetryDecision::Retry { after, attempt }
}

/// Runs `attempt` until it succeeds or the policy gives up. `on_retry(err, wait, n)` is
/// called before each wait so the caller can show a countdown. Only for work that has
/// produced no output yet (establishing a stream, a non-streaming call).
pub async fn with_retry<T, F, Fut>(
    policy: &RetryPolicy,
    mut attempt: F,
    mut on_retry: impl FnMut(&ApiError, Duration, u32),
) -> Result<T, ApiError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, ApiError>>,
{
    let mut retries = 0;
    loop {
        match attempt().await {
            Ok(v) => return Ok(v),
            Err(err) => match decide(policy, &err, retries, false, rand::random::<f64>()) {
                RetryDecision::GiveUp => return Err(err),
                RetryDecision::Retry { after, attempt } => {
                    tracing::info!(%err, wait_ms = after.as_millis() as u64, attempt, "retrying");
                    on_retry(&err, after, attempt);
                    tokio::time::sleep(after).await;
                    retries = attempt;
                }
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(status: u16) -> ApiError {
        ApiError::Server {
            status,
            code: None,
            message: String::new(),
            retry_after: None,
        }
    }

    fn limited(secs: u64) -> ApiError {
        ApiError::RateLimited {
            message: String::new(),
            retry_after: Some(Duration::from_secs(secs)),
        }
    }

    #[test]
    fn rate_limit_honours_retry_after() {
        let p = RetryPolicy::default();
        assert_eq!(
            decide(&p, &limited(30), 0, false, 0.9),
            RetryDecision::Retry {
                after: Duration::from_secs(30),
                attempt: 1
            }
        );
        assert_eq!(decide(&p, &limited(600), 0, false, 0.0), RetryDecision::GiveUp);
        let bound = RetryPolicy {
            max_retry_after: Duration::from_secs(5),
            ..RetryPolicy::default()
        };
        assert_eq!(
            decide(&bound, &limited(5), 0, false, 0.0),
            RetryDecision::Retry {
                after: Duration::from_secs(5),
                attempt: 1
            },
            "exactly the bound is still honoured"
        );
        assert_eq!(decide(&bound, &limited(6), 0, false, 0.0), RetryDecision::GiveUp);
    }

    #[test]
    fn a_503_with_retry_after_waits_exactly_that_long() {
        let p = RetryPolicy::default();
        let err = ApiError::Server {
            status: 503,
            code: None,
            message: String::new(),
            retry_after: Some(Duration::from_millis(1500)),
        };
        assert_eq!(
            decide(&p, &err, 1, false, 0.99),
            RetryDecision::Retry {
                after: Duration::from_millis(1500),
                attempt: 2
            }
        );
    }

    #[test]
    fn server_errors_back_off_exponentially_with_jitter_and_a_cap() {
        let p = RetryPolicy {
            max_retries: 10,
            ..RetryPolicy::default()
        };
        let wait = |n, j| match decide(&p, &server(503), n, false, j) {
            RetryDecision::Retry { after, .. } => after,
            RetryDecision::GiveUp => panic!("should retry"),
        };
        assert_eq!(wait(0, 0.0), Duration::from_millis(250));
        assert_eq!(wait(0, 1.0), Duration::from_millis(500));
        assert_eq!(wait(2, 1.0), Duration::from_millis(2000));
        assert_eq!(wait(9, 1.0), Duration::from_secs(8));
        assert!(wait(1, 0.3) < wait(1, 0.7));
    }

    #[test]
    fn bounded_and_never_after_output() {
        let p = RetryPolicy::default();
        assert_eq!(decide(&p, &server(500), 3, false, 0.5), RetryDecision::GiveUp);
        assert_eq!(decide(&p, &server(500), 0, true, 0.5), RetryDecision::GiveUp);
        assert_eq!(decide(&p, &limited(1), 0, true, 0.5), RetryDecision::GiveUp);
    }

    #[test]
    fn client_errors_are_not_retried() {
        let p = RetryPolicy::default();
        for err in [
            ApiError::Auth {
                code: "invalid_api_key".into(),
                message: String::new(),
            },
            ApiError::Interrupted,
            ApiError::Connect {
                url: "u".into(),
                reason: "r".into(),
            },
            server(501),
        ] {
            assert_eq!(decide(&p, &err, 0, false, 0.5), RetryDecision::GiveUp, "{err:?}");
        }
    }

    #[tokio::test(start_paused = true)]
    async fn with_retry_stops_at_the_bound_and_reports_each_wait() {
        let p = RetryPolicy::default();
        let mut calls = 0;
        let mut waits = Vec::new();
        let result: Result<(), _> = with_retry(
            &p,
            || {
                calls += 1;
                async { Err(limited(2)) }
            },
            |_, wait, n| waits.push((wait, n)),
        )
        .await;
        assert!(matches!(result, Err(ApiError::RateLimited { .. })));
        assert_eq!(calls, 4);
        assert_eq!(
            waits,
            (1..=3).map(|n| (Duration::from_secs(2), n)).collect::<Vec<_>>()
        );
    }
}

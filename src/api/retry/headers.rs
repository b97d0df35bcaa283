//! What a reply's headers say about time: how long to wait before another try, and how
//! many requests the rate-limit window has left (spec §1, §5, §8).
//!
//! Owns: `retry-after-ms`, `Retry-After` as delta-seconds or an HTTP-date, and — only
//! when neither is there and the reply is a 429 or the window is used up —
//! `X-RateLimit-Reset`; plus `X-RateLimit-Limit`/`-Remaining`/`-Reset` as a
//! `RateLimitStatus`. Pure: the clock is a parameter. Does not own: whether to wait
//! (`retry::decide`) or reading the reply (`client`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderMap, RETRY_AFTER};

/// The longest wait any header is believed for; more is treated as this (and a policy
/// bound far below it then gives up).
const MAX_HEADER_WAIT: Duration = Duration::from_secs(86_400);

/// How long the server asks the client to wait, from the first header that says:
/// `retry-after-ms` (the most precise), then `Retry-After` (seconds or HTTP-date), then
/// `X-RateLimit-Reset` (Unix seconds) — the last only for a 429, or when
/// `X-RateLimit-Remaining` is 0, since every reply carries it and a 500 is no reason to
/// wait for the window to reset.
pub fn wait_of(status: u16, headers: &HeaderMap, now: SystemTime) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let ms = text("retry-after-ms").and_then(|v| v.trim().parse::<f64>().ok());
    if let Some(ms) = ms.filter(|ms| ms.is_finite() && *ms >= 0.0) {
        return Some(Duration::from_secs_f64(
            (ms / 1000.0).min(MAX_HEADER_WAIT.as_secs_f64()),
        ));
    }
    if let Some(value) = headers.get(RETRY_AFTER).and_then(|v| v.to_str().ok()) {
        if let Some(wait) = parse_retry_after(value, now) {
            return Some(wait);
        }
    }
    let exhausted = text("x-ratelimit-remaining").and_then(|v| v.trim().parse::<u64>().ok()) == Some(0);
    if status == 429 || exhausted {
        return text("x-ratelimit-reset").and_then(|v| parse_reset(v, now));
    }
    None
}

/// A `Retry-After` value: delta-seconds (fractions tolerated), or an HTTP-date (IMF-fixdate,
/// RFC 850 or asctime, per RFC 9110) counted from `now`; a date already past means now.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Some(wait) = parse_seconds(value) {
        return Some(wait.min(MAX_HEADER_WAIT));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(until(when, now))
}

/// `X-RateLimit-Reset`: Unix seconds as documented. Values too small to be a time since
/// 2001 are taken as seconds from now, and values too large as Unix milliseconds — both
/// seen on compatible servers.
pub fn parse_reset(value: &str, now: SystemTime) -> Option<Duration> {
    let n: f64 = value.trim().parse().ok()?;
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let at = match n {
        n if n < 1e9 => return Some(Duration::from_secs_f64(n).min(MAX_HEADER_WAIT)),
        n if n < 1e11 => UNIX_EPOCH + Duration::from_secs_f64(n),
        n => UNIX_EPOCH + Duration::from_secs_f64(n / 1000.0),
    };
    Some(until(at, now))
}

fn parse_seconds(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0)
        .then(|| Duration::from_secs_f64(secs.min(MAX_HEADER_WAIT.as_secs_f64())))
}

fn until(at: SystemTime, now: SystemTime) -> Duration {
    at.duration_since(now)
        .unwrap_or(Duration::ZERO)
        .min(MAX_HEADER_WAIT)
}

/// The rate-limit window as the last reply described it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitStatus {
    /// Requests per window (`X-RateLimit-Limit`), when sent.
    pub limit: Option<u64>,
    /// Requests left in the window (`X-RateLimit-Remaining`).
    pub remaining: u64,
    /// When the window frees up again (`X-RateLimit-Reset`), from the reply's arrival.
    pub reset_in: Option<Duration>,
}

impl RateLimitStatus {
    /// Few requests left: at most 5, or at most a tenth of the window.
    pub fn is_low(&self) -> bool {
        self.remaining <= 5
            || self
                .limit
                .is_some_and(|limit| self.remaining.saturating_mul(10) <= limit)
    }
}

/// The rate-limit headers of a reply; `None` without `X-RateLimit-Remaining`.
pub fn rate_limit_of(headers: &HeaderMap, now: SystemTime) -> Option<RateLimitStatus> {
    let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let number = |name: &str| text(name).and_then(|v| v.trim().parse::<u64>().ok());
    Some(RateLimitStatus {
        remaining: number("x-ratelimit-remaining")?,
        limit: number("x-ratelimit-limit"),
        reset_in: text("x-ratelimit-reset").and_then(|v| parse_reset(v, now)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, v.parse().expect("header value"));
        }
        map
    }

    #[test]
    fn retry_after_as_seconds_or_date() {
        let now = at(1_445_412_470); // Wed, 21 Oct 2015 07:27:50 GMT
        assert_eq!(parse_retry_after("30", now), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after(" 1.5 ", now), Some(Duration::from_millis(1500)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(10))
        );
        assert_eq!(
            parse_retry_after("Wednesday, 21-Oct-15 07:28:00 GMT", now),
            Some(Duration::from_secs(10)),
            "RFC 850"
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO),
            "a past date means now"
        );
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("1e12", now), Some(MAX_HEADER_WAIT));
    }

    #[test]
    fn reset_is_unix_seconds_or_a_tolerated_neighbour() {
        let now = at(1_700_000_000);
        assert_eq!(parse_reset("1700000004", now), Some(Duration::from_secs(4)));
        assert_eq!(
            parse_reset("1700000004500", now),
            Some(Duration::from_millis(4500))
        );
        assert_eq!(parse_reset("12", now), Some(Duration::from_secs(12)));
        assert_eq!(parse_reset("1699999990", now), Some(Duration::ZERO));
        assert_eq!(parse_reset("x", now), None);
    }

    #[test]
    fn which_header_wins() {
        let now = at(1_700_000_000);
        let all = headers(&[
            ("retry-after-ms", "1500"),
            ("retry-after", "3"),
            ("x-ratelimit-reset", "1700000009"),
        ]);
        assert_eq!(wait_of(429, &all, now), Some(Duration::from_millis(1500)));
        let date = headers(&[("retry-after", "Tue, 14 Nov 2023 22:13:22 GMT")]);
        assert_eq!(wait_of(503, &date, now), Some(Duration::from_secs(2)));
        let reset = headers(&[("x-ratelimit-reset", "1700000009")]);
        assert_eq!(wait_of(429, &reset, now), Some(Duration::from_secs(9)));
        assert_eq!(
            wait_of(500, &reset, now),
            None,
            "a 500 does not wait for the window"
        );
        let used_up = headers(&[
            ("x-ratelimit-reset", "1700000009"),
            ("x-ratelimit-remaining", "0"),
        ]);
        assert_eq!(wait_of(503, &used_up, now), Some(Duration::from_secs(9)));
        let bad = headers(&[("retry-after", "later"), ("x-ratelimit-reset", "1700000001")]);
        assert_eq!(wait_of(429, &bad, now), Some(Duration::from_secs(1)));
        assert_eq!(wait_of(429, &HeaderMap::new(), now), None);
    }

    #[test]
    fn rate_limit_status_and_when_it_is_low() {
        let now = at(1_700_000_000);
        let status = rate_limit_of(
            &headers(&[
                ("x-ratelimit-limit", "120"),
                ("x-ratelimit-remaining", "12"),
                ("x-ratelimit-reset", "1700000030"),
            ]),
            now,
        );
        assert_eq!(
            status,
            Some(RateLimitStatus {
                limit: Some(120),
                remaining: 12,
                reset_in: Some(Duration::from_secs(30)),
            })
        );
        assert!(status.is_some_and(|s| s.is_low()), "12 of 120 is a tenth");
        let fine = RateLimitStatus {
            limit: Some(600),
            remaining: 100,
            reset_in: None,
        };
        assert!(!fine.is_low());
        assert!(RateLimitStatus {
            limit: None,
            remaining: 5,
            reset_in: None
        }
        .is_low());
        assert!(!RateLimitStatus {
            limit: None,
            remaining: 6,
            reset_in: None
        }
        .is_low());
        assert_eq!(rate_limit_of(&headers(&[("x-ratelimit-limit", "60")]), now), None);
    }
}

//! Error replies real servers send that the documented envelope does not show (spec §8):
//! `{"error": "text"}`, `{"message": ...}`, FastAPI's `{"detail": [...]}`, plain text,
//! and the other ways of saying when to retry — `Retry-After` as an HTTP-date,
//! `retry-after-ms`, or only `X-RateLimit-Reset`.
//!
//! Owns: those replies, for the faults that ask for them, and writing an HTTP-date.
//! Does not own: the documented errors (`errors`) or when a fault applies (`faults`).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::faults::{Fault, FaultKind};

/// Seconds to wait when a retry fault names none: short, so tests stay quick.
const DEFAULT_WAIT: u64 = 2;

/// The reply of an odd-error fault, or `None` for other faults.
pub fn reply(f: Fault) -> Option<Response> {
    let wait = f.value.unwrap_or(DEFAULT_WAIT);
    let limited = StatusCode::TOO_MANY_REQUESTS;
    let resp = match f.kind {
        FaultKind::ErrorString => (
            StatusCode::BAD_REQUEST,
            axum::Json(json!({"error": "The request was rejected (simulated)."})),
        )
            .into_response(),
        FaultKind::ErrorMessage => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(json!({"message": "Input could not be processed (simulated)."})),
        )
            .into_response(),
        FaultKind::ErrorDetail => (
            StatusCode::UNPROCESSABLE_ENTITY,
            axum::Json(
                json!({"detail": [{"loc": ["body", "input"], "msg": "field required", "type": "missing"}]}),
            ),
        )
            .into_response(),
        FaultKind::PlainError => (
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/plain")],
            "upstream connect error or disconnect/reset before headers (simulated)",
        )
            .into_response(),
        FaultKind::RetryAfterDate => {
            let when = http_date(SystemTime::now() + Duration::from_secs(wait));
            (limited, [(header::RETRY_AFTER, when)], rate_limited_body()).into_response()
        }
        FaultKind::RetryAfterMs => (
            limited,
            [("retry-after-ms", (wait * 1000).to_string())],
            rate_limited_body(),
        )
            .into_response(),
        FaultKind::RateLimitReset => {
            let reset = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() + wait)
                .unwrap_or_default();
            (
                limited,
                [
                    ("x-ratelimit-reset", reset.to_string()),
                    ("x-ratelimit-remaining", "0".to_owned()),
                ],
                rate_limited_body(),
            )
                .into_response()
        }
        _ => return None,
    };
    Some(resp)
}

fn rate_limited_body() -> axum::Json<serde_json::Value> {
    axum::Json(
        json!({"error": {"message": "Rate limit exceeded.", "type": "rate_limit_error",
                                "code": "rate_limit_exceeded", "param": null}}),
    )
}

/// `Sun, 06 Nov 1994 08:49:37 GMT` (RFC 9110 IMF-fixdate). Written by hand: a dozen
/// lines of calendar arithmetic, where a crate would be the only use of its kind here.
pub fn http_date(at: SystemTime) -> String {
    let secs = at
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let days = secs / 86_400;
    let (h, m, s) = ((secs / 3600) % 24, (secs / 60) % 60, secs % 60);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let weekday = WEEKDAYS.get((days % 7) as usize).copied().unwrap_or("Thu");
    let month_name = MONTHS.get((month - 1) as usize).copied().unwrap_or("Jan");
    format!("{weekday}, {day:02} {month_name} {year} {h:02}:{m:02}:{s:02} GMT")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_are_imf_fixdates() {
        assert_eq!(
            http_date(UNIX_EPOCH + Duration::from_secs(784_111_777)),
            "Sun, 06 Nov 1994 08:49:37 GMT"
        );
        assert_eq!(http_date(UNIX_EPOCH), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            http_date(UNIX_EPOCH + Duration::from_secs(951_782_400)),
            "Tue, 29 Feb 2000 00:00:00 GMT"
        );
    }

    #[test]
    fn every_odd_error_fault_has_a_reply_and_others_have_none() {
        for k in [
            FaultKind::ErrorString,
            FaultKind::ErrorMessage,
            FaultKind::ErrorDetail,
            FaultKind::PlainError,
            FaultKind::RetryAfterDate,
            FaultKind::RetryAfterMs,
            FaultKind::RateLimitReset,
        ] {
            let r = reply(Fault::new(k)).expect("a reply");
            assert!(
                r.status().is_client_error() || r.status().is_server_error(),
                "{k:?}"
            );
            assert!(k.before_body(), "{k:?} replaces the reply");
        }
        assert!(reply(Fault::new(FaultKind::Drop)).is_none());
        let dated = reply(Fault {
            kind: FaultKind::RetryAfterDate,
            value: Some(5),
        })
        .expect("reply");
        assert!(dated.headers()[header::RETRY_AFTER]
            .to_str()
            .unwrap_or("")
            .ends_with(" GMT"));
    }
}

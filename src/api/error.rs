//! Typed API errors, mapped from HTTP status + `error.code` (spec §5) and from transport
//! failures, each with what the user can do about it.
//!
//! Owns: the error enum, the status/code table, and the one-line advice per error. Does
//! not own: retry decisions (`retry`) or where the key is configured (the caller adds
//! that to the 401 advice, since only it knows the config file).

use std::time::Duration;

use super::wire::{ErrorBody, ErrorEnvelope};

/// Everything that can go wrong talking to the API.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApiError {
    #[error("API key rejected ({code}): {message}")]
    Auth { code: String, message: String },
    #[error("no API key is configured")]
    MissingKey,
    #[error("the persona no longer exists: {message}")]
    InvalidPersona { message: String },
    #[error("request refused ({code}{}): {message}", param.as_deref().map(|p| format!(", param `{p}`")).unwrap_or_default())]
    BadRequest {
        code: String,
        message: String,
        param: Option<String>,
    },
    #[error("out of credits ({code}): {message}")]
    Credits { code: String, message: String },
    #[error("forbidden: {message}")]
    Forbidden { message: String },
    #[error("not found: {message}")]
    NotFound { message: String },
    #[error("rate limited: {message}")]
    RateLimited {
        message: String,
        retry_after: Option<Duration>,
    },
    #[error("server error (HTTP {status}{}): {message}", code.as_deref().map(|c| format!(", {c}")).unwrap_or_default())]
    Server {
        status: u16,
        code: Option<String>,
        message: String,
    },
    #[error("HTTP {status} from the server{}", if body.is_empty() { String::from(" (empty body)") } else { format!(": {body}") })]
    Http { status: u16, body: String },
    #[error("could not connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("could not resolve the host of {url}: {reason}")]
    Dns { url: String, reason: String },
    #[error("TLS failure talking to {url}: {reason}")]
    Tls { url: String, reason: String },
    #[error("no reply from {url} within {secs} s")]
    Timeout { url: String, secs: u64 },
    #[error("stream stalled: no data for {secs} s")]
    Stalled { secs: u64 },
    #[error("the connection closed before the answer finished")]
    Interrupted,
    #[error("the answer failed{}: {message}", code.as_deref().map(|c| format!(" ({c})")).unwrap_or_default())]
    StreamFailed { code: Option<String>, message: String },
    #[error("the server's reply could not be read: {detail}")]
    Protocol { detail: String },
    #[error("{0}")]
    Config(String),
}

/// The longest server text quoted in an error (an HTML error page is not a message).
const BODY_SNIPPET_CHARS: usize = 200;

impl ApiError {
    /// Maps a non-2xx reply. The body may be JSON of the documented shape, other JSON,
    /// HTML from a proxy, or empty: all give a clear error naming the status.
    pub fn from_status(status: u16, body: &str, retry_after: Option<Duration>) -> ApiError {
        let Ok(ErrorEnvelope { error }) = serde_json::from_str::<ErrorEnvelope>(body) else {
            return match status {
                429 => ApiError::RateLimited {
                    message: format!("HTTP 429{}", snippet_suffix(body)),
                    retry_after,
                },
                500..=599 => ApiError::Server {
                    status,
                    code: None,
                    message: if body.trim().is_empty() {
                        "empty reply".into()
                    } else {
                        snippet(body)
                    },
                },
                _ => ApiError::Http {
                    status,
                    body: snippet(body),
                },
            };
        };
        let ErrorBody {
            message, code, param, ..
        } = error;
        let code_str = code.clone().unwrap_or_default();
        match (status, code_str.as_str()) {
            (401, _) => ApiError::Auth {
                code: code.unwrap_or_else(|| "unauthorized".into()),
                message,
            },
            (_, "invalid_persona") => ApiError::InvalidPersona { message },
            (402, _) | (_, "credits_exhausted") | (_, "budget_exceeded") => ApiError::Credits {
                code: code.unwrap_or_else(|| "payment_required".into()),
                message,
            },
            (403, _) => ApiError::Forbidden { message },
            (404, _) => ApiError::NotFound { message },
            (429, _) => ApiError::RateLimited { message, retry_after },
            (500..=599, _) => ApiError::Server {
                status,
                code,
                message,
            },
            _ => ApiError::BadRequest {
                code: code.unwrap_or_else(|| format!("http_{status}")),
                message,
                param,
            },
        }
    }

    /// An error reported inside a stream (`error` event or `response.failed`).
    pub fn from_stream(body: Option<ErrorBody>) -> ApiError {
        let body = body.unwrap_or_default();
        match body.code.as_deref() {
            Some("credits_exhausted") | Some("budget_exceeded") => ApiError::Credits {
                code: body.code.unwrap_or_default(),
                message: body.message,
            },
            Some("rate_limit_exceeded") => ApiError::RateLimited {
                message: body.message,
                retry_after: None,
            },
            _ => ApiError::StreamFailed {
                code: body.code,
                message: if body.message.is_empty() {
                    "no reason given".into()
                } else {
                    body.message
                },
            },
        }
    }

    /// What the user can do, in one line (`None` when the message says it all).
    pub fn advice(&self) -> Option<&'static str> {
        Some(match self {
            ApiError::Auth { .. } | ApiError::MissingKey => {
                "set MAVERA_API_KEY (or api_key in the config file), or run with --demo"
            }
            ApiError::InvalidPersona { .. } => "refresh the persona list and pick another persona",
            ApiError::Credits { .. } => {
                "credits are used up: upgrade the plan or wait for the next billing cycle"
            }
            ApiError::RateLimited { .. } => "wait a moment and try again",
            ApiError::Server { .. } | ApiError::Http { .. } => {
                "the service is having trouble: try again shortly"
            }
            ApiError::Connect { .. } | ApiError::Dns { .. } => {
                "check base_url (MAVERA_BASE_URL / --base-url) and the network, or run with --demo"
            }
            ApiError::Tls { .. } => "check the server's certificate and that base_url uses the right scheme",
            ApiError::Timeout { .. } | ApiError::Stalled { .. } => "the server is slow or stuck: try again",
            ApiError::Interrupted => "the text so far is kept: retry to get a whole answer",
            _ => return None,
        })
    }

    /// Whether this error is worth another attempt before any output (spec §5).
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            ApiError::RateLimited { .. }
                | ApiError::Server {
                    status: 500 | 502 | 503 | 504,
                    ..
                }
        )
    }

    /// Whether the server answered `/personas` with "no such endpoint" (other
    /// Responses-compatible servers): local personas are used alone, without an error.
    pub fn is_endpoint_missing(&self) -> bool {
        matches!(
            self,
            ApiError::NotFound { .. }
                | ApiError::Http {
                    status: 404 | 405 | 501,
                    ..
                }
        )
    }
}

fn snippet(body: &str) -> String {
    let text: String = body
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(BODY_SNIPPET_CHARS)
        .collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if body.chars().count() > BODY_SNIPPET_CHARS {
        format!("{text}…")
    } else {
        text
    }
}

fn snippet_suffix(body: &str) -> String {
    let s = snippet(body);
    if s.is_empty() {
        String::new()
    } else {
        format!(": {s}")
    }
}

/// Parses a `Retry-After` header value: delta-seconds (the form Mavera sends). HTTP dates
/// are rare for APIs and are treated as absent, which falls back to back-off.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs.min(86_400.0)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(code: &str, message: &str) -> String {
        serde_json::json!({"error": {"message": message, "type": "x", "code": code, "param": null}})
            .to_string()
    }

    #[test]
    fn status_and_code_table() {
        type Check = fn(&ApiError) -> bool;
        let cases: Vec<(u16, &str, Check)> = vec![
            (401, "invalid_api_key", |e| matches!(e, ApiError::Auth { .. })),
            (401, "expired_api_key", |e| matches!(e, ApiError::Auth { .. })),
            (400, "invalid_persona", |e| {
                matches!(e, ApiError::InvalidPersona { .. })
            }),
            (400, "invalid_model", |e| matches!(e, ApiError::BadRequest { .. })),
            (402, "credits_exhausted", |e| {
                matches!(e, ApiError::Credits { .. })
            }),
            (402, "budget_exceeded", |e| matches!(e, ApiError::Credits { .. })),
            (403, "forbidden", |e| matches!(e, ApiError::Forbidden { .. })),
            (404, "resource_not_found", |e| {
                matches!(e, ApiError::NotFound { .. })
            }),
            (429, "rate_limit_exceeded", |e| {
                matches!(e, ApiError::RateLimited { .. })
            }),
            (500, "internal_error", |e| {
                matches!(e, ApiError::Server { status: 500, .. })
            }),
            (503, "service_unavailable", |e| {
                matches!(e, ApiError::Server { status: 503, .. })
            }),
        ];
        for (status, code, is) in cases {
            let err = ApiError::from_status(status, &body(code, "msg"), None);
            assert!(is(&err), "{status} {code} → {err:?}");
            assert!(err.to_string().contains("msg"), "{err}");
        }
    }

    #[test]
    fn non_json_bodies_name_the_status() {
        let html = ApiError::from_status(502, "<html><body>Bad gateway</body></html>", None);
        assert!(html.to_string().contains("HTTP 502"), "{html}");
        let empty = ApiError::from_status(418, "", None);
        assert_eq!(empty.to_string(), "HTTP 418 from the server (empty body)");
    }

    #[test]
    fn param_is_shown() {
        let raw = serde_json::json!({"error": {"message": "m", "code": "missing_field", "param": "input"}});
        let err = ApiError::from_status(400, &raw.to_string(), None);
        assert_eq!(
            err.to_string(),
            "request refused (missing_field, param `input`): m"
        );
    }

    #[test]
    fn retry_after_parses_seconds() {
        assert_eq!(parse_retry_after("30"), Some(Duration::from_secs(30)));
        assert_eq!(parse_retry_after(" 1.5 "), Some(Duration::from_millis(1500)));
        assert_eq!(parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(parse_retry_after("-1"), None);
    }
}

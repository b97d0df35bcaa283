//! Typed API errors, mapped from HTTP status + `error.code` (spec §5, §8) and from
//! transport failures, each with what the user can do about it.
//!
//! Owns: the error enum, the status/code table (a known `code` decides; without one, the
//! HTTP status does), naming a transport failure by what the user would fix
//! (`from_transport`), which errors are worth retrying, and the one-line advice per
//! error. Reading an error body of any shape into one clean, capped line lives in
//! `body`. Does not own: retry timing (`retry`), reading the socket (`client`), or where
//! the key is configured (the caller adds the config file to the 401 advice, since only
//! it knows it).

mod body;

use std::time::Duration;

pub use body::{one_line, parse as parse_error_body, ErrorText, MAX_ERROR_BODY_BYTES, MAX_MESSAGE_CHARS};

use super::wire::ErrorBody;

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
    /// `GET /personas` answered 404: whatever is at the base URL, it is not Mavera's API.
    #[error("this base URL does not look like a Mavera API ({url}): GET /personas answered HTTP 404{}", if detail.is_empty() { String::new() } else { format!(" ({detail})") })]
    NotMavera { url: String, detail: String },
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
        /// How long the server asked to wait (a 503 may say, like a 429).
        retry_after: Option<Duration>,
    },
    /// A redirect the client did not follow (another origin, or to plain `http://`).
    #[error(
        "the server redirected (HTTP {status}) to {to}; not followed, so the API key was not sent there"
    )]
    Redirected { status: u16, to: String },
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

/// `code`s that mean the key was refused, whatever the status.
const AUTH_CODES: [&str; 4] = [
    "missing_api_key",
    "invalid_api_key",
    "revoked_api_key",
    "expired_api_key",
];

impl ApiError {
    /// Maps a non-2xx reply. The body may be the documented envelope, another JSON
    /// shape, HTML from a proxy, plain text or empty (see `body`): every one gives a
    /// clear, sanitised, capped error naming the status. A known `code` decides the
    /// kind; without one, the HTTP status does.
    pub fn from_status(status: u16, body: &str, retry_after: Option<Duration>) -> ApiError {
        let ErrorText { message, code, param } = parse_error_body(body);
        let empty_body = message.is_empty();
        let message = if empty_body {
            format!("HTTP {status} with an empty body")
        } else {
            message
        };
        let code_str = code.as_deref().unwrap_or_default();
        match (status, code_str) {
            (_, c) if AUTH_CODES.contains(&c) => ApiError::Auth {
                code: c.to_owned(),
                message,
            },
            (401, _) => ApiError::Auth {
                code: code.unwrap_or_else(|| "unauthorized".into()),
                message,
            },
            (_, "invalid_persona") => ApiError::InvalidPersona { message },
            (402, _) | (_, "credits_exhausted") | (_, "budget_exceeded") => ApiError::Credits {
                code: code.unwrap_or_else(|| "payment_required".into()),
                message,
            },
            (429, _) | (_, "rate_limit_exceeded") => ApiError::RateLimited { message, retry_after },
            (403, _) => ApiError::Forbidden { message },
            (404, _) => ApiError::NotFound { message },
            // "Try again" statuses stay retryable whatever their code says.
            (408 | 409 | 425, _) => ApiError::Http {
                status,
                body: if empty_body { String::new() } else { message },
            },
            (500..=599, _) => ApiError::Server {
                status,
                code,
                message,
                retry_after,
            },
            (_, "") if empty_body => ApiError::Http {
                status,
                body: String::new(),
            },
            (400 | 413 | 415 | 422, _) => ApiError::BadRequest {
                code: code.unwrap_or_else(|| format!("http_{status}")),
                message,
                param,
            },
            _ => match code {
                Some(code) => ApiError::BadRequest { code, message, param },
                None => ApiError::Http {
                    status,
                    body: message,
                },
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

    /// What the user can do, in one line (`None` when the message says it all). Without
    /// a known `code` the kind was chosen by HTTP status, so this is advice by status:
    /// 401/403 the key, 402 billing, 404 on `/personas` the base URL, 408/409/425/429/5xx
    /// a later try.
    pub fn advice(&self) -> Option<&'static str> {
        Some(match self {
            ApiError::Auth { .. } | ApiError::MissingKey => {
                "set MAVERA_API_KEY (or api_key in the config file), or run with --demo"
            }
            ApiError::Forbidden { .. } => {
                "this key may not do that: check MAVERA_API_KEY (or api_key in the config file) and the plan"
            }
            ApiError::InvalidPersona { .. } => "refresh the persona list and pick another persona",
            ApiError::Credits { .. } => {
                "credits are used up: upgrade the plan or wait for the next billing cycle"
            }
            ApiError::NotMavera { .. } => {
                "check base_url (MAVERA_BASE_URL / --base-url): Mavera's is https://app.mavera.io/api/v1"
            }
            ApiError::NotFound { .. } => "check base_url (MAVERA_BASE_URL / --base-url)",
            ApiError::Redirected { .. } => {
                "if the new address is right, set base_url (MAVERA_BASE_URL / --base-url) to it"
            }
            ApiError::RateLimited { .. } => "wait a moment and try again",
            ApiError::Server { .. } => "the service is having trouble: try again shortly",
            ApiError::Http {
                status: 408 | 409 | 425,
                ..
            } => "the server asked for another try: try again shortly",
            ApiError::Http { status: 500.., .. } => "the service is having trouble: try again shortly",
            ApiError::Connect { .. } | ApiError::Dns { .. } => {
                "check base_url (MAVERA_BASE_URL / --base-url) and the network, or run with --demo"
            }
            ApiError::Tls { .. } => "check the server's certificate and that base_url uses the right scheme",
            ApiError::Timeout { .. } | ApiError::Stalled { .. } => "the server is slow or stuck: try again",
            ApiError::Interrupted => "the text so far is kept: retry to get a whole answer",
            _ => return None,
        })
    }

    /// Whether this error is worth another attempt before any output (spec §5): 408,
    /// 409, 425, 429 and 5xx — except 501 and 505, which say the server cannot do this
    /// at all and would answer the same again.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::RateLimited { .. } => true,
            ApiError::Server { status, .. } => !matches!(status, 501 | 505),
            ApiError::Http { status, .. } => matches!(status, 408 | 409 | 425),
            _ => false,
        }
    }

    /// How long the server asked to wait before another try, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            ApiError::RateLimited { retry_after, .. } | ApiError::Server { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// Whether the server answered `/personas` with "no such method" (405, 501): local
    /// personas are used alone, without an error. A 404 is not this: it means the base
    /// URL is wrong (`NotMavera`).
    pub fn is_endpoint_missing(&self) -> bool {
        matches!(
            self,
            ApiError::Http { status: 405, .. } | ApiError::Server { status: 501, .. }
        )
    }

    /// Names a transport failure by what the user would fix: DNS, TLS, refused connection.
    pub(crate) fn from_transport(err: &(dyn std::error::Error + 'static), url: &str) -> ApiError {
        let mut chain = Vec::new();
        let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(e) = cur {
            chain.push(e.to_string());
            cur = e.source();
        }
        let all = chain.join(": ").to_lowercase();
        let reason = chain.last().cloned().unwrap_or_default();
        let url = url.to_owned();
        if all.contains("dns error")
            || all.contains("failed to lookup")
            || all.contains("name or service not known")
        {
            ApiError::Dns { url, reason }
        } else if all.contains("certificate")
            || all.contains("tls")
            || all.contains("handshake")
            || all.contains("invalid peer")
        {
            ApiError::Tls { url, reason }
        } else if all.contains("timed out") {
            ApiError::Timeout { url, secs: 0 }
        } else {
            ApiError::Connect {
                url,
                reason: if reason.is_empty() {
                    "connection failed".into()
                } else {
                    reason
                },
            }
        }
    }
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
            (403, "revoked_api_key", |e| matches!(e, ApiError::Auth { .. })),
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
            (409, "conflict", |e| {
                matches!(e, ApiError::Http { status: 409, .. })
            }),
        ];
        for (status, code, is) in cases {
            let err = ApiError::from_status(status, &body(code, "msg"), None);
            assert!(is(&err), "{status} {code} → {err:?}");
            assert!(err.to_string().contains("msg"), "{err}");
        }
    }

    #[test]
    fn without_a_code_the_status_decides() {
        let cases: [(u16, &str, &str); 9] = [
            (
                401,
                "Unauthorized",
                "API key rejected (unauthorized): Unauthorized",
            ),
            (
                402,
                r#"{"detail":"pay"}"#,
                "out of credits (payment_required): pay",
            ),
            (403, r#"{"message":"nope"}"#, "forbidden: nope"),
            (404, "", "not found: HTTP 404 with an empty body"),
            (
                422,
                r#"{"error":"bad input"}"#,
                "request refused (http_422): bad input",
            ),
            (429, "", "rate limited: HTTP 429 with an empty body"),
            (
                502,
                "<html><title>Bad gateway</title></html>",
                "server error (HTTP 502): Bad gateway",
            ),
            (409, "busy", "HTTP 409 from the server: busy"),
            (418, "", "HTTP 418 from the server (empty body)"),
        ];
        for (status, raw, shown) in cases {
            assert_eq!(
                ApiError::from_status(status, raw, None).to_string(),
                shown,
                "{status}"
            );
        }
    }

    #[test]
    fn advice_follows_the_status() {
        let advice = |status, raw: &str| {
            ApiError::from_status(status, raw, None)
                .advice()
                .unwrap_or_default()
        };
        assert!(advice(401, "").contains("MAVERA_API_KEY"));
        assert!(advice(403, "no").contains("MAVERA_API_KEY"));
        assert!(advice(402, "").contains("billing"));
        assert!(advice(503, "").contains("try again"));
        assert!(advice(408, "").contains("try again"));
        let not_mavera = ApiError::NotMavera {
            url: "http://x/v1".into(),
            detail: String::new(),
        };
        assert_eq!(
            not_mavera.to_string(),
            "this base URL does not look like a Mavera API (http://x/v1): GET /personas answered HTTP 404"
        );
        assert!(not_mavera.advice().is_some_and(|a| a.contains("base_url")));
    }

    #[test]
    fn retryable_statuses() {
        let retryable = |status| ApiError::from_status(status, "x", None).is_retryable();
        for status in [408, 409, 425, 429, 500, 502, 503, 504, 507] {
            assert!(retryable(status), "{status}");
        }
        for status in [400, 401, 402, 403, 404, 405, 418, 422, 501, 505] {
            assert!(!retryable(status), "{status}");
        }
        let wait = Some(Duration::from_secs(3));
        assert_eq!(ApiError::from_status(503, "", wait).retry_after(), wait);
        assert_eq!(ApiError::from_status(429, "", wait).retry_after(), wait);
        assert_eq!(ApiError::from_status(400, "", wait).retry_after(), None);
    }

    #[test]
    fn only_405_and_501_mean_no_persona_endpoint() {
        assert!(ApiError::from_status(405, "", None).is_endpoint_missing());
        assert!(ApiError::from_status(501, "", None).is_endpoint_missing());
        assert!(!ApiError::from_status(404, "", None).is_endpoint_missing());
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
}

//! Error replies, exactly as spec §5 documents them, and the broken replies of the
//! pre-body faults (an HTML proxy page, an empty body); `fault_response` is the one way
//! in for every reply-replacing fault, redirects (`redirect`) included.
//!
//! Owns: [`SimError`] — status codes, `type`/`code` strings, documented messages, the
//! `{"error":{"message","type","code","param"}}` envelope (with `param: null` kept) and
//! `Retry-After`. Does not own: deciding *when* an error happens (`routes`, `context`,
//! `request`, `responses`), nor the client's reading of these replies (`api::ApiError`).

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::faults::{Fault, FaultKind};
use super::redirect::{self, Place};

/// Default `Retry-After` of the documented 429, in seconds.
pub const DEFAULT_RETRY_AFTER: u64 = 30;

/// An error reply the simulator sends, as spec §5 shapes it. The server's side of an
/// error; the client's reading of it is `crate::api::ApiError`, a different type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SimError {
    pub status: StatusCode,
    pub kind: &'static str,
    pub code: &'static str,
    pub message: String,
    pub param: Option<String>,
    pub retry_after: Option<u64>,
}

impl SimError {
    fn new(status: StatusCode, kind: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        SimError {
            status,
            kind,
            code,
            message: message.into(),
            param: None,
            retry_after: None,
        }
    }

    fn with_param(mut self, param: &str) -> Self {
        self.param = Some(param.to_string());
        self
    }

    pub fn missing_api_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "missing_api_key",
            "Missing API key. Send it in the Authorization header as 'Bearer mvra_live_...'.",
        )
    }

    pub fn invalid_api_key() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "authentication_error",
            "invalid_api_key",
            "Invalid API key. Ensure your key starts with 'mvra_live_' and has not been revoked.",
        )
    }

    pub fn invalid_model() -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_model",
            "Invalid value for 'model': must be one of ['mavera-1'].",
        )
        .with_param("model")
    }

    pub fn missing_field(param: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "missing_field",
            format!("Missing required parameter: '{param}'."),
        )
        .with_param(param)
    }

    /// `param` is `None` when the problem is the body as a whole.
    pub fn invalid_field(param: Option<&str>, message: impl Into<String>) -> Self {
        let e = Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_field",
            message,
        );
        match param {
            Some(p) => e.with_param(p),
            None => e,
        }
    }

    pub fn invalid_persona(id: &str) -> Self {
        // Ids come from the client: keep the echo short.
        let shown: String = id.chars().take(64).collect();
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_request_error",
            "invalid_persona",
            format!("Persona '{shown}' not found. It may have been deleted; refresh the persona list."),
        )
        .with_param("persona_id")
    }

    pub fn credits_exhausted() -> Self {
        Self::new(
            StatusCode::PAYMENT_REQUIRED,
            "insufficient_credits",
            "credits_exhausted",
            "Insufficient credits. Please upgrade your subscription or wait for your next billing cycle.",
        )
    }

    pub fn rate_limited(seconds: u64) -> Self {
        let mut e = Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limit_error",
            "rate_limit_exceeded",
            format!("Rate limit exceeded. Please retry after {seconds} seconds."),
        );
        e.retry_after = Some(seconds);
        e
    }

    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "permission_error",
            "forbidden",
            "This API key is not allowed to use this resource.",
        )
    }

    pub fn internal() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "server_error",
            "internal_error",
            "The server had an error while processing your request. Please retry.",
        )
    }

    pub fn unavailable() -> Self {
        Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "service_unavailable",
            "service_unavailable",
            "The service is temporarily unavailable. Please retry shortly.",
        )
    }

    pub fn not_found(method: &str, path: &str) -> Self {
        let shown: String = path.chars().take(200).collect();
        Self::new(
            StatusCode::NOT_FOUND,
            "invalid_request_error",
            "resource_not_found",
            format!("Unknown endpoint: {method} {shown}"),
        )
    }

    pub fn method_not_allowed(method: &str, path: &str) -> Self {
        let shown: String = path.chars().take(200).collect();
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "invalid_request_error",
            "method_not_allowed",
            format!("Method {method} is not allowed on {shown}"),
        )
    }
}

impl IntoResponse for SimError {
    fn into_response(self) -> Response {
        let body = json!({"error": {
            "message": self.message, "type": self.kind, "code": self.code, "param": self.param,
        }});
        let mut resp = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            resp.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        resp
    }
}

const BAD_GATEWAY_PAGE: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";

/// The reply for a fault that replaces the whole response, or `None` for other faults.
/// `place` is where the request was sent (a redirect points elsewhere from it).
pub fn fault_response(f: Fault, place: &Place) -> Option<Response> {
    let resp = match f.kind {
        kind if kind.redirects() => return redirect::reply(f, place),
        FaultKind::RateLimit => {
            SimError::rate_limited(f.value.unwrap_or(DEFAULT_RETRY_AFTER)).into_response()
        }
        FaultKind::ServerError => SimError::internal().into_response(),
        FaultKind::Unavailable => SimError::unavailable().into_response(),
        FaultKind::CreditsExhausted => SimError::credits_exhausted().into_response(),
        FaultKind::Forbidden => SimError::forbidden().into_response(),
        FaultKind::NotFound => SimError::not_found("POST", "/responses").into_response(),
        FaultKind::HtmlError => (
            StatusCode::BAD_GATEWAY,
            [(header::CONTENT_TYPE, "text/html")],
            BAD_GATEWAY_PAGE,
        )
            .into_response(),
        FaultKind::EmptyError => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
        _ => return super::odd_errors::reply(f),
    };
    Some(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_before_body_fault_has_a_reply() {
        let place = Place::of(
            &axum::http::Uri::from_static("/api/v1/responses"),
            &axum::http::HeaderMap::new(),
        );
        for k in FaultKind::ALL {
            assert_eq!(
                fault_response(Fault::new(k), &place).is_some(),
                k.before_body(),
                "{}",
                k.name()
            );
        }
        let r = fault_response(
            Fault {
                kind: FaultKind::RateLimit,
                value: Some(2),
            },
            &place,
        )
        .expect("reply");
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(r.headers()[header::RETRY_AFTER], "2");
    }
}

//! The HTTP client: personas, responses (whole and streamed), usage.
//!
//! Owns: URLs, headers, timeouts, pagination, and turning replies and transport failures
//! into typed results: reading at most `MAX_ERROR_BODY_BYTES` of an error body, the wait
//! a reply asks for (`retry::wait_of`), the rate-limit window the last reply described
//! (`Client::rate_limit`), a 404 on `/personas` as "not a Mavera API", and a JSON reply
//! to a streaming request as the whole answer. With `--record`, the tap: each request
//! body, a failed reply's status and body, a whole JSON reply, the persona pages and usage
//! reports go to the recording (never a header), and the stream records its events; a
//! replaying simulator's `x-mavera-replay` header is read onto the stream. Also the
//! transport's safety: redirects
//! are followed only within the base URL's origin, and a loopback base URL never goes
//! through a proxy. Does not own: retry decisions (`retry`; callers wrap calls in
//! `with_retry` so they can show a countdown), framing (`sse`), or event meaning
//! (`events`).

use std::collections::HashSet;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION};
use serde_json::{json, Value};
use url::Url;

use super::error::{one_line, ApiError, MAX_ERROR_BODY_BYTES};
use super::key::ApiKey;
use super::retry::{rate_limit_of, wait_of, RateLimitStatus};
use super::sse::DEFAULT_MAX_EVENT_BYTES;
use super::stream::ResponseStream;
use super::wire::{Persona, PersonaPage, ResponseObject, ResponseRequest, UsageReport};
use crate::recording::{Exchange, Recorder};
use record::{typed, Note};

/// What the client needs to know.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    pub base_url: Url,
    pub api_key: Option<ApiKey>,
    /// Longest wait for a reply's headers (and for a whole non-streaming reply).
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    /// Longest silence inside a stream before it counts as stalled.
    pub idle_timeout: Duration,
    /// Permit sending the key over plain `http://` to a host that is not loopback.
    pub allow_insecure_http: bool,
}

impl ClientConfig {
    pub fn new(base_url: Url, api_key: Option<ApiKey>) -> Self {
        ClientConfig {
            base_url,
            api_key,
            request_timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            idle_timeout: Duration::from_secs(30),
            allow_insecure_http: false,
        }
    }
}

/// Pages fetched at most from `/personas`: a server whose cursor never ends cannot make
/// the client loop forever.
const MAX_PERSONA_PAGES: usize = 100;

/// The most of a successful JSON reply read (a persona page, a whole response): the same
/// bound as one streamed event, far above any real reply.
const MAX_JSON_BYTES: usize = DEFAULT_MAX_EVENT_BYTES;

/// Redirect hops followed at most (all within the base URL's origin).
const MAX_REDIRECTS: usize = 5;

/// A client for one server.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
    /// The rate-limit window as the latest reply described it, and when that reply
    /// arrived (shared by clones).
    rate_limit: Arc<Mutex<Option<(RateLimitStatus, Instant)>>>,
    /// `--record`: where every request and reply is written too (never a header).
    recorder: Option<Recorder>,
}

impl Client {
    /// A client for `config.base_url`. Redirects: followed only when the next URL has the
    /// same origin (scheme, host and port) as the request — so `Authorization` never
    /// reaches another host, and an `https://` base is never downgraded to `http://`;
    /// any other redirect is not followed and becomes `ApiError::Redirected`. Proxies: a
    /// loopback base URL (the simulator, a local server) never goes through a proxy from
    /// the environment (`HTTP_PROXY` and kin), so the key stays on this machine.
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        check_transport_security(&config)?;
        let mut builder = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("mavera-tui/", env!("CARGO_PKG_VERSION")))
            .redirect(reqwest::redirect::Policy::custom(|attempt| {
                let first = attempt.previous().first();
                if attempt.previous().len() > MAX_REDIRECTS {
                    attempt.error("too many redirects")
                } else if first.is_some_and(|from| may_follow(from, attempt.url())) {
                    attempt.follow()
                } else {
                    attempt.stop()
                }
            }));
        if is_loopback(&config.base_url) {
            builder = builder.no_proxy();
        }
        let http = builder
            .build()
            .map_err(|e| ApiError::Config(format!("could not set up HTTP: {e}")))?;
        Ok(Client {
            http,
            config,
            rate_limit: Arc::default(),
            recorder: None,
        })
    }

    /// The rate-limit window as the latest reply described it (`X-RateLimit-Limit`,
    /// `-Remaining`, `-Reset`); `None` until a reply carried them. `reset_in` counts from
    /// now, not from the reply: a long stream read since then has used up part of the
    /// wait. See `RateLimitStatus::is_low` for when to show it.
    pub fn rate_limit(&self) -> Option<RateLimitStatus> {
        let noted = *self.rate_limit.lock().unwrap_or_else(PoisonError::into_inner);
        noted.map(|(status, at)| RateLimitStatus {
            reset_in: status.reset_in.map(|wait| wait.saturating_sub(at.elapsed())),
            ..status
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// The base URL for messages: never carries the key.
    pub fn base_url(&self) -> &str {
        self.config.base_url.as_str()
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.config.base_url.as_str().trim_end_matches('/'))
    }

    fn request(&self, method: reqwest::Method, path: &str) -> Result<reqwest::RequestBuilder, ApiError> {
        let key = self.config.api_key.as_ref().ok_or(ApiError::MissingKey)?;
        let mut auth = reqwest::header::HeaderValue::from_str(&format!("Bearer {}", key.expose()))
            .map_err(|_| ApiError::Config("the API key contains characters a header cannot carry".into()))?;
        // Sensitive values are redacted by the HTTP stack's own Debug output and logs.
        auth.set_sensitive(true);
        Ok(self
            .http
            .request(method, self.url(path))
            .header(AUTHORIZATION, auth))
    }

    /// Sends and waits for the reply's headers; non-2xx replies become typed errors.
    async fn send(&self, builder: reqwest::RequestBuilder) -> Result<reqwest::Response, ApiError> {
        self.send_tapped(builder, None).await
    }

    /// `send`, writing a failed reply (status, `Retry-After`, the body read) on `tap`.
    async fn send_tapped(
        &self,
        builder: reqwest::RequestBuilder,
        tap: Option<&Exchange>,
    ) -> Result<reqwest::Response, ApiError> {
        let timeout = self.config.request_timeout;
        let reply = tokio::time::timeout(timeout, builder.send())
            .await
            .map_err(|_| self.timeout_error())?
            .map_err(|e| self.transport_error(&e))?;
        let status = reply.status();
        let now = SystemTime::now();
        self.note_rate_limit(reply.headers(), now);
        if status.is_success() {
            return Ok(reply);
        }
        if status.is_redirection() {
            return Err(ApiError::Redirected {
                status: status.as_u16(),
                to: redirect_target(reply.url(), reply.headers()),
            });
        }
        let wait = wait_of(status.as_u16(), reply.headers(), now);
        let retry_after = reply
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        // Only the first `MAX_ERROR_BODY_BYTES`: the rest is never read (the connection
        // is dropped with the reply). A body that breaks or stalls gives what arrived.
        let mut body = Vec::new();
        let _ = tokio::time::timeout(timeout, read_at_most(reply, MAX_ERROR_BODY_BYTES, &mut body)).await;
        let body = String::from_utf8_lossy(&body);
        if let Some(tap) = tap {
            tap.reply(status.as_u16(), retry_after, Some(body.clone().into_owned()));
        }
        Err(ApiError::from_status(status.as_u16(), &body, wait))
    }

    fn note_rate_limit(&self, headers: &HeaderMap, now: SystemTime) {
        let Some(status) = rate_limit_of(headers, now) else {
            return;
        };
        if status.is_low() {
            tracing::warn!(
                remaining = status.remaining,
                limit = status.limit,
                reset_in_s = status.reset_in.map(|d| d.as_secs()),
                "few requests left in the rate-limit window"
            );
        }
        *self.rate_limit.lock().unwrap_or_else(PoisonError::into_inner) = Some((status, Instant::now()));
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        path_and_query: &str,
        note: Note,
    ) -> Result<T, ApiError> {
        let reply = self
            .send(self.request(reqwest::Method::GET, path_and_query)?)
            .await?;
        if self.recorder.is_none() {
            return self.read_json(reply).await;
        }
        let raw: Value = self.read_json(reply).await?;
        self.note(note, &raw);
        typed(raw)
    }

    async fn read_json<T: serde::de::DeserializeOwned>(
        &self,
        reply: reqwest::Response,
    ) -> Result<T, ApiError> {
        let mut bytes = Vec::new();
        let whole = tokio::time::timeout(
            self.config.request_timeout,
            read_at_most(reply, MAX_JSON_BYTES, &mut bytes),
        )
        .await
        .map_err(|_| self.timeout_error())?
        .map_err(|e| self.transport_error(&e))?;
        if !whole {
            return Err(ApiError::Protocol {
                detail: format!("the reply is larger than {} MiB", MAX_JSON_BYTES >> 20),
            });
        }
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Protocol {
            detail: format!("unexpected JSON ({e})"),
        })
    }

    /// Every persona, following the (undocumented) pagination envelope: `next_cursor`,
    /// else `last_id` when `has_more`; stops when a page adds nothing new. A 404 means
    /// the base URL is not a Mavera API (`ApiError::NotMavera`).
    pub async fn list_personas(&self) -> Result<Vec<Persona>, ApiError> {
        self.persona_pages().await.map_err(|err| match err {
            ApiError::NotFound { message } => ApiError::NotMavera {
                url: self.base_url().to_owned(),
                detail: message,
            },
            other => other,
        })
    }

    async fn persona_pages(&self) -> Result<Vec<Persona>, ApiError> {
        let mut all: Vec<Persona> = Vec::new();
        let mut seen = HashSet::new();
        let mut query = String::from("/personas?limit=100");
        for _ in 0..MAX_PERSONA_PAGES {
            let page: PersonaPage = self.get_json(&query, Note::Personas).await?;
            let before = all.len();
            for p in page.data {
                if seen.insert(p.id.clone()) {
                    all.push(p);
                }
            }
            let added = all.len() > before;
            let next = match (page.next_cursor, page.has_more, page.last_id) {
                (Some(cursor), more, _) if more != Some(false) && !cursor.is_empty() => {
                    format!("cursor={}", encode(&cursor))
                }
                (None, Some(true), Some(last)) => format!("after={}", encode(&last)),
                (None, Some(true), None) => match all.last() {
                    Some(p) => format!("after={}", encode(&p.id)),
                    None => break,
                },
                _ => break,
            };
            if !added {
                break;
            }
            query = format!("/personas?limit=100&{next}");
        }
        Ok(all)
    }

    /// `POST /responses` without streaming.
    pub async fn create_response(&self, request: &ResponseRequest) -> Result<ResponseObject, ApiError> {
        let mut body = request.clone();
        body.stream = false;
        let tap = self.tap(&body);
        let reply = self
            .send_tapped(
                self.request(reqwest::Method::POST, "/responses")?.json(&body),
                tap.as_ref(),
            )
            .await?;
        let Some(tap) = tap else {
            return self.read_json(reply).await;
        };
        let status = reply.status().as_u16();
        let raw: Value = self.read_json(reply).await?;
        tap.json(status, raw.clone());
        typed(raw)
    }

    /// `POST /responses` with `stream: true`; events are read from the returned stream.
    /// A server that answers with `Content-Type: application/json` instead sent the whole
    /// response: it is read (bounded) and handed over as the one terminal event a stream
    /// would have ended with (`response.completed`, `.incomplete` or `.failed`, by its
    /// `status`), so every consumer assembles it the usual way.
    pub async fn stream_response(&self, request: &ResponseRequest) -> Result<ResponseStream, ApiError> {
        let mut body = request.clone();
        body.stream = true;
        let builder = self
            .request(reqwest::Method::POST, "/responses")?
            .header(ACCEPT, "text/event-stream")
            .json(&body);
        let tap = self.tap(&body);
        let reply = self.send_tapped(builder, tap.as_ref()).await?;
        let origin = record::origin_of(reply.headers());
        if is_json(reply.headers()) {
            let status = reply.status().as_u16();
            let whole: Value = self.read_json(reply).await?;
            if let Some(tap) = &tap {
                tap.json(status, whole.clone());
            }
            let event = terminal_event(whole)?;
            let chunk: Result<Bytes, std::io::Error> = Ok(Bytes::from(format!("data: {event}\n\n")));
            return Ok(
                ResponseStream::new(futures_util::stream::iter([chunk]), self.config.idle_timeout)
                    .with_origin(origin),
            );
        }
        if let Some(tap) = &tap {
            tap.reply(reply.status().as_u16(), None, None);
        }
        Ok(
            ResponseStream::new(reply.bytes_stream(), self.config.idle_timeout)
                .recorded(tap)
                .with_origin(origin),
        )
    }

    /// `GET /usage`: the credit balance.
    pub async fn usage(&self) -> Result<UsageReport, ApiError> {
        self.get_json("/usage", Note::Usage).await
    }

    fn timeout_error(&self) -> ApiError {
        ApiError::Timeout {
            url: self.base_url().to_owned(),
            secs: self.config.request_timeout.as_secs(),
        }
    }

    fn transport_error(&self, err: &reqwest::Error) -> ApiError {
        ApiError::from_transport(err, self.base_url())
    }
}

/// Reads `reply`'s body into `out`, stopping at `limit` bytes: the rest is never read.
/// `Ok(true)` when the whole body fit.
async fn read_at_most(
    mut reply: reqwest::Response,
    limit: usize,
    out: &mut Vec<u8>,
) -> Result<bool, reqwest::Error> {
    while let Some(chunk) = reply.chunk().await? {
        let room = limit.saturating_sub(out.len());
        if chunk.len() > room {
            out.extend_from_slice(chunk.get(..room).unwrap_or_default());
            return Ok(false);
        }
        out.extend_from_slice(&chunk);
    }
    Ok(true)
}

/// Whether a reply is JSON (`application/json`, or a `+json` type) rather than events.
fn is_json(headers: &HeaderMap) -> bool {
    let mime = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    mime == "application/json" || (mime.starts_with("application/") && mime.ends_with("+json"))
}

/// A whole response object as the terminal stream event that carries it.
fn terminal_event(response: Value) -> Result<Value, ApiError> {
    if !response.is_object() {
        return Err(ApiError::Protocol {
            detail: "a JSON reply to a streaming request that is not a response object".into(),
        });
    }
    let failed = response.get("error").is_some_and(|e| !e.is_null());
    let kind = match response.get("status").and_then(Value::as_str) {
        Some("failed") => "response.failed",
        Some("incomplete" | "cancelled") => "response.incomplete",
        Some("completed") => "response.completed",
        _ if failed => "response.failed",
        _ => "response.completed",
    };
    Ok(json!({"type": kind, "response": response}))
}

/// Where a redirect pointed, for the message: its origin and path, sanitised (no query,
/// which may carry anything).
fn redirect_target(from: &Url, headers: &HeaderMap) -> String {
    let location = headers
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    match from.join(location) {
        Ok(mut to) if !location.is_empty() => {
            to.set_query(None);
            to.set_fragment(None);
            let _ = to.set_username("");
            let _ = to.set_password(None);
            one_line(to.as_str(), 200)
        }
        _ => "an address it did not give".to_owned(),
    }
}

/// Whether a redirect from `from` to `to` may be followed: same scheme, host and port.
/// (A plain-`http://` origin is only ever the base URL itself, which the user allowed.)
fn may_follow(from: &Url, to: &Url) -> bool {
    from.scheme() == to.scheme()
        && from.host_str() == to.host_str()
        && from.port_or_known_default() == to.port_or_known_default()
}

fn encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// The key travels only over TLS, or to this machine (the simulator), unless the user
/// explicitly allowed plain HTTP.
fn check_transport_security(config: &ClientConfig) -> Result<(), ApiError> {
    let url = &config.base_url;
    match url.scheme() {
        "https" => Ok(()),
        "http" if config.allow_insecure_http || is_loopback(url) => Ok(()),
        "http" => Err(ApiError::Config(format!(
            "refusing to send the API key over plain HTTP to {url}; use https:// or set allow_insecure_http = true"
        ))),
        other => Err(ApiError::Config(format!(
            "base_url {url} has scheme `{other}`; expected https:// (or http:// for a local server)"
        ))),
    }
}

/// Whether the URL points at this machine.
pub fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

mod custom;
mod record;
#[cfg(test)]
mod tests;

//! The HTTP client: personas, responses (whole and streamed), usage.
//!
//! Owns: URLs, headers, timeouts, pagination, and turning replies and transport failures
//! into typed results. Does not own: retry decisions (`retry`; callers wrap calls in
//! `with_retry` so they can show a countdown), framing (`sse`), or event meaning
//! (`events`).

use std::collections::HashSet;
use std::time::Duration;

use reqwest::header::{HeaderMap, ACCEPT, AUTHORIZATION, RETRY_AFTER};
use url::Url;

use super::error::{parse_retry_after, ApiError};
use super::key::ApiKey;
use super::stream::ResponseStream;
use super::wire::{Persona, PersonaPage, ResponseObject, ResponseRequest, UsageReport};

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

/// A client for one server.
#[derive(Debug, Clone)]
pub struct Client {
    http: reqwest::Client,
    config: ClientConfig,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        check_transport_security(&config)?;
        let http = reqwest::Client::builder()
            .connect_timeout(config.connect_timeout)
            .user_agent(concat!("mavera-tui/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| ApiError::Config(format!("could not set up HTTP: {e}")))?;
        Ok(Client { http, config })
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
        let timeout = self.config.request_timeout;
        let reply = tokio::time::timeout(timeout, builder.send())
            .await
            .map_err(|_| self.timeout_error())?
            .map_err(|e| self.transport_error(&e))?;
        let status = reply.status();
        if status.is_success() {
            return Ok(reply);
        }
        let retry_after = retry_after_of(reply.headers());
        let body = tokio::time::timeout(timeout, reply.text())
            .await
            .map_err(|_| self.timeout_error())?
            .unwrap_or_default();
        Err(ApiError::from_status(status.as_u16(), &body, retry_after))
    }

    async fn get_json<T: serde::de::DeserializeOwned>(&self, path_and_query: &str) -> Result<T, ApiError> {
        let reply = self
            .send(self.request(reqwest::Method::GET, path_and_query)?)
            .await?;
        self.read_json(reply).await
    }

    async fn read_json<T: serde::de::DeserializeOwned>(
        &self,
        reply: reqwest::Response,
    ) -> Result<T, ApiError> {
        let bytes = tokio::time::timeout(self.config.request_timeout, reply.bytes())
            .await
            .map_err(|_| self.timeout_error())?
            .map_err(|e| self.transport_error(&e))?;
        serde_json::from_slice(&bytes).map_err(|e| ApiError::Protocol {
            detail: format!("unexpected JSON ({e})"),
        })
    }

    /// Every persona, following the (undocumented) pagination envelope: `next_cursor`,
    /// else `last_id` when `has_more`; stops when a page adds nothing new.
    pub async fn list_personas(&self) -> Result<Vec<Persona>, ApiError> {
        let mut all: Vec<Persona> = Vec::new();
        let mut seen = HashSet::new();
        let mut query = String::from("/personas?limit=100");
        for _ in 0..MAX_PERSONA_PAGES {
            let page: PersonaPage = self.get_json(&query).await?;
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
        let reply = self
            .send(self.request(reqwest::Method::POST, "/responses")?.json(&body))
            .await?;
        self.read_json(reply).await
    }

    /// `POST /responses` with `stream: true`; events are read from the returned stream.
    pub async fn stream_response(&self, request: &ResponseRequest) -> Result<ResponseStream, ApiError> {
        let mut body = request.clone();
        body.stream = true;
        let builder = self
            .request(reqwest::Method::POST, "/responses")?
            .header(ACCEPT, "text/event-stream")
            .json(&body);
        let reply = self.send(builder).await?;
        Ok(ResponseStream::new(
            reply.bytes_stream(),
            self.config.idle_timeout,
        ))
    }

    /// `GET /usage`: the credit balance.
    pub async fn usage(&self) -> Result<UsageReport, ApiError> {
        self.get_json("/usage").await
    }

    fn timeout_error(&self) -> ApiError {
        ApiError::Timeout {
            url: self.base_url().to_owned(),
            secs: self.config.request_timeout.as_secs(),
        }
    }

    fn transport_error(&self, err: &reqwest::Error) -> ApiError {
        classify_transport(err, self.base_url())
    }
}

/// Names a transport failure by what the user would fix: DNS, TLS, refused connection.
pub(crate) fn classify_transport(err: &(dyn std::error::Error + 'static), url: &str) -> ApiError {
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

fn retry_after_of(headers: &HeaderMap) -> Option<Duration> {
    headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(parse_retry_after)
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

#[cfg(test)]
mod tests {
    use super::*;

    fn config(url: &str) -> ClientConfig {
        ClientConfig::new(Url::parse(url).expect("url"), None)
    }

    #[test]
    fn plain_http_only_to_loopback_unless_allowed() {
        assert!(check_transport_security(&config("https://app.mavera.io/api/v1")).is_ok());
        assert!(check_transport_security(&config("http://127.0.0.1:9/api/v1")).is_ok());
        assert!(check_transport_security(&config("http://[::1]:9/v1")).is_ok());
        assert!(check_transport_security(&config("http://localhost:9/v1")).is_ok());
        let err = check_transport_security(&config("http://example.com/v1")).unwrap_err();
        assert!(err.to_string().contains("allow_insecure_http"), "{err}");
        let mut allowed = config("http://example.com/v1");
        allowed.allow_insecure_http = true;
        assert!(check_transport_security(&allowed).is_ok());
        assert!(check_transport_security(&config("ftp://example.com/")).is_err());
    }
}

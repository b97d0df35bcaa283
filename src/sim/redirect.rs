//! The redirect faults (spec §8 "Redirects"): `redirect_same` answers with a 307 to the
//! same path under the simulator's other prefix (`/api/v1` ↔ `/v1`, same origin, so a
//! client may follow it with its key), and `redirect_other` with a 307 to another origin
//! (the same host name on port `VALUE`, or without one the same port under the other
//! loopback name, `127.0.0.1` ↔ `localhost`), where a client must not take its key.
//!
//! Owns: where each redirect points, the reply that carries it, and the mark
//! (`sim_redirected=1` in the query) that tells a request following one of these
//! redirects from a fresh one, so that it is answered instead of redirected again.
//! Does not own: which faults a request gets (`faults`, `routes`, `responses`) or the
//! other reply-replacing faults (`errors`).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::faults::{Fault, FaultKind};

/// The query pair a redirect adds to where it points.
const FOLLOWED: &str = "sim_redirected=1";

/// Where a request was sent: what a redirect needs to point elsewhere.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The whole path (prefix included) and query, as the client sent them.
    path_and_query: String,
    /// The `Host` header: `127.0.0.1:PORT`, `localhost:PORT`.
    host: Option<String>,
}

impl Place {
    /// `uri` must be the one the client sent: under a nested router a handler's has lost
    /// its prefix, so the gate (`routes`) takes it before routing.
    pub fn of(uri: &Uri, headers: &HeaderMap) -> Place {
        Place {
            path_and_query: uri
                .path_and_query()
                .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned()),
            host: headers
                .get(header::HOST)
                .and_then(|h| h.to_str().ok())
                .map(str::to_owned),
        }
    }

    /// Whether the request follows a redirect this module sent.
    pub fn followed(&self) -> bool {
        self.path_and_query
            .split_once('?')
            .is_some_and(|(_, query)| query.split('&').any(|pair| pair == FOLLOWED))
    }

    fn path(&self) -> &str {
        self.path_and_query
            .split_once('?')
            .map_or(self.path_and_query.as_str(), |(path, _)| path)
    }

    /// The query with the mark added.
    fn marked_query(&self) -> String {
        match self.path_and_query.split_once('?') {
            Some((_, query)) if !query.is_empty() => format!("{query}&{FOLLOWED}"),
            _ => FOLLOWED.to_owned(),
        }
    }

    /// The host name and port the request was sent to.
    fn host_and_port(&self) -> (&str, Option<&str>) {
        let host = self.host.as_deref().unwrap_or("127.0.0.1");
        match host.rsplit_once(':') {
            Some((name, port)) if !name.ends_with(':') => (name, Some(port)),
            _ => (host, None),
        }
    }
}

/// The redirect of a redirect fault, or `None` for other faults.
pub fn reply(f: Fault, place: &Place) -> Option<Response> {
    let location = match f.kind {
        FaultKind::RedirectSame => same_origin(place),
        FaultKind::RedirectOther => other_origin(place, f.value),
        _ => return None,
    };
    let mut resp = StatusCode::TEMPORARY_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        resp.headers_mut().insert(header::LOCATION, value);
    }
    Some(resp)
}

/// The same path under the other prefix, as a path: the client resolves it against the
/// origin it asked.
fn same_origin(place: &Place) -> String {
    let path = place.path();
    let moved = match path.strip_prefix("/api/v1") {
        Some(rest) => format!("/v1{rest}"),
        None => match path.strip_prefix("/v1") {
            Some(rest) => format!("/api/v1{rest}"),
            None => path.to_owned(),
        },
    };
    format!("{moved}?{}", place.marked_query())
}

/// The same path at another origin: port `port` of the same host name, else the same
/// port under the other name for this machine.
fn other_origin(place: &Place, port: Option<u64>) -> String {
    let (name, own_port) = place.host_and_port();
    let (name, port) = match port.and_then(|p| u16::try_from(p).ok()) {
        Some(p) => (name.to_owned(), Some(p.to_string())),
        None => {
            let other = if name.eq_ignore_ascii_case("localhost") {
                "127.0.0.1"
            } else {
                "localhost"
            };
            (other.to_owned(), own_port.map(str::to_owned))
        }
    };
    let authority = match port {
        Some(port) => format!("{name}:{port}"),
        None => name,
    };
    format!("http://{authority}{}?{}", place.path(), place.marked_query())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place(path_and_query: &str, host: &str) -> Place {
        Place {
            path_and_query: path_and_query.into(),
            host: Some(host.into()),
        }
    }

    fn location(f: Fault, at: &Place) -> String {
        let resp = reply(f, at).expect("a redirect");
        assert_eq!(resp.status(), StatusCode::TEMPORARY_REDIRECT);
        resp.headers()[header::LOCATION]
            .to_str()
            .expect("ascii")
            .to_owned()
    }

    #[test]
    fn same_origin_swaps_the_prefix_and_marks_the_query() {
        let f = Fault::new(FaultKind::RedirectSame);
        let at = place("/api/v1/responses", "127.0.0.1:4000");
        assert_eq!(location(f, &at), "/v1/responses?sim_redirected=1");
        let at = place("/v1/personas?limit=100", "127.0.0.1:4000");
        assert_eq!(location(f, &at), "/api/v1/personas?limit=100&sim_redirected=1");
        assert!(!at.followed());
        assert!(place("/v1/personas?limit=1&sim_redirected=1", "h").followed());
        assert!(!place("/v1/x?sim_redirected=10", "h").followed());
    }

    #[test]
    fn another_origin_is_another_port_or_the_other_loopback_name() {
        let at = place("/api/v1/responses", "127.0.0.1:4000");
        let to_port = Fault {
            kind: FaultKind::RedirectOther,
            value: Some(4001),
        };
        assert_eq!(
            location(to_port, &at),
            "http://127.0.0.1:4001/api/v1/responses?sim_redirected=1"
        );
        let renamed = Fault::new(FaultKind::RedirectOther);
        assert_eq!(
            location(renamed, &at),
            "http://localhost:4000/api/v1/responses?sim_redirected=1"
        );
        let at = place("/v1/responses", "localhost:4000");
        assert_eq!(
            location(renamed, &at),
            "http://127.0.0.1:4000/v1/responses?sim_redirected=1"
        );
        assert!(reply(Fault::new(FaultKind::Drop), &at).is_none());
    }
}

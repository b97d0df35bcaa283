//! A server that is not the simulator: it replays recorded replies byte for byte. Plain
//! HTTP/1.1 over a loopback socket, one connection per request, closed after the body —
//! so a client meets exactly the bytes a recording holds and nothing of the simulator's
//! habits.
//!
//! Two ways in: `serve` answers `POST /responses` with a recorded event stream chosen by
//! name from the prompt (`recording:NAME`); `serve_replies` answers by route — that name,
//! else the request's path without its query — with a scripted `Reply` (any status,
//! headers and body), one per request in turn, the last repeated. Every server keeps the
//! head of each request it received (`requests`), with when it arrived.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// One scripted reply.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Send `content-length` (all but event streams, which end when the socket closes).
    pub sized: bool,
    /// After the body, keep the connection open and silent (a reply that never ends).
    pub hold_open: bool,
}

impl Reply {
    /// `status` with an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            sized: true,
            hold_open: false,
        }
    }

    /// A 200 event stream.
    pub fn sse(body: &str) -> Reply {
        Reply {
            sized: false,
            ..Reply::status(200)
        }
        .header("content-type", "text/event-stream")
        .body(body)
    }

    /// `status` with a JSON body.
    pub fn json(status: u16, body: &serde_json::Value) -> Reply {
        Reply::status(status)
            .header("content-type", "application/json")
            .body(&body.to_string())
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }

    pub fn body(mut self, body: &str) -> Reply {
        self.body = body.as_bytes().to_vec();
        self
    }

    pub fn bytes(mut self, body: Vec<u8>) -> Reply {
        self.body = body;
        self
    }

    fn head(&self) -> String {
        let mut head = format!("HTTP/1.1 {} Scripted\r\n", self.status);
        for (k, v) in &self.headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        if self.sized {
            head.push_str(&format!("content-length: {}\r\n", self.body.len()));
        }
        head.push_str("connection: close\r\n\r\n");
        head
    }
}

/// A request as the server received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub at: Instant,
    /// The request line and headers, as sent.
    pub head: String,
}

impl Received {
    /// The value of header `name` (case-insensitive), if sent.
    pub fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (k, v) = line.split_once(':')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_owned())
        })
    }
}

/// A running recording server; stops when dropped.
pub struct Recorded {
    pub addr: SocketAddr,
    received: Arc<Mutex<Vec<Received>>>,
    task: JoinHandle<()>,
}

impl Drop for Recorded {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Recorded {
    /// The base URL to configure a client with.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// Every request received so far, in order of arrival.
    pub fn requests(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

/// Serves `recordings` (name → SSE body) on a free loopback port.
pub async fn serve(recordings: HashMap<String, String>) -> Recorded {
    let routes = recordings
        .into_iter()
        .map(|(name, body)| (name, vec![Reply::sse(&body)]))
        .collect();
    serve_replies(routes).await
}

/// Serves `routes` (a `recording:NAME` name, or a path such as `/api/v1/personas` →
/// replies in turn, the last repeated) on a free loopback port; anything else is a 404
/// with an empty body.
pub async fn serve_replies(routes: HashMap<String, Vec<Reply>>) -> Recorded {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let routes = Arc::new(Mutex::new(routes));
    let received = Arc::new(Mutex::new(Vec::new()));
    let log = received.clone();
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let (routes, log) = (routes.clone(), log.clone());
            tokio::spawn(async move {
                let request = read_request(&mut socket).await;
                let head = request.split("\r\n\r\n").next().unwrap_or_default().to_owned();
                log.lock().expect("lock").push(Received {
                    at: Instant::now(),
                    head: head.clone(),
                });
                let reply = next_reply(&routes, &route_of(&request, &head));
                let _ = socket.write_all(reply.head().as_bytes()).await;
                let _ = socket.write_all(&reply.body).await;
                if reply.hold_open {
                    // Until the client gives up on the reply (or the server is dropped).
                    let mut sink = [0u8; 1024];
                    while let Ok(1..) = socket.read(&mut sink).await {}
                    return;
                }
                let _ = socket.shutdown().await;
            });
        }
    });
    Recorded { addr, received, task }
}

/// The route of a request: the `recording:NAME` in it, else its path without the query.
fn route_of(request: &str, head: &str) -> String {
    if let Some(rest) = request.split("recording:").nth(1) {
        return rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
    }
    let target = head.split_whitespace().nth(1).unwrap_or_default();
    target.split('?').next().unwrap_or_default().to_owned()
}

fn next_reply(routes: &Mutex<HashMap<String, Vec<Reply>>>, route: &str) -> Reply {
    let mut routes = routes.lock().expect("lock");
    match routes.get_mut(route) {
        Some(replies) if replies.len() > 1 => replies.remove(0),
        Some(replies) => replies.first().cloned().unwrap_or_else(|| Reply::status(404)),
        None => Reply::status(404),
    }
}

/// Reads the head and (by `content-length`) the body of one request, as text.
async fn read_request(socket: &mut tokio::net::TcpStream) -> String {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n @ 1..) = socket.read(&mut buf).await {
        data.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&data).into_owned();
        if let Some(head_end) = text.find("\r\n\r\n") {
            let length = text[..head_end]
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    k.eq_ignore_ascii_case("content-length")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            if data.len() >= head_end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&data).into_owned()
}

/// One SSE event whose data is `json`.
pub fn event(json: &str) -> String {
    format!("data: {json}\n\n")
}

//! A server that is not the simulator: it answers `POST /responses` with a recorded
//! stream, chosen by name from the prompt (`recording:NAME`), byte for byte. Plain HTTP/1.1
//! over a loopback socket, one connection per request, closed after the body — so a
//! client meets exactly the bytes a recording holds and nothing of the simulator's habits.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A running recording server; stops when dropped.
pub struct Recorded {
    pub addr: SocketAddr,
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
}

/// Serves `recordings` (name → SSE body) on a free loopback port.
pub async fn serve(recordings: HashMap<String, String>) -> Recorded {
    let listener = TcpListener::bind(("127.0.0.1", 0)).await.expect("bind");
    let addr = listener.local_addr().expect("address");
    let recordings = Arc::new(recordings);
    let task = tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let recordings = recordings.clone();
            tokio::spawn(async move {
                let request = read_request(&mut socket).await;
                let name = request
                    .split("recording:")
                    .nth(1)
                    .map(|rest| {
                        rest.chars()
                            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                            .collect::<String>()
                    })
                    .unwrap_or_default();
                let reply = match recordings.get(&name) {
                    Some(body) => format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n{body}"
                    ),
                    None => "HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned(),
                };
                let _ = socket.write_all(reply.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    Recorded { addr, task }
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

//! The built-in simulator: a real HTTP server on loopback that passes for the Mavera
//! Responses API (spec `mavera-api.md`), for development without a key, for tests and
//! for benchmarks.
//!
//! Owns: the public face — [`SimConfig`], [`spawn`], [`SimHandle`], [`serve_forever`], and
//! the re-exported [`RequestRecord`] (defined in `state`) and [`FAULT_HEADER`] (in
//! `context`) — and the server's lifetime (graceful shutdown that also ends bodies
//! designed never to end). Shares only wire types with `api`; never calls the client.
//! Nothing inside the simulator imports this module: every arrow runs downwards.
//!
//! Layout, from the top down: `routes` (router, auth, rate limit, GET endpoints) →
//! `responses` (`POST /responses`) → `context` (record id, deferred finish, `X-Sim-Fault`
//! header), `request` (validation), `voice` + `phrases` (answers), `deltas` and `events`
//! (event JSON), `stream` (bytes, pacing); `faults` (what can go wrong, see its docs for
//! every name), `personas` (the embedded roster), `state` (credits, limiter, records),
//! `errors` (the simulator's own `SimError` replies; `redirect` for the redirect faults),
//! `rng` (stable randomness); `replay` (serving a recording, `mavera-tui replay`).
//!
//! Type names here are the simulator's own and never repeat the client's: `SimError` is
//! not `api::ApiError`, `Roster`/`SimPersona` are not `catalog::Catalog`/`PersonaEntry`,
//! `stream::BodyEnd` is not `api::Ending`.
//!
//! Per-request faults: header `X-Sim-Fault: NAME[=V][,NAME...]`, body field
//! `"sim_fault"`, or `#fault:NAME` in the prompt (stripped before answering).

mod analysis;
mod context;
mod custom;
mod deltas;
mod errors;
mod events;
pub mod faults;
#[cfg(test)]
mod golden;
mod grammar;
mod images;
mod odd_errors;
mod odd_fields;
mod personas;
mod phrases;
mod redirect;
mod replay;
mod request;
mod responses;
mod rng;
mod routes;
mod state;
mod stream;
mod structured;
mod voice;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::api::wire;
use crate::recording::{Recording, Speed};
/// A well-formed key the simulator accepts (`--demo`, `mavera-tui sim`); not a secret.
pub const DEMO_KEY: &str = "mvra_live_demo_key_for_the_builtin_simulator";

pub use context::FAULT_HEADER;
pub use faults::{Fault, FaultKind, FaultPlan};
pub use personas::hostile_persona;
pub use state::RequestRecord;

/// How the simulator behaves. `Default` is a friendly server: 40 tokens/s, any
/// well-formed key, 5000 credits, 600 requests per minute, the built-in personas.
#[derive(Clone)]
pub struct SimConfig {
    /// Answers are a function of seed + persona + prompt (+ instructions).
    pub seed: u64,
    /// Deltas per second; `<= 0.0` writes as fast as the socket takes them.
    pub tokens_per_sec: f64,
    /// Accept only this key; `None` accepts any key starting `mvra_live_` of 32+ chars.
    pub key: Option<String>,
    pub faults: FaultPlan,
    /// The credit balance; once below 1, `POST /responses` answers 402.
    pub initial_credits: f64,
    /// Per key, sliding 60 s window; `0` = unlimited.
    pub rate_limit_rpm: u32,
    /// Exact answer length in words, instead of the natural 80–200.
    pub answer_words: Option<usize>,
    /// Every answer one paragraph of prose with soft line breaks only, never a blank line
    /// (for benchmarks of a long growing paragraph); `false` keeps the natural markdown.
    pub paragraph_answers: bool,
    /// `GET /personas` page size without `limit` (clamped to 1..=100).
    pub page_size_default: usize,
    /// Appended to the built-in list.
    pub extra_personas: Vec<wire::Persona>,
    /// Replaces the built-in list (before `extra_personas` are appended).
    pub replace_personas: Option<Vec<wire::Persona>>,
    /// Serve this recording (`mavera-tui replay`): its personas, its balance, and its
    /// answers to the prompts it holds, at this speed; the simulator answers the rest.
    pub replay: Option<(Arc<Recording>, Speed)>,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            seed: 0,
            tokens_per_sec: 40.0,
            key: None,
            faults: FaultPlan::default(),
            initial_credits: 5000.0,
            rate_limit_rpm: 600,
            answer_words: None,
            paragraph_answers: false,
            page_size_default: 50,
            extra_personas: Vec::new(),
            replace_personas: None,
            replay: None,
        }
    }
}

/// Hand-written so that a pinned key never reaches a log.
impl fmt::Debug for SimConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SimConfig")
            .field("seed", &self.seed)
            .field("tokens_per_sec", &self.tokens_per_sec)
            .field("key", &self.key.as_ref().map(|_| "<redacted>"))
            .field("faults", &self.faults)
            .field("initial_credits", &self.initial_credits)
            .field("rate_limit_rpm", &self.rate_limit_rpm)
            .field("answer_words", &self.answer_words)
            .field("page_size_default", &self.page_size_default)
            .field("extra_personas", &self.extra_personas.len())
            .field("replace_personas", &self.replace_personas.as_ref().map(Vec::len))
            .field("replay", &self.replay.as_ref().map(|(_, speed)| *speed))
            .finish()
    }
}

/// A running simulator. Dropping it stops the server too.
pub struct SimHandle {
    addr: SocketAddr,
    state: Arc<state::SimState>,
    stop: watch::Sender<bool>,
    server: Option<JoinHandle<()>>,
}

impl SimHandle {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT/api/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api/v1", self.addr)
    }

    /// Every request served, in arrival order.
    pub fn records(&self) -> Vec<RequestRecord> {
        self.state.records()
    }

    pub fn credits_remaining(&self) -> f64 {
        self.state.credits_remaining()
    }

    /// Stops accepting, ends open streams (stalled and lingering ones included) and
    /// waits for connections to close, at most a few seconds.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(server) = self.server.take() {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        // The server task and every body watch this; they wind down on their own.
        let _ = self.stop.send(true);
    }
}

/// Starts a simulator on `addr` (usually `127.0.0.1:0`) and returns once it listens.
pub async fn spawn(mut config: SimConfig, addr: SocketAddr) -> std::io::Result<SimHandle> {
    let mut included_credits = None;
    if let Some((recording, _)) = &config.replay {
        let (replace, extra) = replay::personas_of(recording);
        if replace.is_some() {
            config.replace_personas = replace;
        }
        config.extra_personas.extend(extra);
        if let Some((remaining, included)) = replay::credits_of(recording) {
            config.initial_credits = remaining;
            included_credits = included;
        }
    }
    let roster = personas::load(&config.extra_personas, config.replace_personas.as_deref())
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (stop, stop_rx) = watch::channel(false);
    let settings = state::Settings {
        seed: config.seed,
        tokens_per_sec: config.tokens_per_sec,
        key: config.key,
        initial_credits: config.initial_credits,
        included_credits,
        rate_limit_rpm: config.rate_limit_rpm,
        answer_words: config.answer_words,
        paragraph_answers: config.paragraph_answers,
        page_size_default: config.page_size_default,
    };
    let mut state = state::SimState::new(settings, roster, config.faults, stop_rx.clone());
    state.replay = config
        .replay
        .as_ref()
        .map(|(recording, speed)| replay::Replay::new(recording, *speed));
    let state = Arc::new(state);
    let app = routes::router(state.clone());
    let mut signal = stop_rx;
    let server = tokio::spawn(async move {
        let shutdown = async move { stream::shutdown_signal(&mut signal).await };
        // Each event goes out when it is written, as from a streaming server (which sets
        // TCP_NODELAY): with Nagle's algorithm, small writes would wait for the client's
        // acknowledgement and arrive in bursts a client never sees from a real server.
        use axum::serve::ListenerExt;
        let listener = listener.tap_io(|tcp| {
            if let Err(e) = tcp.set_nodelay(true) {
                tracing::debug!("could not set TCP_NODELAY: {e}");
            }
        });
        let serve = axum::serve(listener, app);
        if let Err(e) = serve.with_graceful_shutdown(shutdown).await {
            tracing::warn!("simulator stopped with an error: {e}");
        }
    });
    Ok(SimHandle {
        addr,
        state,
        stop,
        server: Some(server),
    })
}

/// For `mavera-tui sim`: listens on `addr`, calls `on_ready(base_url)` once, then serves
/// until Ctrl-C.
pub async fn serve_forever(
    config: SimConfig,
    addr: SocketAddr,
    on_ready: impl FnOnce(&str),
) -> std::io::Result<()> {
    let handle = spawn(config, addr).await?;
    on_ready(&handle.base_url());
    let result = tokio::signal::ctrl_c().await;
    handle.shutdown().await;
    result
}

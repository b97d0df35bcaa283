//! Choosing the server: the configured one, or the built-in simulator (`--demo`).
//!
//! Owns: starting the in-process simulator on an ephemeral loopback port with a demo key
//! (serving a recording when replaying), starting a recording (`--record`),
//! the label that names the connection for the user (host of the base URL, or `DEMO`),
//! and fetching the personas a user can pick there (the server's, merged with the config
//! file's; when the base URL is not a Mavera API, the config file's alone if it has any,
//! else that error). Does not own: the simulator itself (`sim`), HTTP (`api`), or how a
//! failure is reported (the command line).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::sync::Arc;

use crate::api::{ApiError, Client};
use crate::catalog::Catalog;
use crate::config::Settings;
use crate::recording::{Recorder, Recording, Speed, REPLAY_LABEL};
use crate::sim::{self, SimConfig, SimHandle};

/// Why no connection could be made.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// A setting cannot work (bad URL, http:// to a remote host, ...).
    #[error("{0}")]
    Settings(String),
    #[error("could not start the built-in simulator: {0}")]
    Simulator(String),
    #[error(transparent)]
    Api(#[from] ApiError),
}

/// A ready client and what it talks to.
pub struct Connection {
    pub client: Client,
    /// The settings in effect (for `--demo`: pointing at the simulator).
    pub settings: Settings,
    /// The simulator, when running on one; dropping it stops the server.
    pub demo: Option<SimHandle>,
    /// `DEMO`, or the host of the base URL.
    pub label: String,
}

/// How to connect, beyond the settings.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Run on a fresh built-in simulator.
    pub demo: bool,
    /// `--record FILE`: write every request and reply there.
    pub record: Option<PathBuf>,
    /// `replay FILE` / `--replay FILE`: a simulator that serves this recording.
    pub replay: Option<(Arc<Recording>, Speed)>,
}

/// Connects to the configured server, or with `demo` to a fresh simulator.
pub async fn open(settings: &Settings, demo: bool) -> Result<Connection, ConnectError> {
    open_with(
        settings,
        Options {
            demo,
            ..Options::default()
        },
    )
    .await
}

/// Connects as `options` say: a replay runs on a simulator serving the recording (as
/// `demo` does), and a recording is started before the first request.
pub async fn open_with(settings: &Settings, options: Options) -> Result<Connection, ConnectError> {
    let mut settings = settings.clone();
    let replaying = options.replay.is_some();
    let handle = if options.demo || replaying {
        let config = SimConfig {
            replay: options.replay.clone(),
            ..SimConfig::default()
        };
        let handle = sim::spawn(config, SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|e| ConnectError::Simulator(e.to_string()))?;
        settings.base_url = url::Url::parse(&handle.base_url())
            .map_err(|e| ConnectError::Simulator(format!("its address: {e}")))?;
        settings.api_key = crate::api::ApiKey::new(sim::DEMO_KEY);
        Some(handle)
    } else {
        None
    };
    if settings.api_key.is_none() {
        return Err(ApiError::MissingKey.into());
    }
    let recorder = match &options.record {
        Some(path) => {
            let secret = settings.api_key.as_ref().map(|k| k.expose().to_owned());
            Some(Recorder::create(path, secret).map_err(ConnectError::Settings)?)
        }
        None => None,
    };
    let client = Client::new(settings.client_config())
        .map_err(|e| match e {
            ApiError::Config(msg) => ConnectError::Settings(msg),
            other => ConnectError::Api(other),
        })?
        .with_recorder(recorder);
    let label = if replaying {
        REPLAY_LABEL.to_owned()
    } else if handle.is_some() {
        "DEMO".to_owned()
    } else {
        host_label(&settings.base_url)
    };
    Ok(Connection {
        client,
        settings,
        demo: handle,
        label,
    })
}

impl Connection {
    /// Waits (a few seconds at most) until the recording, if any, is on disk.
    pub fn finish_recording(&self) {
        if let Some(recorder) = self.client.recorder() {
            recorder.written(std::time::Duration::from_secs(5));
        }
    }

    /// The server's personas merged with the config file's. A server that has no such
    /// method (405/501) is not an error: the local personas are used alone. A 404 means
    /// the base URL is not a Mavera API (`ApiError::NotMavera`): an error — unless the
    /// config file defines personas, which then stay usable alone (another
    /// Responses-compatible server, spec §7), with the error logged.
    pub async fn catalog(&self) -> Result<Catalog, ApiError> {
        let local = &self.settings.personas;
        match self.client.list_personas().await {
            Ok(server) => Ok(Catalog::new(server, local)),
            Err(err) if err.is_endpoint_missing() => {
                tracing::info!(%err, "server has no persona list; using local personas");
                Ok(Catalog::new(Vec::new(), local))
            }
            Err(err @ ApiError::NotMavera { .. }) if !local.is_empty() => {
                tracing::warn!(%err, "no server persona list; using the config file's personas");
                Ok(Catalog::new(Vec::new(), local))
            }
            Err(err) => Err(err),
        }
    }
}

/// The host (and a non-default port) of a URL.
pub fn host_label(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => url.to_string(),
    }
}

//! Choosing the server: the configured one, or the built-in simulator (`--demo`).
//!
//! Owns: starting the in-process simulator on an ephemeral loopback port with a demo key,
//! the label that names the connection for the user (host of the base URL, or `DEMO`),
//! and fetching the personas a user can pick there (the server's, merged with the config
//! file's; when the base URL is not a Mavera API, the config file's alone if it has any,
//! else that error). Does not own: the simulator itself (`sim`), HTTP (`api`), or how a
//! failure is reported (the command line).

use std::net::{Ipv4Addr, SocketAddr};

use crate::api::{ApiError, Client};
use crate::catalog::Catalog;
use crate::config::Settings;
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

/// Connects to the configured server, or with `demo` to a fresh simulator.
pub async fn open(settings: &Settings, demo: bool) -> Result<Connection, ConnectError> {
    let mut settings = settings.clone();
    let handle = if demo {
        let handle = sim::spawn(SimConfig::default(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
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
    let client = Client::new(settings.client_config()).map_err(|e| match e {
        ApiError::Config(msg) => ConnectError::Settings(msg),
        other => ConnectError::Api(other),
    })?;
    let label = if handle.is_some() {
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

//! Choosing the server: the configured one, or the built-in simulator (`--demo`).
//!
//! Owns: starting the in-process simulator on an ephemeral loopback port with a demo key,
//! and the label that names the connection for the user (host of the base URL, or
//! `DEMO`). Does not own: the simulator itself (`sim`) or HTTP (`api`).

use std::net::{Ipv4Addr, SocketAddr};

use crate::api::{ApiError, ApiKey, Client};
use crate::cli::CliError;
use crate::config::Settings;
use crate::sim::{self, SimConfig, SimHandle};

/// A well-formed key the simulator accepts; not a secret.
pub const DEMO_KEY: &str = "mvra_live_demo_key_for_the_builtin_simulator";

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
pub async fn open(settings: &Settings, demo: bool) -> Result<Connection, CliError> {
    let mut settings = settings.clone();
    let handle = if demo {
        let handle = sim::spawn(SimConfig::default(), SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
            .await
            .map_err(|e| CliError::Usage(format!("could not start the built-in simulator: {e}")))?;
        settings.base_url = url::Url::parse(&handle.base_url())
            .map_err(|e| CliError::Usage(format!("simulator address: {e}")))?;
        settings.api_key = ApiKey::new(DEMO_KEY);
        Some(handle)
    } else {
        None
    };
    if settings.api_key.is_none() {
        return Err(CliError::Api(ApiError::MissingKey));
    }
    let client = Client::new(settings.client_config()).map_err(|e| match e {
        ApiError::Config(msg) => CliError::Usage(msg),
        other => CliError::Api(other),
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

/// The host (and a non-default port) of a URL.
pub fn host_label(url: &url::Url) -> String {
    match (url.host_str(), url.port()) {
        (Some(h), Some(p)) => format!("{h}:{p}"),
        (Some(h), None) => h.to_owned(),
        _ => url.to_string(),
    }
}

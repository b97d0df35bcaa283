//! The simulator for tests: `start` runs one on loopback, `fast` is a config that streams
//! without delay, `KEY` is a well-formed API key, and `client_for` is an API client
//! pointed at a running simulator.

use std::net::SocketAddr;
use std::time::Duration;

use mavera_tui::api::{ApiKey, Client, ClientConfig};
use mavera_tui::sim::{self, SimConfig, SimHandle};

pub const KEY: &str = "mvra_live_0123456789abcdef0123456789abcdef";

pub async fn start(config: SimConfig) -> SimHandle {
    sim::spawn(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("simulator starts")
}

pub fn fast() -> SimConfig {
    SimConfig {
        tokens_per_sec: 0.0,
        ..SimConfig::default()
    }
}

pub fn client_for(sim: &SimHandle) -> Client {
    let mut config = ClientConfig::new(url::Url::parse(&sim.base_url()).expect("url"), ApiKey::new(KEY));
    config.idle_timeout = Duration::from_secs(5);
    Client::new(config).expect("client")
}

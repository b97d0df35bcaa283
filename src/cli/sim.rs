//! `mavera-tui sim`: the simulator as a foreground server, for other clients and tests.
//!
//! Owns: the flags and the first line of output (the base URL, so scripts can read it).
//! Does not own: the simulator (`sim`).

use std::net::{Ipv4Addr, SocketAddr};

use clap::Args;

use super::out::{note, Out};
use super::CliError;
use crate::sim::{self, FaultPlan, SimConfig};

#[derive(Debug, Args)]
pub struct SimArgs {
    /// Port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 8787)]
    pub port: u16,
    /// Seed for the deterministic answers (the same default as --demo).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Faults to inject, e.g. `rate_limit*1,drop=5@Gen Z Consumer` (see the README).
    #[arg(long, value_name = "SPEC")]
    pub faults: Option<String>,
    /// Accept only this API key (default: any well-formed mvra_live_ key).
    #[arg(long, value_name = "KEY")]
    pub key: Option<String>,
    /// Streaming pace in tokens per second (0 = as fast as the socket takes them).
    #[arg(long, value_name = "N")]
    pub tps: Option<f64>,
    /// Make every answer this many words long (for benchmarks).
    #[arg(long, value_name = "N")]
    pub words: Option<usize>,
    /// Starting credit balance.
    #[arg(long, value_name = "N")]
    pub credits: Option<f64>,
    /// Requests allowed per minute per key.
    #[arg(long, value_name = "N")]
    pub rpm: Option<u32>,
}

pub async fn run(args: SimArgs) -> Result<(), CliError> {
    let mut config = SimConfig {
        seed: args.seed,
        key: args.key,
        answer_words: args.words,
        ..SimConfig::default()
    };
    if let Some(spec) = args.faults.as_deref() {
        config.faults = FaultPlan::parse(spec).map_err(|e| CliError::Usage(format!("--faults: {e}")))?;
    }
    if let Some(tps) = args.tps {
        config.tokens_per_sec = tps;
    }
    if let Some(credits) = args.credits {
        config.initial_credits = credits;
    }
    if let Some(rpm) = args.rpm {
        config.rate_limit_rpm = rpm;
    }
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, args.port));
    sim::serve_forever(config, addr, |url| {
        // The address on stdout (for scripts), the help on stderr; a closed stdout only
        // loses the address.
        let mut out = Out::default();
        let _ = out.line(url).and_then(|()| out.flush());
        note(&format!(
            "simulator listening; try: MAVERA_BASE_URL={url} MAVERA_API_KEY={} mavera-tui personas",
            crate::sim::DEMO_KEY
        ));
        note("press Ctrl+C to stop");
    })
    .await
    .map_err(|e| CliError::Usage(format!("could not start the simulator on {addr}: {e}")))
}

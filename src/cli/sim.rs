//! `mavera-tui sim`: the simulator as a foreground server, for other clients and tests.
//!
//! Owns: the flags (and [`Shape`], the answer shapes they offer) and the first line of
//! output (the base URL, so scripts can read it).
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
    /// The form of every answer.
    #[arg(long, value_enum, default_value_t = Shape::Natural)]
    pub shape: Shape,
    /// Starting credit balance.
    #[arg(long, value_name = "N")]
    pub credits: Option<f64>,
    /// Requests allowed per minute per key.
    #[arg(long, value_name = "N")]
    pub rpm: Option<u32>,
}

/// What every answer looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Shape {
    /// Markdown as a model writes it: paragraphs, a list, sometimes a heading, table or code.
    #[default]
    Natural,
    /// One long paragraph of prose with soft line breaks only, never a blank line (for
    /// benchmarks of a growing paragraph).
    Paragraph,
}

pub async fn run(args: SimArgs) -> Result<(), CliError> {
    let mut config = SimConfig {
        seed: args.seed,
        key: args.key,
        answer_words: args.words,
        paragraph_answers: args.shape == Shape::Paragraph,
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

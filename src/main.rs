//! The `mavera-tui` binary: parses the command line and hands over to `cli::run`.

use std::process::ExitCode;

use clap::Parser;
use mavera_tui::cli::{self, Cli};

fn main() -> ExitCode {
    let cli = Cli::parse();
    let env: std::collections::HashMap<String, String> = std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect();
    // The app runs on one thread: its work is a frame now and then and the network, and
    // every token crossing between threads costs a wake-up of each (about a sixth of its
    // CPU while a model streams). The other commands (the simulator serving many streams,
    // `ask` with many personas) get a thread per core.
    let mut builder = if cli.opens_the_app() {
        tokio::runtime::Builder::new_current_thread()
    } else {
        tokio::runtime::Builder::new_multi_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: could not start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    runtime.block_on(cli::run(cli, env))
}

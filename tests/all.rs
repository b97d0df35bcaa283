//! The integration tests, in one binary to keep link time low.

mod answers;
mod cli;
mod client_sim;
mod compare;
mod config_layers;
mod copy;
mod decoding;
mod e2e;
mod errors;
mod export;
mod fork;
mod fuzz;
mod history;
mod history_view;
mod quitting;
mod rate_limit;
mod reducer;
mod refusals_and_redirects;
mod save;
mod screens;
mod sdk;
mod security;
mod sim_server;
mod sse_props;
mod support;
mod work_counts;

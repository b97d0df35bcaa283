//! The integration tests, in one binary to keep link time low.

mod answers;
mod cli;
mod client_sim;
mod compare;
mod config_layers;
mod e2e;
mod fuzz;
mod reducer;
mod screens;
mod sdk;
mod security;
mod sim_server;
mod sse_props;
mod support;
mod work_counts;

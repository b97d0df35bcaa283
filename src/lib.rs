//! mavera-tui: a terminal client for the Mavera Responses API.
//!
//! The library holds every module so that the binary, the integration tests and the
//! benchmarks reach the same code. Imports point down: `cli` → `api`/`sim`/`config`.

// Outside tests, nothing panics on a value from outside and nothing prints past the
// places that own stdout/stderr (the command line, the panic hook), which say why.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::print_stdout,
        clippy::print_stderr
    )
)]

pub mod api;
pub mod app;
pub mod catalog;
pub mod cli;
pub mod config;
pub mod connect;
pub mod dates;
pub mod export;
pub mod files;
pub mod history;
pub mod logging;
pub mod panels;
pub mod recording;
pub mod runtime;
pub mod sanitize;
pub mod sim;
pub mod structure;
pub mod term;
pub mod transcript;
pub mod view;

//! Helpers shared by the integration tests, one file per concern: `sim` (starting the
//! simulator, `KEY`, `fast`, `client_for`), `pty` (the `Pty` driver), `app` (the reducer
//! harness `App`, `load_id`, `persona`, …), `screen` (`draw`), `answer` (folding an
//! answer's events), `bin` (running the binary headless) and `recorded` (a server that
//! replays recorded streams); plus `BIN`, the path of the binary under test.

pub mod answer;
pub mod app;
pub mod bin;
pub mod pty;
pub mod recorded;
pub mod screen;
pub mod sim;

/// The `mavera-tui` binary cargo built for these tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_mavera-tui");

//! The real `mavera-tui` binary, headless: `command` starts it with a clean environment
//! (no user config, a private HOME), `run` runs it to the end with arguments and
//! variables, `text` reads its output.

use std::path::Path;
use std::process::{Output, Stdio};
use std::time::Duration;

use tokio::process::Command;

use super::BIN;

/// The binary with a clean environment: no user config, a private HOME.
pub fn command(home: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("HOME", home)
        .stdin(Stdio::null())
        .kill_on_drop(true);
    cmd
}

/// Runs the binary to the end (at most a minute).
pub async fn run(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = command(home);
    cmd.args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    tokio::time::timeout(Duration::from_secs(60), cmd.output())
        .await
        .expect("finishes in time")
        .expect("runs")
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

//! `--record FILE`, `--replay FILE`, `--speed` and `mavera-tui replay FILE`: turning the
//! flags into how to connect, and what a replay opens with.
//!
//! Owns: the flag rules (`--speed` only with a replay, one recording at a time, neither
//! with commands that make no requests), reading the recording (a file that is not one
//! is a usage error that says why), and the replay's start: the recorded comparison's
//! columns, the recorded prompts for Ctrl+P, and the status bar's first line. Does not
//! own: the format (`recording`), serving it (`sim`), or connecting (`connect`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Args;

use super::{CliError, Command, GlobalArgs};
use crate::connect::Options;
use crate::recording::{self, Recording, Speed};

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A recording written with `--record FILE`.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// `--speed`: `1`, `2`, `4`, … or `max`.
pub fn parse_speed(s: &str) -> Result<Speed, String> {
    s.parse()
}

/// A replay about to start.
pub struct Replaying {
    pub file: PathBuf,
    pub recording: Arc<Recording>,
    pub speed: Speed,
}

impl Replaying {
    /// The personas the recording first compared, in their column order.
    pub fn columns(&self) -> Option<Vec<String>> {
        self.recording.first_columns()
    }

    /// The recorded prompts, in the order they were sent.
    pub fn prompts(&self) -> Vec<String> {
        self.recording.prompts()
    }

    /// The status bar's first line.
    pub fn hint(&self) -> String {
        let n = self.prompts().len();
        let name = self.file.file_name().map_or_else(
            || self.file.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        );
        format!(
            "REPLAY of {name} ({n} recorded prompt{}, speed {}): Ctrl+P puts the next one in the composer",
            if n == 1 { "" } else { "s" },
            self.speed
        )
    }
}

/// How to connect for `command`, from the global flags (and `replay FILE`).
pub fn options(
    global: &GlobalArgs,
    command: Option<&Command>,
) -> Result<(Options, Option<Replaying>), CliError> {
    let from_command = match command {
        Some(Command::Replay(args)) => Some(args.file.as_path()),
        _ => None,
    };
    let file: Option<&Path> = match (from_command, global.replay.as_deref()) {
        (Some(_), Some(_)) => {
            return Err(CliError::Usage(
                "`replay FILE` and --replay FILE both name a recording: give one".into(),
            ))
        }
        (a, b) => a.or(b),
    };
    let makes_requests = !matches!(
        command,
        Some(Command::Sim(_) | Command::History(_) | Command::Export(_))
    );
    if !makes_requests && (file.is_some() || global.record.is_some()) {
        return Err(CliError::Usage(
            "--record and --replay go with the app, `replay`, `ask`, `personas`, `usage` and `persona`"
                .into(),
        ));
    }
    if global.speed.is_some() && file.is_none() {
        return Err(CliError::Usage(
            "--speed goes with a replay: `mavera-tui replay FILE --speed max`".into(),
        ));
    }
    if let (Some(replay), Some(record)) = (file, global.record.as_deref()) {
        if same_file(replay, record) {
            return Err(CliError::Usage(
                "--record would overwrite the recording being replayed: record to another file".into(),
            ));
        }
    }
    let replaying = match file {
        Some(path) => Some(Replaying {
            file: path.to_path_buf(),
            recording: Arc::new(recording::read(path).map_err(CliError::Usage)?),
            speed: global.speed.unwrap_or_default(),
        }),
        None => None,
    };
    let options = Options {
        demo: global.demo,
        record: global.record.clone(),
        replay: replaying.as_ref().map(|r| (r.recording.clone(), r.speed)),
    };
    Ok((options, replaying))
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

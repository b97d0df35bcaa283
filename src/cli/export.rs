//! `mavera-tui export`: one conversation of the history as Markdown (for people) or JSON
//! (lossless; `mavera-tui import` opens it again), to stdout or to a file.
//!
//! Owns: choosing the conversation (an id as `mavera-tui history` prints it, `t12` or
//! `c3`, or `--last`), and where the text goes: stdout through `out`, or `-o FILE`
//! through `crate::files` — private and atomic, and never over an existing file unless
//! `--force`. Reading never creates the history, and works while the app runs. Does not
//! own: the formats (`crate::export`) or the database (`crate::history`).

use std::collections::HashMap;
use std::path::PathBuf;

use clap::{Args, ValueEnum};

use super::out::{note, Out};
use super::CliError;
use crate::history::{self, ConversationId, Store};

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Markdown: title, personas, times, each message with its tokens and credits.
    Md,
    /// JSON: everything the history keeps, re-importable with `mavera-tui import FILE`.
    Json,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The conversation, as `mavera-tui history` lists it: t12 (a thread) or c3
    /// (personas side by side).
    #[arg(value_name = "ID", required_unless_present = "last", conflicts_with = "last")]
    pub id: Option<String>,
    /// Export the most recent conversation (a thread or personas side by side).
    #[arg(long)]
    pub last: bool,
    /// md: readable Markdown; json: lossless, opens again with `mavera-tui import FILE`.
    #[arg(long, value_enum, default_value = "md")]
    pub format: Format,
    /// Write to this file (private to you) instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// With -o: replace the file if it exists (otherwise an existing file is refused).
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// `t12` → a thread, `c3` → a comparison.
pub fn parse_id(text: &str) -> Option<ConversationId> {
    let text = text.trim();
    let number = |rest: &str| rest.parse::<i64>().ok().filter(|n| *n > 0);
    match text.get(..1)? {
        "t" | "T" => number(text.get(1..)?).map(ConversationId::Thread),
        "c" | "C" => number(text.get(1..)?).map(ConversationId::Comparison),
        _ => None,
    }
}

pub async fn run(args: ExportArgs, env: &HashMap<String, String>) -> Result<(), CliError> {
    let wanted = match (&args.id, args.last) {
        (Some(id), _) => Some(parse_id(id).ok_or_else(|| {
            CliError::Usage(format!(
                "{:?} is not a conversation id: use one that `mavera-tui history` lists, like t12 or c3",
                crate::sanitize::clean_line(id)
            ))
        })?),
        (None, _) => None,
    };
    if let Some(path) = &args.output {
        if !args.force && std::fs::symlink_metadata(path).is_ok() {
            return Err(CliError::Usage(format!(
                "{} already exists: choose another file, or add --force to replace it",
                path.display()
            )));
        }
    }
    let path = history::file(env).ok_or_else(|| {
        CliError::Usage("there is no home folder to find the history in (set HOME or XDG_DATA_HOME)".into())
    })?;
    if !path.exists() {
        return Err(CliError::History(format!(
            "there is no conversation to export yet (the history is kept in {})",
            path.display()
        )));
    }
    let archive = tokio::task::spawn_blocking(move || {
        let store = Store::open_for_reading(&path).map_err(|e| CliError::History(e.to_string()))?;
        let failed = |e: rusqlite::Error| CliError::History(format!("could not read the history: {e}"));
        let id = match wanted {
            Some(id) => id,
            None => store
                .latest_id()
                .map_err(failed)?
                .ok_or_else(|| CliError::History("there is no conversation to export yet".into()))?,
        };
        store.archive(id).map_err(failed)?.ok_or_else(|| {
            CliError::History(format!(
                "there is no conversation {} in the history; `mavera-tui history` lists them",
                id.label()
            ))
        })
    })
    .await
    .map_err(|e| CliError::History(format!("could not read the history: {e}")))??;
    let text = match args.format {
        Format::Md => crate::export::markdown(&archive),
        Format::Json => crate::export::to_json(&archive),
    };
    match &args.output {
        None => {
            let mut out = Out::default();
            out.text(&text)?;
            out.flush()
        }
        Some(file) => {
            crate::files::write_atomic(file, text.as_bytes()).map_err(CliError::Output)?;
            note(&format!("exported {} to {}", archive.id, file.display()));
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_as_history_prints_them() {
        assert_eq!(parse_id("t12"), Some(ConversationId::Thread(12)));
        assert_eq!(parse_id("c3"), Some(ConversationId::Comparison(3)));
        for bad in ["", "t", "x3", "t-1", "t0", "c3x", "é1"] {
            assert_eq!(parse_id(bad), None, "{bad}");
        }
    }
}

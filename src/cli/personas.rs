//! `mavera-tui personas`: the persona list, grouped by category, or as JSON.
//!
//! Owns: the listing's layout, and saying on stderr when the list holds only the config
//! file's personas (the server gave none: no persona list there, a base URL that is not
//! a Mavera API, or an empty list). Does not own: fetching or merging (`connect`,
//! `catalog`), or the group a persona falls under (`PersonaEntry::group`).

use clap::Args;
use serde_json::json;

use super::out::{note, Out};
use super::CliError;
use crate::api::retry::with_retry;
use crate::catalog::PersonaSource;
use crate::connect::Connection;
use crate::sanitize::clean_line;

#[derive(Debug, Args)]
pub struct PersonasArgs {
    /// Print JSON (id, name, category, description, source) instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(conn: Connection, args: PersonasArgs) -> Result<(), CliError> {
    let catalog = with_retry(
        &conn.settings.retry,
        || conn.catalog(),
        |err, wait, _| {
            note(&format!(
                "{}; retrying in {:.1} s",
                clean_line(&err.to_string()),
                wait.as_secs_f64()
            ))
        },
    )
    .await?;
    let sorted = catalog.sorted();
    if sorted.is_empty() {
        return Err(CliError::Empty(
            "no personas: the server lists none and the config file defines none ([[personas]] in the config file adds your own)"
                .into(),
        ));
    }
    if sorted.iter().all(|p| p.source == PersonaSource::Local) {
        note(&format!(
            "note: no personas came from {}; listing the config file's personas only",
            clean_line(conn.client.base_url())
        ));
    }
    let mut out = Out::default();
    if args.json {
        let list: Vec<_> = sorted
            .iter()
            .map(|p| {
                json!({
                    "id": clean_line(&p.id),
                    "name": clean_line(&p.name),
                    "category": clean_line(&p.category),
                    "description": clean_line(&p.description),
                    "source": match p.source { PersonaSource::Local => "local", PersonaSource::Custom => "custom", PersonaSource::Server => "server" },
                })
            })
            .collect();
        out.line(&serde_json::to_string_pretty(&list).unwrap_or_default())?;
        return out.flush();
    }
    let width = sorted
        .iter()
        .map(|p| clean_line(p.label()).chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let mut category: Option<String> = None;
    for p in sorted {
        let cat = clean_line(p.group());
        if category.as_deref() != Some(cat.as_str()) {
            out.line(&format!("{}{cat}", if category.is_some() { "\n" } else { "" }))?;
            category = Some(cat);
        }
        let local = if p.source == PersonaSource::Local {
            "  (local)"
        } else {
            ""
        };
        out.line(&format!(
            "  {:<width$}  {}{local}",
            clean_line(p.label()),
            clean_line(&p.id)
        ))?;
    }
    out.flush()
}

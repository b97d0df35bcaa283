//! `mavera-tui persona create|edit`: custom personas (spec §2) from the shell.
//!
//! Owns: the arguments, and the confirmation creating one needs — it **costs 300
//! credits**, so the command shows the price and the balance and asks, unless `--yes`;
//! without a terminal to ask on and without `--yes` it refuses, sending nothing. Does
//! not own: the request bodies (`api::custom_persona`) or sending them (`api::Client`).

use std::io::{BufRead, IsTerminal};
use std::path::PathBuf;

use clap::{Args, Subcommand};

use super::out::{note, Out};
use super::CliError;
use crate::api::custom_persona::{parse_kind, read_profile, NewPersona, CREATE_COST};
use crate::connect::Connection;
use crate::sanitize::clean_line;
use crate::view::words;

#[derive(Debug, Args)]
pub struct PersonaArgs {
    #[command(subcommand)]
    pub action: PersonaAction,
}

#[derive(Debug, Subcommand)]
pub enum PersonaAction {
    /// Create a custom persona (north_star pipeline): costs 300 credits, asked first.
    Create(CreateArgs),
    /// Change a custom persona's name or description (base personas cannot be edited).
    Edit(EditArgs),
}

#[derive(Debug, Args)]
pub struct CreateArgs {
    #[arg(long)]
    pub name: String,
    #[arg(long)]
    pub description: String,
    /// B2B or B2C.
    #[arg(long = "type", value_name = "B2B|B2C")]
    pub kind: Option<String>,
    /// A TOML or JSON file of further profile fields (`pipeline_type = "advanced"`
    /// chooses another pipeline).
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Spend the 300 credits without asking (needed without a terminal).
    #[arg(long)]
    pub yes: bool,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    /// The persona's id or name.
    #[arg(value_name = "NAME_OR_ID")]
    pub persona: String,
    #[arg(long)]
    pub name: Option<String>,
    #[arg(long)]
    pub description: Option<String>,
}

pub async fn run(conn: Connection, args: PersonaArgs) -> Result<(), CliError> {
    match args.action {
        PersonaAction::Create(a) => create(conn, a).await,
        PersonaAction::Edit(a) => edit(conn, a).await,
    }
}

async fn create(conn: Connection, args: CreateArgs) -> Result<(), CliError> {
    let kind = parse_kind(args.kind.as_deref().unwrap_or("")).map_err(CliError::Usage)?;
    let profile = match &args.file {
        Some(f) => read_profile(f).map_err(CliError::Usage)?,
        None => serde_json::Map::new(),
    };
    let body = NewPersona::new(&args.name, &args.description, kind.as_deref(), profile);
    body.check().map_err(CliError::Usage)?;
    if !args.yes {
        if !std::io::stdin().is_terminal() {
            return Err(CliError::Usage(
                "creating a persona costs 300 credits: confirm with --yes (no terminal to ask on)".into(),
            ));
        }
        // The balance is shown when the server reports it; asking goes ahead without.
        let balance = conn.client.usage().await.ok().and_then(|u| u.credits.remaining);
        let shown = balance.map_or_else(String::new, |b| {
            format!(" (balance: {} credits)", words::credits(b))
        });
        super::out::ask(&format!(
            "Create persona \"{}\"? It costs {} credits{shown}. Type yes to confirm: ",
            clean_line(&body.name),
            words::credits(CREATE_COST)
        ));
        let mut answer = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut answer)
            .map_err(CliError::Terminal)?;
        if !matches!(answer.trim().to_ascii_lowercase().as_str(), "y" | "yes") {
            return Err(CliError::Usage("not created: nothing was spent".into()));
        }
    }
    let saved = conn.client.create_persona(&body).await?;
    let charged = saved
        .credits_charged
        .map_or_else(|| "—".to_owned(), words::credits);
    let mut out = Out::default();
    out.line(&format!(
        "created {} ({}) · {charged} credits",
        clean_line(&saved.persona.name),
        clean_line(&saved.persona.id)
    ))?;
    out.flush()
}

async fn edit(conn: Connection, args: EditArgs) -> Result<(), CliError> {
    let catalog = conn.catalog().await?;
    let persona = catalog
        .resolve(&args.persona)
        .map_err(|e| CliError::Usage(clean_line(&e.to_string())))?;
    if !persona.is_custom() {
        return Err(CliError::Usage(format!(
            "{} is a base persona: only custom personas can be edited",
            clean_line(&persona.name)
        )));
    }
    let mut fields = serde_json::Map::new();
    for (key, value) in [("name", args.name), ("description", args.description)] {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            fields.insert(key.into(), v.trim().into());
        }
    }
    if fields.is_empty() {
        return Err(CliError::Usage(
            "nothing to change: give --name or --description".into(),
        ));
    }
    let saved = conn.client.edit_persona(&persona.id, &fields).await?;
    note(&format!("edited {}", clean_line(&saved.persona.name)));
    Ok(())
}

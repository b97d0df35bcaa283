//! The command line: arguments, dispatch, and how failures are reported.
//!
//! Owns: clap definitions, exit codes (0 ok, 1 API/network error, 2 usage/config
//! error), and the one place errors are printed with what to do about them. Does not own:
//! the work of each command (`ask`, `personas`, `sim`, `history`, `export`), connecting
//! (`connect`), or the app's history (`session`).
mod analysis;
mod answer;
mod ask;
mod export;
mod history;
mod keys;
mod out;
mod persona;
mod personas;
mod replay;
mod report;
mod session;
mod sim;
mod structured;
mod theme;
mod usage;

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::api::ApiError;
use crate::config::{self, ConfigError, Loaded, Overrides};
use crate::connect::{self, ConnectError, Connection};

/// mavera-tui: explore how different audiences react to the same message.
#[derive(Debug, Parser)]
#[command(name = "mavera-tui", version, about, long_about = None)]
#[command(
    after_help = "Run without a command to open the full-screen app. Try it offline: mavera-tui --demo"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    /// Open the app with this persona (name or id) selected.
    #[arg(long, value_name = "NAME_OR_ID")]
    pub persona: Option<String>,
    /// Open the app comparing these personas side by side (comma-separated names or ids).
    #[arg(long, value_name = "A,B,C", conflicts_with = "panel")]
    pub personas: Option<String>,
    /// Open the app with a saved panel (saved with S in the persona list, or [panels] in
    /// the config file).
    #[arg(long, value_name = "NAME")]
    pub panel: Option<String>,
    /// Reopen the most recent conversation from the history (a thread, or personas side
    /// by side) and continue it.
    #[arg(long, conflicts_with_all = ["persona", "personas", "panel"])]
    pub resume: bool,
    /// Open the app in the presenter layout: no sidebar or borders, the prompt large at
    /// the top, the columns full width (F5 toggles it).
    #[arg(long)]
    pub present: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

impl Cli {
    /// Whether this run opens the full-screen app (no command, or `import`).
    pub fn opens_the_app(&self) -> bool {
        matches!(self.command, None | Some(Command::Import(_) | Command::Replay(_)))
    }
}

/// Options every command takes.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Config file to read instead of ~/.config/mavera-tui/config.toml.
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,
    /// API base URL (overrides MAVERA_BASE_URL and the config file).
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// Model name sent with each request.
    #[arg(long, global = true, value_name = "NAME")]
    pub model: Option<String>,
    /// Use a built-in simulator of the Mavera API on this machine instead of a server.
    #[arg(long, global = true)]
    pub demo: bool,
    /// Where to write the log (never the terminal).
    #[arg(long, global = true, value_name = "PATH")]
    pub log_file: Option<PathBuf>,
    /// The app's colours (over `[theme] name`); `auto` asks the terminal for its
    /// background. NO_COLOR still turns colour off.
    #[arg(long, global = true, value_enum, value_name = "THEME")]
    pub theme: Option<crate::config::ThemeName>,
    /// A credit budget: a send that could pass it is refused (overrides `budget` in the
    /// config file; in the app Ctrl+B raises it).
    #[arg(long, global = true, value_name = "CREDITS")]
    pub budget: Option<f64>,
    /// Write every request and the server's streamed reply (events with their timing,
    /// usage, errors; never the key) to FILE, to replay later with `mavera-tui replay`.
    #[arg(long, global = true, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Run on the built-in simulator serving this recording: recorded prompts stream as
    /// they did live, others get the simulator's answer (the same as `replay FILE`).
    #[arg(long, global = true, value_name = "FILE")]
    pub replay: Option<PathBuf>,
    /// Replay speed: 1 (as recorded), 2, 4, … times faster, or max (no delays).
    #[arg(long, global = true, value_name = "1|2|4|…|max", value_parser = replay::parse_speed)]
    pub speed: Option<crate::recording::Speed>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the available personas (server and config file).
    Personas(personas::PersonasArgs),
    /// Ask one or more personas; answers stream to stdout, usage to stderr.
    Ask(ask::AskArgs),
    /// Run the Mavera API simulator in the foreground on 127.0.0.1.
    Sim(sim::SimArgs),
    /// Open the app with the conversations of a file: a transcript saved with Ctrl+S, or
    /// a JSON export (`mavera-tui export --format json`).
    Import(ImportArgs),
    /// List, search or delete the conversation history kept on this machine.
    History(history::HistoryArgs),
    /// Write a conversation of the history as Markdown or JSON (JSON opens again with
    /// `mavera-tui import FILE`).
    Export(export::ExportArgs),
    /// The credit report: remaining, included, used, billing period.
    Usage(usage::UsageArgs),
    /// Create (300 credits, asked first) or edit custom personas.
    Persona(persona::PersonaArgs),
    /// Open the app on a recording made with --record: the same prompts stream as they did
    /// live (same text, pace and credits), offline; a comparison opens as the same
    /// comparison. Ctrl+P puts the next recorded prompt in the composer.
    #[command(
        after_help = "Example: mavera-tui --record demo.jsonl, then: mavera-tui replay demo.jsonl --speed 2"
    )]
    Replay(replay::ReplayArgs),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A transcript written by Ctrl+S in the app, or a JSON export.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
}

/// A failed command, by exit code.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("terminal error: {0}")]
    Terminal(std::io::Error),
    /// The command had nothing to show (no personas): said, and a non-zero status.
    #[error("{0}")]
    Empty(String),
    /// The reader of standard output went away (`| head -1`): not an error to report.
    #[error("standard output was closed")]
    ClosedPipe,
    #[error("cannot write the output: {0}")]
    Output(std::io::Error),
    /// The history cannot be read or changed (in use, damaged, newer): said, status 1.
    #[error("{0}")]
    History(String),
}

impl From<ConnectError> for CliError {
    fn from(err: ConnectError) -> CliError {
        match err {
            ConnectError::Api(api) => CliError::Api(api),
            other => CliError::Usage(other.to_string()),
        }
    }
}

impl CliError {
    fn exit_code(&self) -> u8 {
        match self {
            CliError::Api(ApiError::MissingKey) => 2,
            CliError::Api(_)
            | CliError::Terminal(_)
            | CliError::Output(_)
            | CliError::Empty(_)
            | CliError::History(_) => 1,
            // 128 + SIGPIPE: what a shell reports for a program stopped by a closed pipe.
            CliError::ClosedPipe => 141,
            CliError::Usage(_) | CliError::Config(_) => 2,
        }
    }
}

/// Runs the parsed command line; `env` is the process environment.
pub async fn run(cli: Cli, env: HashMap<String, String>) -> ExitCode {
    let overrides = Overrides {
        config_path: cli.global.config.clone(),
        base_url: cli.global.base_url.clone(),
        model: cli.global.model.clone(),
        log_file: cli.global.log_file.clone(),
    };
    let mut loaded = match config::load(&overrides, &env) {
        Ok(l) => l,
        Err(e) => return report(&CliError::Config(e), None),
    };
    // A `[keys]` table that cannot be used is refused at start, whatever the command.
    let keys = match keys::table(&loaded) {
        Ok(keys) => keys,
        Err(e) => return report(&CliError::Config(e), None),
    };
    if let Some(budget) = cli.global.budget {
        if !budget.is_finite() || budget < 0.0 {
            return report(
                &CliError::Usage("--budget takes a number of credits, 0 or more".into()),
                None,
            );
        }
        loaded.settings.budget = Some(budget);
    }
    let _log_guard = match crate::logging::init(&loaded.settings.log_file, &loaded.settings.log_level) {
        Ok(g) => Some(g),
        Err(warning) => {
            out::note(&format!("warning: {warning}"));
            None
        }
    };
    for w in &loaded.warnings {
        out::note(&format!("warning: {w}"));
        tracing::warn!("{w}");
    }
    if cli.resume && cli.command.is_some() {
        return report(
            &CliError::Usage("--resume opens the app: it does not go with a command".into()),
            Some(&loaded),
        );
    }
    let (options, replaying) = match replay::options(&cli.global, cli.command.as_ref()) {
        Ok(found) => found,
        Err(e) => return report(&e, Some(&loaded)),
    };
    let result = match cli.command {
        Some(Command::Sim(args)) => sim::run(args).await,
        Some(Command::History(args)) => history::run(args, &loaded, &env).await,
        Some(Command::Export(args)) => export::run(args, &env).await,
        Some(Command::Personas(args)) => with_connection(&loaded, options, |c| personas::run(c, args)).await,
        Some(Command::Ask(args)) => with_connection(&loaded, options, |c| ask::run(c, args)).await,
        Some(Command::Usage(args)) => with_connection(&loaded, options, |c| usage::run(c, args)).await,
        Some(Command::Persona(args)) => with_connection(&loaded, options, |c| persona::run(c, args)).await,
        Some(Command::Import(args)) => match crate::export::open(&args.file) {
            Ok(restore) => {
                let choice = Choice {
                    persona: None,
                    personas: None,
                    panel: None,
                    restore,
                    resume: false,
                    keys,
                    present: cli.present,
                };
                tui(&loaded, &cli.global, choice, (options, replaying), &env).await
            }
            Err(e) => Err(CliError::Usage(e)),
        },
        None | Some(Command::Replay(_)) => {
            let chosen = cli.persona.is_some() || cli.personas.is_some() || cli.panel.is_some() || cli.resume;
            // A recorded comparison opens as the same comparison, unless told otherwise.
            let columns = replaying
                .as_ref()
                .and_then(replay::Replaying::columns)
                .filter(|_| !chosen)
                .map(|c| c.join(","));
            let choice = Choice {
                persona: cli.persona,
                personas: cli.personas.or(columns),
                panel: cli.panel,
                restore: Vec::new(),
                resume: cli.resume,
                keys,
                present: cli.present,
            };
            tui(&loaded, &cli.global, choice, (options, replaying), &env).await
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report(&e, Some(&loaded)),
    }
}

async fn with_connection<F, Fut>(loaded: &Loaded, options: connect::Options, work: F) -> Result<(), CliError>
where
    F: FnOnce(Connection) -> Fut,
    Fut: std::future::Future<Output = Result<(), CliError>>,
{
    let connection = connect::open_with(&loaded.settings, options).await?;
    let recorder = connection.client.recorder().cloned();
    let result = work(connection).await;
    if let Some(recorder) = recorder {
        recorder.written(std::time::Duration::from_secs(5));
    }
    result
}

/// What the app should show first.
struct Choice {
    persona: Option<String>,
    personas: Option<String>,
    panel: Option<String>,
    restore: Vec<crate::app::RestoredThread>,
    /// `--resume`: reopen the latest conversation of the history.
    resume: bool,
    /// The key table, with the config's `[keys]`.
    keys: crate::app::keytable::KeyTable,
    /// `--present`: start in the presenter layout.
    present: bool,
}

/// The full-screen app. Without an API key it runs on the built-in simulator and says
/// so; `--demo` forces that.
async fn tui(
    loaded: &Loaded,
    global: &GlobalArgs,
    choice: Choice,
    (options, replaying): (connect::Options, Option<replay::Replaying>),
    env: &HashMap<String, String>,
) -> Result<(), CliError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err(CliError::Usage(
            "the full-screen app needs a terminal; for scripts use `mavera-tui ask` or `mavera-tui personas`"
                .into(),
        ));
    }
    // Before anything starts: a theme that cannot be used is a configuration error.
    let theme = theme::choose(&loaded.settings.theme, global.theme, env)?;
    let panels_file = crate::panels::file(env);
    let panel = match (&choice.panel, &choice.personas) {
        (Some(name), _) => {
            // A broken panels file matters only when the panel is not in the config file.
            let saved = crate::panels::load(panels_file.as_deref());
            let empty = crate::panels::Panels::new();
            let found = crate::panels::find(&loaded.settings.panels, saved.as_ref().unwrap_or(&empty), name);
            Some(match (found, saved) {
                (Ok(personas), _) => personas,
                (Err(_), Err(file)) => return Err(CliError::Usage(file)),
                (Err(missing), Ok(_)) => return Err(CliError::Usage(missing)),
            })
        }
        (None, Some(list)) => Some(crate::panels::parse_list(list)),
        (None, None) => None,
    };
    let no_key = loaded.settings.api_key.is_none();
    let demo = global.demo || no_key;
    let hint = match (global.demo, no_key) {
        _ if replaying.is_some() => None,
        (false, true) => {
            Some("no API key: running on the built-in simulator; set MAVERA_API_KEY to use your account")
        }
        (true, _) => {
            Some("DEMO: the built-in simulator answers; set MAVERA_API_KEY and drop --demo for real answers")
        }
        _ => None,
    };
    let replay_hint = replaying.as_ref().map(replay::Replaying::hint);
    let hint = replay_hint.as_deref().or(hint);
    let conn = connect::open_with(&loaded.settings, connect::Options { demo, ..options }).await?;
    let mut history = session::open(&loaded.settings, env, choice.resume).await?;
    let restore = if choice.resume {
        std::mem::take(&mut history.restore)
    } else {
        choice.restore
    };
    let hint = match (hint, history.note.take()) {
        (Some(hint), Some(note)) => Some(format!("{note} · {hint}")),
        (hint, note) => note.or(hint.map(str::to_owned)),
    };
    let launch = crate::runtime::Launch {
        server_label: conn.label.clone(),
        demo: conn.demo.is_some(),
        persona: choice.persona,
        panel,
        panels_file,
        hint,
        cache_file: crate::runtime::persona_cache_file(env, &conn.label),
        theme,
        test_panic: env.get("MAVERA_TEST_PANIC").cloned(),
        restore,
        history: Some(history.session),
        keys: choice.keys,
        present: choice.present,
        replay_prompts: replaying
            .as_ref()
            .map(replay::Replaying::prompts)
            .unwrap_or_default(),
    };
    // `conn` lives until the app ends: dropping it would stop a `--demo` simulator.
    let result = crate::runtime::run(conn.client.clone(), &conn.settings, launch)
        .await
        .map_err(CliError::Terminal);
    session::finish(history.worker).await;
    conn.finish_recording();
    result
}

/// Prints an error and what to do about it; returns its exit code.
fn report(err: &CliError, loaded: Option<&Loaded>) -> ExitCode {
    if matches!(err, CliError::ClosedPipe) {
        return ExitCode::from(err.exit_code());
    }
    out::note(&format!("error: {}", crate::sanitize::clean(&err.to_string())));
    if let CliError::Api(api) = err {
        if let Some(advice) = api.advice() {
            out::note(&format!("  {advice}"));
        }
        if matches!(api, ApiError::Auth { .. } | ApiError::MissingKey) {
            let file = loaded
                .and_then(|l| l.file.clone())
                .map(|f| f.display().to_string())
                .unwrap_or_else(|| "~/.config/mavera-tui/config.toml".into());
            out::note(&format!(
                "  the key is read from MAVERA_API_KEY, else api_key in {file}"
            ));
        }
    }
    tracing::error!(error = %err, "command failed");
    ExitCode::from(err.exit_code())
}

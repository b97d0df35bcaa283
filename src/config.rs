//! Layered configuration: built-in defaults < config file < environment < command line.
//!
//! Owns: which file is read (`--config`, else the default path of `dirs`), which
//! environment variables count (`MAVERA_API_KEY`, `MAVERA_BASE_URL`, `MAVERA_TUI_<KEY>`),
//! validation with one clear message naming the file and the key, and warnings (a key in
//! a file others can read). Does not own: what the settings are used for, or where files
//! live (`dirs`). The process environment is passed in, never read here, so loading is a
//! plain function of its inputs.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use config::{Config, Environment, File, FileFormat};
use serde::Deserialize;
use serde_json::{Map, Value};
use url::Url;

use crate::api::{ApiKey, ClientConfig, RetryPolicy};

mod dirs;
mod keys;
pub use dirs::{cache_dir, data_dir, default_config_path, default_log_path, state_dir};
pub use keys::{line_of as key_line, KeySettings};

/// The documented production endpoint.
pub const DEFAULT_BASE_URL: &str = "https://app.mavera.io/api/v1";
pub const DEFAULT_MODEL: &str = "mavera-1";

/// A persona defined in the config file, for servers without `GET /personas`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LocalPersona {
    pub name: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub description: String,
    /// The prompt sent as `instructions`; the description when absent.
    #[serde(default)]
    pub instructions: Option<String>,
}

/// The file/environment shape, before validation. Unknown keys are refused so a typo
/// (`modle = ...`) is reported instead of silently ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSettings {
    base_url: String,
    api_key: Option<String>,
    model: String,
    default_persona: Option<String>,
    request_timeout_secs: u64,
    connect_timeout_secs: u64,
    stream_idle_timeout_secs: u64,
    max_retries: u32,
    retry_base_delay_ms: u64,
    retry_max_delay_secs: u64,
    max_retry_after_secs: u64,
    log_level: String,
    log_file: Option<String>,
    allow_insecure_http: bool,
    mouse: bool,
    #[serde(default)]
    extra_body: Map<String, Value>,
    #[serde(default)]
    personas: Vec<LocalPersona>,
    #[serde(default)]
    panels: std::collections::BTreeMap<String, Vec<String>>,
    #[serde(default)]
    history: HistorySettings,
    #[serde(default)]
    theme: ThemeSettings,
    #[serde(default)]
    responses: ResponseSettings,
    #[serde(default)]
    schemas: std::collections::BTreeMap<String, String>,
    #[serde(default)]
    tools: Vec<crate::structure::ToolConfig>,
    #[serde(default)]
    budget: Option<f64>,
    #[serde(default = "low_credits")]
    low_credits: f64,
    #[serde(default, deserialize_with = "keys::deserialize")]
    keys: KeySettings,
}

/// `[responses]`: how answers are asked for (`POST /responses`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseSettings {
    /// Ask for an `analysis` object with every answer from the start (Alt+A toggles it).
    #[serde(default)]
    pub analysis_mode: bool,
}

/// The balance under which the status bar warns, when the file does not say.
fn low_credits() -> f64 {
    500.0
}

/// `[history]`: the conversation history kept on this machine (`crate::history`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistorySettings {
    /// Off: no history file is created, read or written, and `--resume` has nothing.
    #[serde(default = "enabled")]
    pub enabled: bool,
}

impl Default for HistorySettings {
    fn default() -> HistorySettings {
        HistorySettings { enabled: true }
    }
}

fn enabled() -> bool {
    true
}

/// A built-in colour theme; `auto` picks dark or light from the terminal's background.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum ThemeName {
    #[default]
    Auto,
    Dark,
    Light,
    HighContrast,
}

/// `[theme]`: which colours the app uses (`NO_COLOR` still turns colour off).
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThemeSettings {
    #[serde(default)]
    pub name: ThemeName,
    /// A TOML file of `role = "style"` lines laid over the theme (`view::theme_spec`).
    #[serde(default)]
    pub file: Option<PathBuf>,
    /// The same, inline: `[theme.styles]`; over the file's.
    #[serde(default)]
    pub styles: std::collections::BTreeMap<String, String>,
}

/// Validated settings.
#[derive(Debug, Clone)]
pub struct Settings {
    pub base_url: Url,
    pub api_key: Option<ApiKey>,
    pub model: String,
    pub default_persona: Option<String>,
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
    pub stream_idle_timeout: Duration,
    pub retry: RetryPolicy,
    pub log_level: String,
    pub log_file: PathBuf,
    pub allow_insecure_http: bool,
    pub mouse: bool,
    /// Vendor fields sent with every `POST /responses`, unchanged.
    pub extra_body: Map<String, Value>,
    pub personas: Vec<LocalPersona>,
    /// Named panels: persona names or ids to compare side by side.
    pub panels: std::collections::BTreeMap<String, Vec<String>>,
    pub history: HistorySettings,
    pub theme: ThemeSettings,
    pub responses: ResponseSettings,
    /// `[schemas]`: JSON Schemas for structured answers, read and checked.
    pub schemas: Vec<crate::api::structured::NamedSchema>,
    /// `[[tools]]`: function tools sent with every request.
    pub tools: Vec<crate::api::structured::Tool>,
    /// The session's credit budget (`budget`, `--budget`): sends that would pass it are
    /// refused until it is raised. `None`: no budget.
    pub budget: Option<f64>,
    /// The balance (credits) under which the status bar shows it in the warning colour.
    pub low_credits: f64,
    /// `[keys]`: remapped keys, as written (checked by `app::keytable` at start).
    pub keys: KeySettings,
}

impl Settings {
    /// Client settings for this configuration.
    pub fn client_config(&self) -> ClientConfig {
        ClientConfig {
            base_url: self.base_url.clone(),
            api_key: self.api_key.clone(),
            request_timeout: self.request_timeout,
            connect_timeout: self.connect_timeout,
            idle_timeout: self.stream_idle_timeout,
            allow_insecure_http: self.allow_insecure_http,
        }
    }
}

/// Command-line values that override everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config_path: Option<PathBuf>,
    pub base_url: Option<String>,
    pub model: Option<String>,
    pub log_file: Option<PathBuf>,
}

/// The settings plus what the user should be told about them.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub settings: Settings,
    /// The config file that was read, if any.
    pub file: Option<PathBuf>,
    pub warnings: Vec<String>,
}

/// A configuration that cannot be used: exit code 2.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct ConfigError(pub String);

/// Loads the configuration from its layers. `env` is the process environment.
pub fn load(overrides: &Overrides, env: &HashMap<String, String>) -> Result<Loaded, ConfigError> {
    let (file, explicit) = match &overrides.config_path {
        Some(p) => (Some(p.clone()), true),
        None => (default_config_path(env), false),
    };
    let file = file.filter(|p| explicit || p.exists());
    if let Some(path) = file.as_ref().filter(|_| explicit) {
        if !path.exists() {
            return Err(ConfigError(format!(
                "config file {} does not exist",
                path.display()
            )));
        }
    }
    let file_label = file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the environment".into());
    let fail = |e: config::ConfigError| ConfigError(describe(&e, &file_label));

    let mut builder = defaults().map_err(&fail)?;
    if let Some(path) = &file {
        builder = builder.add_source(File::from(path.as_path()).format(FileFormat::Toml).required(true));
    }
    builder = builder.add_source(
        Environment::with_prefix("MAVERA_TUI")
            .prefix_separator("_")
            .try_parsing(true)
            .source(Some(environment_layer(env))),
    );
    builder = builder
        .set_override_option("base_url", overrides.base_url.clone())
        .map_err(&fail)?
        .set_override_option("model", overrides.model.clone())
        .map_err(&fail)?
        .set_override_option(
            "log_file",
            overrides.log_file.as_ref().map(|p| p.display().to_string()),
        )
        .map_err(&fail)?;
    let config = builder.build().map_err(&fail)?;
    let raw: RawSettings = config.clone().try_deserialize().map_err(&fail)?;

    let base_url = Url::parse(raw.base_url.trim())
        .ok()
        .filter(|u| u.has_host())
        .ok_or_else(|| {
            ConfigError(format!(
                "base_url = {:?} (from {}) is not a valid URL; expected e.g. {DEFAULT_BASE_URL}",
                without_userinfo(&raw.base_url),
                origin_of(&config, "base_url", &file_label)
            ))
        })?;
    if raw.model.trim().is_empty() {
        return Err(ConfigError(format!(
            "model is empty (from {})",
            origin_of(&config, "model", &file_label)
        )));
    }
    // What the client itself decides per request cannot be overridden by vendor fields.
    if let Some(key) = raw
        .extra_body
        .keys()
        .find(|k| RESERVED_FIELDS.contains(&k.as_str()))
    {
        return Err(ConfigError(format!(
            "extra_body.{key} (in {file_label}) cannot be set: the client sends {key} itself; \
             reserved fields are {}",
            RESERVED_FIELDS.join(", ")
        )));
    }
    for (i, p) in raw.personas.iter().enumerate() {
        if p.name.trim().is_empty() {
            return Err(ConfigError(format!("personas[{i}] in {file_label} has no name")));
        }
    }

    let schemas = crate::structure::schemas(&raw.schemas, file.as_deref().and_then(Path::parent))
        .map_err(|e| ConfigError(format!("{e} (in {file_label})")))?;
    let tools =
        crate::structure::tools(&raw.tools).map_err(|e| ConfigError(format!("{e} (in {file_label})")))?;

    let mut warnings = Vec::new();
    let api_key = raw.api_key.and_then(ApiKey::new);
    if let Some(key) = &api_key {
        if !key.looks_valid() {
            warnings.push(format!(
                "the API key {} does not look like a Mavera key (mvra_live_…, 32+ characters); using it anyway",
                key.masked()
            ));
        }
    }
    if let Some(path) = &file {
        if let Some(w) = key_file_permission_warning(path) {
            warnings.push(w);
        }
    }
    let log_file = raw
        .log_file
        .filter(|s| !s.trim().is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| default_log_path(env));
    let settings = Settings {
        base_url,
        api_key,
        model: raw.model.trim().to_owned(),
        default_persona: raw.default_persona.filter(|s| !s.trim().is_empty()),
        request_timeout: Duration::from_secs(raw.request_timeout_secs.max(1)),
        connect_timeout: Duration::from_secs(raw.connect_timeout_secs.max(1)),
        stream_idle_timeout: Duration::from_secs(raw.stream_idle_timeout_secs.max(1)),
        retry: RetryPolicy {
            max_retries: raw.max_retries,
            base_delay: Duration::from_millis(raw.retry_base_delay_ms),
            max_delay: Duration::from_secs(raw.retry_max_delay_secs),
            max_retry_after: Duration::from_secs(raw.max_retry_after_secs),
        },
        log_level: raw.log_level,
        log_file,
        allow_insecure_http: raw.allow_insecure_http,
        mouse: raw.mouse,
        extra_body: raw.extra_body,
        personas: raw.personas,
        panels: raw.panels,
        history: raw.history,
        theme: raw.theme,
        responses: raw.responses,
        schemas,
        tools,
        budget: raw.budget.filter(|b| b.is_finite() && *b >= 0.0),
        low_credits: raw.low_credits,
        keys: raw.keys,
    };
    Ok(Loaded {
        settings,
        file,
        warnings,
    })
}

fn defaults() -> Result<config::ConfigBuilder<config::builder::DefaultState>, config::ConfigError> {
    Config::builder()
        .set_default("base_url", DEFAULT_BASE_URL)?
        .set_default("model", DEFAULT_MODEL)?
        .set_default("request_timeout_secs", 60)?
        .set_default("connect_timeout_secs", 10)?
        .set_default("stream_idle_timeout_secs", 30)?
        .set_default("max_retries", 3)?
        .set_default("retry_base_delay_ms", 500)?
        .set_default("retry_max_delay_secs", 8)?
        .set_default("max_retry_after_secs", 120)?
        .set_default("log_level", "info")?
        .set_default("allow_insecure_http", false)?
        .set_default("mouse", false)
}

/// `MAVERA_TUI_*` as is, plus the documented `MAVERA_API_KEY` / `MAVERA_BASE_URL` (which
/// win over their `MAVERA_TUI_` spellings, being the documented names).
fn environment_layer(env: &HashMap<String, String>) -> config::Map<String, String> {
    let mut layer: config::Map<String, String> = env
        .iter()
        .filter(|(k, _)| k.starts_with("MAVERA_TUI_"))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // Keys of a table (`[history] enabled`) have no spelling of their own in the
    // environment: the dot makes `MAVERA_TUI_HISTORY_ENABLED` the nested key.
    if let Some(v) = layer.remove("MAVERA_TUI_HISTORY_ENABLED") {
        layer.insert("MAVERA_TUI_HISTORY.ENABLED".to_owned(), v);
    }
    if let Some(v) = layer.remove("MAVERA_TUI_RESPONSES_ANALYSIS_MODE") {
        layer.insert("MAVERA_TUI_RESPONSES.ANALYSIS_MODE".to_owned(), v);
    }
    for (documented, key) in [
        ("MAVERA_API_KEY", "MAVERA_TUI_API_KEY"),
        ("MAVERA_BASE_URL", "MAVERA_TUI_BASE_URL"),
    ] {
        if let Some(v) = env.get(documented).filter(|v| !v.trim().is_empty()) {
            layer.insert(key.to_owned(), v.clone());
        }
    }
    layer
}

/// Where a key's value came from, for error messages.
fn origin_of(config: &Config, key: &str, file_label: &str) -> String {
    config
        .get::<config::Value>(key)
        .ok()
        .and_then(|v| v.origin().map(str::to_owned))
        .map(|o| {
            if o.contains("environment") {
                "the environment".to_owned()
            } else {
                o
            }
        })
        .unwrap_or_else(|| format!("{file_label} or the command line"))
}

/// The config crate's message, made to name the file when it does not already — and
/// never echoing a value: a parse error's excerpt of the offending line and any quoted
/// value are left out, since the line may hold the API key. The file, line, column and
/// key name say where to look.
fn describe(err: &config::ConfigError, file_label: &str) -> String {
    let text = without_values(&err.to_string());
    if text.contains(file_label) {
        format!("invalid configuration: {text}")
    } else {
        format!("invalid configuration in {file_label}: {text}")
    }
}

/// Request fields the client owns; `extra_body` may add fields, never replace these.
const RESERVED_FIELDS: [&str; 5] = ["model", "input", "stream", "persona_id", "instructions"];

/// A URL as typed, with any `user:password@` left out.
fn without_userinfo(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

/// An error message without source excerpts (`1 | api_key = "…`) or quoted values.
fn without_values(message: &str) -> String {
    let kept: Vec<&str> = message
        .lines()
        .filter(|line| {
            !line
                .trim_start()
                .trim_start_matches(|c: char| c.is_ascii_digit())
                .trim_start()
                .starts_with('|')
        })
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .collect();
    let mut out = String::new();
    let mut quoted = false;
    for c in kept.join(": ").chars() {
        match (c, quoted) {
            ('"', false) => {
                quoted = true;
                out.push_str("\"…");
            }
            ('"', true) => {
                quoted = false;
                out.push('"');
            }
            (_, true) => {}
            (c, false) => out.push(c),
        }
    }
    out
}

/// Warns when the file holding an API key can be read by group or others.
fn key_file_permission_warning(path: &Path) -> Option<String> {
    let file_only = Config::builder()
        .add_source(File::from(path).format(FileFormat::Toml))
        .build()
        .ok()?;
    file_only.get_string("api_key").ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode();
        if mode & 0o077 != 0 {
            return Some(format!(
                "{} holds an API key and is readable by other users (mode {:o}); fix with: chmod 600 {}. \
                 Prefer setting MAVERA_API_KEY in the environment.",
                path.display(),
                mode & 0o777,
                path.display()
            ));
        }
    }
    None
}

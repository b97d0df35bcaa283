//! Where the app keeps its files: the config file, the log, state, cache and data.
//!
//! Owns: the XDG rules (`$XDG_*_HOME` when absolute, else its place under `~`, with a
//! `mavera-tui` folder in it). Does not own: reading or writing any of them. The process
//! environment is passed in, never read here.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn home(env: &HashMap<String, String>) -> Option<PathBuf> {
    env.get("HOME").filter(|h| !h.is_empty()).map(PathBuf::from)
}

/// `$XDG_CONFIG_HOME/mavera-tui/config.toml`, else `~/.config/mavera-tui/config.toml`.
pub fn default_config_path(env: &HashMap<String, String>) -> Option<PathBuf> {
    xdg_dir(env, "XDG_CONFIG_HOME", ".config").map(|d| d.join("config.toml"))
}

/// `$XDG_STATE_HOME/mavera-tui/mavera-tui.log`, else `~/.local/state/...`.
pub fn default_log_path(env: &HashMap<String, String>) -> PathBuf {
    xdg_dir(env, "XDG_STATE_HOME", ".local/state")
        .unwrap_or_else(std::env::temp_dir)
        .join("mavera-tui.log")
}

/// `$XDG_STATE_HOME/mavera-tui`, else `~/.local/state/mavera-tui`.
pub fn state_dir(env: &HashMap<String, String>) -> Option<PathBuf> {
    xdg_dir(env, "XDG_STATE_HOME", ".local/state")
}

/// `$XDG_DATA_HOME/mavera-tui`, else `~/.local/share/mavera-tui`: what the user would
/// miss if it were deleted (the conversation history).
pub fn data_dir(env: &HashMap<String, String>) -> Option<PathBuf> {
    xdg_dir(env, "XDG_DATA_HOME", ".local/share")
}

/// `$XDG_CACHE_HOME/mavera-tui`, else `~/.cache/mavera-tui`.
pub fn cache_dir(env: &HashMap<String, String>) -> Option<PathBuf> {
    xdg_dir(env, "XDG_CACHE_HOME", ".cache")
}

fn xdg_dir(env: &HashMap<String, String>, var: &str, fallback: &str) -> Option<PathBuf> {
    env.get(var)
        .filter(|v| Path::new(v).is_absolute())
        .map(PathBuf::from)
        .or_else(|| home(env).map(|h| h.join(fallback)))
        .map(|d| d.join("mavera-tui"))
}

//! Saved panels: named sets of personas to compare, so a demo is set up in one step.
//!
//! Owns: the panels file (`$XDG_STATE_HOME/mavera-tui/panels.json`, written by the app's
//! "save panel" key) merged with `[panels]` from the config file (which wins: it is the
//! user's hand-written intent), and looking a panel up by name. Does not own: resolving
//! the persona names (`catalog`).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Panel name → persona names or ids.
pub type Panels = BTreeMap<String, Vec<String>>;

/// `$XDG_STATE_HOME/mavera-tui/panels.json` (else `~/.local/state/...`).
pub fn file(env: &std::collections::HashMap<String, String>) -> Option<PathBuf> {
    crate::config::state_dir(env).map(|d| d.join("panels.json"))
}

/// The saved panels: none when there is no file yet. A file that cannot be read or is
/// not a panels file is an error that names it — it is the user's, and is left as it is.
pub fn load(path: Option<&Path>) -> Result<Panels, String> {
    let Some(path) = path else {
        return Ok(Panels::new());
    };
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Panels::new()),
        Err(e) => return Err(format!("cannot read the panels file {}: {e}", path.display())),
    };
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "the panels file {} is not valid ({e}); it was left as it is",
            path.display()
        )
    })
}

/// Adds or replaces one panel in the file; refuses to touch a file it cannot read.
pub fn save(path: &Path, name: &str, personas: &[String]) -> Result<(), String> {
    let mut panels = load(Some(path))?;
    panels.insert(name.to_owned(), personas.to_vec());
    let text = serde_json::to_string_pretty(&panels).map_err(|e| e.to_string())?;
    crate::files::write_atomic(path, text.as_bytes())
        .map_err(|e| format!("cannot write the panels file {}: {e}", path.display()))
}

/// Finds a panel by name (case-insensitively), config panels first.
pub fn find(config: &Panels, saved: &Panels, name: &str) -> Result<Vec<String>, String> {
    let lower = name.trim().to_lowercase();
    let hit = config
        .iter()
        .chain(saved.iter())
        .find(|(k, _)| k.to_lowercase() == lower)
        .map(|(_, v)| v.clone());
    hit.ok_or_else(|| {
        let mut names: Vec<&str> = config.keys().chain(saved.keys()).map(String::as_str).collect();
        names.dedup();
        if names.is_empty() {
            format!("no panel named {name:?}: none are saved yet (mark personas with Space, then S)")
        } else {
            format!("no panel named {name:?}; saved panels: {}", names.join(", "))
        }
    })
}

/// Splits `--personas "A,B,C"`.
pub fn parse_list(list: &str) -> Vec<String> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_then_find_case_insensitively() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("state/panels.json");
        save(&path, "Launch Demo", &["CFO".into(), "Gen Z Consumer".into()]).expect("save");
        let saved = load(Some(&path)).expect("load");
        assert_eq!(
            find(&Panels::new(), &saved, "launch demo"),
            Ok(vec!["CFO".into(), "Gen Z Consumer".into()])
        );
        let err = find(&Panels::new(), &saved, "nope").unwrap_err();
        assert!(err.contains("Launch Demo"), "{err}");
    }

    #[test]
    fn a_malformed_panels_file_is_reported_and_left_untouched() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("panels.json");
        std::fs::write(&path, "{ not json").expect("write");
        let err = load(Some(&path)).unwrap_err();
        assert!(
            err.contains("panels.json") && err.contains("left as it is"),
            "{err}"
        );
        assert!(save(&path, "x", &["CFO".into()]).is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "{ not json");
        assert_eq!(load(Some(&dir.path().join("absent.json"))), Ok(Panels::new()));
    }

    #[test]
    fn config_panels_win() {
        let mut config = Panels::new();
        config.insert("demo".into(), vec!["A".into()]);
        let mut saved = Panels::new();
        saved.insert("demo".into(), vec!["B".into()]);
        assert_eq!(find(&config, &saved, "demo"), Ok(vec!["A".into()]));
    }

    #[test]
    fn lists_split_on_commas() {
        assert_eq!(parse_list(" A, B ,,C "), ["A", "B", "C"]);
    }
}

//! The `[keys]` table of the config file as written: section → action → one key or a
//! list of keys, and where an entry is in the file (its line, for error messages).
//!
//! Owns: the shape `[keys]` is read into (strings only) and finding an entry's line in
//! the file's text. Does not own: what the sections, actions and keys mean, or checking
//! them (`app::keytable`, which the command line runs at start).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Deserializer};

/// `[keys]`: section → action → keys as written (one key is a list of one).
pub type KeySettings = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// One key (`help = "F1"`) or several (`stop = ["Esc", "Ctrl+X"]`).
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

/// Reads `[keys]`, each action's keys as a list.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<KeySettings, D::Error> {
    let raw: BTreeMap<String, BTreeMap<String, OneOrMany>> = BTreeMap::deserialize(d)?;
    Ok(raw
        .into_iter()
        .map(|(section, actions)| {
            let actions = actions
                .into_iter()
                .map(|(action, keys)| match keys {
                    OneOrMany::One(key) => (action, vec![key]),
                    OneOrMany::Many(keys) => (action, keys),
                })
                .collect();
            (section, actions)
        })
        .collect())
}

/// The line (from 1) of `[keys.<section>]`'s `action` in a TOML file — or of the
/// section's header when `action` is `None` — however it is spelled: under
/// `[keys.<section>]`, as `<section>.<action>` under `[keys]`, or dotted in full.
pub fn line_of(path: &Path, section: &str, action: Option<&str>) -> Option<usize> {
    let text = std::fs::read_to_string(path).ok()?;
    line_in(&text, section, action)
}

fn line_in(text: &str, section: &str, action: Option<&str>) -> Option<usize> {
    let unquote = |s: &str| s.trim().trim_matches('"').trim_matches('\'').to_owned();
    let dotted = |s: &str| s.split('.').map(unquote).collect::<Vec<_>>().join(".");
    let mut table = String::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if let Some(header) = line.strip_prefix('[').and_then(|l| l.split(']').next()) {
            table = dotted(header);
            if action.is_none() && table == format!("keys.{section}") {
                return Some(n + 1);
            }
            continue;
        }
        let Some((key, _)) = line.split_once('=') else {
            continue;
        };
        let key = dotted(key);
        let full = if table.is_empty() {
            key
        } else {
            format!("{table}.{key}")
        };
        let wanted = match action {
            Some(action) => format!("keys.{section}.{action}"),
            None => format!("keys.{section}"),
        };
        if full == wanted || (action.is_none() && full.starts_with(&format!("{wanted}."))) {
            return Some(n + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_is_found_however_it_is_spelled() {
        let text = "model = \"m\"\n\n[keys.global]\nhelp = \"F2\"\n\n[keys]\nlist.up = \"w\"\n\"compare\".column_1 = \"a\"\n[theme]\nkeys.list.down = \"x\"\n";
        assert_eq!(line_in(text, "global", Some("help")), Some(4));
        assert_eq!(line_in(text, "global", None), Some(3));
        assert_eq!(line_in(text, "list", Some("up")), Some(7));
        assert_eq!(line_in(text, "list", None), Some(7));
        assert_eq!(line_in(text, "compare", Some("column_1")), Some(8));
        assert_eq!(
            line_in(text, "list", Some("down")),
            None,
            "under [theme] it is another key"
        );
        assert_eq!(line_in(text, "composer", Some("send")), None);
    }
}

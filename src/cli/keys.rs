//! The `[keys]` table of the config file, checked at start: the key table the app will
//! use, or a configuration error naming the file, the line and the entry.
//!
//! Owns: turning a `keytable::KeyError` into the message the user reads. Does not own:
//! the checks (`app::keytable`) or reading the file (`config`).

use crate::app::keytable::KeyTable;
use crate::config::{key_line, ConfigError, Loaded};

/// The key table with the config's remaps, or why they cannot be used.
pub fn table(loaded: &Loaded) -> Result<KeyTable, ConfigError> {
    KeyTable::configured(&loaded.settings.keys).map_err(|e| {
        let place = match &loaded.file {
            Some(file) => {
                let line = key_line(file, &e.section, e.action.as_deref());
                match line {
                    Some(n) => format!("{} line {n}", file.display()),
                    None => file.display().to_string(),
                }
            }
            None => "the environment".to_owned(),
        };
        ConfigError(format!("invalid configuration in {place}: {e}"))
    })
}

//! Ctrl+S: the conversation(s) on screen as a JSON export file, the format of
//! `mavera-tui export --format json`, which `mavera-tui import` opens again.
//!
//! Owns: where the file goes (`mavera-transcript-<time>.json` in the working folder, a
//! second save in the same second `-2`, private to the user), what it holds — read from
//! the history through the storage task (`Handle::read`, so everything handed over
//! before is in it) when the threads on screen are stored, else built from what the app
//! holds (`export::from_threads`), the same format either way — and what the status bar
//! is told. Does not own: reading the database (`history::snapshot`, `history::archive`),
//! the JSON itself (`export::to_json`), or deciding which threads are on screen (the
//! reducer).

use std::path::Path;

use tokio::sync::mpsc;

use crate::app::thread::Thread;
use crate::app::Event;
use crate::catalog::PersonaEntry;
use crate::history::archive::Archive;
use crate::history::{Handle, StoreKey};

/// Saves the threads on screen; the outcome comes back as `Event::Saved`. `stored`: their
/// keys in the history, when every one is stored and the history is on.
pub fn save(
    stored: Option<Vec<StoreKey>>,
    threads: Vec<(String, Thread)>,
    personas: Vec<PersonaEntry>,
    history: Option<&Handle>,
    tx: mpsc::Sender<Event>,
) {
    if let (Some(keys), Some(history)) = (stored, history) {
        // The memory copy goes along in case the store has not got them (a failed
        // write): the file is then what is on screen, as with no history.
        let (fallback, tx_read) = ((threads.clone(), personas.clone()), tx.clone());
        let queued = history.read(move |store| {
            let archive = match store.archive_of(&keys) {
                Ok(Some(archive)) => archive,
                Ok(None) => crate::export::from_threads(&fallback.0, &fallback.1),
                Err(e) => {
                    tracing::warn!(%e, "could not read the history for Ctrl+S; saving what is on screen");
                    crate::export::from_threads(&fallback.0, &fallback.1)
                }
            };
            let _ = tx_read.blocking_send(Event::Saved(write(&archive)));
        });
        if queued {
            return;
        }
    }
    tokio::task::spawn_blocking(move || {
        let archive = crate::export::from_threads(&threads, &personas);
        let _ = tx.blocking_send(Event::Saved(write(&archive)));
    });
}

/// Writes `archive` to a new file in the working folder (where the user will look for
/// it); says where, or why not.
pub fn write(archive: &Archive) -> Result<String, String> {
    write_in(Path::new(""), archive)
}

/// `write` in folder `dir`.
pub fn write_in(dir: &Path, archive: &Archive) -> Result<String, String> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let stem = format!("mavera-transcript-{stamp}");
    let text = crate::export::to_json(archive);
    crate::files::unique(dir, &stem, "json")
        .and_then(|path| crate::files::write_atomic(&path, text.as_bytes()).map(|()| path))
        .map(|path| {
            format!(
                "saved to {}; open it with mavera-tui import FILE",
                crate::sanitize::clean_line(&path.display().to_string())
            )
        })
        .map_err(|e| format!("could not save: {e}"))
}

//! The app's history for one run: opening it before the app starts (or saying why
//! there is none), the conversation `--resume` reopens, and writing what is left when
//! the app ends.
//!
//! Owns: the order of those steps and their messages. A history that cannot be opened
//! never stops the app: it runs without one and says why in the status bar. Opening
//! happens on a blocking thread, before the first frame; from then on the storage task
//! owns the database. Does not own: the database (`crate::history`) or what the app
//! stores when (the reducer).

use std::collections::HashMap;
use std::time::Duration;

use super::out::note;
use super::CliError;
use crate::app::RestoredThread;
use crate::config::Settings;
use crate::history::{self, Session, Store, Worker};

/// The longest the app waits at exit for the history's last writes (a disk that hangs
/// must not hang the exit; SQLite keeps the file whole either way).
const FINISH_WAIT: Duration = Duration::from_secs(5);

/// The history as the app starts with it.
pub(super) struct AppHistory {
    pub session: Session,
    pub worker: Option<Worker>,
    /// What `--resume` reopens.
    pub restore: Vec<RestoredThread>,
    /// Something to say at start (nothing to resume yet).
    pub note: Option<String>,
}

/// Opens the history for the app; with `resume`, also reads the latest conversation.
pub(super) async fn open(
    settings: &Settings,
    env: &HashMap<String, String>,
    resume: bool,
) -> Result<AppHistory, CliError> {
    let off = |why: Option<String>| AppHistory {
        session: Session::Off(why),
        worker: None,
        restore: Vec::new(),
        note: None,
    };
    if !settings.history.enabled {
        if resume {
            return Err(CliError::Usage(
                "--resume reopens the history, which is turned off ([history] enabled = false)".into(),
            ));
        }
        return Ok(off(None));
    }
    let Some(path) = history::file(env) else {
        let why = "there is no home folder to keep it in (set HOME or XDG_DATA_HOME)";
        if resume {
            return Err(CliError::Usage(format!(
                "--resume cannot find the history: {why}"
            )));
        }
        return Ok(off(Some(why.into())));
    };
    let opened = tokio::task::spawn_blocking(move || {
        let store = Store::open_announcing(&path, |_| {
            note(
                "Updating the history to this version's format (once; a large history takes a few seconds)…",
            );
        })?;
        let latest = if resume {
            // A history that opens but cannot be read back is still written to.
            store.latest().unwrap_or_else(|e| {
                tracing::warn!(%e, "could not read the latest conversation");
                None
            })
        } else {
            None
        };
        Ok::<_, history::OpenError>((store, latest))
    })
    .await;
    let (store, latest) = match opened {
        Ok(Ok(opened)) => opened,
        Ok(Err(e)) => {
            tracing::warn!(%e, "no history this session");
            return Ok(off(Some(e.to_string())));
        }
        Err(e) => return Ok(off(Some(format!("could not open it: {e}")))),
    };
    let (handle, worker) = match history::task::spawn(store) {
        Ok(started) => started,
        Err(e) => return Ok(off(Some(format!("could not start writing it: {e}")))),
    };
    let note = (resume && latest.is_none()).then(|| "nothing to resume yet: the history is empty".to_owned());
    Ok(AppHistory {
        session: Session::On(handle),
        worker: Some(worker),
        restore: latest.map(crate::app::stored::restored).unwrap_or_default(),
        note,
    })
}

/// Writes what the app handed the history and stops its task.
pub(super) async fn finish(worker: Option<Worker>) {
    let Some(worker) = worker else {
        return;
    };
    let done = tokio::task::spawn_blocking(move || worker.finish(FINISH_WAIT)).await;
    if !matches!(done, Ok(true)) {
        note("warning: the last changes may be missing from the history: the disk did not answer in time");
    }
}

//! The conversation history: every thread and comparison, autosaved to a SQLite database
//! on this machine (`$XDG_DATA_HOME/mavera-tui/history.db`, else
//! `~/.local/share/mavera-tui/history.db`).
//!
//! Owns: the database — its schema and migrations (`schema`); opening it, or refusing to
//! when another mavera-tui is using it, when it is damaged or another program's, or when
//! a newer version wrote it, always leaving such a file untouched (`db`); the operations
//! the app hands it (`op`) and writing them (`write`); reading conversations back
//! (`read`), whole with every column for exports (`archive`), and searching them
//! (`search`); renaming and deleting them (`manage`), and the history view's reads
//! (`browse`); and the one storage thread that owns the connection while the app runs
//! (`task`). Kept: what was asked and answered, with
//! statuses, usage, credits and response ids. Never kept: the API key or anything about
//! the connection. Does not own: when to store what (the reducer's `autosave`), the
//! app's threads as records and back (`app::stored`), or printing (`cli::history`).

pub mod archive;
pub mod browse;
pub mod db;
mod fork;
mod manage;
pub mod op;
pub mod read;
pub mod schema;
pub mod search;
mod snapshot;
pub mod task;
mod write;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;

pub use db::{OpenError, Store};
pub use op::{ConversationId, MessageRecord, NewThread, Role, Status, StoreKey, StoreOp};
pub use read::{Conversation, StoredMessage, StoredThread, Summary};
pub use task::{Handle, Report, Session, Worker};

/// The database's file name, in the data folder (`config::data_dir`).
pub const FILE_NAME: &str = "history.db";

/// Where the history is kept: `None` without a home folder.
pub fn file(env: &HashMap<String, String>) -> Option<PathBuf> {
    crate::config::data_dir(env).map(|d| d.join(FILE_NAME))
}

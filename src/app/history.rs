//! Which stored conversation the threads on screen continue, and whether there is a
//! history at all this session.
//!
//! Owns: the links from a thread (by its key: the persona id) to its place in the store
//! (`StoreKey`), the columns last recorded as a comparison, and whether changes are
//! stored (`on`: only once the runtime says it has an open store) or why not. A thread
//! started afresh (Ctrl+N) or replaced by an imported one loses its link; one reopened
//! with `--resume` gets its stored row. Does not own: what is stored when
//! (`update::autosave`) or the database (`crate::history`).

use std::collections::HashMap;

use crate::history::StoreKey;

/// The session's history, as the reducer knows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    /// Changes are stored (the runtime has an open store).
    pub on: bool,
    /// Why there is no history this session, when something went wrong (a locked,
    /// damaged or newer database): the status bar says so for the whole session.
    pub unavailable: Option<String>,
    /// Each stored thread's key in the store, by thread key.
    pub threads: HashMap<String, StoreKey>,
    /// The threads last recorded as a comparison, in column order.
    pub comparison: Option<Vec<StoreKey>>,
}

impl History {
    /// The thread `key` is no longer the stored one (started afresh, or replaced).
    pub fn forget(&mut self, key: &str) {
        self.threads.remove(key);
    }
}

//! Which pane takes the keys, and the order Tab moves through them.
//!
//! Owns: the panes' focus order. Does not own: what a key does in a pane (`keymap`) or
//! which panes are shown (`layout`).

/// Which pane takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Focus {
    Sidebar,
    #[default]
    Composer,
    Conversation,
}

impl Focus {
    pub fn next(self) -> Focus {
        match self {
            Focus::Sidebar => Focus::Composer,
            Focus::Composer => Focus::Conversation,
            Focus::Conversation => Focus::Sidebar,
        }
    }

    pub fn prev(self) -> Focus {
        match self {
            Focus::Sidebar => Focus::Conversation,
            Focus::Composer => Focus::Sidebar,
            Focus::Conversation => Focus::Composer,
        }
    }
}

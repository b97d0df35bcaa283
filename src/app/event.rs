//! What happened: the reducer's only input.
//!
//! Owns: the event vocabulary — terminal input, network results tagged with the request
//! id that asked for them, and time. Time is data here (`now`, milliseconds since the app
//! started) so every transition is a plain function of its inputs. Does not own: where
//! events come from (the runtime) or what they do (`update`).

use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::wire::{Persona, UsageReport};
use crate::api::{AnswerEvent, ApiError};

/// Milliseconds since the app started.
pub type Millis = u64;

/// Identifies one request; results carry it back, and stale ones are ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RequestId(pub u64);

/// Everything the reducer reacts to.
#[derive(Debug, Clone)]
pub enum Event {
    Key(KeyEvent),
    Paste(String),
    Mouse(MouseEvent),
    Resize {
        width: u16,
        height: u16,
    },
    /// Time passing, while something animates (spinner, retry countdown).
    Tick,
    /// A requested answer's progress: the events that arrived together, in order.
    Answer {
        id: RequestId,
        events: Vec<AnswerEvent>,
    },
    PersonasLoaded {
        id: RequestId,
        result: Result<Vec<Persona>, ApiError>,
    },
    UsageLoaded {
        id: RequestId,
        result: Result<UsageReport, ApiError>,
    },
    /// The view measured the conversation: lines in the thread and rows visible. Keeps
    /// scrolling exact without the reducer knowing about layout.
    Measured {
        thread: String,
        total_lines: usize,
        viewport: usize,
        /// The first line shown, when the frame placed the thread's `landing`.
        landed: Option<usize>,
    },
    /// Conversations opened from a transcript file.
    Restore(Vec<RestoredThread>),
    /// Something was written to a file (what to tell the user), or could not be (why).
    Saved(Result<String, String>),
    /// News from the history store.
    History(HistoryNews),
    /// The history view's read `id` was answered (`Effect::Browse`).
    Browse {
        id: RequestId,
        found: crate::history::browse::Found,
    },
    /// The instructions came back from `$EDITOR` (Ctrl+E in their popup): the text, or
    /// why there is none.
    InstructionsEdited(Result<String, String>),
    /// A schema file read for the path prompt (`Effect::LoadSchema`), or why not.
    SchemaLoaded(Result<crate::api::structured::NamedSchema, String>),
    /// An image named in the app was read and checked (`Effect::ReadImage`), or why not.
    ImageRead(Result<crate::api::image::Attachment, String>),
    /// A persona was created or edited (`Effect::CreatePersona` / `EditPersona`), or why
    /// not (already said for the user).
    PersonaSaved {
        id: RequestId,
        result: Result<crate::api::custom_persona::SavedPersona, String>,
    },
}

/// What the app learns about its history.
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryNews {
    /// The store is open: changes are stored from now on.
    On,
    /// No history this session: why, when something went wrong (`None`: turned off in
    /// the configuration).
    Off(Option<String>),
    /// A write failed (said once per run of failures; writing is retried).
    WriteFailed(String),
}

/// A conversation from a transcript or the history, ready to install.
#[derive(Debug, Clone, PartialEq)]
pub struct RestoredThread {
    /// The persona id the thread belongs to (`""` for none).
    pub persona_id: String,
    /// Its row in the history, when it comes from there: it is continued in place.
    pub stored: Option<i64>,
    pub thread: super::thread::Thread,
}

/// An event stamped with the time it happened.
#[derive(Debug, Clone)]
pub struct Timed {
    pub now: Millis,
    pub event: Event,
}

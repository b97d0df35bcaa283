//! What happened: the reducer's only input.
//!
//! Owns: the event vocabulary — terminal input, network results tagged with the request
//! id that asked for them, and time. Time is data here (`now`, milliseconds since the app
//! started) so every transition is a plain function of its inputs. Does not own: where
//! events come from (the runtime) or what they do (`update`).

use crossterm::event::{KeyEvent, MouseEvent};

use crate::api::wire::{Persona, UsageReport};
use crate::api::{ApiError, StreamEvent};

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
    /// A streamed answer's progress.
    Net {
        id: RequestId,
        event: NetEvent,
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
    },
    /// The compare view showed this many columns side by side.
    ColumnsShown(usize),
    /// Conversations opened from a transcript file.
    Restore(Vec<RestoredThread>),
    /// A transcript was written (its path), or could not be.
    Exported(Result<String, String>),
}

/// A conversation from a transcript, ready to install.
#[derive(Debug, Clone)]
pub struct RestoredThread {
    /// The persona id the thread belongs to (`""` for none).
    pub persona_id: String,
    pub thread: super::thread::Thread,
}

/// One event of a running request.
#[derive(Debug, Clone)]
pub enum NetEvent {
    /// The request failed before output and will be tried again after `wait_ms`.
    Retrying {
        wait_ms: u64,
        attempt: u32,
        reason: String,
    },
    /// The server accepted the request; events follow.
    Opened,
    /// Events that arrived together, applied together.
    Batch(Vec<StreamEvent>),
    /// The request could not be made, or the stream broke.
    Broken(ApiError),
}

/// An event stamped with the time it happened.
#[derive(Debug, Clone)]
pub struct Timed {
    pub now: Millis,
    pub event: Event,
}

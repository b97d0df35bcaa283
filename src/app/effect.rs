//! What must be done: the reducer's only output.
//!
//! Owns: the effect vocabulary. Effects are data; the runtime's executor carries them
//! out (network, disk, terminal). Does not own: carrying them out.

use super::event::RequestId;
use crate::api::wire::{Persona, ResponseRequest};

/// Work for the executor.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Stream a response; events come back as `Event::Net { id, .. }`.
    StartStream {
        id: RequestId,
        request: ResponseRequest,
    },
    /// Stop a stream (its task is dropped; late events for `id` are ignored anyway).
    Cancel {
        id: RequestId,
    },
    /// Fetch the persona list; the result comes back as `Event::PersonasLoaded`.
    LoadPersonas {
        id: RequestId,
    },
    /// Fetch the credit balance.
    LoadUsage {
        id: RequestId,
    },
    /// Remember the persona list for the next start.
    SavePersonaCache(Vec<Persona>),
    /// Save the marked personas (by name) as a panel called `name`.
    SavePanel {
        name: String,
        personas: Vec<String>,
    },
    /// Export these threads (keyed by persona id, in column order) to a Markdown file;
    /// the result comes back as `Event::Saved`.
    ExportMarkdown {
        threads: Vec<(String, crate::app::thread::Thread)>,
        personas: Vec<crate::catalog::PersonaEntry>,
    },
    /// Put this text (sanitised, within `copy::MAX_CHARS`) on the clipboard: OSC 52
    /// through the terminal, between frames. `what` and `chars` are for the report.
    Copy {
        text: String,
        what: String,
        chars: usize,
        cut: bool,
    },
    /// Keep this in the history (handed to the storage task; nothing waits for it).
    Store(crate::history::StoreOp),
    /// Something visible changed: draw a frame (coalesced and capped by the runtime).
    Redraw,
    Quit,
    /// Ctrl+S: save these threads (keyed by persona id, in column order) as a JSON
    /// export file; read from the history when `stored` (their keys there, every one
    /// stored), else from `threads`. The result comes back as `Event::Saved`.
    SaveJson {
        stored: Option<Vec<crate::history::StoreKey>>,
        threads: Vec<(String, crate::app::thread::Thread)>,
        personas: Vec<crate::catalog::PersonaEntry>,
    },
    /// The history view's read, run by the storage task after the writes handed over
    /// before it; the answer comes back as `Event::Browse { id, .. }`.
    Browse {
        id: RequestId,
        query: crate::history::browse::Query,
    },
    /// Read the JSON Schema file at `path`; the result comes back as
    /// `Event::SchemaLoaded`.
    LoadSchema {
        path: String,
    },
    /// Read and check the image at this path (or keep this URL); the result comes back
    /// as `Event::ImageRead`.
    ReadImage {
        what: String,
    },
    /// Create a custom persona (**300 credits**: the user confirmed), with the profile
    /// fields of `file` if given; the result comes back as `Event::PersonaSaved`.
    CreatePersona {
        id: RequestId,
        body: crate::api::custom_persona::NewPersona,
        file: Option<String>,
    },
    /// `LoadUsage`, after waiting `after_ms` (the spacing of usage requests).
    LoadUsageLater {
        id: RequestId,
        after_ms: u64,
    },
    /// Change these fields of custom persona `persona_id`; answered by `PersonaSaved`.
    EditPersona {
        id: RequestId,
        persona_id: String,
        fields: serde_json::Map<String, serde_json::Value>,
    },
}

/// The effects of one event. Dropping them would lose work, hence `must_use`.
#[must_use]
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Effects(pub Vec<Effect>);

impl Effects {
    pub fn none() -> Effects {
        Effects(Vec::new())
    }

    pub fn push(&mut self, effect: Effect) {
        if effect == Effect::Redraw && self.0.contains(&Effect::Redraw) {
            return;
        }
        self.0.push(effect);
    }

    pub fn redraw(&mut self) {
        self.push(Effect::Redraw);
    }

    pub fn into_vec(self) -> Vec<Effect> {
        self.0
    }
}

//! The whole application state: everything a frame is drawn from.
//!
//! Owns: the data and small derived queries (which thread is shown, what the status bar
//! says about streaming). Mutation happens only in `update`. Does not own: I/O, time
//! (it arrives in events), or drawing.

use std::collections::HashMap;

use super::compare::Comparison;
use super::composer::Composer;
use super::credits::CreditTally;
use super::event::{Millis, RequestId};
pub use super::focus::Focus;
use super::history::History;
use super::personas::PersonaList;
use super::thread::{Message, Thread};
use crate::api::wire::Usage;
use crate::config::LocalPersona;
use crate::sanitize::Sanitizer;
use serde_json::{Map, Value};

/// How serious a status message is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A short message in the status bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    pub text: String,
    pub severity: Severity,
}

/// What the app is connected to, for the status bar.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Connection {
    /// Host of the base URL, or `DEMO`.
    pub label: String,
    pub demo: bool,
    pub model: String,
    /// Shown once at start, e.g. how to set a key when running on the simulator.
    pub hint: Option<String>,
    /// Vendor fields for every request.
    pub extra_body: Map<String, Value>,
}

/// What the last finished answer cost.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LastAnswer {
    pub usage: Option<Usage>,
    /// Replaying a recording: whether the last answer came from it or the simulator.
    pub origin: Option<crate::recording::ReplyOrigin>,
}

/// Few requests left in the server's rate-limit window (`X-RateLimit-*`), as the latest
/// answer's ending reported them. Kept only while low (`RateLimitStatus::is_low`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestsLeft {
    pub remaining: u64,
    /// Requests per window, when the server said.
    pub limit: Option<u64>,
    /// When the window resets, on the app's clock, when the server said.
    pub resets_at: Option<Millis>,
}

/// A request in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct ActiveStream {
    pub persona_id: String,
    pub message_id: u64,
    pub started_at: Millis,
    pub first_token_at: Option<Millis>,
    pub last_token_at: Option<Millis>,
    /// Pieces of text received (one per delta: close to tokens).
    pub deltas: u64,
    /// The rate shown: tokens per second since the first token, taken once a second
    /// (`count_text`), and which step of the stream's seconds it was taken at.
    pub rate: Option<(u64, f64)>,
    /// Cleans the answer's text as it arrives; keeps state across pieces so an escape
    /// sequence split between two pieces is still removed whole.
    pub sanitizer: Sanitizer,
    /// The answer this one regenerates, while the new one has produced nothing: its text
    /// stays on screen until the first new text, and it is put back if the new answer
    /// fails or is stopped before that (`update::replace`).
    pub replacing: Option<Message>,
    /// The last checkpoint of the text so far in the history: when, and `deltas` then
    /// (`update::autosave`).
    pub saved: Option<(Millis, u64)>,
}

impl ActiveStream {
    /// Tokens per second since the first token (deltas are close to tokens), as last
    /// taken: from 0.2 s into the stream, then once a second. A figure that moves once a
    /// second reads better than one that flickers between 99 and 100 at every frame,
    /// and the rows that show it are not painted again in between.
    pub fn tokens_per_sec(&self) -> Option<f64> {
        self.rate.map(|(_, rate)| rate)
    }

    /// A piece of text arrived at `now`: counted, and the rate taken again when the
    /// stream has entered a new second since it was last taken.
    pub fn count_text(&mut self, now: Millis) {
        let first = *self.first_token_at.get_or_insert(now);
        self.last_token_at = Some(now);
        self.deltas += 1;
        let elapsed = now.saturating_sub(first);
        let step = (elapsed + 800) / 1000;
        if step >= 1 && self.deltas > 1 && self.rate.is_none_or(|(taken, _)| step > taken) {
            self.rate = Some((step, self.deltas as f64 * 1000.0 / elapsed as f64));
        }
    }

    /// Whether text arrived since the last checkpoint.
    pub fn unsaved(&self) -> bool {
        self.deltas > 0 && self.saved.is_none_or(|(_, deltas)| deltas != self.deltas)
    }
}

/// The modal overlay, if any.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlay {
    Help,
}

/// Everything the app knows. Plain data: two states compare equal when every fact does.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    pub now: Millis,
    pub size: (u16, u16),
    pub connection: Connection,
    pub personas: PersonaList,
    /// Threads by persona id; the key `""` is the thread without a persona.
    pub threads: HashMap<String, Thread>,
    pub composer: Composer,
    /// Replaying a recording: its prompts, for Ctrl+P.
    pub deck: super::replay::Deck,
    pub focus: Focus,
    pub overlay: Option<Overlay>,
    pub notice: Option<Notice>,
    pub credits: CreditTally,
    pub last_answer: LastAnswer,
    pub streams: HashMap<RequestId, ActiveStream>,
    /// The persona-list request whose answer is awaited (older answers are stale).
    pub personas_request: Option<RequestId>,
    pub usage_request: Option<RequestId>,
    /// Credits are gone (402): sending is refused until the next start.
    pub out_of_credits: bool,
    /// Few requests left in the rate-limit window (set and cleared as answers end); see
    /// `requests_left` for whether it still applies.
    pub rate_limit: Option<RequestsLeft>,
    pub mouse: bool,
    pub quitting: bool,
    /// Ctrl+Q was pressed while answers stream: a second Ctrl+Q quits, any other key
    /// keeps them (the status bar asks). Cleared when nothing streams any more.
    pub confirm_quit: bool,
    /// How many times the user asked to suspend to the shell (Ctrl+Z). The runtime
    /// suspends once for each increase: a request the reducer cannot carry out itself,
    /// kept as a count so that reading it changes nothing.
    pub suspend_requests: u64,
    /// Personas from the config file, merged into every list the server sends.
    pub local_personas: Vec<LocalPersona>,
    /// A persona asked for at launch (`--persona`, `default_persona`), picked once the
    /// list has it.
    pub pending_persona: Option<String>,
    /// Personas side by side.
    pub compare: Comparison,
    /// The conversation history: on or not, and where each thread is stored.
    pub history: History,
    /// How far the help overlay is scrolled (clamped by the view).
    pub help_scroll: usize,
    /// `c` was pressed: the next digit N copies the N-th code block of the last answer
    /// (any other key cancels).
    pub copy_pending: bool,
    /// An earlier prompt being edited in the composer, to resend as a fork (`edit`).
    pub editing: Option<super::edit::Editing>,
    next_id: u64,
    /// The history view, while it is open: it takes the keys (`update::browse`).
    pub browse: Option<super::browse::Browse>,
    /// Every request asks for an `analysis` object (`analysis_mode`, spec §3).
    pub analysis_mode: bool,
    /// The instructions popup, while it is open: it takes the keys
    /// (`update::instructions`).
    pub instructions_edit: Option<super::instructions::InstructionsEdit>,
    /// Structured answers and tools (`structure`).
    pub structure: super::structure::Structure,
    /// The plan's size, the usage requests' spacing and the session's budget.
    pub account: super::account::Account,
    /// An open dialog (image path, persona form): it takes the keys (`update::dialog`).
    pub dialog: Option<super::dialog::Dialog>,
    /// Images attached to the next prompt (shown as chips above the composer).
    pub attachments: Vec<crate::api::image::Attachment>,
    /// The persona create/edit request whose answer is awaited.
    pub persona_request: Option<RequestId>,
    /// The key table in use: the defaults with the config's `[keys]` (the keymap reads
    /// keys in it, the help overlay lists it).
    pub keys: super::keytable::KeyTable,
    /// The presenter layout (F5, `--present`): no sidebar or pane borders, the last
    /// prompt as a heading, the columns full width, only the tally in the status bar.
    pub presenter: bool,
}

impl AppState {
    pub fn new(connection: Connection) -> AppState {
        AppState {
            now: 0,
            size: (80, 24),
            connection,
            personas: PersonaList::default(),
            threads: HashMap::new(),
            composer: Composer::default(),
            deck: super::replay::Deck::default(),
            focus: Focus::Composer,
            overlay: None,
            notice: None,
            credits: CreditTally::default(),
            last_answer: LastAnswer::default(),
            streams: HashMap::new(),
            personas_request: None,
            usage_request: None,
            out_of_credits: false,
            rate_limit: None,
            mouse: false,
            quitting: false,
            confirm_quit: false,
            suspend_requests: 0,
            local_personas: Vec::new(),
            pending_persona: None,
            compare: Comparison::default(),
            history: History::default(),
            help_scroll: 0,
            copy_pending: false,
            editing: None,
            next_id: 1,
            browse: None,
            analysis_mode: false,
            instructions_edit: None,
            structure: Default::default(),
            account: Default::default(),
            dialog: None,
            attachments: Vec::new(),
            persona_request: None,
            keys: Default::default(),
            presenter: false,
        }
    }

    /// A fresh id for a request or a message.
    pub fn next_id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }

    /// The key of the thread on screen: the selected persona's.
    pub fn thread_key(&self) -> String {
        self.personas.selected.clone().unwrap_or_default()
    }

    pub fn thread(&self) -> Option<&Thread> {
        self.threads.get(&self.thread_key())
    }

    pub fn thread_mut(&mut self) -> &mut Thread {
        let key = self.thread_key();
        self.threads.entry(key).or_default()
    }

    /// Every thread a prompt goes to: the compared personas, else the selected persona's.
    pub fn send_keys(&self) -> Vec<String> {
        if self.compare.active() {
            self.compare.marked.clone()
        } else {
            vec![self.thread_key()]
        }
    }

    /// The threads that stop, regenerate or scroll: the focused column, else all of
    /// `send_keys`.
    pub fn target_keys(&self) -> Vec<String> {
        match self.compare.column.and_then(|c| self.compare.marked.get(c)) {
            Some(key) if self.compare.active() => vec![key.clone()],
            _ => self.send_keys(),
        }
    }

    /// The stream of the thread on screen, if one is running.
    pub fn current_stream(&self) -> Option<(RequestId, &ActiveStream)> {
        let key = self.thread_key();
        self.streams
            .iter()
            .filter(|(_, s)| s.persona_id == key)
            .max_by_key(|(id, _)| **id)
            .map(|(id, s)| (*id, s))
    }

    /// The low rate-limit window worth saying, if any: none once its reset time has
    /// passed (the window is fresh again, whatever the last reply said). Derived from
    /// `now`, which moves with every event; nothing ticks just for this.
    pub fn requests_left(&self) -> Option<RequestsLeft> {
        self.rate_limit
            .filter(|r| r.resets_at.is_none_or(|at| at > self.now))
    }

    /// Whether time alone has work for the reducer: something on screen that changes
    /// (`animating_on_screen`), or streamed text waiting for its checkpoint in the history
    /// (so text that stops arriving is still stored within a second). The runtime ticks
    /// while this holds.
    pub fn animating(&self) -> bool {
        self.animating_on_screen() || (self.history.on && self.streams.values().any(ActiveStream::unsaved))
    }

    /// Whether anything on screen changes with time alone (spinner, countdown).
    pub fn animating_on_screen(&self) -> bool {
        self.streams.values().any(|s| s.first_token_at.is_none())
    }

    /// The name persona `id` is shown by now (empty for an unknown one).
    pub fn persona_label(&self, id: &str) -> String {
        self.personas
            .entries
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.label().to_owned())
            .unwrap_or_default()
    }

    /// Whether message `id` is a prompt being edited (the view marks it).
    pub fn is_edited(&self, id: u64) -> bool {
        self.editing.as_ref().is_some_and(|e| e.holds(id))
    }

    /// The composer's text.
    pub fn composer_text(&self) -> String {
        self.composer.text()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream() -> ActiveStream {
        ActiveStream {
            persona_id: "p".into(),
            message_id: 1,
            started_at: 0,
            first_token_at: None,
            last_token_at: None,
            deltas: 0,
            rate: None,
            sanitizer: Sanitizer::default(),
            replacing: None,
            saved: None,
        }
    }

    #[test]
    fn the_rate_is_taken_from_a_fifth_of_a_second_in_then_once_a_second() {
        let mut s = stream();
        // 100 tokens a second, from t = 1000 ms.
        let at = |s: &mut ActiveStream, ms: u64| {
            s.count_text(1000 + ms);
            s.tokens_per_sec()
        };
        for ms in (0..200).step_by(10) {
            assert_eq!(at(&mut s, ms), None, "too soon to say at {ms} ms");
        }
        let first = at(&mut s, 200).expect("a rate at 0.2 s");
        assert!((first - 105.0).abs() < 0.01, "{first}");
        // The tokens slow down; the figure stays until the stream enters a new second.
        assert_eq!(at(&mut s, 700), Some(first));
        assert_eq!(at(&mut s, 1199), Some(first));
        let second = at(&mut s, 1200).expect("taken again");
        assert!(second < first, "{second} after the slow-down");
        assert_eq!(at(&mut s, 1500), Some(second));
    }
}

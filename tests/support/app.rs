//! The reducer harness: `App`, an app with a clock it advances itself, and helpers that
//! type, pick, ask and feed a request's wire events the way the request task would (each
//! request's own `Assembler` turns them into the answer events the reducer reads); plus
//! sample personas (`persona`, `personas`), a full panel side by side (`panel`, `ask_all`)
//! and the request ids to pick out of effects (`load_id`, `stream_id`).

use std::collections::HashMap;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::answer::Assembler;
use mavera_tui::api::wire::ResponseRequest;
use mavera_tui::api::wire::{Persona, ResponseObject, Usage};
use mavera_tui::api::{AnswerEvent, AnswerStream, ApiError, Client, RetryPolicy, StreamEvent};
use mavera_tui::app::state::{Connection, Focus};
use mavera_tui::app::thread::{Author, Message, MessageStatus};
use mavera_tui::app::{start, update, AppState, Effect, Event, RequestId, Timed};

pub fn persona(id: &str, name: &str, category: &str) -> Persona {
    Persona {
        id: id.into(),
        name: name.into(),
        category: category.into(),
        description: format!("{name}: a perspective"),
        is_custom: false,
        is_expert: false,
        created_at: None,
    }
}

pub fn personas() -> Vec<Persona> {
    vec![
        persona("cgenz", "Gen Z Consumer", "Generational"),
        persona("ccfo", "CFO", "Professional"),
        persona("cb2b", "B2B Decision Maker", "Professional"),
    ]
}

/// A harness that stamps events with a clock it advances itself.
pub struct App {
    pub state: AppState,
    pub now: u64,
    /// Each request's assembly, as its request task would hold it.
    assemblers: HashMap<RequestId, Assembler>,
}

impl App {
    pub fn new() -> App {
        App {
            state: AppState::new(Connection {
                label: "DEMO".into(),
                demo: true,
                model: "mavera-1".into(),
                hint: None,
                extra_body: Default::default(),
            }),
            now: 0,
            assemblers: HashMap::new(),
        }
    }

    /// Started, with the persona list loaded.
    pub fn loaded() -> App {
        let mut app = App::new();
        let fx = start(&mut app.state, None).into_vec();
        let id = load_id(&fx);
        app.send(Event::PersonasLoaded {
            id,
            result: Ok(personas()),
        });
        app
    }

    pub fn send(&mut self, event: Event) -> Vec<Effect> {
        self.now += 10;
        update(&mut self.state, Timed { now: self.now, event }).into_vec()
    }

    pub fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    pub fn ctrl(&mut self, c: char) -> Vec<Effect> {
        self.send(Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)))
    }

    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            let _ = self.key(KeyCode::Char(c));
        }
    }

    /// Picks a persona by walking the sidebar to it.
    pub fn pick(&mut self, id: &str) {
        self.state.focus = Focus::Sidebar;
        self.state.personas.move_to(id);
        let _ = self.key(KeyCode::Enter);
        assert_eq!(self.state.personas.selected.as_deref(), Some(id));
    }

    /// Types and sends a prompt; returns the request id of the stream it started.
    pub fn ask(&mut self, prompt: &str) -> RequestId {
        self.type_text(prompt);
        let fx = self.key(KeyCode::Enter);
        stream_id(&fx).expect("a stream starts")
    }

    /// Types `prompt`, sends it, and runs the request the way the app's request task does:
    /// an `AnswerStream` against `client`, each batch into the reducer, to the end.
    /// `adjust` may change the request first (say, to a persona id the server knows).
    pub async fn ask_over(
        &mut self,
        client: &Client,
        policy: RetryPolicy,
        prompt: &str,
        adjust: impl FnOnce(&mut ResponseRequest),
    ) {
        self.type_text(prompt);
        let fx = self.key(KeyCode::Enter);
        let (id, mut request) = fx
            .into_iter()
            .find_map(|e| match e {
                Effect::StartStream { id, request } => Some((id, request)),
                _ => None,
            })
            .expect("a request starts");
        adjust(&mut request);
        let mut answer = AnswerStream::new(client.clone(), policy, request);
        while let Some(events) = answer.next_batch().await {
            let _ = self.answer(id, events);
        }
    }

    /// Answer events of request `id`, as one batch.
    pub fn answer(&mut self, id: RequestId, events: Vec<AnswerEvent>) -> Vec<Effect> {
        self.send(Event::Answer { id, events })
    }

    /// Wire events of request `id` that arrived together, through its assembler.
    pub fn wire(&mut self, id: RequestId, events: Vec<StreamEvent>) -> Vec<Effect> {
        let assembler = self.assemblers.entry(id).or_default();
        let mut out = Vec::new();
        for e in events {
            assembler.apply(e, &mut out);
        }
        self.answer(id, out)
    }

    /// Request `id` could not be made, or its stream broke.
    pub fn broken(&mut self, id: RequestId, err: ApiError) -> Vec<Effect> {
        let mut out = Vec::new();
        self.assemblers.entry(id).or_default().interrupt(err, &mut out);
        self.answer(id, out)
    }

    /// Request `id` waits `wait_ms` before its next attempt.
    pub fn retrying(&mut self, id: RequestId, wait_ms: u64, attempt: u32, reason: &str) -> Vec<Effect> {
        let reason = reason.to_owned();
        self.answer(
            id,
            vec![AnswerEvent::Retrying {
                wait_ms,
                attempt,
                reason,
            }],
        )
    }

    pub fn deltas(&mut self, id: RequestId, parts: &[&str]) -> Vec<Effect> {
        let events = parts
            .iter()
            .map(|d| StreamEvent::TextDelta {
                item_id: Some("msg_1".into()),
                output_index: Some(0),
                delta: (*d).into(),
            })
            .collect();
        self.wire(id, events)
    }

    pub fn complete(&mut self, id: RequestId, credits: Option<f64>) -> Vec<Effect> {
        self.wire(id, vec![StreamEvent::Completed(completed(credits))])
    }

    /// The selected thread's last message.
    pub fn last_message(&self) -> &Message {
        self.state
            .thread()
            .and_then(|t| t.messages.last())
            .expect("a message")
    }

    pub fn last_answer(&self) -> (String, MessageStatus) {
        let m = self.last_message();
        assert_eq!(m.author, Author::Assistant);
        (m.text.clone(), m.status.clone())
    }
}

/// A completed response of 30 tokens costing `credits`.
pub fn completed(credits: Option<f64>) -> ResponseObject {
    ResponseObject {
        status: "completed".into(),
        usage: Some(Usage {
            input_tokens: Some(10),
            output_tokens: Some(20),
            total_tokens: Some(30),
            credits_used: credits,
        }),
        ..ResponseObject::default()
    }
}

/// The persona-list request among `fx`.
pub fn load_id(fx: &[Effect]) -> RequestId {
    fx.iter()
        .find_map(|e| match e {
            Effect::LoadPersonas { id } => Some(*id),
            _ => None,
        })
        .expect("loads personas")
}

pub fn stream_id(fx: &[Effect]) -> Option<RequestId> {
    fx.iter().find_map(|e| match e {
        Effect::StartStream { id, .. } => Some(*id),
        _ => None,
    })
}

/// The six personas of a full panel, in column order.
pub const IDS: [&str; 6] = ["cgenz", "ccfo", "cb2b", "cboom", "ceng", "cfarm"];

/// Six personas for a full panel (`IDS`).
pub fn six() -> Vec<Persona> {
    vec![
        persona("cgenz", "Gen Z Consumer", "Generational"),
        persona("ccfo", "CFO", "Professional"),
        persona("cb2b", "B2B Decision Maker", "Professional"),
        persona("cboom", "Baby Boomer Retiree", "Generational"),
        persona("ceng", "Software Engineer", "Professional"),
        persona("cfarm", "Rural Farmer", "IndustrySpecific"),
    ]
}

/// A loaded app with the first `n` of `IDS` marked side by side, composer focused.
pub fn panel(n: usize) -> App {
    let mut app = App::new();
    let fx = start(&mut app.state, None).into_vec();
    let id = load_id(&fx);
    let _ = app.send(Event::PersonasLoaded {
        id,
        result: Ok(six()),
    });
    app.state.focus = Focus::Sidebar;
    for id in IDS.iter().take(n) {
        app.state.personas.move_to(id);
        let _ = app.key(KeyCode::Char(' '));
    }
    app.state.focus = Focus::Composer;
    app
}

/// Sends a prompt to the panel; returns the request id per column, in column order.
pub fn ask_all(app: &mut App, prompt: &str) -> Vec<RequestId> {
    app.type_text(prompt);
    let fx = app.key(KeyCode::Enter);
    let ids: Vec<RequestId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(
        ids.len(),
        app.state.compare.marked.len(),
        "one request per column: {fx:?}"
    );
    ids
}

/// The history operations among `fx`.
pub fn stores(fx: &[Effect]) -> Vec<mavera_tui::history::StoreOp> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Store(op) => Some(op.clone()),
            _ => None,
        })
        .collect()
}

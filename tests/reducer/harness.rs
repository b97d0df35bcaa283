//! A reducer harness: an app with a clock it advances itself, and helpers that type,
//! pick, ask and feed stream events the way the runtime would.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::wire::{Persona, ResponseObject, Usage};
use mavera_tui::api::StreamEvent;
use mavera_tui::app::state::{Connection, Focus};
use mavera_tui::app::thread::{Author, MessageStatus};
use mavera_tui::app::{start, update, AppState, Effect, Event, NetEvent, RequestId, Timed};

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

    pub fn deltas(&mut self, id: RequestId, parts: &[&str]) -> Vec<Effect> {
        let events = parts
            .iter()
            .map(|d| StreamEvent::TextDelta {
                item_id: Some("msg_1".into()),
                output_index: Some(0),
                delta: (*d).into(),
            })
            .collect();
        self.send(Event::Net {
            id,
            event: NetEvent::Batch(events),
        })
    }

    pub fn complete(&mut self, id: RequestId, credits: Option<f64>) -> Vec<Effect> {
        let response = ResponseObject {
            status: "completed".into(),
            usage: Some(Usage {
                input_tokens: Some(10),
                output_tokens: Some(20),
                total_tokens: Some(30),
                credits_used: credits,
            }),
            ..ResponseObject::default()
        };
        self.send(Event::Net {
            id,
            event: NetEvent::Batch(vec![StreamEvent::Completed(response)]),
        })
    }

    pub fn last_answer(&self) -> (String, MessageStatus) {
        let m = self
            .state
            .thread()
            .and_then(|t| t.messages.last())
            .expect("a message");
        assert_eq!(m.author, Author::Assistant);
        (m.text.clone(), m.status.clone())
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

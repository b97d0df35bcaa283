//! Random event sequences through the reducer: no panic, and the invariants hold.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::{AnswerEvent, ApiError, Ending, Outcome};
use mavera_tui::app::{Effect, Event, RequestId};
use proptest::prelude::*;

use crate::support::app::{personas, App};

fn event_strategy() -> impl Strategy<Value = Event> {
    let key = prop_oneof![
        Just(KeyCode::Enter),
        Just(KeyCode::Esc),
        Just(KeyCode::Tab),
        Just(KeyCode::BackTab),
        Just(KeyCode::Up),
        Just(KeyCode::Down),
        Just(KeyCode::PageUp),
        Just(KeyCode::PageDown),
        Just(KeyCode::Home),
        Just(KeyCode::End),
        Just(KeyCode::Backspace),
        Just(KeyCode::F(1)),
        any::<char>().prop_map(KeyCode::Char),
    ];
    let mods = prop_oneof![
        Just(KeyModifiers::NONE),
        Just(KeyModifiers::CONTROL),
        Just(KeyModifiers::SHIFT)
    ];
    let id = (1u64..40).prop_map(RequestId);
    prop_oneof![
        4 => (key, mods).prop_map(|(k, m)| Event::Key(KeyEvent::new(k, m))),
        1 => ".{0,40}".prop_map(Event::Paste),
        1 => (0u16..300, 0u16..100).prop_map(|(width, height)| Event::Resize { width, height }),
        1 => Just(Event::Tick),
        2 => (id.clone(), ".{0,20}").prop_map(|(id, d)| Event::Answer { id, events: vec![AnswerEvent::Text(d)] }),
        1 => id.clone().prop_map(|id| Event::Answer { id, events: vec![AnswerEvent::Ended(Ending::default())] }),
        1 => id.clone().prop_map(|id| Event::Answer {
            id,
            events: vec![AnswerEvent::Ended(Ending { outcome: Outcome::Interrupted(ApiError::Interrupted), ..Ending::default() })],
        }),
        1 => id.clone().prop_map(|id| Event::Answer { id, events: vec![AnswerEvent::Retrying { wait_ms: 1000, attempt: 1, reason: "x".into() }] }),
        1 => id.prop_map(|id| Event::PersonasLoaded { id, result: Ok(personas()) }),
        1 => (0usize..500, 0usize..80).prop_map(|(t, v)| Event::Measured { thread: "cgenz".into(), total_lines: t, viewport: v, landed: None }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn random_event_sequences_never_panic_and_keep_invariants(events in prop::collection::vec(event_strategy(), 0..120)) {
        let mut app = App::loaded();
        for event in events {
            let fx = app.send(event);
            // Every stream in flight points at a live answer in its own thread.
            for stream in app.state.streams.values() {
                let live = app.state.threads.get(&stream.persona_id)
                    .and_then(|t| t.messages.iter().find(|m| m.id == stream.message_id))
                    .map(|m| m.status.is_live());
                prop_assert_eq!(live, Some(true));
            }
            // A started stream is always tracked.
            for e in &fx {
                if let Effect::StartStream { id, .. } = e {
                    prop_assert!(app.state.streams.contains_key(id));
                }
            }
            prop_assert!(app.state.personas.cursor <= app.state.personas.visible().len());
            if app.state.quitting {
                break;
            }
        }
    }
}

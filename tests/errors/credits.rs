//! The credit pause in the reducer: a 402 stops sending until a later answer succeeds or
//! the balance (`GET /usage`) is positive again; `r` in the persona list re-checks it.

use crossterm::event::KeyCode;
use mavera_tui::api::wire::{CreditBalance, UsageReport};
use mavera_tui::api::ApiError;
use mavera_tui::app::state::Focus;
use mavera_tui::app::thread::MessageStatus;
use mavera_tui::app::{Effect, Event, RequestId};

use crate::support::app::{stream_id, App};

fn usage(remaining: f64) -> UsageReport {
    UsageReport {
        credits: CreditBalance {
            remaining: Some(remaining),
            ..CreditBalance::default()
        },
        ..UsageReport::default()
    }
}

/// Starts an answer in `persona`'s thread; returns its request id.
fn ask_in(app: &mut App, persona: &str, prompt: &str) -> RequestId {
    app.pick(persona);
    app.ask(prompt)
}

fn credits_gone() -> ApiError {
    ApiError::Credits {
        code: "credits_exhausted".into(),
        message: "Insufficient credits.".into(),
    }
}

#[test]
fn a_402_pauses_sending_until_a_later_answer_succeeds() {
    let mut app = App::loaded();
    let first = ask_in(&mut app, "cgenz", "one");
    let second = ask_in(&mut app, "ccfo", "two");
    let _ = app.broken(second, credits_gone());
    assert!(app.state.out_of_credits);
    app.type_text("three");
    assert!(stream_id(&app.key(KeyCode::Enter)).is_none(), "paused");
    app.state.composer.clear();

    let _ = app.deltas(first, &["fine"]);
    let _ = app.complete(first, Some(1.0));
    assert!(!app.state.out_of_credits, "a later success resumes sending");
    assert!(app.ask("four") != first);
}

#[test]
fn a_402_pauses_sending_until_the_balance_is_positive_again() {
    let mut app = App::loaded();
    let id = ask_in(&mut app, "cgenz", "one");
    let _ = app.broken(id, credits_gone());
    assert!(app.state.out_of_credits);
    assert!(
        matches!(app.last_answer().1, MessageStatus::Failed { advice: Some(a), .. } if a.contains("billing")),
        "{:?}",
        app.last_answer().1
    );

    // r in the persona list re-checks the balance while paused.
    app.state.focus = Focus::Sidebar;
    recheck(&mut app, 0.0);
    assert!(app.state.out_of_credits, "an empty balance keeps the pause");

    recheck(&mut app, 250.0);
    assert!(!app.state.out_of_credits);
    assert_eq!(app.state.credits.balance, Some(250.0));
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("sending resumed")));
    app.state.focus = Focus::Composer;
    let _ = app.ask("two");

    // Not paused: r reloads the personas only.
    app.state.focus = Focus::Sidebar;
    let fx = app.key(KeyCode::Char('r'));
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadUsage { .. })));
}

/// Presses `r` in the persona list, which must re-check the balance, and answers that
/// check with `balance`.
fn recheck(app: &mut App, balance: f64) {
    let fx = app.key(KeyCode::Char('r'));
    let id = fx
        .iter()
        .find_map(|e| match e {
            Effect::LoadUsage { id } => Some(*id),
            _ => None,
        })
        .expect("r re-checks the balance");
    let _ = app.send(Event::UsageLoaded {
        id,
        result: Ok(usage(balance)),
    });
}

//! Few requests left in the server's rate-limit window (`X-RateLimit-*`): the reducer
//! keeps the window an answer's ending reports while it is low and forgets it when the
//! window resets or a later reply says there are enough again; the status bar says it
//! (snapshots of the bar at three widths); and against the simulator with a small
//! per-minute limit, the app and `mavera-tui ask` both say it.

use std::time::Duration;

use mavera_tui::api::retry::RateLimitStatus;
use mavera_tui::api::wire::Usage;
use mavera_tui::api::{AnswerEvent, Ending, RetryPolicy};
use mavera_tui::app::state::RequestsLeft;
use mavera_tui::app::RequestId;
use mavera_tui::sim::SimConfig;

use crate::support::app::App;
use crate::support::bin::{run, text};
use crate::support::screen::draw;
use crate::support::sim::{client_for, fast, start, KEY};

/// The status bar: the screen's last row.
fn status_bar(app: &mut App, width: u16, height: u16) -> String {
    draw(app, width, height)
        .lines()
        .last()
        .unwrap_or_default()
        .to_owned()
}

/// Ends answer `id` as the request task would, with `window` as the client last saw it.
fn end_with(app: &mut App, id: RequestId, window: Option<RateLimitStatus>) {
    let ending = Ending {
        usage: Some(Usage {
            total_tokens: Some(30),
            credits_used: Some(2.0),
            ..Usage::default()
        }),
        rate_limit: window,
        ..Ending::default()
    };
    let _ = app.answer(id, vec![AnswerEvent::Ended(ending)]);
}

fn window(remaining: u64, limit: u64, reset_secs: Option<u64>) -> Option<RateLimitStatus> {
    Some(RateLimitStatus {
        limit: Some(limit),
        remaining,
        reset_in: reset_secs.map(Duration::from_secs),
    })
}

/// An app whose one answer ended with 3 of 120 requests left, resetting in 30 s.
fn low_app() -> (App, u64) {
    let mut app = App::loaded();
    app.pick("ccfo");
    let id = app.ask("What does this cost us?");
    let _ = app.deltas(id, &["Payback ", "first."]);
    end_with(&mut app, id, window(3, 120, Some(30)));
    let ended_at = app.now;
    (app, ended_at)
}

#[test]
fn a_low_window_is_kept_until_it_resets_or_a_later_answer_says_enough() {
    let (mut app, ended_at) = low_app();
    assert_eq!(
        app.state.rate_limit,
        Some(RequestsLeft {
            remaining: 3,
            limit: Some(120),
            resets_at: Some(ended_at + 30_000),
        })
    );
    assert!(
        status_bar(&mut app, 120, 40).contains("3 of 120 requests left · resets in 30 s"),
        "{}",
        status_bar(&mut app, 120, 40)
    );

    // Time passes (any event carries it): the countdown follows, and once the window
    // has reset there is nothing to say.
    app.now = ended_at + 20_000;
    let bar = status_bar(&mut app, 120, 40);
    assert!(bar.contains("resets in 10 s"), "{bar}");
    app.now = ended_at + 31_000;
    let bar = status_bar(&mut app, 120, 40);
    assert_eq!(app.state.requests_left(), None);
    assert!(!bar.contains("requests left"), "{bar}");

    // A later answer with plenty left clears it; one that reports no window at all too.
    let (mut app, _) = low_app();
    let id = app.ask("And next year?");
    end_with(&mut app, id, window(100, 120, Some(30)));
    assert_eq!(app.state.rate_limit, None);
    assert!(!status_bar(&mut app, 120, 40).contains("requests left"));
    let (mut app, _) = low_app();
    let id = app.ask("And next year?");
    end_with(&mut app, id, None);
    assert_eq!(app.state.rate_limit, None);

    // A 429 that used the window up is low too, with no limit known.
    let mut app = App::loaded();
    app.pick("ccfo");
    let id = app.ask("hi");
    let used_up = RateLimitStatus {
        limit: None,
        remaining: 0,
        reset_in: None,
    };
    let ending = Ending {
        outcome: mavera_tui::api::Outcome::Failed(mavera_tui::api::ApiError::RateLimited {
            message: "slow down".into(),
            retry_after: None,
        }),
        rate_limit: Some(used_up),
        ..Ending::default()
    };
    let _ = app.answer(id, vec![AnswerEvent::Ended(ending)]);
    assert_eq!(
        app.state.requests_left(),
        Some(RequestsLeft {
            remaining: 0,
            limit: None,
            resets_at: None,
        })
    );
}

#[test]
fn the_status_bar_says_how_many_requests_are_left() {
    for (w, h) in [(120, 40), (80, 24), (40, 12)] {
        let (mut app, _) = low_app();
        insta::assert_snapshot!(format!("requests_left_bar_{w}x{h}"), status_bar(&mut app, w, h));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn against_a_server_with_a_small_limit_the_app_and_ask_say_so() {
    let sim = start(SimConfig {
        rate_limit_rpm: 4,
        ..fast()
    })
    .await;
    let client = client_for(&sim);
    let cfo = client
        .list_personas()
        .await
        .expect("personas")
        .into_iter()
        .find(|p| p.name == "CFO")
        .expect("the CFO");
    // One request (the list) is spent: the answer's request leaves 2 of 4.
    let mut app = App::loaded();
    app.pick("ccfo");
    app.ask_over(&client, RetryPolicy::default(), "Is it worth it?", |r| {
        r.persona_id = Some(cfo.id.clone());
    })
    .await;
    let left = app.state.requests_left().expect("low");
    assert_eq!((left.remaining, left.limit), (2, Some(4)));
    assert!(left.resets_at.is_some());
    let bar = status_bar(&mut app, 120, 40);
    assert!(bar.contains("2 of 4 requests left · resets in"), "{bar}");

    // `ask` (its own key's window: the same key, so 4 more requests would be refused;
    // it makes two: the persona list and the answer).
    let home = tempfile::tempdir().expect("home");
    let url = sim.base_url();
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let out = run(home.path(), &["ask", "-p", "CFO", "Is it worth it?"], &env).await;
    let stderr = text(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("note: no requests left · resets in"), "{stderr}");
    assert!(
        !text(&out.stdout).contains("requests left"),
        "stdout holds only answers"
    );

    // A roomy window says nothing.
    let roomy = start(fast()).await;
    let url = roomy.base_url();
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let out = run(home.path(), &["ask", "-p", "CFO", "Is it worth it?"], &env).await;
    assert!(out.status.success());
    assert!(
        !text(&out.stderr).contains("requests left"),
        "{}",
        text(&out.stderr)
    );
}

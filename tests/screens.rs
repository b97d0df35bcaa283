//! Whole-screen snapshots (ratatui `TestBackend`) at 120×40, 80×24 and 40×12, with
//! states built by replaying events through the reducer; and the property that any
//! split of an answer into deltas draws the same final screen.

use crossterm::event::KeyCode;
use mavera_tui::api::ApiError;
use mavera_tui::app::state::Focus;
use mavera_tui::view::ViewCache;
use proptest::prelude::*;

use crate::support::app::App;
use crate::support::screen::{draw, draw_with};

const ANSWER: &str = "## Honestly? It depends\n\nA subscription for *running shoes* could work if the price is **fair** and I can pause it.\n\n- free returns\n- no lock-in, cancel any time\n- recycled materials, `verified`\n\n| Plan | Price |\n|---|---:|\n| Basic | $9 |\n| Pro | $19 |\n\nWould I tell my friends? Maybe, 日本 style minimalism 🙂 helps.";

fn answered() -> App {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("Would you subscribe to running shoes?");
    let _ = app.deltas(id, &[ANSWER]);
    let _ = app.complete(id, Some(3.0));
    app
}

#[test]
fn loading_screen() {
    let mut app = App::new();
    let _ = mavera_tui::app::start(&mut app.state, None);
    insta::assert_snapshot!("loading_120x40", draw(&mut app, 120, 40));
}

#[test]
fn persona_list_waiting_for_a_pick() {
    let mut app = App::loaded();
    insta::assert_snapshot!("pick_80x24", draw(&mut app, 80, 24));
}

#[test]
fn answered_at_three_sizes() {
    for (w, h) in [(120, 40), (80, 24), (40, 12)] {
        let mut app = answered();
        insta::assert_snapshot!(format!("answered_{w}x{h}"), draw(&mut app, w, h));
    }
}

#[test]
fn streaming_mid_answer() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let id = app.ask("What does this cost us?");
    for part in ["The **payback** ", "period ", "is what ", "I care ", "about"] {
        app.now += 250;
        let _ = app.deltas(id, &[part]);
    }
    insta::assert_snapshot!("streaming_120x40", draw(&mut app, 120, 40));
}

#[test]
fn failed_answer_says_what_to_do() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let err = ApiError::Credits {
        code: "credits_exhausted".into(),
        message:
            "Insufficient credits. Please upgrade your subscription or wait for your next billing cycle."
                .into(),
    };
    let _ = app.broken(id, err);
    insta::assert_snapshot!("failed_80x24", draw(&mut app, 80, 24));
}

#[test]
fn retry_countdown() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.retrying(id, 12_000, 1, "rate limited");
    insta::assert_snapshot!("retrying_80x24", draw(&mut app, 80, 24));
}

#[test]
fn help_overlay() {
    let mut app = App::loaded();
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::F(1));
    insta::assert_snapshot!("help_120x40", draw(&mut app, 120, 40));
}

#[test]
fn narrow_sidebar_focus() {
    let mut app = answered();
    app.state.focus = Focus::Sidebar;
    insta::assert_snapshot!("sidebar_40x12", draw(&mut app, 40, 12));
}

#[test]
fn cold_and_warm_caches_draw_the_same() {
    let mut app = answered();
    let mut warm = ViewCache::default();
    let first = draw_with(&mut app, 100, 30, &mut warm);
    let again = draw_with(&mut app, 100, 30, &mut warm);
    let cold = draw(&mut app, 100, 30);
    assert_eq!(first, again);
    assert_eq!(again, cold);
}

#[test]
fn tiny_and_degenerate_sizes_do_not_panic() {
    let mut app = answered();
    for (w, h) in [(1, 1), (2, 3), (10, 4), (20, 6), (300, 5)] {
        let _ = draw(&mut app, w, h);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn any_split_into_deltas_draws_the_same_final_screen(cuts in prop::collection::vec(0usize..ANSWER.len(), 0..30)) {
        let mut whole = answered();
        let expected = draw(&mut whole, 90, 60);

        let mut app = App::loaded();
        app.pick("cgenz");
        let id = app.ask("Would you subscribe to running shoes?");
        let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| ANSWER.is_char_boundary(*c)).collect();
        cuts.sort_unstable();
        cuts.dedup();
        let mut cache = ViewCache::default();
        let mut last = 0;
        for cut in cuts.into_iter().chain([ANSWER.len()]) {
            let _ = app.deltas(id, &[&ANSWER[last..cut]]);
            last = cut;
            // Draw while streaming so the incremental layout path is the one exercised.
            let _ = draw_with(&mut app, 90, 60, &mut cache);
        }
        let _ = app.complete(id, Some(3.0));
        prop_assert_eq!(draw_with(&mut app, 90, 60, &mut cache), expected);
    }
}

#[test]
fn help_overlay_on_a_small_terminal() {
    let mut app = App::loaded();
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::F(1));
    insta::assert_snapshot!("help_80x24", draw(&mut app, 80, 24));
}

#[test]
fn help_scrolls_to_the_last_key_on_a_small_terminal() {
    let mut app = App::loaded();
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::F(1));
    for _ in 0..5 {
        let _ = app.key(KeyCode::PageDown);
    }
    let screen = draw(&mut app, 80, 24);
    assert!(
        screen.contains("send to every marked persona at once"),
        "{screen}"
    );
}

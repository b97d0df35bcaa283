//! A comparison's analysis cards lined up across its columns: once every visible
//! column's answer has ended, each section of the cards (confidence, each emotion,
//! biases, insights, other keys) sits on the same screen row in every column, whatever
//! the answers' lengths and the cards' — and a column without an analysis holds a blank
//! `no analysis` card so the others still line up. Screens, at two sizes.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::wire::ResponseObject;
use mavera_tui::api::StreamEvent;
use mavera_tui::app::{Event, RequestId};
use serde_json::{json, Value};

use crate::support::app::{ask_all, panel, App};
use crate::support::screen::draw;

/// A long card: every section, several lines each.
fn long() -> Value {
    json!({
        "confidence": 8,
        "emotion": {"emotional_valence": 7, "arousal": 6, "dominance": 5, "trust": 4},
        "biases": [
            {"name": "Anchoring", "description": "The first price seen sets the bar."},
            {"name": "Loss aversion", "description": "A lapsed month feels like money lost."}
        ],
        "key_insights": ["Pausing must be one tap.", "Free returns decide it.", "Colour choice matters."],
        "purchase_intent": {"score": 7},
    })
}

/// A short card: confidence, one emotion, one insight.
fn short() -> Value {
    json!({"confidence": 3, "emotion": {"arousal": 2}, "key_insights": ["Too pricey."]})
}

/// A middling card: no emotions, a bias, no insights.
fn middling() -> Value {
    json!({"confidence": "5/10", "biases": ["Status quo bias"], "segment": "urban"})
}

/// Ends request `id` after `text`, with `analysis` when given.
fn answer(app: &mut App, id: RequestId, text: &str, analysis: Option<Value>) {
    let _ = app.deltas(id, &[text]);
    let response = ResponseObject {
        status: "completed".into(),
        analysis,
        ..ResponseObject::default()
    };
    let _ = app.wire(id, vec![StreamEvent::Completed(response)]);
}

/// Three columns asked one question, analysis mode on.
fn three() -> (App, Vec<RequestId>) {
    let mut app = panel(3);
    let _ = app.send(Event::Key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::ALT)));
    let ids = ask_all(&mut app, "Would you subscribe to running shoes?");
    assert_eq!(ids.len(), 3);
    (app, ids)
}

/// The screen rows holding `needle`, each with how many times it occurs there.
fn rows_of(screen: &str, needle: &str) -> Vec<(usize, usize)> {
    screen
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains(needle))
        .map(|(i, l)| (i, l.matches(needle).count()))
        .collect()
}

/// `needle` shows `n` times, all on one row.
fn on_one_row(screen: &str, needle: &str, n: usize) {
    let rows = rows_of(screen, needle);
    assert_eq!(rows.len(), 1, "{needle:?} on one row, found {rows:?}\n{screen}");
    assert_eq!(rows[0].1, n, "{needle:?} {n} times on its row\n{screen}");
}

#[test]
fn cards_of_different_lengths_line_up_row_by_row() {
    let (mut app, ids) = three();
    answer(&mut app, ids[0], "Yes, if I can pause it any time.", Some(long()));
    answer(
        &mut app,
        ids[1],
        "Probably not. Shoes wear out at different rates for different runners, and a fixed \
         schedule ignores that entirely.\n\nI would rather buy when I need to.",
        Some(short()),
    );
    answer(&mut app, ids[2], "Maybe.", Some(middling()));
    let screen = draw(&mut app, 120, 40);
    on_one_row(&screen, "◆ Analysis", 3);
    on_one_row(&screen, "confidence ", 3);
    // Every dimension any card has is a row in every card; a card without it says `—`.
    on_one_row(&screen, "valence   ", 3);
    on_one_row(&screen, "trust   ", 3);
    on_one_row(&screen, "biases", 3);
    on_one_row(&screen, "key insights", 3);
    insta::assert_snapshot!("aligned_cards_120x40", screen);
}

#[test]
fn cards_line_up_at_80x24_with_three_columns() {
    let (mut app, ids) = three();
    answer(&mut app, ids[0], "Yes, if I can pause it.", Some(long()));
    answer(
        &mut app,
        ids[1],
        "Probably not: shoes wear out at different rates.",
        Some(short()),
    );
    answer(&mut app, ids[2], "Maybe.", Some(middling()));
    let screen = draw(&mut app, 80, 24);
    // Two columns fit; they follow the bottom: the cards' last sections show, on the
    // same rows.
    on_one_row(&screen, "key insights", 2);
    on_one_row(&screen, "biases", 2);
    insta::assert_snapshot!("aligned_cards_80x24", screen);
}

#[test]
fn a_column_without_an_analysis_holds_a_blank_card_so_the_others_line_up() {
    let (mut app, ids) = three();
    answer(&mut app, ids[0], "Yes, if I can pause it any time.", Some(long()));
    answer(
        &mut app,
        ids[1],
        "No analysis here, and a longer answer that wraps.",
        None,
    );
    answer(&mut app, ids[2], "Maybe.", Some(short()));
    let screen = draw(&mut app, 120, 40);
    let heads = rows_of(&screen, "◆ Analysis");
    let blank = rows_of(&screen, "◆ no analysis");
    assert_eq!(heads.len(), 1, "{screen}");
    assert_eq!(heads[0].1, 2, "{screen}");
    // The summary row names it too; the card is on the cards' row.
    assert!(blank.iter().any(|(row, _)| *row == heads[0].0), "{screen}");
    on_one_row(&screen, "confidence ", 2);
    on_one_row(&screen, "key insights", 2);
    insta::assert_snapshot!("aligned_cards_missing_120x40", screen);
}

#[test]
fn cards_do_not_line_up_while_a_column_still_streams() {
    let (mut app, ids) = three();
    answer(&mut app, ids[0], "Yes, if I can pause it any time.", Some(long()));
    answer(
        &mut app,
        ids[1],
        "Probably not.\n\nShoes wear out.\n\nAt different rates.",
        Some(short()),
    );
    let _ = app.deltas(ids[2], &["Let me think"]);
    let screen = draw(&mut app, 120, 40);
    // Each card under its own answer: the two heads sit on different rows, and no
    // blank stand-in is drawn for the streaming column.
    assert_eq!(rows_of(&screen, "◆ Analysis").len(), 2, "{screen}");
    assert!(
        rows_of(&screen, "◆ no analysis").iter().all(|(row, _)| *row < 2),
        "{screen}"
    );
}

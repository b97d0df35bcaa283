//! The presenter layout (F5, `--present`): toggling it in the reducer, and the screens it
//! draws — one thread and three personas side by side, at 80×24 and 120×40.

use crossterm::event::KeyCode;
use mavera_tui::app::state::Focus;

use crate::support::app::{ask_all, panel, App};
use crate::support::screen::draw;

const PROMPT: &str = "Would you pay $12 a month for a running shoe subscription that ships a new pair every season, lets you pause any month, and takes the old pair back for recycling into new soles?";

fn presenting(mut app: App) -> App {
    let _ = app.key(KeyCode::F(5));
    assert!(app.state.presenter);
    app
}

fn one_thread() -> App {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask(PROMPT);
    let _ = app.deltas(
        id,
        &["Honestly? **Maybe.** Twelve a month is fair if I can pause it any time and the shoes are actually good.\n\n- free returns\n- no lock-in"],
    );
    let _ = app.complete(id, Some(3.0));
    presenting(app)
}

fn three_columns() -> App {
    let mut app = panel(3);
    let ids = ask_all(&mut app, PROMPT);
    let answers = [
        "Love the recycling part. Twelve is fine if it pauses.",
        "Show me the payback: twelve a month is 144 a year for shoes I replace yearly anyway.",
        "Interesting for a team wellness perk; I would need volume pricing.",
    ];
    for (id, answer) in ids.iter().zip(answers) {
        let _ = app.deltas(*id, &[answer]);
        let _ = app.complete(*id, Some(2.0));
    }
    app.state.notice = None;
    presenting(app)
}

#[test]
fn presenter_snapshots() {
    for (w, h) in [(80u16, 24u16), (120, 40)] {
        insta::assert_snapshot!(format!("single_{w}x{h}"), draw(&mut one_thread(), w, h));
        insta::assert_snapshot!(format!("compare_3_{w}x{h}"), draw(&mut three_columns(), w, h));
    }
}

#[test]
fn the_heading_is_the_prompt_the_sidebar_and_borders_are_gone() {
    let screen = draw(&mut three_columns(), 80, 24);
    let rows: Vec<&str> = screen.lines().collect();
    assert!(rows[0].contains("Would you pay $12 a month"), "{screen}");
    assert!(
        rows[1].ends_with('…'),
        "a long prompt is cut at two lines: {screen}"
    );
    for name in ["Gen Z Consumer", "CFO", "B2B Decision Maker"] {
        assert!(rows[3].contains(name), "every column shows at 80 cells: {screen}");
    }
    assert!(
        !screen.contains('┌') && !screen.contains('│'),
        "no borders: {screen}"
    );
    assert!(!screen.contains("Personas"), "no sidebar: {screen}");
    let status = rows[23];
    assert!(status.contains("session") && status.contains("cr"), "{status}");
    assert!(
        !status.contains("DEMO") && !status.contains("F1"),
        "only the tally: {status}"
    );
}

#[test]
fn a_focused_column_is_marked_without_a_border() {
    let mut app = three_columns();
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::Char('2'));
    let screen = draw(&mut app, 80, 24);
    let titles = screen.lines().nth(3).unwrap_or("");
    assert!(
        titles.contains("▸ CFO") && !titles.contains("▸ Gen Z"),
        "{screen}"
    );
}

#[test]
fn f5_toggles_back_to_the_usual_layout() {
    let mut app = one_thread();
    let _ = app.key(KeyCode::F(5));
    assert!(!app.state.presenter);
    let screen = draw(&mut app, 80, 24);
    assert!(screen.contains('┌') && screen.contains("DEMO"), "{screen}");
}

#[test]
fn presenting_takes_the_focus_off_the_hidden_list_and_tab_skips_it() {
    let mut app = App::loaded();
    app.state.focus = Focus::Sidebar;
    let _ = app.key(KeyCode::F(5));
    assert_eq!(app.state.focus, Focus::Composer);
    let _ = app.key(KeyCode::Tab);
    assert_eq!(app.state.focus, Focus::Conversation);
    let _ = app.key(KeyCode::Tab);
    assert_eq!(app.state.focus, Focus::Composer, "past the list");
    let _ = app.key(KeyCode::BackTab);
    assert_eq!(app.state.focus, Focus::Conversation, "past the list, backwards");
    let _ = app.key(KeyCode::F(5));
    let _ = app.key(KeyCode::Tab);
    assert_eq!(
        app.state.focus,
        Focus::Sidebar,
        "the list is back with the layout"
    );
}

#[test]
fn the_one_row_composer_still_takes_the_next_prompt() {
    let mut app = one_thread();
    app.type_text("And at $9?");
    let screen = draw(&mut app, 80, 24);
    assert!(
        screen.lines().nth(22).is_some_and(|r| r.contains("› And at $9?")),
        "{screen}"
    );
    let fx = app.key(KeyCode::Enter);
    assert!(fx
        .iter()
        .any(|e| matches!(e, mavera_tui::app::Effect::StartStream { .. })));
    let screen = draw(&mut app, 80, 24);
    assert!(
        screen.lines().next().is_some_and(|r| r.contains("And at $9?")),
        "the new heading: {screen}"
    );
}

/// The real binary: `--present` starts presenting, and a remapped key (F6 in `[keys]`)
/// toggles the layout while the default F5 no longer does.
#[test]
fn the_binary_presents_from_the_start_and_the_configured_key_toggles_it() {
    use std::time::Duration;

    use crate::support::pty::Pty;

    const WAIT: Duration = Duration::from_secs(20);
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("keys.toml");
    std::fs::write(&config, "[keys.global]\npresenter = \"F6\"\n").expect("config");
    let config = config.display().to_string();
    let args = [
        "--config",
        &config,
        "--demo",
        "--present",
        "--persona",
        "Gen Z Consumer",
    ];
    let mut pty = Pty::spawn(home.path(), &args, &[], 80, 24);
    let screen = pty.wait_for("the presenter layout", WAIT, |s| {
        s.contains("Asking Gen Z Consumer") && s.contains("session")
    });
    assert!(!screen.contains('┌'), "{screen}");
    let status = screen.lines().last().unwrap_or("").trim();
    assert_eq!(status, "session 0 cr", "only the tally: {screen}");
    pty.send("\x1b[15~"); // F5: no longer the presenter key
    pty.send("\x1b[17~"); // F6
    let screen = pty.wait_text("┌ Personas", WAIT);
    assert!(
        screen.contains(" DEMO "),
        "the whole status bar is back: {screen}"
    );
    pty.send("\x11"); // Ctrl+Q
    assert_eq!(pty.wait_exit(WAIT), 0);
    pty.assert_restored();
}

//! Snapshots of the history view: the list, and search results with the match
//! highlighted by style (never by the marks in the text), at a normal and a small size.

use crossterm::event::KeyCode;
use mavera_tui::app::Event;
use mavera_tui::history::browse::Found;
use mavera_tui::history::search::{MARK_END, MARK_START};
use mavera_tui::view::theme::Theme;
use ratatui::backend::TestBackend;
use ratatui::style::Modifier;
use ratatui::Terminal;

use super::{app_on, hits, listed, read};
use crate::support::app::App;
use crate::support::screen::draw;

/// The screen, and the text of every cell drawn with the match style, in order.
fn draw_marked(app: &mut App, width: u16, height: u16) -> (String, String) {
    let screen = draw(app, width, height);
    let theme = Theme::no_color();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    terminal
        .draw(|f| {
            let _ = mavera_tui::view::render(f, &app.state, &mut Default::default(), &theme);
        })
        .expect("draw");
    let want = mavera_tui::view::browse::match_style(&theme).add_modifier;
    let buffer = terminal.backend().buffer().clone();
    let mut marked = String::new();
    for y in 0..height {
        for x in 0..width {
            if let Some(cell) = buffer.cell((x, y)) {
                if cell.modifier.contains(want) && cell.modifier.contains(Modifier::UNDERLINED) {
                    marked.push_str(cell.symbol());
                }
            }
        }
        marked.push('|');
    }
    let marked = marked
        .split('|')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (screen, marked)
}

#[test]
fn snapshots_of_the_list() {
    for (w, h) in [(100, 30), (40, 12)] {
        let mut app = listed();
        let _ = app.key(KeyCode::Down);
        insta::assert_snapshot!(format!("history_list_{w}x{h}"), draw(&mut app, w, h));
    }
}

#[test]
fn snapshots_of_search_results_with_the_match_highlighted() {
    for (w, h) in [(100, 30), (40, 12)] {
        let mut app = app_on();
        let _ = app.ctrl('f');
        let mut last = None;
        for c in "payb".chars() {
            last = read(&app.key(KeyCode::Char(c)));
        }
        let (id, _) = last.expect("a search");
        let _ = app.send(Event::Browse {
            id,
            found: Found::Hits(hits()),
        });
        let (screen, marked) = draw_marked(&mut app, w, h);
        insta::assert_snapshot!(format!("history_search_{w}x{h}"), screen);
        assert!(!screen.contains(MARK_START) && !screen.contains(MARK_END));
        if w >= 100 {
            assert_eq!(marked, "payback payback", "the matches, by style");
        }
    }
}

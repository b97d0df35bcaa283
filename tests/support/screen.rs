//! Drawing the app off-screen: `draw` and `draw_with` render an `App` with ratatui's
//! `TestBackend` and return the screen as text, one line per row.

use mavera_tui::app::Event;
use mavera_tui::view::theme::Theme;
use mavera_tui::view::{self, ViewCache};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use super::app::App;

/// Draws the app and returns the screen as text, one line per row.
pub fn draw(app: &mut App, width: u16, height: u16) -> String {
    draw_with(app, width, height, &mut ViewCache::default())
}

pub fn draw_with(app: &mut App, width: u16, height: u16, cache: &mut ViewCache) -> String {
    let _ = app.send(Event::Resize { width, height });
    let theme = Theme::no_color();
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    // One draw is exact: the reducer and the view share one geometry. What the frame
    // measured still goes back, as the runtime sends it, for the keys that follow.
    let mut report = view::Report::default();
    terminal
        .draw(|f| report = view::render(f, &app.state, cache, &theme))
        .expect("draw");
    for event in report.events(&app.state) {
        let _ = app.send(event);
    }
    let buffer = terminal.backend().buffer().clone();
    (0..height)
        .map(|y| {
            let mut row = String::new();
            let mut skip = 0;
            for x in 0..width {
                let symbol = buffer.cell((x, y)).map(|c| c.symbol()).unwrap_or(" ");
                if skip > 0 {
                    skip -= 1; // the cell a wide character spills into
                    continue;
                }
                skip = unicode_width::UnicodeWidthStr::width(symbol).saturating_sub(1);
                row.push_str(symbol);
            }
            row.trim_end().to_owned()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

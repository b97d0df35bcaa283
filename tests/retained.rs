//! Frames drawn over the last one (`view::retain`, `term::screen`) show exactly what a
//! frame drawn whole shows, and paint only what changed.
//!
//! Owns: driving the app through streaming, scrolling, typing, focus, popups, the
//! presenter layout, resizes and comparisons, drawing each frame as the runtime does
//! (over the last, on a `Screen` with a test backend) and checking that what the
//! terminal shows — the writes applied, not only the buffer — equals a whole frame of
//! the same state; and counting the rows a streamed frame paints. Does not own: layout
//! work counts (`work_counts`) or how a screen looks (`screens`).

use crossterm::event::KeyCode;
use mavera_tui::app::Event;
use mavera_tui::term::screen::Screen;
use mavera_tui::view::theme::Theme;
use mavera_tui::view::{self, ViewCache};
use proptest::prelude::*;
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::Terminal;

use crate::support::app::{ask_all, panel, App};

/// The app on a screen that keeps what it drew, as the runtime draws it.
struct Shown {
    screen: Screen<TestBackend>,
    cache: ViewCache,
    theme: Theme,
    /// Rows each frame painted.
    painted: Vec<usize>,
}

impl Shown {
    fn new(app: &mut App, width: u16, height: u16) -> Shown {
        let _ = app.send(Event::Resize { width, height });
        let screen = Screen::new(Terminal::new(TestBackend::new(width, height)).expect("terminal"));
        Shown {
            screen,
            cache: ViewCache::default(),
            theme: Theme::default_dark(),
            painted: Vec::new(),
        }
    }

    fn resize(&mut self, app: &mut App, width: u16, height: u16) {
        let _ = app.send(Event::Resize { width, height });
        self.screen.backend_mut().resize(width, height);
        self.screen
            .resize(Rect::new(0, 0, width, height))
            .expect("resize");
    }

    /// Draws a frame over the last one; checks the terminal shows what a whole frame of
    /// the same state shows; sends what the frame measured back, as the runtime does.
    fn frame(&mut self, app: &mut App) {
        let (state, cache, theme) = (&app.state, &mut self.cache, &self.theme);
        let mut rows = 0;
        let report = self
            .screen
            .draw(|f, canvas| {
                let mut report = view::render_on(f, canvas, state, cache, theme);
                let painted = std::mem::take(&mut report.painted);
                rows = painted.count();
                (report, painted)
            })
            .expect("draw");
        let whole = self.whole(app);
        let shown = self.screen.backend().buffer();
        assert_eq!(
            text(shown),
            text(&whole),
            "frame {} over the last one shows what a whole frame shows",
            self.painted.len()
        );
        assert_eq!(*shown, whole, "and in the same colours");
        self.painted.push(rows);
        for event in report.events(&app.state) {
            let _ = app.send(event);
        }
    }

    /// The same state drawn whole on a blank terminal, with the same laid-out lines
    /// (a cold cache may estimate the heights of messages out of view differently).
    fn whole(&mut self, app: &App) -> Buffer {
        let area = self.screen.backend().buffer().area;
        let mut terminal = Terminal::new(TestBackend::new(area.width, area.height)).expect("terminal");
        let kept = std::mem::take(&mut self.cache.retained);
        terminal
            .draw(|f| {
                let _ = view::render(f, &app.state, &mut self.cache, &self.theme);
            })
            .expect("draw");
        self.cache.retained = kept;
        terminal.backend().buffer().clone()
    }
}

/// The screen as text, a line per row (for a readable failure).
fn text(buf: &Buffer) -> String {
    (0..buf.area.height)
        .map(|y| {
            (0..buf.area.width)
                .map(|x| buf[(x, y)].symbol())
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Words of a streamed answer: paragraphs when `paragraphs`, else one long paragraph.
fn words(n: usize, paragraphs: bool) -> Vec<String> {
    const WORDS: [&str; 7] = [
        "price",
        "**margin**",
        "the",
        "customers",
        "`risk`",
        "plan",
        "growth",
    ];
    (0..n)
        .map(|i| match (i % 30 == 29, paragraphs) {
            (true, true) => format!("{}.\n\n", WORDS[i % 7]),
            (true, false) => format!("{}.\n", WORDS[i % 7]),
            _ => format!("{} ", WORDS[i % 7]),
        })
        .collect()
}

#[test]
fn a_streamed_answer_paints_the_rows_its_words_reach() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let mut shown = Shown::new(&mut app, 120, 40);
    shown.frame(&mut app);
    let id = app.ask("and the margin?");
    shown.frame(&mut app);
    for chunk in words(600, false).chunks(4) {
        let parts: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let _ = app.deltas(id, &parts);
        shown.frame(&mut app);
    }
    let _ = app.complete(id, Some(2.0));
    shown.frame(&mut app);
    // Once the answer fills the pane, it scrolls a step (an eighth of the pane) now and
    // then, which repaints every row it shows; between steps a frame paints the row the
    // words reach (two when a word wraps to the next), and once a second the answer's
    // header and the status bar with the new tokens-per-second figure.
    let streamed = &shown.painted[2..shown.painted.len() - 1];
    let small = streamed.iter().filter(|&&n| n <= 3).count();
    assert!(
        small * 10 >= streamed.len() * 8,
        "most streamed frames paint a few rows: {streamed:?}"
    );
    let median = {
        let mut sorted = streamed.to_vec();
        sorted.sort_unstable();
        sorted[sorted.len() / 2]
    };
    assert!(
        median <= 1,
        "median rows painted per streamed frame: {median} ({streamed:?})"
    );
    // Nothing changed: nothing is painted.
    shown.frame(&mut app);
    assert_eq!(shown.painted.last(), Some(&0), "an unchanged frame paints no row");
}

#[test]
fn six_columns_with_one_streaming_paint_only_that_column_s_rows() {
    let mut app = panel(6);
    let mut shown = Shown::new(&mut app, 220, 50);
    shown.frame(&mut app);
    let ids = ask_all(&mut app, "is the price fair?");
    shown.frame(&mut app);
    for id in &ids[1..] {
        let _ = app.complete(*id, Some(1.0));
    }
    shown.frame(&mut app);
    let start = shown.painted.len();
    for chunk in words(200, true).chunks(3) {
        let parts: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let _ = app.deltas(ids[0], &parts);
        shown.frame(&mut app);
    }
    let streamed = &shown.painted[start..];
    // The row its words reach (two when a word wraps), its footer's row once a second,
    // and now and then its scroll step: never the rows of the five that are done.
    assert!(
        streamed.iter().filter(|&&n| n <= 3).count() * 10 >= streamed.len() * 8,
        "{streamed:?}"
    );
}

#[test]
fn popups_layouts_and_resizes_are_drawn_whole_and_right() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let mut shown = Shown::new(&mut app, 100, 30);
    let id = app.ask("what about the price?");
    for (i, chunk) in words(300, true).chunks(5).enumerate() {
        let parts: Vec<&str> = chunk.iter().map(String::as_str).collect();
        let _ = app.deltas(id, &parts);
        match i {
            5 => drop(app.key(KeyCode::F(1))),  // help over the stream
            8 => drop(app.key(KeyCode::Esc)),   // and closed
            12 => drop(app.key(KeyCode::F(5))), // presenter layout
            16 => drop(app.key(KeyCode::F(5))),
            20 => shown.resize(&mut app, 80, 24),
            24 => drop(app.key(KeyCode::Tab)),
            26 => drop(app.key(KeyCode::PageUp)),
            28 => drop(app.key(KeyCode::Tab)),
            30 => app.type_text("a follow-up"),
            _ => {}
        }
        shown.frame(&mut app);
    }
    let _ = app.complete(id, Some(2.0));
    shown.frame(&mut app);
}

/// Something the user or the network does between two frames.
#[derive(Debug, Clone)]
enum Step {
    Words(usize),
    Key(KeyCode),
    Type(String),
    Resize(u16, u16),
    Complete,
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        6 => (1usize..12).prop_map(Step::Words),
        3 => prop::sample::select(vec![
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::F(1),
            KeyCode::F(5),
            KeyCode::Esc,
            KeyCode::Char('2'),
            KeyCode::Backspace,
        ])
        .prop_map(Step::Key),
        1 => "[a-z ]{1,12}".prop_map(Step::Type),
        1 => (40u16..140, 10u16..45).prop_map(|(w, h)| Step::Resize(w, h)),
        1 => Just(Step::Complete),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Any run of streaming, keys, typing and resizes, alone or side by side: every
    /// frame drawn over the last shows what a whole frame shows.
    #[test]
    fn any_run_of_frames_shows_what_whole_frames_show(
        columns in prop::sample::select(vec![0usize, 2, 3]),
        steps in prop::collection::vec(step(), 1..40),
    ) {
        let mut app = if columns == 0 {
            let mut app = App::loaded();
            app.pick("ccfo");
            app
        } else {
            panel(columns)
        };
        let mut shown = Shown::new(&mut app, 120, 40);
        shown.frame(&mut app);
        let ids = if columns == 0 {
            vec![app.ask("and the margin?")]
        } else {
            ask_all(&mut app, "is the price fair?")
        };
        let stream = words(400, true);
        let mut next = 0;
        for (i, step) in steps.into_iter().enumerate() {
            match step {
                Step::Words(n) => {
                    let parts: Vec<&str> = stream.iter().cycle().skip(next).take(n).map(String::as_str).collect();
                    next += n;
                    let id = ids[i % ids.len()];
                    let _ = app.deltas(id, &parts);
                }
                Step::Key(code) => drop(app.key(code)),
                Step::Type(text) => app.type_text(&text),
                Step::Resize(w, h) => shown.resize(&mut app, w, h),
                Step::Complete => {
                    let id = ids[i % ids.len()];
                    let _ = app.complete(id, Some(1.0));
                }
            }
            shown.frame(&mut app);
        }
    }
}

//! Themes: every colour on screen comes from the theme (a sentinel theme gives each role
//! colours no view could hard-code by chance, and every cell of several screens is
//! walked), the built-in themes drawn at two sizes (snapshots of the text and of every
//! run of one style), and the theme options at start (`--theme`, a theme file, errors).

use std::collections::HashSet;

use crossterm::event::KeyCode;
use mavera_tui::app::Event;
use mavera_tui::view::theme::Theme;
use mavera_tui::view::{self, ViewCache};
use ratatui::backend::TestBackend;
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Style};
use ratatui::Terminal;

use crate::support::app::{ask_all, panel, App};
use crate::support::pty::Pty;

const WAIT: std::time::Duration = std::time::Duration::from_secs(30);

const ANSWER: &str = "## Honestly? It depends\n\nA subscription for *running shoes* could work if the price is **fair** and I can [pause it](https://example.com).\n\n- free returns\n- ~~lock-in~~, `verified`\n\n> worth a try\n\n```rust\nfn main() {}\n```\n\n| Plan | Price |\n|---|---:|\n| Basic | $9 |\n\n---\n\nDone.";

/// Code that takes every code role.
const CODE: &str = "```python\n# c\ndef f(x: str):\n    return \"s\" * 2\n```";

fn buffer(app: &mut App, theme: &Theme, width: u16, height: u16) -> Buffer {
    // Code blocks are coloured (the app loads the syntaxes on a thread at start).
    let _ = mavera_tui::view::highlight::load();
    let _ = app.send(Event::Resize { width, height });
    let mut terminal = Terminal::new(TestBackend::new(width, height)).expect("terminal");
    let mut cache = ViewCache::default();
    let mut report = view::Report::default();
    terminal
        .draw(|f| report = view::render(f, &app.state, &mut cache, theme))
        .expect("draw");
    for event in report.events(&app.state) {
        let _ = app.send(event);
    }
    terminal.backend().buffer().clone()
}

/// Screens that between them use every kind of element: the list, an answer with all
/// the markdown there is, a failed answer, side by side, the help overlay.
fn scenes() -> Vec<App> {
    let mut answered = App::loaded();
    answered.pick("cgenz");
    let id = answered.ask("Would you subscribe?");
    let _ = answered.deltas(id, &[ANSWER]);
    let _ = answered.complete(id, Some(3.0));
    let mut streaming = App::loaded();
    streaming.pick("ccfo");
    let id = streaming.ask("And the margin?");
    let _ = streaming.deltas(id, &["It is **thin**"]);
    let mut failed = App::loaded();
    failed.pick("ccfo");
    let id = failed.ask("Hello?");
    let _ = failed.broken(id, mavera_tui::api::ApiError::Interrupted);
    let mut compared = panel(3);
    let ids = ask_all(&mut compared, "Pricing page?");
    for id in ids {
        let _ = compared.deltas(id, &["Fair, **mostly**."]);
    }
    let mut help = App::loaded();
    let _ = help.key(KeyCode::F(1));
    let mut coded = App::loaded();
    coded.pick("cgenz");
    let id = coded.ask("Code?");
    let _ = coded.deltas(id, &[CODE]);
    let _ = coded.complete(id, Some(1.0));
    vec![answered, streaming, failed, compared, help, coded]
}

/// A theme whose every role has its own colours, found nowhere else.
fn sentinel() -> (Theme, HashSet<Color>) {
    let mut theme = Theme::default_dark();
    let names: Vec<&str> = theme.roles_mut().iter().map(|(n, _)| *n).collect();
    let specs: Vec<(String, String)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| ((*n).to_owned(), format!("{} on {}", 16 + i, 100 + i)))
        .collect();
    let theme = Theme::default_dark()
        .with_styles(specs.iter().map(|(n, s)| (n.as_str(), s.as_str())))
        .expect("sentinel");
    let mut colours: HashSet<Color> = (0..names.len())
        .flat_map(|i| [Color::Indexed(16 + i as u8), Color::Indexed(100 + i as u8)])
        .collect();
    colours.insert(Color::Reset);
    (theme, colours)
}

#[test]
fn every_colour_on_screen_comes_from_the_theme() {
    let (theme, allowed) = sentinel();
    let mut seen = HashSet::new();
    for (n, mut app) in scenes().into_iter().enumerate() {
        let buf = buffer(&mut app, &theme, 120, 40);
        let mut roles_seen = HashSet::new();
        for cell in &buf.content {
            for colour in [cell.fg, cell.bg] {
                assert!(
                    allowed.contains(&colour),
                    "scene {n}: {colour:?} at '{}' is not a colour of the theme",
                    cell.symbol()
                );
                roles_seen.insert(colour);
            }
        }
        assert!(roles_seen.len() > 3, "scene {n} is drawn in the theme's colours");
        seen.extend(roles_seen);
    }
    // The code roles are all on screen, each in its own colour.
    let mut names = Theme::default_dark();
    for (i, (name, _)) in names.roles_mut().iter().enumerate() {
        if name.starts_with("code_") {
            assert!(
                seen.contains(&Color::Indexed(16 + i as u8)),
                "{name} is never drawn"
            );
        }
    }
}

/// The screen's text, then each run of cells of one style: `row col..col style`.
fn styled(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let line: String = (0..area.width)
            .filter_map(|x| buf.cell((x, y)).map(|c| c.symbol().to_owned()))
            .collect();
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out.push_str("--- styles\n");
    for y in 0..area.height {
        let mut x = 0;
        while x < area.width {
            let style = |x| buf.cell((x, y)).map(|c| c.style()).unwrap_or_default();
            let start = x;
            let here: Style = style(x);
            while x < area.width && style(x) == here {
                x += 1;
            }
            if here != Style::default().fg(Color::Reset).bg(Color::Reset) && here != Style::default() {
                let mods = format!("{:?}", here.add_modifier);
                out.push_str(&format!(
                    "{y:>2} {start:>3}..{x:<3} {:?}/{:?} {}\n",
                    here.fg.unwrap_or(Color::Reset),
                    here.bg.unwrap_or(Color::Reset),
                    mods
                ));
            }
        }
    }
    out
}

#[test]
fn the_built_in_themes_at_two_sizes() {
    for (name, theme) in [
        ("dark", Theme::default_dark()),
        ("light", Theme::light()),
        ("high_contrast", Theme::high_contrast()),
    ] {
        for (w, h) in [(100, 32), (60, 20)] {
            let mut app = scenes().into_iter().next().expect("a scene");
            let buf = buffer(&mut app, &theme, w, h);
            insta::assert_snapshot!(format!("theme_{name}_{w}x{h}"), styled(&buf));
        }
    }
}

/// Starts the app in a terminal with `args` and the config file `config`; it must stop
/// at once with status 2 and say `expected` (every piece).
fn refused(config: &str, args: &[&str], expected: &[&str]) {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("config.toml");
    std::fs::write(&path, config).expect("write");
    let path = path.to_str().unwrap_or_default().to_owned();
    let mut argv = vec!["--config", path.as_str(), "--demo"];
    argv.extend_from_slice(args);
    let mut pty = Pty::spawn(home.path(), &argv, &[], 120, 30);
    let screen = pty.wait_text(expected[0], WAIT);
    for piece in expected {
        assert!(screen.contains(piece), "{piece}: {screen}");
    }
    assert_eq!(pty.wait_exit(WAIT), 2);
}

#[test]
fn a_theme_file_or_style_that_cannot_be_used_stops_the_start_naming_it() {
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("theme.toml");
    std::fs::write(&file, "muted = \"grey-ish\"\n").expect("write");
    refused(
        &format!("[theme]\nfile = {:?}\n", file.display().to_string()),
        &[],
        &["theme.toml", "`grey-ish` is not a colour"],
    );
    refused(
        "[theme.styles]\nmutted = \"red\"\n",
        &[],
        &["`mutted` is not a role"],
    );
    refused("", &["--theme", "sepia"], &["high-contrast"]);
}

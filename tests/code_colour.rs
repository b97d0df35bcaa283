//! Coloured code blocks: snapshots of the roles each piece of code takes in several
//! languages (every colour from the theme), nothing coloured under `NO_COLOR`, and the
//! work of colouring a streaming block counted (each line parsed a bounded number of
//! times, not once per frame).
//!
//! Every test here loads the syntaxes first (`highlight::load`, blocking), as the app
//! does on its loading thread at start.

use mavera_tui::view::highlight;
use mavera_tui::view::markdown;
use mavera_tui::view::theme::Theme;
use mavera_tui::view::{self, ViewCache};
use ratatui::backend::TestBackend;
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::Terminal;

use crate::support::app::App;
use crate::support::pty::Pty;

/// Each line's text, then its coloured pieces as `role "text"` (the block's own plain
/// style, the gutter and the label are left out). A style two roles share is named by
/// the code role.
fn roles(lines: &[Line<'static>], theme: &Theme) -> String {
    let mut t = theme.clone();
    let code_block = t.code_block;
    let mut named: Vec<(Style, &'static str)> = Vec::new();
    let mut rest: Vec<(Style, &'static str)> = Vec::new();
    for (name, style) in t.roles_mut() {
        if name.starts_with("code_") && !name.starts_with("code_block") && name != "code_inline" {
            named.push((code_block.patch(*style), name));
        } else {
            rest.push((*style, name));
        }
    }
    named.push((code_block, "code_block"));
    named.extend(rest);
    let mut out = String::new();
    for line in lines {
        let text: String = line.spans.iter().map(|s| s.content.as_ref()).collect();
        out.push_str(text.trim_end());
        out.push('\n');
        for span in &line.spans {
            let name = named
                .iter()
                .find(|(s, _)| *s == span.style)
                .map_or("?", |(_, n)| *n);
            let chrome = span.content.starts_with(['│', '┌']);
            if name != "code_block" && !chrome && !span.content.trim().is_empty() {
                out.push_str(&format!("    {name} {:?}\n", span.content));
            }
        }
    }
    out
}

fn coloured(label: &str, code: &str, theme: &Theme) -> Vec<Line<'static>> {
    let _ = highlight::load();
    markdown::render(&format!("```{label}\n{code}```\n"), 80, theme)
}

const PYTHON: &str = "import os\n\n# Greets, politely.\ndef greet(name: str) -> str:\n    return f\"hi {name}\" * 2\n\nif __name__ == \"__main__\":\n    print(greet(os.getenv(\"USER\", \"you\")), 3.5, None)\n";
const TYPESCRIPT: &str = "interface Plan { price: number }\n// the cheapest\nexport function cheapest(plans: Plan[]): Plan | undefined {\n  return plans.sort((a, b) => a.price - b.price)[0];\n}\n";
const TOML: &str = "# pricing\n[plan]\nname = \"basic\"\nprice = 9.5\nmonthly = true\n";
const RUST: &str = "/// A plan.\n#[derive(Debug)]\npub struct Plan { price: u32 }\n\nfn main() {\n    let p = Plan { price: 9 };\n    println!(\"{:?} {}\", p, p.price + 1);\n}\n";
const SQL: &str =
    "-- who pays\nSELECT name, SUM(price) AS total\nFROM plans WHERE price > 10\nGROUP BY name;\n";

#[test]
fn code_takes_the_theme_roles_python() {
    let theme = Theme::default_dark();
    insta::assert_snapshot!(roles(&coloured("python", PYTHON, &theme), &theme));
}

#[test]
fn code_takes_the_theme_roles_typescript() {
    let theme = Theme::default_dark();
    insta::assert_snapshot!(roles(&coloured("ts", TYPESCRIPT, &theme), &theme));
}

#[test]
fn code_takes_the_theme_roles_toml() {
    let theme = Theme::default_dark();
    insta::assert_snapshot!(roles(&coloured("toml", TOML, &theme), &theme));
}

#[test]
fn code_takes_the_theme_roles_rust() {
    let theme = Theme::default_dark();
    insta::assert_snapshot!(roles(&coloured("rust", RUST, &theme), &theme));
}

#[test]
fn code_takes_the_theme_roles_sql() {
    let theme = Theme::default_dark();
    insta::assert_snapshot!(roles(&coloured("sql", SQL, &theme), &theme));
}

/// A short program in each language asked for, and a role at least three of its kinds
/// of text must take.
const SAMPLES: &[(&str, &str)] = &[
    ("python", PYTHON),
    ("javascript", "// c\nconst x = f(\"s\", 1);\n"),
    ("typescript", TYPESCRIPT),
    ("json", "{\"a\": [1, \"s\", true]}\n"),
    ("yaml", "# c\na: \"s\"\nb: 1\n"),
    ("toml", TOML),
    ("bash", "# c\nfor f in *.txt; do echo \"$f\" 1; done\n"),
    ("sql", SQL),
    ("rust", RUST),
    ("go", "// c\nfunc main() { fmt.Println(\"s\", 1) }\n"),
    ("html", "<!-- c -->\n<a href=\"s\">t</a>\n"),
    ("css", "/* c */\na { color: red; width: 1px; }\n"),
    ("markdown", "# Title\n\nSome `code` and [a link](https://x.y).\n"),
];

#[test]
fn every_language_asked_for_is_coloured() {
    let theme = Theme::default_dark();
    for (label, code) in SAMPLES {
        let lines = coloured(label, code, &theme);
        let styles: std::collections::HashSet<Style> = lines
            .iter()
            .flat_map(|l| l.spans.iter())
            .filter(|s| !s.content.trim().is_empty())
            .map(|s| s.style)
            .filter(|s| *s != theme.code_block && *s != theme.code_block_border)
            .collect();
        assert!(styles.len() >= 2, "{label}: {}", roles(&lines, &theme));
    }
    // Unknown languages and unlabelled blocks stay plain; a shebang names one.
    for (label, code) in [("klingon", "qapla' 1\n"), ("", "x = \"s\"\n")] {
        for line in coloured(label, code, &theme) {
            for span in &line.spans {
                let plain = [theme.code_block, theme.code_block_border].contains(&span.style);
                assert!(plain, "{label}: {span:?}");
            }
        }
    }
    let shebang = coloured("", "#!/bin/bash\necho \"s\"\n", &theme);
    assert!(roles(&shebang, &theme).contains("code_string"));
}

#[test]
fn with_no_color_nothing_is_coloured() {
    let theme = Theme::no_color();
    for (label, code) in SAMPLES {
        for line in coloured(label, code, &theme) {
            for span in &line.spans {
                assert_eq!((span.style.fg, span.style.bg), (None, None), "{label}: {span:?}");
            }
        }
    }
    // Keywords and comments still stand out, by weight alone.
    let text = roles(&coloured("python", PYTHON, &theme), &theme);
    assert!(text.contains("code_keyword \"def\""), "{text}");
    assert!(text.contains("code_comment"), "{text}");
}

/// A code block of `lines` lines streamed into an answer a third of a line per delta,
/// drawn after every delta; what the frames cost in code lines parsed, and the frames.
fn stream_code(lines: usize) -> (u64, u64) {
    let _ = highlight::load();
    let mut app = App::loaded();
    app.pick("ccfo");
    let theme = Theme::default_dark();
    let mut terminal = Terminal::new(TestBackend::new(100, 30)).expect("terminal");
    let mut cache = ViewCache::default();
    let id = app.ask("show me the code");
    let _ = app.deltas(id, &["Here it is:\n\n```python\n"]);
    let mut frames = 0;
    let mut draw = |app: &App, cache: &mut ViewCache| {
        frames += 1;
        terminal
            .draw(|f| {
                let _ = view::render(f, &app.state, cache, &theme);
            })
            .expect("draw");
    };
    draw(&app, &mut cache);
    let before = cache.stats.code_lines_parsed;
    for i in 0..lines {
        for piece in [
            format!("total_{i} = "),
            format!("price({i}) * 2"),
            "  # each\n".to_owned(),
        ] {
            let _ = app.deltas(id, &[&piece]);
            draw(&app, &mut cache);
        }
    }
    let _ = app.deltas(id, &["```\n\nThat is all."]);
    draw(&app, &mut cache);
    let _ = app.complete(id, Some(1.0));
    draw(&app, &mut cache);
    draw(&app, &mut cache);
    (cache.stats.code_lines_parsed - before, frames)
}

#[test]
fn a_streaming_block_parses_each_line_a_bounded_number_of_times() {
    let (parsed_100, frames_100) = stream_code(100);
    let (parsed_200, frames_200) = stream_code(200);
    eprintln!("code lines parsed: 100 lines, {frames_100} frames: {parsed_100}; 200 lines, {frames_200} frames: {parsed_200}");
    // Each complete line once, and per frame at most the unfinished last line: about
    // 4 per line (3 frames each), whatever the block's length. Parsing the block whole
    // per frame would be 100 × 300 / 2 = 15,000 lines for the short one.
    assert!(parsed_100 <= 100 + frames_100 + 4, "{parsed_100}");
    assert!(parsed_200 <= 200 + frames_200 + 4, "{parsed_200}");
    assert!(
        parsed_200 * 10 <= parsed_100 * 21,
        "linear in the block: {parsed_100} / {parsed_200}"
    );
}

/// The real binary: a conversation with a Python block, opened from a file. The first
/// frame may come before the syntaxes are loaded (the block is then plain); with no key
/// pressed, the block turns to the theme's colours once they are.
#[test]
fn the_app_colours_a_code_block_once_its_syntaxes_are_loaded() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let id = app.ask("Code?");
    let _ = app.deltas(id, &["```python\ndef price(months):\n    return 9\n```"]);
    let _ = app.complete(id, Some(1.0));
    let key = app.state.thread_key();
    let thread = app.state.thread().cloned().expect("a thread");
    let archive = mavera_tui::export::from_threads(&[(key, thread)], &app.state.personas.entries);
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join("code.json");
    std::fs::write(&file, mavera_tui::export::to_json(&archive)).expect("write");
    let file = file.display().to_string();
    let mut pty = Pty::spawn(
        home.path(),
        &["--demo", "--theme", "dark", "import", &file],
        &[],
        100,
        30,
    );
    let keyword = |screen: &vt100::Parser| {
        let s = screen.screen();
        (0..30u16).any(|row| {
            let text = s.contents_between(row, 0, row, 100);
            text.find("│ def price").is_some_and(|at| {
                let col = text.get(..at).map_or(0, |t| t.chars().count()) as u16 + 2;
                s.cell(row, col)
                    .is_some_and(|c| c.contents() == "d" && c.fgcolor() == vt100::Color::Idx(5))
            })
        })
    };
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while !keyword(&pty.screen()) {
        assert!(
            std::time::Instant::now() < deadline,
            "no magenta `def`: {}",
            pty.text()
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    pty.send("\x11");
    pty.wait_exit(std::time::Duration::from_secs(10));
}

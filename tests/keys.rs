//! Configurable keys, end to end: a `[keys]` table in a config file → the key table →
//! what a key does in the reducer → what the help overlay lists; the binary refusing a
//! bad `[keys]` at start (exit 2, naming the file, the line and the entry); and every
//! action name documented in README.md and config.example.toml.

use std::collections::HashMap;
use std::path::PathBuf;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::app::keytable::{KeyTable, Section};
use mavera_tui::app::state::Focus;
use mavera_tui::app::Event;
use mavera_tui::config::{load, Overrides};
use mavera_tui::view::help::help_groups;

use crate::support::app::App;
use crate::support::bin::{run, text};
use crate::support::screen::draw;

const REMAPS: &str = r#"
[keys.global]
help = "F2"
stop = ["Esc", "Ctrl+X"]

[keys.list]
up = ["w", "Up"]
down = ["s", "Down"]

[keys.conversation]
copy_answer = "Y"
"#;

fn write(dir: &tempfile::TempDir, body: &str) -> PathBuf {
    let path = dir.path().join("config.toml");
    std::fs::write(&path, body).expect("write config");
    path
}

fn configured(body: &str) -> KeyTable {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(&dir, body);
    let overrides = Overrides {
        config_path: Some(path),
        ..Overrides::default()
    };
    let loaded = load(&overrides, &HashMap::new()).expect("loads");
    KeyTable::configured(&loaded.settings.keys).expect("valid keys")
}

fn app_with(keys: KeyTable) -> App {
    let mut app = App::loaded();
    app.state.keys = keys;
    app
}

#[test]
fn a_config_file_remaps_keys_in_the_reducer() {
    let mut app = app_with(configured(REMAPS));
    app.state.focus = Focus::Sidebar;
    let first = app.state.personas.highlighted().map(|p| p.id.clone());
    let _ = app.key(KeyCode::Char('s'));
    let second = app.state.personas.highlighted().map(|p| p.id.clone());
    assert_ne!(first, second, "s moves down");
    let _ = app.key(KeyCode::Char('j'));
    assert_eq!(
        app.state.personas.highlighted().map(|p| p.id.clone()),
        second,
        "j no longer does"
    );
    let _ = app.key(KeyCode::Char('w'));
    assert_eq!(app.state.personas.highlighted().map(|p| p.id.clone()), first);

    let _ = app.key(KeyCode::F(1));
    assert!(app.state.overlay.is_none(), "F1 is no longer help");
    let _ = app.key(KeyCode::F(2));
    assert!(app.state.overlay.is_some(), "F2 is");
}

#[test]
fn a_remapped_stop_key_stops_the_answer() {
    let mut app = app_with(configured(REMAPS));
    app.pick("cgenz");
    let id = app.ask("hi");
    let _ = app.deltas(id, &["so far"]);
    let fx = app.send(Event::Key(KeyEvent::new(
        KeyCode::Char('x'),
        KeyModifiers::CONTROL,
    )));
    assert!(
        fx.iter()
            .any(|e| matches!(e, mavera_tui::app::Effect::Cancel { .. })),
        "{fx:?}"
    );
    assert!(app.state.streams.is_empty());
}

#[test]
fn the_help_overlay_lists_the_keys_as_configured() {
    let keys = configured(REMAPS);
    let lines: Vec<(String, &str)> = help_groups(keys.rows())
        .into_iter()
        .flat_map(|(_, lines)| lines)
        .map(|l| (l.keys, l.what))
        .collect();
    let keys_of = |what: &str| {
        lines
            .iter()
            .find(|(_, w)| w.starts_with(what))
            .map(|(k, _)| k.clone())
            .unwrap_or_default()
    };
    assert_eq!(keys_of("this help"), "F2 / ?");
    assert_eq!(keys_of("stop the streaming"), "Esc / Ctrl+X");
    assert_eq!(keys_of("move"), "↑ ↓ / w s");
    assert_eq!(keys_of("copy the last answer"), "Y / y");

    let mut app = app_with(keys);
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::F(2));
    insta::assert_snapshot!("help_remapped_120x40", draw(&mut app, 120, 40));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_keys_table_stops_the_binary_with_the_file_line_and_entry() {
    let cases = [
        (
            "model = \"mavera-1\"\n\n[keys.global]\nhelp = \"Ctrl+R\"\n",
            "line 4: [keys.global] help: Ctrl+R is already regenerate in [keys.global]; one key cannot do both",
        ),
        (
            "[keys.compare]\ncolumn_1 = \"Alt+1\"\nstop = \"Ctrl+X\"\n",
            "line 3: [keys.compare] stop: no such action here; the actions of [keys.compare] are",
        ),
        (
            "[keys.sidebar]\nup = \"w\"\n",
            "line 1: [keys.sidebar]: no such section; the sections are global, list, composer, conversation, compare, help",
        ),
        (
            "[keys]\nlist.up = \"Ctrl+\"\n",
            "line 2: [keys.list] up: \"Ctrl+\" is not a key: write a character",
        ),
    ];
    for (body, needle) in cases {
        let home = tempfile::tempdir().expect("home");
        let path = write(&home, body);
        let file = path.display().to_string();
        let out = run(home.path(), &["--config", &file, "personas", "--demo"], &[]).await;
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!("error: invalid configuration in {file} {needle}")),
            "{stderr}"
        );
    }
}

#[test]
fn every_action_name_is_documented() {
    let root = env!("CARGO_MANIFEST_DIR");
    let example = std::fs::read_to_string(format!("{root}/config.example.toml")).expect("example");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).expect("readme");
    for section in Section::ALL {
        let header = format!("[keys.{}]", section.name());
        assert!(example.contains(&header), "config.example.toml lacks {header}");
        assert!(readme.contains(&header), "README.md lacks {header}");
        for name in section.actions() {
            // Written as `# name = ...` in the example, and `name` in the README's table.
            let in_example = example.split(&header).nth(1).is_some_and(|rest| {
                rest.split("\n# [keys.")
                    .next()
                    .unwrap_or("")
                    .contains(&format!("# {name} = "))
            });
            assert!(in_example, "config.example.toml lacks {name} under {header}");
            assert!(readme.contains(&format!("`{name}`")), "README.md lacks `{name}`");
        }
    }
}

#[test]
fn the_example_remaps_are_valid() {
    // Everything the example writes out, uncommented, is a valid [keys] table.
    let root = env!("CARGO_MANIFEST_DIR");
    let example = std::fs::read_to_string(format!("{root}/config.example.toml")).expect("example");
    let keys: String = example
        .lines()
        .skip_while(|l| !l.starts_with("# [keys.global]"))
        .take_while(|l| l.starts_with('#') || l.trim().is_empty())
        .filter_map(|l| l.strip_prefix("# "))
        .filter(|l| l.starts_with('[') || l.contains(" = "))
        .map(|l| format!("{l}\n"))
        .collect();
    assert!(keys.contains("[keys.help]"), "{keys}");
    let _ = configured(&keys);
}

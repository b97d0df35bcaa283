//! The key table's remaps and checks: what a remap binds and unbinds, and the message
//! for each entry that cannot be used.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::*;
use crate::app::state::Focus;

fn config(entries: &[(&str, &str, &[&str])]) -> KeyConfig {
    let mut c = KeyConfig::new();
    for (section, action, keys) in entries {
        c.entry(section.to_string())
            .or_default()
            .insert(action.to_string(), keys.iter().map(|k| k.to_string()).collect());
    }
    c
}

fn table(entries: &[(&str, &str, &[&str])]) -> KeyTable {
    KeyTable::configured(&config(entries)).expect("valid")
}

fn error(entries: &[(&str, &str, &[&str])]) -> String {
    KeyTable::configured(&config(entries)).unwrap_err().to_string()
}

fn ctx(focus: Focus) -> KeyContext {
    KeyContext::plain(focus)
}

fn press(t: &KeyTable, focus: Focus, code: KeyCode, mods: KeyModifiers) -> Option<Action> {
    action_in(t.rows(), ctx(focus), KeyEvent::new(code, mods))
}

#[test]
fn no_config_is_the_default_table() {
    assert_eq!(table(&[]), KeyTable::default());
    assert_eq!(table(&[]).rows(), BINDINGS);
}

#[test]
fn a_remapped_key_does_the_action_and_the_old_one_no_longer_does() {
    let t = table(&[
        ("global", "help", &["F2"]),
        ("global", "stop", &["Esc", "Ctrl+X"]),
    ]);
    let none = KeyModifiers::NONE;
    assert_eq!(
        press(&t, Focus::Composer, KeyCode::F(2), none),
        Some(Action::ToggleHelp)
    );
    assert_eq!(press(&t, Focus::Conversation, KeyCode::F(1), none), None);
    // `?` is the list's and the conversation's help key: another section's, kept.
    assert_eq!(
        press(&t, Focus::Sidebar, KeyCode::Char('?'), none),
        Some(Action::ToggleHelp)
    );
    let ctrl = KeyModifiers::CONTROL;
    for focus in [Focus::Sidebar, Focus::Composer, Focus::Conversation] {
        assert_eq!(press(&t, focus, KeyCode::Char('x'), ctrl), Some(Action::Cancel));
        assert_eq!(press(&t, focus, KeyCode::Esc, none), Some(Action::Cancel));
    }
}

#[test]
fn one_section_remaps_only_its_own_contexts() {
    let t = table(&[("list", "up", &["w"])]);
    let none = KeyModifiers::NONE;
    assert_eq!(
        press(&t, Focus::Sidebar, KeyCode::Char('w'), none),
        Some(Action::MovePersona(-1))
    );
    assert_eq!(press(&t, Focus::Sidebar, KeyCode::Char('k'), none), None);
    assert_eq!(press(&t, Focus::Sidebar, KeyCode::Up, none), None);
    assert_eq!(
        press(&t, Focus::Conversation, KeyCode::Char('k'), none),
        Some(Action::Scroll(-1))
    );
    // Typing a filter: `w` is typed, not a move.
    let filtering = KeyContext {
        filtering: true,
        ..ctx(Focus::Sidebar)
    };
    let w = KeyEvent::new(KeyCode::Char('w'), none);
    assert_eq!(action_in(t.rows(), filtering, w), Some(Action::FilterChar('w')));
}

#[test]
fn letters_bound_in_the_list_never_reach_the_composer() {
    let t = table(&[
        ("list", "reload", &["z"]),
        ("conversation", "copy_answer", &["Y", "Alt+Y"]),
    ]);
    let z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::NONE);
    assert_eq!(
        action_in(t.rows(), ctx(Focus::Composer), z),
        Some(Action::Edit(z))
    );
    let big_y = KeyEvent::new(KeyCode::Char('Y'), KeyModifiers::SHIFT);
    assert_eq!(
        action_in(t.rows(), ctx(Focus::Composer), big_y),
        Some(Action::Edit(big_y))
    );
    assert_eq!(
        action_in(t.rows(), ctx(Focus::Conversation), big_y),
        Some(Action::CopyAnswer)
    );
}

#[test]
fn the_hint_names_the_help_key_in_use() {
    assert_eq!(KeyTable::default().help_key(), Some("F1"));
    let t = table(&[("global", "help", &["F2", "F1"])]);
    assert_eq!(t.help_key(), Some("F2"));
    assert_eq!(t.global_key(&Action::ToggleHelp).as_deref(), Some("F2"));
    let t = table(&[("global", "help", &[])]);
    assert_eq!(t.help_key(), None);
}

#[test]
fn an_empty_list_unbinds_the_action() {
    let t = table(&[("global", "suspend", &[])]);
    let z = KeyEvent::new(KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(action_in(t.rows(), ctx(Focus::Conversation), z), None);
    assert!(t.rows().iter().all(|b| b.action != Action::Suspend));
}

#[test]
fn each_bad_entry_says_what_is_wrong() {
    assert_eq!(
        error(&[("lists", "up", &["w"])]),
        "[keys.lists]: no such section; the sections are global, list, composer, conversation, compare, help"
    );
    let unknown = error(&[("compare", "stop", &["Ctrl+X"])]);
    assert!(
        unknown.starts_with(
            "[keys.compare] stop: no such action here; the actions of [keys.compare] are column_left, column_right, column_1,"
        ),
        "{unknown}"
    );
    assert_eq!(
        error(&[("global", "help", &["Hyper+H"])]),
        format!(
            "[keys.global] help: \"Hyper+H\" is not a key: write {}",
            super::super::keys::CHORD_SYNTAX
        )
    );
    assert_eq!(
        error(&[("global", "help", &["h"])]),
        "[keys.global] help: h types a character: in [keys.global] it would take it from the \
         message being written; add Ctrl or Alt, or use a named key"
    );
    assert_eq!(
        error(&[("global", "help", &["Ctrl+R"])]),
        "[keys.global] help: Ctrl+R is already regenerate in [keys.global]; one key cannot do both"
    );
    assert_eq!(
        error(&[("list", "up", &["j"])]),
        "[keys.list] up: j is already down in [keys.list]; one key cannot do both"
    );
    // A global key taken from the list's own: the global one is read first.
    assert_eq!(
        error(&[("global", "new_thread", &["Ctrl+Q"])]),
        "[keys.global] new_thread: Ctrl+Q is already quit in [keys.global]; one key cannot do both"
    );
    assert_eq!(
        error(&[("global", "presenter", &["Enter"])]),
        "[keys.global] presenter: Enter is already close in [keys.help]; one key cannot do both"
    );
    assert_eq!(
        error(&[("conversation", "copy_answer", &["h"])]),
        "[keys.conversation] copy_answer: h is already column_left in [keys.compare]; one key cannot do both"
    );
}

#[test]
fn names_are_unique_within_a_section_and_every_bound_action_has_one() {
    for b in BINDINGS {
        assert!(action_name(&b.action).is_some(), "{:?} has no name", b.action);
    }
    for section in Section::ALL {
        for name in section.actions() {
            let actions: Vec<&Action> = BINDINGS
                .iter()
                .filter(|b| b.contexts.iter().any(|c| section.contexts().contains(c)))
                .filter(|b| action_name(&b.action) == Some(name))
                .map(|b| &b.action)
                .collect();
            assert!(
                actions.windows(2).all(|w| w[0] == w[1]),
                "{name} in {section:?} names {actions:?}"
            );
        }
    }
}

#[test]
fn every_context_belongs_to_one_section() {
    for b in BINDINGS {
        for c in b.contexts.iter() {
            let n = Section::ALL.iter().filter(|s| s.contexts().contains(c)).count();
            assert_eq!(n, 1, "{c:?}");
        }
    }
}

#[test]
fn remapping_every_action_to_its_own_default_keys_changes_nothing_a_key_does() {
    // Each action's default chords per section, written back as config.
    let mut entries: Vec<(String, String, Vec<String>)> = Vec::new();
    for section in Section::ALL {
        for name in section.actions() {
            let action = section.action(name).expect("named");
            let mut keys: Vec<String> = Vec::new();
            for b in BINDINGS.iter().filter(|b| b.action == action) {
                if b.contexts.iter().any(|c| section.contexts().contains(c)) {
                    keys.extend(b.chords.iter().map(|c| c.to_string()));
                }
            }
            entries.push((section.name().into(), name.into(), keys));
        }
    }
    let mut c = KeyConfig::new();
    for (s, a, k) in entries {
        c.entry(s).or_default().insert(a, k);
    }
    let t = KeyTable::configured(&c).expect("the defaults are valid");
    for k in KeyContext::all() {
        for b in BINDINGS {
            for chord in b.chords.iter() {
                assert_eq!(
                    action_in(t.rows(), k, chord.event()),
                    action_in(BINDINGS, k, chord.event()),
                    "{chord} in {k:?}"
                );
            }
        }
    }
}

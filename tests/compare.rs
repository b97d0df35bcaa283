//! Personas side by side: marking, panel sends, per-column control, failure isolation,
//! tallies — in the reducer; the compare view at three sizes; and the real binary
//! streaming three columns at once against the simulator.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::wire::Input;
use mavera_tui::api::ApiError;
use mavera_tui::app::state::Focus;
use mavera_tui::app::thread::MessageStatus;
use mavera_tui::app::{Effect, Event};
use mavera_tui::sim::SimConfig;
use mavera_tui::view::words;

use crate::support::app::{ask_all, load_id, panel, persona, six, App};
use crate::support::pty::Pty;
use crate::support::screen::draw;
use crate::support::sim::{start, KEY};

fn column_answer(app: &App, key: &str) -> (String, MessageStatus) {
    let m = app
        .state
        .threads
        .get(key)
        .and_then(|t| t.messages.last())
        .expect("answer");
    (m.text.clone(), m.status.clone())
}

#[test]
fn space_marks_in_order_and_x_clears() {
    let mut app = panel(3);
    assert_eq!(app.state.compare.marked, ["cgenz", "ccfo", "cb2b"]);
    assert!(app.state.compare.active());
    app.state.focus = Focus::Sidebar;
    app.state.personas.move_to("ccfo");
    let _ = app.key(KeyCode::Char(' '));
    assert_eq!(app.state.compare.marked, ["cgenz", "cb2b"], "space again unmarks");
    let _ = app.key(KeyCode::Char('x'));
    assert!(app.state.compare.marked.is_empty());
    assert!(!app.state.compare.active());
}

#[test]
fn one_prompt_starts_one_request_per_persona_at_once() {
    let mut app = panel(3);
    app.type_text("Our new pricing page");
    let fx = app.key(KeyCode::Enter);
    let requests: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request.clone()),
            _ => None,
        })
        .collect();
    let personas: Vec<_> = requests
        .iter()
        .map(|r| r.persona_id.clone().unwrap_or_default())
        .collect();
    assert_eq!(personas, ["cgenz", "ccfo", "cb2b"]);
    assert!(requests
        .iter()
        .all(|r| r.input == Input::Text("Our new pricing page".into())));
    assert_eq!(fx.last(), Some(&Effect::Redraw));
    assert_eq!(app.state.streams.len(), 3);
    for key in ["cgenz", "ccfo", "cb2b"] {
        assert_eq!(column_answer(&app, key).1, MessageStatus::Waiting);
    }
}

#[test]
fn a_failure_in_one_column_never_disturbs_the_others() {
    let mut app = panel(3);
    let ids = ask_all(&mut app, "hi");
    let _ = app.deltas(ids[0], &["genz says"]);
    let _ = app.broken(
        ids[1],
        ApiError::RateLimited {
            message: "slow down".into(),
            retry_after: None,
        },
    );
    let _ = app.deltas(ids[2], &["b2b says"]);
    let _ = app.broken(ids[2], ApiError::Interrupted);
    let _ = app.complete(ids[0], Some(2.0));
    assert_eq!(
        column_answer(&app, "cgenz"),
        ("genz says".into(), MessageStatus::Done)
    );
    assert!(matches!(
        column_answer(&app, "ccfo").1,
        MessageStatus::Failed { .. }
    ));
    let (text, status) = column_answer(&app, "cb2b");
    assert_eq!(text, "b2b says");
    assert!(matches!(status, MessageStatus::Interrupted { .. }));
}

#[test]
fn a_focused_column_is_cancelled_and_regenerated_alone() {
    let mut app = panel(3);
    let ids = ask_all(&mut app, "hi");
    for id in &ids {
        let _ = app.deltas(*id, &["partial"]);
    }
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::Char('2'));
    assert_eq!(app.state.compare.column, Some(1));
    let fx = app.key(KeyCode::Esc);
    assert_eq!(
        fx.iter().filter(|e| matches!(e, Effect::Cancel { .. })).count(),
        1
    );
    assert!(fx.contains(&Effect::Cancel { id: ids[1] }));
    assert_eq!(column_answer(&app, "ccfo").1, MessageStatus::Stopped);
    assert_eq!(column_answer(&app, "cgenz").1, MessageStatus::Streaming);
    let fx = app.ctrl('r');
    let started: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream { request, .. } => request.persona_id.clone(),
            _ => None,
        })
        .collect();
    assert_eq!(started, ["ccfo"], "only the focused column regenerates");
    assert_eq!(app.state.streams.len(), 3);
}

#[test]
fn esc_with_no_column_focused_cancels_all() {
    let mut app = panel(3);
    let ids = ask_all(&mut app, "hi");
    let fx = app.key(KeyCode::Esc);
    for id in ids {
        assert!(fx.contains(&Effect::Cancel { id }));
    }
    assert!(app.state.streams.is_empty());
}

#[test]
fn follow_ups_go_to_every_column_with_its_own_history() {
    let mut app = panel(2);
    let ids = ask_all(&mut app, "first");
    let _ = app.deltas(ids[0], &["genz one"]);
    let _ = app.complete(ids[0], Some(1.0));
    let _ = app.deltas(ids[1], &["cfo one"]);
    let _ = app.complete(ids[1], Some(2.0));
    app.type_text("second");
    let fx = app.key(KeyCode::Enter);
    let histories: Vec<Vec<String>> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream { request, .. } => match &request.input {
                Input::Items(items) => Some(items.iter().map(|i| i.content.text()).collect()),
                Input::Text(t) => Some(vec![t.clone()]),
                Input::Raw(_) => None,
            },
            _ => None,
        })
        .collect();
    assert_eq!(
        histories,
        [
            vec!["first", "genz one", "second"],
            vec!["first", "cfo one", "second"]
        ]
    );
}

#[test]
fn the_panel_round_and_the_session_tally_add_up() {
    let mut app = panel(3);
    let ids = ask_all(&mut app, "hi");
    let _ = app.complete(ids[0], Some(2.0));
    assert_eq!(
        words::total(app.state.compare.round.total()),
        "2+",
        "a lower bound while answers are out"
    );
    let _ = app.complete(ids[1], Some(3.0));
    let _ = app.complete(ids[2], Some(1.0));
    assert_eq!(words::total(app.state.compare.round.total()), "6");
    assert_eq!(words::total(app.state.credits.total()), "6");
    let ids = ask_all(&mut app, "again");
    for id in ids {
        let _ = app.complete(id, Some(1.0));
    }
    assert_eq!(words::total(app.state.compare.round.total()), "3");
    assert_eq!(words::total(app.state.credits.total()), "9");
}

#[test]
fn sending_is_refused_while_a_column_still_streams() {
    let mut app = panel(2);
    let ids = ask_all(&mut app, "one");
    let _ = app.complete(ids[0], Some(1.0));
    app.type_text("two");
    let fx = app.key(KeyCode::Enter);
    assert!(!fx.iter().any(|e| matches!(e, Effect::StartStream { .. })));
    assert_eq!(app.state.composer_text(), "two");
}

#[test]
fn a_seventh_persona_is_refused() {
    let mut app = panel(6);
    app.state.focus = Focus::Sidebar;
    let fx = app.key(KeyCode::Char('r'));
    let id = load_id(&fx);
    let mut seven = six();
    seven.push(persona("cseven", "Seventh", "Other"));
    let _ = app.send(Event::PersonasLoaded {
        id,
        result: Ok(seven),
    });
    app.state.personas.move_to("cseven");
    let _ = app.key(KeyCode::Char(' '));
    assert_eq!(app.state.compare.marked.len(), 6);
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("up to 6")));
}

#[test]
fn a_panel_is_saved_under_a_name() {
    let mut app = panel(2);
    app.state.focus = Focus::Sidebar;
    let _ = app.key(KeyCode::Char('S'));
    app.type_text("launch demo");
    let fx = app.key(KeyCode::Enter);
    assert!(fx.contains(&Effect::SavePanel {
        name: "launch demo".into(),
        personas: vec!["Gen Z Consumer".into(), "CFO".into()],
    }));
    assert!(app.state.compare.naming.is_none());
}

#[test]
fn a_launch_panel_is_marked_when_the_list_arrives() {
    let mut app = App::new();
    app.state.compare.pending = Some(vec!["cfo".into(), "Gen Z Consumer".into(), "nobody".into()]);
    let fx = mavera_tui::app::start(&mut app.state, None).into_vec();
    let id = load_id(&fx);
    let _ = app.send(Event::PersonasLoaded {
        id,
        result: Ok(six()),
    });
    assert_eq!(app.state.compare.marked, ["ccfo", "cgenz"]);
    assert_eq!(app.state.focus, Focus::Composer);
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("nobody")));
}

/// A panel mid-way: column 1 done, column 2 failed, the rest streaming.
fn busy_panel(n: usize) -> App {
    let mut app = panel(n);
    let ids = ask_all(&mut app, "What do you make of our new pricing page?");
    let _ = app.deltas(ids[0], &["**Honestly?** It looks clean, but the *annual* plan hides the monthly price.\n\n- show the monthly number\n- add a free tier"]);
    let _ = app.complete(ids[0], Some(2.0));
    let _ = app.broken(
        ids[1],
        ApiError::Credits {
            code: "credits_exhausted".into(),
            message: "Insufficient credits.".into(),
        },
    );
    for id in ids.iter().skip(2) {
        app.now += 400;
        let _ = app.deltas(*id, &["Payback ", "matters ", "most ", "to me"]);
    }
    app
}

#[test]
fn compare_view_snapshots() {
    for n in [2usize, 3, 6] {
        for (w, h) in [(160u16, 45u16), (120, 40), (80, 24)] {
            let mut app = busy_panel(n);
            app.state.notice = None;
            insta::assert_snapshot!(format!("compare_{n}_{w}x{h}"), draw(&mut app, w, h));
        }
    }
}

#[test]
fn columns_that_do_not_fit_scroll_with_the_focus() {
    let mut app = busy_panel(6);
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::Char('6'));
    let screen = draw(&mut app, 80, 24);
    assert!(
        screen.contains("columns 5–6 of 6"),
        "two 40-cell columns at 80 wide: {screen}"
    );
    assert!(screen.contains("Rural Farmer"), "{screen}");
    let _ = app.send(Event::Key(KeyEvent::new(KeyCode::Left, KeyModifiers::NONE)));
    let _ = app.key(KeyCode::Char('1'));
    let screen = draw(&mut app, 80, 24);
    assert!(screen.contains("columns 1–2 of 6"), "{screen}");
    assert!(screen.contains("Gen Z Consumer"), "{screen}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_personas_stream_side_by_side_at_the_same_time() {
    let sim = start(SimConfig {
        tokens_per_sec: 60.0,
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let mut pty = Pty::spawn(home.path(), &[], &env, 160, 45);
    pty.wait_text("Gen Z Consumer", Duration::from_secs(20));
    for name in ["gen z", "cfo", "b2b"] {
        pty.send("/");
        pty.type_text(name);
        pty.send("\r"); // picks it and moves to the composer...
        pty.send("\x1b[Z"); // ...Shift+Tab back to the list
        pty.send(" ");
    }
    pty.wait_text("Message all 3 personas", Duration::from_secs(10));
    pty.send("\t");
    pty.type_text("Our new pricing page");
    pty.send("\r");
    let screen = pty.wait_for("three columns streaming", Duration::from_secs(20), |s| {
        s.contains("3 of 3 streaming") || s.matches("tok/s").count() >= 3
    });
    for name in [
        "Gen Z Consumer · Generational",
        "CFO · Professional",
        "B2B Decision Maker",
    ] {
        assert!(screen.contains(name), "{name} column: {screen}");
    }
    // Each column's footer turns to `✓ N tok · M cr` when its answer is in.
    let done = pty.wait_for("three answers with credits", Duration::from_secs(30), |s| {
        s.matches(" tok · ").count() >= 3
    });
    assert!(
        done.contains("last prompt") && done.matches(" tok · ").count() >= 3,
        "per-column and panel credits: {done}"
    );
    let posts: Vec<_> = sim.records().into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 3);
    let last_start = posts.iter().map(|r| r.started_ms).max().unwrap_or(0);
    let first_end = posts.iter().filter_map(|r| r.finished_ms).min().unwrap_or(0);
    assert!(
        last_start < first_end,
        "the three requests overlapped in time: {posts:?}"
    );
    pty.send("\x11");
    pty.wait_exit(Duration::from_secs(10));
    pty.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personas_flag_starts_with_a_panel() {
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(
        home.path(),
        &["--demo", "--personas", "CFO, Gen Z Consumer"],
        &[],
        120,
        40,
    );
    pty.wait_text("Message all 2 personas", Duration::from_secs(20));
    pty.send("\x11");
    pty.wait_exit(Duration::from_secs(10));
}

#[test]
fn a_restored_comparison_opens_as_a_panel_with_fresh_ids() {
    use mavera_tui::app::thread::{Message, Thread};
    use mavera_tui::app::RestoredThread;
    let thread = |text: &str| Thread {
        messages: vec![Message {
            id: 7,
            ..Message::user(0, text.into())
        }],
        ..Thread::default()
    };
    let mut app = panel(0);
    let _ = app.send(Event::Restore(vec![
        RestoredThread {
            persona_id: "ccfo".into(),
            stored: None,
            thread: thread("a"),
        },
        RestoredThread {
            persona_id: "cgenz".into(),
            stored: None,
            thread: thread("b"),
        },
    ]));
    assert_eq!(app.state.compare.marked, ["ccfo", "cgenz"]);
    let ids: Vec<u64> = ["ccfo", "cgenz"]
        .iter()
        .map(|k| app.state.threads[*k].messages[0].id)
        .collect();
    assert_ne!(ids[0], ids[1], "ids from a file are replaced");
    let mut single = panel(0);
    let _ = single.send(Event::Restore(vec![RestoredThread {
        persona_id: "ceng".into(),
        stored: None,
        thread: thread("c"),
    }]));
    assert_eq!(single.state.personas.selected.as_deref(), Some("ceng"));
    assert!(!single.state.compare.active());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_s_saves_a_comparison_and_import_opens_it_again() {
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(
        home.path(),
        &["--demo", "--personas", "CFO,Gen Z Consumer"],
        &[("MAVERA_TUI_LOG_LEVEL", "warn")],
        140,
        40,
    );
    pty.wait_text("Message all 2 personas", Duration::from_secs(20));
    pty.type_text("Would you buy it?");
    pty.send("\r");
    // Each column's footer turns to `✓ N tok · M cr` when its answer is in.
    pty.wait_for("two answers", Duration::from_secs(30), |s| {
        s.matches(" tok · ").count() >= 2
    });
    pty.send("\x13"); // Ctrl+S, twice: two saves never overwrite each other
    pty.send("\x13");
    let screen = pty.wait_text("saved to", Duration::from_secs(10));
    pty.send("\x11");
    pty.wait_exit(Duration::from_secs(10));
    let mut files: Vec<_> = std::fs::read_dir(home.path())
        .expect("home")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("mavera-transcript-"))
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 2, "two transcripts: {files:?} {screen}");
    #[cfg(unix)]
    for f in &files {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(f).expect("metadata").permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f:?} is private");
    }
    let file = files.swap_remove(0);
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains("\"format\": \"mavera-tui/export\"") && text.contains("Would you buy it?"));
    assert!(!text.contains("mvra_live_"), "no key in a transcript");
    let file_s = file.display().to_string();
    let mut again = Pty::spawn(home.path(), &["--demo", "import", &file_s], &[], 140, 40);
    let screen = again.wait_text("Would you buy it?", Duration::from_secs(20));
    assert!(
        screen.contains("CFO · Professional") && screen.contains("Gen Z Consumer · Generational"),
        "{screen}"
    );
    again.send("\x11");
    again.wait_exit(Duration::from_secs(10));
}

#[test]
fn the_column_window_follows_the_focus_before_any_frame() {
    let mut app = panel(6);
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::Char('6'));
    // The reducer settled the window by the view's own geometry: 80 cells hold two
    // columns, so the sixth is shown beside the fifth, in the very first frame.
    assert_eq!(app.state.compare.offset, 4);
    let screen = draw(&mut app, 80, 24);
    assert!(screen.contains("columns 5–6 of 6"), "{screen}");
    let _ = app.key(KeyCode::Char('1'));
    assert_eq!(app.state.compare.offset, 0);
    assert!(draw(&mut app, 80, 24).contains("columns 1–2 of 6"));
}

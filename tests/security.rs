//! Reliability and security, end to end: hostile bytes never reach the terminal, every
//! exit path restores it, faults never lose text, bad input is refused clearly, and the
//! key never appears on screen, in logs or in crash output.

use std::time::Duration;

use crossterm::event::KeyCode;
use mavera_tui::app::state::Focus;
use mavera_tui::app::Event;
use mavera_tui::sim::{self, FaultPlan, SimConfig};

use crate::support::app::{load_id, persona, App};
use crate::support::pty::Pty;
use crate::support::screen::draw;
use crate::support::sim::{start, KEY};

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_from_the_server_never_reaches_the_terminal() {
    let hostile = sim::hostile_persona();
    let sim = start(SimConfig {
        tokens_per_sec: 0.0,
        extra_personas: vec![hostile.clone()],
        faults: FaultPlan::parse(&format!("hostile@{}", hostile.id)).expect("plan"),
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let env = [
        ("MAVERA_BASE_URL", url.as_str()),
        ("MAVERA_API_KEY", KEY),
        ("NO_COLOR", "1"),
    ];
    let mut pty = Pty::spawn(home.path(), &["--persona", &hostile.id], &env, 140, 45);
    pty.wait_text("Hostile Persona Red Team", WAIT);
    pty.type_text("hello");
    pty.send("\r");
    let screen = pty.wait_text("tokens ·", WAIT);
    assert!(
        screen.contains("hostile on purpose"),
        "the text around the sequences is shown: {screen}"
    );
    pty.send("\x1b[Z"); // to the sidebar, whose detail line shows the description
    let screen = pty.wait_text("Ordinary words", WAIT);
    assert!(screen.contains("then a clipboard"), "{screen}");
    pty.send("\x11");
    pty.wait_exit(WAIT);
    let bytes = pty.bytes();
    for (what, seq) in [
        ("an OSC sequence (title, clipboard)", &b"\x1b]"[..]),
        ("BEL", b"\x07"),
        ("the OSC 52 payload", b"cHduZWQ="),
        ("the title payload", b"pwned"),
        ("clear screen", b"\x1b[2J"),
        ("a server-chosen colour", b"\x1b[31m"),
        ("a C1 CSI", "\u{9b}".as_bytes()),
    ] {
        assert!(
            !bytes.windows(seq.len()).any(|w| w == seq),
            "{what} reached the terminal"
        );
    }
    pty.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panic_restores_the_terminal_and_never_prints_the_key() {
    for site in ["main", "task"] {
        let sim = start(SimConfig::default()).await;
        let url = sim.base_url();
        let home = tempfile::tempdir().expect("home");
        let env = [
            ("MAVERA_BASE_URL", url.as_str()),
            ("MAVERA_API_KEY", KEY),
            ("MAVERA_TEST_PANIC", site),
        ];
        let mut pty = Pty::spawn(home.path(), &[], &env, 80, 24);
        let code = pty.wait_exit(WAIT);
        assert_eq!(code, 101, "{site}: a panic exits with 101");
        pty.assert_restored();
        let text = String::from_utf8_lossy(&pty.bytes()).into_owned();
        assert!(
            text.contains("test panic"),
            "{site}: the panic message is readable: {text}"
        );
        assert!(text.contains("terminal has been restored"), "{text}");
        assert!(
            !text.contains(KEY) && !text.contains(&KEY[10..]),
            "{site}: the key leaked"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_stream_keeps_its_text_and_ctrl_r_retries_in_the_app() {
    let sim = start(SimConfig {
        tokens_per_sec: 0.0,
        faults: FaultPlan::parse("drop=8*1").expect("plan"),
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let log = home.path().join("trace.log");
    let log_s = log.display().to_string();
    let env = [
        ("MAVERA_BASE_URL", url.as_str()),
        ("MAVERA_API_KEY", KEY),
        ("MAVERA_TUI_LOG_LEVEL", "trace"),
    ];
    let mut pty = Pty::spawn(
        home.path(),
        &["--persona", "CFO", "--log-file", &log_s],
        &env,
        120,
        40,
    );
    pty.wait_text("Message CFO", WAIT);
    pty.type_text("numbers please");
    pty.send("\r");
    let screen = pty.wait_text("interrupted", WAIT);
    assert!(screen.contains("Ctrl+R"), "the way out is shown: {screen}");
    pty.send("\x12"); // Ctrl+R
    pty.wait_text("tokens ·", WAIT);
    let posts = sim.records().into_iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 2, "one retry, on request");
    pty.send("\x11");
    pty.wait_exit(WAIT);
    let screen_bytes = pty.bytes();
    assert!(
        !screen_bytes.windows(KEY.len()).any(|w| w == KEY.as_bytes()),
        "key on screen"
    );
    let logged = std::fs::read_to_string(&log).expect("log");
    assert!(
        !logged.contains(KEY) && !logged.contains(&KEY[10..]),
        "key in the trace log"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_megabyte_paste_keeps_the_app_responsive() {
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(home.path(), &["--demo", "--persona", "CFO"], &[], 100, 30);
    pty.wait_text("Message CFO", WAIT);
    let line = "pasted text with a \u{1b}[31m control sequence and unicode 日本 ✓\n";
    let big = line.repeat(1024 * 1024 / line.len());
    pty.send(&format!("\x1b[200~{big}\x1b[201~"));
    pty.type_text("END");
    let screen = pty.wait_text("END", Duration::from_secs(30));
    assert!(
        !screen.contains("[31m"),
        "pasted control sequences are dropped: {screen}"
    );
    pty.send("\r");
    pty.wait_text("at most 100000", WAIT);
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
    pty.assert_restored();
}

#[test]
fn odd_persona_lists_still_render() {
    let mut app = App::new();
    let fx = mavera_tui::app::start(&mut app.state, None).into_vec();
    let id = load_id(&fx);
    let mut list = vec![
        persona("cdup", "First", "A"),
        persona("cdup", "Duplicate id", "A"),
        persona("cempty", "", ""),
    ];
    let missing: mavera_tui::api::wire::Persona =
        serde_json::from_str(r#"{"id":"conlyid"}"#).expect("tolerant");
    list.push(missing);
    list.extend((0..10_000).map(|i| {
        persona(
            &format!("c{i:05}"),
            &format!("Persona {i}"),
            &format!("Group {}", i % 37),
        )
    }));
    let _ = app.send(Event::PersonasLoaded { id, result: Ok(list) });
    assert_eq!(app.state.personas.entries.len(), 10_004);
    app.state.focus = Focus::Sidebar;
    let _ = app.key(KeyCode::End);
    let screen = draw(&mut app, 100, 30);
    assert!(screen.contains("Persona"), "{screen}");
    let _ = app.key(KeyCode::Home);
    let screen = draw(&mut app, 100, 30);
    assert!(
        screen.contains("cempty") || screen.contains("conlyid"),
        "nameless personas show their id: {screen}"
    );
}

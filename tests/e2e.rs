//! End-to-end: the real binary in a pseudo-terminal against the simulator; and, started
//! from a job-control shell in a pseudo-terminal (`Pty::shell`), suspending with Ctrl+Z and
//! coming back with `fg`.

use std::time::Duration;

use mavera_tui::sim::SimConfig;

use crate::support::pty::Pty;
use crate::support::sim::{start, KEY};

const WAIT: Duration = Duration::from_secs(20);

/// The session credit tally shown in the status bar, e.g. `session 7 cr` → 7.
fn session_credits(screen: &str) -> Option<u32> {
    let at = screen.find("session ")?;
    screen[at + 8..]
        .split_whitespace()
        .next()?
        .trim_end_matches('+')
        .parse()
        .ok()
}

fn env(url: &str) -> Vec<(&str, &str)> {
    vec![("MAVERA_BASE_URL", url), ("MAVERA_API_KEY", KEY)]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pick_ask_stream_credits_quit() {
    let sim = start(SimConfig {
        tokens_per_sec: 400.0,
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(home.path(), &[], &env(&url), 120, 40);
    pty.wait_text("Gen Z Consumer", WAIT);
    pty.wait_text("Pick a persona", WAIT);
    // Filter the sidebar and pick.
    pty.send("/");
    pty.type_text("cfo");
    pty.send("\r");
    pty.wait_text("Message CFO", WAIT);
    pty.type_text("Should we buy it?");
    pty.send("\r");
    pty.wait_text("streaming", WAIT);
    let screen = pty.wait_for("credits for the answer", WAIT, |s| {
        s.contains("credit") && s.contains("tokens ·")
    });
    assert!(screen.contains("Should we buy it?"));
    let spent = session_credits(&screen).expect("tally shown");
    assert!(spent >= 1, "{screen}");
    pty.send("\x11"); // Ctrl+Q
    assert_eq!(pty.wait_exit(WAIT), 0);
    pty.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn esc_stops_an_answer_mid_way_and_the_text_stays() {
    let sim = start(SimConfig {
        tokens_per_sec: 15.0,
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(home.path(), &["--persona", "Gen Z Consumer"], &env(&url), 100, 30);
    pty.wait_text("Message Gen Z Consumer", WAIT);
    pty.type_text("hello there");
    pty.send("\r");
    pty.wait_text("● streaming", WAIT);
    std::thread::sleep(Duration::from_millis(600));
    pty.send("\x1b");
    let screen = pty.wait_text("■ stopped", WAIT);
    assert!(!screen.contains("● streaming"), "{screen}");
    let posts = sim.records().into_iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 1);
    pty.send("\x03"); // Ctrl+C with nothing streaming quits
    assert_eq!(pty.wait_exit(WAIT), 0);
    pty.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credits_add_up_across_questions_and_personas() {
    let sim = start(SimConfig {
        tokens_per_sec: 0.0,
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(home.path(), &["--persona", "CFO"], &env(&url), 120, 40);
    pty.wait_text("Message CFO", WAIT);
    pty.type_text("first question");
    pty.send("\r");
    let first = pty.wait_for("a tally", WAIT, |s| session_credits(s).is_some_and(|c| c > 0));
    let after_one = session_credits(&first).unwrap_or(0);
    // Another persona: Tab to the sidebar, filter, pick.
    pty.send("\x1b[Z"); // Shift+Tab: composer → sidebar
    pty.send("/");
    pty.type_text("gen z");
    pty.send("\r");
    pty.wait_text("Message Gen Z Consumer", WAIT);
    pty.type_text("second question");
    pty.send("\r");
    let second = pty.wait_for("a larger tally", WAIT, |s| {
        session_credits(s).is_some_and(|c| c > after_one)
    });
    assert!(
        second.contains("/ 5,000 credits"),
        "the balance from GET /usage is shown: {second}"
    );
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
    pty.assert_restored();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_without_a_key_says_so_and_the_list_is_cached() {
    let home = tempfile::tempdir().expect("home");
    let mut pty = Pty::spawn(home.path(), &[], &[], 100, 30);
    let screen = pty.wait_text("DEMO", WAIT);
    assert!(screen.contains("MAVERA_API_KEY"), "{screen}");
    pty.wait_text("Gen Z Consumer", WAIT);
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
    pty.assert_restored();
    let cache = home.path().join(".cache/mavera-tui/personas-DEMO.json");
    let cached = std::fs::read_to_string(&cache).expect("the list is cached for the next start");
    assert!(cached.contains("Gen Z Consumer"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn termination_signals_restore_the_terminal() {
    for signal in ["-TERM", "-HUP", "-INT"] {
        let home = tempfile::tempdir().expect("home");
        let pty = Pty::spawn(home.path(), &["--demo"], &[], 80, 24);
        pty.wait_text("Gen Z Consumer", WAIT);
        let pid = pty.pid().expect("pid").to_string();
        let status = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .expect("kill");
        assert!(status.success());
        let mut pty = pty;
        pty.wait_exit(WAIT);
        pty.assert_restored();
    }
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_redraws_the_screen() {
    let home = tempfile::tempdir().expect("home");
    let mut sh = Pty::shell(home.path(), 100, 30);
    sh.wait_screen(0, "the shell prompt", WAIT, |s| s.contents().contains("shell$"));
    let launched = sh.bytes().len();
    sh.send(&format!("{} --demo\r", crate::support::BIN));
    // Answer the device-attributes query, as a real terminal does.
    sh.wait_bytes(launched, b"\x1b[c", WAIT);
    sh.send("\x1b[?62;22c");
    sh.wait_screen(launched, "the app", WAIT, |s| {
        s.alternate_screen() && s.contents().contains("Gen Z Consumer")
    });
    let app = sh.jobs();
    assert_eq!(app.len(), 1, "one job: {app:?}");
    let pid = app[0].0;

    let suspended = sh.bytes().len();
    sh.send("\x1a"); // Ctrl+Z, a key in raw mode
    let shell = sh.wait_screen(0, "the shell, the job stopped", WAIT, |s| {
        !s.alternate_screen() && s.contents().contains("Stopped")
    });
    assert!(!shell.screen().hide_cursor(), "cursor shown for the shell");
    assert_eq!(sh.jobs(), vec![(pid, 'T')], "the app is stopped, not gone");
    let since = sh.bytes();
    let handed_back = since.get(suspended..).unwrap_or_default();
    for seq in [&b"\x1b[?1049l"[..], b"\x1b[?25h", b"\x1b[?2004l"] {
        assert!(
            handed_back.windows(seq.len()).any(|w| w == seq),
            "{seq:?} sent on suspending"
        );
    }
    assert!(
        sh.cooked(),
        "raw mode undone while suspended: {:?}",
        sh.local_flags()
    );

    // `fg` continues it: the whole screen is drawn again from nothing.
    let resumed = sh.bytes().len();
    sh.send("fg\r");
    let redrawn = sh.wait_screen(resumed, "the app redrawn whole", WAIT, |s| {
        s.alternate_screen() && s.contents().contains("Gen Z Consumer") && s.contents().contains("DEMO")
    });
    assert!(redrawn.screen().hide_cursor());
    let jobs = sh.jobs();
    assert!(
        matches!(jobs.as_slice(), [(p, state)] if *p == pid && *state != 'T'),
        "running again: {jobs:?}"
    );
    use nix::sys::termios::LocalFlags;
    assert!(
        !sh.local_flags().intersects(LocalFlags::ICANON | LocalFlags::ECHO),
        "raw mode again: {:?}",
        sh.local_flags()
    );

    // Still the app, taking keys: Ctrl+Q quits back to the shell.
    let quit = sh.bytes().len();
    sh.send("\x11");
    sh.wait_screen(0, "the shell again", WAIT, |s| {
        !s.alternate_screen() && s.contents().trim_end().ends_with("shell$")
    });
    assert!(sh
        .bytes()
        .get(quit..)
        .unwrap_or_default()
        .windows(8)
        .any(|w| w == b"\x1b[?1049l"));
    assert!(sh.jobs().is_empty(), "the app exited");
    sh.send("exit\r");
}

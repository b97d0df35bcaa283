//! End-to-end: the real binary in a pseudo-terminal against the simulator; and, started
//! from a job-control shell in a pseudo-terminal (`Shell`), suspending with Ctrl+Z and
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
        s.contains("credits") && s.contains("tokens ·")
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
        second.contains("balance"),
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

/// A job-control shell (dash, interactive) in a pseudo-terminal, the way a user starts
/// the app, so that Ctrl+Z and `fg` work as they do for them. (`Pty` runs the binary
/// itself as the session leader: a process no shell could continue, which the app
/// therefore never suspends.)
struct Shell {
    output: std::sync::Arc<std::sync::Mutex<Vec<u8>>>,
    writer: Box<dyn std::io::Write + Send>,
    child: Box<dyn portable_pty::Child + Send + Sync>,
    master: Box<dyn portable_pty::MasterPty + Send>,
}

impl Shell {
    const ROWS: u16 = 30;
    const COLS: u16 = 100;

    fn spawn(home: &std::path::Path) -> Shell {
        use portable_pty::{native_pty_system, CommandBuilder, PtySize};
        let pair = native_pty_system()
            .openpty(PtySize {
                rows: Self::ROWS,
                cols: Self::COLS,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new("/bin/sh");
        cmd.arg("-i");
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", home);
        cmd.env("PS1", "shell$ ");
        cmd.env("TERM", "xterm-256color");
        cmd.cwd(home);
        let child = pair.slave.spawn_command(cmd).expect("spawn the shell");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let output = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = std::io::Read::read(&mut reader, &mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut out) = sink.lock() {
                    out.extend_from_slice(&buf[..n]);
                }
            }
        });
        Shell {
            output,
            writer,
            child,
            master: pair.master,
        }
    }

    fn bytes(&self) -> Vec<u8> {
        self.output.lock().map(|o| o.clone()).unwrap_or_default()
    }

    fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// The screen drawn by the bytes written since `from` alone, on a blank terminal.
    fn screen_since(&self, from: usize) -> vt100::Parser {
        let mut parser = vt100::Parser::new(Self::ROWS, Self::COLS, 0);
        parser.process(self.bytes().get(from..).unwrap_or_default());
        parser
    }

    /// Waits until the screen drawn since `from` satisfies `pred`.
    fn wait_for(&self, from: usize, what: &str, pred: impl Fn(&vt100::Screen) -> bool) -> vt100::Parser {
        let deadline = std::time::Instant::now() + WAIT;
        loop {
            let parser = self.screen_since(from);
            if pred(parser.screen()) {
                return parser;
            }
            if std::time::Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}; screen:\n{}",
                    parser.screen().contents()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for `needle` in the bytes written since `from`.
    fn wait_bytes(&self, from: usize, needle: &[u8]) {
        let deadline = std::time::Instant::now() + WAIT;
        while !self
            .bytes()
            .get(from..)
            .is_some_and(|b| b.windows(needle.len()).any(|w| w == needle))
        {
            assert!(
                std::time::Instant::now() < deadline,
                "timed out waiting for {needle:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The shell's children: (pid, state letter from /proc, e.g. 'T' when stopped).
    fn jobs(&self) -> Vec<(u32, char)> {
        let Some(shell) = self.child.process_id() else {
            return Vec::new();
        };
        let Ok(dir) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        dir.filter_map(|e| {
            let pid: u32 = e.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
            // "pid (comm) S ppid ...": the command may hold spaces, so read after ')'.
            let mut rest = stat.get(stat.rfind(')')? + 1..)?.split_whitespace();
            let state = rest.next()?.chars().next()?;
            let ppid: u32 = rest.next()?.parse().ok()?;
            (ppid == shell).then_some((pid, state))
        })
        .collect()
    }
}

impl Drop for Shell {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

#[test]
fn ctrl_z_suspends_to_the_shell_and_fg_redraws_the_screen() {
    let home = tempfile::tempdir().expect("home");
    let mut sh = Shell::spawn(home.path());
    sh.wait_for(0, "the shell prompt", |s| s.contents().contains("shell$"));
    let launched = sh.bytes().len();
    sh.send(&format!("{} --demo\r", crate::support::BIN));
    // Answer the device-attributes query, as a real terminal does.
    sh.wait_bytes(launched, b"\x1b[c");
    sh.send("\x1b[?62;22c");
    sh.wait_for(launched, "the app", |s| {
        s.alternate_screen() && s.contents().contains("Gen Z Consumer")
    });
    let app = sh.jobs();
    assert_eq!(app.len(), 1, "one job: {app:?}");
    let pid = app[0].0;

    let suspended = sh.bytes().len();
    sh.send("\x1a"); // Ctrl+Z, a key in raw mode
    let shell = sh.wait_for(0, "the shell, the job stopped", |s| {
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
    use nix::sys::termios::LocalFlags;
    let termios = sh.master.get_termios().expect("terminal settings");
    assert!(
        termios
            .local_flags
            .contains(LocalFlags::ICANON | LocalFlags::ECHO),
        "raw mode undone while suspended: {:?}",
        termios.local_flags
    );

    // `fg` continues it: the whole screen is drawn again from nothing.
    let resumed = sh.bytes().len();
    sh.send("fg\r");
    let redrawn = sh.wait_for(resumed, "the app redrawn whole", |s| {
        s.alternate_screen() && s.contents().contains("Gen Z Consumer") && s.contents().contains("DEMO")
    });
    assert!(redrawn.screen().hide_cursor());
    let jobs = sh.jobs();
    assert!(
        matches!(jobs.as_slice(), [(p, state)] if *p == pid && *state != 'T'),
        "running again: {jobs:?}"
    );
    let termios = sh.master.get_termios().expect("terminal settings");
    assert!(
        !termios
            .local_flags
            .intersects(LocalFlags::ICANON | LocalFlags::ECHO),
        "raw mode again: {:?}",
        termios.local_flags
    );

    // Still the app, taking keys: Ctrl+Q quits back to the shell.
    let quit = sh.bytes().len();
    sh.send("\x11");
    sh.wait_for(0, "the shell again", |s| {
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

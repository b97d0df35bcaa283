//! The PTY driver `Pty`: runs the real binary — or an interactive shell that starts it,
//! the way a user does (`Pty::shell`, for job control) — in a pseudo-terminal of a fixed
//! size, keeps every byte written, and reads the screen with a terminal emulator (vt100).

use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use portable_pty::{native_pty_system, Child, CommandBuilder, MasterPty, PtySize};

use super::BIN;

/// The program under test, in its terminal.
pub struct Pty {
    pub output: Arc<Mutex<Vec<u8>>>,
    writer: Box<dyn Write + Send>,
    child: Box<dyn Child + Send + Sync>,
    master: Box<dyn MasterPty + Send>,
    rows: u16,
    cols: u16,
}

impl Pty {
    /// Starts `mavera-tui args` with a private HOME and the given environment.
    pub fn spawn(home: &Path, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let mut pty = Pty::start(home, BIN, args, env, cols, rows);
        pty.answer_terminal_queries();
        pty
    }

    /// Starts `mavera-tui args` for a command that is not the full-screen app (it sends
    /// no terminal queries to answer): a prompt on a terminal, say.
    pub fn command(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Pty {
        Pty::start(home, BIN, args, env, 100, 30)
    }

    /// Starts an interactive job-control shell (prompt `shell$ `), so that Ctrl+Z and
    /// `fg` work as they do for a user. (`spawn` runs the binary itself as the session
    /// leader: a process no shell could continue, which the app therefore never suspends.)
    pub fn shell(home: &Path, cols: u16, rows: u16) -> Pty {
        Pty::start(home, "/bin/sh", &["-i"], &[("PS1", "shell$ ")], cols, rows)
    }

    fn start(home: &Path, program: &str, args: &[&str], env: &[(&str, &str)], cols: u16, rows: u16) -> Pty {
        let system = native_pty_system();
        let pair = system
            .openpty(PtySize {
                rows,
                cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("openpty");
        let mut cmd = CommandBuilder::new(program);
        cmd.args(args);
        cmd.env_clear();
        cmd.env("PATH", std::env::var("PATH").unwrap_or_default());
        cmd.env("HOME", home);
        cmd.cwd(home); // files the app saves land in the test's own folder
        cmd.env("TERM", "xterm-256color");
        for (k, v) in env {
            cmd.env(k, v);
        }
        let child = pair.slave.spawn_command(cmd).expect("spawn in pty");
        drop(pair.slave);
        let mut reader = pair.master.try_clone_reader().expect("reader");
        let writer = pair.master.take_writer().expect("writer");
        let output = Arc::new(Mutex::new(Vec::new()));
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                if let Ok(mut out) = sink.lock() {
                    out.extend_from_slice(&buf[..n]);
                }
            }
        });
        Pty {
            output,
            writer,
            child,
            master: pair.master,
            rows,
            cols,
        }
    }

    /// A real terminal answers the primary device-attributes query the program sends
    /// at start (to learn about keyboard enhancements); so does this harness.
    fn answer_terminal_queries(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.bytes().windows(3).any(|w| w == b"\x1b[c") {
                self.send("\x1b[?62;22c");
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    pub fn bytes(&self) -> Vec<u8> {
        self.output.lock().map(|o| o.clone()).unwrap_or_default()
    }

    /// The screen as the terminal shows it now.
    pub fn screen(&self) -> vt100::Parser {
        let mut parser = vt100::Parser::new(self.rows, self.cols, 0);
        parser.process(&self.bytes());
        parser
    }

    pub fn text(&self) -> String {
        self.screen().screen().contents()
    }

    pub fn send(&mut self, keys: &str) {
        self.writer.write_all(keys.as_bytes()).expect("write to pty");
        self.writer.flush().expect("flush pty");
    }

    /// Types text one key at a time, as a person would.
    pub fn type_text(&mut self, text: &str) {
        for c in text.chars() {
            self.send(&c.to_string());
            std::thread::sleep(Duration::from_millis(2));
        }
    }

    /// Waits until the screen satisfies `pred`; panics with the screen if it never does.
    pub fn wait_for(&self, what: &str, timeout: Duration, pred: impl Fn(&str) -> bool) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.text();
            if pred(&text) {
                return text;
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; screen:\n{text}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn wait_text(&self, needle: &str, timeout: Duration) -> String {
        self.wait_for(needle, timeout, |t| t.contains(needle))
    }

    /// Waits for the program to exit; returns its exit code.
    pub fn wait_exit(&mut self, timeout: Duration) -> u32 {
        let deadline = Instant::now() + timeout;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                // Give the reader thread a moment to collect the last bytes.
                std::thread::sleep(Duration::from_millis(100));
                return status.exit_code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("the program did not exit; screen:\n{}", self.text());
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The screen drawn by the bytes written since `from` alone, on a blank terminal.
    pub fn screen_since(&self, from: usize) -> vt100::Parser {
        let mut parser = vt100::Parser::new(self.rows, self.cols, 0);
        parser.process(self.bytes().get(from..).unwrap_or_default());
        parser
    }

    /// Waits until the screen drawn since `from` satisfies `pred`.
    pub fn wait_screen(
        &self,
        from: usize,
        what: &str,
        timeout: Duration,
        pred: impl Fn(&vt100::Screen) -> bool,
    ) -> vt100::Parser {
        let deadline = Instant::now() + timeout;
        loop {
            let parser = self.screen_since(from);
            if pred(parser.screen()) {
                return parser;
            }
            if Instant::now() > deadline {
                panic!(
                    "timed out waiting for {what}; screen:\n{}",
                    parser.screen().contents()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Waits for `needle` in the bytes written since `from`.
    pub fn wait_bytes(&self, from: usize, needle: &[u8], timeout: Duration) {
        let deadline = Instant::now() + timeout;
        while !self
            .bytes()
            .get(from..)
            .is_some_and(|b| b.windows(needle.len()).any(|w| w == needle))
        {
            assert!(Instant::now() < deadline, "timed out waiting for {needle:?}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// The terminal's local flags: whether the line discipline echoes and edits lines
    /// (cooked) or hands every key over (raw).
    pub fn local_flags(&self) -> nix::sys::termios::LocalFlags {
        self.master
            .get_termios()
            .expect("the pty's terminal settings")
            .local_flags
    }

    /// Whether raw mode is off: the terminal echoes and edits lines again.
    pub fn cooked(&self) -> bool {
        use nix::sys::termios::LocalFlags;
        self.local_flags().contains(LocalFlags::ICANON | LocalFlags::ECHO)
    }

    /// The started program's children: (pid, state letter from /proc, e.g. 'T' when
    /// stopped). For a shell: its jobs.
    pub fn jobs(&self) -> Vec<(u32, char)> {
        let Some(parent) = self.child.process_id() else {
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
            (ppid == parent).then_some((pid, state))
        })
        .collect()
    }

    pub fn pid(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// Asserts the terminal was handed back intact: the alternate screen left, the cursor
    /// shown, bracketed paste and mouse reporting off, raw mode undone (seen as the
    /// terminal state the emulator ends in).
    pub fn assert_restored(&self) {
        let bytes = self.bytes();
        let last = |seq: &[u8]| bytes.windows(seq.len()).rposition(|w| w == seq);
        let entered = last(b"\x1b[?1049h").expect("entered the alternate screen");
        let left = last(b"\x1b[?1049l").expect("left the alternate screen");
        assert!(left > entered, "left the alternate screen after entering it");
        let shown = last(b"\x1b[?25h").expect("showed the cursor");
        assert!(shown > entered);
        let paste_off = last(b"\x1b[?2004l").expect("disabled bracketed paste");
        assert!(paste_off > entered);
        if let Some(mouse_on) = last(b"\x1b[?1000h") {
            assert!(
                last(b"\x1b[?1000l").is_some_and(|off| off > mouse_on),
                "mouse capture disabled"
            );
        }
        let parser = self.screen();
        assert!(!parser.screen().alternate_screen(), "back on the main screen");
        assert!(!parser.screen().hide_cursor(), "cursor visible");
        // Raw mode undone: the line discipline echoes and edits lines again.
        assert!(self.cooked(), "raw mode disabled: {:?}", self.local_flags());
    }
}

impl Drop for Pty {
    fn drop(&mut self) {
        let _ = self.child.kill();
    }
}

//! The system clipboard, through the platform's own clipboard program, beside OSC 52.
//!
//! Owns: finding a clipboard program the way Helix does — `pbcopy` on macOS, `wl-copy`
//! when `WAYLAND_DISPLAY` is set, `xclip -selection clipboard` or `xsel -b` when
//! `DISPLAY` is set, `win32yank.exe` or `clip.exe` under WSL, `termux-clipboard-set` on
//! Termux — and running it: the (sanitised) text piped to its standard input, its output
//! discarded (it must never reach the terminal), killed when it takes longer than
//! `TIMEOUT`. Does not own: OSC 52 (`term::clipboard`, always written as well, since it
//! works over SSH and in tmux where no system clipboard is reachable), what is copied
//! (`app::copy`), or the thread it runs on (the executor runs it off the UI thread).
//!
//! Why programs rather than a clipboard crate: on X11 and Wayland the clipboard belongs
//! to a running process, so a library that owns the selection loses it when the app
//! exits (or has to keep a thread serving it), and it links display libraries a headless
//! build does not have. `xclip` and `wl-copy` fork a small server that keeps the text
//! after mavera-tui has quit; `pbcopy` and `clip.exe` hand it to the OS. A program that
//! hangs (an X server that does not answer) is killed after `TIMEOUT`, and since it runs
//! on a blocking thread, no frame ever waits for it.

use std::ffi::{OsStr, OsString};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Longest a clipboard program may take.
pub const TIMEOUT: Duration = Duration::from_secs(1);

/// A clipboard program found on this machine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Provider {
    /// How the status bar names it: `wl-copy`, `xclip`.
    pub name: &'static str,
    pub program: PathBuf,
    pub args: &'static [&'static str],
}

/// The candidates, in the order they are tried, each with the condition it needs.
fn candidates(env: &dyn Fn(&str) -> Option<OsString>) -> Vec<(&'static str, &'static [&'static str])> {
    let set = |name: &str| env(name).is_some_and(|v| !v.is_empty());
    let mut list: Vec<(&'static str, &'static [&'static str])> = Vec::new();
    if cfg!(target_os = "macos") {
        list.push(("pbcopy", &[]));
    }
    if set("WAYLAND_DISPLAY") {
        list.push(("wl-copy", &[]));
    }
    if set("DISPLAY") {
        list.push(("xclip", &["-selection", "clipboard"]));
        list.push(("xsel", &["-b", "-i"]));
    }
    if set("WSL_DISTRO_NAME") || set("WSL_INTEROP") {
        list.push(("win32yank.exe", &["-i", "--crlf"]));
        list.push(("clip.exe", &[]));
    }
    if set("TERMUX_VERSION") {
        list.push(("termux-clipboard-set", &[]));
    }
    list
}

/// The clipboard program of this session, if one is reachable.
pub fn detect() -> Option<Provider> {
    detect_with(&|name| std::env::var_os(name))
}

/// `detect` with another environment (tests): variables and `PATH` come from `env`.
pub fn detect_with(env: &dyn Fn(&str) -> Option<OsString>) -> Option<Provider> {
    let path = env("PATH")?;
    candidates(env)
        .into_iter()
        .find_map(|(name, args)| find(name, &path).map(|program| Provider { name, program, args }))
}

/// `program` in the folders of `path`, if it is there and executable.
fn find(program: &str, path: &OsStr) -> Option<PathBuf> {
    std::env::split_paths(path)
        .map(|dir| dir.join(program))
        .find(|p| executable(p))
}

fn executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    {
        meta.is_file()
    }
}

/// Puts `text` (sanitised again here: what is pasted elsewhere must be as safe as what
/// was shown) on the clipboard through `provider`, waiting at most `timeout`. Blocks the
/// calling thread for that long at worst: call it off the UI thread.
pub fn copy(provider: &Provider, text: &str, timeout: Duration) -> Result<(), String> {
    let text = crate::sanitize::clean(text);
    let mut child = Command::new(&provider.program)
        .args(provider.args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("{} did not start: {e}", provider.name))?;
    // Written from its own thread: a program that never reads would otherwise block
    // this one on a full pipe, past the timeout.
    if let Some(mut stdin) = child.stdin.take() {
        std::thread::spawn(move || {
            let _ = stdin.write_all(text.as_bytes());
            // Dropped here: the end of input, which the program waits for.
        });
    }
    let deadline = Instant::now() + timeout;
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("{} failed ({status})", provider.name)),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "{} did not answer within {} ms",
                    provider.name,
                    timeout.as_millis()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Err(format!("{}: {e}", provider.name)),
        }
    }
}

/// What copying through the system clipboard came to: the program that took the text,
/// or why none did (`None`: there is no system clipboard here).
pub type Outcome = Result<&'static str, Option<String>>;

/// Finds this session's clipboard program and copies `text` with it, on a thread of its
/// own; `done` gets the outcome. Returns at once.
pub fn copy_in_background(text: String, done: impl FnOnce(Outcome) + Send + 'static) {
    copy_with_in_background(detect(), text, TIMEOUT, done);
}

/// `copy_in_background` with a given provider and timeout (tests).
pub fn copy_with_in_background(
    provider: Option<Provider>,
    text: String,
    timeout: Duration,
    done: impl FnOnce(Outcome) + Send + 'static,
) {
    let spawned = std::thread::Builder::new()
        .name("mavera-clipboard".into())
        .spawn(move || {
            let outcome = match provider {
                None => Err(None),
                Some(p) => copy(&p, &text, timeout).map(|()| p.name).map_err(Some),
            };
            done(outcome);
        });
    if let Err(e) = spawned {
        tracing::warn!(%e, "could not start the clipboard thread");
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    /// A fake clipboard program `name` in `dir` running `body` (a shell script).
    fn fake(dir: &Path, name: &str, body: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
        path
    }

    fn env<'a>(vars: &'a [(&'a str, OsString)]) -> impl Fn(&str) -> Option<OsString> + 'a {
        move |name| vars.iter().find(|(k, _)| *k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn the_program_is_found_by_the_display_in_use_and_on_path() {
        let dir = tempfile::tempdir().expect("tempdir");
        fake(dir.path(), "wl-copy", "cat >/dev/null");
        fake(dir.path(), "xsel", "cat >/dev/null");
        let path = dir.path().as_os_str().to_owned();
        let wayland = [
            ("PATH", path.clone()),
            ("WAYLAND_DISPLAY", "wayland-0".into()),
            ("DISPLAY", ":0".into()),
        ];
        assert_eq!(detect_with(&env(&wayland)).map(|p| p.name), Some("wl-copy"));
        let x11 = [("PATH", path.clone()), ("DISPLAY", ":0".into())];
        let found = detect_with(&env(&x11)).expect("xsel, since there is no xclip");
        assert_eq!((found.name, found.args), ("xsel", &["-b", "-i"][..]));
        let headless = [("PATH", path.clone())];
        assert_eq!(
            detect_with(&env(&headless)),
            None,
            "no display: no system clipboard"
        );
        let empty = [("PATH", path), ("WAYLAND_DISPLAY", "".into())];
        assert_eq!(detect_with(&env(&empty)), None);
    }

    #[test]
    fn the_text_arrives_on_the_programs_input_sanitised() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("clipboard.txt");
        let program = fake(dir.path(), "wl-copy", &format!("cat > '{}'", out.display()));
        let provider = Provider {
            name: "wl-copy",
            program,
            args: &[],
        };
        copy(&provider, "line 1\n\u{1b}]52;c;cHduZWQ=\u{7}tab\there ✓", TIMEOUT).expect("copied");
        assert_eq!(std::fs::read_to_string(&out).expect("out"), "line 1\ntab\there ✓");
    }

    #[test]
    fn a_failing_program_is_reported() {
        let dir = tempfile::tempdir().expect("tempdir");
        let provider = Provider {
            name: "xclip",
            program: fake(dir.path(), "xclip", "cat >/dev/null; exit 3"),
            args: &[],
        };
        let err = copy(&provider, "x", TIMEOUT).unwrap_err();
        assert!(err.starts_with("xclip failed"), "{err}");
    }

    #[test]
    fn a_hanging_program_times_out_without_blocking_the_caller() {
        let dir = tempfile::tempdir().expect("tempdir");
        let provider = Provider {
            name: "xclip",
            program: fake(dir.path(), "xclip", "exec sleep 30"),
            args: &[],
        };
        let (tx, rx) = std::sync::mpsc::channel();
        let started = Instant::now();
        // A text larger than a pipe's buffer, which the program never reads.
        copy_with_in_background(
            Some(provider),
            "x".repeat(1 << 20),
            Duration::from_millis(300),
            move |o| {
                let _ = tx.send(o);
            },
        );
        assert!(
            started.elapsed() < Duration::from_millis(100),
            "the caller does not wait"
        );
        let outcome = rx.recv_timeout(Duration::from_secs(5)).expect("an outcome");
        let waited = started.elapsed();
        let err = outcome.unwrap_err().expect("a reason");
        assert!(err.contains("did not answer within 300 ms"), "{err}");
        assert!(
            waited >= Duration::from_millis(300) && waited < Duration::from_secs(3),
            "{waited:?}"
        );
    }

    #[test]
    fn no_program_is_no_system_clipboard() {
        let (tx, rx) = std::sync::mpsc::channel();
        copy_with_in_background(None, "x".into(), TIMEOUT, move |o| {
            let _ = tx.send(o);
        });
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(5)).expect("an outcome"),
            Err(None)
        );
    }
}

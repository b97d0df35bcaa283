//! Entering full-screen mode and leaving it on every exit path.
//!
//! Owns: raw mode, the alternate screen, bracketed paste, mouse capture (only when
//! asked for: it breaks the terminal's own text selection), keyboard enhancement (so
//! Shift+Enter is distinguishable where the terminal supports it), and their undoing —
//! on drop (normal quit, error return), from the panic hook (any thread, including a
//! spawned task), and for a while on suspending to the shell (`suspend`: undo, stop the
//! process with SIGTSTP, redo and clear the screen once the shell continues it).
//! Does not own: drawing or input.

use std::io::{self, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
    KeyboardEnhancementFlags, PopKeyboardEnhancementFlags, PushKeyboardEnhancementFlags,
};
use crossterm::terminal::{disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

use super::screen::Screen;

/// The terminal in full-screen mode. Dropping it restores the terminal.
pub struct TerminalGuard {
    active: Arc<AtomicBool>,
    mouse: bool,
    enhanced: bool,
}

impl TerminalGuard {
    /// Enters full-screen mode and installs the panic hook that undoes it.
    pub fn enter(mouse: bool) -> io::Result<(Screen, TerminalGuard)> {
        let active = Arc::new(AtomicBool::new(true));
        let enhanced = matches!(crossterm::terminal::supports_keyboard_enhancement(), Ok(true));
        install_panic_hook(active.clone(), mouse, enhanced);
        let guard = TerminalGuard {
            active,
            mouse,
            enhanced,
        };
        enter_modes(mouse, enhanced)?;
        let terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
        Ok((Screen::new(terminal), guard))
    }

    /// Suspends to the shell (Ctrl+Z, which raw mode delivers as a key): hands the
    /// terminal back as on exit, stops the process with SIGTSTP as the terminal itself
    /// would, and once the shell continues it (`fg`, SIGCONT) takes the terminal again
    /// and clears `screen`, so that the next frame is drawn whole. A process no shell
    /// could continue (not a job of a job-control shell: the kernel would discard the
    /// signal anyway) leaves the terminal alone; returns whether it suspended.
    pub fn suspend(&self, screen: &mut Screen) -> io::Result<bool> {
        if !job_control() {
            return Ok(false);
        }
        self.restore();
        stop_self();
        self.resume(screen)?;
        Ok(true)
    }

    /// Takes the terminal again after `restore` (idempotent) and clears `screen`.
    pub fn resume(&self, screen: &mut Screen) -> io::Result<()> {
        if !self.active.swap(true, Ordering::SeqCst) {
            enter_modes(self.mouse, self.enhanced)?;
        }
        screen.clear()
    }

    /// Leaves full-screen mode now (idempotent).
    pub fn restore(&self) {
        if self.active.swap(false, Ordering::SeqCst) {
            restore_terminal(self.mouse, self.enhanced);
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        self.restore();
    }
}

/// Raw mode, the alternate screen and the rest, as `enter` sets them up.
fn enter_modes(mouse: bool, enhanced: bool) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    execute!(out, EnterAlternateScreen, EnableBracketedPaste, cursor::Hide)?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    if enhanced {
        execute!(
            out,
            PushKeyboardEnhancementFlags(KeyboardEnhancementFlags::DISAMBIGUATE_ESCAPE_CODES)
        )?;
    }
    Ok(())
}

/// Whether a shell could continue this process after it stops: it is a job of a
/// job-control shell, whose own process group (same session) differs from ours. The
/// kernel discards SIGTSTP for a process group no one could continue (an orphaned one).
#[cfg(unix)]
fn job_control() -> bool {
    use nix::unistd::{getpgid, getpgrp, getppid, getsid};
    let parent = getppid();
    let same_session = matches!((getsid(Some(parent)), getsid(None)), (Ok(a), Ok(b)) if a == b);
    same_session && getpgid(Some(parent)).is_ok_and(|g| g != getpgrp())
}

#[cfg(not(unix))]
fn job_control() -> bool {
    false
}

/// Stops the whole process with SIGTSTP, as Ctrl+Z in a cooked terminal would; returns
/// once it is continued (SIGCONT).
#[cfg(unix)]
fn stop_self() {
    use nix::sys::signal::{raise, Signal};
    let _ = raise(Signal::SIGTSTP);
}

#[cfg(not(unix))]
fn stop_self() {}

/// Undoes everything `enter` did, ignoring errors: this runs on the way out, when
/// there is nobody left to report them to (or on suspending, when the shell takes over).
fn restore_terminal(mouse: bool, enhanced: bool) {
    let mut out = io::stdout();
    if enhanced {
        let _ = execute!(out, PopKeyboardEnhancementFlags);
    }
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, DisableBracketedPaste, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Restores the terminal before the panic is printed, so the message is readable and
/// the shell usable; then ends the process, since a panic in any task leaves the app in
/// a state it cannot draw from.
#[allow(
    clippy::print_stderr,
    reason = "after a crash, with the terminal restored, stderr is the one place left to tell"
)]
fn install_panic_hook(active: Arc<AtomicBool>, mouse: bool, enhanced: bool) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if active.swap(false, Ordering::SeqCst) {
            restore_terminal(mouse, enhanced);
        }
        previous(info);
        eprintln!("mavera-tui crashed; the terminal has been restored. Details are in the log file.");
        std::process::exit(101);
    }));
}

//! The event loop: the one room that sees the terminal, the reducer, the views and the
//! network together.
//!
//! Owns: `tokio::select!` over terminal input, network events, the frame deadline, the
//! animation tick (only while something animates) and termination signals; draining
//! whatever else is already queued before drawing at most once; stamping events with
//! the time; suspending to the shell when the reducer asks (`suspend_requests`, Ctrl+Z):
//! the terminal guard hands the terminal over and takes it back, and the loop then
//! reports the (possibly new) size as a resize, so the next frame is drawn whole.
//! Also writing the clipboard texts the executor hands back (OSC 52) on the frames'
//! writer, between frames, never inside a frame's synchronized-output block.
//! Does not own: any decision (the reducer) or any pixel (the views).

mod account;
pub mod executor;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use crossterm::event::{Event as TermEvent, EventStream};
use futures_util::future::FusedFuture;
use futures_util::StreamExt;
use tokio::sync::mpsc;

use crate::api::Client;
use crate::app::{self, AppState, Event, Timed};
use crate::config::Settings;
use crate::term::frame::{read_instant_after, FrameScheduler, FRAME_INTERVAL_MS};
use crate::term::guard::TerminalGuard;
use crate::term::screen::Screen;
use crate::view::{self, theme::Theme, ViewCache};
use executor::{load_cache, Executor};

/// How the app was launched.
#[derive(Debug, Clone, Default)]
pub struct Launch {
    /// Names the server for the user: its host, or `DEMO`.
    pub server_label: String,
    /// Whether the server is the built-in simulator.
    pub demo: bool,
    /// Persona to select at start (name or id).
    pub persona: Option<String>,
    /// Shown in the status bar at start.
    pub hint: Option<String>,
    /// Where the persona list is cached between runs.
    pub cache_file: Option<PathBuf>,
    /// Where saved panels are kept.
    pub panels_file: Option<PathBuf>,
    /// Personas (names or ids) to compare side by side from the start.
    pub panel: Option<Vec<String>>,
    /// The colours, decided before the terminal is taken over (`cli::theme`).
    pub theme: Theme,
    /// Conversations to open (`mavera-tui import FILE`).
    pub restore: Vec<crate::app::RestoredThread>,
    /// Test-only: crash on purpose (`main` or `task`) once the first frame is drawn, to
    /// prove the terminal is restored on a panic.
    pub test_panic: Option<String>,
    /// The conversation history (`crate::history`): its storage task, or why there is none.
    pub history: Option<crate::history::Session>,
    /// The key table, with the config's `[keys]` (checked before the terminal is taken).
    pub keys: crate::app::keytable::KeyTable,
    /// Start in the presenter layout (`--present`).
    pub present: bool,
    /// Replaying a recording: its prompts, for Ctrl+P.
    pub replay_prompts: Vec<String>,
}

/// Most queued events handled before a frame is drawn: keeps input responsive even
/// when the network floods the channel.
const DRAIN_LIMIT: usize = 256;

/// Runs the app until the user quits. Only a terminal failure is an error.
pub async fn run(client: Client, settings: &Settings, launch: Launch) -> std::io::Result<()> {
    let (mut screen, guard) = TerminalGuard::enter(settings.mouse)?;
    let result = run_loop(&mut screen, &guard, client, settings, launch).await;
    guard.restore();
    result
}

async fn run_loop(
    screen: &mut Screen,
    guard: &TerminalGuard,
    client: Client,
    settings: &Settings,
    launch: Launch,
) -> std::io::Result<()> {
    let clock = Instant::now();
    let now = || clock.elapsed().as_millis() as u64;
    let (tx, mut rx) = mpsc::channel::<Event>(64);
    let mut executor = Executor::new(
        client,
        settings.retry.clone(),
        tx,
        launch.cache_file.clone(),
        launch.panels_file.clone(),
        clock,
    );
    executor.attach_history(launch.history.clone());
    executor.report_recording();
    let mut state = AppState::new(app::state::Connection {
        label: launch.server_label.clone(),
        demo: launch.demo,
        model: settings.model.clone(),
        hint: launch.hint.clone(),
        extra_body: settings.extra_body.clone(),
    });
    state.mouse = settings.mouse;
    state.keys = launch.keys.clone();
    state.presenter = launch.present;
    state.analysis_mode = settings.responses.analysis_mode;
    state.account.low_credits = settings.low_credits;
    state.account.budget = settings.budget.map(crate::app::budget::Budget::new);
    state.local_personas = settings.personas.clone();
    state.pending_persona = launch
        .persona
        .clone()
        .or_else(|| settings.default_persona.clone());
    state.compare.pending = launch.panel.clone();
    state.deck = app::replay::Deck::new(launch.replay_prompts.clone());
    state.structure = app::structure::Structure::new(settings.schemas.clone(), settings.tools.clone());
    let size = screen.size()?;
    state.size = (size.width, size.height);
    let theme = launch.theme.clone();
    let mut cache = ViewCache::default();
    let mut frames = FrameScheduler::new(FRAME_INTERVAL_MS);

    let cached = launch.cache_file.as_deref().and_then(load_cache);
    let start = app::start(&mut state, cached);
    if executor.run(start.into_vec()).redraw {
        frames.request();
    }
    if !launch.restore.is_empty() {
        let restore = Event::Restore(launch.restore.clone());
        let effects = app::update(
            &mut state,
            Timed {
                now: now(),
                event: restore,
            },
        );
        let _ = executor.run(effects.into_vec());
        frames.request();
    }
    let (mut input, mut input_task) = spawn_input();
    let mut signals = Signals::new()?;
    let mut syntaxes = load_syntaxes();
    let mut suspends_seen = state.suspend_requests;

    loop {
        let t = now();
        // Deadlines are instants of the app's clock, so that a frame and a tick due on
        // the same tick of the stream clock share one wake-up.
        let at = |ms: u64| clock + Duration::from_millis(ms);
        let frame_at = frames.deadline(t).map(at);
        // While something animates (spinner, countdown, text waiting for its checkpoint),
        // a tick at each instant the streams are read (`read_instant_after`): the same
        // wake-up as theirs, and never more than the timer's finest span (64 ms) ahead —
        // a sleep set further ahead costs a wake-up of its own to move it down the timer
        // wheel, and one set anew on every turn of this loop cost one every 64 ms.
        let tick_at = state.animating().then(|| at(read_instant_after(t)));
        let mut batch: Vec<Event> = Vec::new();
        tokio::select! {
            term = input.recv() => match term {
                Some(Ok(ev)) => batch.extend(translate(ev)),
                Some(Err(e)) => return Err(e),
                None => return Ok(()), // input closed: nothing more can happen
            },
            Some(ev) = rx.recv() => batch.push(ev),
            _ = sleep_until(frame_at) => {}
            _ = sleep_until(tick_at) => batch.push(Event::Tick),
            // Code blocks drawn plain while the syntaxes loaded are drawn in colour.
            _ = &mut syntaxes, if !syntaxes.is_terminated() => frames.request(),
            _ = signals.recv() => {
                executor.abort_all();
                return Ok(());
            }
        }
        // Drain what is already queued, so tokens that arrived together land together.
        for _ in 0..DRAIN_LIMIT {
            match rx.try_recv() {
                Ok(ev) => batch.push(ev),
                Err(_) => break,
            }
        }
        for _ in 0..DRAIN_LIMIT {
            match input.try_recv() {
                Ok(Ok(ev)) => batch.extend(translate(ev)),
                _ => break,
            }
        }
        // Streamed text was read: its frame is drawn once it is in, not at a wake-up of
        // its own a few milliseconds later (`FrameScheduler::due_with_text`).
        let text_read = batch.iter().any(|e| matches!(e, Event::Answer { .. }));
        for event in batch {
            tracing::trace!(event = event_kind(&event), "event");
            if let Event::Resize { width, height } = event {
                resize(screen, width, height)?;
            }
            // Streamed text and animation ticks may wait a little to share a frame;
            // what the user did is drawn at the frame cap.
            let streamed = matches!(event, Event::Answer { .. } | Event::Tick);
            let effects = app::update(&mut state, Timed { now: now(), event });
            let outcome = executor.run(effects.into_vec());
            // Between frames (no frame is being written now), on the frames' own writer.
            copy_to_clipboard(screen, &outcome.clipboard)?;
            match (outcome.redraw, streamed) {
                (true, true) => frames.request_stream(),
                (true, false) => frames.request(),
                (false, _) => {}
            }
            if outcome.quit {
                executor.abort_all();
                return Ok(());
            }
            if state.suspend_requests != suspends_seen {
                suspends_seen = state.suspend_requests;
                if guard.suspend(screen)? {
                    // Back from the shell: the screen was cleared; the size may differ.
                    let size = screen.size()?;
                    resize(screen, size.width, size.height)?;
                    let event = Event::Resize {
                        width: size.width,
                        height: size.height,
                    };
                    let effects = app::update(&mut state, Timed { now: now(), event });
                    let _ = executor.run(effects.into_vec());
                    frames.request();
                }
            }
            // Ctrl+E in the instructions popup: the text goes to `$EDITOR`. Nothing may
            // read the terminal meanwhile, or the editor's keys would reach the app: the
            // input task is stopped first and started again after.
            if let Some(text) = state
                .instructions_edit
                .as_ref()
                .filter(|e| e.external)
                .map(|e| e.editor.text())
            {
                let editor =
                    crate::term::editor::command(std::env::var("VISUAL").ok(), std::env::var("EDITOR").ok());
                let result = match editor {
                    None => Err("no editor: set $EDITOR (or $VISUAL); the popup edits too".to_owned()),
                    Some(cmd) => {
                        input_task.abort();
                        let _ = (&mut input_task).await;
                        let edited = crate::term::editor::edit(guard, screen, &cmd, &text);
                        (input, input_task) = spawn_input();
                        let size = screen.size()?;
                        resize(screen, size.width, size.height)?;
                        let resized = Event::Resize {
                            width: size.width,
                            height: size.height,
                        };
                        let _ = executor.run(
                            app::update(
                                &mut state,
                                Timed {
                                    now: now(),
                                    event: resized,
                                },
                            )
                            .into_vec(),
                        );
                        edited
                    }
                };
                let event = Event::InstructionsEdited(result);
                let _ = executor.run(app::update(&mut state, Timed { now: now(), event }).into_vec());
                frames.request();
            }
        }
        let t = now();
        if frames.due(t) || (text_read && frames.due_with_text(t)) {
            let measured = draw(screen, &state, &mut cache, &theme)?;
            frames.drawn(t);
            // What the frame measured goes through the reducer like any event, and its
            // effects are carried out like any others.
            for event in measured {
                let effects = app::update(&mut state, Timed { now: now(), event });
                if executor.run(effects.into_vec()).redraw {
                    frames.request();
                }
            }
            match launch.test_panic.as_deref() {
                Some("main") => panic!("test panic in the event loop"),
                Some("task") => drop(tokio::spawn(async { panic!("test panic in a spawned task") })),
                _ => {}
            }
        }
    }
}

/// Loads the syntaxes for code colours on a thread of their own (never the UI's, nor a
/// runtime worker a quit would wait for); the receiver resolves when they are ready.
fn load_syntaxes() -> futures_util::future::Fuse<tokio::sync::oneshot::Receiver<()>> {
    use futures_util::FutureExt;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let spawned = std::thread::Builder::new()
        .name("syntaxes".to_owned())
        .spawn(move || {
            let _ = view::highlight::load();
            let _ = tx.send(());
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "no thread to load the syntaxes: code blocks stay plain");
    }
    rx.fuse()
}

/// Draws one frame, wrapped in synchronized output so the terminal shows it whole;
/// returns what the frame measured, as events for the reducer. Public for the
/// benchmarks, which draw a frame exactly as the app does, into a writer of their own.
pub fn draw<B: ratatui::backend::Backend + std::io::Write>(
    screen: &mut Screen<B>,
    state: &AppState,
    cache: &mut ViewCache,
    theme: &Theme,
) -> std::io::Result<Vec<Event>> {
    use crossterm::terminal::{BeginSynchronizedUpdate, EndSynchronizedUpdate};
    crossterm::queue!(screen.backend_mut(), BeginSynchronizedUpdate)?;
    // ratatui's `Terminal::draw` asks the terminal for its size first (an ioctl, and an
    // open of /dev/tty, every frame); the size is kept current from resize events
    // instead (`resize`), so a frame is render (over the last one), diff, write.
    let report = screen.draw(|frame, canvas| {
        let mut report = view::render_on(frame, canvas, state, cache, theme);
        let painted = std::mem::take(&mut report.painted);
        (report, painted)
    })?;
    crossterm::execute!(screen.backend_mut(), EndSynchronizedUpdate)?;
    Ok(report.events(state))
}

/// Writes each text to the terminal's clipboard (OSC 52). Outside a frame's synchronized
/// output block, so terminals that hold back output during one act on it at once.
fn copy_to_clipboard(screen: &mut Screen, texts: &[String]) -> std::io::Result<()> {
    use std::io::Write;
    if texts.is_empty() {
        return Ok(());
    }
    let backend = screen.backend_mut();
    for text in texts {
        backend.write_all(crate::term::clipboard::osc52(text).as_bytes())?;
    }
    backend.flush()
}

/// Makes the next frame fit a terminal of `width` × `height` (drawn whole, from a
/// cleared screen).
fn resize(screen: &mut Screen, width: u16, height: u16) -> std::io::Result<()> {
    screen.resize(ratatui::layout::Rect::new(0, 0, width, height))
}

/// A loggable summary of an event: never its text (pastes may hold secrets).
fn event_kind(event: &Event) -> String {
    match event {
        Event::Key(k) => format!("key {:?} {:?} {:?}", k.code, k.modifiers, k.kind),
        Event::Paste(s) => format!("paste of {} bytes", s.len()),
        Event::Answer { id, events } => format!("answer {} batch of {}", id.0, events.len()),
        other => format!("{:?}", std::mem::discriminant(other)),
    }
}

/// Terminal input, read by its own task into a channel so the loop can drain it without
/// polling the event stream itself (polling it with a throw-away waker would leave the
/// stream's wake-up thread holding that waker, and input would stall).
/// The terminal's events, read by a task (its handle: aborted while `$EDITOR` runs).
fn spawn_input() -> (
    mpsc::Receiver<std::io::Result<TermEvent>>,
    tokio::task::JoinHandle<()>,
) {
    let (tx, rx) = mpsc::channel(256);
    let task = tokio::spawn(async move {
        let mut stream = EventStream::new();
        while let Some(ev) = stream.next().await {
            let failed = ev.is_err();
            if tx.send(ev).await.is_err() || failed {
                break;
            }
        }
    });
    (rx, task)
}

fn translate(ev: TermEvent) -> Option<Event> {
    match ev {
        TermEvent::Key(k) => Some(Event::Key(k)),
        TermEvent::Paste(s) => Some(Event::Paste(s)),
        TermEvent::Mouse(m) => Some(Event::Mouse(m)),
        TermEvent::Resize(width, height) => Some(Event::Resize { width, height }),
        TermEvent::FocusGained | TermEvent::FocusLost => None,
    }
}

/// Sleeps until `instant`; forever when there is none.
async fn sleep_until(instant: Option<Instant>) {
    match instant {
        Some(i) => tokio::time::sleep_until(tokio::time::Instant::from_std(i)).await,
        None => std::future::pending().await,
    }
}

/// SIGTERM, SIGHUP and SIGINT end the app cleanly (the terminal guard restores).
struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    fn new() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let streams = vec![
                signal(SignalKind::terminate())?,
                signal(SignalKind::hangup())?,
                signal(SignalKind::interrupt())?,
            ];
            Ok(Signals { streams })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures_util::future::select_all(waits).await;
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

/// Where the persona list of a server is cached: one file per host.
pub fn persona_cache_file(env: &HashMap<String, String>, label: &str) -> Option<PathBuf> {
    let safe: String = label
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    crate::config::cache_dir(env).map(|d| d.join(format!("personas-{safe}.json")))
}

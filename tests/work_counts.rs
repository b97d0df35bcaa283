//! Work counts, not times: proofs that per-token work does not grow with the transcript
//! or with the paragraph being streamed, so a regression that makes streaming O(n²)
//! fails deterministically, on any machine.
//!
//! Owns: (1) layout work while an answer streams, read from `ViewCache::stats`, for a
//! short and a long thread, a short and a long answer, a short and a long paragraph, and
//! six columns of which one streams; (2) the real binary in a pseudo-terminal against
//! the simulator: frames per second of a full-speed stream (the frame cap) and of a
//! paced one (the stream interval), bytes written per byte of answer, and silence once
//! the answer is done. No assertion here depends on how fast the machine is: counts are
//! compared with counts, and frames with the elapsed time the test itself measured (an
//! over-estimate of the stream's duration, so a slow machine only loosens the bound).
//! Does not own: speed (`benches/core.rs`, `bench/run.py`).

use std::time::{Duration, Instant};

use mavera_tui::app::thread::{Author, Message, Scroll};
use mavera_tui::sim::SimConfig;
use mavera_tui::term::frame::{FRAME_INTERVAL_MS, STREAM_INTERVAL_MS};
use mavera_tui::view::cache::LayoutStats;
use mavera_tui::view::theme::Theme;
use mavera_tui::view::{self, ViewCache};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

use crate::support::app::{ask_all, panel, App};
use crate::support::pty::Pty;
use crate::support::sim::{start, KEY};

// ---------------------------------------------------------------------------------------
// Layout work, in the library
// ---------------------------------------------------------------------------------------

/// The word stream of the answer: paragraphs of 40 words, so the stable prefix moves on
/// as blocks complete (what real answers do).
fn answer_deltas(n: usize) -> Vec<String> {
    const WORDS: [&str; 8] = [
        "margin",
        "price",
        "the",
        "customers",
        "value",
        "risk",
        "plan",
        "growth",
    ];
    (0..n)
        .map(|i| {
            let w = WORDS[i % WORDS.len()];
            if i % 40 == 39 {
                format!("{w}.\n\n")
            } else {
                format!("{w} ")
            }
        })
        .collect()
}

/// A finished exchange for the history: a question, and a markdown answer.
fn prior_messages(app: &mut App, n: usize) {
    for i in 0..n {
        let id = app.state.next_id();
        let (author, text) = if i % 2 == 0 {
            (Author::User, format!("question {i}: what about the price?"))
        } else {
            (
                Author::Assistant,
                format!(
                    "## Answer {i}\n\nThe **price** is fair if the plan can pause.\n\n\
                     - free returns\n- no lock-in\n\nThat is my view, number {i}."
                ),
            )
        };
        app.state.thread_mut().messages.push(Message {
            author,
            revision: 1,
            ..Message::user(id, text)
        });
    }
}

fn diff(after: LayoutStats, before: LayoutStats) -> LayoutStats {
    LayoutStats {
        full_layouts: after.full_layouts - before.full_layouts,
        tail_layouts: after.tail_layouts - before.tail_layouts,
        lines_laid_out: after.lines_laid_out - before.lines_laid_out,
        code_lines_parsed: after.code_lines_parsed - before.code_lines_parsed,
    }
}

/// What laying out cost in each phase of one streamed answer.
#[derive(Debug)]
struct Phases {
    /// The first frame of the thread: every message is laid out (once).
    open: LayoutStats,
    /// From sending the question to the last delta, a frame after each delta.
    streaming: LayoutStats,
    /// Completing the answer, and its frame.
    completing: LayoutStats,
    /// One more frame with nothing changed.
    idle: LayoutStats,
    /// The first frame scrolled to the middle of the thread: lays out what comes into
    /// view for the first time (the cache is lazy), a screenful at most.
    scrolled_in: LayoutStats,
    /// One more frame there: nothing to lay out.
    scrolled: LayoutStats,
}

/// Streams `deltas` deltas into an answer after `prior` messages, drawing at 120×40
/// after every delta with one shared cache, as the app does.
fn stream_and_count(prior: usize, deltas: usize) -> Phases {
    let mut app = App::loaded();
    app.pick("ccfo");
    prior_messages(&mut app, prior);
    let theme = Theme::no_color();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut cache = ViewCache::default();
    let mut frame = |app: &App, cache: &mut ViewCache| {
        terminal
            .draw(|f| {
                let _ = view::render(f, &app.state, cache, &theme);
            })
            .expect("draw");
        cache.stats
    };
    let s0 = cache.stats;
    let s1 = frame(&app, &mut cache);
    let id = app.ask("and the margin?");
    let _ = frame(&app, &mut cache);
    for d in answer_deltas(deltas) {
        let _ = app.deltas(id, &[&d]);
        let _ = frame(&app, &mut cache);
    }
    let s2 = cache.stats;
    let _ = app.complete(id, Some(2.0));
    let s3 = frame(&app, &mut cache);
    let s4 = frame(&app, &mut cache);
    app.state.thread_mut().scroll = Scroll::Top(prior); // well inside a long thread
    let s45 = frame(&app, &mut cache);
    let s5 = frame(&app, &mut cache);
    Phases {
        open: diff(s1, s0),
        streaming: diff(s2, s1),
        completing: diff(s3, s2),
        idle: diff(s4, s3),
        scrolled_in: diff(s45, s4),
        scrolled: diff(s5, s45),
    }
}

#[test]
fn streaming_layout_work_does_not_depend_on_the_transcript() {
    let short = stream_and_count(10, 500);
    let long = stream_and_count(2_000, 500);
    eprintln!("layout work after 10 messages: {short:?}\nafter 2,000: {long:?}");
    // Opening lays out only what is on screen (40 rows), however long the thread.
    assert!(short.open.full_layouts <= 10, "{short:?}");
    assert!(long.open.full_layouts <= 40, "{long:?}");
    // While streaming, the history is never touched again: the work is the same to the
    // line whether 10 or 2,000 messages come before the answer.
    assert_eq!(
        short.streaming, long.streaming,
        "streaming work after 10 messages vs 2,000: {short:?} / {long:?}"
    );
    // Only the new question and the answer are laid out from scratch; every other
    // re-layout is of the streaming tail.
    assert!(long.streaming.full_layouts <= 3, "{long:?}");
    assert!(long.streaming.tail_layouts <= 500 + 2, "{long:?}");
    assert_eq!(short.completing, long.completing, "{short:?} / {long:?}");
    assert!(long.completing.full_layouts <= 1, "{long:?}");
    // Scrolling into text not seen yet lays out about a screenful (40 rows) of messages;
    // a frame where nothing changed, and staying there, cost nothing.
    assert!(long.scrolled_in.full_layouts <= 40, "{long:?}");
    assert_eq!(long.idle, LayoutStats::default(), "{long:?}");
    assert_eq!(long.scrolled, LayoutStats::default(), "{long:?}");
}

#[test]
fn streaming_layout_work_grows_linearly_with_the_answer() {
    // Re-laying-out the whole answer per delta would make twice the deltas cost four
    // times the lines; re-laying-out only the tail costs twice (plus a little).
    let half = stream_and_count(10, 400).streaming.lines_laid_out;
    let whole = stream_and_count(10, 800).streaming.lines_laid_out;
    eprintln!("lines laid out streaming 400 deltas: {half}, 800 deltas: {whole}");
    assert!(
        whole * 10 <= half * 25,
        "800 deltas laid out {whole} lines, 400 deltas {half}: more than linear"
    );
}

/// One long paragraph, a word per delta, a soft line break every 17 words: the shape
/// whose whole-block re-layout per frame made the cost grow with its length.
fn paragraph_deltas(n: usize) -> Vec<String> {
    answer_deltas(n)
        .into_iter()
        .enumerate()
        .map(|(i, d)| {
            let word = d.trim_end();
            let word = word.strip_suffix('.').unwrap_or(word);
            if i % 17 == 16 {
                format!("{word}.\n")
            } else {
                format!("{word} ")
            }
        })
        .collect()
}

/// Streams one paragraph of `words` words into an answer, drawing at 120×40 after each
/// delta; returns the layout work of each frame.
fn paragraph_frames(words: usize) -> Vec<LayoutStats> {
    let mut app = App::loaded();
    app.pick("ccfo");
    let theme = Theme::no_color();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut cache = ViewCache::default();
    let id = app.ask("and the margin?");
    let mut per_frame = Vec::with_capacity(words);
    for d in paragraph_deltas(words) {
        let _ = app.deltas(id, &[&d]);
        let before = cache.stats;
        terminal
            .draw(|f| {
                let _ = view::render(f, &app.state, &mut cache, &theme);
            })
            .expect("draw");
        per_frame.push(diff(cache.stats, before));
    }
    per_frame
}

#[test]
fn a_frame_lays_out_a_few_lines_however_long_the_paragraph() {
    // Re-laying-out the open paragraph whole, as a block-level cache must, would make
    // the last frames of 4,000 words lay out ~280 lines each, four times what 1,000
    // words cost. Laid out in pieces, a frame is the last line and the words after it.
    let most = |frames: &[LayoutStats]| frames.iter().map(|f| f.lines_laid_out).max().unwrap_or(0);
    let short = paragraph_frames(1_000);
    let long = paragraph_frames(4_000);
    let (short_most, long_most) = (most(&short), most(&long));
    eprintln!("most lines laid out by one frame: 1,000 words {short_most}, 4,000 words {long_most}");
    assert!(
        long_most <= 12,
        "a frame of the 4,000-word paragraph laid out {long_most} lines"
    );
    assert!(
        long_most <= short_most + 2,
        "frame work grew with the paragraph: {short_most} lines at 1,000 words, {long_most} at 4,000"
    );
    // And no frame starts the answer over: the question and the answer are laid out
    // from scratch once each, every other frame extends the answer.
    let full: u64 = long.iter().map(|f| f.full_layouts).sum();
    assert!(full <= 2, "{full} full layouts while streaming");
}

#[test]
fn in_compare_view_a_frame_re_lays_out_only_the_column_that_changed() {
    // 220 columns split six ways are of two widths (36 and 37 cells); one cache serves
    // them all, and a width change must not evict the other columns' layouts.
    let mut app = panel(6);
    let theme = Theme::no_color();
    let mut terminal = Terminal::new(TestBackend::new(220, 50)).expect("terminal");
    let mut cache = ViewCache::default();
    let mut frame = |app: &App, cache: &mut ViewCache| {
        let before = cache.stats;
        terminal
            .draw(|f| {
                let _ = view::render(f, &app.state, cache, &theme);
            })
            .expect("draw");
        diff(cache.stats, before)
    };
    let ids = ask_all(&mut app, "What do you make of our pricing page?");
    for d in answer_deltas(60) {
        for id in &ids {
            let _ = app.deltas(*id, &[&d]);
        }
        let _ = frame(&app, &mut cache);
    }
    let (one, _) = ids.split_at(3);
    let Some(&streaming) = one.last() else {
        panic!("six columns")
    };
    for d in answer_deltas(200) {
        let _ = app.deltas(streaming, &[&d]);
        let work = frame(&app, &mut cache);
        assert_eq!(
            (work.full_layouts, work.tail_layouts),
            (0, 1),
            "only the third column's answer changed: {work:?}"
        );
    }
    // A frame where nothing changed lays out nothing.
    assert_eq!(frame(&app, &mut cache), LayoutStats::default());
}

#[test]
fn while_an_answer_streams_the_sidebar_is_copied_never_drawn_again() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let theme = Theme::no_color();
    let mut terminal = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
    let mut cache = ViewCache::default();
    // Each frame, and the same frame drawn with nothing remembered: a copied sidebar
    // must be the sidebar drawing would give.
    let mut frame = |app: &App, cache: &mut ViewCache| {
        let drawn = terminal
            .draw(|f| {
                let _ = view::render(f, &app.state, cache, &theme);
            })
            .expect("draw")
            .buffer
            .clone();
        let mut fresh = Terminal::new(TestBackend::new(120, 40)).expect("terminal");
        let expected = fresh
            .draw(|f| {
                let _ = view::render(f, &app.state, &mut ViewCache::default(), &theme);
            })
            .expect("draw")
            .buffer
            .clone();
        assert_eq!(drawn, expected, "a frame with a remembered sidebar");
        cache.sidebar.draws
    };
    let id = app.ask("and the margin?");
    let before = frame(&app, &mut cache);
    for d in answer_deltas(120) {
        let _ = app.deltas(id, &[&d]);
        assert_eq!(frame(&app, &mut cache), before, "nothing in the sidebar changed");
    }
    let _ = app.complete(id, Some(2.0));
    assert_eq!(frame(&app, &mut cache), before);
    // What the sidebar shows changes: it is drawn again, once.
    let _ = app.key(crossterm::event::KeyCode::BackTab);
    let _ = app.key(crossterm::event::KeyCode::Down);
    assert_eq!(frame(&app, &mut cache), before + 1, "the cursor moved");
    assert_eq!(frame(&app, &mut cache), before + 1);
}

// ---------------------------------------------------------------------------------------
// Frames and bytes, the real binary in a terminal
// ---------------------------------------------------------------------------------------

const WAIT: Duration = Duration::from_secs(30);

fn count(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// Waits until nothing has been written for `quiet`; returns when the last byte came.
fn wait_quiet(pty: &Pty, quiet: Duration, timeout: Duration) -> Instant {
    let deadline = Instant::now() + timeout;
    let (mut len, mut changed) = (pty.bytes().len(), Instant::now());
    loop {
        std::thread::sleep(Duration::from_millis(10));
        let now = pty.bytes().len();
        if now != len {
            (len, changed) = (now, Instant::now());
        } else if changed.elapsed() >= quiet {
            return changed;
        }
        assert!(Instant::now() < deadline, "the program never went quiet");
    }
}

/// The app in a 120×40 terminal against a simulator streaming `words`-word answers at
/// `tokens_per_sec` (0: full speed), with `prompt` typed and the screen settled.
async fn prompt_typed(
    tokens_per_sec: f64,
    words: usize,
    prompt: &str,
) -> (mavera_tui::sim::SimHandle, Pty, tempfile::TempDir) {
    let sim = start(SimConfig {
        tokens_per_sec,
        answer_words: Some(words),
        ..SimConfig::default()
    })
    .await;
    let url = sim.base_url();
    let home = tempfile::tempdir().expect("home");
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let mut pty = Pty::spawn(home.path(), &["--persona", "CFO"], &env, 120, 40);
    pty.wait_text("Message CFO", WAIT);
    pty.type_text(prompt);
    pty.wait_text(prompt, WAIT);
    wait_quiet(&pty, Duration::from_millis(200), WAIT);
    (sim, pty, home)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_speed_stream_is_drawn_at_the_frame_cap_and_then_the_screen_is_silent() {
    const WORDS: usize = 5_000;
    let (sim, mut pty, _home) = prompt_typed(0.0, WORDS, "the long answer please").await;

    let from = pty.bytes().len();
    let sent = Instant::now();
    pty.send("\r");
    // The server's last byte, then the client's: the answer's footer is on screen.
    let posted = |sim: &mavera_tui::sim::SimHandle| {
        sim.records()
            .iter()
            .find(|r| r.method == "POST" && r.stream)
            .and_then(|r| r.finished_ms)
    };
    let deadline = Instant::now() + WAIT;
    let finished_ms = loop {
        if let Some(ms) = posted(&sim) {
            break ms;
        }
        assert!(Instant::now() < deadline, "the stream never finished");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    pty.wait_text("tokens ·", WAIT);
    // After an answer the client refreshes the balance (`GET /usage`) and draws it: that
    // frame belongs to the answer, so wait for it (if it comes) before going idle.
    let refreshed = |sim: &mavera_tui::sim::SimHandle| {
        sim.records()
            .iter()
            .any(|r| r.path.ends_with("/usage") && r.started_ms >= finished_ms && r.finished_ms.is_some())
    };
    let grace = Instant::now() + Duration::from_secs(5);
    while !refreshed(&sim) && Instant::now() < grace {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let last = wait_quiet(&pty, Duration::from_millis(500), WAIT);
    let elapsed_ms = last.duration_since(sent).as_millis() as u64 + 20; // + one poll
    let written = pty.bytes();
    let stream = written.get(from..).unwrap_or_default();

    // Frames: at most one per frame interval (plus the frames that follow the stream:
    // the footer, the balance), however many deltas arrived.
    let frames = count(stream, b"\x1b[?2026h") as u64;
    eprintln!(
        "{WORDS}-word answer: {frames} frames, {} bytes written, in {elapsed_ms} ms",
        stream.len()
    );
    let cap = elapsed_ms / FRAME_INTERVAL_MS + 5;
    assert!(frames >= 1, "the answer was drawn");
    assert!(
        frames <= cap,
        "{frames} frames in {elapsed_ms} ms: more than one per {FRAME_INTERVAL_MS} ms"
    );
    // Bytes: bounded by the answer, not by deltas × screen. A frame writes what changed
    // on screen; redrawing per token or repainting everything each frame would not fit.
    // The simulator's prose averages 5.6 bytes a word; 5 under-estimates the answer,
    // which only tightens the bound.
    let answer_bytes = WORDS * 5;
    assert!(
        stream.len() < 40 * answer_bytes,
        "{} bytes written for a {answer_bytes}-byte answer in {frames} frames",
        stream.len()
    );
    // Idle: nothing streams, nothing animates, so nothing is written.
    let before = pty.bytes().len();
    std::thread::sleep(Duration::from_secs(1));
    assert_eq!(pty.bytes().len(), before, "bytes written while idle");
    pty.send("\x11"); // Ctrl+Q
    assert_eq!(pty.wait_exit(WAIT), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paced_stream_shares_frames_between_tokens() {
    // 200 tokens a second, a token every 5 ms: one frame per token would be the 60 Hz
    // cap; streamed text waits up to the stream interval, so frames come about 21 times a second.
    const WORDS: usize = 400;
    let (_sim, mut pty, _home) = prompt_typed(200.0, WORDS, "a paced answer please").await;

    let from = pty.bytes().len();
    let sent = Instant::now();
    pty.send("\r");
    pty.wait_text("tokens ·", WAIT);
    let elapsed_ms = sent.elapsed().as_millis() as u64 + 20;
    let stream = pty.bytes();
    let frames = count(stream.get(from..).unwrap_or_default(), b"\x1b[?2026h") as u64;
    eprintln!("{WORDS} words at 200 tokens/s: {frames} frames in {elapsed_ms} ms");
    assert!(frames >= 10, "the answer was drawn as it came: {frames} frames");
    let cap = elapsed_ms / STREAM_INTERVAL_MS + 5;
    assert!(
        frames <= cap,
        "{frames} frames in {elapsed_ms} ms: more than one per {STREAM_INTERVAL_MS} ms"
    );
    pty.send("\x11"); // Ctrl+Q
    assert_eq!(pty.wait_exit(WAIT), 0);
}

//! Criterion micro-benchmarks of the per-token data path: bytes → SSE frames → typed
//! events (`sse`, `decode`), the reducer appending deltas to a streaming answer, drawing
//! the conversation of a 10,000-message thread (cold and warm cache, bottom and middle),
//! rendering one long markdown answer, and the compare view streaming 6 columns.
//!
//! Owns: realistic fixtures for those (generated deterministically here, so no data file
//! is shipped) and the benchmark groups. Does not own: end-to-end numbers of the real
//! binary in a terminal (`bench/run.py`), or assertions — speed is measured here, never
//! asserted; the deterministic work counts that CI checks are in `tests/work_counts.rs`.
//!
//! Run: `cargo bench --bench core` (all), `cargo bench --bench core -- sse` (one group),
//! `cargo bench --bench core -- --quick` (a fast, rougher pass).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, BatchSize, Criterion, SamplingMode, Throughput};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::answer::Assembler;
use mavera_tui::api::events::decode;
use mavera_tui::api::sse::{SseFrame, SseParser};
use mavera_tui::api::wire::Persona;
use mavera_tui::api::{AnswerEvent, StreamEvent};
use mavera_tui::app::state::Connection;
use mavera_tui::app::thread::{Author, Message, Scroll};
use mavera_tui::app::{start, update, AppState, Effect, Event, RequestId, Timed};
use mavera_tui::term::screen::Screen;
use mavera_tui::view::theme::Theme;
use mavera_tui::view::{self, markdown, ViewCache};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use serde_json::json;

// ---------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const WORDS: &[&str] = &[
    "the",
    "price",
    "subscription",
    "customers",
    "would",
    "value",
    "a",
    "clear",
    "plan",
    "and",
    "honestly",
    "margin",
    "budget",
    "quarter",
    "risk",
    "growth",
    "of",
    "brand",
    "trust",
    "is",
    "retention",
    "cost",
    "to",
    "market",
    "for",
    "we",
    "should",
    "test",
    "it",
    "with",
    "small",
    "cohort",
    "before",
    "rolling",
    "out",
    "widely",
    "because",
    "churn",
    "matters",
    "more",
    "than",
    "acquisition",
    "in",
    "this",
    "segment",
    "data",
    "suggests",
    "that",
    "buyers",
    "compare",
    "options",
    "carefully",
    "revenue",
    "forecast",
    "looks",
    "reasonable",
    "but",
    "assumptions",
    "about",
    "pricing",
    "elasticity",
    "are",
    "optimistic",
    "so",
    "I'd",
    "stress-test",
    "them",
    "against",
    "last",
    "year's",
    "numbers",
    "sustainability",
    "matters",
    "authentic",
    "recycled",
    "materials",
    "delivery",
    "returns",
    "free",
    "pause",
    "cancel",
    "any",
    "time",
    "日本",
    "café",
    "naïve",
    "résumé",
];

fn word(rng: &mut Rng) -> &'static str {
    WORDS.get(rng.below(WORDS.len())).copied().unwrap_or("word")
}

/// One sentence, with the inline markup answers use now and then.
fn sentence(rng: &mut Rng, out: &mut String, words: &mut usize) {
    let n = rng.range(8, 20);
    for i in 0..n {
        let w = word(rng);
        if i > 0 {
            out.push(' ');
        }
        match rng.below(40) {
            0 => {
                out.push_str("**");
                out.push_str(w);
                out.push_str("**");
            }
            1 => {
                out.push('*');
                out.push_str(w);
                out.push('*');
            }
            2 => {
                out.push('`');
                out.push_str(w);
                out.push('`');
            }
            _ if i == 0 => {
                let mut c = w.chars();
                if let Some(first) = c.next() {
                    out.extend(first.to_uppercase());
                    out.push_str(c.as_str());
                }
            }
            _ => out.push_str(w),
        }
    }
    out.push_str(if rng.below(8) == 0 { "?" } else { "." });
    *words += n;
}

fn paragraph(rng: &mut Rng, out: &mut String, words: &mut usize) {
    for i in 0..rng.range(2, 5) {
        if i > 0 {
            out.push(' ');
        }
        sentence(rng, out, words);
    }
}

/// One markdown block: mostly paragraphs, sometimes a heading, a list, a table or code.
fn block(rng: &mut Rng, out: &mut String, words: &mut usize) {
    match rng.below(12) {
        0 => {
            out.push_str("## ");
            for i in 0..rng.range(2, 5) {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(word(rng));
                *words += 1;
            }
        }
        1 | 2 => {
            let ordered = rng.below(2) == 0;
            for i in 0..rng.range(3, 6) {
                if i > 0 {
                    out.push('\n');
                }
                if ordered {
                    out.push_str(&format!("{}. ", i + 1));
                } else {
                    out.push_str("- ");
                }
                sentence(rng, out, words);
            }
        }
        3 if rng.below(3) == 0 => {
            out.push_str("| Plan | Price | Verdict |\n|---|---:|---|\n");
            for _ in 0..rng.range(3, 6) {
                let (a, b) = (word(rng), word(rng));
                out.push_str(&format!("| {a} | ${} | {b} |\n", rng.range(5, 99)));
                *words += 3;
            }
            out.pop();
        }
        4 if rng.below(3) == 0 => {
            out.push_str("```rust\n");
            for i in 0..rng.range(3, 8) {
                out.push_str(&format!(
                    "let {}_{i} = margin * {};\n",
                    word(rng),
                    rng.range(1, 9)
                ));
                *words += 4;
            }
            out.push_str("```");
        }
        _ => paragraph(rng, out, words),
    }
}

/// A markdown answer of at least `min_words` words.
fn answer(rng: &mut Rng, min_words: usize) -> String {
    let mut out = String::new();
    let mut words = 0;
    while words < min_words {
        if !out.is_empty() {
            out.push_str("\n\n");
        }
        block(rng, &mut out, &mut words);
    }
    out
}

/// A question as a person types it: one or two sentences, no markup.
fn question(rng: &mut Rng) -> String {
    let mut out = String::new();
    let mut words = 0;
    sentence(rng, &mut out, &mut words);
    out.replace(['*', '`'], "")
}

/// The event stream the simulator writes for an answer of word deltas, at least
/// `min_bytes` long: the same event names, JSON fields (serde_json's sorted keys, as the
/// simulator's) and framing as `mavera-tui sim --tps 0 --words N`. Returns the bytes and
/// the number of deltas.
fn sse_stream(min_bytes: usize) -> (Vec<u8>, usize) {
    let mut rng = Rng(7);
    let mut out = String::with_capacity(min_bytes + 1024);
    let response = |status: &str, usage: serde_json::Value| {
        json!({"created_at": 1796150680, "id": "resp_7e22cdcbb7d368888f107a55", "model": "mavera-1",
               "object": "response", "output": [], "status": status, "usage": usage})
    };
    let created = response("in_progress", serde_json::Value::Null);
    event(
        &mut out,
        "response.created",
        json!({"response": created, "sequence_number": 0, "type": "response.created"}),
    );
    let mut deltas = 0;
    while out.len() < min_bytes {
        deltas += 1;
        let delta = format!("{} ", word(&mut rng));
        event(
            &mut out,
            "response.output_text.delta",
            json!({"content_index": 0, "delta": delta, "item_id": "msg_5b68e65f840914b4ec339ca4",
                   "logprobs": [], "output_index": 0, "sequence_number": deltas,
                   "type": "response.output_text.delta"}),
        );
    }
    let usage = json!({"input_tokens": 20, "output_tokens": deltas,
                       "total_tokens": deltas + 20, "credits_used": 5});
    event(
        &mut out,
        "response.completed",
        json!({"response": response("completed", usage), "sequence_number": deltas + 1,
               "type": "response.completed"}),
    );
    (out.into_bytes(), deltas)
}

fn event(out: &mut String, kind: &str, data: serde_json::Value) {
    out.push_str(&format!("event: {kind}\ndata: {data}\n\n"));
}

fn persona(id: &str, name: &str, category: &str) -> Persona {
    Persona {
        id: id.into(),
        name: name.into(),
        category: category.into(),
        description: format!("{name}: a perspective"),
        is_custom: false,
        is_expert: false,
        created_at: None,
    }
}

/// The app with the persona list loaded and "CFO" picked (as `--persona CFO` does),
/// its thread holding `prior` messages (alternating questions and answers) of about
/// `answer_words` words per answer.
fn app_with_thread(prior: usize, answer_words: usize) -> (AppState, u64) {
    let mut state = AppState::new(Connection {
        label: "bench".into(),
        model: "mavera-1".into(),
        ..Connection::default()
    });
    state.size = (120, 40);
    state.pending_persona = Some("CFO".into());
    let fx = start(&mut state, None).into_vec();
    let load = fx.iter().find_map(|e| match e {
        Effect::LoadPersonas { id } => Some(*id),
        _ => None,
    });
    let mut now = 1;
    let personas = vec![
        persona("cgenz", "Gen Z Consumer", "Generational"),
        persona("ccfo", "CFO", "Professional"),
        persona("cb2b", "B2B Decision Maker", "Professional"),
    ];
    let _ = update(
        &mut state,
        Timed {
            now,
            event: Event::PersonasLoaded {
                id: load.unwrap_or(RequestId(1)),
                result: Ok(personas),
            },
        },
    );
    assert_eq!(state.personas.selected.as_deref(), Some("ccfo"), "CFO is picked");
    let mut rng = Rng(42);
    for i in 0..prior {
        let id = state.next_id();
        let (author, text) = if i % 2 == 0 {
            (Author::User, question(&mut rng))
        } else {
            (Author::Assistant, answer(&mut rng, answer_words))
        };
        state.thread_mut().messages.push(Message {
            author,
            revision: 1,
            ..Message::user(id, text)
        });
    }
    now += 1;
    (state, now)
}

// ---------------------------------------------------------------------------------------
// SSE: bytes → frames → typed events
// ---------------------------------------------------------------------------------------

/// The size reads come in from the socket, roughly.
const CHUNK: usize = 16 * 1024;

fn bench_sse(c: &mut Criterion) {
    // 4.5 MB of events, the 20,000-word answer of the performance table (about 21,000 word deltas in the
    // simulator's framing).
    let (bytes, deltas) = sse_stream(4_500_000);
    eprintln!("sse fixture: {deltas} deltas, {:.2} MB", bytes.len() as f64 / 1e6);
    let mut group = c.benchmark_group("sse");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("frames_4.5MB", |b| {
        b.iter(|| {
            let mut parser = SseParser::default();
            let mut frames: Vec<SseFrame> = Vec::new();
            let mut count = 0usize;
            for chunk in bytes.chunks(CHUNK) {
                let _ = parser.push(chunk, &mut frames);
                count += frames.len();
                frames.clear();
            }
            let _ = parser.finish(&mut frames);
            black_box(count + frames.len())
        })
    });
    group.bench_function("frames_decode_4.5MB", |b| {
        b.iter(|| {
            let mut parser = SseParser::default();
            let mut frames: Vec<SseFrame> = Vec::new();
            let mut deltas = 0usize;
            for chunk in bytes.chunks(CHUNK) {
                let _ = parser.push(chunk, &mut frames);
                for frame in frames.drain(..) {
                    if let Some(StreamEvent::TextDelta { delta, .. }) = decode(&frame) {
                        deltas += delta.len();
                    }
                }
            }
            black_box(deltas)
        })
    });
    // The whole client-side path up to the reducer: also assembling the answer text.
    group.bench_function("frames_decode_assemble_4.5MB", |b| {
        b.iter(|| {
            let mut parser = SseParser::default();
            let mut frames: Vec<SseFrame> = Vec::new();
            let mut assembler = Assembler::default();
            let mut answer = Vec::new();
            let mut text = 0usize;
            for chunk in bytes.chunks(CHUNK) {
                let _ = parser.push(chunk, &mut frames);
                for frame in frames.drain(..) {
                    if let Some(event) = decode(&frame) {
                        assembler.apply(event, &mut answer);
                    }
                }
                for event in answer.drain(..) {
                    if let AnswerEvent::Text(t) = event {
                        text += t.len();
                    }
                }
            }
            black_box(text)
        })
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// Reducer: one delta appended to a streaming answer
// ---------------------------------------------------------------------------------------

/// An answer streaming after a thread of `prior` messages.
struct Streaming {
    state: AppState,
    now: u64,
    id: RequestId,
    deltas: usize,
}

impl Streaming {
    fn new(prior: usize) -> Streaming {
        // Short answers: only the number of messages before the live one matters here.
        let (state, now) = app_with_thread(prior, 30);
        let mut s = Streaming {
            state,
            now,
            id: RequestId(0),
            deltas: 0,
        };
        s.ask();
        s
    }

    fn send(&mut self, event: Event) -> Vec<Effect> {
        self.now += 1;
        update(&mut self.state, Timed { now: self.now, event }).into_vec()
    }

    fn key(&mut self, code: KeyCode) -> Vec<Effect> {
        self.send(Event::Key(KeyEvent::new(code, KeyModifiers::NONE)))
    }

    /// Types a prompt and presses Enter, as a person does.
    fn ask(&mut self) {
        for c in "what about pricing".chars() {
            let _ = self.key(KeyCode::Char(c));
        }
        let fx = self.key(KeyCode::Enter);
        let id = fx.iter().find_map(|e| match e {
            Effect::StartStream { id, .. } => Some(*id),
            _ => None,
        });
        self.id = id.unwrap_or_else(|| panic!("Enter starts a stream: {fx:?}"));
        let _ = self.send(Event::Answer {
            id: self.id,
            events: vec![AnswerEvent::Opened],
        });
        self.deltas = 0;
    }

    /// Stops the answer and forgets the question and answer, so the thread keeps
    /// exactly `prior` messages before the next one: only deltas are what is measured.
    fn restart(&mut self) {
        let _ = self.key(KeyCode::Esc);
        let thread = self.state.thread_mut();
        let keep = thread.messages.len().saturating_sub(2);
        thread.messages.truncate(keep);
        self.ask();
    }
}

fn delta_event(id: RequestId, delta: &str) -> Event {
    Event::Answer {
        id,
        events: vec![AnswerEvent::Text(delta.into())],
    }
}

fn bench_reducer(c: &mut Criterion) {
    let mut group = c.benchmark_group("reducer_delta");
    group.throughput(Throughput::Elements(1));
    for prior in [10usize, 10_000] {
        let mut s = Streaming::new(prior);
        group.bench_function(format!("after_{prior}_messages"), |b| {
            b.iter_custom(|iters| {
                let mut total = Duration::ZERO;
                let mut left = iters;
                while left > 0 {
                    // Events are built outside the timed loop; an answer is restarted
                    // (untimed) at 20,000 deltas, the length of the performance table's long answer.
                    let n = left.min(2_000);
                    let events: Vec<Event> = (0..n).map(|_| delta_event(s.id, "word ")).collect();
                    let t = Instant::now();
                    for event in events {
                        black_box(s.send(event));
                    }
                    total += t.elapsed();
                    left -= n;
                    s.deltas += n as usize;
                    if s.deltas >= 20_000 {
                        s.restart();
                    }
                }
                total
            })
        });
    }
    group.finish();
}

// ---------------------------------------------------------------------------------------
// Conversation render: a 10,000-message thread
// ---------------------------------------------------------------------------------------

fn terminal() -> Terminal<TestBackend> {
    Terminal::new(TestBackend::new(120, 40)).unwrap_or_else(|e| panic!("test backend: {e}"))
}

fn draw(term: &mut Terminal<TestBackend>, state: &AppState, cache: &mut ViewCache, theme: &Theme) {
    let _ = term.draw(|f| {
        black_box(view::render(f, state, cache, theme));
    });
}

/// Total lines of the thread at `width`, with a throw-away cache (so the measured cache
/// never sees another width): for picking a scroll position near the middle. The exact
/// position does not matter, only that it is far from both ends.
fn thread_lines(state: &AppState, width: u16, theme: &Theme) -> usize {
    let mut scratch = ViewCache::default();
    state
        .thread()
        .map(|t| {
            t.messages
                .iter()
                .map(|m| 2 + scratch.lines(m, width, theme).len())
                .sum()
        })
        .unwrap_or(0)
}

fn bench_render(c: &mut Criterion) {
    // 5,000 questions (~100 B) and 5,000 answers (~900 B): ≈ 5 MB of text.
    let (mut state, _) = app_with_thread(10_000, 105);
    let bytes: usize = state
        .thread()
        .map(|t| t.messages.iter().map(|m| m.text.len()).sum())
        .unwrap_or(0);
    eprintln!(
        "render fixture: 10,000 messages, {:.1} MB of text",
        bytes as f64 / 1e6
    );
    let theme = Theme::default_dark();
    // 120 columns: a 30-column sidebar, then the conversation's borders.
    let middle = thread_lines(&state, 88, &theme) / 2;
    let mut group = c.benchmark_group("render_10k_thread");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(8));
    // Flat: a cold frame takes a fifth of a second, too slow for linear sampling's
    // growing iteration counts within the measurement time.
    group.sampling_mode(SamplingMode::Flat);
    for (name, scroll) in [("bottom", Scroll::Follow), ("middle", Scroll::Top(middle))] {
        state.thread_mut().scroll = scroll;
        // Cold: the first frame after opening the thread lays out every message.
        group.bench_function(format!("cold_{name}"), |b| {
            b.iter_batched_ref(
                || (terminal(), ViewCache::default()),
                |(term, cache)| draw(term, &state, cache, &theme),
                BatchSize::PerIteration,
            )
        });
        // Warm: what every later frame costs (nothing changed since the last one).
        let mut term = terminal();
        let mut cache = ViewCache::default();
        draw(&mut term, &state, &mut cache, &theme);
        group.bench_function(format!("warm_{name}"), |b| {
            b.iter(|| draw(&mut term, &state, &mut cache, &theme))
        });
    }
    // A page scroll: each frame moves by a page, so the terminal diff is a whole pane.
    let mut term = terminal();
    let mut cache = ViewCache::default();
    draw(&mut term, &state, &mut cache, &theme);
    let mut up = false;
    group.bench_function("warm_page_scroll", |b| {
        b.iter(|| {
            up = !up;
            state.thread_mut().scroll = Scroll::Top(if up { middle.saturating_sub(30) } else { middle });
            draw(&mut term, &state, &mut cache, &theme)
        })
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// Markdown: one long answer
// ---------------------------------------------------------------------------------------

fn bench_markdown(c: &mut Criterion) {
    let text = answer(&mut Rng(3), 20_000);
    let theme = Theme::default_dark();
    let mut group = c.benchmark_group("markdown");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.sample_size(10);
    group.bench_function("render_20k_words", |b| {
        b.iter(|| black_box(markdown::render(&text, 88, &theme).len()))
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// Compare view: 6 personas side by side
// ---------------------------------------------------------------------------------------

/// Six personas marked at launch (as `--personas A,B,C,D,E,F` does), a prompt sent to
/// all of them; returns the app, its clock and the six request ids.
fn panel_of_six() -> (AppState, u64, Vec<RequestId>) {
    let names = [
        "Gen Z Consumer",
        "CFO",
        "B2B Decision Maker",
        "Baby Boomer Retiree",
        "Software Engineer",
        "Rural Farmer",
    ];
    let mut state = AppState::new(Connection {
        label: "bench".into(),
        model: "mavera-1".into(),
        ..Connection::default()
    });
    state.size = (220, 50);
    state.compare.pending = Some(names.iter().map(|n| n.to_string()).collect());
    let fx = start(&mut state, None).into_vec();
    let load = fx.iter().find_map(|e| match e {
        Effect::LoadPersonas { id } => Some(*id),
        _ => None,
    });
    let personas = names
        .iter()
        .enumerate()
        .map(|(i, n)| persona(&format!("p{i}"), n, "Bench"))
        .collect();
    let mut now = 1;
    let mut send = |state: &mut AppState, event| {
        now += 1;
        update(state, Timed { now, event }).into_vec()
    };
    let _ = send(
        &mut state,
        Event::PersonasLoaded {
            id: load.unwrap_or(RequestId(1)),
            result: Ok(personas),
        },
    );
    assert_eq!(state.compare.marked.len(), 6, "six columns");
    for c in "what about pricing".chars() {
        let _ = send(
            &mut state,
            Event::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    let fx = send(
        &mut state,
        Event::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)),
    );
    let ids: Vec<RequestId> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    assert_eq!(ids.len(), 6, "one stream per column: {fx:?}");
    (state, now, ids)
}

fn bench_compare(c: &mut Criterion) {
    // 5,000 words per column in batches of 50 (100 frames), every column streaming at
    // once: the reducer and the view's share of the 6 × 5,000-word scenario of the performance table.
    const WORDS: usize = 5_000;
    const BATCH: usize = 50;
    let theme = Theme::default_dark();
    let words: Vec<&str> = {
        let mut rng = Rng(11);
        (0..WORDS).map(|_| word(&mut rng)).collect()
    };
    let mut group = c.benchmark_group("compare_6");
    group.sample_size(10);
    group.throughput(Throughput::Elements((6 * WORDS) as u64));
    group.bench_function("stream_5000_words_each_220x50", |b| {
        b.iter_batched(
            panel_of_six,
            |(mut state, mut now, ids)| {
                let mut term =
                    Terminal::new(TestBackend::new(220, 50)).unwrap_or_else(|e| panic!("test backend: {e}"));
                let mut cache = ViewCache::default();
                for (n, chunk) in words.chunks(BATCH).enumerate() {
                    for id in &ids {
                        let events = chunk
                            .iter()
                            .map(|w| {
                                // A paragraph break now and then, as answers have.
                                AnswerEvent::Text(if n % 4 == 3 && w.len() > 6 {
                                    format!("{w}.\n\n")
                                } else {
                                    format!("{w} ")
                                })
                            })
                            .collect();
                        now += 1;
                        let event = Event::Answer { id: *id, events };
                        black_box(update(&mut state, Timed { now, event }).into_vec());
                    }
                    draw(&mut term, &state, &mut cache, &theme);
                }
                black_box(cache.stats)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

// ---------------------------------------------------------------------------------------
// A paced frame: one answer at a model's pace, drawn as the runtime draws it
// ---------------------------------------------------------------------------------------

/// Deltas a paced frame brings: 100 tokens a second, a frame every 48 ms.
const PACED_DELTAS: usize = 5;

/// One frame of a model writing one long paragraph at 100 tokens a second: the reducer
/// taking its 5 deltas and a tick, then the frame drawn over the last one by the runtime's
/// own `draw` (crossterm's escapes written and flushed, the measures fed back) — the
/// app's own work per frame of the paced rows of the performance table, without the
/// kernel's (the socket, the terminal, the wake-ups), which `bench/run.py` includes.
fn bench_paced(c: &mut Criterion) {
    let theme = Theme::default_dark();
    let words: Vec<String> = {
        let mut rng = Rng(7);
        (0..3_000).map(|_| format!("{} ", word(&mut rng))).collect()
    };
    let mut group = c.benchmark_group("paced_frame");
    group.throughput(Throughput::Elements(1));
    let mut s = Streaming::new(10);
    let viewport = ratatui::Viewport::Fixed(ratatui::layout::Rect::new(0, 0, 120, 40));
    let terminal = Terminal::with_options(
        ratatui::backend::CrosstermBackend::new(std::io::BufWriter::new(std::io::sink())),
        ratatui::TerminalOptions { viewport },
    )
    .unwrap_or_else(|e| panic!("terminal: {e}"));
    let mut screen = Screen::new(terminal);
    let mut cache = ViewCache::default();
    let mut next = 0;
    group.bench_function("one_paragraph_120x40", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                if next + PACED_DELTAS > words.len() {
                    s.restart(); // untimed: a new answer after 3,000 words
                    next = 0;
                }
                let batch: Vec<Event> = words[next..next + PACED_DELTAS]
                    .iter()
                    .map(|w| delta_event(s.id, w))
                    .collect();
                next += PACED_DELTAS;
                let t = Instant::now();
                for event in batch {
                    s.now += 9; // with `send`'s 1: 10 ms a token
                    black_box(s.send(event));
                }
                black_box(s.send(Event::Tick));
                let measured = mavera_tui::runtime::draw(&mut screen, &s.state, &mut cache, &theme)
                    .unwrap_or_else(|e| panic!("draw: {e}"));
                for event in measured {
                    black_box(s.send(event));
                }
                total += t.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    bench_sse,
    bench_reducer,
    bench_render,
    bench_markdown,
    bench_compare,
    bench_paced
);
criterion_main!(benches);

//! Criterion benchmarks of the conversation history at scale: a database of 10,000
//! threads and 100,000 messages (~75 MB) — opening it, listing it (whole, and the newest
//! 1,000 as the history view does), full-text searches
//! (a rare word, a common prefix, a script written without spaces) and reading back a
//! 10,000-message thread whole.
//!
//! Owns: generating that history deterministically through the store's own writes (so
//! the schema, indexes and triggers are exactly the app's), and the benchmark group.
//! With `MAVERA_HISTORY_FIXTURE=PATH` set it only writes the database to PATH and exits:
//! `bench/run.py` uses it for its end-to-end history scenarios. Does not own: the
//! end-to-end numbers (`bench/run.py`) or assertions (speed is measured, never asserted).
//!
//! Run: `cargo bench --bench history` (add `-- --quick` for a fast, rougher pass).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{BatchSize, Criterion};
use mavera_tui::api::wire::Usage;
use mavera_tui::history::op::{MessageRecord, NewThread, Role, Status, StoreKey, StoreOp};
use mavera_tui::history::{ConversationId, Store};

/// Threads, messages, and the messages of the longest thread (the newest one).
const SIZE: (usize, usize, usize) = (10_000, 100_000, 10_000);
/// About one message in 300 holds this word: what a selective search looks for.
const RARE_WORD: &str = "zanzibar";
/// Only in the longest thread's last answer: on screen once that thread is reopened.
const LAST_WORD: &str = "quokkafinale";

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

const WORDS: &[&str] = &[
    "price",
    "plan",
    "margin",
    "customers",
    "value",
    "risk",
    "growth",
    "the",
    "a",
    "of",
    "to",
    "is",
    "and",
    "budget",
    "quarter",
    "retention",
    "churn",
    "brand",
    "trust",
    "market",
    "segment",
    "forecast",
    "pricing",
    "onboarding",
    "renewal",
    "discount",
    "premium",
    "loyalty",
    "launch",
    "campaign",
    "audience",
    "message",
    "tone",
    "clarity",
    "offer",
    "subscription",
    "monthly",
    "annual",
    "trial",
    "upgrade",
    "support",
];
const OTHER_SCRIPTS: &[&str] = &[
    "価格設定は分かりやすいですか",
    "这个定价页面很清楚",
    "ราคานี้เหมาะสมไหม",
    "Цена кажется честной",
    "🚀 launch 🎉",
];
const PERSONAS: &[(&str, &str)] = &[
    ("cgenz", "Gen Z Consumer"),
    ("ccfo", "CFO"),
    ("cb2b", "B2B Decision Maker"),
    ("cboomer", "Baby Boomer Retiree"),
    ("cdev", "Software Engineer"),
    ("cfarm", "Rural Farmer"),
];

fn sentences(rng: &mut Rng, n: usize) -> String {
    let mut out = Vec::new();
    for _ in 0..n {
        let mut words: Vec<&str> = (0..rng.range(8, 18))
            .map(|_| WORDS[rng.below(WORDS.len())])
            .collect();
        if rng.below(300) == 0 {
            let at = rng.below(words.len());
            words[at] = RARE_WORD;
        }
        let s = words.join(" ");
        let mut chars = s.chars();
        let first = chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>())
            .unwrap_or_default();
        out.push(format!("{first}{}.", chars.as_str()));
    }
    if rng.below(100) == 0 {
        out.push(OTHER_SCRIPTS[rng.below(OTHER_SCRIPTS.len())].to_owned());
    }
    out.join(" ")
}

fn answer(rng: &mut Rng) -> String {
    let mut paragraphs: Vec<String> = (0..2)
        .map(|_| {
            let n = rng.range(1, 3);
            sentences(rng, n)
        })
        .collect();
    let list: Vec<String> = (0..2).map(|_| format!("- {}", sentences(rng, 1))).collect();
    paragraphs.insert(1, list.join("\n"));
    paragraphs.join("\n\n")
}

fn usage() -> Option<Usage> {
    serde_json::from_value(serde_json::json!({
        "input_tokens": 40, "output_tokens": 300, "total_tokens": 340, "credits_used": 2
    }))
    .ok()
}

/// Writes the history into a new database at `path`, a thousand threads per transaction.
fn fill(path: &Path, (threads, messages, longest): (usize, usize, usize)) {
    let mut store = Store::open(path).unwrap_or_else(|e| panic!("open {}: {e}", path.display()));
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let per_thread = ((messages - longest) / (threads - 1)).max(2);
    let mut ops = Vec::new();
    for t in 0..threads {
        let key = t as u64;
        let (persona_id, persona_name) = PERSONAS[t % PERSONAS.len()];
        let last = t + 1 == threads;
        let count = if last { longest } else { per_thread };
        let first = sentences(&mut rng, 1);
        ops.push(StoreOp::Thread(NewThread {
            key,
            persona_id: persona_id.into(),
            persona_name: persona_name.into(),
            title: first.clone(),
            instructions: None,
        }));
        for seq in 0..count {
            let user = seq % 2 == 0;
            let mut text = match (user, seq) {
                (true, 0) => first.clone(),
                (true, _) => sentences(&mut rng, 1),
                (false, _) => answer(&mut rng),
            };
            if last && seq + 1 == count {
                text.push_str(&format!(" {LAST_WORD}."));
            }
            ops.push(StoreOp::Message {
                thread: StoreKey::Session(key),
                seq: seq as u32,
                message: MessageRecord {
                    role: if user { Role::User } else { Role::Assistant },
                    text,
                    status: Status::Complete,
                    usage: if user { None } else { usage() },
                    response_id: (!user).then(|| format!("resp_{t}_{seq}")),
                    parts: Vec::new(),
                    error: None,
                },
            });
        }
        // A tenth of the threads side by side, three at a time.
        if t < threads / 10 && t % 3 == 2 {
            ops.push(StoreOp::Comparison {
                key,
                title: first,
                threads: (0..3).map(|k| StoreKey::Session(key - 2 + k)).collect(),
            });
        }
        if ops.len() >= 10_000 || last {
            store.apply(&ops).unwrap_or_else(|e| panic!("write: {e}"));
            ops.clear();
        }
    }
}

fn benches(c: &mut Criterion, path: &Path) {
    let store = Store::open(path).unwrap_or_else(|e| panic!("open: {e}"));
    // What `--resume` reopens: the longest thread, written last.
    let longest = store
        .latest_id()
        .ok()
        .flatten()
        .unwrap_or(ConversationId::Thread(SIZE.0 as i64));
    let messages = store
        .load(longest)
        .ok()
        .flatten()
        .map(|c| c.threads.iter().map(|t| t.messages.len()).sum::<usize>());
    eprintln!("the latest conversation, {longest:?}, holds {messages:?} messages");
    let mut group = c.benchmark_group("history_100k");
    group.sample_size(10).measurement_time(Duration::from_secs(5));
    group.bench_function("list_10k_conversations", |b| {
        b.iter(|| black_box(store.list().map(|l| l.len())))
    });
    for (name, query) in [
        ("search_rare_word", RARE_WORD),
        ("search_common_prefix", "pric"),
        ("search_cjk", "定价"),
    ] {
        group.bench_function(name, |b| {
            b.iter(|| black_box(store.search(query, 200).map(|h| h.len())))
        });
    }
    group.bench_function("load_10k_message_thread", |b| {
        b.iter(|| black_box(store.load(longest).map(|c| c.map(|c| c.threads.len()))))
    });
    drop(store);
    group.bench_function("open", |b| {
        b.iter_batched(
            || (),
            |()| black_box(Store::open(path).is_ok()),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn main() {
    if let Some(out) = std::env::var_os("MAVERA_HISTORY_FIXTURE") {
        // `MAVERA_HISTORY_FIXTURE_SIZE=THREADS,MESSAGES,LONGEST` for a smaller one.
        let size = std::env::var("MAVERA_HISTORY_FIXTURE_SIZE")
            .ok()
            .and_then(|s| {
                let n: Vec<usize> = s.split(',').filter_map(|n| n.trim().parse().ok()).collect();
                (n.len() == 3 && n[0] > 1 && n[1] > n[2]).then(|| (n[0], n[1], n[2]))
            })
            .unwrap_or(SIZE);
        fill(Path::new(&out), size);
        return;
    }
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let path = dir.path().join("history.db");
    eprintln!("generating a history of {} threads, {} messages…", SIZE.0, SIZE.1);
    fill(&path, SIZE);
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &path);
    c.final_summary();
}

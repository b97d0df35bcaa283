//! Criterion micro-benchmarks of code colouring (`view::highlight`): loading the
//! syntaxes (done once, on a thread of its own at start), colouring a 200-line block
//! from nothing, laying a 200-line block out with and without colour, and the
//! incremental cost per line of a block that streams in.
//!
//! Owns: a deterministic 200-line Python block and these groups. Does not own:
//! assertions (the work counts are in `tests/code_colour.rs`).
//!
//! Run: `cargo bench --bench highlight` (`-- --quick` for a fast, rougher pass).

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{criterion_group, criterion_main, Criterion};
use mavera_tui::view::highlight::{self, CodeMemo};
use mavera_tui::view::markdown;
use mavera_tui::view::theme::Theme;

/// A 200-line Python block: functions, comments, strings, numbers, operators.
fn block(lines: usize) -> String {
    let mut out = String::new();
    for i in 0..lines {
        let line = match i % 8 {
            0 => format!("def price_{i}(plan, months=12):"),
            1 => format!("    \"\"\"What plan {i} costs over `months`.\"\"\""),
            2 => "    # a discount past the first year".to_owned(),
            3 => format!("    base = plan.monthly * months + {i}.5"),
            4 => "    if months > 12 and plan.name != \"basic\":".to_owned(),
            5 => format!("        return round(base * 0.{i:02}, 2)"),
            6 => "    return max(base, 0)".to_owned(),
            _ => String::new(),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

fn bench_highlight(c: &mut Criterion) {
    let mut group = c.benchmark_group("highlight");
    group.sample_size(10);
    group.bench_function("load_syntaxes", |b| {
        b.iter(|| black_box(two_face::syntax::extra_newlines().syntaxes().len()))
    });
    // A grammar's first block: its rules read and its regexes compiled as they are met.
    let first = block(24);
    group.bench_function("first_block_of_a_language_24_lines", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let set = two_face::syntax::extra_newlines();
                let start = Instant::now();
                let _ = black_box(CodeMemo::default().colour_with(&set, "python", &first).is_some());
                total += start.elapsed();
            }
            total
        })
    });
    let set = highlight::load();
    let code = block(200);
    group.bench_function("colour_200_lines", |b| {
        b.iter(|| {
            let mut memo = CodeMemo::default();
            black_box(memo.colour_with(set, "python", &code).is_some())
        })
    });
    let fenced = format!("```python\n{code}```\n");
    let theme = Theme::default_dark();
    group.bench_function("render_200_lines_coloured", |b| {
        b.iter(|| black_box(markdown::render(&fenced, 88, &theme).len()))
    });
    group.bench_function("render_200_lines_plain", |b| {
        let plain = format!("```\n{code}```\n");
        b.iter(|| black_box(markdown::render(&plain, 88, &theme).len()))
    });
    group.bench_function("render_200_lines_remembered", |b| {
        let mut memo = CodeMemo::default();
        let _ = markdown::render_with(&fenced, 88, &theme, &mut memo);
        b.iter(|| black_box(markdown::render_with(&fenced, 88, &theme, &mut memo).len()))
    });
    // A block streaming in, a third of a line per update: the colouring work of all the
    // updates of 200 lines (divide by 600 for one update, by 200 for one line).
    let pieces: Vec<usize> = code
        .split_inclusive('\n')
        .scan(0, |at, line| {
            let start = *at;
            *at += line.len();
            Some([start + line.len() / 3, start + 2 * line.len() / 3, *at])
        })
        .flatten()
        .filter(|&end| code.is_char_boundary(end))
        .collect();
    group.bench_function("stream_200_lines_600_updates", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let mut memo = CodeMemo::default();
                let start = Instant::now();
                for &end in &pieces {
                    let _ = black_box(
                        memo.colour_with(set, "python", code.get(..end).unwrap_or_default())
                            .is_some(),
                    );
                }
                total += start.elapsed();
            }
            total
        })
    });
    group.finish();
}

criterion_group!(benches, bench_highlight);
criterion_main!(benches);

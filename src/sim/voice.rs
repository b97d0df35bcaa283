//! Deterministic answer composition: a persona's voice material plus a prompt become a
//! markdown answer.
//!
//! Owns: choosing and ordering phrases, weaving in key words of the prompt, acknowledging
//! `instructions` (see `phrases`), hitting a requested length, the answer's shape (natural
//! markdown, or one long paragraph for benchmarks), and the special paragraphs some faults
//! need (multi-byte text, terminal escapes). Pure: the same seed, persona, prompt and
//! options always give the same text. Does not own: where voices come from (`personas`)
//! or how text is cut into deltas (`events`).

use std::collections::HashSet;

use super::personas::Voice;
use super::phrases::{acknowledge, topics, Topic};
use super::rng::Rng;

/// Added when the `split` fault is on, so that chunking cuts real multi-byte characters.
pub const MULTIBYTE_LINE: &str =
    "Quick aside — the café crowd, 日本 users and naïve first-timers all notice details like this 🚀✨.";

/// Added for the `hostile` fault: sequences a terminal must never execute, between plain
/// words so a sanitiser's output is easy to check.
pub const HOSTILE_LINE: &str = "Heads-up, this line is hostile on purpose: title \x1b]0;pwned\x07 \
     clipboard \x1b]52;c;cHduZWQ=\x07 clear \x1b[2J colour \x1b[31mred\x1b[0m and C1 \u{9b}31m done.";

/// Everything an answer depends on.
#[derive(Debug, Clone, Copy, Default)]
pub struct AnswerSpec<'a> {
    pub seed: u64,
    /// The persona id, or `""` for the neutral voice; part of the determinism key.
    pub persona_key: &'a str,
    /// The last user turn, with fault markers already removed.
    pub prompt: &'a str,
    pub instructions: Option<&'a str>,
    /// The conversation already had an assistant turn.
    pub follow_up: bool,
    /// Exact length in words (whitespace-separated), instead of the natural 80–200.
    pub words: Option<usize>,
    pub multibyte: bool,
    pub hostile: bool,
    /// One paragraph of prose: sentences with a soft line break (a single `\n`) now and
    /// then, never a blank line, no headings, lists, tables or code. Benchmarks use it to
    /// measure what a long, still-growing paragraph costs a client.
    pub paragraph: bool,
}

/// Composes the answer for `spec` in `voice`.
pub fn compose(voice: &Voice, spec: &AnswerSpec<'_>) -> String {
    let instructions = spec.instructions.unwrap_or("");
    let rng = Rng::from_parts(&[
        &spec.seed.to_le_bytes(),
        spec.persona_key.as_bytes(),
        spec.prompt.as_bytes(),
        instructions.as_bytes(),
    ]);
    let topics = topics(spec.prompt);
    let mut w = Writer {
        voice,
        topics,
        rng,
        blocks: Vec::new(),
        words: 0,
        used: HashSet::new(),
        prose_only: spec.paragraph,
    };
    w.base(spec);
    let closer = w.pick(&voice.closers);
    match spec.words {
        None => {
            // Top up before the closing line, so the answer still ends like one.
            let closing = closer.split_whitespace().count();
            while w.words + closing < 80 {
                let p = w.prose();
                w.push(p);
            }
            w.push(closer);
        }
        Some(n) => {
            w.push(closer);
            w.fit(n.max(1));
        }
    }
    if spec.paragraph {
        w.soft_join()
    } else {
        w.blocks.join("\n\n")
    }
}

struct Writer<'v> {
    voice: &'v Voice,
    topics: Vec<Topic>,
    rng: Rng,
    blocks: Vec<String>,
    words: usize,
    /// Templates already used: a few re-draws avoid saying the same thing twice.
    used: HashSet<String>,
    /// The `paragraph` shape: every block is prose, joined by `soft_join`.
    prose_only: bool,
}

impl Writer<'_> {
    fn push(&mut self, block: String) {
        self.words += block.split_whitespace().count();
        self.blocks.push(block);
    }

    /// Replaces placeholders and capitalises the first letter, since templates may begin
    /// with a lower-case key word.
    fn fill(&mut self, template: &str) -> String {
        let slot = |t: Option<&Topic>, default: &'static str, plural: bool| {
            t.map_or((default.to_owned(), plural), |t| (t.phrase(), t.plural))
        };
        let (topic, plural) = slot(self.topics.first(), "this", false);
        let (topic2, plural2) = slot(self.topics.get(1), "the details", true);
        let s = super::grammar::fill(
            template,
            &[("topic", &topic, plural), ("topic2", &topic2, plural2)],
        );
        let mut chars = s.chars();
        match chars.next() {
            Some(c) if c.is_lowercase() => c.to_uppercase().chain(chars).collect(),
            _ => s,
        }
    }

    fn pick(&mut self, list: &[String]) -> String {
        let mut t = self.rng.pick(list);
        for _ in 0..4 {
            if !self.used.contains(t) {
                break;
            }
            t = self.rng.pick(list);
        }
        self.used.insert(t.to_string());
        self.fill(t)
    }

    /// The natural shape, closing line excepted: heading or bold lead-in, opening
    /// paragraph, a list, a concern, sometimes a table or code block. With `prose_only`,
    /// the sentences alone. `prose_only` only skips draws from the generator, never adds
    /// or reorders them on the natural path, so natural answers stay what they were.
    fn base(&mut self, spec: &AnswerSpec<'_>) {
        let v = self.voice;
        let style = if self.prose_only {
            None
        } else {
            Some(self.rng.below(3))
        };
        if style == Some(0) {
            let h = self.pick(&v.headings);
            self.push(format!("## {h}"));
        }
        if let Some(ack) = spec.instructions.and_then(acknowledge) {
            self.push(ack);
        }
        if spec.follow_up {
            self.push("*Picking up where we left off.*".into());
        }
        let mut opening = format!("{} {}", self.pick(&v.openers), self.pick(&v.reactions));
        if style == Some(1) {
            let lead = self.pick(&v.headings);
            let stop = if lead.ends_with(['?', '!', '.']) { "" } else { "." };
            opening = format!("**{lead}{stop}** {opening}");
        }
        self.push(opening);
        if spec.multibyte {
            self.push(MULTIBYTE_LINE.into());
        }
        if spec.hostile {
            self.push(HOSTILE_LINE.into());
        }
        if !self.prose_only {
            let n = 3 + self.rng.below(2);
            let list = self.list(n);
            self.push(list);
        }
        let concern = format!("{} {}", self.pick(&v.concerns), self.vocabulary_line());
        self.push(concern);
        if !self.prose_only && !v.extras.is_empty() && self.rng.chance(40) {
            let x = self.pick(&v.extras);
            self.push(x);
        }
    }

    /// `n` distinct ideas as a bulleted or numbered list.
    fn list(&mut self, n: usize) -> String {
        let ideas = &self.voice.ideas;
        let numbered = self.rng.chance(50);
        let order = self.rng.distinct(ideas.len(), n);
        let mut lines = Vec::with_capacity(order.len());
        for (i, idx) in order.into_iter().enumerate() {
            let item = self.fill(&ideas[idx]);
            lines.push(if numbered {
                format!("{}. {item}", i + 1)
            } else {
                format!("- {item}")
            });
        }
        lines.join("\n")
    }

    fn vocabulary_line(&mut self) -> String {
        let word = self.rng.pick(&self.voice.vocabulary).to_string();
        if word.is_empty() {
            return String::new();
        }
        match self.rng.below(3) {
            0 => format!("It all comes down to *{word}*."),
            1 => format!("For me, *{word}* is the deciding factor."),
            _ => format!("Never underestimate *{word}*."),
        }
    }

    /// A paragraph of reaction, concern and a vocabulary line, for topping up length.
    fn prose(&mut self) -> String {
        let v = self.voice;
        let p = format!(
            "{} {} {}",
            self.pick(&v.reactions),
            self.pick(&v.concerns),
            self.vocabulary_line()
        );
        let p = p.trim().to_string();
        if p.is_empty() {
            "Indeed.".into()
        } else {
            p
        }
    }

    /// Grows (or, for tiny targets, rebuilds) the answer to exactly `n` words. Lists and
    /// headings (never with `prose_only`) are added whole; only a final prose paragraph is
    /// cut, so markdown stays well-formed.
    fn fit(&mut self, n: usize) {
        if self.words > n {
            self.blocks.clear();
            self.words = 0;
        }
        let mut round = 0usize;
        while self.words < n {
            round += 1;
            let block = match round % 6 {
                _ if self.prose_only => self.prose(),
                0 => {
                    let t = self
                        .topics
                        .first()
                        .map_or("this", |t| t.text.as_str())
                        .to_string();
                    format!("### More on {t}")
                }
                3 => {
                    let k = 3 + self.rng.below(3);
                    self.list(k)
                }
                _ => self.prose(),
            };
            let room = n - self.words;
            if block.split_whitespace().count() <= room {
                self.push(block);
            } else {
                let p = self.prose();
                self.push(cut_words(&p, room));
            }
        }
    }

    /// The blocks as one paragraph: a space between them, or now and then a soft line
    /// break (a single `\n`, which markdown renders as a space), never a blank line.
    fn soft_join(&mut self) -> String {
        let mut out = String::new();
        for block in &self.blocks {
            if !out.is_empty() {
                out.push(if self.rng.chance(30) { '\n' } else { ' ' });
            }
            out.push_str(block.trim());
        }
        out
    }
}

/// The first `n` words of a paragraph, without emphasis markers that might be left open,
/// ending in a full stop.
fn cut_words(p: &str, n: usize) -> String {
    let mut s = p
        .split_whitespace()
        .take(n)
        .collect::<Vec<_>>()
        .join(" ")
        .replace('*', "");
    if s.chars().last().is_some_and(char::is_alphanumeric) {
        s.push('.');
    }
    if s.is_empty() {
        s.push_str("Indeed.");
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::personas::load;

    fn spec(prompt: &str) -> AnswerSpec<'_> {
        AnswerSpec {
            seed: 7,
            persona_key: "p",
            prompt,
            ..AnswerSpec::default()
        }
    }

    #[test]
    fn deterministic_and_seed_sensitive() {
        let c = load(&[], None).expect("asset");
        let v = &c.entries[0].voice;
        let a = compose(v, &spec("What do you think of our new pricing tiers?"));
        assert_eq!(
            a,
            compose(v, &spec("What do you think of our new pricing tiers?"))
        );
        let other_seed = AnswerSpec {
            seed: 8,
            ..spec("What do you think of our new pricing tiers?")
        };
        let other_prompts: Vec<String> = (0..5)
            .map(|i| {
                compose(
                    v,
                    &AnswerSpec {
                        seed: i,
                        ..other_seed
                    },
                )
            })
            .collect();
        assert!(other_prompts.iter().any(|b| *b != a), "seed changes the answer");
    }

    #[test]
    fn answers_are_markdown_in_range_and_responsive() {
        let c = load(&[], None).expect("asset");
        let prompts = [
            "Should we launch a subscription for meal kits?",
            "Pricing of electric bikes",
            "hi",
        ];
        let mut saw_table_or_code = false;
        for e in &c.entries {
            for (i, p) in prompts.iter().enumerate() {
                let s = AnswerSpec {
                    seed: i as u64,
                    persona_key: &e.persona.id,
                    ..spec(p)
                };
                let a = compose(&e.voice, &s);
                let words = a.split_whitespace().count();
                assert!(
                    (80..=200).contains(&words),
                    "{}: {words} words\n{a}",
                    e.persona.name
                );
                assert!(a.contains("\n\n"), "paragraphs");
                assert!(a.contains("\n- ") || a.contains("\n1. "), "a list:\n{a}");
                assert!(a.contains('*'), "emphasis or bold");
                saw_table_or_code |= a.contains("```") || a.contains("|---");
                if i == 0 {
                    assert!(
                        a.contains("meal kits") || a.contains("subscription"),
                        "echoes the prompt:\n{a}"
                    );
                }
            }
        }
        assert!(saw_table_or_code);
    }

    #[test]
    fn personas_sound_different() {
        let c = load(&[], None).expect("asset");
        let answers: Vec<String> = c
            .entries
            .iter()
            .map(|e| {
                compose(
                    &e.voice,
                    &AnswerSpec {
                        persona_key: &e.persona.id,
                        ..spec("Our loyalty app")
                    },
                )
            })
            .collect();
        for (i, a) in answers.iter().enumerate() {
            for b in &answers[i + 1..] {
                let wa: std::collections::HashSet<&str> = a.split_whitespace().collect();
                let wb: std::collections::HashSet<&str> = b.split_whitespace().collect();
                let shared = wa.intersection(&wb).count() as f64 / wa.len().min(wb.len()) as f64;
                assert!(shared < 0.6, "too similar ({shared:.2}):\n{a}\n---\n{b}");
            }
        }
    }

    #[test]
    fn exact_lengths_and_special_lines() {
        let c = load(&[], None).expect("asset");
        let v = &c.entries[8].voice;
        for n in [1, 5, 37, 250, 20_000] {
            let a = compose(
                v,
                &AnswerSpec {
                    words: Some(n),
                    ..spec("rust async runtimes")
                },
            );
            assert_eq!(a.split_whitespace().count(), n, "n = {n}");
        }
        let a = compose(
            v,
            &AnswerSpec {
                multibyte: true,
                hostile: true,
                ..spec("x")
            },
        );
        assert!(a.contains("日本") && a.contains('é') && a.contains('🚀'));
        assert!(a.contains("\x1b]52;c;") && a.contains('\u{9b}'));
    }

    #[test]
    fn paragraph_shape_is_one_paragraph_of_prose_with_soft_breaks() {
        let c = load(&[], None).expect("asset");
        // A line that markdown would read as a block of its own rather than more text.
        let block_start = |line: &str| {
            let digits = line.trim_start_matches(|ch: char| ch.is_ascii_digit());
            line.starts_with(char::is_whitespace)
                || ["#", "- ", "* ", "+ ", ">", "|", "```", "~~~", "---", "==="]
                    .iter()
                    .any(|m| line.starts_with(m))
                || (digits.len() < line.len() && (digits.starts_with(". ") || digits.starts_with(") ")))
        };
        for e in &c.entries {
            for words in [None, Some(37), Some(3_000)] {
                let s = AnswerSpec {
                    persona_key: &e.persona.id,
                    words,
                    paragraph: true,
                    instructions: Some("Focus on cost savings."),
                    follow_up: true,
                    ..spec("Should we launch the subscription plan?")
                };
                let a = compose(&e.voice, &s);
                let n = a.split_whitespace().count();
                match words {
                    Some(w) => assert_eq!(n, w, "{}", e.persona.name),
                    None => assert!((80..=200).contains(&n), "{}: {n} words\n{a}", e.persona.name),
                }
                assert!(!a.contains("\n\n") && a.trim() == a, "one paragraph:\n{a}");
                assert!(
                    !a.contains("```") && !a.contains("|---"),
                    "no code or table:\n{a}"
                );
                if let Some(line) = a.lines().find(|l| block_start(l)) {
                    panic!("{}: a line starts a block: {line:?}", e.persona.name);
                }
                if words == Some(3_000) {
                    let breaks = a.matches('\n').count();
                    assert!(breaks >= 20, "{}: {breaks} soft line breaks", e.persona.name);
                }
                assert_eq!(a, compose(&e.voice, &s), "deterministic");
            }
        }
    }

    #[test]
    fn instructions_are_acknowledged() {
        let c = load(&[], None).expect("asset");
        let s = AnswerSpec {
            instructions: Some("Be brief and focus on cost savings."),
            ..spec("CRM")
        };
        assert!(compose(&c.neutral, &s).contains("Focusing on cost savings, as you asked."));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
        #[test]
        fn any_prompt_gives_a_deterministic_answer_of_the_asked_length(
            prompt in ".{0,120}", instructions in proptest::option::of(".{0,60}"), words in proptest::option::of(1usize..400),
        ) {
            let c = load(&[], None).expect("asset");
            let s = AnswerSpec { instructions: instructions.as_deref(), words, ..spec(&prompt) };
            let a = compose(&c.entries[3].voice, &s);
            proptest::prop_assert_eq!(&a, &compose(&c.entries[3].voice, &s));
            if let Some(n) = words {
                proptest::prop_assert_eq!(a.split_whitespace().count(), n);
            } else {
                proptest::prop_assert!(a.split_whitespace().count() >= 80);
            }
        }
    }
}

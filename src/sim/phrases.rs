//! Reading a prompt the way the answer generator needs it: its key phrases, a line that
//! acknowledges the caller's `instructions`, and the model's words when it declines
//! (the `refusal` fault).
//!
//! Owns: word filtering (function words, numbers, contractions), phrase extraction and
//! ranking, the instructions acknowledgement and the refusal. Pure. Does not own: composing the answer
//! (see `voice`).

use std::cmp::Reverse;

use super::rng::Rng;

/// Why the model declines, one of these for a given seed, persona and prompt.
const REFUSALS: [&str; 3] = [
    "I'm sorry, but I can't help with that request.",
    "I can't answer that one; it is outside what I am able to discuss.",
    "Sorry, I have to decline this request.",
];

/// What the model says when it declines to answer `prompt` (the `refusal` fault): one
/// deterministic sentence, naming the prompt's main topic when it has one.
pub fn refusal(seed: u64, persona_key: &str, prompt: &str) -> String {
    let mut rng = Rng::from_parts(&[&seed.to_le_bytes(), persona_key.as_bytes(), prompt.as_bytes()]);
    let said = REFUSALS
        .get(rng.below(REFUSALS.len()))
        .copied()
        .unwrap_or(REFUSALS[0]);
    match keywords(prompt).first() {
        Some(topic) => format!("{said} (Topic: {topic}.)"),
        None => said.to_owned(),
    }
}

/// One line reflecting `instructions`: the requested focus when one is named, else a
/// short quote. `None` for blank instructions.
pub fn acknowledge(instructions: &str) -> Option<String> {
    let clean: String = instructions
        .chars()
        .map(|c| {
            if c.is_control() || matches!(c, '*' | '`' | '_' | '#') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let words: Vec<&str> = clean.split_whitespace().collect();
    if words.is_empty() {
        return None;
    }
    let lower: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let focus = lower.windows(2).position(|w| w[0] == "focus" && w[1] == "on");
    if let Some(i) = focus {
        let topic: Vec<&str> = words.iter().skip(i + 2).take(6).copied().collect();
        if !topic.is_empty() {
            let t = topic.join(" ");
            let t = t.trim_end_matches(|c: char| !c.is_alphanumeric());
            return Some(format!("*Focusing on {t}, as you asked.*"));
        }
    }
    let quoted: Vec<&str> = words.iter().take(12).copied().collect();
    let more = if words.len() > 12 { "…" } else { "" };
    Some(format!(
        "*Noted — keeping to your brief: \"{}{more}\".*",
        quoted.join(" ")
    ))
}

#[rustfmt::skip]
const STOPWORDS: &[&str] = &[
    "about", "above", "after", "again", "against", "all", "also", "and", "answer", "any",
    "anything", "are", "because", "been", "before", "being", "best", "between", "both", "but",
    "can", "could", "describe", "did", "does", "doing", "down", "during", "each", "even", "every",
    "everyone", "explain", "feel", "for", "from", "get", "give", "going", "good", "had", "has",
    "have", "having", "help", "here", "how", "into", "its", "just", "know", "let", "like", "made",
    "make", "makes", "many", "might", "more", "most", "much", "must", "need", "new", "not", "now",
    "one", "only", "opinion", "other", "our", "out", "over", "own", "people", "please", "question",
    "quick", "react", "reaction", "really", "said", "same", "say", "should", "show", "some",
    "someone", "something", "still", "such", "take", "tell", "than", "that", "the", "their", "them",
    "then", "there", "these", "they", "thing", "things", "think", "this", "those", "thoughts",
    "through", "use", "very", "view", "views", "want", "was", "way", "well", "were", "what", "when",
    "where", "which", "while", "who", "why", "will", "with", "within", "without", "would", "write",
    "you", "your", "yours",
    // Request verbs: "should we launch X", "rate our X" are about X.
    "add", "adopt", "adding", "buy", "build", "building", "choose", "compare", "consider",
    "create", "evaluate", "improve", "introduce", "launch", "launching", "rate", "review",
    "start", "switch", "try", "using",
];

/// Whether a word can be part of a key phrase: not a function word, not a number, and
/// either 3+ characters or a short acronym ("AI", "UX").
fn is_content_word(w: &str) -> bool {
    let len = w.chars().count();
    let acronym = len == 2 && w.chars().all(|c| c.is_uppercase());
    (acronym || (3..=30).contains(&len))
        && !w.contains('\'')
        && !w.chars().all(|c| c.is_numeric())
        && !STOPWORDS.contains(&w.to_lowercase().as_str())
}

/// Up to three key phrases of the prompt (runs of up to three content words, longest
/// first): what an answer echoes so it feels responsive. Only letters, digits, hyphens
/// and spaces survive, so nothing hostile from the prompt is echoed.
pub fn keywords(prompt: &str) -> Vec<String> {
    let mut phrases: Vec<Vec<String>> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut first_word = true;
    let flush = |current: &mut Vec<String>, phrases: &mut Vec<Vec<String>>| {
        if !current.is_empty() {
            phrases.push(std::mem::take(current));
        }
    };
    for c in prompt.chars().chain(std::iter::once('.')) {
        if c.is_alphanumeric() || c == '-' || c == '\'' {
            word.push(c);
            continue;
        }
        if !word.is_empty() {
            let w = word.trim_matches(|c| c == '-' || c == '\'');
            if is_content_word(w) {
                // A capital at the very start is grammar, not a name.
                let plain = first_word && w.chars().skip(1).all(|c| !c.is_uppercase());
                current.push(if plain { w.to_lowercase() } else { w.to_string() });
                if current.len() == 3 {
                    flush(&mut current, &mut phrases);
                }
            } else {
                flush(&mut current, &mut phrases);
            }
            first_word = false;
            word.clear();
        }
        // Punctuation ends a phrase; spaces do not.
        if c != ' ' {
            flush(&mut current, &mut phrases);
        }
    }
    let mut out: Vec<String> = Vec::new();
    for p in phrases {
        let joined = p.join(" ");
        if !out.iter().any(|o| o.eq_ignore_ascii_case(&joined)) {
            out.push(joined);
        }
    }
    out.sort_by_key(|p| Reverse((p.split(' ').count(), p.chars().count())));
    out.truncate(3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keywords_skip_noise() {
        assert_eq!(
            keywords("What do you think about the SaaS pricing?"),
            vec!["SaaS pricing"]
        );
        assert_eq!(
            keywords("What do you think of a subscription service for running shoes?"),
            vec!["subscription service", "running shoes"]
        );
        assert_eq!(keywords("Pricing, AI and Tesla"), vec!["pricing", "Tesla", "AI"]);
        assert!(keywords("\x1b]0;pwned\x07 日本語")
            .iter()
            .all(|k| !k.contains('\x1b')));
        assert!(keywords("").is_empty());
    }

    #[test]
    fn a_refusal_is_one_stable_sentence_about_the_prompt() {
        let r = refusal(7, "cfo", "What about the SaaS pricing?");
        assert_eq!(r, refusal(7, "cfo", "What about the SaaS pricing?"));
        assert!(REFUSALS.iter().any(|s| r.starts_with(s)), "{r}");
        assert!(r.ends_with("(Topic: SaaS pricing.)"), "{r}");
        assert!(!r.contains('\n'));
        assert!(REFUSALS.contains(&refusal(7, "cfo", "?").as_str()));
    }

    #[test]
    fn instructions_are_acknowledged() {
        assert_eq!(
            acknowledge("Be brief and focus on cost savings.").as_deref(),
            Some("*Focusing on cost savings, as you asked.*")
        );
        assert_eq!(
            acknowledge("Answer like a pirate").as_deref(),
            Some("*Noted — keeping to your brief: \"Answer like a pirate\".*")
        );
        let long = acknowledge(&"word ".repeat(20)).unwrap_or_default();
        assert!(long.ends_with("…\".*"), "{long}");
        assert_eq!(acknowledge(" \x1b "), None);
    }
}

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
    // Units of a price or a rate ("$30 a month"): never what a prompt is about.
    "month", "months", "year", "years", "week", "weeks", "day", "days", "per",
    // Request verbs: "should we launch X", "rate our X" are about X.
    "add", "adopt", "adding", "buy", "build", "building", "choose", "compare", "consider",
    "create", "evaluate", "improve", "introduce", "launch", "launching", "rate", "review",
    "start", "switch", "try", "using",
    // Judgements of the topic, not part of it: "is a meal kit worth it" is about a meal kit.
    "worth", "worthwhile", "worse", "better",
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
    topics(prompt).into_iter().map(|t| t.text).collect()
}

/// A key phrase of a prompt, as an answer's subject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topic {
    pub text: String,
    /// Whether a verb after it is plural ("running shoes are"; "raising prices is").
    pub plural: bool,
    /// Whether the prompt gave it a determiner ("a meal-kit subscription", "our 12 dollar
    /// plan"): a singular noun like that needs one in an answer too.
    pub counted: bool,
}

impl Topic {
    /// The phrase as an answer writes it: "the meal-kit subscription" where the prompt
    /// had "a meal-kit subscription", else as the prompt had it ("AI", "running shoes").
    pub fn phrase(&self) -> String {
        if self.counted && !self.plural {
            format!("the {}", self.text)
        } else {
            self.text.clone()
        }
    }
}

/// Words that make a noun after them countable ("a plan", "our plan").
const DETERMINERS: &[&str] = &[
    "a", "an", "the", "our", "your", "my", "this", "that", "their", "its",
];

/// Words after which a phrase starts with a verb: "should we raise prices", "how to
/// raise prices" (the verb becomes a gerund: the answer is about "raising prices").
const MODALS: &[&str] = &[
    "should", "could", "can", "would", "will", "shall", "must", "might", "do", "did",
];
const PRONOUNS: &[&str] = &["we", "i", "you", "they"];

/// The key phrases of `prompt` (as `keywords`), each with its number as a subject.
pub fn topics(prompt: &str) -> Vec<Topic> {
    // Each phrase: its words, whether a verb leads it, whether a determiner came before.
    let mut phrases: Vec<(Vec<String>, bool, bool)> = Vec::new();
    let mut current: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut first_word = true;
    // The two words before the one being read (lower case), and whether the phrase being
    // built starts with a verb.
    let (mut prev1, mut prev2) = (String::new(), String::new());
    let mut verb_led = false;
    let mut counted = false;
    let flush = |current: &mut Vec<String>,
                 phrases: &mut Vec<(Vec<String>, bool, bool)>,
                 verb_led: bool,
                 counted: bool| {
        if !current.is_empty() {
            let mut words = std::mem::take(current);
            if verb_led {
                if let Some(first) = words.first_mut() {
                    *first = super::grammar::gerund(first);
                }
            }
            phrases.push((words, verb_led, counted));
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
                if current.is_empty() {
                    // Only a plain lower-case word can be the verb ("should we use AI":
                    // the phrase is "AI", never "AIing").
                    let verb_like = w.chars().all(|c| c.is_ascii_lowercase()) && !w.ends_with("ing");
                    verb_led = verb_like
                        && (prev1 == "to"
                            || (PRONOUNS.contains(&prev1.as_str()) && MODALS.contains(&prev2.as_str())));
                    // "a plan", "a 12 dollar plan" (the number is not kept).
                    let number = prev1.chars().all(|c| c.is_numeric()) && !prev1.is_empty();
                    counted = DETERMINERS.contains(&prev1.as_str())
                        || (number && DETERMINERS.contains(&prev2.as_str()));
                }
                // A capital at the very start is grammar, not a name.
                let plain = first_word && w.chars().skip(1).all(|c| !c.is_uppercase());
                current.push(if plain { w.to_lowercase() } else { w.to_string() });
                if current.len() == 3 {
                    flush(&mut current, &mut phrases, verb_led, counted);
                }
            } else {
                flush(&mut current, &mut phrases, verb_led, counted);
            }
            first_word = false;
            prev2 = std::mem::replace(&mut prev1, w.to_lowercase());
            word.clear();
        }
        // Punctuation ends a phrase; spaces do not.
        if c != ' ' {
            flush(&mut current, &mut phrases, verb_led, counted);
            prev1.clear();
            prev2.clear();
        }
    }
    let mut out: Vec<Topic> = Vec::new();
    for (p, verb_led, counted) in phrases {
        // A verb alone ("to integrate with the EHR": "integrating") says less than the
        // nouns around it.
        if verb_led && p.len() < 2 {
            continue;
        }
        let text = p.join(" ");
        if !out.iter().any(|o| o.text.eq_ignore_ascii_case(&text)) {
            let plural = !verb_led && super::grammar::is_plural(&text);
            out.push(Topic {
                text,
                plural,
                counted: counted && !verb_led,
            });
        }
    }
    out.sort_by_key(|t| Reverse((t.text.split(' ').count(), t.text.chars().count())));
    out.truncate(3);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_phrase_led_by_a_verb_is_about_doing_it_and_is_singular() {
        let t = topics("Should we raise prices by 10%?");
        assert_eq!(
            t.first().map(|t| (t.text.as_str(), t.plural)),
            Some(("raising prices", false))
        );
        let t = topics("Would you pay $30 a month for a meal-kit subscription?");
        assert_eq!(
            keywords("Would you pay $30 a month for a meal-kit subscription?")
                .first()
                .map(String::as_str),
            Some("meal-kit subscription")
        );
        assert!(t.iter().all(|t| !t.text.contains("month")), "{t:?}");
        assert_eq!(
            keywords("Our students want the app to integrate with the EHR."),
            vec!["students", "app", "EHR"]
        );
        let t = topics("Do our students like the new EHR portal?");
        assert!(t.iter().any(|t| t.text == "students" && t.plural), "{t:?}");
        assert_eq!(keywords("Should we use AI?"), vec!["AI"]);
        assert_eq!(keywords("Is a meal kit worth it?"), vec!["meal kit"]);
        assert_eq!(
            keywords("Is a meal-kit subscription worth the price?"),
            vec!["meal-kit subscription", "price"]
        );
        assert_eq!(keywords("How to cut churn?"), vec!["cutting churn"]);
    }

    #[test]
    fn a_singular_topic_the_prompt_counted_gets_an_article_in_the_answer() {
        let first = |p: &str| topics(p).first().map(Topic::phrase);
        assert_eq!(
            first("Is a 12 dollar shoe subscription worth it?").as_deref(),
            Some("the dollar shoe subscription")
        );
        assert_eq!(
            first("Would you pay $30 a month for a meal-kit subscription?").as_deref(),
            Some("the meal-kit subscription")
        );
        // Plural, uncounted, a name, or a verb: as the prompt had it.
        assert_eq!(
            first("Do you like our running shoes?").as_deref(),
            Some("running shoes")
        );
        assert_eq!(first("Should we use AI?").as_deref(), Some("AI"));
        assert_eq!(first("How to cut churn?").as_deref(), Some("cutting churn"));
        assert_eq!(
            first("Pricing feedback please").as_deref(),
            Some("pricing feedback")
        );
    }

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

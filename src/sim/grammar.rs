//! Making the simulator's sentences agree with what a prompt is about.
//!
//! Owns: the little English the answer templates need once a phrase from the prompt is
//! put into them — whether that phrase is plural ("running shoes", "prices") and so the
//! verb after it loses its `-s` ("the prices need", not "the prices needs"; "are", "have",
//! "were", "don't"), and turning a verb that leads a phrase into a noun ("should we raise
//! prices" is about "raising prices"). Heuristics for the simulator's own templates, not a
//! grammar of English. Pure. Does not own: choosing phrases (`phrases`) or templates
//! (`voice`, `assets/personas.json`).

/// Words that may stand between a subject and its verb in a template ("{topic} usually
/// works").
const ADVERBS: &[&str] = &[
    "usually", "really", "often", "actually", "still", "also", "probably", "quickly", "only",
];

/// Words after which a phrase is an object, not a subject.
const PREPOSITIONS: &[&str] = &[
    "with", "of", "for", "about", "in", "on", "at", "to", "from", "by", "like", "than", "into", "behind",
    "around", "through", "without", "against",
];

/// Words ending in `s` that are not verbs after a subject.
const NOT_VERBS: &[&str] = &[
    "this", "its", "as", "us", "plus", "always", "across", "unless", "less", "towards", "thus",
];

/// Nouns ending in `s` that are singular ("analytics is", "news is", "SaaS is").
const SINGULAR_S: &[&str] = &[
    "its",
    "his",
    "has",
    "was",
    "yes",
    "this",
    "thus",
    "less",
    "analytics",
    "news",
    "economics",
    "logistics",
    "saas",
    "series",
    "status",
    "campus",
    "bonus",
    "basis",
    "analysis",
    "process",
    "business",
    "access",
    "success",
    "address",
    "canvas",
    "lens",
    "gas",
    "bus",
    "plus",
    "focus",
    "virus",
    "census",
    "chassis",
];

/// Whether a noun phrase, as a subject, takes a plural verb: its last word is a plural
/// noun. (A phrase led by a verb, "raising prices", is singular: its maker knows that.)
pub fn is_plural(phrase: &str) -> bool {
    let Some(last) = phrase.split_whitespace().last() else {
        return false;
    };
    let lower = last.to_lowercase();
    let acronym_plural = last.len() >= 3
        && last.ends_with('s')
        && last[..last.len() - 1].chars().all(|c| c.is_ascii_uppercase());
    acronym_plural
        || (lower.ends_with('s')
            && !lower.ends_with("ss")
            && !lower.ends_with("us")
            && !lower.ends_with("is")
            && lower.chars().count() >= 3
            && !SINGULAR_S.contains(&lower.as_str()))
        || ["people", "children", "men", "women", "data", "media", "criteria"].contains(&lower.as_str())
}

/// The form of a third-person singular verb that agrees with a plural subject; `None`
/// when `word` is not such a verb.
fn plural_verb(word: &str) -> Option<String> {
    let irregular = match word {
        "is" => Some("are"),
        "has" => Some("have"),
        "was" => Some("were"),
        "does" => Some("do"),
        "doesn't" => Some("don't"),
        "isn't" => Some("aren't"),
        "wasn't" => Some("weren't"),
        "hasn't" => Some("haven't"),
        _ => None,
    };
    if let Some(v) = irregular {
        return Some(v.to_owned());
    }
    if word.len() < 3 || !word.ends_with('s') || word.ends_with("ss") || NOT_VERBS.contains(&word) {
        return None;
    }
    if !word.chars().all(|c| c.is_ascii_lowercase()) {
        return None;
    }
    let stem = &word[..word.len() - 1];
    let es = ["ches", "shes", "xes", "sses", "zes"]
        .iter()
        .any(|end| word.ends_with(end));
    Some(if es {
        word[..word.len() - 2].to_owned()
    } else {
        stem.to_owned()
    })
}

/// The `-ing` form of a verb: `raise` → `raising`, `cut` → `cutting`, `see` → `seeing`.
pub fn gerund(verb: &str) -> String {
    let lower = verb.to_lowercase();
    let chars: Vec<char> = lower.chars().collect();
    let vowel = |c: char| "aeiou".contains(c);
    match chars.as_slice() {
        [.., 'i', 'e'] => format!("{}ying", &lower[..lower.len() - 2]),
        [.., a, 'e'] if *a == 'e' || *a == 'y' || *a == 'o' => format!("{lower}ing"),
        [.., 'e'] if chars.len() > 2 => format!("{}ing", &lower[..lower.len() - 1]),
        // One syllable ending consonant-vowel-consonant: the consonant doubles ("cut").
        [c1, v, c2] | [_, c1, v, c2]
            if chars.len() <= 4 && !vowel(*c1) && vowel(*v) && !vowel(*c2) && !"wxy".contains(*c2) =>
        {
            format!("{lower}{c2}ing")
        }
        _ => format!("{lower}ing"),
    }
}

/// `template` with each `{name}` of `slots` (name, phrase, whether it is plural) replaced
/// by its phrase, and the verb that follows a plural phrase (after at most one adverb)
/// made to agree with it.
pub fn fill(template: &str, slots: &[(&str, &str, bool)]) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    'outer: while let Some(open) = rest.find('{') {
        for (name, phrase, plural) in slots {
            let key = format!("{{{name}}}");
            if rest[open..].starts_with(&key) {
                out.push_str(&rest[..open]);
                // After a preposition the phrase is not the subject ("my instinct with
                // running shoes is"): the verb stays as the template has it.
                let object = out
                    .split_whitespace()
                    .last()
                    .is_some_and(|w| PREPOSITIONS.contains(&w.to_lowercase().as_str()));
                out.push_str(phrase);
                rest = &rest[open + key.len()..];
                if *plural && !object {
                    rest = agree(rest, &mut out);
                }
                continue 'outer;
            }
        }
        out.push_str(&rest[..=open]);
        rest = &rest[open + 1..];
    }
    out.push_str(rest);
    out
}

/// Writes the words after a plural subject to `out`, the verb among the first two made
/// plural; returns what is left of the template.
fn agree<'t>(rest: &'t str, out: &mut String) -> &'t str {
    let mut tail = rest;
    for _ in 0..2 {
        let Some(after_space) = tail.strip_prefix(' ') else {
            return tail;
        };
        let end = after_space
            .find(|c: char| !(c.is_alphabetic() || c == '\''))
            .unwrap_or(after_space.len());
        let word = &after_space[..end];
        if let Some(verb) = plural_verb(word) {
            out.push(' ');
            out.push_str(&verb);
            return &after_space[end..];
        }
        if !ADVERBS.contains(&word) {
            return tail;
        }
        out.push(' ');
        out.push_str(word);
        tail = &after_space[end..];
    }
    tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_subjects_take_plural_verbs() {
        let t = "If {topic} integrates with our EHR, {topic2} usually needs a week; {topic} doesn't fit. {topic} from abroad";
        let slots =
            |a: &'static str, b: &'static str| [("topic", a, is_plural(a)), ("topic2", b, is_plural(b))];
        assert_eq!(
            fill(t, &slots("students", "the details")),
            "If students integrate with our EHR, the details usually need a week; students don't fit. students from abroad"
        );
        assert_eq!(
            fill(t, &slots("SaaS pricing", "analytics")),
            "If SaaS pricing integrates with our EHR, analytics usually needs a week; SaaS pricing doesn't fit. SaaS pricing from abroad"
        );
        assert_eq!(
            fill(
                "{topic} is {topic} has {topic} matches",
                &[("topic", "KPIs", true)]
            ),
            "KPIs are KPIs have KPIs match"
        );
        assert_eq!(
            fill("{topic} is", &[("topic", "raising prices", false)]),
            "raising prices is"
        );
        assert_eq!(fill("{unknown} {", &[("topic", "x", false)]), "{unknown} {");
        assert_eq!(
            fill(
                "My instinct with {topic} is to ask; {topic} sounds fine",
                &[("topic", "ads", true)]
            ),
            "My instinct with ads is to ask; ads sound fine"
        );
    }

    #[test]
    fn number_is_read_from_the_last_word() {
        for p in [
            "running shoes",
            "prices",
            "the details",
            "KPIs",
            "people",
            "meal kits",
            "ads",
        ] {
            assert!(is_plural(p), "{p}");
        }
        for p in [
            "this",
            "SaaS",
            "analytics",
            "business",
            "the price",
            "campus",
            "status",
            "bus",
        ] {
            assert!(!is_plural(p), "{p}");
        }
    }

    #[test]
    fn verbs_become_gerunds() {
        for (verb, ing) in [
            ("raise", "raising"),
            ("launch", "launching"),
            ("cut", "cutting"),
            ("stop", "stopping"),
            ("see", "seeing"),
            ("die", "dying"),
            ("expand", "expanding"),
            ("offer", "offering"),
            ("fix", "fixing"),
            ("plan", "planning"),
        ] {
            assert_eq!(gerund(verb), ing);
        }
    }
}

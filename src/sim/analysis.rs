//! The simulator's `analysis_mode` objects (spec §3): plausible, different per persona,
//! and the same for the same seed, persona and prompt.
//!
//! Owns: the keys spec §3 names — `confidence` (1–10), `emotion` with
//! `emotional_valence`, `arousal` and `dominance`, `biases` (`[{"name", "description"}]`),
//! `key_insights` — drawn from the persona's own concerns and the prompt's words, plus
//! `purchase_intent`, a key the spec does not name, so that clients show unknown keys.
//! Does not own: when one is sent (`responses`: only when the request asks).

use serde_json::{json, Value};

use super::personas::Voice;
use super::phrases;
use super::rng::Rng;

/// Biases a persona may lean on: (name, description).
const BIASES: [(&str, &str); 8] = [
    (
        "Status quo bias",
        "Preference for the current way of doing things.",
    ),
    (
        "Anchoring",
        "The first price or number heard weighs on every later judgement.",
    ),
    ("Social proof", "What peers already use counts as evidence."),
    (
        "Loss aversion",
        "Giving something up feels worse than gaining the same.",
    ),
    ("Bandwagon effect", "Popularity is read as quality."),
    (
        "Authority bias",
        "Claims from experts and brands are taken on trust.",
    ),
    ("Present bias", "Rewards now beat larger rewards later."),
    (
        "Confirmation bias",
        "Evidence that fits what is already believed stands out.",
    ),
];

/// An analysis of `persona_key`'s answer to `prompt`.
pub fn analysis(seed: u64, persona_key: &str, prompt: &str, voice: &Voice) -> Value {
    let mut r = Rng::from_parts(&[
        &seed.to_le_bytes(),
        persona_key.as_bytes(),
        prompt.as_bytes(),
        b"analysis",
    ]);
    let score = |r: &mut Rng| 2 + r.below(8) as u64;
    let confidence = score(&mut r);
    let emotion = json!({
        "emotional_valence": score(&mut r),
        "arousal": score(&mut r),
        "dominance": score(&mut r),
    });
    let count = 1 + r.below(2);
    let biases: Vec<Value> = r
        .distinct(BIASES.len(), count)
        .into_iter()
        .filter_map(|i| BIASES.get(i))
        .map(|(name, description)| json!({"name": name, "description": description}))
        .collect();
    let mut insights: Vec<String> = phrases::keywords(prompt)
        .iter()
        .take(2)
        .map(|t| format!("Reactions hinge on how \"{t}\" is framed."))
        .collect();
    if !voice.concerns.is_empty() {
        // A concern is a sentence of the persona's voice, with the prompt's topics in it
        // as the answer would have them; emphasis marks are the answer's, not a score's.
        let topics = phrases::topics(prompt);
        let slot = |i: usize, default: &'static str, plural: bool| {
            topics
                .get(i)
                .map_or((default.to_owned(), plural), |t| (t.phrase(), t.plural))
        };
        let ((topic, plural), (topic2, plural2)) = (slot(0, "this", false), slot(1, "the details", true));
        let concern = super::grammar::fill(
            r.pick(&voice.concerns),
            &[("topic", &topic, plural), ("topic2", &topic2, plural2)],
        )
        .replace('*', "");
        insights.push(format!("Likely objection: {}", concern.trim()));
    }
    json!({
        "confidence": confidence,
        "emotion": emotion,
        "biases": biases,
        "key_insights": insights,
        "purchase_intent": score(&mut r),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_persona_and_prompt_give_the_same_analysis_and_personas_differ() {
        let voice = Voice {
            concerns: vec!["hidden fees".into()],
            ..Voice::default()
        };
        let a = analysis(7, "p1", "Would you buy a smart fridge?", &voice);
        assert_eq!(a, analysis(7, "p1", "Would you buy a smart fridge?", &voice));
        let others: Vec<Value> = (2..6)
            .map(|i| analysis(7, &format!("p{i}"), "Would you buy a smart fridge?", &voice))
            .collect();
        assert!(others.iter().any(|o| o != &a), "personas answer differently");
        let c = a["confidence"].as_u64().unwrap_or(0);
        assert!((1..=10).contains(&c));
        assert!(a["emotion"]["emotional_valence"].is_u64());
        assert!(a["biases"][0]["name"].is_string());
        assert!(a["key_insights"].as_array().is_some_and(|i| i
            .iter()
            .any(|t| t.as_str().is_some_and(|t| t.contains("hidden fees")))));
    }

    #[test]
    fn an_objection_reads_as_the_persona_would_say_it_about_the_prompt() {
        let voice = Voice {
            concerns: vec![
                "The main risk is *margin dilution* if {topic2} scales faster than {topic}.".into(),
            ],
            ..Voice::default()
        };
        let a = analysis(7, "p1", "Would you buy running shoes with free returns?", &voice);
        let insights: Vec<&str> = a["key_insights"]
            .as_array()
            .map(|i| i.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let objection = insights
            .iter()
            .find(|t| t.starts_with("Likely objection:"))
            .copied();
        assert_eq!(
            objection,
            Some("Likely objection: The main risk is margin dilution if free returns scale faster than running shoes."),
            "{insights:?}"
        );
    }
}

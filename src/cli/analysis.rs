//! `ask --analysis` in text and Markdown: the analysis object as a short readable
//! summary (`--format json` carries the object itself, sanitised: `report`).
//!
//! Owns: the summary's wording — a first line with confidence and the emotion
//! dimensions, then the biases, the key insights as a list, and every key this client
//! does not know as `key: value` — sanitised. Does not own: reading the object
//! (`api::analysis`) or where the summary is printed (`answer::label`).

use serde_json::Value;

use crate::api::analysis::Analysis;
use crate::sanitize::clean_line;
use crate::view::analysis::number;

/// The analysis as a few lines of plain text.
pub fn summary(value: &Value) -> String {
    let a = Analysis::read(value);
    let mut head = Vec::new();
    if let Some(c) = a.confidence {
        head.push(format!("confidence {}/10", number(c)));
    }
    head.extend(
        a.emotions
            .iter()
            .map(|(k, v)| format!("{} {}", clean_line(k), number(*v))),
    );
    let mut lines = vec![if head.is_empty() {
        "[analysis]".to_owned()
    } else {
        format!("[analysis] {}", head.join(" · "))
    }];
    if !a.biases.is_empty() {
        let names: Vec<String> = a.biases.iter().map(|b| clean_line(&b.name)).collect();
        lines.push(format!("biases: {}", names.join("; ")));
    }
    if !a.insights.is_empty() {
        lines.push("key insights:".to_owned());
        lines.extend(a.insights.iter().map(|i| format!("- {}", clean_line(i))));
    }
    lines.extend(
        a.other
            .iter()
            .map(|(k, v)| format!("{}: {}", clean_line(k), clean_line(v))),
    );
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_summary_reads_the_known_keys_and_lists_the_rest() {
        let text = summary(&json!({
            "confidence": 7,
            "emotion": {"emotional_valence": 6, "arousal": 4.5},
            "biases": [{"name": "Anchoring\u{1b}[2J"}],
            "key_insights": ["Price first"],
            "purchase_intent": 6,
        }));
        assert_eq!(
            text,
            "[analysis] confidence 7/10 · valence 6 · arousal 4.5\nbiases: Anchoring\n\
             key insights:\n- Price first\npurchase_intent: 6"
        );
    }
}

//! Reading the `analysis` object of `analysis_mode` (spec §3), whose shape is only partly
//! documented: `confidence` (1–10), `emotion` dimensions (`emotional_valence`, likely
//! `arousal`, `dominance`), `biases` (`[{"name", ...}]`), likely `key_insights`.
//!
//! Owns: a lenient reading into `Analysis` — numbers may be strings ("7", "7/10",
//! "70%"), 0–1 fractions or percentages (scaled to 1–10); a dimension may be a nested
//! object (`{"score": 6}`); biases may be strings, objects or a name → text map; insights
//! strings or objects; anything else is kept as `other` (key and compact value) so that
//! keys this client does not know are still shown. Missing fields are simply absent.
//! Does not own: sanitising (callers clean what they draw or print) or drawing
//! (`view::analysis`, `cli::analysis`).

use serde_json::{Map, Value};

/// The widest compact value kept for an unknown key, in characters.
const OTHER_CHARS: usize = 200;

/// One bias named by the analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Bias {
    pub name: String,
    /// Its description or impact, when given.
    pub detail: Option<String>,
}

/// The analysis, read leniently. Raw text: sanitise before showing.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Analysis {
    /// On a 0–10 scale.
    pub confidence: Option<f64>,
    /// Emotion dimensions, short names (`valence`), 0–10: valence, arousal, dominance
    /// first, then the rest by name — one order for every answer, so cards side by
    /// side line up.
    pub emotions: Vec<(String, f64)>,
    pub biases: Vec<Bias>,
    pub insights: Vec<String>,
    /// Keys not understood, with a compact value, by name.
    pub other: Vec<(String, String)>,
}

impl Analysis {
    /// Reads an analysis object; anything but an object is one `other` entry.
    pub fn read(value: &Value) -> Analysis {
        let mut a = Analysis::default();
        let Value::Object(map) = value else {
            if !value.is_null() {
                a.other.push(("analysis".into(), compact(value)));
            }
            return a;
        };
        for (key, v) in map {
            match key.as_str() {
                "confidence" | "confidence_score" => match score(v) {
                    Some(s) => a.confidence = Some(s),
                    None => a.other.push((key.clone(), compact(v))),
                },
                "emotion" | "emotions" | "emotional_analysis" => emotions(&mut a, key, v),
                "biases" | "cognitive_biases" => biases(&mut a, v),
                "key_insights" | "insights" => insights(&mut a, v),
                _ => a.other.push((key.clone(), compact(v))),
            }
        }
        a
    }

    /// Valence, else the first emotion dimension: what a comparison lines up beside
    /// confidence.
    pub fn headline_emotion(&self) -> Option<(&str, f64)> {
        self.emotions
            .iter()
            .find(|(k, _)| k.contains("valence"))
            .or_else(|| self.emotions.first())
            .map(|(k, v)| (k.as_str(), *v))
    }
}

/// A 0–10 score from a number or a string ("7", "7.5/10", "70%"); fractions (0–1, not
/// whole) and percentages (over 10, up to 100) are scaled; `{"score": n}` / `{"value":
/// n}` are looked into.
pub fn score(v: &Value) -> Option<f64> {
    let (n, percent) = match v {
        Value::Number(n) => (n.as_f64()?, false),
        Value::String(s) => {
            let s = s.trim();
            let head = s.split('/').next().unwrap_or(s).trim();
            let percent = head.ends_with('%');
            (head.trim_end_matches('%').trim().parse::<f64>().ok()?, percent)
        }
        Value::Object(m) => {
            return ["score", "value", "level", "rating"]
                .iter()
                .find_map(|k| m.get(*k).and_then(score))
        }
        _ => return None,
    };
    if !n.is_finite() || n < 0.0 {
        return None;
    }
    let n = if percent || (n > 10.0 && n <= 100.0) {
        n / 10.0
    } else if n < 1.0 && n.fract() != 0.0 {
        n * 10.0
    } else {
        n
    };
    (n <= 10.0).then_some(n)
}

/// `emotional_valence` reads `valence`: the prefix says nothing in a card titled emotion.
fn short(key: &str) -> String {
    key.strip_prefix("emotional_").unwrap_or(key).to_owned()
}

fn emotions(a: &mut Analysis, key: &str, v: &Value) {
    let Value::Object(map) = v else {
        a.other.push((key.to_owned(), compact(v)));
        return;
    };
    for (k, dim) in map {
        match score(dim) {
            Some(s) => a.emotions.push((short(k), s)),
            None => a.other.push((format!("{key}.{k}"), compact(dim))),
        }
    }
    a.emotions.sort_by(|(x, _), (y, _)| emotion_order(x, y));
}

/// The one order of emotion dimensions: valence, arousal, dominance, then the rest by
/// name.
pub fn emotion_order(x: &str, y: &str) -> std::cmp::Ordering {
    let rank = |name: &str| {
        ["valence", "arousal", "dominance"]
            .iter()
            .position(|k| *k == name)
            .unwrap_or(3)
    };
    rank(x).cmp(&rank(y)).then_with(|| x.cmp(y))
}

fn biases(a: &mut Analysis, v: &Value) {
    match v {
        Value::Array(items) => a.biases.extend(items.iter().filter_map(bias)),
        Value::Object(map) => a.biases.extend(map.iter().map(|(name, d)| Bias {
            name: name.clone(),
            detail: text(d),
        })),
        other => a.biases.extend(bias(other)),
    }
}

fn bias(v: &Value) -> Option<Bias> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(Bias {
            name: s.trim().to_owned(),
            detail: None,
        }),
        Value::Object(m) => {
            let name = first_text(m, &["name", "bias", "type", "title"])?;
            let detail = first_text(m, &["description", "impact", "explanation", "evidence", "detail"]);
            Some(Bias { name, detail })
        }
        _ => None,
    }
}

fn insights(a: &mut Analysis, v: &Value) {
    match v {
        Value::Array(items) => a.insights.extend(items.iter().filter_map(|i| match i {
            Value::Object(m) => {
                first_text(m, &["insight", "text", "summary", "description"]).or_else(|| Some(compact(i)))
            }
            other => text(other),
        })),
        other => a.insights.extend(text(other)),
    }
}

fn first_text(m: &Map<String, Value>, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| m.get(*k).and_then(text))
}

/// A value as one piece of text: strings as they are, numbers and booleans written,
/// anything else compact JSON; blank is none.
fn text(v: &Value) -> Option<String> {
    let t = match v {
        Value::String(s) => s.trim().to_owned(),
        Value::Null => String::new(),
        other => compact(other),
    };
    (!t.is_empty()).then_some(t)
}

/// Compact JSON (a string without its quotes), cut to `OTHER_CHARS`.
fn compact(v: &Value) -> String {
    let t = match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    if t.chars().count() <= OTHER_CHARS {
        return t;
    }
    let mut cut: String = t.chars().take(OTHER_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_documented_shape_reads_as_sent() {
        let a = Analysis::read(&json!({
            "confidence": 7,
            "emotion": {"emotional_valence": 6, "arousal": "4", "dominance": 8},
            "biases": [{"name": "Anchoring", "description": "First price sticks."}],
            "key_insights": ["Price matters", "Trust matters"],
        }));
        assert_eq!(a.confidence, Some(7.0));
        assert_eq!(
            a.emotions,
            [
                ("valence".into(), 6.0),
                ("arousal".into(), 4.0),
                ("dominance".into(), 8.0)
            ]
        );
        assert_eq!(a.biases[0].name, "Anchoring");
        assert_eq!(a.biases[0].detail.as_deref(), Some("First price sticks."));
        assert_eq!(a.insights, ["Price matters", "Trust matters"]);
        assert!(a.other.is_empty());
        assert_eq!(a.headline_emotion(), Some(("valence", 6.0)));
    }

    #[test]
    fn odd_shapes_degrade_one_field_and_unknown_keys_are_kept() {
        let a = Analysis::read(&json!({
            "confidence": "8/10",
            "emotion": {"arousal": {"score": 0.5}, "mood": "calm"},
            "biases": {"Bandwagon": "everyone else does"},
            "key_insights": [{"insight": "Cheap wins"}, 3, null],
            "sentiment": {"label": "positive", "score": 0.8},
        }));
        assert_eq!(a.confidence, Some(8.0));
        assert_eq!(a.emotions, [("arousal".into(), 5.0)]);
        assert_eq!(a.headline_emotion(), Some(("arousal", 5.0)));
        assert_eq!(a.biases[0].name, "Bandwagon");
        assert_eq!(a.insights, ["Cheap wins", "3"]);
        assert_eq!(
            a.other,
            [
                ("emotion.mood".into(), "calm".into()),
                ("sentiment".into(), r#"{"label":"positive","score":0.8}"#.into())
            ]
        );
    }

    #[test]
    fn scores_are_scaled_to_ten_and_nonsense_is_no_score() {
        assert_eq!(score(&json!("70%")), Some(7.0));
        assert_eq!(score(&json!(85)), Some(8.5));
        assert_eq!(score(&json!(0.3)), Some(3.0));
        assert_eq!(score(&json!(1)), Some(1.0));
        assert_eq!(score(&json!("high")), None);
        assert_eq!(score(&json!(-2)), None);
        assert_eq!(score(&json!(500)), None);
        assert_eq!(
            Analysis::read(&json!("just text")).other,
            [("analysis".into(), "just text".into())]
        );
    }
}

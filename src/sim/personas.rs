//! The simulator's persona roster: the built-in list embedded from
//! `assets/personas.json`, the voice material behind each persona, and the adversarial
//! persona tests add on purpose.
//!
//! Owns: [`Roster`] and [`SimPersona`] — loading and validating the asset, merging
//! `extra_personas` / `replace_personas`, and pairing every persona with a voice (its own,
//! or the neutral one for personas that bring none). Does not own: composing answers (see
//! `voice`), paginating the list (see `routes`), or the client's persona list
//! (`crate::catalog::Catalog`, a different type).

use std::sync::Arc;

use serde::Deserialize;
use serde_json::Value;

use crate::api::wire::Persona;

/// Embedded so that the binary works from any directory.
const ASSET: &str = include_str!("../../assets/personas.json");

/// The phrases a persona's answers are built from. Templates may contain `{topic}` and
/// `{topic2}`, replaced by key words of the prompt.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
pub struct Voice {
    pub headings: Vec<String>,
    pub openers: Vec<String>,
    pub reactions: Vec<String>,
    pub concerns: Vec<String>,
    pub ideas: Vec<String>,
    pub closers: Vec<String>,
    /// Noun phrases the persona keeps coming back to.
    pub vocabulary: Vec<String>,
    /// Whole markdown blocks (tables, fenced code) shown now and then.
    pub extras: Vec<String>,
}

impl Voice {
    /// Fills every empty list from `base`, so composing never meets an empty list.
    fn completed_by(mut self, base: &Voice) -> Voice {
        let pairs: [(&mut Vec<String>, &Vec<String>); 7] = [
            (&mut self.headings, &base.headings),
            (&mut self.openers, &base.openers),
            (&mut self.reactions, &base.reactions),
            (&mut self.concerns, &base.concerns),
            (&mut self.ideas, &base.ideas),
            (&mut self.closers, &base.closers),
            (&mut self.vocabulary, &base.vocabulary),
        ];
        for (mine, theirs) in pairs {
            if mine.is_empty() {
                mine.clone_from(theirs);
            }
        }
        self
    }
}

/// A persona as the simulator serves it, with the voice that answers for it. (The
/// client's view of a persona is `crate::catalog::PersonaEntry`.)
#[derive(Debug, Clone)]
pub struct SimPersona {
    pub persona: Persona,
    pub voice: Arc<Voice>,
}

/// Every persona the simulator serves, plus the voice used when no persona is named.
#[derive(Debug, Clone)]
pub struct Roster {
    pub entries: Vec<SimPersona>,
    pub neutral: Arc<Voice>,
}

impl Roster {
    /// The first persona with this id. Hostile lists may repeat ids; the first one wins.
    pub fn find(&self, id: &str) -> Option<&SimPersona> {
        self.entries.iter().find(|e| e.persona.id == id)
    }
}

#[derive(Deserialize)]
struct Asset {
    neutral: Voice,
    personas: Vec<AssetPersona>,
}

#[derive(Deserialize)]
struct AssetPersona {
    #[serde(flatten)]
    persona: Persona,
    #[serde(default)]
    voice: Option<Voice>,
}

/// Builds the roster: built-ins (or `replace`), then `extra`. A replacing or extra
/// persona whose id is a built-in one keeps that built-in voice; others get the neutral
/// voice. Fails only if the embedded asset is broken.
pub fn load(extra: &[Persona], replace: Option<&[Persona]>) -> Result<Roster, String> {
    let asset: Asset =
        serde_json::from_str(ASSET).map_err(|e| format!("assets/personas.json is invalid: {e}"))?;
    let neutral = Arc::new(asset.neutral);
    let builtin: Vec<SimPersona> = asset
        .personas
        .into_iter()
        .map(|p| SimPersona {
            voice: Arc::new(p.voice.unwrap_or_default().completed_by(&neutral)),
            persona: p.persona,
        })
        .collect();
    let voice_for = |p: &Persona| -> Arc<Voice> {
        builtin
            .iter()
            .find(|b| b.persona.id == p.id)
            .map_or_else(|| neutral.clone(), |b| b.voice.clone())
    };
    let mut entries: Vec<SimPersona> = match replace {
        Some(list) => list
            .iter()
            .map(|p| SimPersona {
                persona: p.clone(),
                voice: voice_for(p),
            })
            .collect(),
        None => builtin.clone(),
    };
    entries.extend(extra.iter().map(|p| SimPersona {
        persona: p.clone(),
        voice: voice_for(p),
    }));
    Ok(Roster { entries, neutral })
}

/// A persona as `GET /personas` shows it: the wire fields plus `"object": "persona"`.
pub fn to_json(p: &Persona) -> Value {
    let mut v = serde_json::to_value(p).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        map.insert("object".into(), Value::String("persona".into()));
    }
    v
}

/// A persona whose name and description carry terminal escape sequences between ordinary
/// words: OSC 0 (window title), OSC 52 (clipboard write), clear screen, SGR colour and a
/// C1 CSI. For tests of sanitising, added through `SimConfig::extra_personas`.
pub fn hostile_persona() -> Persona {
    Persona {
        id: "clx9hostile0001abcdef1234".into(),
        name: "Hostile \x1b]0;pwned\x07Persona \x1b[31mRed\x1b[0m Team".into(),
        category: "Adversarial".into(),
        description: "Ordinary words, then a clipboard write \x1b]52;c;cHduZWQ=\x07, a screen \
                      clear \x1b[2J, a C1 CSI \u{9b}31m and a title \x1b]0;pwned\x07 — then \
                      ordinary words again."
            .into(),
        is_custom: true,
        is_expert: false,
        created_at: Some(1_706_140_800),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn builtin_roster_is_rich_and_well_formed() {
        let c = load(&[], None).expect("asset loads");
        assert!(c.entries.len() >= 14, "{} personas", c.entries.len());
        let cats: HashSet<&str> = c.entries.iter().map(|e| e.persona.category.as_str()).collect();
        assert!(cats.len() >= 5, "{cats:?}");
        let mut ids = HashSet::new();
        for e in &c.entries {
            let p = &e.persona;
            assert_eq!(p.id.len(), 25, "{}", p.id);
            assert!(p.id.starts_with('c') && p.id.chars().all(|ch| ch.is_ascii_alphanumeric()));
            assert!(ids.insert(p.id.clone()), "duplicate id {}", p.id);
            assert!(!p.name.is_empty() && p.description.len() > 40, "{}", p.name);
            let v = &e.voice;
            for list in [
                &v.headings,
                &v.openers,
                &v.reactions,
                &v.concerns,
                &v.ideas,
                &v.closers,
            ] {
                assert!(list.len() >= 3, "{} has a thin voice", p.name);
            }
            assert!(!Arc::ptr_eq(&e.voice, &c.neutral), "{} has its own voice", p.name);
        }
        assert!(c
            .entries
            .iter()
            .any(|e| e.voice.extras.iter().any(|x| x.contains("```"))));
        assert!(c
            .entries
            .iter()
            .any(|e| e.voice.extras.iter().any(|x| x.contains("|---"))));
    }

    #[test]
    fn extra_and_replacing_personas_get_voices() {
        let c0 = load(&[], None).expect("asset loads");
        let known = c0.entries[0].persona.clone();
        let c = load(&[hostile_persona()], Some(std::slice::from_ref(&known))).expect("loads");
        assert_eq!(c.entries.len(), 2);
        assert!(Arc::ptr_eq(&c.entries[1].voice, &c.neutral));
        assert_eq!(
            *c.entries[0].voice, *c0.entries[0].voice,
            "built-in id keeps its voice"
        );
        assert!(c.find(&known.id).is_some() && c.find("nope").is_none());
    }

    #[test]
    fn hostile_persona_carries_escapes_between_plain_text() {
        let h = hostile_persona();
        assert!(h.name.contains("\x1b]0;") && h.name.starts_with("Hostile"));
        assert!(h.description.contains("\x1b]52;") && h.description.contains('\u{9b}'));
        assert_eq!(h.id.len(), 25);
        assert_eq!(to_json(&h)["object"], "persona");
    }
}

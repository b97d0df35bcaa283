//! The personas a user can pick: the server's and the config file's, side by side.
//!
//! Owns: merging both sources (labelled), the group each persona is listed under (its
//! category, or `UNCATEGORISED` for one without: listed first, by the sidebar and by
//! `mavera-tui personas` alike), finding a persona by id or name (exact,
//! case-insensitive; else a unique partial match; else a clear error with close matches),
//! and which shape each persona takes in a request. Pure data: does not own fetching
//! (`connect`) or building the request (`api::request`).

use crate::api::request::PersonaShape;
use crate::api::wire::Persona;
use crate::config::LocalPersona;

/// The group of personas whose category is unknown (`null`, missing or blank).
pub const UNCATEGORISED: &str = "Uncategorised";

/// Where a persona is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonaSource {
    Server,
    Local,
    /// A server persona the user created (`is_custom`): it may be edited, and is marked.
    Custom,
}

/// One persona, whatever its source.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonaEntry {
    pub id: String,
    pub name: String,
    /// As the server or config file says it, trimmed; empty when unknown (see `group`).
    pub category: String,
    /// Empty when unknown: shown as none.
    pub description: String,
    pub source: PersonaSource,
    /// For local personas: the text sent as `instructions`.
    pub prompt: Option<String>,
}

impl PersonaEntry {
    fn from_server(p: Persona) -> PersonaEntry {
        PersonaEntry {
            id: p.id,
            name: p.name,
            category: p.category.trim().to_owned(),
            description: p.description,
            source: if p.is_custom {
                PersonaSource::Custom
            } else {
                PersonaSource::Server
            },
            prompt: None,
        }
    }

    fn from_local(p: &LocalPersona) -> PersonaEntry {
        let slug: String = p
            .name
            .to_lowercase()
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect();
        PersonaEntry {
            id: format!("local:{slug}"),
            name: p.name.clone(),
            category: if p.category.is_empty() {
                "Local".into()
            } else {
                p.category.clone()
            },
            description: p.description.clone(),
            source: PersonaSource::Local,
            prompt: p
                .instructions
                .clone()
                .or_else(|| Some(p.description.clone()))
                .filter(|s| !s.is_empty()),
        }
    }

    /// Whether the user created it on the server (only those can be edited).
    pub fn is_custom(&self) -> bool {
        self.source == PersonaSource::Custom
    }

    /// How this persona travels in a request.
    pub fn shape(&self) -> PersonaShape<'_> {
        match self.source {
            PersonaSource::Server | PersonaSource::Custom => PersonaShape::Id(&self.id),
            PersonaSource::Local => PersonaShape::Prompt(self.prompt.as_deref()),
        }
    }

    /// The group the persona is listed under: its category, or `UNCATEGORISED`.
    pub fn group(&self) -> &str {
        if self.category.is_empty() {
            UNCATEGORISED
        } else {
            &self.category
        }
    }

    /// The listing order: by group, then by name. The fallback group comes first: its
    /// personas are mostly the user's own custom ones (created with few fields).
    pub fn order_key(&self) -> (bool, String, String) {
        let group = self.group().to_lowercase();
        (
            group != UNCATEGORISED.to_lowercase(),
            group,
            self.label().to_lowercase(),
        )
    }

    /// The name as shown: falls back to the id for personas without one.
    pub fn label(&self) -> &str {
        if self.name.trim().is_empty() {
            &self.id
        } else {
            &self.name
        }
    }
}

/// Why a name did not pick exactly one persona.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ResolveError {
    #[error("no persona matches {query:?}{}", suggest(suggestions))]
    Unknown { query: String, suggestions: Vec<String> },
    #[error("{query:?} matches several personas: {}; use the id or the full name", candidates.join(", "))]
    Ambiguous { query: String, candidates: Vec<String> },
}

fn suggest(names: &[String]) -> String {
    if names.is_empty() {
        "; run `mavera-tui personas` to list them".into()
    } else {
        format!("; did you mean: {}?", names.join(", "))
    }
}

/// All personas available.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Catalog {
    entries: Vec<PersonaEntry>,
}

impl Catalog {
    pub fn new(server: Vec<Persona>, local: &[LocalPersona]) -> Catalog {
        let mut entries: Vec<PersonaEntry> = server.into_iter().map(PersonaEntry::from_server).collect();
        entries.extend(local.iter().map(PersonaEntry::from_local));
        Catalog { entries }
    }

    pub fn entries(&self) -> &[PersonaEntry] {
        &self.entries
    }

    /// Sorted for listing: by group (`UNCATEGORISED` first), then name.
    pub fn sorted(&self) -> Vec<&PersonaEntry> {
        let mut v: Vec<&PersonaEntry> = self.entries.iter().collect();
        v.sort_by_cached_key(|p| p.order_key());
        v
    }

    /// Finds one persona by id, name, or unique partial name.
    pub fn resolve(&self, query: &str) -> Result<&PersonaEntry, ResolveError> {
        let q = query.trim();
        if let Some(p) = self.entries.iter().find(|p| p.id == q) {
            return Ok(p);
        }
        let lower = q.to_lowercase();
        let exact: Vec<&PersonaEntry> = self
            .entries
            .iter()
            .filter(|p| p.name.to_lowercase() == lower)
            .collect();
        let partial: Vec<&PersonaEntry> = if exact.is_empty() && !lower.is_empty() {
            self.entries
                .iter()
                .filter(|p| p.name.to_lowercase().contains(&lower))
                .collect()
        } else {
            Vec::new()
        };
        let candidates = if exact.is_empty() { partial } else { exact };
        match candidates.as_slice() {
            [one] => Ok(one),
            [] => Err(ResolveError::Unknown {
                query: q.to_owned(),
                suggestions: self.close_matches(&lower),
            }),
            many => Err(ResolveError::Ambiguous {
                query: q.to_owned(),
                candidates: many.iter().map(|p| format!("{} ({})", p.label(), p.id)).collect(),
            }),
        }
    }

    fn close_matches(&self, lower: &str) -> Vec<String> {
        let mut scored: Vec<(f64, &str)> = self
            .entries
            .iter()
            .map(|p| (strsim::jaro_winkler(lower, &p.name.to_lowercase()), p.label()))
            .filter(|(score, _)| *score > 0.75)
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        scored.into_iter().take(3).map(|(_, n)| n.to_owned()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(id: &str, name: &str) -> Persona {
        Persona {
            id: id.into(),
            name: name.into(),
            category: "Generational".into(),
            description: String::new(),
            is_custom: false,
            is_expert: false,
            created_at: None,
        }
    }

    fn catalog() -> Catalog {
        let local = LocalPersona {
            name: "Pirate".into(),
            category: String::new(),
            description: "Talks like a pirate".into(),
            instructions: None,
        };
        Catalog::new(
            vec![
                server("c1", "Gen Z Consumer"),
                server("c2", "Millennial Parent"),
                server("c3", "Gen X Manager"),
            ],
            &[local],
        )
    }

    #[test]
    fn resolves_id_name_case_insensitively_and_unique_partials() {
        let c = catalog();
        assert_eq!(c.resolve("c2").map(|p| p.id.as_str()), Ok("c2"));
        assert_eq!(c.resolve("gen z consumer").map(|p| p.id.as_str()), Ok("c1"));
        assert_eq!(c.resolve("MILLENNIAL").map(|p| p.id.as_str()), Ok("c2"));
        assert_eq!(c.resolve("pirate").map(|p| p.source), Ok(PersonaSource::Local));
    }

    #[test]
    fn ambiguous_and_unknown_names_list_candidates() {
        let c = catalog();
        match c.resolve("gen") {
            Err(ResolveError::Ambiguous { candidates, .. }) => assert_eq!(candidates.len(), 2),
            other => panic!("{other:?}"),
        }
        let err = c.resolve("Gen Z Consumr").unwrap_err();
        assert!(err.to_string().contains("did you mean: Gen Z Consumer"), "{err}");
    }

    #[test]
    fn personas_without_a_category_are_grouped_first_under_the_fallback() {
        let mut blank = server("c9", "Aaron");
        blank.category = "  ".into();
        let mut none = server("c8", "Zed");
        none.category = String::new();
        let c = Catalog::new(vec![none, server("c1", "Gen Z Consumer"), blank], &[]);
        let listed: Vec<(&str, &str)> = c.sorted().iter().map(|p| (p.group(), p.label())).collect();
        assert_eq!(
            listed,
            [
                (UNCATEGORISED, "Aaron"),
                (UNCATEGORISED, "Zed"),
                ("Generational", "Gen Z Consumer")
            ]
        );
        assert_eq!(
            c.resolve("Aaron").map(|p| p.category.as_str()),
            Ok(""),
            "the category stays unknown"
        );
    }

    #[test]
    fn server_personas_travel_by_id_local_ones_by_prompt() {
        let c = catalog();
        assert_eq!(
            c.resolve("c1").map(PersonaEntry::shape),
            Ok(PersonaShape::Id("c1"))
        );
        assert_eq!(
            c.resolve("Pirate").map(PersonaEntry::shape),
            Ok(PersonaShape::Prompt(Some("Talks like a pirate")))
        );
    }
}

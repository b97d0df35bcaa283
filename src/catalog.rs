//! The personas a user can pick: the server's and the config file's, side by side.
//!
//! Owns: merging both sources (labelled), finding a persona by id or name (exact,
//! case-insensitive; else a unique partial match; else a clear error with close matches),
//! and how a persona shapes a request (`persona_id` for a server persona; its prompt as
//! `instructions`, ahead of the user's own, for a local one). Does not own: fetching.

use crate::api::wire::{Input, Persona, ResponseRequest};
use crate::api::{ApiError, Client};
use crate::config::{LocalPersona, Settings};
use serde_json::{Map, Value};

/// Where a persona is defined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonaSource {
    Server,
    Local,
}

/// One persona, whatever its source.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonaEntry {
    pub id: String,
    pub name: String,
    pub category: String,
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
            category: p.category,
            description: p.description,
            source: PersonaSource::Server,
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

    /// Sorted for listing: by category, then name.
    pub fn sorted(&self) -> Vec<&PersonaEntry> {
        let mut v: Vec<&PersonaEntry> = self.entries.iter().collect();
        v.sort_by_cached_key(|p| (p.category.to_lowercase(), p.label().to_lowercase()));
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

/// Fetches the server's personas and merges the local ones. A server without
/// `GET /personas` (404/405) is not an error when local personas exist or when the
/// server simply has none: the local ones are used alone.
pub async fn load(client: &Client, local: &[LocalPersona]) -> Result<Catalog, ApiError> {
    match client.list_personas().await {
        Ok(server) => Ok(Catalog::new(server, local)),
        Err(err) if err.is_endpoint_missing() => {
            tracing::info!(%err, "server has no persona list; using local personas");
            Ok(Catalog::new(Vec::new(), local))
        }
        Err(err) => Err(err),
    }
}

/// A request for `input` in `persona`'s voice, with the user's own `instructions`.
pub fn request(
    settings: &Settings,
    persona: Option<&PersonaEntry>,
    input: Input,
    instructions: Option<String>,
) -> ResponseRequest {
    request_parts(
        &settings.model,
        &settings.extra_body,
        persona,
        input,
        instructions,
    )
}

/// As `request`, from the parts it needs.
pub fn request_parts(
    model: &str,
    extra: &Map<String, Value>,
    persona: Option<&PersonaEntry>,
    input: Input,
    instructions: Option<String>,
) -> ResponseRequest {
    let instructions = instructions.filter(|s| !s.trim().is_empty());
    let (persona_id, instructions) = match persona {
        Some(p) if p.source == PersonaSource::Server => (Some(p.id.clone()), instructions),
        Some(p) => {
            let joined = match (p.prompt.clone(), instructions) {
                (Some(persona), Some(user)) => Some(format!("{persona}\n\n{user}")),
                (persona, user) => persona.or(user),
            };
            (None, joined)
        }
        None => (None, instructions),
    };
    ResponseRequest {
        model: model.to_owned(),
        input,
        persona_id,
        instructions,
        stream: true,
        extra: extra.clone(),
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
    fn local_persona_travels_as_instructions_before_the_users() {
        let c = catalog();
        let pirate = c.resolve("Pirate").ok();
        let req = request_parts(
            "m",
            &Map::new(),
            pirate,
            Input::Text("hi".into()),
            Some("be brief".into()),
        );
        assert_eq!(req.persona_id, None);
        assert_eq!(
            req.instructions.as_deref(),
            Some("Talks like a pirate\n\nbe brief")
        );
        let genz = c.resolve("c1").ok();
        let req = request_parts("m", &Map::new(), genz, Input::Text("hi".into()), None);
        assert_eq!(req.persona_id.as_deref(), Some("c1"));
        assert_eq!(req.instructions, None);
    }
}

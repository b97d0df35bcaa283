//! Building the body of `POST /responses` (spec §3, §7) from what the user chose.
//!
//! Owns: how a persona shapes a request — by `persona_id` on a Mavera server, or, for a
//! persona defined locally (and on servers that know no personas), by its prompt sent as
//! `instructions` ahead of the user's own. Does not own: which persona that is (`catalog`) or sending it
//! (`client`).

use serde_json::{Map, Value};

use super::structured::{NamedSchema, Tool};
use super::wire::{Input, ResponseRequest};

/// How a persona travels in a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PersonaShape<'a> {
    /// A server persona: its id.
    Id(&'a str),
    /// A local persona: its prompt, if it has one, as instructions.
    Prompt(Option<&'a str>),
}

impl ResponseRequest {
    /// A streamed request for `input` in `persona`'s voice, with the user's own
    /// `instructions` (blank ones are left out) and the configured vendor fields.
    pub fn build(
        model: &str,
        extra: &Map<String, Value>,
        persona: Option<PersonaShape>,
        input: Input,
        instructions: Option<String>,
    ) -> ResponseRequest {
        let instructions = instructions.filter(|s| !s.trim().is_empty());
        let (persona_id, instructions) = match persona {
            Some(PersonaShape::Id(id)) => (Some(id.to_owned()), instructions),
            Some(PersonaShape::Prompt(prompt)) => {
                let joined = match (prompt, instructions) {
                    (Some(persona), Some(user)) => Some(format!("{persona}\n\n{user}")),
                    (persona, user) => persona.map(str::to_owned).or(user),
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
            text: None,
            tools: Vec::new(),
        }
    }

    /// With `analysis_mode` (spec §3) when `on`: the answer then carries an `analysis`
    /// object. Set among the vendor fields, so that one configured in `extra_body` is not
    /// sent twice; off leaves them as configured.
    pub fn with_analysis_mode(mut self, on: bool) -> ResponseRequest {
        if on {
            self.extra.insert("analysis_mode".into(), Value::Bool(true));
        }
        self
    }

    /// The same request asking for an answer shaped by `schema` (`text.format`), with
    /// `tools` the model may call.
    pub fn with_structure(mut self, schema: Option<&NamedSchema>, tools: &[Tool]) -> ResponseRequest {
        self.text = schema.map(NamedSchema::text_field);
        self.tools = tools.iter().map(Tool::wire).collect();
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_persona_travels_as_instructions_before_the_users() {
        let req = ResponseRequest::build(
            "m",
            &Map::new(),
            Some(PersonaShape::Prompt(Some("Talks like a pirate"))),
            Input::Text("hi".into()),
            Some("be brief".into()),
        );
        assert_eq!(req.persona_id, None);
        assert_eq!(
            req.instructions.as_deref(),
            Some("Talks like a pirate\n\nbe brief")
        );
    }

    #[test]
    fn a_server_persona_travels_by_id_and_blank_instructions_are_dropped() {
        let req = ResponseRequest::build(
            "m",
            &Map::new(),
            Some(PersonaShape::Id("c1")),
            Input::Text("hi".into()),
            Some("  ".into()),
        );
        assert_eq!(req.persona_id.as_deref(), Some("c1"));
        assert_eq!(req.instructions, None);
        assert!(req.stream);
    }

    #[test]
    fn analysis_mode_is_a_top_level_boolean_only_when_on() {
        let build = || ResponseRequest::build("m", &Map::new(), None, Input::Text("hi".into()), None);
        let on = serde_json::to_value(build().with_analysis_mode(true)).unwrap_or_default();
        assert_eq!(on["analysis_mode"], Value::Bool(true));
        let off = serde_json::to_value(build().with_analysis_mode(false)).unwrap_or_default();
        assert!(off.get("analysis_mode").is_none());
    }
}

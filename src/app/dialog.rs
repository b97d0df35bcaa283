//! The small dialogs that take the keyboard while open: the image path prompt and the
//! custom persona form with its 300-credit confirmation.
//!
//! Owns: their state — the text typed, the field being filled, which stage the form is
//! at. Plain data, changed by `update::dialog`, drawn by `view::dialog`. Does not own:
//! reading files or sending (effects), nor the attachments already added (`AppState::
//! attachments`).

use crate::api::custom_persona::CREATE_COST;

/// An open dialog.
#[derive(Debug, Clone, PartialEq)]
pub enum Dialog {
    /// Typing the path or URL of an image to attach.
    Image { text: String },
    /// Creating or editing a custom persona.
    Persona(PersonaForm),
}

/// The fields of the persona form, in order.
pub const FIELDS: [&str; 4] = [
    "name",
    "description",
    "type (B2B, B2C or blank)",
    "profile file (TOML/JSON, optional)",
];

#[derive(Debug, Clone, PartialEq, Default)]
pub struct PersonaForm {
    /// `Some(id)`: editing that custom persona (name and description only).
    pub editing: Option<String>,
    /// One text per field of [`FIELDS`].
    pub values: [String; 4],
    /// The field being typed in.
    pub field: usize,
    /// The form is filled: asking "spend 300 credits?" (creation only).
    pub confirming: bool,
    /// Sent: waiting for the server.
    pub sending: bool,
    /// What is wrong, shown in the form.
    pub error: Option<String>,
}

impl PersonaForm {
    /// How many fields the form has: editing changes name and description only.
    pub fn field_count(&self) -> usize {
        if self.editing.is_some() {
            2
        } else {
            FIELDS.len()
        }
    }

    /// The confirmation's question.
    pub fn question(&self, balance: Option<f64>) -> String {
        let balance = balance.map_or_else(
            || "balance unknown".to_owned(),
            |b| format!("balance {} credits", crate::app::budget::plain(b)),
        );
        format!(
            "Creating \"{}\" costs {} credits ({balance}).",
            self.values[0].trim(),
            crate::app::budget::plain(CREATE_COST)
        )
    }
}

//! `POST /personas` and `PATCH /personas/{id}` (spec §2), beside the client's other
//! requests.
//!
//! Owns: sending them. Does not own: the bodies (`custom_persona`) or confirming the
//! 300 credits with the user, which every caller does before this is reached.

use super::{encode, Client};
use crate::api::custom_persona::{NewPersona, SavedPersona};
use crate::api::ApiError;

impl Client {
    /// Creates a custom persona: **spends 300 credits**; ask the user first.
    pub async fn create_persona(&self, body: &NewPersona) -> Result<SavedPersona, ApiError> {
        let reply = self
            .send(self.request(reqwest::Method::POST, "/personas")?.json(body))
            .await?;
        self.read_json(reply).await
    }

    /// Changes these fields of custom persona `id` (the server refuses base personas).
    pub async fn edit_persona(
        &self,
        id: &str,
        fields: &serde_json::Map<String, serde_json::Value>,
    ) -> Result<SavedPersona, ApiError> {
        let path = format!("/personas/{}", encode(id));
        let reply = self
            .send(self.request(reqwest::Method::PATCH, &path)?.json(fields))
            .await?;
        self.read_json(reply).await
    }
}

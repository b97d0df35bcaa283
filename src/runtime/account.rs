//! Carrying out the account effects: reading an image to attach, and creating or
//! editing a custom persona.
//!
//! Owns: doing the I/O off the loop (files on a blocking thread, requests on tasks) and
//! turning failures into the words the user sees. Does not own: deciding to do them or
//! confirming the 300 credits (the reducer did, before the effect existed).

use tokio::sync::mpsc;

use crate::api::custom_persona::{read_profile, NewPersona};
use crate::api::image::Attachment;
use crate::api::Client;
use crate::app::{Event, RequestId};

/// `Effect::ReadImage`.
pub fn read_image(what: String, tx: mpsc::Sender<Event>) {
    tokio::task::spawn_blocking(move || {
        let _ = tx.blocking_send(Event::ImageRead(Attachment::load(&what)));
    });
}

/// `Effect::CreatePersona`: the profile file is read first; a bad one sends nothing.
pub fn create_persona(
    client: Client,
    id: RequestId,
    mut body: NewPersona,
    file: Option<String>,
    tx: mpsc::Sender<Event>,
) {
    tokio::spawn(async move {
        let result = async {
            if let Some(file) = file {
                let path = std::path::PathBuf::from(file);
                let profile = tokio::task::spawn_blocking(move || read_profile(&path))
                    .await
                    .map_err(|e| e.to_string())??;
                body = NewPersona::new(&body.name, &body.description, body.kind.as_deref(), profile);
                body.check()?;
            }
            client.create_persona(&body).await.map_err(|e| e.to_string())
        }
        .await;
        let _ = tx.send(Event::PersonaSaved { id, result }).await;
    });
}

/// `Effect::EditPersona`.
pub fn edit_persona(
    client: Client,
    id: RequestId,
    persona_id: String,
    fields: serde_json::Map<String, serde_json::Value>,
    tx: mpsc::Sender<Event>,
) {
    tokio::spawn(async move {
        let result = client
            .edit_persona(&persona_id, &fields)
            .await
            .map_err(|e| e.to_string());
        let _ = tx.send(Event::PersonaSaved { id, result }).await;
    });
}

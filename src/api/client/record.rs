//! The client's side of `--record` and replay: the recorder it writes to, what of a
//! request and a JSON reply goes to the recording, and what a replaying simulator says
//! of a reply.
//!
//! Owns: attaching the recorder, starting an exchange with the request body (never a
//! header), noting persona pages and usage reports as sent, and reading the
//! `x-mavera-replay` header. Does not own: the format or the writer (`recording`), or
//! when each is called (`client`, `stream`).

use reqwest::header::HeaderMap;
use serde_json::Value;

use super::Client;
use crate::api::wire::ResponseRequest;
use crate::api::ApiError;
use crate::recording::{Exchange, Recorder, ReplyOrigin, REPLAY_HEADER};

/// Which recorded fact a JSON reply is.
#[derive(Clone, Copy)]
pub(super) enum Note {
    Personas,
    Usage,
}

impl Client {
    /// This client, recording every request and reply on `recorder` (`--record`).
    pub fn with_recorder(mut self, recorder: Option<Recorder>) -> Client {
        self.recorder = recorder;
        self
    }

    /// The recording being written, if any.
    pub fn recorder(&self) -> Option<&Recorder> {
        self.recorder.as_ref()
    }

    /// The request, on the recording: its body only, never a header.
    pub(super) fn tap(&self, body: &ResponseRequest) -> Option<Exchange> {
        let recorder = self.recorder.as_ref()?;
        Some(recorder.begin(serde_json::to_value(body).unwrap_or(Value::Null)))
    }

    /// A persona page or usage report, as sent, on the recording.
    pub(super) fn note(&self, note: Note, raw: &Value) {
        if let Some(recorder) = &self.recorder {
            match note {
                Note::Personas => recorder.personas(raw.clone()),
                Note::Usage => recorder.usage(raw.clone()),
            }
        }
    }
}

/// A JSON reply read whole (to be recorded) as the type expected.
pub(super) fn typed<T: serde::de::DeserializeOwned>(raw: Value) -> Result<T, ApiError> {
    serde_json::from_value(raw).map_err(|e| ApiError::Protocol {
        detail: format!("unexpected JSON ({e})"),
    })
}

/// Where a replaying simulator said the reply came from (`None`: not a replay).
pub(super) fn origin_of(headers: &HeaderMap) -> Option<ReplyOrigin> {
    headers
        .get(REPLAY_HEADER)
        .and_then(|v| v.to_str().ok())
        .and_then(ReplyOrigin::parse)
}

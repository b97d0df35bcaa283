//! Serving a recording (`mavera-tui replay FILE`, `--replay FILE`): a `POST /responses`
//! that matches a recorded request streams what the server sent live, at the recorded
//! pace divided by the speed; the rest is left to the simulator.
//!
//! Owns: matching (same persona, same last user message once whitespace is normalised;
//! repeated identical prompts take their recordings in order), the replayed reply — an
//! error with its status, body and `Retry-After`, a whole JSON reply, or the SSE events as
//! recorded with their timing, ended as the live stream ended (a break is a dropped
//! connection) — charging the credits the recording reports, and what the simulator
//! starts from: the recorded personas (ones it does not know included) and the recorded
//! balance. Marks a replayed reply `x-mavera-replay: recorded` (the router marks the
//! others `simulated`). Does not own: the file format (`recording`), routing (`routes`)
//! or simulated answers (`responses`).

use std::collections::HashSet;
use std::sync::Mutex;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use tokio::sync::watch;
use tokio::time::Instant;

use crate::api::wire::Persona;
use crate::recording::{
    normalise, prompt_of, RecordedExchange, Recording, ReplyOrigin, Speed, REPLAY_HEADER,
};

use super::stream::shutdown_signal;

/// The recorded exchanges not yet replayed, and the speed.
pub struct Replay {
    left: Mutex<Vec<Option<RecordedExchange>>>,
    speed: Speed,
}

impl Replay {
    /// Every exchange of `recording` that got a reply.
    pub fn new(recording: &Recording, speed: Speed) -> Replay {
        let left = recording
            .exchanges()
            .into_iter()
            .filter(|e| e.reply.is_some())
            .map(Some)
            .collect();
        Replay {
            left: Mutex::new(left),
            speed,
        }
    }

    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// The first unreplayed recording of this request (by persona and prompt), taken.
    pub fn take(&self, body: &Value) -> Option<RecordedExchange> {
        let persona = body.get("persona_id").and_then(Value::as_str);
        let prompt = normalise(&prompt_of(body)?);
        let mut left = self.left.lock().unwrap_or_else(|p| p.into_inner());
        let slot = left.iter_mut().find(|slot| {
            slot.as_ref().is_some_and(|e| {
                e.persona_id() == persona && e.prompt().is_some_and(|p| normalise(&p) == prompt)
            })
        })?;
        slot.take()
    }
}

/// The roster a replay starts with: the recorded persona list in place of the built-in
/// one when the recording has it, and every persona a recorded request asked that is in
/// neither (named by its id).
pub fn personas_of(recording: &Recording) -> (Option<Vec<Persona>>, Vec<Persona>) {
    let listed: Vec<Persona> = recording
        .personas()
        .into_iter()
        .filter_map(|p| serde_json::from_value(p).ok())
        .collect();
    let mut known: HashSet<String> = listed.iter().map(|p| p.id.clone()).collect();
    let replace = (!listed.is_empty()).then_some(listed);
    let builtin = super::personas::load(&[], None).ok();
    let mut extra = Vec::new();
    for e in recording.exchanges() {
        let Some(id) = e.persona_id() else { continue };
        if replace.is_none() && builtin.as_ref().is_some_and(|r| r.find(id).is_some()) {
            continue;
        }
        if known.insert(id.to_owned()) {
            extra.push(Persona {
                id: id.to_owned(),
                name: id.to_owned(),
                category: String::new(),
                description: "a persona of the recording".into(),
                is_custom: false,
                is_expert: false,
                created_at: None,
            });
        }
    }
    (replace, extra)
}

/// The recorded balance at the start, and the credits included in the plan:
/// `credits.remaining` and `credits.included` of the first usage report.
pub fn credits_of(recording: &Recording) -> Option<(f64, Option<f64>)> {
    let credits = recording.first_usage()?.get("credits")?;
    let remaining = credits.get("remaining")?.as_f64()?;
    Some((remaining, credits.get("included").and_then(Value::as_f64)))
}

/// The recorded reply to a matched request (its credits are charged by the caller, who
/// keeps the balance), streamed until the simulator shuts down.
pub fn respond(recorded: RecordedExchange, speed: Speed, shutdown: watch::Receiver<bool>) -> Response {
    let Some(reply) = recorded.reply.clone() else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let status = StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = if let Some(json) = reply.json {
        (status, axum::Json(json)).into_response()
    } else if !status.is_success() {
        let mut r = (status, reply.error.unwrap_or_default()).into_response();
        let h = r.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if let Some(v) = reply.retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
            h.insert(header::RETRY_AFTER, v);
        }
        r
    } else {
        let body = events_body(recorded, speed, shutdown);
        let mut r = (status, body).into_response();
        let h = r.headers_mut();
        h.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/event-stream"),
        );
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
        r
    };
    response.headers_mut().insert(
        REPLAY_HEADER,
        HeaderValue::from_static(ReplyOrigin::Recorded.as_str()),
    );
    response
}

/// One recorded event as SSE bytes.
fn frame(event: Option<&str>, data: &str) -> Bytes {
    let mut out = String::new();
    if let Some(name) = event {
        out.push_str(&format!("event: {name}\n"));
    }
    for line in data.split('\n') {
        out.push_str(&format!("data: {line}\n"));
    }
    out.push('\n');
    Bytes::from(out)
}

/// The events at their recorded offsets (scaled by `speed`), then the recorded ending:
/// a clean close, or a dropped connection where the live stream broke.
fn events_body(recorded: RecordedExchange, speed: Speed, shutdown: watch::Receiver<bool>) -> Body {
    let start = Instant::now();
    let broke = recorded.end.as_ref().is_none_or(|(_, error)| error.is_some());
    let events = recorded.events.into_iter();
    let stream = futures_util::stream::unfold(
        (events, shutdown, false),
        move |(mut events, mut shutdown, done)| async move {
            if done {
                return None;
            }
            let Some(e) = events.next() else {
                // A stream that broke live breaks here too.
                return broke.then(|| {
                    let err = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "recorded break");
                    (Err(err), (events, shutdown, true))
                });
            };
            if let Some(ms) = speed.scale(e.ms) {
                tokio::select! {
                    _ = tokio::time::sleep_until(start + Duration::from_millis(ms)) => {}
                    _ = shutdown_signal(&mut shutdown) => return None,
                }
            }
            let bytes = frame(e.event.as_deref(), &e.data);
            Some((Ok::<Bytes, std::io::Error>(bytes), (events, shutdown, false)))
        },
    );
    Body::from_stream(stream)
}

//! `POST /personas` and `PATCH /personas/{id}`: custom personas (spec §2).
//!
//! Owns: validating the bodies, charging the 300 credits of a creation (all or nothing:
//! 402 when the balance cannot cover it), adding the persona to the roster (so the next
//! `GET /personas` lists it, `is_custom: true`, answering in the neutral voice) and
//! editing custom personas only. Does not own: the list itself (`routes`), the roster's
//! loading (`personas`) or the balance (`state`).

use std::sync::Arc;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde_json::{json, Value};

use super::context::Ctx;
use super::errors::SimError;
use super::personas::{to_json, SimPersona};
use super::rng;
use super::state::{unix_now, SimState};
use crate::api::custom_persona::CREATE_COST;
use crate::api::wire::Persona;

const PIPELINES: [&str; 3] = ["north_star", "intermediate", "advanced"];

fn body_of(st: &SimState, ctx: Ctx, body: &[u8]) -> Result<serde_json::Map<String, Value>, SimError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| SimError::invalid_field(None, format!("The request body is not valid JSON: {e}.")))?;
    st.update_record(ctx.record, |r| r.body = Some(value.clone()));
    match value {
        Value::Object(m) => Ok(m),
        _ => Err(SimError::invalid_field(
            None,
            "The request body must be a JSON object.",
        )),
    }
}

/// A string field that must be there and not blank.
fn text(m: &serde_json::Map<String, Value>, field: &str) -> Result<String, SimError> {
    match m.get(field) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        None | Some(Value::Null) => Err(SimError::missing_field(field)),
        Some(_) => Err(SimError::invalid_field(
            Some(field),
            format!("'{field}' must be a non-empty string."),
        )),
    }
}

/// The optional fields both endpoints check the same way.
fn check_choices(m: &serde_json::Map<String, Value>) -> Result<(), SimError> {
    if let Some(p) = m.get("pipeline_type") {
        if !p.as_str().is_some_and(|p| PIPELINES.contains(&p)) {
            return Err(SimError::invalid_field(
                Some("pipeline_type"),
                "'pipeline_type' must be one of north_star, intermediate, advanced.",
            ));
        }
    }
    if let Some(t) = m.get("type") {
        if !matches!(t.as_str(), Some("B2B" | "B2C")) {
            return Err(SimError::invalid_field(
                Some("type"),
                "'type' must be B2B or B2C.",
            ));
        }
    }
    Ok(())
}

pub async fn create(
    State(st): State<Arc<SimState>>,
    Extension(ctx): Extension<Ctx>,
    body: axum::body::Bytes,
) -> Response {
    match try_create(&st, ctx, &body) {
        Ok(v) => (StatusCode::CREATED, Json(v)).into_response(),
        Err(e) => e.into_response(),
    }
}

fn try_create(st: &SimState, ctx: Ctx, body: &[u8]) -> Result<Value, SimError> {
    let m = body_of(st, ctx, body)?;
    if m.get("pipeline_type").is_none() {
        return Err(SimError::missing_field("pipeline_type"));
    }
    check_choices(&m)?;
    let name = text(&m, "name")?;
    let description = text(&m, "description")?;
    if !st.charge_all(CREATE_COST) {
        return Err(SimError::credits_exhausted());
    }
    st.update_record(ctx.record, |r| r.credits_charged = Some(CREATE_COST));
    let serial = st.next_serial();
    // A 25-character CUID-like id starting with `c`, as the spec describes.
    let id = format!(
        "c{:024x}",
        rng::hash_parts(&[&st.settings.seed.to_le_bytes(), b"custom", &serial.to_le_bytes()]) as u128
    );
    let persona = Persona {
        id,
        name,
        category: "Custom".into(),
        description,
        is_custom: true,
        is_expert: false,
        created_at: Some(unix_now() as i64),
    };
    let mut roster = st.roster.write().unwrap_or_else(|p| p.into_inner());
    let voice = roster.neutral.clone();
    roster.entries.push(SimPersona {
        persona: persona.clone(),
        voice,
    });
    Ok(with_charge(&persona, Some(CREATE_COST)))
}

pub async fn edit(
    State(st): State<Arc<SimState>>,
    Extension(ctx): Extension<Ctx>,
    Path(id): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    match try_edit(&st, ctx, &id, &body) {
        Ok(v) => Json(v).into_response(),
        Err(e) => e.into_response(),
    }
}

fn try_edit(st: &SimState, ctx: Ctx, id: &str, body: &[u8]) -> Result<Value, SimError> {
    let m = body_of(st, ctx, body)?;
    check_choices(&m)?;
    for field in ["name", "description"] {
        if m.contains_key(field) {
            text(&m, field)?;
        }
    }
    let mut roster = st.roster.write().unwrap_or_else(|p| p.into_inner());
    let Some(entry) = roster.entries.iter_mut().find(|e| e.persona.id == id) else {
        return Err(SimError::invalid_persona(id));
    };
    if !entry.persona.is_custom {
        return Err(SimError::invalid_field(
            Some("id"),
            "Only custom personas can be edited.",
        ));
    }
    if let Ok(name) = text(&m, "name") {
        entry.persona.name = name;
    }
    if let Ok(description) = text(&m, "description") {
        entry.persona.description = description;
    }
    Ok(with_charge(&entry.persona, None))
}

fn with_charge(p: &Persona, charged: Option<f64>) -> Value {
    let mut v = to_json(p);
    if let (Value::Object(m), Some(c)) = (&mut v, charged) {
        m.insert("credits_charged".into(), json!(c as i64));
    }
    v
}

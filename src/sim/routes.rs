//! The HTTP surface: routes under `/api/v1` and `/v1`, the gate every request passes
//! (record, authenticate, rate-limit, `X-RateLimit-*` headers), `GET /personas`,
//! `GET /usage` and the test-only `GET /_sim/requests`.
//!
//! Owns: the router, authentication, pagination and filters, the usage report, marking
//! the answers of a replay the recording did not hold (`x-mavera-replay: simulated`), and the
//! per-endpoint pre-body faults of the GET endpoints. The top of the simulator's HTTP
//! side: it uses `responses` and `context`, and nothing below imports it. Does not own:
//! `POST /responses` (see `responses`), the per-request context and `X-Sim-Fault`
//! parsing (see `context`), error shapes (see `errors`) or state (see `state`).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, Uri};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, patch, post};
use axum::{Extension, Json, Router};
use serde_json::{json, Value};

use super::context::{header_faults, Ctx, Deferred};
use super::errors::{fault_response, SimError};
use super::faults::{Fault, Faults, Subject};
use super::personas::to_json;
use super::redirect::Place;
use super::responses;
use super::rng;
use super::state::{unix_now, SimState};
use crate::recording::{ReplyOrigin, REPLAY_HEADER};

const KEY_PREFIX: &str = "mvra_live_";
const KEY_MIN_LEN: usize = 32;

pub fn router(state: Arc<SimState>) -> Router {
    let api = Router::new()
        .route("/responses", post(responses::create))
        .route("/personas", get(list_personas).post(super::custom::create))
        .route("/personas/{id}", patch(super::custom::edit))
        .route("/usage", get(usage));
    Router::new()
        .nest("/api/v1", api.clone())
        .nest("/v1", api)
        .route("/_sim/requests", get(sim_requests))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(state.clone(), gate))
        .with_state(state)
}

fn is_api_path(path: &str) -> bool {
    ["/api/v1", "/v1"]
        .iter()
        .any(|p| path == *p || path.starts_with(&format!("{p}/")))
}

/// Records every request, authenticates and rate-limits API paths, and stamps the
/// rate-limit headers on whatever comes back.
async fn gate(State(st): State<Arc<SimState>>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path.starts_with("/_sim/") {
        return next.run(req).await;
    }
    let auth = req.headers().get(header::AUTHORIZATION).cloned();
    let id = st.begin_record(req.method().as_str(), &path, auth.is_some());
    req.extensions_mut().insert(Ctx { record: id });
    // Here, before the nested routers strip their prefix from the URI.
    let place = Place::of(req.uri(), req.headers());
    req.extensions_mut().insert(place);
    let (mut resp, rate) = if is_api_path(&path) {
        match authenticate(&st, auth.as_ref()) {
            Err(e) => (e.into_response(), st.rate_info_unauthenticated()),
            Ok(key) => {
                let rate = st.admit(&key);
                if rate.allowed {
                    (next.run(req).await, rate)
                } else {
                    (SimError::rate_limited(rate.retry_after).into_response(), rate)
                }
            }
        }
    } else {
        (next.run(req).await, st.rate_info_unauthenticated())
    };
    let h = resp.headers_mut();
    if st.replay.is_some() && path.ends_with("/responses") && !h.contains_key(REPLAY_HEADER) {
        h.insert(
            REPLAY_HEADER,
            HeaderValue::from_static(ReplyOrigin::Simulated.as_str()),
        );
    }
    // Real APIs tag replies for support tickets; clients may log it.
    let request_id = format!(
        "req_{:016x}",
        rng::hash_parts(&[&st.settings.seed.to_le_bytes(), &id.to_le_bytes()])
    );
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        h.insert("x-request-id", v);
    }
    h.insert("x-ratelimit-limit", HeaderValue::from(rate.limit));
    h.insert("x-ratelimit-remaining", HeaderValue::from(rate.remaining));
    h.insert("x-ratelimit-reset", HeaderValue::from(rate.reset_unix));
    let status = resp.status().as_u16();
    st.update_record(id, |r| r.status = status);
    if resp.extensions().get::<Deferred>().is_none() {
        st.finish_record(id);
    }
    resp
}

/// The key, if the header holds an acceptable one.
fn authenticate(st: &SimState, auth: Option<&HeaderValue>) -> Result<String, SimError> {
    let Some(value) = auth else {
        return Err(SimError::missing_api_key());
    };
    let text = value.to_str().map_err(|_| SimError::invalid_api_key())?.trim();
    let (scheme, key) = text.split_once(' ').unwrap_or((text, ""));
    let key = key.trim();
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(SimError::invalid_api_key());
    }
    if key.is_empty() {
        return Err(SimError::missing_api_key());
    }
    let well_formed = key.starts_with(KEY_PREFIX) && key.len() >= KEY_MIN_LEN;
    let pinned_ok = st.settings.key.as_deref().is_none_or(|k| k == key);
    if well_formed && pinned_ok {
        Ok(key.to_string())
    } else {
        Err(SimError::invalid_api_key())
    }
}

/// Header and plan faults for a GET endpoint; `Some` reply when one replaces the answer.
fn endpoint_faults(
    st: &SimState,
    ctx: Ctx,
    headers: &HeaderMap,
    place: &Place,
    endpoint: &str,
) -> Option<Response> {
    let followed = place.followed();
    // A GET reply has no stream: only the reply-replacing faults mean anything here.
    let from_header: Vec<Fault> = match header_faults(headers) {
        Ok(f) => f
            .into_iter()
            .filter(|f| f.kind.before_body() && !(followed && f.kind.redirects()))
            .collect(),
        Err(e) => return Some(e.into_response()),
    };
    let planned = st.take_faults(
        &Subject {
            endpoint,
            redirected: followed,
            ..Subject::default()
        },
        &from_header,
    );
    let all = Faults::merge(from_header.into_iter().chain(planned));
    st.update_record(ctx.record, |r| r.faults = all.labels());
    all.before_body().and_then(|f| fault_response(f, place))
}

/// `GET /personas?limit=&cursor=|after=&category=&search=&is_custom=`.
async fn list_personas(
    State(st): State<Arc<SimState>>,
    Extension(ctx): Extension<Ctx>,
    Extension(place): Extension<Place>,
    headers: HeaderMap,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
) -> Response {
    if let Some(r) = endpoint_faults(&st, ctx, &headers, &place, "/personas") {
        return r;
    }
    let Ok(Query(q)) = query else {
        return SimError::invalid_field(None, "The query string could not be parsed.").into_response();
    };
    let limit = match q.get("limit").map(|l| l.trim().parse::<usize>()) {
        None => st.settings.page_size_default.clamp(1, 100),
        Some(Ok(n)) if n >= 1 => n.min(100),
        Some(_) => {
            return SimError::invalid_field(Some("limit"), "'limit' must be an integer between 1 and 100.")
                .into_response()
        }
    };
    let category = q.get("category").map(|c| c.to_lowercase());
    let search = q.get("search").or_else(|| q.get("q")).map(|s| s.to_lowercase());
    let custom_only = ["is_custom", "custom", "custom_only"]
        .iter()
        .any(|k| q.get(*k).is_some_and(|v| v == "true" || v == "1"));
    let roster = st.roster();
    let matching: Vec<&crate::api::wire::Persona> = roster
        .entries
        .iter()
        .map(|e| &e.persona)
        .filter(|p| category.as_ref().is_none_or(|c| p.category.to_lowercase() == *c))
        .filter(|p| {
            search.as_ref().is_none_or(|s| {
                p.name.to_lowercase().contains(s.as_str())
                    || p.description.to_lowercase().contains(s.as_str())
            })
        })
        .filter(|p| !custom_only || p.is_custom)
        .collect();
    // `cursor` is ours (`pg_<offset>`); `after` (or a cursor that is not ours) is a
    // persona id, as in OpenAI-style lists.
    let cursor = q
        .get("cursor")
        .or_else(|| q.get("after"))
        .filter(|c| !c.is_empty());
    let start = match cursor {
        None => 0,
        Some(c) => match c.strip_prefix("pg_").and_then(|n| n.parse::<usize>().ok()) {
            Some(off) => off.min(matching.len()),
            None => match matching.iter().position(|p| p.id == *c) {
                Some(i) => i + 1,
                None => {
                    return SimError::invalid_field(Some("cursor"), "Unknown pagination cursor.")
                        .into_response()
                }
            },
        },
    };
    let end = (start + limit).min(matching.len());
    let data: Vec<Value> = matching[start..end].iter().map(|p| to_json(p)).collect();
    let has_more = end < matching.len();
    let next_cursor = has_more.then(|| format!("pg_{end}"));
    Json(json!({"object": "list", "data": data, "has_more": has_more, "next_cursor": next_cursor}))
        .into_response()
}

/// `GET /usage`: spec §6 with the live balance.
async fn usage(
    State(st): State<Arc<SimState>>,
    Extension(ctx): Extension<Ctx>,
    Extension(place): Extension<Place>,
    headers: HeaderMap,
) -> Response {
    if let Some(r) = endpoint_faults(&st, ctx, &headers, &place, "/usage") {
        return r;
    }
    let included = st
        .settings
        .included_credits
        .unwrap_or(st.settings.initial_credits);
    let remaining = st.credits_remaining();
    let used = (included - remaining).max(0.0);
    let pct = if included > 0.0 {
        used / included * 100.0
    } else {
        0.0
    };
    let (start, end) = billing_period(unix_now());
    Json(json!({
        "object": "usage",
        "billing_period": {"start": start, "end": end},
        "credits": {"used": number(used), "included": number(included), "remaining": number(remaining), "percentage_used": number(pct)},
        "rate_limit": {"requests_per_minute": st.settings.rate_limit_rpm},
    }))
    .into_response()
}

/// Whole numbers as JSON integers (`2500`, not `2500.0`), others to two decimals.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        json!(x as i64)
    } else {
        json!((x * 100.0).round() / 100.0)
    }
}

/// The calendar month containing `unix`, as ISO-8601 UTC strings.
fn billing_period(unix: u64) -> (String, String) {
    let days = (unix / 86_400) as i64;
    let (y, m, _) = crate::dates::civil(days);
    let last = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    };
    (
        format!("{y:04}-{m:02}-01T00:00:00.000Z"),
        format!("{y:04}-{m:02}-{last:02}T23:59:59.999Z"),
    )
}

/// Every request served so far, for out-of-process tests. No auth, never recorded.
async fn sim_requests(State(st): State<Arc<SimState>>) -> Response {
    Json(st.records()).into_response()
}

async fn not_found(method: Method, uri: Uri) -> Response {
    SimError::not_found(method.as_str(), uri.path()).into_response()
}

async fn method_not_allowed(method: Method, uri: Uri) -> Response {
    SimError::method_not_allowed(method.as_str(), uri.path()).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(crate::dates::civil(0), (1970, 1, 1));
        assert_eq!(crate::dates::civil(19_782), (2024, 2, 29));
        let (s, e) = billing_period(1_709_251_200); // 2024-03-01
        assert_eq!(
            (s.as_str(), e.as_str()),
            ("2024-03-01T00:00:00.000Z", "2024-03-31T23:59:59.999Z")
        );
        assert_eq!(billing_period(1_707_000_000).1, "2024-02-29T23:59:59.999Z");
    }

    #[test]
    fn numbers_and_paths() {
        assert_eq!(number(2500.0), json!(2500));
        assert_eq!(number(2.345), json!(2.35));
        assert!(is_api_path("/api/v1/personas") && is_api_path("/v1") && !is_api_path("/v10/x"));
        assert!(!is_api_path("/_sim/requests"));
    }
}

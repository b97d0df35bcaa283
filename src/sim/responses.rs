//! `POST /responses`: from a validated request to a JSON reply or an SSE stream, with
//! every fault a request asked for applied.
//!
//! Owns: gathering faults from all four sources (header, `sim_fault`, `#fault:` prompt
//! markers, plan), composing the answer, shaping deltas for the size faults, pricing and
//! charging credits, and choosing the body's framing, pacing and ending. Sits below the
//! router (`routes` mounts [`create`]) and imports nothing from it: the per-request
//! context comes from `context`. Does not own: routing, authentication or rate limits
//! (`routes`), validation rules (`request`), the event JSON (`events`) or the bytes
//! (`stream`).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use serde_json::{json, Value};

use super::context::{header_faults, Ctx, Deferred};
use super::deltas::{self, INVALID_UTF8_MARKER};
use super::errors::{fault_response, SimError};
use super::events::{self, Draft, Shape, Terminal, TextIn};
use super::faults::{extract_markers, Fault, FaultKind as F, Faults, Subject};
use super::odd_fields;
use super::personas::Voice;
use super::phrases;
use super::redirect::Place;
use super::request::{self, Parsed, MODEL};
use super::rng::Rng;
use super::state::{unix_now, RecordGuard, SimState};
use super::stream::{self, BodyEnd, Framing, LineEnding, Piece, Transport};
use super::structured;
use super::voice::{self, AnswerSpec};

/// Largest body read; beyond the 100,000-character input limit with room for JSON.
/// Images travel as base64 `data:` URLs (up to 20 MB each, a third more encoded).
const MAX_BODY: usize = 64 * 1024 * 1024;
/// Deltas before a mid-stream fault strikes, when the fault names no number.
const DEFAULT_CUT: usize = 5;
/// `many_deltas` sends exactly this many deltas.
const MANY_DELTAS: usize = 100_000;

pub async fn create(
    State(st): State<Arc<SimState>>,
    Extension(ctx): Extension<Ctx>,
    Extension(place): Extension<Place>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return SimError::invalid_field(None, format!("The request body is larger than {MAX_BODY} bytes."))
            .into_response();
    };
    let req = match request::parse(&bytes) {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let raw: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let seen = super::images::acknowledgement(&raw);
    st.update_record(ctx.record, |r| {
        if bytes.len() <= super::state::RECORDED_BODY_MAX {
            r.body = serde_json::from_slice(&bytes).ok();
        }
        r.stream = req.stream;
        r.persona_id.clone_from(&req.persona_id);
    });
    if let Some(replay) = &st.replay {
        if let Some(recorded) = replay.take(&raw) {
            // The recorded answer costs what it cost live.
            if let Some(credits) = recorded.credits_used().filter(|c| *c > 0.0) {
                let _ = st.charge(credits);
            }
            return super::replay::respond(recorded, replay.speed(), st.shutdown.clone());
        }
    }
    let from_header = match header_faults(&headers) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let (prompt, from_prompt) = extract_markers(req.last_user_text());
    let (persona_name, voice_) = {
        let roster = st.roster();
        match req.persona_id.as_deref() {
            None => (None, roster.neutral.clone()),
            Some(id) => match roster.find(id) {
                Some(e) => (Some(e.persona.name.clone()), e.voice.clone()),
                None => return SimError::invalid_persona(id).into_response(),
            },
        }
    };
    // A request following one of our redirects carries the same header and body: it is
    // answered, not sent round again.
    let followed = place.followed();
    // Precedence: header, then body field, then prompt markers, then the plan.
    let asked: Vec<Fault> = from_header
        .into_iter()
        .chain(req.sim_faults.iter().copied())
        .chain(from_prompt)
        .filter(|f| !(followed && f.kind.redirects()))
        .collect();
    let subject = Subject {
        endpoint: "/responses",
        persona_id: req.persona_id.as_deref(),
        persona_name: persona_name.as_deref(),
        redirected: followed,
    };
    let planned = st.take_faults(&subject, &asked);
    let faults = Faults::merge(asked.into_iter().chain(planned));
    st.update_record(ctx.record, |r| r.faults = faults.labels());
    if let Some(reply) = faults.before_body().and_then(|f| fault_response(f, &place)) {
        return reply;
    }

    let draft = compose(&st, &req, &prompt, &voice_, &faults, seen);
    let draft = structure(
        draft,
        st.settings.seed,
        &req,
        &prompt,
        persona_name.as_deref(),
        &faults,
    );
    let terminal = terminal(&req, &faults, &draft);
    if !req.stream && matches!(terminal, Terminal::ErrorEvent { .. }) {
        // Without a stream there is no event to carry the error: the HTTP reply does,
        // and a failed reply costs nothing.
        return SimError::internal().into_response();
    }
    let produced = terminal.cut().unwrap_or(draft.deltas.len());
    let cost = credits_for(draft.output_tokens(produced));
    let Some(charged) = st.charge(cost as f64) else {
        return SimError::credits_exhausted().into_response();
    };
    st.update_record(ctx.record, |r| r.credits_charged = Some(charged));
    let draft = Draft {
        // What was actually taken: less than the price when the balance ran short.
        credits: (!faults.has(F::NoCredits)).then_some(charged),
        ..draft
    };
    let guard = RecordGuard {
        state: st.clone(),
        id: ctx.record,
    };
    // `json_reply`: some servers answer a streaming request with the whole JSON.
    if req.stream && !faults.has(F::JsonReply) {
        streamed(&st, &draft, terminal, &faults, guard)
    } else {
        whole(&st, &draft, terminal, &faults, guard)
    }
}

/// `1 + output_tokens / 150`, between 1 and 5: "a response typically costs 1–5 credits".
fn credits_for(output_tokens: u64) -> u64 {
    (1 + output_tokens / 150).clamp(1, 5)
}

fn compose(
    st: &SimState,
    req: &Parsed,
    prompt: &str,
    voice_: &Voice,
    faults: &Faults,
    seen: Option<String>,
) -> Draft {
    let s = &st.settings;
    let words = if faults.has(F::ManyDeltas) {
        // 20,000 words is well over the 100,000 characters the deltas need.
        Some(s.answer_words.unwrap_or(0).max(20_000))
    } else {
        s.answer_words
    };
    let spec = AnswerSpec {
        seed: s.seed,
        persona_key: req.persona_id.as_deref().unwrap_or(""),
        prompt,
        instructions: req.instructions.as_deref(),
        follow_up: req.follow_up(),
        words,
        multibyte: faults.has(F::Split),
        hostile: faults.has(F::Hostile),
        paragraph: s.paragraph_answers,
    };
    let refused = faults.has(F::Refusal);
    let text = if refused {
        phrases::refusal(s.seed, spec.persona_key, prompt)
    } else {
        voice::compose(voice_, &spec)
    };
    // A prompt with images is answered as about them, first of all.
    let text = match seen {
        Some(seen) if !refused => format!("{seen}\n\n{text}"),
        _ => text,
    };
    let mut tokens = if faults.has(F::ManyDeltas) {
        deltas::tiny_deltas(&text, MANY_DELTAS)
    } else {
        deltas::word_tokens(&text)
    };
    if faults.has(F::BigEvent) {
        // After the first paragraph, so the giant delta arrives mid-answer.
        let at = tokens
            .iter()
            .position(|d| d.ends_with("\n\n"))
            .map_or(tokens.len(), |i| i + 1);
        let sentence = deltas::word_tokens(&text)
            .into_iter()
            .take(12)
            .collect::<String>();
        tokens.insert(at, deltas::big_paragraph(sentence.trim()));
    }
    if faults.has(F::InvalidUtf8) {
        tokens.insert(tokens.len() / 2, format!("{INVALID_UTF8_MARKER} "));
    }
    let mut ids = Rng::from_parts(&[&s.seed.to_le_bytes(), &st.next_serial().to_le_bytes()]);
    let input_chars = req.input_chars() + req.instructions.as_deref().map_or(0, |i| i.chars().count());
    Draft {
        response_id: format!("resp_{}", ids.hex(24)),
        message_id: format!("msg_{}", ids.hex(24)),
        created_at: i64::try_from(unix_now()).unwrap_or(i64::MAX),
        model: MODEL.into(),
        deltas: tokens,
        input_tokens: (input_chars as u64).div_ceil(4).max(1),
        credits: None,
        analysis: req
            .analysis_mode
            .then(|| super::analysis::analysis(st.settings.seed, spec.persona_key, prompt, voice_)),
        refusal: refused,
        call: None,
    }
}

/// A structured answer (`text.format` `json_schema`): JSON following the schema in place
/// of prose; a prompt naming a declared tool: a short lead-in and a `function_call`; a
/// tool's result handed back: the prose answer, acknowledging it.
fn structure(
    d: Draft,
    seed: u64,
    req: &Parsed,
    prompt: &str,
    persona: Option<&str>,
    faults: &Faults,
) -> Draft {
    let asked = &req.asked;
    if d.refusal {
        return d;
    }
    if let Some((name, parameters)) = asked.call_for(prompt) {
        let arguments = structured::arguments(parameters, seed, prompt);
        let mut r = Rng::from_parts(&[&seed.to_le_bytes(), prompt.as_bytes(), b"call"]);
        let call = json!({
            "id": format!("fc_{}", r.hex(24)), "type": "function_call", "status": "completed",
            "call_id": format!("call_{}", r.hex(24)), "name": name, "arguments": arguments,
        });
        return Draft {
            deltas: deltas::word_tokens(&format!("Let me check that with {name} first.")),
            call: Some(call),
            ..d
        };
    }
    if let Some(schema) = &asked.schema {
        let text = structured::answer(
            schema,
            seed,
            persona.unwrap_or(""),
            prompt,
            faults.has(F::BadJson),
        );
        return Draft {
            deltas: deltas::word_tokens(&text),
            ..d
        };
    }
    match asked.outputs.last() {
        Some((_, output)) => {
            let said: String = output.chars().take(80).collect();
            let mut deltas = deltas::word_tokens(&format!("The tool says: {said}.\n\n"));
            deltas.extend(d.deltas);
            Draft { deltas, ..d }
        }
        None => d,
    }
}

/// How the answer ends: a requested fault, else `max_output_tokens`, else completed.
fn terminal(req: &Parsed, faults: &Faults, d: &Draft) -> Terminal {
    let n = d.deltas.len();
    let cut = |k: F| faults.value(k).map_or(DEFAULT_CUT, |v| v as usize).min(n);
    if faults.has(F::Failed) {
        Terminal::Failed(cut(F::Failed))
    } else if faults.has(F::Incomplete) {
        Terminal::Incomplete(cut(F::Incomplete))
    } else if faults.has(F::ErrorEvent) {
        Terminal::ErrorEvent {
            after: cut(F::ErrorEvent),
            flat: false,
        }
    } else if faults.has(F::ErrorEventFlat) {
        Terminal::ErrorEvent {
            after: cut(F::ErrorEventFlat),
            flat: true,
        }
    } else if let Some(max) = req.max_output_tokens.filter(|m| d.output_tokens(n) > *m) {
        let mut total = 0;
        let within = d.deltas.iter().take_while(|x| {
            total += deltas::tokens_of(x);
            total <= max
        });
        Terminal::Incomplete(within.count())
    } else {
        Terminal::Completed
    }
}

fn whole(st: &SimState, d: &Draft, terminal: Terminal, faults: &Faults, guard: RecordGuard) -> Response {
    let n = terminal.cut().unwrap_or(d.deltas.len());
    let status = match terminal {
        Terminal::Completed => "completed",
        Terminal::Incomplete(_) => "incomplete",
        Terminal::Failed(_) => "failed",
        // Answered before charging, in `create`.
        Terminal::ErrorEvent { .. } => return SimError::internal().into_response(),
    };
    let mut response = d.response(status, n, faults.has(F::EmptyOutput));
    if faults.has(F::OddFields) {
        odd_fields::oddify(&mut response);
    }
    let body = serde_json::to_vec(&response).unwrap_or_default();
    let body = stream::patch_invalid_utf8(body);
    let ending = if faults.has(F::Drop) {
        BodyEnd::Abort
    } else if faults.has(F::Stall) {
        BodyEnd::Hang
    } else {
        return ([(header::CONTENT_TYPE, "application/json")], body).into_response();
    };
    // A broken JSON reply: half the body, then the connection is cut or goes quiet.
    let half = body[..body.len() / 2].to_vec();
    let t = Transport {
        pieces: vec![Piece::now(half)],
        ending,
        tokens_per_sec: 0.0,
        split: None,
    };
    let mut resp = Response::new(stream::into_body(t, st.shutdown.clone(), guard));
    resp.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    resp.extensions_mut().insert(Deferred);
    resp
}

fn streamed(st: &SimState, d: &Draft, terminal: Terminal, faults: &Faults, guard: RecordGuard) -> Response {
    let shape = Shape {
        terminal,
        no_sequence: faults.has(F::NoSequence),
        unknown_events: faults.has(F::UnknownEvents),
        empty_output: faults.has(F::EmptyOutput),
        text_in: if faults.has(F::OutputOnly) {
            TextIn::OutputOnly
        } else if faults.has(F::NoDeltas) {
            TextIn::DoneEvents
        } else {
            TextIn::Deltas
        },
    };
    let line_ending = if faults.has(F::Cr) {
        LineEnding::Cr
    } else if faults.has(F::Crlf) || faults.has(F::Split) {
        LineEnding::Crlf
    } else {
        LineEnding::Lf
    };
    let framing = Framing {
        line_ending,
        no_event_lines: faults.has(F::NoEventLines),
        multiline_data: faults.has(F::MultilineData),
        keepalive: faults.has(F::Keepalive),
        done: faults.has(F::Done),
    };
    let mut events = events::stream_events(d, &shape);
    if faults.has(F::OddFields) {
        events.iter_mut().for_each(|e| odd_fields::oddify(&mut e.json));
    }
    let mut pieces = stream::encode(&events, &framing);
    let cut_at = |k: F| faults.value(k).map_or(DEFAULT_CUT, |v| v as usize);
    let ending = if faults.has(F::Drop) {
        truncate_after_deltas(&mut pieces, cut_at(F::Drop));
        BodyEnd::Abort
    } else if faults.has(F::Stall) {
        truncate_after_deltas(&mut pieces, cut_at(F::Stall));
        BodyEnd::Hang
    } else if faults.has(F::Linger) {
        BodyEnd::Hang
    } else {
        BodyEnd::Close
    };
    let t = Transport {
        pieces,
        ending,
        // A flood is the point of `many_deltas`: pacing 100,000 deltas would take hours.
        tokens_per_sec: if faults.has(F::ManyDeltas) {
            0.0
        } else {
            st.settings.tokens_per_sec
        },
        split: faults
            .has(F::Split)
            .then_some(st.settings.seed ^ st.next_serial()),
    };
    let mut resp = Response::new(stream::into_body(t, st.shutdown.clone(), guard));
    *resp.status_mut() = StatusCode::OK;
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp.extensions_mut().insert(Deferred);
    resp
}

/// Keeps everything up to and including the `k`-th delta.
fn truncate_after_deltas(pieces: &mut Vec<Piece>, k: usize) {
    let mut seen = 0;
    let end = pieces
        .iter()
        .position(|p| {
            if p.paced {
                if seen == k {
                    return true;
                }
                seen += 1;
            }
            false
        })
        .unwrap_or(pieces.len());
    pieces.truncate(end);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_are_one_to_five() {
        assert_eq!(credits_for(0), 1);
        assert_eq!(credits_for(149), 1);
        assert_eq!(credits_for(300), 3);
        assert_eq!(credits_for(1_000_000), 5);
    }

    #[test]
    fn truncation_keeps_k_deltas() {
        let p = |paced| Piece {
            bytes: "x".into(),
            paced,
        };
        let mut v = vec![p(false), p(true), p(false), p(true), p(true), p(false)];
        truncate_after_deltas(&mut v, 2);
        assert_eq!(v.len(), 4);
        let mut v = vec![p(false), p(true)];
        truncate_after_deltas(&mut v, 0);
        assert_eq!(v.len(), 1);
        let mut v = vec![p(true), p(false)];
        truncate_after_deltas(&mut v, 9);
        assert_eq!(v.len(), 2);
    }
}

//! Fault injection: which misbehaviours exist, how they are named, and which ones a request
//! gets.
//!
//! Owns: the fault names (`kind`), parsing of the `--faults` plan and its `*N` budgets
//! (`plan`) and of per-request selectors (`X-Sim-Fault` header, `sim_fault` body field,
//! `#fault:NAME` prompt markers; `per_request`). This file is their face: it documents
//! every fault and re-exports; the parts import each other, never this file. Pure: no I/O,
//! no clock. Does not own: *carrying out* a fault (`errors`, `redirect`, `routes`,
//! `responses` and `stream` do that) or matching persona names to ids (the caller passes both).
//!
//! # Faults
//!
//! Before any byte of the body (also for non-streaming requests):
//! - `rate_limit[=SECS]` — 429 `rate_limit_exceeded` with `Retry-After` (default 30).
//! - `server_error` — 500 `internal_error`.
//! - `unavailable` — 503 `service_unavailable`.
//! - `credits_exhausted` — 402 `credits_exhausted`.
//! - `forbidden` — 403 `forbidden`.
//! - `not_found` — 404 `resource_not_found`.
//! - `html_error` — 502 with an HTML page (`text/html`), as a proxy would send.
//! - `empty_error` — 500 with an empty body.
//! - `error_string` — 400 `{"error": "text"}`; `error_message` — 422 `{"message": ...}`;
//!   `error_detail` — 422 FastAPI-style `{"detail": [...]}`; `plain_error` — 503 plain text.
//! - `retry_after_date[=SECS]` — 429 whose `Retry-After` is an HTTP-date SECS ahead
//!   (default 2); `retry_after_ms[=SECS]` — 429 with `retry-after-ms`;
//!   `rate_limit_reset[=SECS]` — 429 with only `X-RateLimit-Reset` (Unix seconds).
//! - `redirect_same` — 307 to the same path under the other prefix (`/api/v1` ↔ `/v1`):
//!   same origin, so a client follows it, key and all, and is answered there.
//! - `redirect_other[=PORT]` — 307 to the same path at another origin: port PORT of the
//!   same host, or without one the same port under the other loopback name
//!   (`127.0.0.1` ↔ `localhost`). A client must not take its key there.
//!   A request following either redirect (marked `sim_redirected=1` in its query by the
//!   redirect, see `redirect`) is spared redirect faults, so the same header, body or
//!   plan does not send it round again.
//!
//! Inside a stream (`K` defaults to 5 deltas):
//! - `drop[=K]` — abort the connection after K deltas: no terminal event, no final chunk.
//! - `stall[=K]` — after K deltas send nothing more, keep the socket open.
//! - `failed[=K]` — `response.failed` with `response.error.code = "server_error"`.
//! - `incomplete[=K]` — `response.incomplete`, `incomplete_details.reason = "max_output_tokens"`.
//! - `error_event[=K]` — nested `{"type":"error","error":{...}}` event, then the end.
//! - `error_event_flat[=K]` — flat `{"type":"error","code",...}` event, then the end.
//! - `crlf` / `cr` — CRLF or CR-only line endings.
//! - `split` — tiny 1–7 byte writes, cut inside every CRLF and multi-byte character; the
//!   answer gains é, 日本 and emoji, and line endings default to CRLF.
//! - `done` — a final `data: [DONE]`.
//! - `keepalive` — `: keepalive` comment lines between events.
//! - `unknown_events` — `response.metadata`, `keepalive` and future event types, and an
//!   unknown `obfuscation` field on deltas.
//! - `no_event_lines` — no `event:` lines, alternating with `event: message`.
//! - `no_sequence` — no `sequence_number`, `item_id` or `output_index`.
//! - `empty_output` — the terminal response has `output: null`.
//! - `no_credits` — `usage` without `credits_used`.
//! - `linger` — keep the socket open after the terminal event.
//! - `big_event` — one single delta of 2 MiB.
//! - `many_deltas` — 100,000 tiny deltas, sent at full speed.
//! - `invalid_utf8` — one delta carries bytes that are not UTF-8.
//! - `multiline_data` — each event's JSON spread over several `data:` lines.
//! - `hostile` — answer text with terminal escapes (OSC 0, OSC 52, clear, colour, C1 CSI).
//! - `no_deltas` — no delta events: the text arrives first in `output_text.done`.
//! - `output_only` — no delta and no done events: only the terminal `output` has the text.
//! - `odd_fields` — numbers as strings or floats, `null` annotations and logprobs, and a
//!   content part of an unknown kind, in every event and the response (`odd_fields.rs`).
//! - `json_reply` — a streaming request is answered with the whole response as JSON
//!   (`application/json`), as some servers do.
//! - `refusal` — the model declines: the answer is a `refusal` content part, streamed as
//!   `response.refusal.delta` / `response.refusal.done` (also in the JSON reply).
//! - `bad_json` — a structured answer (`text.format` `json_schema`) breaks its schema: the
//!   first required field is left out (`structured`).
//!
//! # Selecting faults
//!
//! Plan (`--faults`): comma-separated `NAME[=VALUE][*N][@TARGET]`. `*N` limits the entry to
//! the first N matching requests it takes effect on (so `rate_limit*1,server_error*1`
//! fails two requests in turn). `TARGET` is a persona id or case-insensitive name, or an
//! endpoint path starting with `/` (`@/personas`, `@/usage`; reply-replacing faults only).
//! Entries without a path target apply to `POST /responses` only.
//!
//! Per request, in this order of precedence: header `X-Sim-Fault: NAME[=V][, ...]`, body
//! field `"sim_fault"` (a string or an array of strings), and `#fault:NAME[=V]` anywhere in
//! the last user turn (removed before answering, so the answer is the same as without it).
//! Then the plan. At most one reply-replacing fault applies: the first.

mod kind;
mod per_request;
mod plan;
pub use kind::{Fault, FaultKind};
pub use per_request::{extract_markers, parse_list, Faults};
pub use plan::{normalise_endpoint, FaultPlan, Subject};

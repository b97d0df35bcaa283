//! Fault injection: which misbehaviours exist, how they are named, and which ones a request
//! gets.
//!
//! Owns: the fault names, parsing of the `--faults` plan and of per-request selectors
//! (`X-Sim-Fault` header, `sim_fault` body field, `#fault:NAME` prompt markers), and the
//! `*N` budgets. Pure: no I/O, no clock. Does not own: *carrying out* a fault (routes and
//! stream do that) or matching persona names to ids (the caller passes both).
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

use std::fmt;

mod per_request;
mod plan;
pub use per_request::{extract_markers, parse_list, Faults};
pub use plan::{normalise_endpoint, FaultPlan, Subject};

/// One kind of misbehaviour. See the module documentation for what each does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FaultKind {
    RateLimit,
    ServerError,
    Unavailable,
    CreditsExhausted,
    Forbidden,
    NotFound,
    HtmlError,
    EmptyError,
    Drop,
    Stall,
    Failed,
    Incomplete,
    ErrorEvent,
    ErrorEventFlat,
    Crlf,
    Cr,
    Split,
    Done,
    Keepalive,
    UnknownEvents,
    NoEventLines,
    NoSequence,
    EmptyOutput,
    NoCredits,
    Linger,
    BigEvent,
    ManyDeltas,
    InvalidUtf8,
    MultilineData,
    Hostile,
}

use FaultKind::*;

impl FaultKind {
    #[rustfmt::skip]
    pub const ALL: [FaultKind; 30] = [
        RateLimit, ServerError, Unavailable, CreditsExhausted, Forbidden, NotFound, HtmlError,
        EmptyError, Drop, Stall,
        Failed, Incomplete, ErrorEvent, ErrorEventFlat, Crlf, Cr, Split, Done, Keepalive,
        UnknownEvents, NoEventLines, NoSequence, EmptyOutput, NoCredits, Linger, BigEvent,
        ManyDeltas, InvalidUtf8, MultilineData, Hostile,
    ];

    pub fn name(self) -> &'static str {
        match self {
            RateLimit => "rate_limit",
            ServerError => "server_error",
            Unavailable => "unavailable",
            CreditsExhausted => "credits_exhausted",
            Forbidden => "forbidden",
            NotFound => "not_found",
            HtmlError => "html_error",
            EmptyError => "empty_error",
            Drop => "drop",
            Stall => "stall",
            Failed => "failed",
            Incomplete => "incomplete",
            ErrorEvent => "error_event",
            ErrorEventFlat => "error_event_flat",
            Crlf => "crlf",
            Cr => "cr",
            Split => "split",
            Done => "done",
            Keepalive => "keepalive",
            UnknownEvents => "unknown_events",
            NoEventLines => "no_event_lines",
            NoSequence => "no_sequence",
            EmptyOutput => "empty_output",
            NoCredits => "no_credits",
            Linger => "linger",
            BigEvent => "big_event",
            ManyDeltas => "many_deltas",
            InvalidUtf8 => "invalid_utf8",
            MultilineData => "multiline_data",
            Hostile => "hostile",
        }
    }

    /// Case-insensitive; `-` is accepted for `_` because flags are often typed that way.
    pub fn from_name(name: &str) -> Option<FaultKind> {
        let norm = name.trim().to_ascii_lowercase().replace('-', "_");
        FaultKind::ALL.into_iter().find(|k| k.name() == norm)
    }

    /// Faults that take a number (`NAME=VALUE`).
    pub fn takes_value(self) -> bool {
        matches!(
            self,
            RateLimit | Drop | Stall | Failed | Incomplete | ErrorEvent | ErrorEventFlat
        )
    }

    /// Faults that replace the whole reply with an error before any body byte: the ones a
    /// client may retry safely.
    pub fn before_body(self) -> bool {
        matches!(
            self,
            RateLimit
                | ServerError
                | Unavailable
                | CreditsExhausted
                | Forbidden
                | NotFound
                | HtmlError
                | EmptyError
        )
    }
}

/// A fault with its optional number (`drop=5`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub value: Option<u64>,
}

impl Fault {
    pub fn new(kind: FaultKind) -> Fault {
        Fault { kind, value: None }
    }

    /// `NAME` or `NAME=VALUE`.
    pub fn parse(text: &str) -> Result<Fault, String> {
        let (name, value) = match text.split_once('=') {
            Some((n, v)) => (n, Some(v.trim())),
            None => (text, None),
        };
        let kind = FaultKind::from_name(name).ok_or_else(|| unknown_fault(name))?;
        let value = match value {
            None => None,
            Some(v) if kind.takes_value() => Some(
                v.parse::<u64>()
                    .map_err(|_| format!("fault '{}': '{v}' is not a whole number", kind.name()))?,
            ),
            Some(_) => return Err(format!("fault '{}' takes no value", kind.name())),
        };
        Ok(Fault { kind, value })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.value {
            Some(v) => write!(f, "{}={v}", self.kind.name()),
            None => f.write_str(self.kind.name()),
        }
    }
}

fn unknown_fault(name: &str) -> String {
    let all: Vec<&str> = FaultKind::ALL.iter().map(|k| k.name()).collect();
    format!(
        "unknown fault '{}'; known faults: {}",
        name.trim(),
        all.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for k in FaultKind::ALL {
            assert_eq!(FaultKind::from_name(k.name()), Some(k));
        }
        assert_eq!(FaultKind::from_name("Error-Event"), Some(ErrorEvent));
        assert_eq!(FaultKind::from_name("nope"), None);
    }

    #[test]
    fn values_parse_only_where_they_mean_something() {
        assert_eq!(
            Fault::parse("drop=3"),
            Ok(Fault {
                kind: Drop,
                value: Some(3)
            })
        );
        assert!(Fault::parse("crlf=3").is_err());
        assert!(Fault::parse("stall=-1").is_err());
        assert_eq!(
            Fault {
                kind: RateLimit,
                value: Some(2)
            }
            .to_string(),
            "rate_limit=2"
        );
        for k in FaultKind::ALL {
            assert!(
                !(k.before_body() && k.takes_value()) || k == RateLimit,
                "{}",
                k.name()
            );
        }
    }
}

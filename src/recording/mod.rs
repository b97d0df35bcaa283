//! Recordings of live sessions: the file format, reading it back, and the replay speed.
//!
//! A recording is JSON Lines: one header line (`format`, `version`), then one line per
//! fact in the order it happened — a persona page or a usage report the server sent, a
//! fan-out (the columns of a comparison), a request body, its reply (status, error body
//! or whole JSON), each streamed SSE event exactly as the server framed it (name, data)
//! with its offset in milliseconds from the moment the request was sent, and how the
//! stream ended. Lines are appended while a session runs, so a recording cut short by a
//! kill is still readable: a torn last line is ignored. Never holds a header or the API
//! key (`writer` also scrubs the key from every line); JSON escapes every control
//! character (and `writer` the C1 ones and DEL), so printing a recording cannot drive a
//! terminal, and replayed text is sanitised on its way to the screen like live text.
//!
//! Owns: the line vocabulary ([`Line`]), encoding a line ([`encode_line`]), reading a
//! file ([`read`], [`parse`]) into a [`Recording`] and what it says — exchanges, the
//! personas and credits it saw, the prompts in order, the first comparison's columns —
//! the prompt key requests are matched by ([`prompt_of`], [`normalise`]) and
//! [`Speed`]. Does not own: writing while a session runs (`writer`), serving a
//! recording (`sim::replay`), or the HTTP client that taps the wire (`api::client`).

pub mod writer;

use std::collections::HashSet;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use serde_json::Value;

pub use writer::{Exchange, Recorder};

/// The response header by which a replaying simulator says where an answer came from:
/// `recorded` or `simulated`.
pub const REPLAY_HEADER: &str = "x-mavera-replay";

/// Where a replaying server's answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyOrigin {
    /// Served from the recording, as it streamed live.
    Recorded,
    /// Not in the recording: the simulator answered.
    Simulated,
}

impl ReplyOrigin {
    /// The header's value.
    pub fn as_str(self) -> &'static str {
        match self {
            ReplyOrigin::Recorded => "recorded",
            ReplyOrigin::Simulated => "simulated",
        }
    }

    /// From the header's value.
    pub fn parse(value: &str) -> Option<ReplyOrigin> {
        match value.trim() {
            "recorded" => Some(ReplyOrigin::Recorded),
            "simulated" => Some(ReplyOrigin::Simulated),
            _ => None,
        }
    }
}

/// What the status bar's badge says while a recording is replayed.
pub const REPLAY_LABEL: &str = "REPLAY";

/// The `format` of a recording's header line.
pub const FORMAT: &str = "mavera-tui-recording";
/// The version this build writes and reads.
pub const VERSION: u32 = 1;

/// One line of a recording.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Line {
    Header {
        format: String,
        version: u32,
        app: String,
        started_unix: u64,
    },
    /// One page of `GET /personas`, as the server sent it.
    Personas { at_ms: u64, page: Value },
    /// `GET /usage`, as the server sent it.
    Usage { at_ms: u64, report: Value },
    /// One prompt sent to several personas side by side: the columns, in order.
    Fanout { round: u64, columns: Vec<String> },
    /// A `POST /responses` body (never a header). `round`: the fan-out it belongs to.
    Request {
        x: u64,
        at_ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        round: Option<u64>,
        body: Value,
    },
    /// The reply's status; an error's body (`error`) and `Retry-After`; a whole JSON
    /// reply (`json`). A streamed reply's events follow as `Event` lines.
    Reply {
        x: u64,
        ms: u64,
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        retry_after: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        json: Option<Value>,
    },
    /// One SSE event of a streamed reply, as framed: its `event:` name and `data:`.
    Event {
        x: u64,
        ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        event: Option<String>,
        data: String,
    },
    /// The stream ended; `error` when it broke (or stalled) before its terminal event.
    End {
        x: u64,
        ms: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<String>,
    },
}

/// A line as written: JSON on one line, with DEL and the C1 controls escaped too (JSON
/// escapes the C0 ones), so that no byte of it means anything to a terminal.
pub fn encode_line(line: &Line) -> String {
    let json = serde_json::to_string(line).unwrap_or_default();
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    out
}

/// One recorded `POST /responses`: its request and everything the server sent back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordedExchange {
    pub round: Option<u64>,
    pub body: Value,
    /// `(status, retry_after, error body, whole JSON)`; `None`: no reply was recorded
    /// (the connection failed, or the recording was cut before it).
    pub reply: Option<RecordedReply>,
    /// `(ms since the request was sent, event name, data)`, in order.
    pub events: Vec<RecordedEvent>,
    /// When and how the stream ended; `None` when the recording stops before.
    pub end: Option<(u64, Option<String>)>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct RecordedReply {
    pub ms: u64,
    pub status: u16,
    pub retry_after: Option<String>,
    pub error: Option<String>,
    pub json: Option<Value>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedEvent {
    pub ms: u64,
    pub event: Option<String>,
    pub data: String,
}

impl RecordedExchange {
    /// The persona the request asked, if any.
    pub fn persona_id(&self) -> Option<&str> {
        self.body.get("persona_id").and_then(Value::as_str)
    }

    /// The prompt it sent (its last user message).
    pub fn prompt(&self) -> Option<String> {
        prompt_of(&self.body)
    }

    /// The credits the reply reported (`usage.credits_used` of its final response).
    pub fn credits_used(&self) -> Option<f64> {
        let from_json = self.reply.as_ref().and_then(|r| r.json.as_ref()).cloned();
        let from_events = self.events.iter().rev().find_map(|e| {
            let v: Value = serde_json::from_str(&e.data).ok()?;
            v.get("response").filter(|r| r.get("usage").is_some()).cloned()
        });
        from_json
            .or(from_events)?
            .get("usage")?
            .get("credits_used")?
            .as_f64()
    }
}

/// A recording read back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Recording {
    pub lines: Vec<Line>,
}

/// Reads a recording file. A torn last line (a session killed mid-write) is ignored;
/// anything else that is not a recording is an error that says where.
pub fn read(path: &Path) -> Result<Recording, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read the recording {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses a recording's text (see [`read`]).
pub fn parse(text: &str) -> Result<Recording, String> {
    let mut lines = Vec::new();
    let all: Vec<&str> = text.split('\n').collect();
    let last = all.len().saturating_sub(1);
    for (n, raw) in all.iter().enumerate() {
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Line>(raw) {
            Ok(line) => lines.push(line),
            // The last line without its newline: cut short by a kill.
            Err(_) if n == last => break,
            Err(e) => return Err(format!("line {} is not a recording line ({e})", n + 1)),
        }
    }
    match lines.first() {
        Some(Line::Header { format, version, .. }) if format == FORMAT => {
            if *version > VERSION {
                return Err(format!(
                    "a recording of format version {version}, newer than this mavera-tui reads ({VERSION}); update mavera-tui"
                ));
            }
        }
        _ => return Err("not a mavera-tui recording (no header line)".into()),
    }
    Ok(Recording { lines })
}

impl Recording {
    /// Every `POST /responses`, in the order sent.
    pub fn exchanges(&self) -> Vec<RecordedExchange> {
        let mut out: Vec<(u64, RecordedExchange)> = Vec::new();
        let find = |out: &mut Vec<(u64, RecordedExchange)>, x: u64| out.iter().position(|(id, _)| *id == x);
        for line in &self.lines {
            match line {
                Line::Request { x, round, body, .. } => out.push((
                    *x,
                    RecordedExchange {
                        round: *round,
                        body: body.clone(),
                        ..RecordedExchange::default()
                    },
                )),
                Line::Reply {
                    x,
                    ms,
                    status,
                    retry_after,
                    error,
                    json,
                } => {
                    if let Some(i) = find(&mut out, *x) {
                        if let Some((_, e)) = out.get_mut(i) {
                            e.reply = Some(RecordedReply {
                                ms: *ms,
                                status: *status,
                                retry_after: retry_after.clone(),
                                error: error.clone(),
                                json: json.clone(),
                            });
                        }
                    }
                }
                Line::Event { x, ms, event, data } => {
                    if let Some((_, e)) = find(&mut out, *x).and_then(|i| out.get_mut(i)) {
                        e.events.push(RecordedEvent {
                            ms: *ms,
                            event: event.clone(),
                            data: data.clone(),
                        });
                    }
                }
                Line::End { x, ms, error } => {
                    if let Some((_, e)) = find(&mut out, *x).and_then(|i| out.get_mut(i)) {
                        e.end = Some((*ms, error.clone()));
                    }
                }
                _ => {}
            }
        }
        out.into_iter().map(|(_, e)| e).collect()
    }

    /// The personas the server listed (every page, each persona once), as sent.
    pub fn personas(&self) -> Vec<Value> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for line in &self.lines {
            if let Line::Personas { page, .. } = line {
                let data = page.get("data").and_then(Value::as_array);
                for p in data.into_iter().flatten() {
                    let id = p.get("id").and_then(Value::as_str).unwrap_or_default();
                    if !id.is_empty() && seen.insert(id.to_owned()) {
                        out.push(p.clone());
                    }
                }
            }
        }
        out
    }

    /// The first credit report of the session (the balance before its first answer).
    pub fn first_usage(&self) -> Option<&Value> {
        self.lines.iter().find_map(|l| match l {
            Line::Usage { report, .. } => Some(report),
            _ => None,
        })
    }

    /// The columns of the session's first comparison, if it compared.
    pub fn first_columns(&self) -> Option<Vec<String>> {
        self.lines.iter().find_map(|l| match l {
            Line::Fanout { columns, .. } if columns.len() > 1 => Some(columns.clone()),
            _ => None,
        })
    }

    /// The prompts in the order they were sent: one per comparison round, one per
    /// single request; a retry of the prompt just before is not counted again.
    pub fn prompts(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        let mut rounds = HashSet::new();
        for e in self.exchanges() {
            let Some(prompt) = e.prompt() else { continue };
            if let Some(round) = e.round {
                if !rounds.insert(round) {
                    continue;
                }
            } else if out.last() == Some(&prompt) {
                continue;
            }
            out.push(prompt);
        }
        out
    }
}

/// The text of a request's last user message: `input` as a string, or the text parts
/// of the last `role: user` item of an `input` array. What replay matches requests by
/// (after [`normalise`]).
pub fn prompt_of(body: &Value) -> Option<String> {
    match body.get("input")? {
        Value::String(s) => Some(s.clone()),
        Value::Array(items) => {
            let item = items
                .iter()
                .rev()
                .find(|i| i.get("role").and_then(Value::as_str) == Some("user"))?;
            match item.get("content")? {
                Value::String(s) => Some(s.clone()),
                Value::Array(parts) => Some(
                    parts
                        .iter()
                        .filter_map(|p| p.get("text").and_then(Value::as_str))
                        .collect::<Vec<_>>()
                        .join("\n"),
                ),
                _ => None,
            }
        }
        _ => None,
    }
}

/// A prompt as matched: runs of whitespace as one space, none at the ends.
pub fn normalise(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// How fast a recording is replayed: its pace times a whole number, or without delays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Speed {
    #[default]
    Real,
    Times(u32),
    Max,
}

impl Speed {
    /// A recorded offset at this speed; `None` at `max` (no waiting).
    pub fn scale(self, ms: u64) -> Option<u64> {
        match self {
            Speed::Real => Some(ms),
            Speed::Times(n) => Some(ms / u64::from(n.max(1))),
            Speed::Max => None,
        }
    }
}

impl FromStr for Speed {
    type Err = String;

    fn from_str(s: &str) -> Result<Speed, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("max") {
            return Ok(Speed::Max);
        }
        match s.parse::<u32>() {
            Ok(1) => Ok(Speed::Real),
            Ok(n) if (2..=1000).contains(&n) => Ok(Speed::Times(n)),
            _ => Err(format!(
                "`{s}` is not a speed: use a whole number of times the recorded pace (1, 2, 4, … up to 1000) or `max` (no delays)"
            )),
        }
    }
}

impl fmt::Display for Speed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Speed::Real => f.write_str("1"),
            Speed::Times(n) => write!(f, "{n}"),
            Speed::Max => f.write_str("max"),
        }
    }
}

#[cfg(test)]
mod tests;

//! The fault names: every [`FaultKind`], its spelling, whether it takes a number and
//! whether it replaces the whole reply, and one [`Fault`] (`NAME[=VALUE]`) parsed from text.
//!
//! Owns: the list of kinds and the parsing of a single fault. Pure. Does not own: what each
//! fault does (documented in the parent module `faults`, carried out by `errors`,
//! `responses` and `stream`), lists of faults per request (`per_request`) or the global
//! plan (`plan`).

use std::fmt;

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
    NoDeltas,
    OutputOnly,
    JsonReply,
    ErrorString,
    ErrorMessage,
    ErrorDetail,
    PlainError,
    RetryAfterDate,
    RetryAfterMs,
    RateLimitReset,
    OddFields,
    Refusal,
    RedirectSame,
    RedirectOther,
    BadJson,
}

use FaultKind::*;

impl FaultKind {
    #[rustfmt::skip]
    pub const ALL: [FaultKind; 45] = [
        RateLimit, ServerError, Unavailable, CreditsExhausted, Forbidden, NotFound, HtmlError,
        EmptyError, Drop, Stall,
        Failed, Incomplete, ErrorEvent, ErrorEventFlat, Crlf, Cr, Split, Done, Keepalive,
        UnknownEvents, NoEventLines, NoSequence, EmptyOutput, NoCredits, Linger, BigEvent,
        ManyDeltas, InvalidUtf8, MultilineData, Hostile, NoDeltas, OutputOnly, JsonReply,
        ErrorString, ErrorMessage, ErrorDetail, PlainError, RetryAfterDate, RetryAfterMs,
        RateLimitReset, OddFields, Refusal, RedirectSame, RedirectOther, BadJson,
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
            NoDeltas => "no_deltas",
            OutputOnly => "output_only",
            JsonReply => "json_reply",
            ErrorString => "error_string",
            ErrorMessage => "error_message",
            ErrorDetail => "error_detail",
            PlainError => "plain_error",
            RetryAfterDate => "retry_after_date",
            RetryAfterMs => "retry_after_ms",
            RateLimitReset => "rate_limit_reset",
            OddFields => "odd_fields",
            Refusal => "refusal",
            RedirectSame => "redirect_same",
            RedirectOther => "redirect_other",
            BadJson => "bad_json",
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
            RateLimit
                | Drop
                | Stall
                | Failed
                | Incomplete
                | ErrorEvent
                | ErrorEventFlat
                | RetryAfterDate
                | RetryAfterMs
                | RateLimitReset
                | RedirectOther
        )
    }

    /// Faults that replace the whole reply before any body byte — with an error (the ones
    /// a client may retry safely) or a redirect.
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
                | ErrorString
                | ErrorMessage
                | ErrorDetail
                | PlainError
                | RetryAfterDate
                | RetryAfterMs
                | RateLimitReset
                | RedirectSame
                | RedirectOther
        )
    }

    /// Faults that answer with a redirect (which the request that follows it is spared).
    pub fn redirects(self) -> bool {
        matches!(self, RedirectSame | RedirectOther)
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
                !(k.before_body() && k.takes_value())
                    || matches!(
                        k,
                        RateLimit | RetryAfterDate | RetryAfterMs | RateLimitReset | RedirectOther
                    ),
                "{}",
                k.name()
            );
        }
    }
}

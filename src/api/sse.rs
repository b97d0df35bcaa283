//! Incremental server-sent-events framing: bytes in, frames out (spec §4, items 1–3, 12).
//!
//! Written by hand rather than taken from a crate because the tolerances we need come
//! together in no maintained one: CR-only line endings, a CR/LF pair split across two
//! reads, a per-event memory bound that is a clear error instead of an abort, invalid
//! UTF-8 reported (never replaced silently), and no allocation per line on the hot path.
//! It is pure — no I/O, no clock — so any chunking of the same bytes yields the same
//! frames (proved by a property test).
//!
//! Owns: lines, fields, comments and the blank-line dispatch rule. Does not own: what a
//! frame's `data` means (see `events`), or reading the socket (see `client`).
#![deny(clippy::indexing_slicing)]

use memchr::memchr2;

/// One dispatched event: the `event:` name if any, and the `data:` lines joined by `\n`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SseFrame {
    pub event: Option<String>,
    pub data: String,
}

/// Why a byte stream cannot be framed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SseError {
    #[error("the server sent invalid UTF-8 in an event stream (after {offset} bytes)")]
    InvalidUtf8 { offset: u64 },
    #[error("the server sent an event larger than {limit} bytes")]
    EventTooLarge { limit: usize },
}

/// Default bound on one event's size: far above the largest real events (hundreds of KB,
/// a 2 MB test event) yet small enough that a runaway stream cannot exhaust memory.
pub const DEFAULT_MAX_EVENT_BYTES: usize = 16 * 1024 * 1024;

/// The framing state carried between reads.
#[derive(Debug)]
pub struct SseParser {
    /// A line whose end has not arrived yet.
    partial: Vec<u8>,
    /// The previous read ended in CR: an LF at the start of the next belongs to it.
    skip_lf: bool,
    event: Option<String>,
    data: String,
    has_data: bool,
    consumed: u64,
    max_event_bytes: usize,
}

impl Default for SseParser {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_EVENT_BYTES)
    }
}

impl SseParser {
    pub fn new(max_event_bytes: usize) -> Self {
        SseParser {
            partial: Vec::new(),
            skip_lf: false,
            event: None,
            data: String::new(),
            has_data: false,
            consumed: 0,
            max_event_bytes,
        }
    }

    /// Feeds one read's bytes; complete frames are appended to `out`.
    pub fn push(&mut self, chunk: &[u8], out: &mut Vec<SseFrame>) -> Result<(), SseError> {
        let mut rest = chunk;
        if self.skip_lf && !rest.is_empty() {
            self.skip_lf = false;
            if let Some((b'\n', tail)) = rest.split_first() {
                rest = tail;
                self.consumed += 1;
            }
        }
        while let Some(at) = memchr2(b'\n', b'\r', rest) {
            let (line, tail) = rest.split_at(at);
            let Some((&terminator, mut after)) = tail.split_first() else {
                break; // unreachable: memchr2 found a byte at `at`
            };
            if terminator == b'\r' {
                match after.split_first() {
                    Some((b'\n', t)) => after = t,
                    None => self.skip_lf = true,
                    Some(_) => {}
                }
            }
            let used = (rest.len() - after.len()) as u64;
            if self.partial.is_empty() {
                self.line(line, out)?;
            } else {
                self.guard_size(self.partial.len() + line.len())?;
                let mut whole = std::mem::take(&mut self.partial);
                whole.extend_from_slice(line);
                let result = self.line(&whole, out);
                whole.clear();
                self.partial = whole; // keep the allocation for the next split line
                result?;
            }
            self.consumed += used;
            rest = after;
        }
        if !rest.is_empty() {
            self.guard_size(self.partial.len() + rest.len())?;
            self.partial.extend_from_slice(rest);
            self.consumed += rest.len() as u64;
        }
        Ok(())
    }

    /// End of input. A last event without its blank line is still dispatched: servers
    /// that close right after the terminal event would otherwise lose it.
    pub fn finish(&mut self, out: &mut Vec<SseFrame>) -> Result<(), SseError> {
        if !self.partial.is_empty() {
            let line = std::mem::take(&mut self.partial);
            self.line(&line, out)?;
        }
        self.line(b"", out)
    }

    fn guard_size(&self, pending_line: usize) -> Result<(), SseError> {
        if self.data.len() + pending_line > self.max_event_bytes {
            Err(SseError::EventTooLarge {
                limit: self.max_event_bytes,
            })
        } else {
            Ok(())
        }
    }

    fn line(&mut self, line: &[u8], out: &mut Vec<SseFrame>) -> Result<(), SseError> {
        if line.is_empty() {
            if self.has_data {
                out.push(SseFrame {
                    event: self.event.take(),
                    data: std::mem::take(&mut self.data),
                });
                self.has_data = false;
            } else {
                self.event = None;
            }
            return Ok(());
        }
        if line.first() == Some(&b':') {
            return Ok(()); // a comment: keep-alive
        }
        let (field, value) = match memchr::memchr(b':', line) {
            Some(at) => {
                let (f, v) = line.split_at(at);
                let v = v.get(1..).unwrap_or_default();
                (f, v.strip_prefix(b" ").unwrap_or(v))
            }
            None => (line, &b""[..]),
        };
        match field {
            b"data" => {
                self.guard_size(value.len() + 1)?;
                let text = self.utf8(value)?;
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(text);
                self.has_data = true;
            }
            b"event" => self.event = Some(self.utf8(value)?.to_owned()),
            _ => {} // id, retry and unknown fields carry nothing the client uses
        }
        Ok(())
    }

    fn utf8<'a>(&self, bytes: &'a [u8]) -> Result<&'a str, SseError> {
        std::str::from_utf8(bytes).map_err(|_| SseError::InvalidUtf8 {
            offset: self.consumed,
        })
    }
}

/// Frames a whole byte string at once (tests and tools).
pub fn parse_all(bytes: &[u8]) -> Result<Vec<SseFrame>, SseError> {
    let mut parser = SseParser::default();
    let mut out = Vec::new();
    parser.push(bytes, &mut out)?;
    parser.finish(&mut out)?;
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn frame(event: Option<&str>, data: &str) -> SseFrame {
        SseFrame {
            event: event.map(str::to_owned),
            data: data.to_owned(),
        }
    }

    #[test]
    fn lf_crlf_and_cr_endings_frame_alike() {
        for sep in ["\n", "\r\n", "\r"] {
            let text = format!("event: a{sep}data: 1{sep}{sep}data:2{sep}{sep}");
            assert_eq!(
                parse_all(text.as_bytes()).unwrap(),
                vec![frame(Some("a"), "1"), frame(None, "2")],
                "separator {sep:?}"
            );
        }
    }

    #[test]
    fn multi_line_data_joins_with_newline_and_comments_are_skipped() {
        let out = parse_all(b": keepalive\ndata: {\"a\":\ndata: 1}\nid: 7\nretry: 10\nweird\n\n").unwrap();
        assert_eq!(out, vec![frame(None, "{\"a\":\n1}")]);
    }

    #[test]
    fn crlf_split_across_reads_is_one_line_end() {
        let mut p = SseParser::default();
        let mut out = Vec::new();
        p.push(b"data: x\r", &mut out).unwrap();
        p.push(b"\n\r", &mut out).unwrap();
        p.push(b"\ndata: y\r\n\r\n", &mut out).unwrap();
        assert_eq!(out, vec![frame(None, "x"), frame(None, "y")]);
    }

    #[test]
    fn utf8_split_inside_a_character_survives() {
        let bytes = "data: 日本\n\n".as_bytes();
        let mut p = SseParser::default();
        let mut out = Vec::new();
        for b in bytes {
            p.push(std::slice::from_ref(b), &mut out).unwrap();
        }
        assert_eq!(out, vec![frame(None, "日本")]);
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        let err = parse_all(b"data: \xff\xfe\n\n").unwrap_err();
        assert!(matches!(err, SseError::InvalidUtf8 { .. }));
    }

    #[test]
    fn oversized_event_is_bounded() {
        let mut p = SseParser::new(10);
        let mut out = Vec::new();
        let err = p.push(b"data: 0123456789abc", &mut out).unwrap_err();
        assert_eq!(err, SseError::EventTooLarge { limit: 10 });
        let mut p = SseParser::new(10);
        p.push(b"data: 012345\n", &mut out).unwrap();
        assert!(p.push(b"data: 6789ab\n", &mut out).is_err());
    }

    #[test]
    fn unterminated_last_event_is_dispatched_at_eof() {
        assert_eq!(parse_all(b"data: last").unwrap(), vec![frame(None, "last")]);
    }

    #[test]
    fn event_without_data_is_not_dispatched() {
        assert_eq!(parse_all(b"event: ping\n\n").unwrap(), vec![]);
    }
}

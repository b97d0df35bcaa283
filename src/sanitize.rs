//! Makes remote text safe to show in a terminal.
//!
//! Owns: removing every control sequence a server could send — C0 controls, DEL, C1
//! controls (0x80–0x9F, including the one-byte CSI 0x9B), and whole ESC sequences (CSI,
//! OSC such as title-set and OSC 52 clipboard writes, DCS/SOS/PM/APC strings) and the
//! bidirectional override and isolate controls (U+202A–U+202E, U+2066–U+2069), which can
//! make text read differently from what it is — while keeping newlines and tabs and every
//! printable character (CJK, emoji, right-to-left scripts, combining marks, and the
//! implicit direction marks U+200E/U+200F, which only nudge neutral characters). A streaming `Sanitizer` carries its state across chunks, so a sequence split
//! between two deltas is still removed whole. Does not own: where it is applied (at the
//! boundary where remote text enters state or output).
#![deny(clippy::indexing_slicing)]

/// Where the scanner is inside a possible control sequence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    Text,
    /// After ESC.
    Escape,
    /// Inside a CSI sequence (ESC [ or 0x9B), until a final byte 0x40–0x7E.
    Csi,
    /// Inside a string sequence (OSC, DCS, SOS, PM, APC), until BEL or ST.
    Str,
    /// After ESC inside a string sequence: `\` ends it (ST).
    StrEscape,
}

/// An incremental sanitiser for one stream of text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sanitizer {
    mode: Mode,
}

impl Sanitizer {
    /// Appends the safe part of `input` to `out`.
    pub fn push(&mut self, input: &str, out: &mut String) {
        // Fast path: nothing to remove (the overwhelmingly common case for deltas).
        if self.mode == Mode::Text && !input.chars().any(is_unsafe) {
            out.push_str(input);
            return;
        }
        for c in input.chars() {
            self.mode = match self.mode {
                Mode::Text => match c {
                    '\u{1b}' => Mode::Escape,
                    '\u{9b}' => Mode::Csi,
                    '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => Mode::Str,
                    c if is_unsafe(c) => Mode::Text,
                    c => {
                        out.push(c);
                        Mode::Text
                    }
                },
                Mode::Escape => match c {
                    '[' => Mode::Csi,
                    ']' | 'P' | 'X' | '^' | '_' => Mode::Str,
                    '\u{1b}' => Mode::Escape,
                    // Intermediate bytes (ESC ( B and the like) keep the sequence going.
                    '\u{20}'..='\u{2f}' => Mode::Escape,
                    _ => Mode::Text,
                },
                Mode::Csi => match c {
                    '\u{40}'..='\u{7e}' => Mode::Text,
                    '\u{1b}' => Mode::Escape,
                    _ => Mode::Csi,
                },
                Mode::Str => match c {
                    '\u{7}' | '\u{9c}' => Mode::Text,
                    '\u{1b}' => Mode::StrEscape,
                    _ => Mode::Str,
                },
                Mode::StrEscape => match c {
                    '\\' => Mode::Text,
                    '\u{1b}' => Mode::StrEscape,
                    _ => Mode::Str,
                },
            };
        }
    }

    /// Convenience: the safe part of `input` as a new string.
    pub fn clean(&mut self, input: &str) -> String {
        let mut out = String::with_capacity(input.len());
        self.push(input, &mut out);
        out
    }
}

/// Characters that never reach the terminal: controls other than `\n` and `\t`, and the
/// bidirectional embeddings, overrides and isolates.
fn is_unsafe(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c, '\u{80}'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Sanitises a whole string (names, descriptions, error messages).
pub fn clean(input: &str) -> String {
    Sanitizer::default().clean(input)
}

/// Sanitises a one-line label: newlines and tabs become spaces too.
pub fn clean_line(input: &str) -> String {
    clean(input)
        .chars()
        .map(|c| if c == '\n' || c == '\t' { ' ' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_whole_sequences_and_keeps_the_text_around_them() {
        let hostile = "a\u{1b}]0;pwned\u{7}b\u{1b}]52;c;cHduZWQ=\u{1b}\\c\u{1b}[2Jd\u{1b}[31me\u{9b}1mf\u{1b}Pdcs\u{1b}\\g\u{7}\r\u{0}h";
        assert_eq!(clean(hostile), "abcdefgh");
    }

    #[test]
    fn keeps_unicode_newlines_and_tabs() {
        let text = "日本語 👩‍👩‍👧 مرحبا e\u{301}\n\tend";
        assert_eq!(clean(text), text);
    }

    #[test]
    fn a_sequence_split_across_chunks_is_still_removed() {
        let mut s = Sanitizer::default();
        let mut out = String::new();
        for part in ["x\u{1b}", "]0;ti", "tle\u{1b}", "\\y"] {
            s.push(part, &mut out);
        }
        assert_eq!(out, "xy");
    }

    #[test]
    fn bidirectional_overrides_and_isolates_are_removed() {
        // "invoice_\u{202e}fdp.exe" would read as "invoice_exe.pdf".
        let text = "invoice_\u{202e}fdp.exe \u{2066}a\u{2069} \u{202a}b\u{202c} \u{2067}\u{2068}c";
        assert_eq!(clean(text), "invoice_fdp.exe a b c");
        let mut s = Sanitizer::default();
        let mut out = String::new();
        for part in ["x\u{202d}", "y\u{200f}z"] {
            s.push(part, &mut out);
        }
        assert_eq!(
            out, "xy\u{200f}z",
            "direction marks stay; overrides go, across chunks too"
        );
    }

    #[test]
    fn labels_are_single_line() {
        assert_eq!(clean_line("a\nb\tc"), "a b c");
    }
}

//! What the deltas of an answer are: word-ish tokens, the size faults' shapes (one giant
//! delta, 100,000 tiny ones), the invalid-UTF-8 stand-in, and the token estimate.
//!
//! Owns: cutting text into deltas that concatenate back to it exactly. Pure. Does not
//! own: the events that carry the deltas (`events`) or their bytes (`stream`).

/// Stands in the delta JSON for bytes that are not UTF-8; `stream` swaps it for
/// [`INVALID_UTF8_BYTES`] after serialising. ASCII, so JSON escaping leaves it intact.
pub const INVALID_UTF8_MARKER: &str = "@@SIM_INVALID_UTF8@@";
/// `0xFF`, `0xFE`, and a lead byte without its continuation.
pub const INVALID_UTF8_BYTES: &[u8] = b"\xff\xfe\xc3";
/// What a lossy decoder makes of [`INVALID_UTF8_BYTES`]: used in the final text so that
/// the deltas and the terminal event agree for a tolerant client.
pub const INVALID_UTF8_LOSSY: &str = "\u{fffd}\u{fffd}\u{fffd}";

/// Cuts text into deltas: a word with the spaces, punctuation and newlines after it.
/// Concatenating the deltas gives the text back exactly.
pub fn word_tokens(text: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut start = 0;
    let mut seen_word = false;
    let mut prev_ws = false;
    for (i, c) in text.char_indices() {
        let ws = c.is_whitespace();
        if !ws && prev_ws && seen_word {
            tokens.push(text[start..i].to_string());
            start = i;
        }
        seen_word |= !ws;
        prev_ws = ws;
    }
    if start < text.len() {
        tokens.push(text[start..].to_string());
    }
    tokens
}

/// `count` deltas of one character each, the last one carrying whatever text remains
/// (`many_deltas`). Fewer when the text has fewer characters.
pub fn tiny_deltas(text: &str, count: usize) -> Vec<String> {
    let mut out = Vec::with_capacity(count);
    let mut it = text.char_indices();
    while out.len() + 1 < count {
        match it.next() {
            Some((_, c)) => out.push(c.to_string()),
            None => return out,
        }
    }
    if let Some((i, _)) = it.next() {
        out.push(text[i..].to_string());
    }
    out
}

/// One paragraph of at least 2 MiB made of `sentence` (`big_event`).
pub fn big_paragraph(sentence: &str) -> String {
    const SIZE: usize = 2 * 1024 * 1024;
    let unit = if sentence.trim().is_empty() {
        "More of the same. "
    } else {
        sentence
    };
    let mut s = String::with_capacity(SIZE + unit.len() + 2);
    while s.len() < SIZE {
        s.push_str(unit);
        s.push(' ');
    }
    s.push_str("\n\n");
    s
}

/// An estimate of tokens in a delta: one per word-ish piece, more for long pieces.
pub fn tokens_of(delta: &str) -> u64 {
    (delta.chars().count() as u64).div_ceil(6).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_reassemble_exactly() {
        let t = "  Hello, world!\n\n- item *one*\n```\n    code\n```\nend ";
        let toks = word_tokens(t);
        assert_eq!(toks.concat(), t);
        assert_eq!(toks[0], "  Hello, ");
        assert!(toks.iter().any(|x| x == "world!\n\n"));
        assert!(word_tokens("").is_empty());
        let tiny = tiny_deltas("héllo wörld", 5);
        assert_eq!(tiny.len(), 5);
        assert_eq!(tiny.concat(), "héllo wörld");
        assert_eq!(tiny_deltas("ab", 5), vec!["a", "b"]);
        assert!(big_paragraph("x.").len() >= 2 * 1024 * 1024);
    }

    #[test]
    fn token_estimate_grows_with_length() {
        assert_eq!(tokens_of("a "), 1);
        assert_eq!(tokens_of(""), 1);
        assert_eq!(tokens_of(&"x".repeat(60)), 10);
    }
}

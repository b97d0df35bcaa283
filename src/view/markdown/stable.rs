//! Where a streaming markdown text can be cut so that the part before never changes.
//!
//! The rule, on the text's top-level blocks as pulldown-cmark parses them: a cut may go
//! at the start of a line that
//! 1. follows a blank line — nothing continues a paragraph, quote, table or closed fence
//!    across one, and no setext underline or lazy continuation can reach back over it;
//! 2. starts a new top-level block `Y` (or ends the text, after the blank line, with only
//!    spaces after it) — so every container before it is closed; and
//! 3. if the block `X` before is a list: `Y`'s first line is complete, since a partial
//!    line ("1", "*") could still become an item of `X`. At the end of the text (no `Y`
//!    yet) `X` may be neither a list nor an indented code block, which both continue
//!    after blank lines, and `X` must end before the blank line (an unclosed fence or
//!    HTML comment swallows it).
//!
//! Link reference definitions are the one CommonMark feature that reaches across blocks
//! (a later `[x]: /url` turns an earlier `[x]` into a link), so the renderer neutralises
//! them here: each is escaped (`\[x]: /url`) and shows as the text it is. Owns: the cut
//! rule and the neutralising. Does not own: rendering (the parent module).
#![deny(clippy::indexing_slicing)]

use std::borrow::Cow;

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag};

use super::dialect::options;

/// `text` with its link reference definitions escaped, and where backslashes went in.
pub(super) struct Neutral<'a> {
    pub text: Cow<'a, str>,
    /// Offsets, in `text`, of the inserted backslashes (ascending).
    inserted: Vec<usize>,
}

impl Neutral<'_> {
    /// Maps an offset in the neutralised text back to the original.
    fn original(&self, offset: usize) -> usize {
        offset - self.inserted.partition_point(|&i| i < offset)
    }
}

/// Escapes every link reference definition. Escaping one can turn the definitions that
/// followed it into paragraph text, or (a duplicate label) reveal another, so repeat until
/// none is left; each round escapes at least one `[`, so this ends.
pub(super) fn neutralize(text: &str) -> Neutral<'_> {
    let mut out = Neutral {
        text: Cow::Borrowed(text),
        inserted: Vec::new(),
    };
    // Every definition has a `]:`; without one, skip the parse.
    if !text.contains("]:") {
        return out;
    }
    loop {
        let parser = Parser::new_ext(&out.text, options());
        let mut starts: Vec<usize> = parser
            .reference_definitions()
            .iter()
            .map(|(_, d)| d.span.start)
            .collect();
        if starts.is_empty() {
            return out;
        }
        starts.sort_unstable();
        let cur = out.text.as_ref();
        let mut next = String::with_capacity(cur.len() + starts.len());
        let mut points = Vec::with_capacity(starts.len());
        let mut done = 0;
        for start in starts {
            // A definition's span starts at its `[` (after any container markers).
            let Some(bracket) = cur
                .get(start..)
                .and_then(|rest| rest.find('['))
                .map(|i| start + i)
            else {
                continue;
            };
            if points.last().is_some_and(|&last| bracket <= last) {
                continue;
            }
            next.push_str(cur.get(done..bracket).unwrap_or(""));
            points.push(bracket);
            next.push('\\');
            done = bracket;
        }
        if points.is_empty() {
            return out;
        }
        next.push_str(cur.get(done..).unwrap_or(""));
        // Earlier insertions shift by the new ones before them; new ones by each other.
        let shift = |o: usize| o + points.partition_point(|&p| p <= o);
        let mut inserted: Vec<usize> = out.inserted.iter().map(|&o| shift(o)).collect();
        inserted.extend(points.iter().enumerate().map(|(n, &p)| p + n));
        inserted.sort_unstable();
        out = Neutral {
            text: Cow::Owned(next),
            inserted,
        };
    }
}

/// The byte offset up to which `text` is complete top-level blocks that no appended
/// text can change: `render(text) == render(before) ++ [blank] ++ render(after)` (or
/// just the non-empty one), and the offset never shrinks as the text grows.
pub fn stable_prefix_len(text: &str) -> usize {
    let neutral = neutralize(text);
    neutral.original(cut(&neutral.text))
}

/// Like [`stable_prefix_len`], resuming from `from`, an earlier result for a prefix of
/// `text` (or 0): only `text[from..]` is parsed, so per-delta work stays proportional
/// to the streaming tail. A `from` that is not a char boundary counts as 0.
pub fn stable_prefix_len_from(text: &str, from: usize) -> usize {
    match text.get(from..) {
        Some(rest) if from > 0 => from + stable_prefix_len(rest),
        _ => stable_prefix_len(text),
    }
}

/// A top-level block: its byte range and whether it can continue after a blank line.
#[derive(Debug, Clone, Copy)]
struct Block {
    start: usize,
    end: usize,
    list: bool,
    indented_code: bool,
}

fn cut(text: &str) -> usize {
    let mut blocks: Vec<Block> = Vec::new();
    let mut depth = 0usize;
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        let block = |tag: Option<&Tag<'_>>| Block {
            start: range.start,
            end: range.end,
            list: matches!(tag, Some(Tag::List(_))),
            indented_code: matches!(tag, Some(Tag::CodeBlock(CodeBlockKind::Indented))),
        };
        match &event {
            Event::Start(tag) => {
                if depth == 0 {
                    blocks.push(block(Some(tag)));
                }
                depth += 1;
            }
            Event::End(_) => depth = depth.saturating_sub(1),
            _ if depth == 0 => blocks.push(block(None)),
            _ => {}
        }
    }
    let bytes = text.as_bytes();
    if let Some(last) = blocks.last().filter(|b| !b.list && !b.indented_code) {
        if let Some(cut) = trailing_cut(bytes, last.end) {
            return cut;
        }
    }
    for pair in blocks.windows(2).rev() {
        let [x, y] = pair else { continue };
        let line = line_start(bytes, y.start);
        let Some(blank) = previous_line(bytes, line) else {
            continue;
        };
        if !is_blank(bytes.get(blank.0..blank.1).unwrap_or(b"x")) || x.start >= line {
            continue;
        }
        if x.list && !bytes.get(line..).unwrap_or(b"").iter().any(|&b| is_eol(b)) {
            continue;
        }
        return line;
    }
    0
}

/// The text ends with a complete blank line (then perhaps spaces) after a block that
/// ended before it: the cut goes after that line.
fn trailing_cut(bytes: &[u8], block_end: usize) -> Option<usize> {
    let eol = bytes.iter().rposition(|&b| is_eol(b))?;
    let cut = eol + 1;
    if !is_blank(bytes.get(cut..)?) {
        return None;
    }
    let (start, end) = previous_line(bytes, cut)?;
    (is_blank(bytes.get(start..end)?) && block_end <= start).then_some(cut)
}

fn is_eol(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

fn is_blank(line: &[u8]) -> bool {
    line.iter().all(|&b| b == b' ' || b == b'\t')
}

/// Start of the line holding `offset`.
fn line_start(bytes: &[u8], offset: usize) -> usize {
    bytes
        .get(..offset)
        .and_then(|b| b.iter().rposition(|&c| is_eol(c)))
        .map_or(0, |i| i + 1)
}

/// The content range of the line that ends just before `line` (a line start > 0).
fn previous_line(bytes: &[u8], line: usize) -> Option<(usize, usize)> {
    let mut end = line.checked_sub(1)?;
    if bytes.get(end) == Some(&b'\n') && end > 0 && bytes.get(end - 1) == Some(&b'\r') {
        end -= 1;
    }
    Some((line_start(bytes, end), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_before_the_last_block_after_a_blank_line() {
        assert_eq!(stable_prefix_len("para one\n\npara two"), 10);
        assert_eq!(stable_prefix_len("# h\n\ntext\n\n- a\n- b"), 11);
        assert_eq!(stable_prefix_len("one block only"), 0);
        assert_eq!(stable_prefix_len(""), 0);
    }

    #[test]
    fn a_finished_block_and_blank_line_is_stable_whole() {
        assert_eq!(stable_prefix_len("para\n\n"), 6);
        assert_eq!(stable_prefix_len("para\n\n  "), 6);
        assert_eq!(stable_prefix_len("para\n"), 0);
    }

    #[test]
    fn never_cuts_inside_an_open_fence_or_comment() {
        assert_eq!(stable_prefix_len("```\ncode\n\nmore\n"), 0);
        assert_eq!(stable_prefix_len("a\n\n```\ncode\n\nmore\n"), 3);
        assert_eq!(stable_prefix_len("<!-- c\n\nstill\n\n"), 0);
    }

    #[test]
    fn lists_and_indented_code_wait_for_what_follows() {
        assert_eq!(stable_prefix_len("- a\n\n"), 0);
        assert_eq!(stable_prefix_len("- a\n\n1"), 0, "could become `1. x`, an item");
        assert_eq!(stable_prefix_len("- a\n\nb\n"), 5);
        assert_eq!(stable_prefix_len("    code\n\n"), 0);
        assert_eq!(stable_prefix_len("    code\n\nb"), 10);
    }

    #[test]
    fn definitions_are_neutralised_and_offsets_map_back() {
        let n = neutralize("[a]: /u\n[b]: /v\n\n> [c]: /w\n\n[a]");
        assert_eq!(n.text, "\\[a]: /u\n\\[b]: /v\n\n> \\[c]: /w\n\n[a]");
        assert_eq!(n.original(n.text.len()), 31);
        assert_eq!(stable_prefix_len("x\n\n[a]: /u\n\n[a]"), 12);
    }

    #[test]
    fn resuming_from_an_earlier_cut_agrees() {
        let text = "a\n\nb\n\nc\n\nd";
        let k = stable_prefix_len("a\n\nb");
        assert_eq!(stable_prefix_len_from(text, k), stable_prefix_len(text));
    }
}

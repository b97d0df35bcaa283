//! Display-width-correct wrapping of styled text into terminal lines.
//!
//! Owns: measuring (per grapheme cluster, with `unicode-width`, the way ratatui's buffer
//! places cells), word wrapping at whitespace, hard wrapping for code, tab expansion and
//! the replacement of control characters. Invariant: every produced line is at most
//! `width` columns wide, and every call makes progress — a wide character never splits
//! and never overflows; a prefix wider than the line is cut before content is dropped.
//! Does not own: markdown (see `markdown`), choosing prefixes or styles.
#![deny(clippy::indexing_slicing)]

use std::borrow::Cow;

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use unicode_segmentation::UnicodeSegmentation;
use unicode_width::UnicodeWidthStr;

use builder::{classify, Builder, Class, Word};
use styled::Run;
pub use styled::StyledText;

mod builder;
mod styled;

/// Tab stops every four columns, counted from the start of the line's content.
pub const TAB_WIDTH: usize = 4;
/// Stands in for a grapheme wider than the whole line (a CJK character at width 1).
const TOO_WIDE: &str = "…";

/// How lines break.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WrapMode {
    /// At whitespace (dropped at the break); words longer than a line break anywhere.
    Words,
    /// At any grapheme, keeping all whitespace: for code, where indentation matters.
    Anywhere,
}

/// `s` without control characters: line breaks (`\n`, `\r`, U+2028/2029/0085) become
/// `newline`, other controls U+FFFD, since none of them may reach the terminal. Tabs stay:
/// they expand to spaces when placed.
pub fn sanitize(s: &str, newline: char) -> Cow<'_, str> {
    let bad = |c: char| c != '\t' && (c.is_control() || matches!(c, '\u{2028}' | '\u{2029}'));
    // Byte scan first: C0/DEL, and the lead bytes of C1 controls (C2 80–9F) and of
    // U+2028/2029 (E2 80 A8/A9); only text holding those needs the char-level pass.
    let suspect = s
        .bytes()
        .any(|b| (b < 0x20 && b != b'\t') || b == 0x7f || b == 0xc2 || b == 0xe2);
    if !suspect || !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\n' | '\r' | '\u{85}' | '\u{2028}' | '\u{2029}' => newline,
                c if bad(c) => '\u{FFFD}',
                c => c,
            })
            .collect(),
    )
}

/// Grapheme clusters with their byte offsets. ASCII next to ASCII is always a boundary
/// (bar CR LF), so the common case skips the segmenter.
struct Graphemes<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Iterator for Graphemes<'a> {
    type Item = (usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        let start = self.pos;
        let rest = self.s.get(start..)?;
        let bytes = rest.as_bytes();
        let len = match bytes {
            [] => return None,
            [b, tail @ ..] if b.is_ascii() && *b != b'\r' && tail.first().is_none_or(u8::is_ascii) => 1,
            _ => rest.graphemes(true).next().map_or(rest.len(), str::len),
        };
        self.pos = start + len;
        Some((start, rest.get(..len).unwrap_or("")))
    }
}

fn graphemes(s: &str) -> Graphemes<'_> {
    Graphemes { s, pos: 0 }
}

/// Display width of one grapheme cluster, as ratatui's buffer will place it.
pub fn grapheme_width(g: &str) -> usize {
    match g.as_bytes() {
        [b] if b.is_ascii_graphic() || *b == b' ' => 1,
        _ => g.width(),
    }
}

/// Display width of a string, summed per grapheme cluster.
pub fn display_width(s: &str) -> usize {
    if s.bytes().all(|b| b.is_ascii_graphic() || b == b' ') {
        return s.len();
    }
    if s.chars().all(is_simple) {
        return s
            .chars()
            .map(|c| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0))
            .sum();
    }
    graphemes(s).map(|(_, g)| grapheme_width(g)).sum()
}

/// Characters that always form a grapheme cluster alone and are measured alike alone
/// or in a string: printable Latin, general punctuation, box drawing and geometric
/// shapes (borders, bullets, bars), kana and CJK ideographs. Strings of only these skip
/// the segmenter.
fn is_simple(c: char) -> bool {
    matches!(c,
        ' '..='~'
        | '\u{a0}'..='\u{2ff}'
        | '\u{2010}'..='\u{2027}'
        | '\u{2500}'..='\u{25ff}'
        | '\u{3041}'..='\u{3096}'
        | '\u{30a0}'..='\u{30ff}'
        | '\u{4e00}'..='\u{9fff}')
}

/// Display width of a line, summed per grapheme cluster.
pub fn line_width(line: &Line<'_>) -> usize {
    line.spans.iter().map(|s| display_width(&s.content)).sum()
}

/// Wraps plain styled spans at whitespace (the convenience form of [`wrap`]).
pub fn wrap_spans(
    spans: &[Span<'static>],
    width: u16,
    first_prefix: Vec<Span<'static>>,
    rest_prefix: Vec<Span<'static>>,
) -> Vec<Line<'static>> {
    let mut text = StyledText::new();
    for span in spans {
        text.push(&span.content, span.style);
    }
    wrap(&text, width, WrapMode::Words, &first_prefix, &rest_prefix)
}

/// Wraps `text` into lines of at most `width` columns. The first line starts with
/// `first_prefix`, later ones with `rest_prefix` (bullets, quote bars, indentation).
/// Always yields at least one line when `width > 0` (an empty text gives the bare
/// prefix), none when `width == 0`.
pub fn wrap(
    text: &StyledText,
    width: u16,
    mode: WrapMode,
    first_prefix: &[Span<'static>],
    rest_prefix: &[Span<'static>],
) -> Vec<Line<'static>> {
    if width == 0 {
        return Vec::new();
    }
    let mut out = Builder::new(text, usize::from(width), first_prefix, rest_prefix);
    if mode == WrapMode::Anywhere {
        out.place_chars(0, text.text.len(), true);
        return out.finish();
    }
    // A glued run stays whole only if it can fit on a line at all; otherwise breaking
    // at its spaces beats cutting it mid-word.
    let room = usize::from(width).saturating_sub(spans_width(rest_prefix));
    place_words(text, &mut out, room);
    out.finish()
}

/// Places `text` word by word: words are byte ranges placed whole when they fit, so
/// per-grapheme work is only measuring. `room` is the widest a glued run may be and
/// still stay whole.
fn place_words(text: &StyledText, out: &mut Builder<'_>, room: usize) {
    // `space` is the whitespace before the word.
    let mut word = Word::default();
    let mut space = (0, 0);
    let mut keep_leading = true;
    let (mut run_idx, mut run_end, mut glued) = (0, 0, false);
    let src = text.text.as_str();
    let bytes = src.as_bytes();
    let mut start = 0;
    while start < bytes.len() {
        if start >= run_end {
            while text.runs.get(run_idx).is_some_and(|r| r.end <= start) {
                run_idx += 1;
            }
            let run_start = run_end;
            let run = text.runs.get(run_idx).copied().unwrap_or(Run {
                end: usize::MAX,
                style: Style::new(),
                glue: false,
            });
            run_end = run.end;
            glued = run.glue && display_width(src.get(run_start..run.end).unwrap_or("")) <= room;
        }
        // Fast path: a stretch of printable ASCII inside one run is word text, one column
        // per byte — except a last byte that a following non-ASCII mark may extend.
        let stretch = bytes.get(start..run_end.min(bytes.len())).unwrap_or(&[]);
        let mut n = stretch.iter().take_while(|b| b.is_ascii_graphic()).count();
        if bytes.get(start + n).is_some_and(|b| !b.is_ascii()) {
            n = n.saturating_sub(1);
        }
        if n > 0 {
            if word.is_empty() {
                word = Word::at(start);
            }
            word.end = start + n;
            word.width += n;
            start += n;
            continue;
        }
        let Some((_, g)) = (Graphemes { s: src, pos: start }).next() else {
            break;
        };
        let end = start + g.len();
        match classify(g) {
            Class::Break => {
                out.place_word(space, word, keep_leading);
                out.newline();
                (word, space, keep_leading) = (Word::default(), (end, end), true);
            }
            Class::Space(_) | Class::Tab if !glued => {
                if !word.is_empty() {
                    out.place_word(space, word, keep_leading);
                    (word, space, keep_leading) = (Word::default(), (start, start), false);
                }
                space.1 = end;
            }
            Class::Wide(w) if !glued => {
                // Wide characters (CJK, emoji) may break on either side without a space.
                if !word.is_empty() {
                    out.place_word(space, word, keep_leading);
                    (space, keep_leading) = ((start, start), false);
                }
                out.place_word(
                    space,
                    Word {
                        start,
                        end,
                        width: w,
                        tab: false,
                    },
                    keep_leading,
                );
                (word, space, keep_leading) = (Word::default(), (end, end), false);
            }
            class => {
                if word.is_empty() {
                    word = Word::at(start);
                }
                word.end = end;
                // A tab's width depends on where it lands; in a word its widest counts, so
                // a word that "fits" always does.
                word.width += match class {
                    Class::Tab => TAB_WIDTH,
                    Class::Space(w) | Class::Wide(w) | Class::Char(w) => w,
                    Class::Break => 0,
                };
                word.tab |= class == Class::Tab;
            }
        }
        start = end;
    }
    out.place_word(space, word, keep_leading);
}

/// A paragraph still being written, wrapped at whitespace with no prefixes: its lines,
/// and how many of them are final with where in `text` the rest starts — appending text
/// after a space can only change the lines from there on (greedy wrapping never takes
/// back a break), so `wrap(text ++ more)` is those final lines followed by
/// `wrap(text[rest..] ++ more)`. `None` when the last line continues a word cut at the
/// line before (a word wider than the line), which only re-wrapping from further back
/// could place.
pub fn wrap_open(text: &StyledText, width: u16) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
    if width == 0 {
        return (Vec::new(), None);
    }
    let mut out = Builder::new(text, usize::from(width), &[], &[]);
    if text.is_empty() {
        return (out.finish(), Some((0, 0))); // one empty line, still open
    }
    place_words(text, &mut out, usize::from(width));
    let open = out.line_start;
    let has_open_line = out.has_content;
    let lines = out.finish();
    let done = lines.len().saturating_sub(usize::from(has_open_line));
    let open = open.map(|at| (done, at));
    (lines, open)
}

/// `n` spaces as an unstyled span, borrowed from a static string when short (indents are
/// cloned onto every line, so they should not allocate).
pub fn spaces(n: usize) -> Span<'static> {
    const SPACES: &str = "                                                                ";
    match SPACES.get(..n) {
        Some(s) => Span::raw(s),
        None => Span::raw(" ".repeat(n)),
    }
}

/// Width of a run of spans.
pub fn spans_width(spans: &[Span<'_>]) -> usize {
    spans.iter().map(|s| display_width(&s.content)).sum()
}

/// Cuts `spans` to at most `width` columns (for lines built whole: rules, table borders).
pub fn truncate(spans: Vec<Span<'static>>, width: usize) -> Vec<Span<'static>> {
    if spans_width(&spans) <= width {
        return spans;
    }
    let mut out = Vec::with_capacity(spans.len());
    let mut used = 0;
    for span in spans {
        let mut kept = String::new();
        for (_, g) in graphemes(&span.content) {
            let w = grapheme_width(g);
            if used + w > width {
                break;
            }
            used += w;
            kept.push_str(g);
        }
        if !kept.is_empty() {
            out.push(Span::styled(kept, span.style));
        }
    }
    out
}

/// A line holding only `prefix`, its trailing whitespace trimmed: the blank line between
/// blocks inside a quote ("▎") or a list item (empty).
pub fn prefix_line(prefix: &[Span<'static>], width: usize) -> Line<'static> {
    let mut spans = truncate(prefix.to_vec(), width);
    trim_end(&mut spans);
    Line::from(spans)
}

fn trim_end(spans: &mut Vec<Span<'static>>) {
    while let Some(last) = spans.last_mut() {
        let kept = last.content.trim_end().len();
        if kept == 0 {
            spans.pop();
        } else {
            if kept < last.content.len() {
                let trimmed = last.content.trim_end().to_string();
                last.content = trimmed.into();
            }
            break;
        }
    }
}

/// Whether a line shows nothing but whitespace.
pub fn is_blank(line: &Line<'_>) -> bool {
    line.spans.iter().all(|s| s.content.trim().is_empty())
}

/// Cuts a label to `width` display cells, marking the cut.
pub fn ellipsize(text: &str, width: usize) -> String {
    use unicode_width::UnicodeWidthChar;
    let total: usize = text.chars().map(|c| c.width().unwrap_or(0)).sum();
    if total <= width {
        return text.to_owned();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if used + w + 1 > width {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests;

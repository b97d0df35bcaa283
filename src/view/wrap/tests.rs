//! Tests of the wrapper: examples for each rule, then properties over arbitrary text.
use super::*;
use proptest::prelude::*;
use ratatui::style::{Modifier, Style};
use unicode_segmentation::UnicodeSegmentation;

fn plain(lines: &[Line<'_>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
        .collect()
}

fn words(s: &str, width: u16) -> Vec<String> {
    plain(&wrap_spans(&[Span::raw(s.to_string())], width, vec![], vec![]))
}

#[test]
fn wraps_at_whitespace_and_drops_it_at_the_break() {
    assert_eq!(words("the quick brown fox", 10), ["the quick", "brown fox"]);
    assert_eq!(words("a  b", 10), ["a  b"]);
    assert_eq!(words("abc def", 3), ["abc", "def"]);
}

#[test]
fn long_words_break_by_grapheme() {
    assert_eq!(words("abcdefghij xy", 4), ["abcd", "efgh", "ij", "xy"]);
}

#[test]
fn wide_characters_never_split_or_overflow() {
    assert_eq!(words("日本語のテキスト", 5), ["日本", "語の", "テキ", "スト"]);
    // A wide character may break without a space, so a CJK run fills the line.
    assert_eq!(words("ab 日本語", 6), ["ab 日", "本語"]);
    // Wider than the whole line: a one-column stand-in, not an overflow.
    assert_eq!(words("日", 1), ["…"]);
}

#[test]
fn zwj_sequences_stay_whole() {
    let family = "\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}";
    let lines = words(&format!("{family}{family}{family}"), 4);
    assert_eq!(lines, [format!("{family}{family}"), family.to_string()]);
}

#[test]
fn prefixes_apply_to_first_and_rest() {
    let lines = wrap_spans(
        &[Span::raw("one two three")],
        9,
        vec![Span::raw("• ")],
        vec![Span::raw("  ")],
    );
    assert_eq!(plain(&lines), ["• one two", "  three"]);
}

#[test]
fn prefix_wider_than_line_is_cut_but_content_progresses() {
    let lines = wrap_spans(
        &[Span::raw("abc")],
        2,
        vec![Span::raw("▎ ▎ ")],
        vec![Span::raw("▎ ▎ ")],
    );
    assert_eq!(plain(&lines), ["▎a", "▎b", "▎c"]);
}

#[test]
fn width_zero_yields_nothing_and_empty_text_yields_the_prefix() {
    assert!(wrap_spans(&[Span::raw("abc")], 0, vec![], vec![]).is_empty());
    assert_eq!(plain(&wrap_spans(&[], 5, vec![Span::raw("• ")], vec![])), ["•"]);
}

#[test]
fn tabs_expand_and_controls_are_replaced() {
    let mut t = StyledText::new();
    t.push("a\tb\u{7}c\u{1b}", Style::new());
    let lines = wrap(&t, 20, WrapMode::Anywhere, &[], &[]);
    assert_eq!(plain(&lines), ["a   b\u{FFFD}c\u{FFFD}"]);
}

#[test]
fn hard_breaks_and_anywhere_mode_keep_indentation() {
    let mut t = StyledText::new();
    t.push("    let x = 1;", Style::new());
    assert_eq!(
        plain(&wrap(&t, 8, WrapMode::Anywhere, &[], &[])),
        ["    let ", "x = 1;"]
    );
    let mut t = StyledText::new();
    t.push("a", Style::new());
    t.push_break();
    t.push("b", Style::new());
    assert_eq!(plain(&wrap(&t, 8, WrapMode::Words, &[], &[])), ["a", "b"]);
}

#[test]
fn glued_runs_stay_together_when_they_fit() {
    let mut t = StyledText::new();
    t.push("call ", Style::new());
    t.push_glued("foo bar", Style::new().add_modifier(Modifier::BOLD));
    t.push(" now", Style::new());
    assert_eq!(
        plain(&wrap(&t, 10, WrapMode::Words, &[], &[])),
        ["call", "foo bar", "now"]
    );
}

#[test]
fn a_wide_first_prefix_may_stand_alone() {
    let lines = wrap_spans(
        &[Span::raw("Engineer")],
        10,
        vec![Span::raw("Role: ")],
        vec![Span::raw("  ")],
    );
    assert_eq!(plain(&lines), ["Role:", "  Engineer"]);
}

#[test]
fn adjacent_same_style_text_merges_into_one_span() {
    let lines = wrap_spans(&[Span::raw("ab"), Span::raw("cd")], 10, vec![], vec![]);
    assert_eq!(lines, [Line::from(vec![Span::raw("abcd")])]);
}

#[test]
fn truncate_cuts_by_display_width() {
    let cut = truncate(vec![Span::raw("ab"), Span::raw("日本")], 3);
    assert_eq!(cut, [Span::raw("ab")]);
}

fn arb_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        "[a-z]{1,12}",
        Just(" ".to_string()),
        Just("\t".to_string()),
        "[日本語テキスト한국어]{1,6}",
        Just("\u{1F468}\u{200D}\u{1F469}\u{200D}\u{1F467}".to_string()),
        Just("e\u{301}".to_string()),
        Just("\u{301}".to_string()),
        Just("\u{7}\u{1b}\r\n".to_string()),
        any::<String>(),
    ];
    proptest::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn every_line_fits_and_nothing_is_lost(
        text in arb_text(),
        width in 0u16..40,
        prefix in "[ •▎>]{0,6}",
        anywhere in any::<bool>(),
    ) {
        let mut t = StyledText::new();
        t.push(&text, Style::new());
        let mode = if anywhere { WrapMode::Anywhere } else { WrapMode::Words };
        let pre = vec![Span::raw(prefix.clone())];
        let lines = wrap(&t, width, mode, &pre, &pre);
        if width == 0 {
            prop_assert!(lines.is_empty());
        } else {
            prop_assert!(!lines.is_empty());
        }
        let mut content = String::new();
        for line in &lines {
            prop_assert!(line_width(line) <= usize::from(width), "{:?} wider than {}", line, width);
            prop_assert!(line.width() <= usize::from(width));
            for span in &line.spans {
                prop_assert!(!span.content.chars().any(char::is_control), "{:?}", span);
                content.push_str(&span.content);
            }
        }
        // Nothing but whitespace (and the prefix, and too-wide stand-ins) is lost or
        // changed.
        let strip = |s: &str| -> String {
            s.chars().filter(|c| !c.is_whitespace() && !"•▎>…".contains(*c)).collect()
        };
        let reference: usize = t.as_str().graphemes(true).map(grapheme_width).sum();
        prop_assert_eq!(display_width(t.as_str()), reference);
        let widest = t.as_str().graphemes(true).map(grapheme_width).max().unwrap_or(0);
        if usize::from(width) >= widest.max(1) {
            prop_assert_eq!(strip(&content), strip(t.as_str()));
        }
    }
}

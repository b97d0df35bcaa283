use proptest::prelude::*;

use super::*;
use crate::view::markdown::render;

/// Feeds `text` to a fresh `OpenParagraph` in pieces ending at `ends`, checking after
/// each piece that the final lines so far plus the open ones are what a whole render
/// of the text so far gives; a `None` starts over, as the view's cache does.
fn check_stream(text: &str, ends: &[usize], width: u16) -> Result<(), TestCaseError> {
    let theme = Theme::default_dark();
    let mut open = OpenParagraph::default();
    let mut done: Vec<Line<'static>> = Vec::new();
    for &end in ends {
        let Some(so_far) = text.get(..end) else { continue };
        match open.grow(so_far, width, &theme) {
            Some(grown) => {
                done.extend(grown.done);
                let shown: Vec<Line<'static>> = done.iter().cloned().chain(grown.open).collect();
                if !open.approximate() {
                    prop_assert_eq!(&shown, &render(so_far, width, &theme), "{:?}", so_far);
                }
            }
            None => {
                open = OpenParagraph::default();
                done.clear();
            }
        }
    }
    Ok(())
}

/// Paragraph-shaped text: words and single spaces mostly, with the inline and block
/// syntax that can change a paragraph's meaning once more text comes.
fn paragraphish() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        40 => "[a-z]{1,9}",
        10 => Just(" ".to_string()),
        3 => Just("\n".to_string()),
        1 => Just("  \n".to_string()),
        1 => Just("\\\n".to_string()),
        1 => Just("*".to_string()),
        1 => Just("**".to_string()),
        1 => Just("_".to_string()),
        1 => Just("~".to_string()),
        1 => Just(" ~30% ".to_string()),
        1 => Just("`".to_string()),
        1 => Just("[".to_string()),
        1 => Just("]".to_string()),
        1 => Just("](".to_string()),
        1 => Just(")".to_string()),
        1 => Just("<b>".to_string()),
        1 => Just("<".to_string()),
        1 => Just(" | ".to_string()),
        1 => Just("\n|---|---|\n".to_string()),
        1 => Just("\n===\n".to_string()),
        1 => Just("\n---\n".to_string()),
        1 => Just("\n- item ".to_string()),
        1 => Just("\n1. one ".to_string()),
        1 => Just("\n# head ".to_string()),
        1 => Just("\n> quote ".to_string()),
        1 => Just("\n```\n".to_string()),
        1 => Just("&amp;".to_string()),
        1 => Just("\\*".to_string()),
        1 => Just("snake_case".to_string()),
        1 => Just("中文字".to_string()),
        1 => Just("\t".to_string()),
        1 => Just("supercalifragilisticexpialidocious".to_string()),
        1 => Just("\n\n".to_string()),
    ];
    proptest::collection::vec(token, 0..400).prop_map(|t| t.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn streamed_pieces_lay_out_as_the_whole(
        text in paragraphish(),
        cuts in proptest::collection::vec(any::<prop::sample::Index>(), 1..40),
        width in prop_oneof![1u16..12, 12u16..120],
    ) {
        let mut ends: Vec<usize> = cuts
            .iter()
            .map(|i| i.index(text.len() + 1))
            .filter(|&i| text.is_char_boundary(i))
            .collect();
        ends.push(text.len());
        ends.sort_unstable();
        check_stream(&text, &ends, width)?;
    }

    #[test]
    fn word_by_word_lays_out_as_the_whole(text in paragraphish(), width in 8u16..100) {
        let ends: Vec<usize> = text
            .char_indices()
            .filter(|(_, c)| *c == ' ')
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect();
        check_stream(&text, &ends, width)?;
    }
}

/// A long paragraph of plain prose, a word at a time.
fn prose(words: usize) -> String {
    const WORDS: [&str; 8] = [
        "margin",
        "price",
        "the",
        "customers",
        "value",
        "risk",
        "plan",
        "growth",
    ];
    (0..words)
        .map(|i| {
            let w = WORDS.get(i % WORDS.len()).copied().unwrap_or("x");
            if i % 17 == 16 {
                format!("{w}.\n")
            } else {
                format!("{w} ")
            }
        })
        .collect()
}

/// Lines laid out by the last `n` updates of streaming `text` word by word.
fn lines_per_update(text: &str, width: u16) -> Vec<usize> {
    let theme = Theme::default_dark();
    let mut open = OpenParagraph::default();
    text.char_indices()
        .filter(|(_, c)| *c == ' ')
        .map(|(i, _)| {
            let grown = open.grow(text.get(..i).unwrap_or_default(), width, &theme);
            grown.map_or(usize::MAX, |g| g.done.len() + g.open.len())
        })
        .collect()
}

#[test]
fn work_per_update_does_not_grow_with_the_paragraph() {
    // A whole render per update would lay out ~250 lines by the end of 3,000 words and
    // ~830 by the end of 10,000; a piece is the last line and the words after the cut.
    for (pattern, bound) in [("risk", 8), ("risk ~30%", 20)] {
        let short = prose(3_000).replace("risk", pattern);
        let long = prose(10_000).replace("risk", pattern);
        let most = |text: &str| lines_per_update(text, 80).into_iter().max().unwrap_or(usize::MAX);
        let (short, long) = (most(&short), most(&long));
        assert!(short <= bound, "{pattern:?}: an update laid out {short} lines");
        assert_eq!(
            short, long,
            "{pattern:?}: the most lines of one update, 3,000 vs 10,000 words"
        );
    }
}

#[test]
fn a_never_closed_delimiter_makes_the_layout_approximate_and_only_then() {
    let theme = Theme::default_dark();
    let mut plain = OpenParagraph::default();
    assert!(plain.grow(&prose(1_000), 80, &theme).is_some());
    assert!(!plain.approximate());
    let mut tilde = OpenParagraph::default();
    let text = format!("about ~30% {}", prose(1_000));
    for (i, _) in text.char_indices().filter(|(_, c)| *c == ' ') {
        let _ = tilde.grow(text.get(..i).unwrap_or_default(), 80, &theme);
    }
    assert!(tilde.approximate());
}

#[test]
fn text_that_stops_being_a_paragraph_is_handed_back() {
    let theme = Theme::default_dark();
    let mut open = OpenParagraph::default();
    let para = prose(200);
    assert!(open.grow(&para, 80, &theme).is_some());
    assert_eq!(
        open.grow(&format!("{para}\n==="), 80, &theme),
        None,
        "a setext heading"
    );
    let mut open = OpenParagraph::default();
    assert!(open.grow(&para, 80, &theme).is_some());
    assert_eq!(open.grow(&format!("{para}\n- a list"), 80, &theme), None);
    assert_eq!(OpenParagraph::default().grow("- a list", 80, &theme), None);
}

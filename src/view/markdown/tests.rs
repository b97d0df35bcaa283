//! Tests of the markdown renderer: snapshots of a representative answer at three
//! widths, examples of each construct, and properties — no panic, no overflow, no
//! control characters, and the stable-prefix contract the conversation cache relies on.
#![allow(clippy::indexing_slicing)] // Tests index freely: a panic is a failure report.
use super::*;
use crate::view::wrap::line_width;
use proptest::prelude::*;
use ratatui::style::Modifier;
use ratatui::text::Span;

const ANSWER: &str = "# Release notes

This release makes *streaming* **much faster** and adds `--resume`, a flag that continues \
the last conversation. See [the docs](https://example.com/docs) or <https://example.com>.

## What changed

- Rendering is incremental:
  - only the tail re-lays-out
  - widths are cached per message
- Tables ~~break~~ wrap gracefully
- [x] task lists work

1. Install the update
2. Run `mavera-tui --resume` and wait for the first answer to stream in

Then count on:

9. nine
10. ten

```rust
fn main() {
\tprintln!(\"a very long line that will need to be hard wrapped at narrow widths\");
}
```

| Persona | Reach | Notes |
|:--------|------:|:-----:|
| Students | 1,200 | prefer short answers |
| Retirees | 950 | read *everything* |

> Quotes can hold *emphasis*
>
> > and nest.

---

中文文本测试：宽字符不会被拆开。Emoji 👨‍👩‍👧 and ✨ sparkle.
";

fn plain(lines: &[Line<'_>]) -> String {
    let text: Vec<String> = lines
        .iter()
        .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect::<String>())
        .collect();
    text.join("\n")
}

fn dark(text: &str, width: u16) -> Vec<Line<'static>> {
    render(text, width, &Theme::default_dark())
}

fn snapshot(name: &str, width: u16) {
    let body = plain(&dark(ANSWER, width));
    insta::with_settings!({ snapshot_path => "../snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(name, body);
    });
}

#[test]
fn snapshot_answer_80() {
    snapshot("markdown_answer_80", 80);
}

#[test]
fn snapshot_answer_40() {
    snapshot("markdown_answer_40", 40);
}

#[test]
fn snapshot_answer_20() {
    snapshot("markdown_answer_20", 20);
}

#[test]
fn answer_fits_every_width() {
    for width in 0..=120 {
        for line in dark(ANSWER, width) {
            assert!(line_width(&line) <= usize::from(width), "width {width}: {line:?}");
        }
    }
}

#[test]
fn styles_follow_roles() {
    let theme = Theme::default_dark();
    let lines = dark("# Title\n\n**b** *i* `c` [l](u)", 40);
    let spans: Vec<&Span<'_>> = lines.iter().flat_map(|l| &l.spans).collect();
    let find = |text: &str| spans.iter().find(|s| s.content.trim() == text).map(|s| s.style);
    assert_eq!(find("Title"), Some(theme.text.patch(theme.heading1)));
    assert_eq!(find("b"), Some(theme.text.patch(theme.strong)));
    assert_eq!(find("i"), Some(theme.text.patch(theme.emphasis)));
    assert_eq!(find("c"), Some(theme.text.patch(theme.code_inline)));
    assert_eq!(find("l"), Some(theme.text.patch(theme.link)));
    assert_eq!(find("(u)"), Some(theme.muted));
}

#[test]
fn no_color_keeps_backticks_and_uses_no_colours() {
    let lines = render("use `x` now", 40, &Theme::no_color());
    assert_eq!(plain(&lines), "use `x` now");
    let strong = render("**b**", 40, &Theme::no_color());
    assert!(strong
        .iter()
        .flat_map(|l| &l.spans)
        .all(|s| s.style.fg.is_none() && s.style.bg.is_none()));
    assert!(strong
        .iter()
        .flat_map(|l| &l.spans)
        .any(|s| s.style.add_modifier.contains(Modifier::BOLD)));
}

#[test]
fn blocks_are_one_blank_line_apart_with_no_blank_edges() {
    assert_eq!(plain(&dark("\n\n  a\n\n\n\nb\n\n\n", 20)), "a\n\nb");
    assert!(dark("   \n\n", 20).is_empty());
    assert!(dark("anything", 0).is_empty());
}

#[test]
fn lists_align_continuations_and_right_align_numbers() {
    let text = "- one two three four\n  - nested\n\n8. a\n9. b\n10. c";
    assert_eq!(
        plain(&dark(text, 12)),
        "• one two\n  three four\n  ◦ nested\n\n 8. a\n 9. b\n10. c"
    );
}

#[test]
fn loose_lists_keep_their_blank_lines() {
    assert_eq!(plain(&dark("- a\n\n- b\n\n  more", 20)), "• a\n\n• b\n\n  more");
}

#[test]
fn quotes_nest_and_keep_the_bar_on_blank_lines() {
    assert_eq!(plain(&dark("> a\n>\n> > b", 20)), "▎ a\n▎\n▎ ▎ b");
}

#[test]
fn code_blocks_are_set_apart_hard_wrapped_and_indented() {
    let text = "```py\ndef f():\n    return 12345678\n\n```";
    assert_eq!(
        plain(&dark(text, 14)),
        "┌ py\n│ def f():\n│     return 1\n│ 2345678\n│"
    );
    assert_eq!(plain(&dark("    x = 1", 20)), "│ x = 1");
}

#[test]
fn unterminated_fence_renders_as_code_so_far() {
    assert_eq!(plain(&dark("text\n\n```sh\nls -l", 20)), "text\n\n┌ sh\n│ ls -l");
}

#[test]
fn rules_links_images_and_html() {
    assert_eq!(plain(&dark("---", 5)), "─────");
    assert_eq!(plain(&dark("[a](a) [b](http://x)", 40)), "a b (http://x)");
    assert_eq!(
        plain(&dark("![a cat](c.png) ![](d.png)", 40)),
        "[image: a cat] [image]"
    );
    assert_eq!(
        plain(&dark("<div>\n  <b>hi</b>\n</div>", 40)),
        "<div>\n  <b>hi</b>\n</div>"
    );
    assert_eq!(plain(&dark("a  \nb\nc", 40)), "a\nb c");
}

#[test]
fn headings_keep_level_marks_and_align_wraps() {
    assert_eq!(plain(&dark("## a long heading", 10)), "## a long\n   heading");
}

#[test]
fn narrow_tables_fall_back_to_header_value_lines() {
    let text = "| Name | Role |\n|---|---|\n| Ada | Engineer |\n| Bob | Writer |";
    assert_eq!(
        plain(&dark(text, 12)),
        "Name: Ada\nRole:\n  Engineer\n\nName: Bob\nRole: Writer"
    );
}

#[test]
fn reference_definitions_show_as_written() {
    assert_eq!(
        plain(&dark("see [x]\n\n[x]: http://u", 40)),
        "see [x]\n\n[x]: http://u"
    );
}

#[test]
fn control_characters_never_reach_a_span() {
    let lines = dark("a\u{7}b `c\u{1b}d`\n\n```\ne\u{0}f\tg\n```", 40);
    assert_eq!(plain(&lines), "a\u{FFFD}b c\u{FFFD}d\n\n│ e\u{FFFD}f g");
}

#[test]
fn a_long_answer_renders_quickly_enough_to_notice_regressions() {
    let para = "Lorem ipsum *dolor* sit amet, `consectetur` adipiscing elit, sed do eiusmod. ";
    let text: String = (0..2000)
        .map(|i| {
            if i % 10 == 9 {
                format!("{para}\n\n")
            } else {
                para.to_string()
            }
        })
        .collect();
    let start = std::time::Instant::now();
    let lines = dark(&text, 100);
    assert!(lines.len() > 1000);
    // Generous: the budget is milliseconds in release; this only catches O(n²) mistakes.
    assert!(
        start.elapsed() < std::time::Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
}

/// Markdown-shaped text: lines drawn from constructs whose interplay is tricky.
fn markdownish() -> impl Strategy<Value = String> {
    let line = prop_oneof![
        // Blank lines are where cuts go: draw them often.
        12 => Just(String::new()),
        1 => Just("   ".to_string()),
        1 => "[a-z]{1,8}( [a-z]{1,8}){0,6}",
        1 => Just("- item".to_string()),
        1 => Just("  - nested".to_string()),
        1 => Just("* star".to_string()),
        1 => Just("1. one".to_string()),
        1 => Just("2) two".to_string()),
        1 => Just("1".to_string()),
        1 => Just("-".to_string()),
        1 => Just("> quote".to_string()),
        1 => Just("> > deeper".to_string()),
        1 => Just(">".to_string()),
        1 => Just("```".to_string()),
        1 => Just("```rust".to_string()),
        1 => Just("~~~".to_string()),
        1 => Just("    indented code".to_string()),
        1 => Just("\tcode".to_string()),
        1 => Just("# Heading".to_string()),
        1 => Just("===".to_string()),
        1 => Just("---".to_string()),
        1 => Just("| a | b |".to_string()),
        1 => Just("|---|---|".to_string()),
        1 => Just("[a]: /url".to_string()),
        1 => Just("see [a] and [b]".to_string()),
        1 => Just("[b]: /v 'title".to_string()),
        1 => Just("'".to_string()),
        1 => Just("<div>".to_string()),
        1 => Just("<!-- comment".to_string()),
        1 => Just("-->".to_string()),
        1 => Just("*emph **strong** `code`*".to_string()),
        1 => Just("- [ ] task".to_string()),
        1 => Just("中文 👨‍👩‍👧 text".to_string()),
        1 => "[ -~]{0,12}",
    ];
    (proptest::collection::vec(line, 0..24), any::<bool>())
        .prop_map(|(lines, newline)| lines.join("\n") + if newline { "\n" } else { "" })
}

/// Markdown punctuation soup: finds interplay no hand-written line list thinks of.
fn soup() -> impl Strategy<Value = String> {
    "[-*>#`~ |\\[\\]:()!<1.a)\t_=\n]{0,60}"
}

fn joined(a: Vec<Line<'static>>, b: Vec<Line<'static>>) -> Vec<Line<'static>> {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b,
        (_, true) => a,
        _ => a.into_iter().chain([Line::default()]).chain(b).collect(),
    }
}

fn check_split(t: &str, k: usize, width: u16) -> Result<(), TestCaseError> {
    let (a, b) = (t.get(..k).unwrap_or(""), t.get(k..).unwrap_or(""));
    let theme = Theme::default_dark();
    let whole = render(t, width, &theme);
    prop_assert_eq!(
        plain(&whole),
        plain(&joined(render(a, width, &theme), render(b, width, &theme)))
    );
    prop_assert_eq!(
        whole,
        joined(render(a, width, &theme), render(b, width, &theme)),
        "{:?} | {:?}",
        a,
        b
    );
    Ok(())
}

proptest! {
    #[test]
    fn never_panics_overflows_or_leaks_controls(
        text in prop_oneof![any::<String>(), markdownish(), "[\\x00-\\x7f]{0,64}"],
        width in 0u16..200,
    ) {
        for line in dark(&text, width) {
            prop_assert!(line_width(&line) <= usize::from(width), "{:?}", line);
            for span in &line.spans {
                prop_assert!(!span.content.chars().any(char::is_control), "{:?}", span);
            }
        }
        let k = stable_prefix_len(&text);
        prop_assert!(text.is_char_boundary(k));
    }

    #[test]
    fn rendering_splits_at_the_stable_prefix(t in prop_oneof![markdownish(), soup()], width in prop_oneof![0u16..8, 8u16..200]) {
        let k = stable_prefix_len(&t);
        check_split(&t, k, width)?;
    }

    #[test]
    fn the_stable_prefix_only_grows_and_its_lines_never_change(
        t in prop_oneof![markdownish(), soup()],
        s in prop_oneof![markdownish(), soup()],
        width in 1u16..120,
    ) {
        let k = stable_prefix_len(&t);
        let longer = format!("{t}{s}");
        let k2 = stable_prefix_len(&longer);
        prop_assert!(k2 >= k, "{} < {} for {:?} + {:?}", k2, k, t, s);
        let theme = Theme::default_dark();
        let committed = render(&t[..k], width, &theme);
        let now = render(&longer, width, &theme);
        prop_assert!(now.starts_with(&committed), "{:?}", &longer[..k]);
        if !committed.is_empty() && now.len() > committed.len() {
            prop_assert_eq!(&now[committed.len()], &Line::default());
        }
        // Resuming from the earlier cut finds a valid cut too.
        check_split(&longer, stable_prefix_len_from(&longer, k), width)?;
    }

    #[test]
    fn any_streaming_split_converges_on_the_same_lines(t in markdownish(), cuts in proptest::collection::vec(any::<prop::sample::Index>(), 0..6)) {
        // Replays the conversation cache's strategy: commit at each stable cut, re-render
        // the tail; the final screen must equal a cold render.
        let theme = Theme::default_dark();
        let mut ends: Vec<usize> = cuts.iter().map(|i| i.index(t.len() + 1)).filter(|&i| t.is_char_boundary(i)).collect();
        ends.push(t.len());
        ends.sort_unstable();
        let (mut stable, mut committed) = (0, Vec::new());
        for end in ends {
            let grow = stable_prefix_len(&t[stable..end]);
            committed = joined(committed, render(&t[stable..stable + grow], 30, &theme));
            stable += grow;
        }
        let warm = joined(committed, render(&t[stable..], 30, &theme));
        prop_assert_eq!(warm, render(&t, 30, &theme));
    }
}

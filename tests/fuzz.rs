//! Fuzzing by property: the SSE parser + event decoder + answer assembly, the markdown
//! renderer and the sanitiser, on arbitrary and on mutated-valid input. `cargo fuzz`
//! needs a nightly toolchain, which this project does not assume; these proptests have
//! the same reach (arbitrary bytes, arbitrary splits, mutations of valid streams). In
//! `cargo test` they run a small number of cases; `bench/fuzz.sh` runs them for a
//! bounded time with many more (`FUZZ_CASES`).

use mavera_tui::api::events::decode;
use mavera_tui::api::sse::SseParser;
use mavera_tui::sanitize::Sanitizer;
use mavera_tui::view::markdown;
use mavera_tui::view::theme::Theme;
use proptest::prelude::*;

use crate::support::answer::{assemble, Folded};

fn cases() -> u32 {
    std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

/// Runs bytes through the whole decode path in the given chunks; must never panic.
fn decode_all(bytes: &[u8], cuts: &[usize]) -> Folded {
    let mut parser = SseParser::new(64 * 1024);
    let mut frames = Vec::new();
    let mut last = 0;
    let mut ok = true;
    for &cut in cuts.iter().chain(std::iter::once(&bytes.len())) {
        let cut = cut.clamp(last, bytes.len());
        if parser.push(&bytes[last..cut], &mut frames).is_err() {
            ok = false;
            break;
        }
        last = cut;
    }
    if ok {
        let _ = parser.finish(&mut frames);
    }
    assemble(frames.iter().filter_map(decode))
}

const VALID: &str = "event: response.created\r\ndata: {\"type\":\"response.created\",\"response\":{\"id\":\"r\"}}\r\n\r\n: keepalive\ndata: {\"type\":\"response.output_text.delta\",\"item_id\":\"m\",\"delta\":\"Hé 日本\"}\n\ndata: {\"type\":\"error\",\"code\":\"x\",\"message\":\"m\"}\n\ndata: {\"type\":\"response.completed\",\"response\":{\"status\":\"completed\",\"output\":null,\"usage\":{\"credits_used\":2}}}\n\ndata: [DONE]\n\n";

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_through_the_decoder(bytes in prop::collection::vec(any::<u8>(), 0..4096), cuts in prop::collection::vec(0usize..4096, 0..16)) {
        let mut cuts = cuts;
        cuts.sort_unstable();
        let _ = decode_all(&bytes, &cuts);
    }

    #[test]
    fn mutated_valid_streams_through_the_decoder(
        edits in prop::collection::vec((0usize..VALID.len(), any::<u8>(), 0u8..3), 0..24),
        cuts in prop::collection::vec(0usize..VALID.len(), 0..16),
    ) {
        let mut bytes = VALID.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let at = at.min(bytes.len());
            match op {
                0 => bytes.insert(at, byte),
                1 if at < bytes.len() => { bytes.remove(at); }
                _ if at < bytes.len() => bytes[at] = byte,
                _ => {}
            }
        }
        let mut cuts = cuts;
        cuts.sort_unstable();
        let _ = decode_all(&bytes, &cuts);
    }

    #[test]
    fn arbitrary_markdown_renders_within_the_width(text in "(?s).{0,600}", width in 0u16..160) {
        let lines = markdown::render(&text, width, &Theme::default_dark());
        for line in &lines {
            for span in &line.spans {
                prop_assert!(!span.content.chars().any(|c| c.is_control()), "control char in {:?}", span.content);
            }
        }
        let cut = markdown::stable_prefix_len(&text);
        prop_assert!(text.is_char_boundary(cut));
    }

    #[test]
    fn markdown_token_soup_never_panics(
        parts in prop::collection::vec(prop_oneof![
            Just("```"), Just("`"), Just("*"), Just("**"), Just("_"), Just("#"), Just("> "), Just("- "),
            Just("1. "), Just("|"), Just("|---|"), Just("\n"), Just("\n\n"), Just("    "), Just("["), Just("]("),
            Just(")"), Just("<b>"), Just("~~"), Just("日本"), Just("👩‍👩‍👧"), Just("e\u{301}"), Just("\t"), Just("word "),
        ], 0..80),
        width in 0u16..120,
    ) {
        let text: String = parts.concat();
        let _ = markdown::render(&text, width, &Theme::no_color());
    }

    #[test]
    fn sanitised_text_has_no_controls_however_it_is_split(text in "(?s).{0,300}", cuts in prop::collection::vec(0usize..300, 0..10)) {
        let mut s = Sanitizer::default();
        let mut out = String::new();
        let mut last = 0;
        let mut cuts: Vec<usize> = cuts.into_iter().filter(|c| text.is_char_boundary(*c) && *c <= text.len()).collect();
        cuts.sort_unstable();
        for cut in cuts.into_iter().chain([text.len()]) {
            if cut >= last {
                s.push(&text[last..cut], &mut out);
                last = cut;
            }
        }
        let unsafe_char = |c: char| (c.is_control() && c != '\n' && c != '\t') || ('\u{80}'..='\u{9f}').contains(&c);
        prop_assert!(!out.chars().any(unsafe_char), "control left in {:?}", out);
    }
}

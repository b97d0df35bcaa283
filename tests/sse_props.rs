//! Property tests of the streaming parser: any chunking of the same bytes yields the same
//! frames and the same answer; arbitrary bytes never panic.

use mavera_tui::api::events::decode;
use mavera_tui::api::sse::{parse_all, SseParser};
use proptest::prelude::*;

use crate::support::answer::assemble;

/// An event stream of text deltas with mixed line endings, comments and unknown events.
fn stream_bytes(deltas: &[String], ending: &str, comments: bool) -> Vec<u8> {
    let mut s = String::new();
    s.push_str(&format!("event: response.created{ending}data: {{\"type\":\"response.created\",\"response\":{{\"id\":\"r1\"}}}}{ending}{ending}"));
    for (i, d) in deltas.iter().enumerate() {
        if comments && i % 3 == 0 {
            s.push_str(&format!(": keepalive{ending}"));
            s.push_str(&format!(
                "data: {{\"type\":\"keepalive\",\"obfuscation\":\"x\"}}{ending}{ending}"
            ));
        }
        let json =
            serde_json::json!({"type": "response.output_text.delta", "sequence_number": i, "delta": d});
        s.push_str(&format!(
            "event: response.output_text.delta{ending}data: {json}{ending}{ending}"
        ));
    }
    s.push_str(&format!(
        "data: {{\"type\":\"response.completed\",\"response\":{{\"status\":\"completed\",\"output\":null,\"usage\":{{\"credits_used\":2}}}}}}{ending}{ending}data: [DONE]{ending}{ending}"
    ));
    s.into_bytes()
}

fn split_at_points(bytes: &[u8], mut points: Vec<usize>) -> Vec<&[u8]> {
    points.retain(|p| *p <= bytes.len());
    points.sort_unstable();
    points.dedup();
    let mut out = Vec::new();
    let mut last = 0;
    for p in points {
        out.push(&bytes[last..p]);
        last = p;
    }
    out.push(&bytes[last..]);
    out
}

fn delta_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z ,.!?]{0,12}",
        "[日本語🙂é\u{301}ñ]{1,4}",
        Just("\n\n".to_owned()),
        Just("line\r\nbreak".to_owned()),
        Just("`code` *em*".to_owned()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_chunking_yields_the_same_frames_and_answer(
        deltas in prop::collection::vec(delta_strategy(), 0..40),
        ending in prop_oneof![Just("\n"), Just("\r\n"), Just("\r")],
        comments in any::<bool>(),
        points in prop::collection::vec(0usize..4000, 0..60),
    ) {
        let bytes = stream_bytes(&deltas, ending, comments);
        let whole = parse_all(&bytes).expect("valid stream");
        let mut parser = SseParser::default();
        let mut chunked = Vec::new();
        for chunk in split_at_points(&bytes, points) {
            parser.push(chunk, &mut chunked).expect("valid chunk");
        }
        parser.finish(&mut chunked).expect("valid end");
        prop_assert_eq!(&chunked, &whole);

        let answer = assemble(chunked.iter().filter_map(decode));
        prop_assert_eq!(answer.text, deltas.concat());
        prop_assert_eq!(answer.endings.len(), 1);
        prop_assert_eq!(answer.endings[0].usage.as_ref().and_then(|u| u.credits_used), Some(2.0));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..2000), cut in 0usize..2000) {
        let mut parser = SseParser::new(512);
        let mut frames = Vec::new();
        let cut = cut.min(bytes.len());
        let (a, b) = bytes.split_at(cut);
        if parser.push(a, &mut frames).is_ok() && parser.push(b, &mut frames).is_ok() {
            let _ = parser.finish(&mut frames);
        }
        for f in &frames {
            let _ = decode(f);
        }
    }
}

//! The format round trip: written lines read back the same; a torn last line ignored;
//! what a recording says (exchanges, prompts, columns, credits); the speed flag.

use std::time::Duration;

use serde_json::json;

use super::*;

fn temp(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("mavera-rec-{}-{name}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    dir.join("session.jsonl")
}

fn body(persona: &str, prompt: &str) -> Value {
    json!({"model": "mavera-1", "persona_id": persona, "input": [
        {"role": "user", "content": "earlier"},
        {"role": "assistant", "content": "answer"},
        {"role": "user", "content": prompt},
    ], "stream": true})
}

/// A small session: a persona page, a usage report, a comparison of two, and a single
/// request that failed with 429.
fn write_session(path: &Path, secret: Option<&str>) -> Recorder {
    let rec = Recorder::create(path, secret.map(str::to_owned)).expect("created");
    rec.personas(json!({"data": [{"id": "p1", "name": "One"}, {"id": "p2", "name": "Two"}]}));
    rec.usage(json!({"credits": {"remaining": 90, "included": 100}}));
    rec.fan_out(vec!["p2".into(), "p1".into()]);
    for persona in ["p2", "p1"] {
        let x = rec.begin(body(persona, "Hello  there"));
        x.reply(200, None, None);
        x.event(Some("response.output_text.delta"), "{\"delta\":\"Hi\"}");
        x.event(
            None,
            "{\"type\":\"response.completed\",\"response\":{\"usage\":{\"credits_used\":2.5}}}",
        );
        x.end(None);
    }
    let x = rec.begin(body("p1", "Again\u{1b}[31m \u{9b} key mvra_live_secret"));
    x.reply(
        429,
        Some("3".into()),
        Some("{\"error\":{\"message\":\"slow down\"}}".into()),
    );
    rec.written(Duration::from_secs(5));
    rec
}

#[test]
fn a_written_session_reads_back_with_its_exchanges_prompts_columns_and_credits() {
    let path = temp("round");
    write_session(&path, None);
    let recording = read(&path).expect("read");
    assert!(matches!(
        &recording.lines[0],
        Line::Header { version: VERSION, .. }
    ));
    let exchanges = recording.exchanges();
    assert_eq!(exchanges.len(), 3);
    assert_eq!(exchanges[0].round, Some(1));
    assert_eq!(exchanges[0].persona_id(), Some("p2"));
    assert_eq!(exchanges[0].events.len(), 2);
    assert!(matches!(exchanges[0].end, Some((_, None))), "ended cleanly");
    assert_eq!(exchanges[0].credits_used(), Some(2.5));
    assert_eq!(exchanges[2].round, None);
    let reply = exchanges[2].reply.clone().expect("a reply");
    assert_eq!((reply.status, reply.retry_after.as_deref()), (429, Some("3")));
    assert_eq!(
        recording.first_columns(),
        Some(vec!["p2".to_owned(), "p1".to_owned()])
    );
    // One prompt per comparison round, one per single request.
    assert_eq!(recording.prompts().len(), 2);
    assert_eq!(recording.prompts()[0], "Hello  there");
    assert_eq!(recording.personas().len(), 2);
    assert_eq!(
        recording.first_usage(),
        Some(&json!({"credits": {"remaining": 90, "included": 100}}))
    );
}

#[test]
fn no_control_character_and_never_the_key_reach_the_file() {
    let path = temp("clean");
    write_session(&path, Some("mvra_live_secret"));
    let text = std::fs::read_to_string(&path).expect("file");
    assert!(!text.contains("mvra_live_secret"), "the key is scrubbed");
    assert!(text.contains("[redacted]"));
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "escape, CSI and the like are escaped"
    );
    // ... and still mean the same once read.
    let recording = read(&path).expect("read");
    let prompt = recording.exchanges()[2].prompt().expect("prompt");
    assert!(prompt.contains('\u{1b}') && prompt.contains('\u{9b}'));
}

#[test]
fn a_torn_last_line_is_ignored_and_a_torn_middle_is_an_error() {
    let path = temp("torn");
    write_session(&path, None);
    let text = std::fs::read_to_string(&path).expect("file");
    let whole = parse(&text).expect("whole").lines.len();
    let torn = &text[..text.len() - 10];
    assert_eq!(parse(torn).expect("torn").lines.len(), whole - 1);
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(2, "{\"kind\":\"usa");
    let err = parse(&lines.join("\n")).expect_err("a broken line inside");
    assert!(err.contains("line 3"), "{err}");
}

#[test]
fn what_is_not_a_recording_says_so() {
    assert!(parse("").is_err());
    assert!(parse("{\"kind\":\"usage\",\"at_ms\":0,\"report\":{}}\n")
        .expect_err("no header")
        .contains("not a mavera-tui recording"));
    let newer = format!(
        "{{\"kind\":\"header\",\"format\":\"{FORMAT}\",\"version\":99,\"app\":\"x\",\"started_unix\":0}}\n"
    );
    assert!(parse(&newer).expect_err("newer").contains("newer"));
    assert!(read(Path::new("/nonexistent/recording.jsonl"))
        .expect_err("missing")
        .contains("cannot read the recording"));
}

#[test]
fn prompts_are_matched_on_the_last_user_message_with_whitespace_normalised() {
    assert_eq!(prompt_of(&json!({"input": "plain"})).as_deref(), Some("plain"));
    let parts = json!({"input": [{"role": "user", "content": [
        {"type": "input_text", "text": "a"}, {"type": "input_image", "image_url": "x"},
        {"type": "input_text", "text": "b"}]}]});
    assert_eq!(prompt_of(&parts).as_deref(), Some("a\nb"));
    assert_eq!(normalise("  a \n\t b  "), "a b");
}

#[test]
fn speeds_are_whole_multiples_or_max() {
    assert_eq!("1".parse::<Speed>(), Ok(Speed::Real));
    assert_eq!("4".parse::<Speed>(), Ok(Speed::Times(4)));
    assert_eq!("MAX".parse::<Speed>(), Ok(Speed::Max));
    for bad in ["0", "-2", "1.5", "fast", ""] {
        assert!(bad.parse::<Speed>().is_err(), "{bad}");
    }
    assert_eq!(Speed::Times(4).scale(1000), Some(250));
    assert_eq!(Speed::Max.scale(1000), None);
}

#[test]
fn a_write_failure_is_reported_once_and_never_blocks() {
    // /dev/full accepts the open and fails every write.
    let Ok(rec) = Recorder::create(Path::new("/dev/full"), None) else {
        return;
    };
    let (tx, rx) = std::sync::mpsc::channel();
    rec.report_to(move |why| {
        let _ = tx.send(why);
    });
    for _ in 0..3 {
        rec.usage(json!({}));
    }
    rec.written(Duration::from_secs(5));
    let why = rx.recv_timeout(Duration::from_secs(5)).expect("reported");
    assert!(why.contains("recording to /dev/full stopped"), "{why}");
    assert!(rx.recv_timeout(Duration::from_millis(100)).is_err(), "once");
    assert!(rec.failure().is_some());
}

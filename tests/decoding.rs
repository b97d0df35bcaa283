//! Real servers, real mistakes (spec §8): fields that are `null`, missing or of a
//! neighbouring type; output items and content parts of kinds this client does not know;
//! refusals; text only in `content_part.done`; a final text that differs from the deltas.
//! Personas are checked through the wire types and the app's sidebar; answers come from
//! a server that replays recorded streams byte for byte, and each must read the same in
//! the app (the request task's `AnswerStream` feeding the reducer, then drawn) and in
//! `mavera-tui ask` (text and `--json`).

use std::collections::HashMap;

use mavera_tui::api::events::decode;
use mavera_tui::api::sse::SseParser;
use mavera_tui::api::wire::ResponseObject;
use mavera_tui::api::wire::{Persona, PersonaPage};
use mavera_tui::api::{AnswerPart, ApiKey, Client, ClientConfig, RetryPolicy, StreamEvent};
use mavera_tui::app::personas::Row;
use mavera_tui::app::state::Focus;
use mavera_tui::app::thread::{Message, MessageStatus};
use mavera_tui::app::{Effect, Event};
use mavera_tui::catalog::UNCATEGORISED;
use serde_json::{json, Value};

use crate::support::answer::assemble;
use crate::support::app::{load_id, App};
use crate::support::bin::{run, text};
use crate::support::recorded::{event, serve};
use crate::support::screen::draw;
use crate::support::sim::KEY;

/// A persona page as a loose server sends it: one persona per kind of mistake.
const PAGE: &str = r#"{"object":"list","data":[
  {"id":"cgenz","name":"Gen Z Consumer","category":"Generational","description":"Digital native",
   "is_custom":false,"is_expert":false,"created_at":1706140800},
  {"id":"ccustom","name":"My Custom One","category":null,"description":null,
   "is_custom":"true","is_expert":null,"created_at":"1706140800"},
  {"id":"cfloat","name":"Float Stamp","category":"Professional","description":"x",
   "created_at":1706140800.5,"is_expert":1},
  {"id":null,"name":"No id at all"},
  "not a persona",
  {"id":4242,"name":{"en":"Object name"},"category":"  "}
 ],"has_more":"false","next_cursor":null}"#;

#[test]
fn a_loose_persona_page_keeps_every_persona_it_can_read() {
    let page: PersonaPage = serde_json::from_str(PAGE).expect("the page decodes");
    let ids: Vec<&str> = page.data.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        ["cgenz", "ccustom", "cfloat", "4242"],
        "only the unreadable two are skipped"
    );
    let custom = &page.data[1];
    assert_eq!((custom.category.as_str(), custom.description.as_str()), ("", ""));
    assert!(custom.is_custom);
    assert_eq!(custom.created_at, Some(1_706_140_800));
    assert_eq!(page.data[2].created_at, Some(1_706_140_800));
    assert!(page.data[2].is_expert);
    assert_eq!(
        page.data[3].name, "",
        "an object where a name was expected is no name"
    );
    assert_eq!(page.has_more, Some(false));
}

fn loaded_with(personas: Vec<Persona>) -> App {
    let mut app = App::new();
    let fx = mavera_tui::app::start(&mut app.state, None).into_vec();
    let id = load_id(&fx);
    let _ = app.send(Event::PersonasLoaded {
        id,
        result: Ok(personas),
    });
    app
}

#[test]
fn personas_without_a_category_or_description_are_listed_under_a_visible_group() {
    let page: PersonaPage = serde_json::from_str(PAGE).expect("decodes");
    let mut app = loaded_with(page.data);
    let list = &app.state.personas;
    let headers: Vec<&str> = list
        .rows()
        .iter()
        .filter_map(|r| match r {
            Row::Category(i) => Some(list.category_name(*i)),
            Row::Persona(_) => None,
        })
        .collect();
    assert_eq!(
        headers,
        [UNCATEGORISED, "Generational", "Professional"],
        "the fallback group first"
    );
    app.state.focus = Focus::Sidebar;
    app.state.personas.move_to("ccustom");
    let screen = draw(&mut app, 100, 30);
    assert!(screen.contains(UNCATEGORISED), "{screen}");
    assert!(screen.contains("My Custom One"), "{screen}");
    assert!(
        screen.contains("4242"),
        "a persona without a name shows its id: {screen}"
    );
    assert!(screen.contains("(no description)"), "{screen}");
    assert!(!screen.contains("null"), "{screen}");
}

fn created() -> String {
    event(
        &json!({"type": "response.created", "response": {"id": "resp_1", "status": "in_progress"}})
            .to_string(),
    )
}

/// A terminal event with usage written loosely: counts as strings, credits as a float.
fn completed(output: Value) -> String {
    event(
        &json!({"type": "response.completed", "response": {
            "id": "resp_1", "status": "completed", "created_at": 1706345678.25, "output": output,
            "usage": {"input_tokens": "5", "output_tokens": 9.0, "total_tokens": "14", "credits_used": 2.0}}})
        .to_string(),
    )
}

fn delta(d: &str) -> String {
    event(
        &json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": "1",
                "content_index": null, "sequence_number": "7", "delta": d})
        .to_string(),
    )
}

const SEARCH: &str =
    r#"{"type":"web_search_call","id":"ws_1","status":"completed","action":{"query":"running shoes"}}"#;
const CITATION: &str = r#"{"type":"x_citation","url":"https://example.com/source","title":"A source"}"#;
const REFUSAL: &str = "I can't help with that.";

fn search() -> Value {
    serde_json::from_str(SEARCH).expect("json")
}

fn message(content: Value) -> Value {
    json!({"type": "message", "id": "msg_1", "role": "assistant", "status": null, "content": content})
}

fn recordings() -> HashMap<String, String> {
    let text_message = message(json!([
        {"type": "output_text", "text": "Hello there.", "annotations": null},
        serde_json::from_str::<Value>(CITATION).expect("json"),
        "a part that is not an object",
    ]));
    let refusal_message = message(json!([{"type": "refusal", "refusal": REFUSAL}]));
    let unknown = [
        created(),
        event(
            &json!({"type": "response.output_item.added", "output_index": "0", "item": search()}).to_string(),
        ),
        event(
            &json!({"type": "response.output_item.done", "output_index": 0.0, "item": search()}).to_string(),
        ),
        delta("Hello "),
        delta("there."),
        event(
            &json!({"type": "response.content_part.done", "item_id": "msg_1", "content_index": 1,
                      "part": serde_json::from_str::<Value>(CITATION).expect("json")})
            .to_string(),
        ),
        event(
            &json!({"type": "response.output_item.done", "output_index": 1, "item": text_message})
                .to_string(),
        ),
        completed(json!([search(), text_message, "junk item"])),
    ]
    .concat();
    let refusal_streamed = [
        created(),
        event(&json!({"type": "response.output_item.added", "item": message(json!([]))}).to_string()),
        event(
            &json!({"type": "response.refusal.delta", "item_id": "msg_1", "delta": "I can't \u{1b}[31mhelp"})
                .to_string(),
        ),
        event(
            &json!({"type": "response.refusal.delta", "item_id": "msg_1", "delta": " with that."})
                .to_string(),
        ),
        event(&json!({"type": "response.refusal.done", "item_id": "msg_1", "refusal": REFUSAL}).to_string()),
        event(
            &json!({"type": "response.content_part.done", "item_id": "msg_1", "content_index": 0,
                      "part": {"type": "refusal", "refusal": REFUSAL}})
            .to_string(),
        ),
        event(&json!({"type": "response.output_item.done", "item": refusal_message}).to_string()),
        completed(json!([refusal_message])),
    ]
    .concat();
    let corrected = [
        created(),
        delta("Helo wrld"),
        event(
            &json!({"type": "response.output_text.done", "item_id": "msg_1", "text": "Hello world"})
                .to_string(),
        ),
        completed(Value::Null),
    ]
    .concat();
    let part_only = [
        created(),
        event(
            &json!({"type": "response.content_part.done", "item_id": "msg_1", "output_index": "0",
                      "content_index": "0", "part": {"type": "output_text", "text": "From the part."}})
            .to_string(),
        ),
        completed(json!([])),
    ]
    .concat();
    [
        ("unknown_items", unknown),
        ("refusal_streamed", refusal_streamed),
        ("refusal_in_output_only", completed(json!([refusal_message]))),
        ("corrected", corrected),
        ("content_part_only", part_only),
    ]
    .into_iter()
    .map(|(name, body)| (name.to_owned(), body))
    .collect()
}

#[test]
fn each_recording_assembles_to_its_answer_however_its_bytes_are_split() {
    let expected = [
        ("unknown_items", "Hello there.", 2),
        ("refusal_streamed", "", 1),
        ("refusal_in_output_only", "", 1),
        ("corrected", "Hello world", 1),
        ("content_part_only", "From the part.", 0),
    ];
    let recordings = recordings();
    for (name, text, parts) in expected {
        let bytes = recordings[name].as_bytes();
        for chunk in [1, 7, bytes.len()] {
            let mut parser = SseParser::new(64 * 1024);
            let mut frames = Vec::new();
            for piece in bytes.chunks(chunk) {
                parser.push(piece, &mut frames).expect("frames");
            }
            parser.finish(&mut frames).expect("frames");
            let folded = assemble(frames.iter().filter_map(decode));
            assert_eq!(folded.final_text(), text, "{name} in pieces of {chunk}");
            assert_eq!(folded.parts.len(), parts, "{name}: {:?}", folded.parts);
            assert_eq!(folded.endings.len(), 1, "{name}");
        }
    }
}

/// Asks in the app through the request task's stream; returns the answer and the screen.
async fn in_the_app(client: &Client, prompt: &str) -> (Message, String) {
    let mut app = App::loaded();
    app.pick("cgenz");
    app.ask_over(client, RetryPolicy::default(), prompt, |_| {}).await;
    let message = app.last_message().clone();
    let screen = draw(&mut app, 140, 40);
    (message, screen)
}

fn kinds(message: &Message) -> Vec<&str> {
    message
        .parts
        .iter()
        .filter_map(|p| match p {
            AnswerPart::Other { kind, .. } => Some(kind.as_str()),
            _ => None,
        })
        .collect()
}

struct Setup {
    client: Client,
    env: Vec<(&'static str, String)>,
    home: tempfile::TempDir,
}

impl Setup {
    async fn ask(&self, args: &[&str]) -> (String, String) {
        let env: Vec<(&str, &str)> = self.env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let out = run(self.home.path(), args, &env).await;
        assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
        (text(&out.stdout), text(&out.stderr))
    }

    async fn ask_json(&self, prompt: &str) -> Value {
        let (stdout, _) = self.ask(&["ask", "--json", prompt]).await;
        let doc: Value = serde_json::from_str(&stdout).expect("json");
        doc["answers"][0].clone()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_items_refusals_and_corrections_show_in_the_app_and_in_ask() {
    let server = serve(recordings()).await;
    let url = url::Url::parse(&server.base_url()).expect("url");
    let setup = Setup {
        client: Client::new(ClientConfig::new(url, ApiKey::new(KEY))).expect("client"),
        env: vec![
            ("MAVERA_API_KEY", KEY.to_owned()),
            ("MAVERA_BASE_URL", server.base_url()),
        ],
        home: tempfile::tempdir().expect("home"),
    };

    // Unknown output items and content parts: kept once each, shown generically; the
    // loose usage still counts.
    let prompt = "recording:unknown_items";
    let (m, screen) = in_the_app(&setup.client, prompt).await;
    assert_eq!(
        (m.text.as_str(), &m.status),
        ("Hello there.", &MessageStatus::Done)
    );
    assert_eq!(kinds(&m), ["web_search_call", "x_citation"]);
    assert_eq!(m.usage.as_ref().and_then(|u| u.total_tokens), Some(14));
    assert!(
        screen.contains("[web_search_call] {") && screen.contains("running shoes"),
        "{screen}"
    );
    assert!(screen.contains("[x_citation] {"), "{screen}");
    assert!(screen.contains("14 tokens · 2 credits"), "{screen}");
    let (stdout, stderr) = setup.ask(&["ask", prompt]).await;
    // The search item finished before the text began: its line comes first.
    assert!(stdout.starts_with("[web_search_call] {"), "{stdout}");
    assert!(stdout.contains("\n\nHello there.\n\n"), "{stdout}");
    assert!(stdout.contains("[x_citation] {"), "{stdout}");
    assert!(stderr.contains("14 tokens · 2 credits"), "{stderr}");
    let doc = setup.ask_json(prompt).await;
    assert_eq!(doc["text"], "Hello there.");
    assert_eq!(doc["refused"], false);
    let items: Vec<&str> = doc["parts"]
        .as_array()
        .expect("parts")
        .iter()
        .filter_map(|p| p["kind"].as_str())
        .collect();
    assert_eq!(items, ["web_search_call", "x_citation"]);
    assert_eq!(doc["parts"][0]["item"]["action"]["query"], "running shoes");
    assert_eq!(doc["usage"]["total_tokens"], 14);

    // A refusal, streamed or only in the final output, is a refusal, not an empty answer.
    for name in ["refusal_streamed", "refusal_in_output_only"] {
        let prompt = format!("recording:{name}");
        let (m, screen) = in_the_app(&setup.client, &prompt).await;
        assert_eq!((m.text.as_str(), &m.status), ("", &MessageStatus::Done), "{name}");
        assert_eq!(m.parts, [AnswerPart::Refusal(REFUSAL.into())], "{name}: once");
        assert!(
            screen.contains(&format!("⚠ Refused: {REFUSAL}")),
            "{name}: {screen}"
        );
        let (stdout, _) = setup.ask(&["ask", &prompt]).await;
        assert_eq!(stdout.trim_end(), format!("⚠ Refused: {REFUSAL}"), "{name}");
        let doc = setup.ask_json(&prompt).await;
        assert_eq!(
            (doc["refused"].as_bool(), doc["refusal"].as_str()),
            (Some(true), Some(REFUSAL))
        );
        assert_eq!(doc["status"], "completed", "{name}");
        assert_eq!(doc["text"], "", "{name}");
    }

    // Deltas, then a final text that is not an extension of them: the final text wins.
    let (m, screen) = in_the_app(&setup.client, "recording:corrected").await;
    assert_eq!(m.text, "Hello world");
    assert!(
        screen.contains("Hello world") && !screen.contains("Helo wrld"),
        "{screen}"
    );
    assert!(screen.contains("corrected"), "the difference is said: {screen}");
    let (stdout, _) = setup.ask(&["ask", "recording:corrected"]).await;
    assert!(
        stdout.starts_with("Helo wrld\n\n[corrected]"),
        "what streamed stays printed: {stdout}"
    );
    assert!(stdout.trim_end().ends_with("Hello world"), "{stdout}");
    let doc = setup.ask_json("recording:corrected").await;
    assert_eq!(
        (doc["text"].as_str(), doc["corrected"].as_bool()),
        (Some("Hello world"), Some(true))
    );

    // Text that only a `content_part.done` carries.
    let (m, _) = in_the_app(&setup.client, "recording:content_part_only").await;
    assert_eq!(m.text, "From the part.");
    let doc = setup.ask_json("recording:content_part_only").await;
    assert_eq!(doc["text"], "From the part.");
}

#[test]
fn a_corrected_answer_is_saved_and_followed_up_with_the_final_text() {
    let mut app = App::loaded();
    app.pick("cgenz");
    let id = app.ask("hi");
    // What streamed ends inside an escape sequence: the correction must not be eaten by it.
    let _ = app.deltas(id, &["Helo ", "wrld \u{1b}]0;"]);
    let final_text = StreamEvent::TextDone {
        item_id: Some("msg_1".into()),
        content_index: Some(0),
        text: "Hello \u{1b}[2Jworld".into(),
    };
    let done = StreamEvent::Completed(ResponseObject {
        status: "completed".into(),
        ..ResponseObject::default()
    });
    let _ = app.wire(id, vec![final_text, done]);
    let (text, status) = app.last_answer();
    assert_eq!((text.as_str(), status), ("Hello world", MessageStatus::Done));
    let answer = app.last_message();
    assert!(answer.correction().is_some(), "the difference is still noted");
    assert_eq!(answer.text, "Hello world");

    // Ctrl+S saves what the request task hands the export writer.
    let fx = app.ctrl('s');
    let (threads, personas) = fx
        .into_iter()
        .find_map(|e| match e {
            Effect::SaveJson {
                threads, personas, ..
            } => Some((threads, personas)),
            _ => None,
        })
        .expect("an export");
    let saved = mavera_tui::export::from_threads(&threads, &personas);
    let texts: Vec<&str> = saved.threads[0]
        .messages
        .iter()
        .map(|m| m.text.as_str())
        .collect();
    assert_eq!(texts, ["hi", "Hello world"]);

    // A follow-up sends the final text as the history.
    let screen = draw(&mut app, 100, 30);
    assert!(
        screen.contains("Hello world") && !screen.contains("Helo wrld"),
        "{screen}"
    );
    assert!(screen.contains("corrected"), "{screen}");
    app.type_text("and?");
    let request = app
        .key(crossterm::event::KeyCode::Enter)
        .into_iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request),
            _ => None,
        })
        .expect("a follow-up");
    let sent = serde_json::to_string(&request.input).expect("json");
    assert!(sent.contains("Hello world") && !sent.contains("Helo"), "{sent}");
}

//! One assembly for the app and `ask`: the same recorded streams — the text in deltas
//! only, in done events only, only in a `content_part.done`, only in the completed
//! response, and mixed, with fields written loosely or not — give the same
//! answer in the app's state (the request task's `AnswerStream` feeding the reducer) and
//! on `mavera-tui ask`'s stdout, as text and as JSON. The server here is not the
//! simulator: it replays the recordings byte for byte.

use std::collections::HashMap;

use mavera_tui::api::{ApiKey, Client, ClientConfig, RetryPolicy};
use mavera_tui::app::thread::MessageStatus;
use serde_json::{json, Value};

use crate::support::app::App;
use crate::support::bin::{run, text};
use crate::support::recorded::{event, serve};
use crate::support::sim::KEY;

/// The raw text, with an escape sequence the client must remove…
const RAW: [&str; 3] = [
    "Hi there.",
    "\n\nSecond \u{1b}[31mpara",
    "graph\u{1b}[0m — really.",
];
/// …and what the user sees.
const SHOWN: &str = "Hi there.\n\nSecond paragraph — really.";

fn raw() -> String {
    RAW.concat()
}

fn created() -> String {
    event(
        &json!({"type": "response.created", "response": {"id": "resp_1", "status": "in_progress"}})
            .to_string(),
    )
}

fn delta(d: &str) -> String {
    event(
        &json!({"type": "response.output_text.delta", "item_id": "msg_1", "output_index": 0, "delta": d})
            .to_string(),
    )
}

fn message() -> Value {
    json!({"type": "message", "id": "msg_1", "role": "assistant",
           "content": [{"type": "output_text", "text": raw(), "annotations": []}]})
}

fn completed(output: Value) -> String {
    event(
        &json!({"type": "response.completed", "response": {
            "id": "resp_1", "status": "completed", "output": output,
            "usage": {"input_tokens": 5, "output_tokens": 9, "total_tokens": 14, "credits_used": 2}}})
        .to_string(),
    )
}

fn recordings() -> HashMap<String, String> {
    let text_done =
        event(&json!({"type": "response.output_text.done", "item_id": "msg_1", "text": raw()}).to_string());
    let item_done = event(
        &json!({"type": "response.output_item.done", "output_index": 0, "item": message()}).to_string(),
    );
    let part_done = event(
        &json!({"type": "response.content_part.done", "item_id": "msg_1", "output_index": "0",
                "content_index": 0.0, "part": {"type": "output_text", "text": raw(), "annotations": null}})
        .to_string(),
    );
    let deltas: String = RAW.iter().map(|d| delta(d)).collect();
    [
        (
            "deltas_only",
            format!("{}{deltas}{}", created(), completed(Value::Null)),
        ),
        (
            "done_events_only",
            format!("{}{text_done}{}", created(), completed(json!([]))),
        ),
        (
            "item_done_only",
            format!("{}{item_done}{}", created(), completed(Value::Null)),
        ),
        (
            "content_part_done_only",
            format!("{}{part_done}{}", created(), completed(Value::Null)),
        ),
        ("completed_output_only", completed(json!([message()]))),
        // Part of the text in deltas, the rest only in the summaries: each adds what is missing.
        (
            "mixed",
            format!(
                "{}{}{text_done}{item_done}{}",
                created(),
                delta(RAW[0]),
                completed(json!([message()]))
            ),
        ),
        // Deltas, then `[DONE]` without a terminal event.
        ("done_marker", format!("{}{deltas}data: [DONE]\n\n", created())),
    ]
    .into_iter()
    .map(|(name, body)| (name.to_owned(), body))
    .collect()
}

/// The answer as the app shows it: the reducer fed by the request task's stream.
async fn in_the_app(client: &Client, prompt: &str) -> String {
    let mut app = App::loaded();
    app.pick("cgenz");
    app.ask_over(client, RetryPolicy::default(), prompt, |_| {}).await;
    let (text, status) = app.last_answer();
    assert_eq!(status, MessageStatus::Done, "{prompt}");
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_and_ask_show_the_same_answer_from_every_kind_of_stream() {
    let recordings = recordings();
    let server = serve(recordings.clone()).await;
    let url = url::Url::parse(&server.base_url()).expect("url");
    let client = Client::new(ClientConfig::new(url, ApiKey::new(KEY))).expect("client");
    let home = tempfile::tempdir().expect("home");
    let base_url = server.base_url();
    let env = [("MAVERA_API_KEY", KEY), ("MAVERA_BASE_URL", base_url.as_str())];
    let mut names: Vec<&String> = recordings.keys().collect();
    names.sort();
    for name in names {
        let prompt = format!("recording:{name}");
        let app_text = in_the_app(&client, &prompt).await;
        assert_eq!(app_text, SHOWN, "{name}: the app");

        let out = run(home.path(), &["ask", &prompt], &env).await;
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout).trim_end_matches('\n'), app_text, "{name}: ask");

        let out = run(home.path(), &["ask", "--json", &prompt], &env).await;
        assert!(out.status.success(), "{name}: {}", text(&out.stderr));
        let doc: Value = serde_json::from_slice(&out.stdout).expect("json");
        assert_eq!(doc["answers"][0]["text"], app_text, "{name}: ask --json");
        assert_eq!(doc["answers"][0]["status"], "completed", "{name}");
    }
}

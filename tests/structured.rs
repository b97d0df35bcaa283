//! Structured output (a JSON Schema sent as `text.format`, the answer checked and shown
//! as JSON, the schema table side by side, `ask --schema` as text, JSON and CSV) and tool
//! calls (`[[tools]]` sent as function tools, a call shown as a card, its result typed
//! in the composer going back as `function_call_output`): the reducer, the screens, the
//! exact JSON the simulator received, and the binary.

use crossterm::event::KeyCode;
use mavera_tui::api::structured::{NamedSchema, Tool};
use mavera_tui::api::wire::Input;
use mavera_tui::api::{AnswerEvent, AnswerPart, AnswerStream, Ending, RetryPolicy};
use mavera_tui::app::structure::{check_of, pending_call, Structure};
use mavera_tui::app::{Effect, Event, RequestId};
use mavera_tui::sim::SimHandle;
use serde_json::{json, Value};

use crate::support::app::{ask_all, panel, App};
use crate::support::screen::draw;
use crate::support::sim::{client_for, fast, start};

pub(crate) fn reaction() -> NamedSchema {
    NamedSchema::new(
        "reaction",
        json!({
            "type": "object",
            "properties": {
                "verdict": {"type": "string", "enum": ["love", "meh", "hate"]},
                "score": {"type": "integer", "minimum": 1, "maximum": 10},
                "reason": {"type": "string"}
            },
            "required": ["verdict", "score", "reason"],
            "additionalProperties": false
        }),
    )
}

pub(crate) fn lookup() -> Tool {
    Tool {
        name: "lookup_price".into(),
        description: "The current price of a product".into(),
        parameters: json!({"type": "object", "properties": {"product": {"type": "string"}}, "required": ["product"]}),
    }
}

/// A loaded app with the CFO picked, knowing `schemas` and `tools`.
pub(crate) fn app_with(schemas: Vec<NamedSchema>, tools: Vec<Tool>) -> App {
    let mut app = App::loaded();
    app.state.structure = Structure::new(schemas, tools);
    app.pick("ccfo");
    app
}

fn started(fx: &[Effect]) -> (RequestId, mavera_tui::api::wire::ResponseRequest) {
    fx.iter()
        .find_map(|e| match e {
            Effect::StartStream { id, request } => Some((*id, request.clone())),
            _ => None,
        })
        .expect("a request starts")
}

fn answer_json(app: &mut App, id: RequestId, text: &str) {
    let _ = app.deltas(id, &[text]);
    let _ = app.complete(id, Some(1.0));
}

#[test]
fn ctrl_t_cycles_the_configured_schemas_then_asks_for_a_file() {
    let brief = NamedSchema::new("brief", json!({"type": "object"}));
    let mut app = app_with(vec![reaction(), brief], vec![]);
    app.type_text("draft");
    let _ = app.ctrl('t');
    assert_eq!(
        app.state.structure.schema().map(|s| s.name.as_str()),
        Some("reaction")
    );
    let _ = app.ctrl('t');
    assert_eq!(
        app.state.structure.schema().map(|s| s.name.as_str()),
        Some("brief")
    );
    let _ = app.ctrl('t');
    assert_eq!(app.state.structure.schema(), None);
    assert_eq!(app.state.structure.asking_path.as_deref(), Some("draft"));
    assert_eq!(app.state.composer_text(), "");
    app.type_text("~/schemas/pitch.json");
    let fx = app.key(KeyCode::Enter);
    assert!(fx.contains(&Effect::LoadSchema {
        path: "~/schemas/pitch.json".into()
    }));
    assert_eq!(app.state.composer_text(), "draft", "the draft comes back");
    assert_eq!(app.state.structure.asking_path, None);
    let pitch = NamedSchema::new("pitch", json!({"type": "object"}));
    let _ = app.send(Event::SchemaLoaded(Ok(pitch.clone())));
    assert_eq!(app.state.structure.schema(), Some(&pitch));
    let _ = app.send(Event::SchemaLoaded(Err("cannot read schema x: gone".into())));
    let notice = app.state.notice.clone().expect("a notice");
    assert_eq!(notice.text, "cannot read schema x: gone");
    // Esc in the prompt gives the draft back and loads nothing (past the last schema,
    // pitch, Ctrl+T asks for a file again).
    let _ = app.ctrl('t');
    assert!(app.state.structure.asking_path.is_some());
    app.type_text("nope");
    let fx = app.key(KeyCode::Esc);
    assert!(!fx.iter().any(|e| matches!(e, Effect::LoadSchema { .. })));
    assert_eq!(app.state.composer_text(), "draft");
}

#[test]
fn the_schema_rides_in_text_format_and_the_answer_is_checked_when_it_ends() {
    let mut app = app_with(vec![reaction()], vec![]);
    let _ = app.ctrl('t');
    app.type_text("Is a shoe subscription cool?");
    let (id, request) = started(&app.key(KeyCode::Enter));
    assert_eq!(
        serde_json::to_value(&request).expect("json")["text"],
        json!({"format": {"type": "json_schema", "name": "reaction", "schema": reaction().schema, "strict": true}})
    );
    answer_json(
        &mut app,
        id,
        r#"{"verdict": "meh", "score": 4, "reason": "pricey"}"#,
    );
    let last = app.last_message().clone();
    assert_eq!(check_of(&last), Some(("reaction", None)));

    let id = app.ask("And now?");
    answer_json(&mut app, id, r#"{"verdict": "wow", "score": 4, "reason": "x"}"#);
    let last = app.last_message().clone();
    assert_eq!(
        check_of(&last),
        Some((
            "reaction",
            Some("at /verdict: \"wow\" is not one of \"love\", \"meh\", \"hate\"")
        ))
    );
}

#[test]
fn without_a_schema_or_tools_the_request_is_unchanged() {
    let mut app = app_with(vec![reaction()], vec![]);
    app.type_text("hi");
    let (_, request) = started(&app.key(KeyCode::Enter));
    let v = serde_json::to_value(&request).expect("json");
    assert!(v.get("text").is_none() && v.get("tools").is_none(), "{v}");
}

fn call_events() -> Vec<AnswerEvent> {
    vec![
        AnswerEvent::Text("Let me check that with lookup_price first.".into()),
        AnswerEvent::Part(AnswerPart::FunctionCall {
            call_id: "call_1".into(),
            name: "lookup_price".into(),
            arguments: r#"{"product":"running shoes"}"#.into(),
        }),
        AnswerEvent::Ended(Ending::default()),
    ]
}

#[test]
fn a_tool_call_waits_for_its_result_which_goes_back_as_function_call_output() {
    let mut app = app_with(vec![], vec![lookup()]);
    app.type_text("What does lookup_price say?");
    let (id, request) = started(&app.key(KeyCode::Enter));
    assert_eq!(
        serde_json::to_value(&request).expect("json")["tools"],
        json!([{"type": "function", "name": "lookup_price", "description": "The current price of a product",
                "parameters": lookup().parameters, "strict": false}])
    );
    let _ = app.answer(id, call_events());
    let call = app.state.thread().and_then(pending_call).expect("a call waits");
    assert_eq!(
        (call.call_id.as_str(), call.name.as_str()),
        ("call_1", "lookup_price")
    );
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("tool lookup_price")));

    // An empty Enter sends nothing.
    assert!(!app
        .key(KeyCode::Enter)
        .iter()
        .any(|e| matches!(e, Effect::StartStream { .. })));
    app.type_text("$129 a year");
    let (_, request) = started(&app.key(KeyCode::Enter));
    assert_eq!(
        request.input,
        Input::Raw(vec![
            json!({"role": "user", "content": "What does lookup_price say?"}),
            json!({"role": "assistant", "content": "Let me check that with lookup_price first."}),
            json!({"type": "function_call", "call_id": "call_1", "name": "lookup_price", "arguments": "{\"product\":\"running shoes\"}"}),
            json!({"type": "function_call_output", "call_id": "call_1", "output": "$129 a year"}),
        ])
    );
    assert_eq!(app.state.thread().and_then(pending_call), None);
}

// Screens.

#[test]
fn a_valid_json_answer_is_pretty_and_marked() {
    let mut app = app_with(vec![reaction()], vec![]);
    let _ = app.ctrl('t');
    let id = app.ask("Is a shoe subscription cool?");
    answer_json(
        &mut app,
        id,
        r#"{"verdict":"meh","score":4,"reason":"pricey, but handy"}"#,
    );
    insta::assert_snapshot!("structured_valid_80x24", draw(&mut app, 80, 24));
}

#[test]
fn an_invalid_json_answer_names_the_first_violation() {
    let mut app = app_with(vec![reaction()], vec![]);
    let _ = app.ctrl('t');
    let id = app.ask("Is a shoe subscription cool?");
    answer_json(&mut app, id, r#"{"score":"high","reason":"pricey"}"#);
    insta::assert_snapshot!("structured_invalid_80x24", draw(&mut app, 80, 24));
}

#[test]
fn a_tool_call_is_a_card_and_the_composer_asks_for_its_result() {
    let mut app = app_with(vec![], vec![lookup()]);
    let id = app.ask("What does lookup_price say?");
    let _ = app.answer(id, call_events());
    insta::assert_snapshot!("tool_card_80x24", draw(&mut app, 80, 24));
}

#[test]
fn three_personas_answer_one_schema_in_a_table() {
    let mut app = panel(3);
    app.state.structure = Structure::new(vec![reaction()], vec![]);
    let _ = app.ctrl('t');
    let ids = ask_all(&mut app, "Is a shoe subscription cool?");
    let answers = [
        r#"{"verdict":"love","score":9,"reason":"so easy"}"#,
        r#"{"verdict":"meh","score":5,"reason":"payback unclear"}"#,
        r#"{"verdict":"sure","score":7}"#,
    ];
    for (id, text) in ids.into_iter().zip(answers) {
        answer_json(&mut app, id, text);
    }
    app.state.focus = mavera_tui::app::state::Focus::Conversation;
    let _ = app.key(KeyCode::Char('t'));
    assert!(app.state.structure.table);
    insta::assert_snapshot!("schema_table_120x40", draw(&mut app, 120, 40));
}

// Against the simulator: the exact JSON it received.

pub(crate) fn last_body(sim: &SimHandle) -> Value {
    sim.records()
        .into_iter()
        .rev()
        .find_map(|r| r.body)
        .expect("a recorded body")
}

async fn persona_id(sim: &SimHandle, name: &str) -> String {
    client_for(sim)
        .list_personas()
        .await
        .expect("personas")
        .into_iter()
        .find(|p| p.name == name)
        .map(|p| p.id)
        .expect("persona")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_simulator_receives_text_format_and_answers_json_that_follows_it() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let cfo = persona_id(&sim, "CFO").await;
    for (prompt, valid) in [
        ("Is a shoe subscription cool?", true),
        ("Is it? #fault:bad_json", false),
    ] {
        let mut app = app_with(vec![reaction()], vec![]);
        let _ = app.ctrl('t');
        let id = cfo.clone();
        app.ask_over(&client, RetryPolicy::default(), prompt, |r| {
            r.persona_id = Some(id)
        })
        .await;
        let body = last_body(&sim);
        assert_eq!(
            body,
            json!({"model": "mavera-1", "input": prompt, "persona_id": cfo, "stream": true,
                   "text": {"format": {"type": "json_schema", "name": "reaction", "schema": reaction().schema, "strict": true}}})
        );
        let last = app.last_message().clone();
        let (schema, violation) = check_of(&last).expect("checked");
        assert_eq!(schema, "reaction");
        if valid {
            assert_eq!(violation, None, "{}", last.text);
        } else {
            assert_eq!(violation, Some("at /: missing required property \"verdict\""));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tool_round_trip_against_the_simulator() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let cfo = persona_id(&sim, "CFO").await;
    let mut app = app_with(vec![], vec![lookup()]);
    let id = cfo.clone();
    app.ask_over(
        &client,
        RetryPolicy::default(),
        "What does lookup_price say about shoes?",
        |r| r.persona_id = Some(id),
    )
    .await;
    let first = last_body(&sim);
    assert_eq!(first["tools"], json!([lookup().wire()]));
    let call = app
        .state
        .thread()
        .and_then(pending_call)
        .expect("the simulator calls the tool");
    assert_eq!(call.name, "lookup_price");
    let arguments = app
        .state
        .thread()
        .and_then(|t| t.messages.last())
        .and_then(|m| {
            m.parts.iter().find_map(|p| match p {
                AnswerPart::FunctionCall { arguments, .. } => Some(arguments.clone()),
                _ => None,
            })
        })
        .expect("arguments");
    let args: Value = serde_json::from_str(&arguments).expect("JSON arguments");
    assert!(args["product"].is_string(), "{args}");

    app.type_text("$129 a year");
    let (id, mut request) = started(&app.key(KeyCode::Enter));
    request.persona_id = Some(cfo.clone());
    let mut answer = AnswerStream::new(client.clone(), RetryPolicy::default(), request);
    while let Some(events) = answer.next_batch().await {
        let _ = app.answer(id, events);
    }
    let second = last_body(&sim);
    let input = second["input"].as_array().expect("items");
    assert_eq!(
        input[2..],
        [
            json!({"type": "function_call", "call_id": call.call_id, "name": "lookup_price", "arguments": arguments}),
            json!({"type": "function_call_output", "call_id": call.call_id, "output": "$129 a year"}),
        ]
    );
    let (text, _) = app.last_answer();
    assert!(text.starts_with("The tool says: $129 a year."), "{text}");
    assert_eq!(app.state.thread().and_then(pending_call), None);
}

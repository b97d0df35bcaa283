//! Instructions and analysis mode against the simulator: the exact JSON the app's
//! requests carry (the simulator records each body), the simulator's analysis objects
//! (persona-dependent, the same per seed), and `ask --analysis` in every format.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::{AnswerEvent, AnswerPart, AnswerStream, RetryPolicy};
use mavera_tui::app::{Effect, Event};
use mavera_tui::sim::SimConfig;
use serde_json::{json, Value};

use crate::support::app::App;
use crate::support::bin::{run, text};
use crate::support::sim::{client_for, fast, start};

/// Streams `request` to its end; returns the analysis it carried, if any.
async fn analysis_of(
    client: &mavera_tui::api::Client,
    request: mavera_tui::api::wire::ResponseRequest,
) -> Option<Value> {
    let mut stream = AnswerStream::new(client.clone(), RetryPolicy::default(), request);
    let mut found = None;
    while let Some(events) = stream.next_batch().await {
        for e in events {
            if let AnswerEvent::Part(AnswerPart::Analysis(v)) = e {
                found = Some(v);
            }
        }
    }
    found
}

#[tokio::test]
async fn the_app_sends_instructions_and_analysis_mode_exactly_and_gets_an_analysis() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let personas = client.list_personas().await.expect("personas");
    let mut app = App::new();
    let fx = mavera_tui::app::start(&mut app.state, None).into_vec();
    let id = crate::support::app::load_id(&fx);
    let _ = app.send(Event::PersonasLoaded {
        id,
        result: Ok(personas.clone()),
    });
    let persona = personas[0].id.clone();
    app.pick(&persona);
    let _ = app.send(Event::Key(KeyEvent::new(KeyCode::Char('a'), KeyModifiers::ALT)));
    let _ = app.send(Event::Key(KeyEvent::new(KeyCode::Char('i'), KeyModifiers::ALT)));
    app.type_text("Focus on cost savings.");
    let _ = app.key(KeyCode::Enter);
    app.type_text("Should we switch vendors?");
    let fx = app.key(KeyCode::Enter);
    let request = fx
        .into_iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request),
            _ => None,
        })
        .expect("a request");
    let analysis = analysis_of(&client, request)
        .await
        .expect("an analysis came back");
    let posts: Vec<Value> = sim
        .records()
        .into_iter()
        .filter(|r| r.method == "POST")
        .filter_map(|r| r.body)
        .collect();
    assert_eq!(
        posts,
        [json!({
            "model": "mavera-1",
            "input": "Should we switch vendors?",
            "persona_id": persona,
            "instructions": "Focus on cost savings.",
            "stream": true,
            "analysis_mode": true,
        })]
    );
    let confidence = analysis["confidence"].as_u64().expect("a number");
    assert!((1..=10).contains(&confidence));
    assert!(analysis["emotion"]["emotional_valence"].is_u64(), "{analysis}");
}

#[tokio::test]
async fn analyses_differ_by_persona_and_repeat_per_seed() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let personas = client.list_personas().await.expect("personas");
    let ask = |persona: &str, analysis: bool| {
        mavera_tui::api::wire::ResponseRequest::build(
            "mavera-1",
            &Default::default(),
            Some(mavera_tui::api::request::PersonaShape::Id(persona)),
            mavera_tui::api::wire::Input::Text("Would you pay for faster delivery?".into()),
            None,
        )
        .with_analysis_mode(analysis)
    };
    let mut seen = Vec::new();
    for p in personas.iter().take(4) {
        seen.push(analysis_of(&client, ask(&p.id, true)).await.expect("analysis"));
    }
    assert!(seen.iter().any(|a| a != &seen[0]), "personas differ: {seen:?}");
    let again = analysis_of(&client, ask(&personas[0].id, true)).await;
    assert_eq!(again.as_ref(), seen.first(), "same seed, persona and prompt");
    assert_eq!(
        analysis_of(&client, ask(&personas[0].id, false)).await,
        None,
        "only when asked"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_analysis_in_text_json_and_markdown() {
    let home = tempfile::tempdir().expect("home");
    let base = ["--demo", "ask", "--analysis", "-p", "CFO", "-p", "Gen Z Consumer"];
    let with = |extra: &[&'static str]| {
        base.iter()
            .copied()
            .chain(extra.iter().copied())
            .chain(["Is $20 fair?"])
            .collect::<Vec<_>>()
    };

    let out = run(home.path(), &with(&[]), &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert_eq!(stdout.matches("[analysis] confidence ").count(), 2, "{stdout}");
    assert!(
        stdout.contains("key insights:") && stdout.contains("purchase_intent: "),
        "{stdout}"
    );

    let out = run(home.path(), &with(&["--format", "json"]), &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let doc: Value = serde_json::from_str(&text(&out.stdout)).expect("JSON");
    let answers = doc["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 2);
    for a in answers {
        let part = a["parts"]
            .as_array()
            .and_then(|p| p.iter().find(|p| p["type"] == "analysis"))
            .unwrap_or_else(|| panic!("an analysis per persona: {a}"));
        assert!(part["analysis"]["confidence"].is_u64(), "{part}");
    }

    let out = run(home.path(), &with(&["--format", "markdown"]), &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let md = text(&out.stdout);
    assert_eq!(md.matches("> [analysis] confidence ").count(), 2, "{md}");

    // Without the flag, nothing is asked for.
    let plain = ["--demo", "ask", "-p", "CFO", "Is $20 fair?"];
    let out = run(home.path(), &plain, &[]).await;
    assert!(!text(&out.stdout).contains("[analysis]"));
    // The config's default asks without the flag.
    let out = run(
        home.path(),
        &plain,
        &[("MAVERA_TUI_RESPONSES_ANALYSIS_MODE", "true")],
    )
    .await;
    assert!(
        text(&out.stdout).contains("[analysis] confidence "),
        "{}",
        text(&out.stdout)
    );
}

#[tokio::test]
async fn the_simulator_records_what_ask_sends() {
    let sim = start(SimConfig {
        tokens_per_sec: 0.0,
        ..SimConfig::default()
    })
    .await;
    let home = tempfile::tempdir().expect("home");
    let url = sim.base_url();
    let env = [
        ("MAVERA_BASE_URL", url.as_str()),
        ("MAVERA_API_KEY", crate::support::sim::KEY),
    ];
    let out = run(
        home.path(),
        &["ask", "--analysis", "--instructions", "Be brief.", "hello"],
        &env,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let bodies: Vec<Value> = sim.records().into_iter().filter_map(|r| r.body).collect();
    assert_eq!(
        bodies,
        [json!({
            "model": "mavera-1",
            "input": "hello",
            "instructions": "Be brief.",
            "stream": true,
            "analysis_mode": true,
        })]
    );
}

#[test]
fn ctrl_e_edits_the_instructions_in_editor_and_its_keys_stay_there() {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;
    const WAIT: Duration = Duration::from_secs(20);
    let home = tempfile::tempdir().expect("home");
    // An "editor" that reads a line from the terminal: the app must not read it first.
    let script = home.path().join("editor.sh");
    std::fs::write(
        &script,
        "#!/bin/sh\nprintf 'EDITOR READY\\n'\nread line\nprintf 'From the editor: %s\\n' \"$line\" > \"$1\"\n",
    )
    .expect("script");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let editor = script.display().to_string();
    let mut pty = crate::support::pty::Pty::spawn(
        home.path(),
        &["--demo", "--persona", "CFO"],
        &[("EDITOR", editor.as_str())],
        100,
        30,
    );
    pty.wait_text("Message CFO", WAIT);
    pty.send("\x1bi"); // Alt+I
    pty.wait_text("Instructions for this thread", WAIT);
    pty.send("\x05"); // Ctrl+E
    pty.wait_text("EDITOR READY", WAIT);
    pty.type_text("price first");
    pty.send("\r");
    pty.wait_text("From the editor: price first", WAIT);
    pty.send("\r"); // keep
    let screen = pty.wait_text("✎ From the editor: price first", WAIT);
    assert!(!screen.contains("Instructions for this thread"), "{screen}");
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
}

#[test]
fn the_demo_draws_an_analysis_card_when_alt_a_is_on() {
    use std::time::Duration;
    const WAIT: Duration = Duration::from_secs(20);
    let home = tempfile::tempdir().expect("home");
    let mut pty = crate::support::pty::Pty::spawn(home.path(), &["--demo", "--persona", "CFO"], &[], 110, 60);
    pty.wait_text("Message CFO", WAIT);
    pty.send("\x1ba"); // Alt+A
    pty.wait_text("ANALYSIS", WAIT);
    pty.type_text("Is $20 a month fair?");
    pty.send("\r");
    let screen = pty.wait_text("◆ Analysis", Duration::from_secs(60));
    assert!(
        screen.contains("confidence") && screen.contains("/10"),
        "{screen}"
    );
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);
}

//! Record and replay: a session recorded against the simulator and replayed at `max`
//! speed from a simulator with another seed shows the same screen and the same credits;
//! a prompt not in the recording is simulated and says so; a recorded comparison replays
//! as the same comparison in the real binary; the flags' errors.

use std::sync::Arc;
use std::time::Duration;

use mavera_tui::api::RetryPolicy;
use mavera_tui::api::{AnswerEvent, ApiError, Client, Outcome};
use mavera_tui::app::{Effect, Event};
use mavera_tui::recording::{self, Recorder, ReplyOrigin, Speed};
use mavera_tui::sim::{SimConfig, SimHandle};
use serde_json::Value;

use crossterm::event::KeyCode;
use mavera_tui::app::replay::Deck;
use mavera_tui::app::Focus;

use crate::support::app::{load_id, stream_id, App};
use crate::support::bin;
use crate::support::pty::Pty;
use crate::support::screen::draw;
use crate::support::sim::{client_for, start, KEY};

const WAIT: Duration = Duration::from_secs(20);

/// A session in the app's reducer over `client`: the persona list and the balance as
/// the app loads them, two prompts to one persona, then the balance again.
async fn session(client: &Client, prompts: &[&str]) -> (App, String, Option<f64>) {
    let mut app = App::new();
    let fx = mavera_tui::app::start(&mut app.state, None).into_vec();
    let id = load_id(&fx);
    let personas = client.list_personas().await.expect("personas");
    let persona = personas
        .iter()
        .find(|p| p.name == "CFO")
        .map(|p| p.id.clone())
        .expect("a CFO");
    let _ = app.send(Event::PersonasLoaded {
        id,
        result: Ok(personas),
    });
    load_usage(&mut app, client, &fx).await;
    app.pick(&persona);
    for prompt in prompts {
        app.ask_over(client, RetryPolicy::default(), prompt, |_| {}).await;
    }
    let balance = client.usage().await.expect("usage").credits.remaining;
    let screen = draw(&mut app, 100, 30);
    (app, screen, balance)
}

/// Answers the app's usage request, if it made one, from `client`.
async fn load_usage(app: &mut App, client: &Client, fx: &[Effect]) {
    let id = fx.iter().find_map(|e| match e {
        Effect::LoadUsage { id } => Some(*id),
        _ => None,
    });
    let result = client.usage().await;
    if let Some(id) = id {
        let _ = app.send(Event::UsageLoaded { id, result });
    }
}

fn replaying(path: &std::path::Path, seed: u64) -> SimConfig {
    let recording = recording::read(path).expect("a recording");
    SimConfig {
        seed,
        tokens_per_sec: 0.0,
        replay: Some((Arc::new(recording), Speed::Max)),
        ..SimConfig::default()
    }
}

fn recording_client(sim: &SimHandle, path: &std::path::Path) -> (Client, Recorder) {
    let recorder = Recorder::create(path, Some(KEY.into())).expect("recorder");
    let client = client_for(sim).with_recorder(Some(recorder.clone()));
    (client, recorder)
}

#[tokio::test]
async fn a_recorded_session_replays_with_the_same_screen_and_credits() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("live.jsonl");
    let prompts = ["Should we raise prices?", "And   if we  don't?"];
    // Live: a paced simulator with an odd balance, recorded.
    let live = start(SimConfig {
        tokens_per_sec: 500.0,
        initial_credits: 777.0,
        ..SimConfig::default()
    })
    .await;
    let (client, recorder) = recording_client(&live, &path);
    let (live_app, live_screen, live_balance) = session(&client, &prompts).await;
    recorder.written(WAIT);
    let text = std::fs::read_to_string(&path).expect("file");
    assert!(!text.contains(KEY), "never the key");

    // Replay: another seed (a simulated answer would differ), no delays.
    let replay = start(replaying(&path, 99)).await;
    let client = client_for(&replay);
    let started = std::time::Instant::now();
    let (app, screen, balance) = session(&client, &prompts).await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "max speed waits for nothing"
    );
    assert_eq!(app.state.last_answer.origin, Some(ReplyOrigin::Recorded));
    assert_eq!(app.state.credits, live_app.state.credits, "the same credits");
    assert!(balance.is_some());
    assert_eq!(balance, live_balance, "the same balance");
    // The same screen, but for the status bar, which says it is a replay.
    let body = |s: &str| s.lines().take(29).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&screen), body(&live_screen));
    let status = screen.lines().last().unwrap_or_default().to_owned();
    assert!(status.contains("replayed from recording"), "{status}");
    assert!(!live_screen.contains("replayed from recording"));

    // A prompt the recording does not hold is the simulator's, and says so.
    let mut app = app;
    app.ask_over(&client, RetryPolicy::default(), "Something new", |_| {})
        .await;
    assert_eq!(app.state.last_answer.origin, Some(ReplyOrigin::Simulated));
    let screen = draw(&mut app, 100, 30);
    assert!(screen.contains("simulated (not in recording)"), "{screen}");
}

#[tokio::test]
async fn replay_keeps_the_recorded_pace_divided_by_the_speed_and_errors_as_they_were() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("paced.jsonl");
    let live = start(SimConfig {
        tokens_per_sec: 60.0,
        answer_words: Some(40),
        // The first answer fails: the replaying simulator has no such plan.
        faults: mavera_tui::sim::FaultPlan::parse("rate_limit*1").expect("plan"),
        ..SimConfig::default()
    })
    .await;
    let (client, recorder) = recording_client(&live, &path);
    let persona = client.list_personas().await.expect("personas")[0].id.clone();
    let ask = |client: Client, prompt: &'static str, persona: String| async move {
        let request: mavera_tui::api::wire::ResponseRequest = serde_json::from_value(
            serde_json::json!({"model": "mavera-1", "persona_id": persona, "input": prompt}),
        )
        .expect("a request");
        let started = std::time::Instant::now();
        let never = RetryPolicy {
            max_retries: 0,
            ..RetryPolicy::default()
        };
        let mut answer = mavera_tui::api::AnswerStream::new(client, never, request);
        let mut last = None;
        while let Some(events) = answer.next_batch().await {
            last = events.into_iter().last().or(last);
        }
        (started.elapsed(), last)
    };
    let (_, failed) = ask(client.clone(), "Fail me", persona.clone()).await;
    let (live_took, _) = ask(client.clone(), "Pace me", persona.clone()).await;
    recorder.written(WAIT);

    let mut config = replaying(&path, 0);
    config.replay = config.replay.map(|(r, _)| (r, Speed::Times(2)));
    let replay = start(config).await;
    let client = client_for(&replay);
    // Matched with whitespace normalised.
    let (took, _) = ask(client.clone(), " Pace\n me ", persona.clone()).await;
    assert!(
        took * 4 > live_took && took < live_took,
        "half the recorded pace: live {live_took:?}, replay {took:?}"
    );
    let (_, replayed) = ask(client.clone(), "Fail me", persona).await;
    let outcome = |e: Option<AnswerEvent>| match e {
        Some(AnswerEvent::Ended(ending)) => Some((ending.outcome, ending.origin)),
        _ => None,
    };
    let (live, replayed) = (outcome(failed), outcome(replayed));
    assert!(
        matches!(live, Some((Outcome::Failed(ApiError::RateLimited { .. }), None))),
        "{live:?}"
    );
    // A request that failed has no stream to say where it came from.
    assert_eq!(replayed, live);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_comparison_replays_as_the_same_comparison() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("compare.jsonl");
    let file = path.to_string_lossy().into_owned();
    let out = bin::run(
        home.path(),
        &[
            "ask",
            "--demo",
            "--record",
            &file,
            "-p",
            "CFO",
            "-p",
            "Gen Z Consumer",
            "Should we launch?",
        ],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", bin::text(&out.stderr));
    let recording = recording::read(&path).expect("a recording");
    let columns = recording.first_columns().expect("a comparison");
    assert_eq!(columns.len(), 2);
    // The last words each persona answered, as recorded.
    let last_words = |x: &recording::RecordedExchange| -> String {
        let text: String = x
            .events
            .iter()
            .filter_map(|e| serde_json::from_str::<Value>(&e.data).ok())
            .filter(|v| v["type"] == "response.output_text.delta")
            .filter_map(|v| v["delta"].as_str().map(str::to_owned))
            .collect();
        let words: Vec<&str> = text.split_whitespace().collect();
        words[words.len().saturating_sub(2)..].join(" ")
    };
    let exchanges = recording.exchanges();
    let answers: Vec<String> = exchanges.iter().map(last_words).collect();
    let credits: f64 = exchanges.iter().filter_map(|x| x.credits_used()).sum();

    let mut pty = Pty::spawn(home.path(), &["replay", &file, "--speed", "max"], &[], 160, 45);
    let screen = pty.wait_text("Message all 2 personas", WAIT);
    assert!(screen.contains("REPLAY"), "{screen}");
    // The columns in the recorded order: CFO, then Gen Z Consumer.
    let header = screen
        .lines()
        .find(|l| l.contains("CFO") && l.contains("Gen Z"))
        .unwrap_or_default();
    assert!(header.find("CFO") < header.find("Gen Z"), "{screen}");
    pty.send("\x10"); // Ctrl+P: the recorded prompt
    pty.wait_text("Should we launch?", WAIT);
    pty.send("\r");
    let screen = pty.wait_for("both recorded answers", WAIT, |s| {
        s.contains("replayed from recording") && answers.iter().all(|a| s.contains(a.as_str()))
    });
    assert!(!screen.contains("simulated (not in recording)"), "{screen}");
    assert!(
        screen.contains(&format!("session {credits} cr")),
        "the recorded credits: {screen}"
    );
    pty.send("\x11"); // Ctrl+Q
    assert_eq!(pty.wait_exit(WAIT), 0);
    pty.assert_restored();
}

#[tokio::test]
async fn the_flags_say_what_is_wrong() {
    let home = tempfile::tempdir().expect("home");
    let good = home.path().join("ok.jsonl");
    let cases: [(&[&str], &str); 6] = [
        (
            &["ask", "--demo", "--record", "/nonexistent/dir/x.jsonl", "hi"],
            "cannot write the recording",
        ),
        (&["replay", "nothing.jsonl"], "cannot read the recording"),
        (
            &["ask", "--demo", "--speed", "2", "hi"],
            "--speed goes with a replay",
        ),
        (&["replay", "x.jsonl", "--speed", "fast"], "not a speed"),
        (&["sim", "--record", "x.jsonl"], "--record and --replay go with"),
        (&["replay", "a.jsonl", "--replay", "b.jsonl"], "give one"),
    ];
    for (args, says) in cases {
        let out = bin::run(home.path(), args, &[]).await;
        let err = bin::text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
    std::fs::write(&good, "not json\n{}\n").expect("write");
    let out = bin::run(home.path(), &["replay", &good.to_string_lossy()], &[]).await;
    assert!(bin::text(&out.stderr).contains("not a recording line"), "{out:?}");
    let out = bin::run(home.path(), &["replay", "--help"], &[]).await;
    let help = bin::text(&out.stdout);
    assert!(help.contains("--speed") && help.contains("--record"), "{help}");
}

#[test]
fn ctrl_p_gives_the_recorded_prompts_one_by_one_into_an_empty_composer() {
    let notice = |app: &App| {
        app.state
            .notice
            .as_ref()
            .map(|n| n.text.clone())
            .unwrap_or_default()
    };
    let mut app = App::loaded();
    let _ = app.ctrl('p');
    assert!(notice(&app).contains("no recorded prompts"), "{}", notice(&app));
    assert!(app.state.composer_text().is_empty());

    app.state.deck = Deck::new(vec!["First one".into(), "Second".into()]);
    app.pick("ccfo");
    app.state.focus = Focus::Sidebar;
    let _ = app.ctrl('p');
    assert_eq!(app.state.composer_text(), "First one");
    assert_eq!(app.state.focus, Focus::Composer);
    assert!(
        notice(&app).contains("recorded prompt 1 of 2"),
        "{}",
        notice(&app)
    );
    // Text in the composer is never overwritten.
    let _ = app.ctrl('p');
    assert_eq!(app.state.composer_text(), "First one");
    assert!(notice(&app).contains("clear it"), "{}", notice(&app));
    let fx = app.key(KeyCode::Enter);
    assert!(stream_id(&fx).is_some(), "Enter sends the recorded prompt");
    let _ = app.ctrl('p');
    assert_eq!(app.state.composer_text(), "Second");
    app.state.composer.clear();
    let _ = app.ctrl('p');
    assert!(app.state.composer_text().is_empty());
    assert!(
        notice(&app).contains("every recorded prompt was given (2)"),
        "{}",
        notice(&app)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_records_a_comparison_with_its_columns_and_never_the_key() {
    let home = tempfile::tempdir().expect("home");
    let path = home.path().join("app.jsonl");
    let file = path.to_string_lossy().into_owned();
    let args = ["--demo", "--record", &file, "--personas", "Gen Z Consumer, CFO"];
    let mut pty = Pty::spawn(home.path(), &args, &[], 140, 40);
    pty.wait_text("Message all 2 personas", WAIT);
    pty.type_text("Is it worth it?");
    pty.send("\r");
    // Each column's bottom line: "✓ 161 tok · 2 cr".
    pty.wait_for("both answers", WAIT, |s| s.matches(" tok · ").count() >= 2);
    pty.send("\x11"); // Ctrl+Q
    assert_eq!(pty.wait_exit(WAIT), 0);

    let text = std::fs::read_to_string(&path).expect("a recording");
    assert!(!text.contains(mavera_tui::sim::DEMO_KEY), "never the key");
    let recording = recording::read(&path).expect("readable");
    let name_of = |id: &str| {
        recording
            .personas()
            .into_iter()
            .find(|p| p["id"] == id)
            .and_then(|p| p["name"].as_str().map(str::to_owned))
    };
    let columns = recording.first_columns().expect("a comparison");
    let names: Vec<Option<String>> = columns.iter().map(|id| name_of(id)).collect();
    assert_eq!(names, [Some("Gen Z Consumer".to_owned()), Some("CFO".to_owned())]);
    assert_eq!(recording.prompts(), ["Is it worth it?"]);
    assert!(recording.first_usage().is_some(), "the balance, for the replay");
    let exchanges = recording.exchanges();
    assert_eq!(exchanges.len(), 2);
    assert!(exchanges
        .iter()
        .all(|x| x.round == Some(1) && x.credits_used().is_some()));
}

#[tokio::test]
async fn personas_only_the_recording_knows_are_listed_and_answered() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("hand.jsonl");
    let recorder = Recorder::create(&path, None).expect("recorder");
    recorder.personas(serde_json::json!({"data": [{"id": "p_mars", "name": "Martian Buyer"}]}));
    recorder.usage(serde_json::json!({"credits": {"remaining": 42.5, "included": 100}}));
    let x = recorder.begin(serde_json::json!({"model": "m", "persona_id": "p_mars", "input": "Hi there"}));
    x.reply(200, None, None);
    x.event(
        None,
        r#"{"type":"response.output_text.delta","item_id":"m1","output_index":0,"delta":"Greetings, earthling."}"#,
    );
    x.event(
        Some("response.completed"),
        r#"{"type":"response.completed","response":{"status":"completed","usage":{"credits_used":1.5}}}"#,
    );
    x.end(None);
    // An exchange asked of a persona missing from the list too.
    let y = recorder.begin(serde_json::json!({"model": "m", "persona_id": "p_venus", "input": "Hi"}));
    y.reply(402, None, Some(r#"{"error":{"message":"no credits"}}"#.into()));
    recorder.written(WAIT);

    let sim = start(replaying(&path, 0)).await;
    let client = client_for(&sim);
    let names: Vec<String> = client
        .list_personas()
        .await
        .expect("personas")
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(names, ["Martian Buyer", "p_venus"]);
    let usage = client.usage().await.expect("usage");
    assert_eq!(
        (usage.credits.remaining, usage.credits.included),
        (Some(42.5), Some(100.0))
    );
    let request = |persona: &str, prompt: &str| -> mavera_tui::api::wire::ResponseRequest {
        serde_json::from_value(
            serde_json::json!({"model": "mavera-1", "persona_id": persona, "input": prompt}),
        )
        .expect("a request")
    };
    let mut stream = client
        .stream_response(&request("p_mars", "Hi  there"))
        .await
        .expect("a stream");
    assert_eq!(stream.origin(), Some(ReplyOrigin::Recorded));
    let mut events = Vec::new();
    while let Some(Ok(batch)) = stream.next_batch().await {
        events.extend(batch);
    }
    assert!(
        format!("{events:?}").contains("Greetings, earthling."),
        "{events:?}"
    );
    assert_eq!(client.usage().await.expect("usage").credits.remaining, Some(41.0));
    let err = client
        .stream_response(&request("p_venus", "Hi"))
        .await
        .expect_err("the recorded 402");
    assert!(matches!(err, ApiError::Credits { .. }), "{err:?}");
    // Asked again: the recording has no second answer, so the simulator answers.
    let again = client
        .stream_response(&request("p_mars", "Hi there"))
        .await
        .expect("a stream");
    assert_eq!(again.origin(), Some(ReplyOrigin::Simulated));
}

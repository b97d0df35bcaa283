//! Real servers, real mistakes, from the simulator's faults: a model that declines
//! (`refusal`: `response.refusal.*` events and a `refusal` content part, streamed or as
//! one JSON reply), a redirect within the origin (`redirect_same`), and a redirect to
//! another origin (`redirect_other`) — each met by the app (the request task's stream
//! feeding the reducer, then drawn) and by the `mavera-tui` binary.

use std::collections::HashMap;

use mavera_tui::api::{AnswerPart, Client, RetryPolicy};
use mavera_tui::app::thread::{Message, MessageStatus};
use mavera_tui::sim::{FaultPlan, RequestRecord, SimConfig, SimHandle};
use serde_json::Value;

use crate::support::app::App;
use crate::support::bin::{run, text};
use crate::support::recorded::{serve_replies, Reply};
use crate::support::screen::draw;
use crate::support::sim::{client_for, fast, start, KEY};

const PROMPT: &str = "Would you pay for faster delivery?";

async fn sim_with(faults: &str) -> SimHandle {
    start(SimConfig {
        faults: FaultPlan::parse(faults).expect("plan"),
        ..fast()
    })
    .await
}

/// The simulator's id of the CFO persona.
async fn cfo(client: &Client) -> String {
    client
        .list_personas()
        .await
        .expect("personas")
        .into_iter()
        .find(|p| p.name == "CFO")
        .map(|p| p.id)
        .expect("the CFO")
}

/// Asks the CFO in the app, through the request task's stream; the answer and the screen.
async fn in_the_app(sim: &SimHandle, prompt: &str) -> (Message, String) {
    let client = client_for(sim);
    let id = cfo(&client).await;
    let mut app = App::loaded();
    app.pick("ccfo");
    app.ask_over(&client, RetryPolicy::default(), prompt, |r| {
        r.persona_id = Some(id);
    })
    .await;
    let message = app.last_message().clone();
    let screen = draw(&mut app, 140, 40);
    (message, screen)
}

/// Runs `mavera-tui ARGS` against `sim`: status code, stdout, stderr.
async fn binary(sim: &SimHandle, args: &[&str]) -> (Option<i32>, String, String) {
    let home = tempfile::tempdir().expect("home");
    let url = sim.base_url();
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let out = run(home.path(), args, &env).await;
    (out.status.code(), text(&out.stdout), text(&out.stderr))
}

fn posts(sim: &SimHandle) -> Vec<RequestRecord> {
    sim.records().into_iter().filter(|r| r.method == "POST").collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_is_shown_as_a_refusal_in_the_app_and_in_ask() {
    let sim = sim_with("refusal").await;
    let (m, screen) = in_the_app(&sim, PROMPT).await;
    assert_eq!((m.text.as_str(), &m.status), ("", &MessageStatus::Done));
    let [AnswerPart::Refusal(reason)] = &m.parts[..] else {
        panic!("one refusal, nothing else: {:?}", m.parts);
    };
    assert!(reason.contains("faster delivery"), "{reason}");
    assert!(screen.contains(&format!("⚠ Refused: {reason}")), "{screen}");

    // The same refusal as one JSON reply to the streaming request.
    let (whole, _) = in_the_app(&sim, &format!("{PROMPT} #fault:json_reply")).await;
    assert_eq!(whole.parts, m.parts);
    assert_eq!(whole.text, "");

    // `ask`: the refusal, labelled, is the answer; declining is not a failure.
    let (code, stdout, stderr) = binary(&sim, &["ask", "-p", "CFO", PROMPT]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert_eq!(stdout.trim_end(), format!("⚠ Refused: {reason}"));
    let (code, stdout, stderr) = binary(&sim, &["ask", "--json", "-p", "CFO", PROMPT]).await;
    assert_eq!(code, Some(0), "{stderr}");
    let doc: Value = serde_json::from_str(&stdout).expect("json");
    let answer = &doc["answers"][0];
    assert_eq!(
        (answer["refused"].as_bool(), answer["refusal"].as_str()),
        (Some(true), Some(reason.as_str()))
    );
    assert_eq!(
        (answer["text"].as_str(), answer["status"].as_str()),
        (Some(""), Some("completed"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_within_the_origin_is_followed_with_the_key() {
    let sim = sim_with("redirect_same").await;
    let plain = start(fast()).await;
    let (m, _) = in_the_app(&sim, PROMPT).await;
    let (reference, _) = in_the_app(&plain, PROMPT).await;
    assert_eq!(m.status, MessageStatus::Done);
    assert_eq!(m.text, reference.text, "the same answer, one hop later");
    let hops: Vec<(String, u16, bool)> = posts(&sim)
        .into_iter()
        .map(|r| (r.path, r.status, r.authorization_present))
        .collect();
    assert_eq!(
        hops,
        [
            ("/api/v1/responses".to_owned(), 307, true),
            ("/v1/responses".to_owned(), 200, true)
        ]
    );

    let (code, stdout, stderr) = binary(&sim, &["ask", "-p", "CFO", PROMPT]).await;
    assert_eq!(code, Some(0), "{stderr}");
    let (_, expected, _) = binary(&plain, &["ask", "-p", "CFO", PROMPT]).await;
    assert_eq!(stdout, expected);

    // The persona list, too (a GET, followed the same way).
    let listing = sim_with("redirect_same@/personas").await;
    let (code, stdout, stderr) = binary(&listing, &["personas"]).await;
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stdout.contains("CFO"), "{stdout}");
    assert!(listing
        .records()
        .iter()
        .any(|r| r.path == "/v1/personas" && r.status == 200 && r.authorization_present));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redirect_to_another_origin_fails_clearly_and_never_carries_the_key() {
    // The other origin: a listener that would answer, and keeps what it is sent.
    let elsewhere = serve_replies(HashMap::from([(
        "/api/v1/responses".to_owned(),
        vec![Reply::sse("data: [DONE]\n\n")],
    )]))
    .await;
    let port = elsewhere.addr.port();
    let sim = sim_with(&format!("redirect_other={port}")).await;
    let target = format!("http://127.0.0.1:{port}/api/v1/responses");

    let (m, screen) = in_the_app(&sim, PROMPT).await;
    let MessageStatus::Failed { error, advice } = &m.status else {
        panic!("failed: {:?}", m.status);
    };
    assert!(
        error.contains(&format!("redirected (HTTP 307) to {target}"))
            && error.contains("the API key was not sent there"),
        "{error}"
    );
    assert!(
        advice.as_deref().is_some_and(|a| a.contains("base_url")),
        "{advice:?}"
    );
    assert!(screen.contains("redirected (HTTP 307)"), "{screen}");
    assert_eq!(posts(&sim).len(), 1, "not retried, not followed");

    let (code, stdout, stderr) = binary(&sim, &["ask", "-p", "CFO", PROMPT]).await;
    assert_eq!(code, Some(1), "{stderr}");
    assert!(
        stderr.contains(&target) && stderr.contains("not followed"),
        "{stderr}"
    );
    assert!(stderr.contains("base_url"), "with advice: {stderr}");
    assert!(!stderr.contains(KEY) && !stdout.contains(KEY));

    let received = elsewhere.requests();
    assert!(received.is_empty(), "the other origin was reached: {received:?}");

    // Without a port: the same port under the other name for this machine, which is
    // another origin too; nothing follows it (the simulator would have logged it).
    let renamed = sim_with("redirect_other").await;
    let (m, _) = in_the_app(&renamed, PROMPT).await;
    let expected = format!("to http://localhost:{}/api/v1/responses", renamed.addr().port());
    assert!(
        matches!(&m.status, MessageStatus::Failed { error, .. } if error.contains(&expected)),
        "{:?}",
        m.status
    );
    assert_eq!(posts(&renamed).len(), 1);
}

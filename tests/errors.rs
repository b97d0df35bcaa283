//! Real servers, real mistakes: error bodies of every shape, the ways of saying when to
//! retry, a 404 where the persona list should be, a JSON reply to a streaming request,
//! redirects, proxies, oversized error bodies — each met through the real client against
//! a server that is not the simulator (`recorded`) — and, in `credits`, the credit pause
//! in the reducer.

mod credits;

use std::collections::HashMap;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use crossterm::event::KeyCode;
use mavera_tui::api::error::MAX_MESSAGE_CHARS;
use mavera_tui::api::retry::with_retry;
use mavera_tui::api::wire::ResponseRequest;
use mavera_tui::api::{AnswerStream, ApiError, ApiKey, Client, ClientConfig, Outcome, RetryPolicy};
use mavera_tui::app::personas::LoadState;
use mavera_tui::app::state::Focus;
use mavera_tui::app::{start, Event};
use mavera_tui::config::LocalPersona;
use serde_json::json;

use crate::support::answer::Folded;
use crate::support::app::{load_id, App};
use crate::support::bin::{run, text};
use crate::support::recorded::{serve_replies, Recorded, Reply};
use crate::support::sim::KEY;

fn client_for(server: &Recorded) -> Client {
    let url = url::Url::parse(&server.base_url()).expect("url");
    Client::new(ClientConfig::new(url, ApiKey::new(KEY))).expect("client")
}

/// A server answering `path` (under `/api/v1`) with `replies` in turn.
async fn server(path: &str, replies: Vec<Reply>) -> Recorded {
    serve_replies(HashMap::from([(format!("/api/v1{path}"), replies)])).await
}

fn persona_page() -> Reply {
    Reply::json(
        200,
        &json!({"object": "list", "data": [{"id": "cabc", "name": "CFO", "category": "Professional"}]}),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_error_shape_gives_the_servers_words_and_advice_by_status() {
    let envelope = json!({"error": {"message": "Invalid API key.", "type": "auth", "code": "invalid_api_key", "param": null}});
    let fastapi = json!({"detail": [{"loc": ["body", "input"], "msg": "field required", "type": "missing"}]});
    let html =
        "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>nginx</h1></body></html>";
    let untitled = "<html><body><h1>Service Unavailable</h1><script>alert(1)</script></body></html>";
    // (status, content type, body, shown, advice contains, retryable)
    let json = "application/json";
    #[rustfmt::skip]
    let cases: Vec<(u16, &str, String, &str, &str, bool)> = vec![
        (401, json, envelope.to_string(), "API key rejected (invalid_api_key): Invalid API key.", "MAVERA_API_KEY", false),
        (401, json, json!({"detail": "Not authenticated"}).to_string(), "API key rejected (unauthorized): Not authenticated", "MAVERA_API_KEY", false),
        (403, json, json!({"message": "Key lacks scope"}).to_string(), "forbidden: Key lacks scope", "MAVERA_API_KEY", false),
        (402, json, json!({"error": "Payment required"}).to_string(), "out of credits (payment_required): Payment required", "billing", false),
        (422, json, fastapi.to_string(), "request refused (http_422): body.input: field required", "", false),
        (400, json, json!({"detail": {"limit": 100}}).to_string(), r#"request refused (http_400): {"limit":100}"#, "", false),
        (429, "text/plain", "slow down\n".into(), "rate limited: slow down", "wait", true),
        (502, "text/html", html.into(), "server error (HTTP 502): 502 Bad Gateway", "try again", true),
        (503, "text/html", untitled.into(), "server error (HTTP 503): Service Unavailable", "try again", true),
        (500, "", String::new(), "server error (HTTP 500): HTTP 500 with an empty body", "try again", true),
        (408, "", String::new(), "HTTP 408 from the server (empty body)", "try again", true),
        (409, "text/plain", "locked".into(), "HTTP 409 from the server: locked", "try again", true),
        (425, "text/plain", "too early".into(), "HTTP 425 from the server: too early", "try again", true),
        (404, json, json!({"error": {"message": "No such route", "code": "resource_not_found"}}).to_string(), "not found: No such route", "base_url", false),
        (400, "text/plain", "bad \u{1b}]0;pwned\u{7}\u{1b}[31mred\u{202e}input".into(), "request refused (http_400): bad redinput", "", false),
    ];
    for (status, content_type, body, shown, advice, retryable) in cases {
        let mut reply = Reply::status(status).body(&body);
        if !content_type.is_empty() {
            reply = reply.header("content-type", content_type);
        }
        let server = server("/usage", vec![reply]).await;
        let err = client_for(&server).usage().await.expect_err("an error");
        assert_eq!(err.to_string(), shown, "{status} {body}");
        assert!(
            err.advice().unwrap_or_default().contains(advice),
            "{status}: {:?}",
            err.advice()
        );
        assert_eq!(err.is_retryable(), retryable, "{status}");
        assert!(!err.to_string().contains('<'), "no markup: {err}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_body_is_read_only_up_to_the_bound() {
    // It claims 10 MB, sends 1 MB and then nothing: reading past the bound would wait for
    // the rest until the minute-long request timeout.
    let body = vec![b'x'; 1 << 20];
    let reply = Reply {
        sized: false,
        hold_open: true,
        ..Reply::status(500)
    }
    .header("content-length", &(10usize << 20).to_string())
    .header("content-type", "text/plain")
    .bytes(body);
    let server = server("/usage", vec![reply]).await;
    let begun = Instant::now();
    let err = client_for(&server).usage().await.expect_err("an error");
    assert!(
        begun.elapsed() < Duration::from_secs(10),
        "took {:?}",
        begun.elapsed()
    );
    let ApiError::Server { message, .. } = &err else {
        panic!("{err:?}");
    };
    assert_eq!(message.chars().count(), MAX_MESSAGE_CHARS, "capped: {message}");
    assert!(message.ends_with('…'));
}

/// Retries `list_personas` once past `first`; the announced wait and the gap between the
/// two requests the server saw.
async fn waited(
    first: Reply,
    policy: &RetryPolicy,
) -> (Result<usize, ApiError>, Vec<Duration>, Vec<Duration>) {
    let server = server("/personas", vec![first, persona_page()]).await;
    let client = client_for(&server);
    let mut announced = Vec::new();
    let result = with_retry(
        policy,
        || client.list_personas(),
        |_, wait, _| announced.push(wait),
    )
    .await;
    let seen = server.requests();
    let gaps = seen.windows(2).map(|w| w[1].at.duration_since(w[0].at)).collect();
    (result.map(|l| l.len()), announced, gaps)
}

fn unix_in(secs: u64) -> SystemTime {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs();
    UNIX_EPOCH + Duration::from_secs(now + secs)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_way_of_saying_when_to_retry_is_honoured_within_the_bound() {
    let policy = RetryPolicy {
        max_retries: 2,
        max_retry_after: Duration::from_secs(5),
        ..RetryPolicy::default()
    };
    let limited = || {
        Reply::json(
            429,
            &json!({"error": {"message": "Rate limit exceeded.", "code": "rate_limit_exceeded"}}),
        )
    };
    let date = httpdate::fmt_http_date(unix_in(2));
    let reset = unix_in(2)
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
        .to_string();
    // (what, first reply, shortest and longest acceptable wait)
    let cases = vec![
        (
            "Retry-After seconds",
            limited().header("retry-after", "1"),
            1000,
            1000,
        ),
        (
            "retry-after-ms",
            limited().header("retry-after-ms", "1200"),
            1200,
            1200,
        ),
        (
            "Retry-After date",
            limited().header("retry-after", &date),
            1000,
            2000,
        ),
        (
            "X-RateLimit-Reset",
            limited()
                .header("x-ratelimit-reset", &reset)
                .header("x-ratelimit-remaining", "0"),
            1000,
            2000,
        ),
        (
            "503 Retry-After",
            Reply::status(503).header("retry-after", "1"),
            1000,
            1000,
        ),
    ];
    let runs = cases.into_iter().map(|(what, first, lo, hi)| {
        let policy = policy.clone();
        async move { (what, lo, hi, waited(first, &policy).await) }
    });
    for (what, lo, hi, (result, announced, gaps)) in futures_util::future::join_all(runs).await {
        assert_eq!(result, Ok(1), "{what}: the retry succeeds");
        let [wait] = announced[..] else {
            panic!("{what}: one wait, got {announced:?}");
        };
        let (lo, hi) = (Duration::from_millis(lo), Duration::from_millis(hi));
        assert!(
            lo <= wait && wait <= hi,
            "{what}: waited {wait:?}, not {lo:?}..={hi:?}"
        );
        assert!(
            gaps[0] + Duration::from_millis(20) >= wait,
            "{what}: the server saw a gap of {:?}",
            gaps[0]
        );
    }

    // Longer than the bound: given up at once, one request only.
    let begun = Instant::now();
    let (result, announced, gaps) = waited(limited().header("retry-after", "600"), &policy).await;
    assert!(
        matches!(result, Err(ApiError::RateLimited { retry_after: Some(d), .. }) if d == Duration::from_secs(600))
    );
    assert!(announced.is_empty() && gaps.is_empty());
    assert!(begun.elapsed() < Duration::from_secs(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn few_requests_left_in_the_window_is_visible_on_the_client() {
    let reply = Reply::json(200, &json!({"credits": {"remaining": 10}}))
        .header("x-ratelimit-limit", "120")
        .header("x-ratelimit-remaining", "3")
        .header(
            "x-ratelimit-reset",
            &unix_in(30)
                .duration_since(UNIX_EPOCH)
                .expect("clock")
                .as_secs()
                .to_string(),
        );
    let server = server("/usage", vec![reply]).await;
    let client = client_for(&server);
    assert_eq!(client.rate_limit(), None);
    client.usage().await.expect("usage");
    let status = client.rate_limit().expect("the window, from the headers");
    assert_eq!((status.limit, status.remaining), (Some(120), 3));
    assert!(status.is_low());
    assert!(status.reset_in.is_some_and(|d| d <= Duration::from_secs(30)));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_404_on_personas_means_the_base_url_is_not_a_mavera_api() {
    let server = server(
        "/personas",
        vec![Reply::status(404).body("Cannot GET /api/v1/personas")],
    )
    .await;
    let base = server.base_url();
    let err = client_for(&server).list_personas().await.expect_err("an error");
    assert!(matches!(err, ApiError::NotMavera { .. }), "{err:?}");
    let shown = err.to_string();
    assert!(
        shown.contains(&format!("this base URL does not look like a Mavera API ({base}")),
        "{shown}"
    );
    assert!(!err.is_endpoint_missing() && !err.is_retryable());

    // `mavera-tui personas` says so and exits 1.
    let home = tempfile::tempdir().expect("home");
    let env = [("MAVERA_API_KEY", KEY), ("MAVERA_BASE_URL", base.as_str())];
    let out = run(home.path(), &["personas"], &env).await;
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("does not look like a Mavera API") && stderr.contains(&base),
        "{stderr}"
    );
    assert!(stderr.contains("base_url"), "with advice: {stderr}");

    // The app: the sidebar's error state, and r retries.
    let mut app = App::new();
    let id = load_id(&start(&mut app.state, None).into_vec());
    let _ = app.send(Event::PersonasLoaded {
        id,
        result: Err(err.clone()),
    });
    assert!(
        matches!(&app.state.personas.load, LoadState::Failed(m) if m.contains("does not look like a Mavera API"))
    );
    app.state.focus = Focus::Sidebar;
    let retry = load_id(&app.key(KeyCode::Char('r')));
    assert_ne!(retry, id);

    // With personas of its own in the config file, those stay usable.
    let mut app = App::new();
    app.state.local_personas = vec![LocalPersona {
        name: "Pirate".into(),
        category: "Fun".into(),
        description: "Talks like a pirate".into(),
        instructions: None,
    }];
    let id = load_id(&start(&mut app.state, None).into_vec());
    let _ = app.send(Event::PersonasLoaded { id, result: Err(err) });
    assert_eq!(app.state.personas.load, LoadState::Loaded);
    assert_eq!(app.state.personas.entries.len(), 1);
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("does not look like")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_reply_to_a_streaming_request_is_the_whole_answer() {
    let whole = json!({"id": "resp_1", "object": "response", "status": "completed", "model": "mavera-1",
        "output": [{"type": "message", "id": "msg_1", "role": "assistant",
                    "content": [{"type": "output_text", "text": "All at once.", "annotations": []}]}],
        "usage": {"input_tokens": 3, "output_tokens": 4, "total_tokens": 7, "credits_used": 2}});
    let failed = json!({"id": "resp_2", "status": "failed", "output": [],
        "error": {"code": "server_error", "message": "it broke"}});
    let server = serve_replies(HashMap::from([
        ("json_whole".to_owned(), vec![Reply::json(200, &whole)]),
        ("json_failed".to_owned(), vec![Reply::json(200, &failed)]),
    ]))
    .await;
    let client = client_for(&server);
    let mut answers = Vec::new();
    for name in ["json_whole", "json_failed"] {
        let request: ResponseRequest =
            serde_json::from_value(json!({"model": "mavera-1", "input": format!("recording:{name}")}))
                .expect("request");
        let mut stream = AnswerStream::new(client.clone(), RetryPolicy::default(), request);
        let mut folded = Folded::default();
        while let Some(batch) = stream.next_batch().await {
            batch.into_iter().for_each(|e| folded.apply(e));
        }
        answers.push(folded);
    }
    let [ok, failed] = &answers[..] else {
        unreachable!()
    };
    assert_eq!(ok.text, "All at once.");
    assert_eq!(ok.endings.len(), 1);
    assert_eq!(ok.endings[0].outcome, Outcome::Completed);
    assert_eq!(
        ok.endings[0].usage.as_ref().and_then(|u| u.credits_used),
        Some(2.0)
    );
    assert_eq!(ok.endings[0].response_id.as_deref(), Some("resp_1"));
    assert_eq!(failed.endings.len(), 1);
    assert!(
        matches!(&failed.endings[0].outcome, Outcome::Failed(e) if e.to_string().contains("it broke")),
        "{:?}",
        failed.endings[0].outcome
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_never_carry_the_key_to_another_origin() {
    let elsewhere = server("/personas", vec![persona_page()]).await;
    let moved = format!("{}/personas", elsewhere.base_url());
    let home = serve_replies(HashMap::from([
        (
            "/api/v1/personas".to_owned(),
            vec![Reply::status(302).header("location", &moved)],
        ),
        (
            "/api/v1/usage".to_owned(),
            vec![Reply::status(307).header("location", "/api/v1/usage2")],
        ),
        (
            "/api/v1/usage2".to_owned(),
            vec![Reply::json(200, &json!({"credits": {"remaining": 7}}))],
        ),
    ]))
    .await;
    let client = client_for(&home);

    let err = client.list_personas().await.expect_err("not followed");
    assert!(matches!(err, ApiError::Redirected { status: 302, .. }), "{err:?}");
    assert!(err.to_string().contains(&elsewhere.addr.to_string()), "{err}");
    let second_hop = elsewhere.requests();
    assert!(
        second_hop.iter().all(|r| r.header("authorization").is_none()),
        "the key reached another origin: {second_hop:?}"
    );

    // Within the origin a redirect is followed, key and all.
    let report = client.usage().await.expect("followed");
    assert_eq!(report.credits.remaining, Some(7.0));
    let seen = home.requests();
    let hop = seen
        .iter()
        .find(|r| r.head.starts_with("GET /api/v1/usage2"))
        .expect("second hop");
    assert_eq!(hop.header("authorization"), Some(format!("Bearer {KEY}")));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loopback_server_is_reached_without_the_environments_proxy() {
    let server = server("/personas", vec![persona_page()]).await;
    let home = tempfile::tempdir().expect("home");
    let base = server.base_url();
    // Nothing listens on port 9: a request sent through this proxy fails.
    let env = [
        ("MAVERA_API_KEY", KEY),
        ("MAVERA_BASE_URL", base.as_str()),
        ("HTTP_PROXY", "http://127.0.0.1:9"),
        ("http_proxy", "http://127.0.0.1:9"),
        ("ALL_PROXY", "http://127.0.0.1:9"),
    ];
    let out = run(home.path(), &["personas"], &env).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(text(&out.stdout).contains("CFO"));
}

//! The API client against the simulator on loopback: every streaming tolerance of spec §4,
//! every error row of §5, retries, timeouts, pagination.

use std::time::Duration;

use mavera_tui::api::retry::with_retry;
use mavera_tui::api::wire::{Input, ResponseRequest, Usage};
use mavera_tui::api::{
    AnswerEvent, AnswerStream, ApiError, ApiKey, Client, ClientConfig, Outcome, RetryPolicy,
};
use mavera_tui::sim::{FaultPlan, SimConfig};
use serde_json::{json, Map, Value};

use mavera_tui::app::thread::MessageStatus;

use crate::support::app::App;
use crate::support::sim::{client_for, fast, start, KEY};

fn request(fault: Option<&str>) -> ResponseRequest {
    let mut extra = Map::new();
    if let Some(f) = fault {
        extra.insert("sim_fault".into(), Value::String(f.into()));
    }
    ResponseRequest {
        model: "mavera-1".into(),
        input: Input::Text("What do you think of a subscription for running shoes?".into()),
        persona_id: None,
        instructions: None,
        stream: true,
        extra,
        text: None,
        tools: Vec::new(),
    }
}

async fn first_persona(client: &Client) -> String {
    client.list_personas().await.expect("personas")[0].id.clone()
}

/// One answer as the app and `ask` receive it.
#[derive(Debug, Default)]
struct Streamed {
    text: String,
    /// Pieces of text (one per delta, or one per summary that filled in).
    pieces: u64,
    ending: Option<Outcome>,
    usage: Option<Usage>,
    /// Waits announced before retries.
    waits: Vec<Duration>,
}

/// Runs `req` through an `AnswerStream` with `policy` and folds its events.
async fn run(client: &Client, policy: RetryPolicy, req: ResponseRequest) -> Streamed {
    let mut stream = AnswerStream::new(client.clone(), policy, req);
    let mut a = Streamed::default();
    while let Some(events) = stream.next_batch().await {
        for e in events {
            match e {
                AnswerEvent::Text(t) => {
                    a.text.push_str(&t);
                    a.pieces += 1;
                }
                AnswerEvent::Ended(end) => {
                    assert!(a.ending.is_none(), "exactly one ending");
                    a.ending = Some(end.outcome);
                    a.usage = end.usage;
                }
                AnswerEvent::Retrying { wait_ms, .. } => a.waits.push(Duration::from_millis(wait_ms)),
                AnswerEvent::Opened | AnswerEvent::Part(_) | AnswerEvent::CallArguments { .. } => {}
            }
        }
    }
    a
}

/// Streams one answer with the given fault (no retries) and returns it assembled.
async fn streamed(client: &Client, fault: Option<&str>) -> Streamed {
    let mut req = request(fault);
    req.persona_id = Some(first_persona(client).await);
    let no_retries = RetryPolicy {
        max_retries: 0,
        ..quick_policy()
    };
    run(client, no_retries, req).await
}

async fn whole_text(client: &Client) -> String {
    let a = streamed(client, None).await;
    assert_eq!(a.ending, Some(Outcome::Completed));
    a.text
}

#[tokio::test]
async fn every_framing_tolerance_yields_the_same_answer() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let reference = whole_text(&client).await;
    assert!(
        reference.split_whitespace().count() > 20,
        "a real answer: {reference}"
    );
    for fault in [
        "crlf",
        "cr",
        "done",
        "keepalive",
        "unknown_events",
        "no_event_lines",
        "no_sequence",
        "multiline_data",
        "linger",
        "empty_output",
        "no_deltas",
        "output_only",
    ] {
        let a = streamed(&client, Some(fault)).await;
        assert_eq!(a.ending, Some(Outcome::Completed), "{fault}");
        assert_eq!(a.text, reference, "{fault}");
        assert!(
            a.usage.as_ref().and_then(|u| u.credits_used).is_some(),
            "{fault}: credits reported"
        );
    }
}

#[tokio::test]
async fn byte_split_chunking_keeps_multibyte_text_intact() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let a = streamed(&client, Some("split")).await;
    assert_eq!(a.ending, Some(Outcome::Completed));
    assert!(a.text.contains('é') || a.text.contains("日本"), "{}", a.text);
    assert!(!a.text.contains('\u{fffd}'), "no replacement characters");
}

#[tokio::test]
async fn missing_credits_is_unknown_not_zero() {
    let sim = start(fast()).await;
    let a = streamed(&client_for(&sim), Some("no_credits")).await;
    assert_eq!(a.ending, Some(Outcome::Completed));
    assert_eq!(a.usage.and_then(|u| u.credits_used), None);
}

#[tokio::test]
async fn errors_after_http_200_end_the_answer_with_text_kept() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    for fault in ["failed=3", "error_event=3", "error_event_flat=3"] {
        let a = streamed(&client, Some(fault)).await;
        assert!(
            matches!(a.ending, Some(Outcome::Failed(ApiError::StreamFailed { .. }))),
            "{fault}: {:?}",
            a.ending
        );
        assert!(!a.text.is_empty(), "{fault}: text before the failure is kept");
    }
    let a = streamed(&client, Some("incomplete=3")).await;
    assert_eq!(
        a.ending,
        Some(Outcome::Incomplete {
            reason: "max_output_tokens".into()
        })
    );
}

#[tokio::test]
async fn a_dropped_stream_is_interrupted_and_keeps_its_text() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let reference = whole_text(&client).await;
    let a = streamed(&client, Some("drop=5")).await;
    assert!(
        matches!(a.ending, Some(Outcome::Interrupted(_))),
        "{:?}",
        a.ending
    );
    assert!(!a.text.is_empty());
    assert!(
        reference.starts_with(&a.text),
        "partial text is a prefix of the answer"
    );
}

#[tokio::test]
async fn a_stalled_stream_times_out_clearly() {
    let sim = start(fast()).await;
    let mut config = ClientConfig::new(url::Url::parse(&sim.base_url()).expect("url"), ApiKey::new(KEY));
    config.idle_timeout = Duration::from_secs(1);
    let client = Client::new(config).expect("client");
    let a = streamed(&client, Some("stall=3")).await;
    assert_eq!(
        a.ending,
        Some(Outcome::Interrupted(ApiError::Stalled { secs: 1 }))
    );
    assert!(!a.text.is_empty());
    assert!(ApiError::Stalled { secs: 1 }.to_string().contains("stalled"));
}

#[tokio::test]
async fn large_events_and_floods_are_handled() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let big = streamed(&client, Some("big_event")).await;
    assert_eq!(big.ending, Some(Outcome::Completed));
    assert!(big.text.len() >= 2 * 1024 * 1024, "{}", big.text.len());
    let many = streamed(&client, Some("many_deltas")).await;
    assert_eq!(many.ending, Some(Outcome::Completed));
    assert!(many.pieces >= 100_000, "{}", many.pieces);
}

#[tokio::test]
async fn invalid_utf8_is_a_clear_error() {
    let sim = start(fast()).await;
    let a = streamed(&client_for(&sim), Some("invalid_utf8")).await;
    match a.ending {
        Some(Outcome::Interrupted(ApiError::Protocol { detail })) => {
            assert!(detail.contains("UTF-8"), "{detail}")
        }
        other => panic!("expected a protocol error, got {other:?}"),
    }
}

#[tokio::test]
async fn http_errors_map_per_the_spec_table() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let mut bad_key = client.config().clone();
    bad_key.api_key = ApiKey::new("not-a-mavera-key");
    let err = Client::new(bad_key)
        .expect("client")
        .list_personas()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ApiError::Auth { code, .. } if code == "invalid_api_key"),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("mvra_live_"),
        "documented message: {err}"
    );

    let mut req = request(None);
    req.persona_id = Some("cnotapersona0000000000000".into());
    let err = client.create_response(&req).await.unwrap_err();
    assert!(matches!(err, ApiError::InvalidPersona { .. }), "{err:?}");

    let mut req = request(None);
    req.model = "gpt-9".into();
    let err = client.create_response(&req).await.unwrap_err();
    assert!(err.to_string().contains("must be one of ['mavera-1']"), "{err}");

    for (fault, check) in [
        (
            "credits_exhausted",
            (|e: &ApiError| matches!(e, ApiError::Credits { .. })) as fn(&ApiError) -> bool,
        ),
        (
            "rate_limit=7",
            |e| matches!(e, ApiError::RateLimited { retry_after: Some(d), .. } if *d == Duration::from_secs(7)),
        ),
        ("server_error", |e| {
            matches!(e, ApiError::Server { status: 500, .. })
        }),
        ("unavailable", |e| {
            matches!(e, ApiError::Server { status: 503, .. })
        }),
        ("html_error", |e| e.to_string().contains("502")),
        ("forbidden", |e| matches!(e, ApiError::Forbidden { .. })),
        ("not_found", |e| matches!(e, ApiError::NotFound { .. })),
        ("empty_error", |e| {
            matches!(e, ApiError::Server { status: 500, .. })
        }),
    ] {
        let err = client.stream_response(&request(Some(fault))).await.unwrap_err();
        assert!(check(&err), "{fault}: {err:?}");
    }
}

#[tokio::test]
async fn credits_run_out_with_a_402() {
    let sim = start(SimConfig {
        initial_credits: 3.0,
        ..fast()
    })
    .await;
    let client = client_for(&sim);
    let mut last = Ok(());
    for _ in 0..5 {
        last = client.create_response(&request(None)).await.map(|_| ());
        if last.is_err() {
            break;
        }
    }
    assert!(matches!(last, Err(ApiError::Credits { .. })), "{last:?}");
    let usage = client.usage().await.expect("usage");
    assert!(usage.credits.remaining.unwrap_or(-1.0) >= 0.0);
}

fn quick_policy() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(100),
        max_retry_after: Duration::from_secs(5),
    }
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retried_before_output() {
    let sim = start(SimConfig {
        faults: FaultPlan::parse("rate_limit=1*1,server_error*1,unavailable*1").expect("plan"),
        ..fast()
    })
    .await;
    let client = client_for(&sim);
    let answer = run(&client, quick_policy(), request(None)).await;
    assert_eq!(answer.ending, Some(Outcome::Completed));
    let waits = answer.waits;
    assert_eq!(waits.len(), 3, "{waits:?}");
    assert_eq!(waits[0], Duration::from_secs(1), "Retry-After honoured");
    let posts = sim.records().into_iter().filter(|r| r.method == "POST").count();
    assert_eq!(posts, 4);
}

#[tokio::test]
async fn retries_are_bounded() {
    let sim = start(SimConfig {
        faults: FaultPlan::parse("server_error").expect("plan"),
        ..fast()
    })
    .await;
    let client = client_for(&sim);
    let req = request(None);
    let result = with_retry(&quick_policy(), || client.stream_response(&req), |_, _, _| {}).await;
    assert!(matches!(result, Err(ApiError::Server { status: 500, .. })));
    assert_eq!(sim.records().iter().filter(|r| r.method == "POST").count(), 4);
}

#[tokio::test]
async fn nothing_is_resent_after_output_began() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let answer = run(&client, quick_policy(), request(Some("drop=3"))).await;
    assert!(matches!(answer.ending, Some(Outcome::Interrupted(_))));
    assert_eq!(sim.records().iter().filter(|r| r.method == "POST").count(), 1);
}

#[tokio::test]
async fn pagination_is_followed_to_the_end() {
    let sim = start(SimConfig {
        page_size_default: 5,
        ..fast()
    })
    .await;
    let client = client_for(&sim);
    let all = client.list_personas().await.expect("personas");
    let mut ids: Vec<_> = all.iter().map(|p| p.id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), all.len(), "no duplicates");
    assert!(all.len() >= 12, "{}", all.len());
}

#[tokio::test]
async fn a_cursor_that_never_ends_does_not_loop_forever() {
    let personas: Vec<_> = (0..3)
        .map(|i| json!({"id": format!("c{i:024}"), "name": format!("P{i}"), "category": "X"}))
        .map(|v| serde_json::from_value(v).expect("persona"))
        .collect();
    let sim = start(SimConfig {
        replace_personas: Some(personas),
        ..fast()
    })
    .await;
    // The simulator ends its pages; the client's own bound is what a bad server meets.
    let all = client_for(&sim).list_personas().await.expect("personas");
    assert_eq!(all.len(), 3);
}

#[tokio::test]
async fn non_streaming_create_returns_text_and_usage() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let mut req = request(None);
    req.persona_id = Some(first_persona(&client).await);
    let r = client.create_response(&req).await.expect("response");
    assert_eq!(r.status, "completed");
    assert!(!r.output_text().is_empty());
    let credits = r.usage.and_then(|u| u.credits_used).expect("credits");
    assert!((1.0..=5.0).contains(&credits), "{credits}");
}

#[tokio::test]
async fn connection_refused_names_the_url() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let url = format!("http://127.0.0.1:{port}/api/v1");
    let client = Client::new(ClientConfig::new(
        url::Url::parse(&url).expect("url"),
        ApiKey::new(KEY),
    ))
    .expect("client");
    let err = client.list_personas().await.unwrap_err();
    assert!(matches!(err, ApiError::Connect { .. }), "{err:?}");
    assert!(err.to_string().contains(&url), "{err}");
}

#[tokio::test]
async fn dns_and_tls_failures_are_messages() {
    let dns = Client::new(ClientConfig::new(
        url::Url::parse("https://no-such-host.invalid/api/v1").expect("url"),
        ApiKey::new(KEY),
    ))
    .expect("client");
    let err = dns.list_personas().await.unwrap_err();
    assert!(
        matches!(err, ApiError::Dns { .. } | ApiError::Connect { .. }),
        "{err:?}"
    );

    // TLS spoken to a plain-HTTP server: a handshake failure, not a panic.
    let sim = start(fast()).await;
    let tls_url = sim.base_url().replace("http://", "https://");
    let tls = Client::new(ClientConfig::new(
        url::Url::parse(&tls_url).expect("url"),
        ApiKey::new(KEY),
    ))
    .expect("client");
    let err = tls.list_personas().await.unwrap_err();
    assert!(
        matches!(err, ApiError::Tls { .. } | ApiError::Connect { .. }),
        "{err:?}"
    );
    assert!(!err.to_string().is_empty());
}

/// The answer the app shows for `prompt`: the reducer fed by the request task's stream.
async fn in_the_app(client: &Client, prompt: &str) -> (String, MessageStatus) {
    let persona = first_persona(client).await;
    let mut app = App::loaded();
    app.pick("cgenz");
    app.ask_over(client, quick_policy(), prompt, |r| r.persona_id = Some(persona))
        .await;
    app.last_answer()
}

#[tokio::test]
async fn the_app_shows_the_whole_answer_wherever_the_server_puts_the_text() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let prompt = "Is a yearly plan worth it?";
    let (reference, status) = in_the_app(&client, prompt).await;
    assert_eq!(status, MessageStatus::Done);
    assert!(reference.split_whitespace().count() > 10, "{reference}");
    for fault in ["no_deltas", "output_only", "empty_output"] {
        let shown = in_the_app(&client, &format!("{prompt} #fault:{fault}")).await;
        assert_eq!(shown, (reference.clone(), MessageStatus::Done), "{fault}");
    }
}

//! The simulator over real HTTP on loopback, seen from a plain HTTP client: the contract
//! of `mavera-api.md` (auth, validation, pagination, the response object, the event
//! order, credits, rate limits) and the faults as they appear on the wire.

use std::net::SocketAddr;
use std::time::Duration;

use mavera_tui::api::wire::{ErrorEnvelope, PersonaPage, ResponseObject, UsageReport};
use mavera_tui::sim::{self, hostile_persona, FaultPlan, RequestRecord, SimConfig, SimHandle};
use serde_json::{json, Value};

const KEY: &str = "mvra_live_simtest_0123456789abcdef0123";
const GENZ: &str = "clx1genz00001abcdef007919";
const CFO: &str = "clx1cfoo00007abcdef055433";

async fn start(config: SimConfig) -> SimHandle {
    sim::spawn(config, SocketAddr::from(([127, 0, 0, 1], 0)))
        .await
        .expect("simulator starts")
}

fn fast() -> SimConfig {
    SimConfig {
        tokens_per_sec: 0.0,
        ..SimConfig::default()
    }
}

fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client")
}

fn ask(prompt: &str, persona: Option<&str>, stream: bool) -> Value {
    let mut b = json!({"model": "mavera-1", "input": prompt, "stream": stream});
    if let Some(p) = persona {
        b["persona_id"] = json!(p);
    }
    b
}

async fn post(sim: &SimHandle, body: &Value, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = http()
        .post(format!("{}/responses", sim.base_url()))
        .bearer_auth(KEY)
        .json(body);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("request sent")
}

async fn get(sim: &SimHandle, path_and_query: &str) -> reqwest::Response {
    http()
        .get(format!("{}{path_and_query}", sim.base_url()))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("sent")
}

async fn error_of(resp: reqwest::Response) -> (u16, mavera_tui::api::wire::ErrorBody) {
    let status = resp.status().as_u16();
    let ct = resp
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    assert!(
        ct.starts_with("application/json"),
        "error bodies are JSON, got {ct}"
    );
    let env: ErrorEnvelope = resp.json().await.expect("error envelope");
    (status, env.error)
}

/// Reads a body to its end; `true` with it when the connection broke before the end.
async fn read_all(mut resp: reqwest::Response) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(c)) => out.extend_from_slice(&c),
            Ok(None) => return (out, false),
            Err(_) => return (out, true),
        }
    }
}

/// A minimal SSE reader: any line ending, comments skipped, `data:` lines joined.
fn sse(bytes: &[u8]) -> Vec<Value> {
    let text = String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .replace('\r', "\n");
    let mut out = Vec::new();
    for block in text.split("\n\n") {
        let data: Vec<&str> = block
            .lines()
            .filter_map(|l| l.strip_prefix("data:"))
            .map(|d| d.strip_prefix(' ').unwrap_or(d))
            .collect();
        if data.is_empty() || data == ["[DONE]"] {
            continue;
        }
        out.push(
            serde_json::from_str(&data.join("\n")).unwrap_or_else(|e| panic!("bad event JSON {e}: {block}")),
        );
    }
    out
}

fn types(events: &[Value]) -> Vec<&str> {
    events.iter().filter_map(|e| e["type"].as_str()).collect()
}

fn deltas_text(events: &[Value]) -> String {
    events
        .iter()
        .filter(|e| e["type"] == "response.output_text.delta")
        .filter_map(|e| e["delta"].as_str())
        .collect()
}

#[tokio::test]
async fn auth_errors_follow_the_spec() {
    let sim = start(SimConfig {
        key: Some(KEY.into()),
        ..fast()
    })
    .await;
    let url = format!("{}/responses", sim.base_url());
    let body = ask("hi", None, false);
    let resp = http().post(&url).json(&body).send().await.expect("sent");
    assert!(
        resp.headers().contains_key("x-ratelimit-limit"),
        "rate headers on every reply"
    );
    let (status, e) = error_of(resp).await;
    assert_eq!((status, e.code.as_deref()), (401, Some("missing_api_key")));
    let documented = "Invalid API key. Ensure your key starts with 'mvra_live_' and has not been revoked.";
    for bad in [
        "sk-0123456789abcdef0123456789abcdef",
        "mvra_live_short",
        "mvra_live_0000000000000000000000000000000",
    ] {
        let resp = http()
            .post(&url)
            .bearer_auth(bad)
            .json(&body)
            .send()
            .await
            .expect("sent");
        let (status, e) = error_of(resp).await;
        assert_eq!(
            (status, e.code.as_deref(), e.message.as_str()),
            (401, Some("invalid_api_key"), documented),
            "{bad}"
        );
    }
    let resp = http()
        .post(&url)
        .json(&ask("hi", None, true))
        .header("authorization", "Basic x")
        .send();
    let (status, _) = error_of(resp.await.expect("sent")).await;
    assert_eq!(status, 401);
    assert_eq!(post(&sim, &body, &[]).await.status(), 200, "the pinned key works");
    assert!(sim.records().iter().any(|r| !r.authorization_present));
}

#[tokio::test]
async fn request_validation_errors() {
    let sim = start(fast()).await;
    let url = format!("{}/responses", sim.base_url());
    let raw = http()
        .post(&url)
        .bearer_auth(KEY)
        .body("{not json")
        .send()
        .await
        .expect("sent");
    assert_eq!(error_of(raw).await.1.code.as_deref(), Some("invalid_field"));
    let cases = [
        (
            json!({"model": "gpt-4o", "input": "x", "stream": true}),
            "invalid_model",
            Some("model"),
        ),
        (
            json!({"model": "mavera-1", "stream": true}),
            "missing_field",
            Some("input"),
        ),
        (
            json!({"model": "mavera-1", "input": "x".repeat(100_001)}),
            "invalid_field",
            Some("input"),
        ),
        (
            json!({"model": "mavera-1", "input": "x", "persona_id": "cnope"}),
            "invalid_persona",
            Some("persona_id"),
        ),
    ];
    for (body, code, param) in cases {
        let (status, e) = error_of(post(&sim, &body, &[]).await).await;
        assert_eq!(
            (status, e.code.as_deref(), e.param.as_deref()),
            (400, Some(code), param),
            "{body:.80}"
        );
    }
    let (_, e) = error_of(post(&sim, &json!({"model": "x", "input": "y"}), &[]).await).await;
    assert_eq!(
        e.message,
        "Invalid value for 'model': must be one of ['mavera-1']."
    );
    let (status, e) =
        error_of(post(&sim, &ask("hi", None, false), &[("x-sim-fault", "nonsense")]).await).await;
    assert_eq!((status, e.code.as_deref()), (400, Some("invalid_field")));
    let (status, e) = error_of(get(&sim, "/nowhere").await).await;
    assert_eq!((status, e.code.as_deref()), (404, Some("resource_not_found")));
}

#[tokio::test]
async fn pagination_yields_every_persona_once_and_filters_work() {
    let sim = start(SimConfig {
        extra_personas: vec![hostile_persona()],
        ..fast()
    })
    .await;
    let mut ids = Vec::new();
    let mut url = "/personas?limit=5".to_string();
    for _ in 0..50 {
        let page: Value = get(&sim, &url).await.json().await.expect("page");
        assert_eq!(page["object"], "list");
        let typed: PersonaPage = serde_json::from_value(page.clone()).expect("wire page");
        assert!(typed.data.len() <= 5);
        ids.extend(typed.data.iter().map(|p| p.id.clone()));
        match page["next_cursor"].as_str() {
            Some(c) => {
                assert_eq!(page["has_more"], true);
                url = format!("/personas?limit=5&cursor={c}");
            }
            None => break,
        }
    }
    let all: PersonaPage = get(&sim, "/personas?limit=100").await.json().await.expect("all");
    assert!(all.data.len() >= 15 && all.has_more == Some(false));
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(
        (ids.len(), sorted.len()),
        (all.data.len(), all.data.len()),
        "each persona exactly once"
    );
    assert!(
        all.data.iter().any(|p| p.name.contains('\x1b')),
        "the hostile persona is served, escaped in JSON"
    );

    let after: PersonaPage = get(&sim, &format!("/personas?limit=2&after={}", all.data[0].id))
        .await
        .json()
        .await
        .expect("after");
    assert_eq!(after.data[0].id, all.data[1].id);
    let gen: PersonaPage = get(&sim, "/personas?category=generational")
        .await
        .json()
        .await
        .expect("category");
    assert!(!gen.data.is_empty() && gen.data.iter().all(|p| p.category == "Generational"));
    let found: PersonaPage = get(&sim, "/personas?search=CFO")
        .await
        .json()
        .await
        .expect("search");
    assert!(found.data.iter().any(|p| p.id == CFO));
    let (status, e) = error_of(get(&sim, "/personas?limit=abc").await).await;
    assert_eq!((status, e.param.as_deref()), (400, Some("limit")));
    let small = start(SimConfig {
        page_size_default: 5,
        ..fast()
    })
    .await;
    let first: PersonaPage = get(&small, "/personas").await.json().await.expect("default page");
    assert_eq!((first.data.len(), first.has_more), (5, Some(true)));
}

#[tokio::test]
async fn non_streaming_reply_has_the_documented_shape() {
    let sim = start(fast()).await;
    let resp = post(
        &sim,
        &ask("How would you price a meal-kit subscription?", Some(GENZ), false),
        &[],
    )
    .await;
    assert_eq!(resp.status(), 200);
    let v: Value = resp.json().await.expect("json");
    assert_eq!(
        (v["object"].as_str(), v["status"].as_str(), v["model"].as_str()),
        (Some("response"), Some("completed"), Some("mavera-1"))
    );
    assert!(v["id"].as_str().is_some_and(|id| id.starts_with("resp_")) && v["created_at"].is_i64());
    assert_eq!(
        (
            v["output"][0]["type"].as_str(),
            v["output"][0]["content"][0]["type"].as_str()
        ),
        (Some("message"), Some("output_text"))
    );
    let r: ResponseObject = serde_json::from_value(v).expect("wire response");
    let u = r.usage.clone().expect("usage");
    assert_eq!(
        u.total_tokens,
        Some(u.input_tokens.unwrap_or(0) + u.output_tokens.unwrap_or(0))
    );
    assert!(u.credits_used.is_some_and(|c| (1.0..=5.0).contains(&c)));
    let text = r.output_text();
    assert!(text.contains("meal-kit subscription"), "{text}");
    let again: ResponseObject = post(
        &sim,
        &ask("How would you price a meal-kit subscription?", Some(GENZ), false),
        &[],
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(again.output_text(), text, "deterministic");
    assert_ne!(again.id, r.id, "ids are unique");
    let cfo: ResponseObject = post(
        &sim,
        &ask("How would you price a meal-kit subscription?", Some(CFO), false),
        &[],
    )
    .await
    .json()
    .await
    .expect("json");
    assert_ne!(cfo.output_text(), text, "another persona, another voice");
    let multi = json!({"model": "mavera-1", "persona_id": CFO, "instructions": "Focus on cash flow.", "input": [
        {"role": "user", "content": "Should we buy a CRM?"},
        {"role": "assistant", "content": "Maybe."},
        {"role": "user", "content": [{"type": "input_text", "text": "What about warehouse robots?"}]},
    ]});
    let m: ResponseObject = post(&sim, &multi, &[]).await.json().await.expect("json");
    let t = m.output_text();
    assert!(
        t.contains("warehouse robots") && t.contains("Focusing on cash flow"),
        "{t}"
    );
}

#[tokio::test]
async fn streaming_follows_the_openai_event_order() {
    let sim = start(fast()).await;
    let resp = post(
        &sim,
        &ask("Thoughts on electric cargo bikes?", Some(CFO), true),
        &[],
    )
    .await;
    assert_eq!(resp.headers()["content-type"], "text/event-stream");
    let (bytes, broke) = read_all(resp).await;
    assert!(!broke);
    let text = String::from_utf8(bytes.clone()).expect("utf8");
    assert!(
        text.starts_with("event: response.created\ndata: {"),
        "{:.80}",
        text
    );
    let ev = sse(&bytes);
    let t = types(&ev);
    let deltas = t.iter().filter(|k| **k == "response.output_text.delta").count();
    let head = [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ];
    let tail = [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ];
    assert_eq!(t[..4], head);
    assert_eq!(t[t.len() - 4..], tail);
    assert_eq!(deltas + 8, t.len());
    for (i, e) in ev.iter().enumerate() {
        assert_eq!(e["sequence_number"].as_u64(), Some(i as u64));
    }
    let d = ev
        .iter()
        .find(|e| e["type"] == "response.output_text.delta")
        .expect("a delta");
    assert!(d["item_id"].is_string() && d["output_index"] == 0 && d["content_index"] == 0);
    let done: ResponseObject =
        serde_json::from_value(ev[ev.len() - 1]["response"].clone()).expect("response");
    assert_eq!(done.output_text(), deltas_text(&ev));
    assert!(done.usage.and_then(|u| u.credits_used).is_some());
    let whole: ResponseObject = post(
        &sim,
        &ask("Thoughts on electric cargo bikes?", Some(CFO), false),
        &[],
    )
    .await
    .json()
    .await
    .expect("json");
    assert_eq!(
        whole.output_text(),
        deltas_text(&ev),
        "streamed and whole answers agree"
    );
}

mod behaviour;

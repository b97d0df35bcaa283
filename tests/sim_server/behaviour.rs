//! The simulator's behaviour over time and under faults: credits, rate limits, faults on
//! the wire, stalls, concurrency, aliases and optional request fields.

use super::*;

#[tokio::test]
async fn credits_are_charged_until_402() {
    let sim = start(SimConfig {
        initial_credits: 3.0,
        ..fast()
    })
    .await;
    let mut charged = 0.0;
    for _ in 0..3 {
        let r = post(&sim, &ask("hello there", None, false), &[]).await;
        if r.status() == 402 {
            break;
        }
        let r: ResponseObject = r.json().await.expect("json");
        charged += r.usage.and_then(|u| u.credits_used).expect("credits");
    }
    assert!((sim.credits_remaining() - (3.0 - charged).max(0.0)).abs() < 1e-9);
    while sim.credits_remaining() >= 1.0 {
        assert_eq!(post(&sim, &ask("more", None, false), &[]).await.status(), 200);
    }
    let (status, e) = error_of(post(&sim, &ask("one more", None, true), &[]).await).await;
    assert_eq!(
        (status, e.code.as_deref(), e.kind.as_deref()),
        (402, Some("credits_exhausted"), Some("insufficient_credits"))
    );
    assert_eq!(
        e.message,
        "Insufficient credits. Please upgrade your subscription or wait for your next billing cycle."
    );
    let usage: UsageReport = get(&sim, "/usage").await.json().await.expect("usage");
    assert_eq!(
        (usage.credits.included, usage.credits.remaining),
        (Some(3.0), Some(sim.credits_remaining()))
    );
    assert_eq!(usage.credits.percentage_used, Some(100.0));
    assert!(usage
        .billing_period
        .is_some_and(|b| b.start.ends_with("T00:00:00.000Z")));
    let charges: Vec<f64> = sim.records().iter().filter_map(|r| r.credits_charged).collect();
    assert!((charges.iter().sum::<f64>() - 3.0).abs() < 1e-9, "{charges:?}");
}

#[tokio::test]
async fn rate_limit_refuses_with_retry_after() {
    let sim = start(SimConfig {
        rate_limit_rpm: 2,
        ..fast()
    })
    .await;
    let first = get(&sim, "/usage").await;
    assert_eq!(
        (
            first.headers()["x-ratelimit-limit"].to_str().ok(),
            first.headers()["x-ratelimit-remaining"].to_str().ok()
        ),
        (Some("2"), Some("1"))
    );
    let reset: u64 = first.headers()["x-ratelimit-reset"]
        .to_str()
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("reset");
    assert!(reset > 1_700_000_000);
    assert_eq!(post(&sim, &ask("a", None, false), &[]).await.status(), 200);
    let refused = post(&sim, &ask("b", None, true), &[]).await;
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .ok()
        .and_then(|s| s.parse().ok())
        .expect("Retry-After");
    assert!((1..=60).contains(&retry));
    let (status, e) = error_of(refused).await;
    assert_eq!(
        (status, e.code.as_deref(), e.kind.as_deref()),
        (429, Some("rate_limit_exceeded"), Some("rate_limit_error"))
    );
}

#[tokio::test]
async fn pre_body_faults_from_every_source() {
    let plan = FaultPlan::parse("server_error*1, unavailable*1@CFO, rate_limit=7*1@/personas").expect("plan");
    let sim = start(SimConfig {
        faults: plan,
        ..fast()
    })
    .await;
    assert_eq!(post(&sim, &ask("x", Some(GENZ), false), &[]).await.status(), 500);
    assert_eq!(
        post(&sim, &ask("x", Some(GENZ), false), &[]).await.status(),
        200,
        "*1 spent"
    );
    assert_eq!(
        post(&sim, &ask("x", Some(CFO), false), &[]).await.status(),
        503,
        "targeted by name"
    );
    let limited = get(&sim, "/personas").await;
    assert_eq!(
        (
            limited.status().as_u16(),
            limited.headers()["retry-after"].to_str().ok()
        ),
        (429, Some("7"))
    );
    let (status, e) =
        error_of(post(&sim, &ask("x", None, true), &[("X-Sim-Fault", "rate_limit=2")]).await).await;
    assert_eq!(
        (status, e.message.as_str()),
        (429, "Rate limit exceeded. Please retry after 2 seconds.")
    );
    let html = post(
        &sim,
        &json!({"model": "mavera-1", "input": "x", "stream": true, "sim_fault": "html_error"}),
        &[],
    )
    .await;
    assert_eq!(
        (
            html.status().as_u16(),
            html.headers()["content-type"].to_str().ok()
        ),
        (502, Some("text/html"))
    );
    assert!(html.text().await.expect("body").contains("<html>"));
    let empty = post(&sim, &ask("x #fault:empty_error", None, false), &[]).await;
    assert_eq!(empty.status(), 500);
    assert!(empty.bytes().await.expect("body").is_empty());
    let credits = post(
        &sim,
        &ask("x", None, false),
        &[("x-sim-fault", "credits_exhausted")],
    )
    .await;
    assert_eq!(
        error_of(credits).await.1.code.as_deref(),
        Some("credits_exhausted")
    );
    let labels: Vec<Vec<String>> = sim.records().into_iter().map(|r| r.faults).collect();
    assert_eq!(labels[0], vec!["server_error"]);
    assert!(labels.iter().any(|l| l == &["rate_limit=7"]));
}

#[tokio::test]
async fn stream_faults_are_visible_on_the_wire() {
    let sim = start(fast()).await;
    let stream_with = |fault: &'static str| {
        let body = json!({"model": "mavera-1", "input": "Our loyalty app", "persona_id": GENZ, "stream": true, "sim_fault": fault});
        let sim = &sim;
        async move { read_all(post(sim, &body, &[]).await).await }
    };
    let (reference, _) = stream_with("keepalive").await;
    let reference = deltas_text(&sse(&reference));

    let (crlf, broke) = stream_with("crlf").await;
    let s = String::from_utf8(crlf.clone()).expect("utf8");
    assert!(!broke && s.contains("\r\n\r\n") && s.matches('\n').count() == s.matches("\r\n").count());
    assert_eq!(deltas_text(&sse(&crlf)), reference);

    let (done, _) = stream_with("done").await;
    assert!(done.ends_with(b"data: [DONE]\n\n"));

    let (dropped, broke) = stream_with("drop=4").await;
    let ev = sse(&dropped);
    assert!(broke, "the connection is cut, not closed cleanly");
    assert_eq!(
        types(&ev)
            .iter()
            .filter(|t| **t == "response.output_text.delta")
            .count(),
        4
    );
    assert!(!types(&ev).iter().any(|t| t.starts_with("response.completed")));

    let (cr, _) = stream_with("cr").await;
    assert!(!cr.contains(&b'\n') && deltas_text(&sse(&cr)) == reference);

    let (split, _) = stream_with("split").await;
    let text = deltas_text(&sse(&split));
    assert!(text.contains("日本") && text.contains('🚀') && !text.contains('\u{fffd}'));

    let (hostile, _) = stream_with("hostile").await;
    assert!(
        String::from_utf8_lossy(&hostile).contains("\\u001b]52;c;"),
        "escapes travel JSON-escaped"
    );
    assert!(deltas_text(&sse(&hostile)).contains("\x1b]0;pwned\x07"));

    let (bad, _) = stream_with("invalid_utf8").await;
    assert!(std::str::from_utf8(&bad).is_err());

    let (quiet, _) = stream_with("no_event_lines,no_sequence,empty_output,no_credits").await;
    let q = String::from_utf8(quiet.clone()).expect("utf8");
    assert!(q.starts_with("data: ") && q.contains("event: message"));
    let ev = sse(&quiet);
    assert!(ev.iter().all(|e| e.get("sequence_number").is_none()));
    let last = &ev[ev.len() - 1]["response"];
    assert!(last["output"].is_null() && last["usage"].get("credits_used").is_none());

    let (multi, _) = stream_with("multiline_data,unknown_events").await;
    let ev = sse(&multi);
    assert!(types(&ev).contains(&"response.metadata") && deltas_text(&ev) == reference);

    let (failed, _) = stream_with("failed=2").await;
    let ev = sse(&failed);
    assert_eq!(ev[ev.len() - 1]["response"]["error"]["code"], "server_error");
    let (big, _) = stream_with("big_event").await;
    let ev = sse(&big);
    assert!(ev
        .iter()
        .any(|e| e["delta"].as_str().is_some_and(|d| d.len() >= 2 * 1024 * 1024)));
    let (many, _) = stream_with("many_deltas").await;
    let n = memchr::memmem::find_iter(&many, b"event: response.output_text.delta\n").count();
    assert_eq!(n, 100_000);
}

#[tokio::test]
async fn stalled_and_lingering_streams_stay_open_and_shutdown_still_ends_them() {
    let sim = start(fast()).await;
    for fault in ["stall=3", "linger"] {
        let mut resp = post(
            &sim,
            &json!({"model": "mavera-1", "input": "x", "stream": true, "sim_fault": fault}),
            &[],
        )
        .await;
        let mut got = Vec::new();
        loop {
            match tokio::time::timeout(Duration::from_millis(400), resp.chunk()).await {
                Ok(Ok(Some(c))) => got.extend_from_slice(&c),
                Ok(other) => panic!("{fault}: the body ended: {other:?}"),
                Err(_) => break,
            }
        }
        let t = types(&sse(&got))
            .into_iter()
            .map(String::from)
            .collect::<Vec<_>>();
        assert_eq!(
            t.contains(&"response.completed".to_string()),
            fault == "linger",
            "{fault}: {t:?}"
        );
        drop(resp);
    }
    let mut open = post(
        &sim,
        &json!({"model": "mavera-1", "input": "x", "stream": true, "sim_fault": "stall=1"}),
        &[],
    )
    .await;
    let _ = open.chunk().await;
    let stopped = tokio::time::timeout(Duration::from_secs(3), sim.shutdown()).await;
    assert!(stopped.is_ok(), "shutdown is not held up by a stalled stream");
}

#[tokio::test]
async fn concurrent_streams_overlap_in_the_records() {
    let sim = start(SimConfig {
        tokens_per_sec: 100.0,
        answer_words: Some(40),
        ..SimConfig::default()
    })
    .await;
    let jobs = [GENZ, CFO, "clx1swen00009abcdef071271"].map(|p| {
        let body = ask("Launching a budgeting app", Some(p), true);
        let url = format!("{}/responses", sim.base_url());
        tokio::spawn(async move {
            let resp = http()
                .post(url)
                .bearer_auth(KEY)
                .json(&body)
                .send()
                .await
                .expect("sent");
            read_all(resp).await
        })
    });
    for j in jobs {
        let (bytes, broke) = j.await.expect("joined");
        assert!(!broke && types(&sse(&bytes)).contains(&"response.completed"));
    }
    tokio::time::sleep(Duration::from_millis(50)).await;
    let over_http: Vec<RequestRecord> = http()
        .get(format!("http://{}/_sim/requests", sim.addr()))
        .send()
        .await
        .expect("sent")
        .json()
        .await
        .expect("records");
    assert_eq!(over_http, sim.records());
    let streams: Vec<&RequestRecord> = over_http.iter().filter(|r| r.stream).collect();
    assert_eq!(streams.len(), 3);
    let last_start = streams.iter().map(|r| r.started_ms).max().expect("starts");
    let first_end = streams.iter().filter_map(|r| r.finished_ms).min().expect("ends");
    assert!(last_start < first_end, "all three were open at once: {streams:?}");
    assert!(streams
        .iter()
        .all(|r| r.status == 200 && r.path == "/api/v1/responses" && r.persona_id.is_some()));
}

#[tokio::test]
async fn v1_alias_and_full_speed_long_answers() {
    let sim = start(SimConfig {
        answer_words: Some(20_000),
        ..fast()
    })
    .await;
    let url = format!("http://{}/v1/responses", sim.addr());
    let resp = http()
        .post(url)
        .bearer_auth(KEY)
        .json(&ask("benchmarks", Some(GENZ), true))
        .send()
        .await
        .expect("sent");
    let (bytes, broke) = read_all(resp).await;
    assert!(!broke);
    let text = deltas_text(&sse(&bytes));
    assert_eq!(text.split_whitespace().count(), 20_000);
    let personas = http()
        .get(format!("http://{}/v1/personas", sim.addr()))
        .bearer_auth(KEY)
        .send()
        .await
        .expect("sent");
    assert_eq!(personas.status(), 200);
    assert_eq!(sim.records()[1].path, "/v1/personas");
}

#[tokio::test]
async fn optional_fields_shape_the_reply() {
    let sim = start(fast()).await;
    let body = json!({"model": "mavera-1", "input": "Pricing of e-bikes", "max_output_tokens": 10, "analysis_mode": true});
    let resp = post(&sim, &body, &[]).await;
    assert!(resp.headers()["x-request-id"]
        .to_str()
        .is_ok_and(|id| id.starts_with("req_")));
    let r: ResponseObject = resp.json().await.expect("json");
    assert_eq!(r.status, "incomplete");
    assert_eq!(
        r.incomplete_details.map(|d| d.reason).as_deref(),
        Some("max_output_tokens")
    );
    assert!(r.usage.and_then(|u| u.output_tokens).is_some_and(|t| t <= 10));
    let analysis = r.analysis.expect("analysis");
    assert!(analysis["confidence"]
        .as_u64()
        .is_some_and(|c| (1..=10).contains(&c)));
    assert!(analysis["emotion"]["emotional_valence"].is_u64() && analysis["biases"][0]["name"].is_string());
    let stream = json!({"model": "mavera-1", "input": "x", "stream": true, "sim_fault": ["incomplete=3"]});
    let (bytes, _) = read_all(post(&sim, &stream, &[]).await).await;
    let ev = sse(&bytes);
    assert_eq!(ev[ev.len() - 1]["type"], "response.incomplete");
    assert_eq!(
        ev.iter()
            .filter(|e| e["type"] == "response.output_text.delta")
            .count(),
        3
    );
}

//! The real `mavera-tui` binary, headless: `personas`, `ask`, `sim`, exit codes, and the
//! key never printed.

use std::process::Stdio;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, BufReader};

use mavera_tui::sim::SimConfig;

use crate::support::bin::{command, run, text};
use crate::support::sim::{fast, start, KEY};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_lists_personas_grouped() {
    let home = tempfile::tempdir().expect("home");
    let out = run(home.path(), &["--demo", "personas"], &[]).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Gen Z Consumer"), "{stdout}");
    assert!(stdout.contains("Generational"), "{stdout}");
    assert!(
        !text(&out.stderr).contains("no personas came"),
        "the server's own list"
    );
    let json = run(home.path(), &["--demo", "personas", "--json"], &[]).await;
    let list: serde_json::Value = serde_json::from_slice(&json.stdout).expect("json");
    assert!(list.as_array().map(Vec::len).unwrap_or(0) >= 12);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_ask_streams_and_reports_credits() {
    let home = tempfile::tempdir().expect("home");
    let out = run(
        home.path(),
        &["--demo", "ask", "--persona", "gen z consumer", "hello"],
        &[],
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).split_whitespace().count() > 20,
        "{}",
        text(&out.stdout)
    );
    let stderr = text(&out.stderr);
    assert!(stderr.contains("credit") && stderr.contains("tokens"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_prints_text_as_it_arrives() {
    let sim = start(SimConfig {
        tokens_per_sec: 150.0,
        ..SimConfig::default()
    })
    .await;
    let home = tempfile::tempdir().expect("home");
    let mut cmd = command(home.path());
    cmd.args(["ask", "-p", "Software Engineer", "Should we rewrite it in Rust?"])
        .env("MAVERA_BASE_URL", sim.base_url())
        .env("MAVERA_API_KEY", KEY)
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    let start = Instant::now();
    let mut arrivals = Vec::new();
    let mut buf = [0u8; 4096];
    while let Ok(n) = stdout.read(&mut buf).await {
        if n == 0 {
            break;
        }
        arrivals.push(start.elapsed());
    }
    let status = child.wait().await.expect("exit");
    assert!(status.success());
    assert!(arrivals.len() >= 5, "text arrived in {} pieces", arrivals.len());
    let spread = *arrivals.last().unwrap_or(&Duration::ZERO) - arrivals[0];
    assert!(
        spread >= Duration::from_millis(200),
        "pieces spread over {spread:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_personas_stream_concurrently_under_headers() {
    let sim = start(SimConfig {
        tokens_per_sec: 200.0,
        ..SimConfig::default()
    })
    .await;
    let home = tempfile::tempdir().expect("home");
    let env = [
        ("MAVERA_BASE_URL", sim.base_url()),
        ("MAVERA_API_KEY", KEY.to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = run(
        home.path(),
        &[
            "ask",
            "-p",
            "Gen Z Consumer",
            "-p",
            "CFO",
            "-p",
            "B2B Decision Maker",
            "A new pricing page",
        ],
        &env,
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let positions: Vec<usize> = ["## Gen Z Consumer", "## CFO", "## B2B Decision Maker"]
        .iter()
        .map(|h| {
            stdout
                .find(h)
                .unwrap_or_else(|| panic!("{h} missing in {stdout}"))
        })
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "in the order asked");
    assert_eq!(text(&out.stderr).matches(" credit").count(), 3);
    let posts: Vec<_> = sim.records().into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 3);
    let last_start = posts.iter().map(|r| r.started_ms).max().unwrap_or(0);
    let first_end = posts.iter().filter_map(|r| r.finished_ms).min().unwrap_or(0);
    assert!(last_start < first_end, "all three overlapped: {posts:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_separate_sim_behaves_like_demo() {
    let home = tempfile::tempdir().expect("home");
    let mut sim = command(home.path());
    sim.args(["sim", "--port", "0", "--tps", "0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let mut child = sim.spawn().expect("sim starts");
    let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
    let url = tokio::time::timeout(Duration::from_secs(20), lines.next_line())
        .await
        .expect("prints its URL")
        .expect("reads")
        .expect("a line");
    assert!(
        url.starts_with("http://127.0.0.1:") && url.ends_with("/api/v1"),
        "{url}"
    );
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let listed = run(home.path(), &["personas"], &env).await;
    let demo_listed = run(home.path(), &["--demo", "personas"], &[]).await;
    assert!(listed.status.success());
    assert_eq!(text(&listed.stdout), text(&demo_listed.stdout));
    let asked = run(home.path(), &["ask", "-p", "CFO", "hello"], &env).await;
    let demo_asked = run(home.path(), &["--demo", "ask", "-p", "CFO", "hello"], &[]).await;
    assert!(asked.status.success(), "{}", text(&asked.stderr));
    assert_eq!(
        text(&asked.stdout),
        text(&demo_asked.stdout),
        "same seed, same answer"
    );
    let _ = child.kill().await;
}

/// (args, extra env, expected exit code, text expected on stderr)
async fn expect_failure(args: &[&str], env: &[(&str, &str)], code: i32, needles: &[&str]) {
    let home = tempfile::tempdir().expect("home");
    let out = run(home.path(), args, env).await;
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(code), "{args:?}: {stderr}");
    for n in needles {
        assert!(stderr.contains(n), "{args:?}: expected {n:?} in {stderr}");
    }
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_reach_the_user_with_advice_and_exit_codes() {
    let sim = start(fast()).await;
    let url = sim.base_url();
    let good = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let bad_key = [
        ("MAVERA_BASE_URL", url.as_str()),
        ("MAVERA_API_KEY", "sk-not-a-mavera-key-000000000000000000"),
    ];
    let fault = |f: &str| format!("hello #fault:{f}");
    expect_failure(
        &["personas"],
        &bad_key,
        1,
        &["API key rejected", "MAVERA_API_KEY"],
    )
    .await;
    expect_failure(
        &["personas"],
        &[("MAVERA_BASE_URL", url.as_str())],
        2,
        &["no API key", "--demo"],
    )
    .await;
    expect_failure(
        &["ask", "-p", "Nobody At All", "hi"],
        &good,
        2,
        &["no persona matches"],
    )
    .await;
    expect_failure(
        &["ask", "-p", "CFO", &fault("credits_exhausted")],
        &good,
        1,
        &["out of credits"],
    )
    .await;
    expect_failure(
        &["ask", "-p", "CFO", &fault("drop=3")],
        &good,
        1,
        &["interrupted"],
    )
    .await;
    expect_failure(&["ask", "-p", "CFO", &fault("failed=2")], &good, 1, &["failed"]).await;
    for (f, needle) in [
        ("forbidden", "forbidden: This API key"),
        ("not_found", "not found: Unknown endpoint"),
        ("server_error", "server error (HTTP 500"),
        ("unavailable", "server error (HTTP 503"),
        // Retried after each Retry-After (1 s), then given up on: bounded.
        ("rate_limit=1", "rate limited"),
    ] {
        expect_failure(&["ask", "-p", "CFO", &fault(f)], &good, 1, &[needle]).await;
    }
    expect_failure(
        &["ask", "-p", "CFO", &fault("html_error")],
        &good,
        1,
        &["HTTP 502"],
    )
    .await;
    expect_failure(&["--model", "gpt-9", "ask", "hi"], &good, 1, &["must be one of"]).await;
    let long = "x".repeat(100_001);
    expect_failure(&["ask", &long], &good, 2, &["at most 100000"]).await;
    expect_failure(&["ask", "   "], &good, 2, &["empty"]).await;
    expect_failure(
        &["personas"],
        &[
            ("MAVERA_BASE_URL", "http://127.0.0.1:1/api/v1"),
            ("MAVERA_API_KEY", KEY),
        ],
        1,
        &["http://127.0.0.1:1/api/v1"],
    )
    .await;
    expect_failure(
        &["personas"],
        &[
            ("MAVERA_BASE_URL", "http://example.com/v1"),
            ("MAVERA_API_KEY", KEY),
        ],
        2,
        &["allow_insecure_http"],
    )
    .await;
    expect_failure(
        &["personas"],
        &[("MAVERA_TUI_MAX_RETRIES", "many")],
        2,
        &["max_retries"],
    )
    .await;
    expect_failure(
        &["--config", "/nonexistent.toml", "personas"],
        &[],
        2,
        &["/nonexistent.toml"],
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_text_of_a_dropped_answer_is_printed() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let env = [
        ("MAVERA_BASE_URL", sim.base_url()),
        ("MAVERA_API_KEY", KEY.to_owned()),
    ];
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let out = run(home.path(), &["ask", "-p", "CFO", "hello #fault:drop=6"], &env).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(!text(&out.stdout).trim().is_empty(), "partial answer kept");
    assert!(
        text(&out.stderr).contains("partial answer kept"),
        "{}",
        text(&out.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_key_never_appears_in_output_or_logs() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let log = home.path().join("trace.log");
    let log_s = log.display().to_string();
    let url = sim.base_url();
    let env = [
        ("MAVERA_BASE_URL", url.as_str()),
        ("MAVERA_API_KEY", KEY),
        ("MAVERA_TUI_LOG_LEVEL", "trace"),
    ];
    for args in [
        vec!["--log-file", log_s.as_str(), "personas"],
        vec!["--log-file", log_s.as_str(), "ask", "-p", "CFO", "hi"],
        vec![
            "--log-file",
            log_s.as_str(),
            "ask",
            "-p",
            "CFO",
            "hi #fault:server_error",
        ],
        vec!["--log-file", log_s.as_str()],
    ] {
        let out = run(home.path(), &args, &env).await;
        assert!(!text(&out.stdout).contains(KEY), "{args:?} stdout");
        assert!(!text(&out.stderr).contains(KEY), "{args:?} stderr");
    }
    let logged = std::fs::read_to_string(&log).expect("log written");
    assert!(logged.len() > 200, "trace logging produced output");
    assert!(!logged.contains(KEY), "key in the log");
    assert!(!logged.contains(&KEY[10..]), "key body in the log");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_has_help() {
    let home = tempfile::tempdir().expect("home");
    for args in [
        vec!["--help"],
        vec!["personas", "--help"],
        vec!["ask", "--help"],
        vec!["sim", "--help"],
        vec!["--version"],
    ] {
        let out = run(home.path(), &args, &[]).await;
        assert!(out.status.success(), "{args:?}");
        assert!(!text(&out.stdout).is_empty(), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_prints_a_whole_comparison_as_json_or_markdown() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let url = sim.base_url();
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let args = ["ask", "-p", "CFO", "-p", "Gen Z Consumer", "--format"];
    let json = run(
        home.path(),
        &[&args[..], &["json", "Our pricing page"]].concat(),
        &env,
    )
    .await;
    assert!(json.status.success(), "{}", text(&json.stderr));
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).expect("one JSON document");
    let answers = doc["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 2);
    assert_eq!(answers[0]["persona"]["name"], "CFO");
    assert!(answers
        .iter()
        .all(|a| a["status"] == "completed" && a["usage"]["credits_used"].is_number()));
    assert!(doc["credits_used"].is_number());
    let md = run(
        home.path(),
        &[&args[..], &["markdown", "Our pricing page"]].concat(),
        &env,
    )
    .await;
    let md = text(&md.stdout);
    assert!(md.starts_with("# Our pricing page"), "{md}");
    assert!(
        md.contains("## CFO (Professional)") && md.contains("## Gen Z Consumer (Generational)"),
        "{md}"
    );
    assert_eq!(md.matches(" credits*").count(), 2, "{md}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_without_personas_uses_the_config_files_as_instructions() {
    let sim = start(mavera_tui::sim::SimConfig {
        faults: mavera_tui::sim::FaultPlan::parse("not_found@/personas").expect("plan"),
        ..fast()
    })
    .await;
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[[personas]]\nname = \"Pirate\"\ncategory = \"Fun\"\ndescription = \"Talks like a pirate\"\ninstructions = \"Answer as a pirate.\"\n",
    )
    .expect("config");
    let config_s = config.display().to_string();
    let url = sim.base_url();
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let listed = run(home.path(), &["--config", &config_s, "personas"], &env).await;
    assert!(
        listed.status.success(),
        "a missing /personas is not an error: {}",
        text(&listed.stderr)
    );
    let stdout = text(&listed.stdout);
    assert!(
        stdout.contains("Pirate") && stdout.contains("(local)"),
        "{stdout}"
    );
    // The fallback is said, on stderr: stdout stays the listing.
    let stderr = text(&listed.stderr);
    assert!(
        stderr.contains(&format!(
            "note: no personas came from {url}; listing the config file's personas only"
        )),
        "{stderr}"
    );
    let asked = run(
        home.path(),
        &["--config", &config_s, "ask", "-p", "pirate", "Ahoy?"],
        &env,
    )
    .await;
    assert!(asked.status.success(), "{}", text(&asked.stderr));
    let post = sim
        .records()
        .into_iter()
        .find(|r| r.method == "POST")
        .expect("a request");
    assert_eq!(
        post.persona_id, None,
        "a local persona travels as instructions, not persona_id"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_closed_pipe_ends_ask_quietly_with_the_conventional_status() {
    let sim = start(SimConfig {
        tokens_per_sec: 200.0,
        ..SimConfig::default()
    })
    .await;
    let home = tempfile::tempdir().expect("home");
    let mut cmd = command(home.path());
    cmd.args([
        "ask",
        "-p",
        "CFO",
        "-p",
        "Gen Z Consumer",
        "A long answer, please",
    ])
    .env("MAVERA_BASE_URL", sim.base_url())
    .env("MAVERA_API_KEY", KEY)
    .stdout(Stdio::piped())
    .stderr(Stdio::piped());
    let mut child = cmd.spawn().expect("spawn");
    let mut stdout = child.stdout.take().expect("stdout");
    // Read the first bytes, then go away as `head -c 16` would.
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).await.expect("some output");
    drop(stdout);
    let out = tokio::time::timeout(Duration::from_secs(30), child.wait_with_output())
        .await
        .expect("ends promptly")
        .expect("exit");
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(141), "128 + SIGPIPE; stderr: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("error"),
        "quiet: {stderr}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personas_with_none_at_all_is_an_error_not_an_empty_list() {
    let sim = start(SimConfig {
        replace_personas: Some(Vec::new()),
        ..fast()
    })
    .await;
    let home = tempfile::tempdir().expect("home");
    let url = sim.base_url();
    for args in [&["personas"][..], &["personas", "--json"][..]] {
        let out = run(
            home.path(),
            args,
            &[("MAVERA_BASE_URL", &url), ("MAVERA_API_KEY", KEY)],
        )
        .await;
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(text(&out.stderr).contains("no personas"), "{}", text(&out.stderr));
        assert!(out.stdout.is_empty(), "{args:?}: nothing on stdout");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_prints_the_whole_answer_wherever_the_server_puts_the_text() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let url = sim.base_url();
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let prompt = "Would you pay for faster delivery?";
    let reference = run(home.path(), &["ask", "-p", "CFO", prompt], &env).await;
    assert!(reference.status.success());
    let reference = text(&reference.stdout);
    assert!(reference.split_whitespace().count() > 10, "{reference}");
    // The marker is removed before answering, so each answer is the same one.
    for fault in ["no_deltas", "output_only"] {
        let asked = format!("{prompt} #fault:{fault}");
        let out = run(home.path(), &["ask", "-p", "CFO", &asked], &env).await;
        assert!(out.status.success(), "{fault}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), reference, "{fault}");
    }
}

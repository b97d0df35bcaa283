//! The command line's images, custom personas, usage report and budget, against the
//! simulator: `ask --image`, `persona create` with and without `--yes`, `usage --json`
//! and `--budget`.

use mavera_tui::api::image::{base64, png_header};
use serde_json::{json, Value};

use crate::support::bin::{run, text};
use crate::support::sim::{fast, start, KEY};

fn env(url: &str) -> Vec<(&'static str, String)> {
    vec![
        ("MAVERA_BASE_URL", url.to_owned()),
        ("MAVERA_API_KEY", KEY.to_owned()),
    ]
}

async fn mavera(home: &std::path::Path, args: &[&str], url: &str) -> std::process::Output {
    let env = env(url);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    run(home, args, &env).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_image_sends_a_data_url_and_refuses_what_is_not_an_image() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let png = home.path().join("chart.png");
    std::fs::write(&png, png_header(640, 480)).expect("png");
    let pdf = home.path().join("deck.png");
    std::fs::write(&pdf, b"%PDF-1.7 not an image").expect("pdf");
    let png_path = png.to_string_lossy().into_owned();
    let out = mavera(
        home.path(),
        &[
            "ask",
            "-p",
            "CFO",
            "--image",
            &png_path,
            "--image",
            "https://example.com/a.jpg",
            "Thoughts?",
        ],
        &sim.base_url(),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("Looking at the 2 images you shared (PNG, 640×480; from example.com)…"),
        "{}",
        text(&out.stdout)
    );
    let body = sim
        .records()
        .into_iter()
        .find(|r| r.method == "POST")
        .and_then(|r| r.body)
        .expect("sent");
    assert_eq!(
        body["input"],
        json!([{"role": "user", "content": [
            {"type": "input_text", "text": "Thoughts?"},
            {"type": "input_image", "image_url": format!("data:image/png;base64,{}", base64(&png_header(640, 480)))},
            {"type": "input_image", "image_url": "https://example.com/a.jpg"}
        ]}])
    );

    let before = sim.records().len();
    let pdf_path = pdf.to_string_lossy().into_owned();
    let out = mavera(
        home.path(),
        &["ask", "-p", "CFO", "--image", &pdf_path, "hi"],
        &sim.base_url(),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("not a PNG, JPEG, GIF or WebP image"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(sim.records().len(), before, "refused before any request");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn persona_create_asks_first_and_spends_300_credits_only_with_yes() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let profile = home.path().join("profile.toml");
    std::fs::write(&profile, "pipeline_type = \"advanced\"\nage_range = \"30-45\"\n").expect("profile");
    let args = [
        "persona",
        "create",
        "--name",
        "Eco Parent",
        "--description",
        "Parents who buy green",
    ];
    // No terminal and no --yes: refused, nothing sent.
    let out = mavera(home.path(), &args, &sim.base_url()).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("costs 300 credits: confirm with --yes"),
        "{}",
        text(&out.stderr)
    );
    assert!(!sim.records().iter().any(|r| r.method == "POST"));
    assert_eq!(sim.credits_remaining(), 5000.0);

    let profile_path = profile.to_string_lossy().into_owned();
    let mut with_yes = args.to_vec();
    with_yes.extend(["--type", "b2c", "--file", &profile_path, "--yes"]);
    let out = mavera(home.path(), &with_yes, &sim.base_url()).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).starts_with("created Eco Parent (c"),
        "{}",
        text(&out.stdout)
    );
    assert!(text(&out.stdout).contains("· 300 credits"));
    assert_eq!(sim.credits_remaining(), 4700.0);
    let body = sim
        .records()
        .into_iter()
        .find(|r| r.method == "POST")
        .and_then(|r| r.body);
    assert_eq!(
        body,
        Some(
            json!({"pipeline_type": "advanced", "name": "Eco Parent", "description": "Parents who buy green",
                    "type": "B2C", "age_range": "30-45"})
        )
    );
    let out = mavera(home.path(), &["personas", "--json"], &sim.base_url()).await;
    let list: Value = serde_json::from_slice(&out.stdout).expect("json");
    let mine = list
        .as_array()
        .and_then(|l| l.iter().find(|p| p["name"] == "Eco Parent"))
        .cloned()
        .expect("listed");
    assert_eq!(mine["source"], "custom");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn usage_json_and_the_budget() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let out = mavera(home.path(), &["usage", "--json"], &sim.base_url()).await;
    assert!(out.status.success(), "{}", text(&out.stderr));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["credits"]["remaining"], json!(5000.0));
    assert_eq!(report["credits"]["included"], json!(5000.0));
    assert!(report["billing_period"]["start"]
        .as_str()
        .is_some_and(|s| s.ends_with("-01T00:00:00.000Z")));
    let out = mavera(home.path(), &["usage"], &sim.base_url()).await;
    assert!(
        text(&out.stdout).starts_with("credits: 5,000 remaining of 5,000 included"),
        "{}",
        text(&out.stdout)
    );

    // Two personas may cost up to 10 credits: over a budget of 8, nothing is sent.
    let out = mavera(
        home.path(),
        &["--budget", "8", "ask", "-p", "CFO", "-p", "Gen Z Consumer", "hi"],
        &sim.base_url(),
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("over budget"), "{}", text(&out.stderr));
    assert!(!sim.records().iter().any(|r| r.method == "POST"));
    let out = mavera(
        home.path(),
        &["--budget", "10", "ask", "-p", "CFO", "-p", "Gen Z Consumer", "hi"],
        &sim.base_url(),
    )
    .await;
    assert!(out.status.success(), "{}", text(&out.stderr));
}

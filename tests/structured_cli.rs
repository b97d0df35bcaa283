//! `ask --schema` (checked JSON as text, `--json` and `--format csv`) and `ask` with the
//! config's `[[tools]]` and `[schemas]`: the binary against the simulator, with the exact
//! JSON the simulator received.

use mavera_tui::sim::SimHandle;
use serde_json::{json, Value};

use crate::structured::{last_body, lookup, reaction};
use crate::support::bin::{run, text};
use crate::support::sim::{fast, start, KEY};

async fn ask(sim: &SimHandle, home: &std::path::Path, args: &[&str]) -> (bool, String, String) {
    let url = sim.base_url();
    let env = [("MAVERA_BASE_URL", url.as_str()), ("MAVERA_API_KEY", KEY)];
    let out = run(home, args, &env).await;
    (out.status.success(), text(&out.stdout), text(&out.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_schema_prints_checked_json_as_text_json_and_csv() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let file = home.path().join("reaction.json");
    std::fs::write(&file, reaction().schema.to_string()).expect("schema file");
    let schema = file.to_str().expect("path");
    let personas = ["-p", "CFO", "-p", "Gen Z Consumer", "-p", "B2B Decision Maker"];

    let (ok, out, err) = ask(
        &sim,
        home.path(),
        &[&["ask", "--schema", schema, "-p", "CFO"][..], &["Cool?"]].concat(),
    )
    .await;
    assert!(ok, "{err}");
    let value: Value = serde_json::from_str(&out).expect("stdout is the JSON");
    assert!(value["verdict"].is_string(), "{out}");
    assert!(out.starts_with("{\n  \""), "pretty-printed: {out}");
    assert!(err.contains("[CFO] ✓ valid against schema reaction"), "{err}");

    let (ok, out, err) = ask(
        &sim,
        home.path(),
        &[
            &["ask", "--schema", schema, "--json"][..],
            &personas,
            &["Cool? #fault:bad_json"],
        ]
        .concat(),
    )
    .await;
    assert!(ok, "{err}");
    let doc: Value = serde_json::from_str(&out).expect("one document");
    let answers = doc["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 3);
    for a in answers {
        assert_eq!(a["structured"]["schema"], "reaction");
        assert_eq!(a["structured"]["valid"], false);
        assert_eq!(
            a["structured"]["violation"],
            "at /: missing required property \"verdict\""
        );
        assert!(a["structured"]["value"]["score"].is_number());
    }

    let (ok, out, err) = ask(
        &sim,
        home.path(),
        &[
            &["ask", "--schema", schema, "--format", "csv"][..],
            &personas,
            &["Cool?"],
        ]
        .concat(),
    )
    .await;
    assert!(ok, "{err}");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 4, "{out}");
    assert_eq!(lines[0], "persona,reason,score,verdict,valid");
    for (line, name) in lines[1..]
        .iter()
        .zip(["CFO", "Gen Z Consumer", "B2B Decision Maker"])
    {
        assert!(
            line.starts_with(&format!("{name},")) && line.ends_with(",true"),
            "{line}"
        );
    }

    let (ok, _, err) = ask(
        &sim,
        home.path(),
        &["ask", "--format", "csv", "-p", "CFO", "Cool?"],
    )
    .await;
    assert!(!ok && err.contains("--format csv needs --schema"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ask_sends_the_configs_tools_and_json_lists_the_call() {
    let sim = start(fast()).await;
    let home = tempfile::tempdir().expect("home");
    let config = home.path().join("config.toml");
    std::fs::write(
        &config,
        "[[tools]]\nname = \"lookup_price\"\ndescription = \"The current price of a product\"\n\
         parameters = { type = \"object\", properties = { product = { type = \"string\" } }, required = [\"product\"] }\n\n\
         [schemas]\nreaction = \"reaction.json\"\n",
    )
    .expect("config");
    std::fs::write(home.path().join("reaction.json"), reaction().schema.to_string()).expect("schema");
    let config = config.to_str().expect("path");
    let (ok, out, err) = ask(
        &sim,
        home.path(),
        &[
            "--config",
            config,
            "ask",
            "--json",
            "-p",
            "CFO",
            "Ask lookup_price",
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert_eq!(last_body(&sim)["tools"], json!([lookup().wire()]));
    let doc: Value = serde_json::from_str(&out).expect("one document");
    let call = &doc["answers"][0]["parts"][0];
    assert_eq!(call["type"], "function_call");
    assert_eq!(call["name"], "lookup_price");
    assert!(
        call["call_id"].as_str().is_some_and(|c| c.starts_with("call_")),
        "{call}"
    );
    let args: Value = serde_json::from_str(call["arguments"].as_str().expect("arguments")).expect("JSON");
    assert!(args["product"].is_string());

    // A schema named in the config works by name.
    let (ok, out, err) = ask(
        &sim,
        home.path(),
        &[
            "--config", config, "ask", "--schema", "reaction", "-p", "CFO", "Cool?",
        ],
    )
    .await;
    assert!(ok, "{err}");
    assert!(serde_json::from_str::<Value>(&out).is_ok(), "{out}");
    assert_eq!(last_body(&sim)["text"]["format"]["name"], "reaction");
}

//! The official OpenAI Python SDK against the simulator: proof that the simulator passes
//! for the real API. The SDK is taken from the environment, else installed once into the
//! build folder (`target/py-sdk`) from PyPI, so `cargo test` needs no manual step.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::sim::{fast, start, KEY};

fn has_openai(python_path: Option<&Path>) -> bool {
    let mut cmd = Command::new("python3");
    cmd.args(["-c", "import openai"]);
    if let Some(p) = python_path {
        cmd.env("PYTHONPATH", p);
    }
    cmd.output().map(|o| o.status.success()).unwrap_or(false)
}

/// Where the SDK can be imported from: `None` for the environment's own.
fn sdk_path() -> Result<Option<PathBuf>, String> {
    if has_openai(None) {
        return Ok(None);
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target")
        .join("py-sdk");
    if !has_openai(Some(&dir)) {
        let status = Command::new("python3")
            .args([
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "--target",
            ])
            .arg(&dir)
            .arg("openai>=1.66")
            .status()
            .map_err(|e| format!("python3 is needed for the SDK conformance test: {e}"))?;
        if !status.success() || !has_openai(Some(&dir)) {
            return Err("could not install the openai package: run `python3 -m pip install openai`".into());
        }
    }
    Ok(Some(dir))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn openai_python_sdk_accepts_the_simulator() {
    let path = sdk_path().unwrap_or_else(|e| panic!("{e}"));
    let sim = start(fast()).await;
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("sdk_conformance.py");
    let base = sim.base_url();
    let output = tokio::task::spawn_blocking(move || {
        let mut cmd = Command::new("python3");
        cmd.arg(script)
            .env("MAVERA_BASE_URL", base)
            .env("MAVERA_API_KEY", KEY);
        if let Some(p) = path {
            cmd.env("PYTHONPATH", p);
        }
        cmd.output()
    })
    .await
    .expect("join")
    .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "SDK conformance failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("stream"),
        "the script reports its checks: {stdout}"
    );
}

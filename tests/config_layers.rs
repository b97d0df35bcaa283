//! Configuration layering and validation: defaults < file < environment < flags.

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use mavera_tui::config::{load, Overrides, DEFAULT_BASE_URL};

use crate::support::sim::KEY;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn write_config(dir: &tempfile::TempDir, body: &str) -> PathBuf {
    let path = dir.path().join("config.toml");
    std::fs::write(&path, body).expect("write config");
    path
}

fn with_file(path: &std::path::Path) -> Overrides {
    Overrides {
        config_path: Some(path.to_path_buf()),
        ..Overrides::default()
    }
}

#[test]
fn defaults_apply_with_no_file() {
    let home = tempfile::tempdir().expect("tempdir");
    let loaded = load(
        &Overrides::default(),
        &env(&[("HOME", home.path().to_str().unwrap_or("/"))]),
    )
    .expect("loads");
    assert_eq!(loaded.settings.base_url.as_str(), DEFAULT_BASE_URL);
    assert_eq!(loaded.settings.model, "mavera-1");
    assert_eq!(loaded.settings.stream_idle_timeout, Duration::from_secs(30));
    assert_eq!(loaded.settings.retry.max_retries, 3);
    assert!(loaded.settings.api_key.is_none());
    assert!(loaded.file.is_none());
    assert!(loaded.settings.log_file.starts_with(home.path()));
}

#[test]
fn xdg_config_home_is_the_default_location() {
    let xdg = tempfile::tempdir().expect("tempdir");
    let dir = xdg.path().join("mavera-tui");
    std::fs::create_dir_all(&dir).expect("mkdir");
    std::fs::write(dir.join("config.toml"), "model = \"from-xdg\"\n").expect("write");
    let loaded = load(
        &Overrides::default(),
        &env(&[("XDG_CONFIG_HOME", xdg.path().to_str().unwrap_or("/"))]),
    )
    .expect("loads");
    assert_eq!(loaded.settings.model, "from-xdg");
}

#[test]
fn layers_override_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_config(
        &dir,
        "model = \"file-model\"\nbase_url = \"https://file.example/api/v1\"\nmax_retries = 5\nrequest_timeout_secs = 7\n\n[extra_body]\nanalysis_mode = true\n\n[[personas]]\nname = \"Pirate\"\ndescription = \"Arr\"\n",
    );
    let e = env(&[
        ("MAVERA_BASE_URL", "https://env.example/api/v1"),
        ("MAVERA_TUI_MAX_RETRIES", "1"),
        ("MAVERA_API_KEY", KEY),
    ]);
    let mut overrides = with_file(&path);
    overrides.model = Some("flag-model".into());
    let s = load(&overrides, &e).expect("loads").settings;
    assert_eq!(s.model, "flag-model", "flag beats file");
    assert_eq!(
        s.base_url.as_str(),
        "https://env.example/api/v1",
        "env beats file"
    );
    assert_eq!(s.retry.max_retries, 1, "MAVERA_TUI_ env beats file");
    assert_eq!(s.request_timeout, Duration::from_secs(7), "file beats default");
    assert_eq!(s.api_key.map(|k| k.expose().to_owned()).as_deref(), Some(KEY));
    assert_eq!(
        s.extra_body.get("analysis_mode"),
        Some(&serde_json::Value::Bool(true))
    );
    assert_eq!(s.personas.len(), 1);

    overrides.base_url = Some("http://127.0.0.1:9/api/v1".into());
    let s = load(&overrides, &e).expect("loads").settings;
    assert_eq!(s.base_url.as_str(), "http://127.0.0.1:9/api/v1", "flag beats env");
}

#[test]
fn malformed_toml_names_the_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_config(&dir, "model = \n");
    let err = load(&with_file(&path), &env(&[])).unwrap_err().to_string();
    assert!(err.contains(&path.display().to_string()), "{err}");
}

#[test]
fn wrong_type_names_the_key_and_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_config(&dir, "request_timeout_secs = \"soon\"\n");
    let err = load(&with_file(&path), &env(&[])).unwrap_err().to_string();
    assert!(err.contains("request_timeout_secs"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
}

#[test]
fn unknown_key_is_refused_by_name() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_config(&dir, "modle = \"x\"\n");
    let err = load(&with_file(&path), &env(&[])).unwrap_err().to_string();
    assert!(err.contains("modle"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
}

#[test]
fn bad_url_names_the_key_and_its_source() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_config(&dir, "base_url = \"not a url\"\n");
    let err = load(&with_file(&path), &env(&[])).unwrap_err().to_string();
    assert!(err.contains("base_url"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
    let err = load(&Overrides::default(), &env(&[("MAVERA_BASE_URL", "::nope")]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("base_url") && err.contains("environment"), "{err}");
}

#[test]
fn missing_explicit_file_is_an_error() {
    let err = load(&with_file(&PathBuf::from("/nonexistent/mavera.toml")), &env(&[]))
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/mavera.toml"), "{err}");
}

#[cfg(unix)]
#[test]
fn key_in_a_readable_file_warns_with_the_fix() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write_config(&dir, &format!("api_key = \"{KEY}\"\n"));
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
    let loaded = load(&with_file(&path), &env(&[])).expect("loads");
    let warning = loaded.warnings.join("\n");
    assert!(
        warning.contains(&format!("chmod 600 {}", path.display())),
        "{warning}"
    );
    assert!(!warning.contains(KEY), "the warning must not show the key");

    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).expect("chmod");
    let loaded = load(&with_file(&path), &env(&[])).expect("loads");
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
}

#[test]
fn odd_key_prefix_warns_but_is_used() {
    let loaded = load(
        &Overrides::default(),
        &env(&[("MAVERA_API_KEY", "sk-other-format-key-1234567890")]),
    )
    .expect("loads");
    assert!(loaded.settings.api_key.is_some());
    assert!(
        loaded.warnings.iter().any(|w| w.contains("does not look like")),
        "{:?}",
        loaded.warnings
    );
    assert!(!loaded
        .warnings
        .join(" ")
        .contains("sk-other-format-key-1234567890"));
}

#[test]
fn the_example_config_documents_every_default() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config.example.toml");
    let home = tempfile::tempdir().expect("tempdir");
    let home_env = env(&[("HOME", home.path().to_str().unwrap_or("/"))]);
    let from_example = load(&with_file(&example), &home_env)
        .expect("the example loads")
        .settings;
    let defaults = load(&Overrides::default(), &home_env).expect("defaults").settings;
    assert_eq!(
        format!("{from_example:?}"),
        format!("{defaults:?}"),
        "the example's values are the defaults"
    );
    let text = std::fs::read_to_string(&example).expect("read");
    for key in [
        "base_url",
        "api_key",
        "model",
        "default_persona",
        "request_timeout_secs",
        "connect_timeout_secs",
        "stream_idle_timeout_secs",
        "max_retries",
        "retry_base_delay_ms",
        "retry_max_delay_secs",
        "max_retry_after_secs",
        "log_level",
        "log_file",
        "allow_insecure_http",
        "mouse",
        "[extra_body]",
        "[[personas]]",
        "[panels]",
        "[history]",
        "[responses]",
        "analysis_mode",
    ] {
        assert!(text.contains(key), "config.example.toml documents {key}");
    }
}

#[test]
fn config_errors_never_echo_a_secret_value() {
    let secret = "mvra_live_SECRETSECRETSECRETSECRET1234";
    let dir = tempfile::tempdir().expect("dir");
    let cases = [
        format!("api_key = \"{secret}\nmodel = \"x\"\n"),
        format!("api_key = \"{secret}\" junk\n"),
        format!("api_key = [\"{secret}\"]\n"),
        format!("[api_key]\nvalue = \"{secret}\"\n"),
        format!("api_key = \"{secret}\"\nmouse = \"{secret}\"\n"),
        format!("api_key = \"{secret}\"\nnot_a_setting = \"{secret}\"\n"),
    ];
    for body in cases {
        let path = write_config(&dir, &body);
        let err = load(&with_file(&path), &env(&[])).expect_err("invalid");
        let text = err.to_string();
        assert!(!text.contains("SECRET"), "{body:?} gave {text}");
        assert!(
            text.contains(&path.display().to_string()),
            "names the file: {text}"
        );
    }
}

#[test]
fn extra_body_cannot_replace_what_the_client_sends() {
    let dir = tempfile::tempdir().expect("dir");
    for key in ["model", "input", "stream", "persona_id", "instructions"] {
        let path = write_config(&dir, &format!("[extra_body]\n{key} = \"x\"\n"));
        let err = load(&with_file(&path), &env(&[]))
            .expect_err("reserved")
            .to_string();
        assert!(err.contains(&format!("extra_body.{key}")), "{err}");
    }
    let path = write_config(&dir, "[extra_body]\nanalysis_mode = true\n");
    let loaded = load(&with_file(&path), &env(&[])).expect("vendor fields pass through");
    assert_eq!(
        loaded.settings.extra_body.get("analysis_mode"),
        Some(&serde_json::Value::Bool(true))
    );
}

#[test]
fn a_bad_base_url_never_shows_its_credentials() {
    let dir = tempfile::tempdir().expect("dir");
    let path = write_config(&dir, "base_url = \"https://user:hunter2@\"\n");
    let err = load(&with_file(&path), &env(&[]))
        .expect_err("invalid")
        .to_string();
    assert!(!err.contains("hunter2") && err.contains("base_url"), "{err}");
}

#[test]
fn the_history_is_on_by_default_and_off_from_the_file_or_the_environment() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path().to_str().unwrap_or("/");
    let on = load(&Overrides::default(), &env(&[("HOME", h)])).expect("defaults");
    assert!(on.settings.history.enabled);
    let dir = tempfile::tempdir().expect("dir");
    let file = write_config(&dir, "[history]\nenabled = false\n");
    let off = load(&with_file(&file), &env(&[("HOME", h)])).expect("file");
    assert!(!off.settings.history.enabled);
    let back_on = load(
        &with_file(&file),
        &env(&[("HOME", h), ("MAVERA_TUI_HISTORY_ENABLED", "true")]),
    )
    .expect("environment over file");
    assert!(back_on.settings.history.enabled);
    let typo = write_config(&dir, "[history]\nenabeld = false\n");
    let err = load(&with_file(&typo), &env(&[("HOME", h)])).expect_err("unknown key");
    assert!(err.to_string().contains("enabeld"), "{err}");
    assert_eq!(
        mavera_tui::config::data_dir(&env(&[("HOME", "/home/u")])),
        Some(PathBuf::from("/home/u/.local/share/mavera-tui"))
    );
    assert_eq!(
        mavera_tui::config::data_dir(&env(&[("HOME", "/home/u"), ("XDG_DATA_HOME", "/data")])),
        Some(PathBuf::from("/data/mavera-tui"))
    );
}

#[test]
fn analysis_mode_is_off_by_default_and_on_from_the_responses_table_or_the_environment() {
    let home = tempfile::tempdir().expect("tempdir");
    let h = home.path().to_str().unwrap_or("/");
    let off = load(&Overrides::default(), &env(&[("HOME", h)])).expect("defaults");
    assert!(!off.settings.responses.analysis_mode);
    let dir = tempfile::tempdir().expect("dir");
    let file = write_config(&dir, "[responses]\nanalysis_mode = true\n");
    let on = load(&with_file(&file), &env(&[("HOME", h)])).expect("file");
    assert!(on.settings.responses.analysis_mode);
    let env_on = load(
        &Overrides::default(),
        &env(&[("HOME", h), ("MAVERA_TUI_RESPONSES_ANALYSIS_MODE", "true")]),
    )
    .expect("environment");
    assert!(env_on.settings.responses.analysis_mode);
    let typo = write_config(&dir, "[responses]\nanalysis = true\n");
    assert!(
        load(&with_file(&typo), &env(&[("HOME", h)])).is_err(),
        "unknown keys are caught"
    );
}

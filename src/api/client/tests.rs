//! Unit tests of the client's pure parts: transport security, the redirect rule, and a
//! JSON reply read as its terminal event.

use super::*;

fn config(url: &str) -> ClientConfig {
    ClientConfig::new(Url::parse(url).expect("url"), None)
}

#[test]
fn redirects_are_followed_only_within_the_origin() {
    let u = |s: &str| Url::parse(s).expect("url");
    let base = u("https://app.mavera.io/api/v1/personas");
    assert!(may_follow(&base, &u("https://app.mavera.io/api/v2/personas")));
    assert!(may_follow(&base, &u("https://APP.mavera.io:443/x")));
    assert!(
        !may_follow(&base, &u("http://app.mavera.io/api/v1/personas")),
        "no downgrade"
    );
    assert!(
        !may_follow(&base, &u("https://app.mavera.io:8443/x")),
        "another port"
    );
    assert!(!may_follow(&base, &u("https://evil.example/x")), "another host");
    assert!(!may_follow(&base, &u("https://mavera.io/x")), "a parent domain");
}

#[test]
fn a_json_body_becomes_its_terminal_event() {
    let kind = |v: Value| terminal_event(v).map(|e| e["type"].as_str().unwrap_or_default().to_owned());
    assert_eq!(
        kind(json!({"status": "completed"})),
        Ok("response.completed".into())
    );
    assert_eq!(kind(json!({"output": []})), Ok("response.completed".into()));
    assert_eq!(
        kind(json!({"status": "incomplete"})),
        Ok("response.incomplete".into())
    );
    assert_eq!(kind(json!({"status": "failed"})), Ok("response.failed".into()));
    assert_eq!(
        kind(json!({"error": {"message": "m"}})),
        Ok("response.failed".into())
    );
    assert!(kind(json!([1])).is_err());
    let mut h = HeaderMap::new();
    h.insert(
        CONTENT_TYPE,
        "application/json; charset=utf-8".parse().expect("value"),
    );
    assert!(is_json(&h));
    h.insert(CONTENT_TYPE, "text/event-stream".parse().expect("value"));
    assert!(!is_json(&h));
    h.insert(CONTENT_TYPE, "application/problem+json".parse().expect("value"));
    assert!(is_json(&h));
}

#[test]
fn plain_http_only_to_loopback_unless_allowed() {
    assert!(check_transport_security(&config("https://app.mavera.io/api/v1")).is_ok());
    assert!(check_transport_security(&config("http://127.0.0.1:9/api/v1")).is_ok());
    assert!(check_transport_security(&config("http://[::1]:9/v1")).is_ok());
    assert!(check_transport_security(&config("http://localhost:9/v1")).is_ok());
    let err = check_transport_security(&config("http://example.com/v1")).unwrap_err();
    assert!(err.to_string().contains("allow_insecure_http"), "{err}");
    let mut allowed = config("http://example.com/v1");
    allowed.allow_insecure_http = true;
    assert!(check_transport_security(&allowed).is_ok());
    assert!(check_transport_security(&config("ftp://example.com/")).is_err());
}

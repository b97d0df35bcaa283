use super::*;

#[test]
fn completed_with_null_output_and_no_credits_decodes() {
    let r: ResponseObject =
        serde_json::from_str(r#"{"id":"r","status":"completed","output":null,"usage":{"input_tokens":3}}"#)
            .expect("decodes");
    assert!(r.output.is_empty());
    assert_eq!(r.usage.and_then(|u| u.credits_used), None);
}

#[test]
fn persona_with_missing_fields_decodes() {
    let p: Persona = serde_json::from_str(r#"{"id":"c1","extra":1}"#).expect("decodes");
    assert_eq!(p.name, "");
    assert_eq!(p.category, "");
}

#[test]
fn personas_with_null_or_mistyped_fields_degrade_field_by_field() {
    let p: Persona = serde_json::from_str(
        r#"{"id":"c1","name":null,"category":null,"description":{"en":"x"},
            "is_custom":"true","is_expert":null,"created_at":1706140800.75}"#,
    )
    .expect("decodes");
    assert_eq!(
        (p.name.as_str(), p.category.as_str(), p.description.as_str()),
        ("", "", "")
    );
    assert!(p.is_custom && !p.is_expert);
    assert_eq!(p.created_at, Some(1_706_140_800));
    let p: Persona = serde_json::from_str(r#"{"id":12345,"created_at":"1706140800"}"#).expect("decodes");
    assert_eq!((p.id.as_str(), p.created_at), ("12345", Some(1_706_140_800)));
}

#[test]
fn a_persona_page_skips_only_the_unreadable_personas() {
    let page: PersonaPage = serde_json::from_str(
        r#"{"object":"list","data":[
            {"id":"c1","name":"Gen Z Consumer","category":"Generational"},
            {"id":null,"name":"No id"},
            "not a persona",
            {"name":"Missing id"},
            {"id":"c2","name":"Custom","category":null,"description":null},
            null],
           "has_more":"false","next_cursor":50,"last_id":{"x":1}}"#,
    )
    .expect("the page decodes");
    let ids: Vec<&str> = page.data.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(ids, ["c1", "c2"]);
    assert_eq!(page.has_more, Some(false));
    assert_eq!(page.next_cursor.as_deref(), Some("50"));
    assert_eq!(page.last_id, None);
    let page: PersonaPage = serde_json::from_str(r#"{"data":null}"#).expect("decodes");
    assert!(page.data.is_empty());
}

#[test]
fn usage_counts_as_strings_and_floats_are_read_and_junk_is_unknown() {
    let u: Usage = serde_json::from_str(
        r#"{"input_tokens":"42","output_tokens":68.0,"total_tokens":null,"credits_used":"3"}"#,
    )
    .expect("decodes");
    assert_eq!(
        u,
        Usage {
            input_tokens: Some(42),
            output_tokens: Some(68),
            total_tokens: None,
            credits_used: Some(3.0),
        }
    );
    let r: ResponseObject =
        serde_json::from_str(r#"{"id":"r","usage":"lots","created_at":"soon"}"#).expect("decodes");
    assert_eq!((r.usage, r.created_at), (None, None));
    let report: UsageReport = serde_json::from_str(
        r#"{"credits":{"used":"2500","included":5000.0,"remaining":null,"percentage_used":"50%"},
            "rate_limit":{"requests_per_minute":"120"},"billing_period":"monthly"}"#,
    )
    .expect("decodes");
    assert_eq!(report.credits.used, Some(2500.0));
    assert_eq!(report.credits.included, Some(5000.0));
    assert_eq!(report.credits.percentage_used, None);
    assert_eq!(report.rate_limit.and_then(|r| r.requests_per_minute), Some(120));
    assert_eq!(report.billing_period, None);
}

#[test]
fn output_keeps_unknown_items_and_parts_and_skips_only_unreadable_ones() {
    let r: ResponseObject = serde_json::from_str(
        r#"{"id":"r","status":"completed","output":[
            {"type":"web_search_call","id":"ws_1","status":"completed","action":{"query":"q"}},
            "junk",
            {"type":"message","id":"m","role":"assistant","content":[
                {"type":"output_text","text":"Hi","annotations":null},
                7,
                {"type":"refusal","refusal":"No."},
                {"type":"x_citation","url":"https://example.com"}]},
            {"type":"message","id":"m2","content":"plain"},
            {"type":"message","id":"m3","content":{"type":"output_text","text":{"value":"boxed"}}}],
           "error":"went wrong","incomplete_details":{"reason":null}}"#,
    )
    .expect("decodes");
    let kinds: Vec<&str> = r.output.iter().map(|i| i.kind.as_str()).collect();
    assert_eq!(kinds, ["web_search_call", "message", "message", "message"]);
    assert_eq!(r.output[0].extra["action"]["query"], "q");
    let m = &r.output[1];
    assert_eq!(m.text(), "Hi");
    assert_eq!(m.refusals(), ["No."]);
    let unknown: Vec<&str> = m.unknown_parts().map(|p| p.kind.as_str()).collect();
    assert_eq!(unknown, ["x_citation"]);
    assert_eq!(r.output_text(), "Hiplainboxed");
    assert_eq!(r.error.map(|e| e.message).as_deref(), Some("went wrong"));
    assert_eq!(r.incomplete_details.map(|d| d.reason).as_deref(), Some(""));
}

#[test]
fn error_bodies_read_numeric_codes_as_text() {
    let e: ErrorBody =
        serde_json::from_str(r#"{"message":null,"code":500,"param":{"x":1},"type":"server_error"}"#)
            .expect("decodes");
    assert_eq!(e.message, "");
    assert_eq!(e.code.as_deref(), Some("500"));
    assert_eq!(e.param, None);
    assert_eq!(e.kind.as_deref(), Some("server_error"));
}

#[test]
fn lenient_types_serialise_as_before() {
    let p = Persona {
        id: "c1".into(),
        name: "N".into(),
        category: String::new(),
        description: String::new(),
        is_custom: false,
        is_expert: true,
        created_at: Some(5),
    };
    let back: Persona = serde_json::from_value(serde_json::to_value(&p).expect("ser")).expect("de");
    assert_eq!(back, p);
}

#[test]
fn request_flattens_extra_fields() {
    let mut extra = Map::new();
    extra.insert("analysis_mode".into(), Value::Bool(true));
    let req = ResponseRequest {
        model: "mavera-1".into(),
        input: Input::Text("hi".into()),
        persona_id: Some("c1".into()),
        instructions: None,
        stream: true,
        extra,
        text: None,
        tools: Vec::new(),
    };
    let v = serde_json::to_value(&req).expect("serialises");
    assert_eq!(
        v,
        serde_json::json!({"model":"mavera-1","input":"hi","persona_id":"c1","stream":true,"analysis_mode":true})
    );
}

//! Images and custom personas against the simulator, asserting the exact JSON the client
//! sends: an `input_image` part with a `data:` URL (and the simulator's acknowledgement),
//! `POST /personas` (300 credits, then listed) and `PATCH /personas/{id}`.

use mavera_tui::api::custom_persona::NewPersona;
use mavera_tui::api::image::{base64, png_header, user_content, Attachment};
use mavera_tui::api::request::PersonaShape;
use mavera_tui::api::wire::{Input, InputItem, ResponseRequest, Role};
use mavera_tui::api::ApiError;
use serde_json::json;

use crate::support::sim::{client_for, fast, start};

#[tokio::test]
async fn an_image_travels_as_an_input_image_data_url_and_is_acknowledged() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let persona = client.list_personas().await.expect("personas")[0].id.clone();
    let image = Attachment::from_bytes("chart.png", &png_header(1200, 630)).expect("png");
    let request = ResponseRequest::build(
        "mavera-1",
        &Default::default(),
        Some(PersonaShape::Id(&persona)),
        Input::Items(vec![InputItem {
            role: Role::User,
            content: user_content("What about this chart?", std::slice::from_ref(&image)),
        }]),
        None,
    );
    let answer = client.create_response(&request).await.expect("answer");
    assert!(
        answer
            .output_text()
            .starts_with("Looking at the image you shared (PNG, 1200×630)…"),
        "{}",
        answer.output_text()
    );
    let data_url = format!("data:image/png;base64,{}", base64(&png_header(1200, 630)));
    let body = sim
        .records()
        .into_iter()
        .find(|r| r.method == "POST")
        .and_then(|r| r.body)
        .expect("recorded");
    assert_eq!(
        body,
        json!({
            "model": "mavera-1",
            "input": [{"role": "user", "content": [
                {"type": "input_text", "text": "What about this chart?"},
                {"type": "input_image", "image_url": data_url}
            ]}],
            "persona_id": persona,
            "stream": false
        })
    );
}

#[tokio::test]
async fn creating_a_persona_costs_300_credits_lists_it_and_patch_edits_it() {
    let sim = start(fast()).await;
    let client = client_for(&sim);
    let before = client
        .usage()
        .await
        .expect("usage")
        .credits
        .remaining
        .expect("remaining");
    let mut profile = serde_json::Map::new();
    profile.insert("age_range".into(), json!("30-45"));
    let body = NewPersona::new("Eco Parent", "Parents who buy green", Some("B2C"), profile);
    let saved = client.create_persona(&body).await.expect("created");
    assert_eq!(saved.credits_charged, Some(300.0));
    assert!(saved.persona.is_custom && saved.persona.id.starts_with('c') && saved.persona.id.len() == 25);
    let after = client
        .usage()
        .await
        .expect("usage")
        .credits
        .remaining
        .expect("remaining");
    assert_eq!(before - after, 300.0);
    let listed = client.list_personas().await.expect("personas");
    assert!(listed.iter().any(|p| p.id == saved.persona.id && p.is_custom));

    let mut fields = serde_json::Map::new();
    fields.insert("description".into(), json!("Parents who buy green, on a budget"));
    let edited = client
        .edit_persona(&saved.persona.id, &fields)
        .await
        .expect("edited");
    assert_eq!(edited.persona.description, "Parents who buy green, on a budget");

    let records = sim.records();
    let post = records
        .iter()
        .find(|r| r.method == "POST" && r.path.ends_with("/personas"))
        .expect("post");
    assert_eq!(
        post.body,
        Some(
            json!({"pipeline_type": "north_star", "name": "Eco Parent", "description": "Parents who buy green",
                    "type": "B2C", "age_range": "30-45"})
        )
    );
    assert_eq!(post.credits_charged, Some(300.0));
    let patch = records.iter().find(|r| r.method == "PATCH").expect("patch");
    assert_eq!(patch.path, format!("/api/v1/personas/{}", saved.persona.id));
    assert_eq!(
        patch.body,
        Some(json!({"description": "Parents who buy green, on a budget"}))
    );

    // A base persona cannot be edited; without 300 credits nothing is created.
    let base = listed.iter().find(|p| !p.is_custom).expect("base").id.clone();
    let refused = client.edit_persona(&base, &fields).await;
    assert!(matches!(refused, Err(ApiError::BadRequest { .. })), "{refused:?}");
}

#[tokio::test]
async fn without_300_credits_no_persona_is_created() {
    let sim = start(mavera_tui::sim::SimConfig {
        initial_credits: 299.0,
        ..fast()
    })
    .await;
    let client = client_for(&sim);
    let body = NewPersona::new("X", "Y", None, Default::default());
    let err = client.create_persona(&body).await.expect_err("402");
    assert!(err.to_string().to_lowercase().contains("credits"), "{err}");
    assert_eq!(sim.credits_remaining(), 299.0);
}

/// A prompt with an image, stored in the history as the app stores it, then exported:
/// the JSON keeps the attachment's name, type and size (not the image), the Markdown
/// says what was attached.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_history_and_exports_keep_the_attachment() {
    use mavera_tui::app::thread::Message;
    use mavera_tui::history::{NewThread, StoreKey, StoreOp};

    let home = tempfile::tempdir().expect("home");
    let path = home.path().join(".local/share/mavera-tui/history.db");
    {
        let mut store = mavera_tui::history::Store::open(&path).expect("open");
        let mut prompt = Message::user(1, "What about this chart?".into());
        let image = Attachment::from_bytes("chart.png", &png_header(1200, 630)).expect("png");
        prompt.parts.push(mavera_tui::app::attach::part(&image));
        let ops = vec![
            StoreOp::Thread(NewThread {
                key: 1,
                persona_id: "ccfo".into(),
                persona_name: "CFO".into(),
                title: "What about this chart?".into(),
                instructions: None,
            }),
            StoreOp::Message {
                thread: StoreKey::Session(1),
                seq: 0,
                message: mavera_tui::app::stored::record(&prompt),
            },
        ];
        store.apply(&ops).expect("apply");
    }
    let out = crate::support::bin::run(home.path(), &["export", "--last", "--format", "json"], &[]).await;
    assert!(out.status.success(), "{}", crate::support::bin::text(&out.stderr));
    let stdout = crate::support::bin::text(&out.stdout);
    assert!(
        stdout.contains("\"label\": \"chart.png · PNG · 1200×630 · 33 B\"")
            || stdout.contains("\"label\":\"chart.png · PNG · 1200×630 · 33 B\""),
        "{stdout}"
    );
    assert!(!stdout.contains("data:image"), "the image itself is not kept");
    let out = crate::support::bin::run(home.path(), &["export", "--last"], &[]).await;
    let md = crate::support::bin::text(&out.stdout);
    assert!(md.contains("_Image: chart.png · PNG · 1200×630 · 33 B_"), "{md}");
}

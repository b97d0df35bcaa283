//! Images, custom personas and the budget in the app, through the reducer: attaching
//! and removing images, the persona form with its 300-credit confirmation (confirmed and
//! cancelled), editing only custom personas, the budget's refusal and Ctrl+B, the 30 s
//! spacing of usage requests; and snapshots of the chips, the form, the confirmation and
//! the status bar with usage and budget.

use crossterm::event::KeyCode;
use mavera_tui::api::custom_persona::SavedPersona;
use mavera_tui::api::image::{png_header, Attachment};
use mavera_tui::api::wire::{CreditBalance, Input, InputContent, UsageReport};
use mavera_tui::api::AnswerPart;
use mavera_tui::app::account::USAGE_EVERY_MS;
use mavera_tui::app::budget::Budget;
use mavera_tui::app::dialog::Dialog;
use mavera_tui::app::state::Focus;
use mavera_tui::app::{Effect, Event, RequestId};
use serde_json::json;

use crate::support::app::{persona, stream_id, App};
use crate::support::screen::draw;

fn chart() -> Attachment {
    Attachment::from_bytes("chart.png", &png_header(1200, 630)).expect("png")
}

fn usage_id(fx: &[Effect]) -> Option<RequestId> {
    fx.iter().find_map(|e| match e {
        Effect::LoadUsage { id } => Some(*id),
        _ => None,
    })
}

fn usage(app: &mut App, id: RequestId, remaining: f64, included: f64) {
    let _ = app.send(Event::UsageLoaded {
        id,
        result: Ok(UsageReport {
            credits: CreditBalance {
                remaining: Some(remaining),
                included: Some(included),
                used: Some(included - remaining),
                percentage_used: None,
            },
            ..UsageReport::default()
        }),
    });
}

/// Ctrl+T, a path, Enter: the executor is asked to read it; its answer becomes a chip.
fn attach(app: &mut App, image: Attachment) {
    let _ = app.ctrl('g');
    app.type_text("/tmp/chart.png");
    let fx = app.key(KeyCode::Enter);
    assert!(
        fx.contains(&Effect::ReadImage {
            what: "/tmp/chart.png".into()
        }),
        "{fx:?}"
    );
    let _ = app.send(Event::ImageRead(Ok(image)));
}

#[test]
fn images_are_attached_shown_removed_and_sent_with_the_prompt() {
    let mut app = App::loaded();
    app.pick("ccfo");
    attach(&mut app, chart());
    attach(
        &mut app,
        Attachment::load("https://example.com/b.jpg").expect("url"),
    );
    assert_eq!(app.state.attachments.len(), 2);
    // Backspace on the empty path removes the last chip; a bad file says why.
    let _ = app.key(KeyCode::Backspace);
    assert_eq!(app.state.attachments.len(), 1);
    let _ = app.send(Event::ImageRead(Err(
        "/tmp/x.pdf: not a PNG, JPEG, GIF or WebP image".into(),
    )));
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("not a PNG")));
    let _ = app.key(KeyCode::Esc);
    assert_eq!(app.state.dialog, None);
    app.state.focus = Focus::Composer;
    app.type_text("What do you think of this chart?");
    let fx = app.key(KeyCode::Enter);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request.clone()),
            _ => None,
        })
        .expect("sent");
    let Input::Items(items) = &request.input else {
        panic!("an input array: {:?}", request.input)
    };
    let InputContent::Parts(parts) = &items[0].content else {
        panic!("content parts")
    };
    assert_eq!(
        parts[0],
        json!({"type": "input_text", "text": "What do you think of this chart?"})
    );
    assert_eq!(parts[1]["type"], "input_image");
    assert!(parts[1]["image_url"]
        .as_str()
        .is_some_and(|u| u.starts_with("data:image/png;base64,")));
    assert!(app.state.attachments.is_empty(), "the chips clear once sent");
    let prompt = &app.state.thread().expect("thread").messages[0];
    assert!(matches!(&prompt.parts[0], AnswerPart::Other { kind, .. } if kind == "input_image"));
}

#[test]
fn creating_a_persona_asks_to_spend_300_credits_and_only_yes_sends() {
    let mut app = App::loaded();
    let fx = app.send(Event::Tick);
    assert!(usage_id(&fx).is_none());
    app.state.focus = Focus::Sidebar;
    let _ = app.key(KeyCode::Char('n'));
    assert!(matches!(app.state.dialog, Some(Dialog::Persona(_))));
    app.type_text("Eco Parent");
    let _ = app.key(KeyCode::Tab);
    app.type_text("Parents who buy green");
    let _ = app.key(KeyCode::Tab);
    app.type_text("b2c");
    let _ = app.key(KeyCode::Tab);
    // Enter on the last field asks first: nothing is sent yet.
    let fx = app.key(KeyCode::Enter);
    assert!(!fx.iter().any(|e| matches!(e, Effect::CreatePersona { .. })));
    let Some(Dialog::Persona(form)) = &app.state.dialog else {
        panic!("form open")
    };
    assert!(form.confirming);
    assert!(form
        .question(Some(5000.0))
        .contains("costs 300 credits (balance 5000 credits)"));
    // n cancels: nothing spent, the form closes.
    let fx = app.key(KeyCode::Char('n'));
    assert!(fx.iter().all(|e| !matches!(e, Effect::CreatePersona { .. })));
    assert_eq!(app.state.dialog, None);
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("nothing was spent")));

    // Again, and y confirms.
    let _ = app.key(KeyCode::Char('n'));
    app.type_text("Eco Parent");
    let _ = app.key(KeyCode::Enter);
    app.type_text("Parents who buy green");
    let _ = app.key(KeyCode::Enter);
    let _ = app.key(KeyCode::Enter);
    let _ = app.key(KeyCode::Enter);
    let fx = app.key(KeyCode::Char('y'));
    let (id, body) = fx
        .iter()
        .find_map(|e| match e {
            Effect::CreatePersona { id, body, file: None } => Some((*id, body.clone())),
            _ => None,
        })
        .expect("created after y");
    assert_eq!(
        serde_json::to_value(&body).expect("json"),
        json!({"pipeline_type": "north_star", "name": "Eco Parent", "description": "Parents who buy green"})
    );
    let mut made = persona("ceco", "Eco Parent", "Custom");
    made.is_custom = true;
    let fx = app.send(Event::PersonaSaved {
        id,
        result: Ok(SavedPersona {
            persona: made,
            credits_charged: Some(300.0),
        }),
    });
    assert!(
        fx.iter().any(|e| matches!(e, Effect::LoadPersonas { .. })),
        "the list reloads"
    );
    assert!(
        usage_id(&fx).is_some(),
        "the balance is asked for at once, whatever the spacing"
    );
    assert_eq!(app.state.dialog, None);
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("created Eco Parent · 300 credits")));
}

#[test]
fn a_form_with_a_bad_type_says_so_and_base_personas_cannot_be_edited() {
    let mut app = App::loaded();
    app.state.focus = Focus::Sidebar;
    let _ = app.key(KeyCode::Char('E'));
    assert_eq!(app.state.dialog, None);
    assert!(app
        .state
        .notice
        .as_ref()
        .is_some_and(|n| n.text.contains("only personas you created")));
    let _ = app.key(KeyCode::Char('n'));
    for (text, next) in [("A", true), ("B", true), ("B2X", true)] {
        app.type_text(text);
        if next {
            let _ = app.key(KeyCode::Enter);
        }
    }
    let _ = app.key(KeyCode::Enter);
    let Some(Dialog::Persona(form)) = &app.state.dialog else {
        panic!("still open")
    };
    assert!(!form.confirming);
    assert!(form.error.as_deref().is_some_and(|e| e.contains("B2B or B2C")));
}

#[test]
fn a_custom_persona_is_edited_with_a_patch_of_its_fields() {
    let mut app = App::loaded();
    app.state.focus = Focus::Sidebar;
    let fx = app.key(KeyCode::Char('r'));
    let id = crate::support::app::load_id(&fx);
    let mut list = crate::support::app::personas();
    let mut mine = persona("cmine", "Mine", "Custom");
    mine.is_custom = true;
    list.push(mine);
    let _ = app.send(Event::PersonasLoaded { id, result: Ok(list) });
    app.state.personas.move_to("cmine");
    let _ = app.key(KeyCode::Char('E'));
    let _ = app.key(KeyCode::Backspace);
    app.type_text("e!");
    let _ = app.key(KeyCode::Enter);
    let fx = app.key(KeyCode::Enter);
    let sent = fx.iter().find_map(|e| match e {
        Effect::EditPersona {
            persona_id, fields, ..
        } => Some((persona_id.clone(), fields.clone())),
        _ => None,
    });
    let (pid, fields) = sent.expect("patched without a price to confirm");
    assert_eq!(pid, "cmine");
    assert_eq!(
        serde_json::Value::Object(fields),
        json!({"name": "Mine!", "description": "Mine: a perspective"})
    );
}

#[test]
fn a_send_that_could_pass_the_budget_is_refused_until_ctrl_b_raises_it() {
    let mut app = App::loaded();
    app.state.account.budget = Some(Budget::new(8.0));
    app.pick("ccfo");
    let id = app.ask("first");
    let _ = app.complete(id, Some(4.0));
    app.type_text("second");
    let fx = app.key(KeyCode::Enter);
    assert!(stream_id(&fx).is_none(), "4 spent + up to 5 > 8");
    let notice = app.state.notice.clone().expect("said");
    assert!(
        notice.text.contains("over budget") && notice.text.contains("Ctrl+B"),
        "{notice:?}"
    );
    assert_eq!(app.state.composer_text(), "second", "the text stays");
    let _ = app.ctrl('b');
    assert_eq!(app.state.account.budget.map(|b| b.limit), Some(16.0));
    let fx = app.key(KeyCode::Enter);
    assert!(stream_id(&fx).is_some());
}

fn later(fx: &[Effect]) -> Option<(RequestId, u64)> {
    fx.iter().find_map(|e| match e {
        Effect::LoadUsageLater { id, after_ms } => Some((*id, *after_ms)),
        _ => None,
    })
}

#[test]
fn usage_is_asked_for_at_start_and_after_answers_at_most_every_30_seconds() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let started = app.now;
    let id = app.ask("one");
    let fx = app.complete(id, Some(2.0));
    assert!(usage_id(&fx).is_none(), "just asked at start");
    // Scheduled for the end of the 30 s that started with the first request.
    let (scheduled, after) = later(&fx).expect("scheduled");
    assert!(after > 0 && after < USAGE_EVERY_MS, "{after}");
    assert!(app.now + after >= started + USAGE_EVERY_MS - 100);
    // Another answer meanwhile adds nothing: one scheduled request covers both.
    let id = app.ask("two");
    let fx = app.complete(id, Some(2.0));
    assert!(later(&fx).is_none() && usage_id(&fx).is_none());
    app.now += after;
    usage(&mut app, scheduled, 4996.0, 5000.0);
    assert_eq!(app.state.credits.balance, Some(4996.0));
    // The next answer, within 30 s of that request, is scheduled again.
    let id = app.ask("three");
    let fx = app.complete(id, Some(2.0));
    assert!(later(&fx).is_some());
}

fn with_usage_and_budget() -> App {
    let mut app = App::loaded();
    app.state.account.low_credits = 500.0;
    app.state.account.budget = Some(Budget::new(50.0));
    app.pick("cgenz");
    let id = app.ask("Would you wear these?");
    let _ = app.deltas(id, &["Maybe, if they are cheap."]);
    let fx = app.complete(id, Some(3.0));
    let (id, _) = later(&fx).expect("scheduled");
    usage(&mut app, id, 1234.0, 5000.0);
    app
}

#[test]
fn the_status_bar_shows_usage_and_budget() {
    let mut app = with_usage_and_budget();
    let screen = draw(&mut app, 120, 30);
    assert!(screen.contains("1,234 / 5,000 credits"), "{screen}");
    assert!(screen.contains("3 / 50 budget"), "{screen}");
    insta::assert_snapshot!("usage_and_budget_120x30", screen);
}

#[test]
fn chips_and_the_sent_attachment_are_drawn() {
    let mut app = App::loaded();
    app.pick("ccfo");
    attach(&mut app, chart());
    insta::assert_snapshot!("attach_prompt_100x24", draw(&mut app, 100, 24));
    let _ = app.key(KeyCode::Esc);
    app.state.focus = Focus::Composer;
    app.type_text("And this?");
    insta::assert_snapshot!("attach_chips_100x24", draw(&mut app, 100, 24));
    let fx = app.key(KeyCode::Enter);
    let id = stream_id(&fx).expect("sent");
    let _ = app.deltas(id, &["Looking at the image you shared (PNG, 1200×630)… fine."]);
    let _ = app.complete(id, Some(2.0));
    let screen = draw(&mut app, 100, 24);
    assert!(
        screen.contains("▣ image: chart.png · PNG · 1200×630 · 33 B"),
        "{screen}"
    );
    insta::assert_snapshot!("attach_sent_100x24", screen);
}

#[test]
fn the_persona_form_and_its_confirmation_are_drawn() {
    let mut app = App::loaded();
    app.state.credits.balance = Some(5000.0);
    app.state.focus = Focus::Sidebar;
    let _ = app.key(KeyCode::Char('n'));
    app.type_text("Eco Parent");
    let _ = app.key(KeyCode::Tab);
    app.type_text("Parents who buy green");
    insta::assert_snapshot!("persona_form_100x24", draw(&mut app, 100, 24));
    let _ = app.key(KeyCode::Tab);
    let _ = app.key(KeyCode::Tab);
    let _ = app.key(KeyCode::Enter);
    let screen = draw(&mut app, 100, 24);
    assert!(
        screen.contains("costs 300 credits (balance 5000 credits)"),
        "{screen}"
    );
    insta::assert_snapshot!("persona_confirm_100x24", screen);
}

/// The style of the status bar's balance, drawn with colours.
fn balance_colour(app: &mut App) -> Option<ratatui::style::Color> {
    let _ = app.send(Event::Resize {
        width: 120,
        height: 30,
    });
    let theme = mavera_tui::view::theme::Theme::default_dark();
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(120, 30)).expect("terminal");
    let mut cache = mavera_tui::view::ViewCache::default();
    terminal
        .draw(|f| {
            let _ = mavera_tui::view::render(f, &app.state, &mut cache, &theme);
        })
        .expect("draw");
    let buffer = terminal.backend().buffer().clone();
    let row: String = (0..120)
        .map(|x| buffer.cell((x, 29)).map_or(" ", |c| c.symbol()))
        .collect();
    let at = row.find("1,234 / 5,000")?;
    let x = row[..at].chars().count() as u16;
    buffer.cell((x, 29)).and_then(|c| c.style().fg)
}

#[test]
fn the_balance_takes_the_warning_colour_under_the_threshold() {
    let mut app = with_usage_and_budget();
    let normal = balance_colour(&mut app);
    app.state.account.low_credits = 2000.0;
    let low = balance_colour(&mut app);
    assert_eq!(low, Some(ratatui::style::Color::Yellow));
    assert_ne!(normal, low);
}

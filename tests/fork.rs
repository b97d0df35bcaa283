//! Edit and resend: selecting an earlier prompt (Alt+↑ / Alt+↓ in the composer, `e` in the
//! conversation), editing it, cancelling with Esc, and resending it — the thread forks
//! there, on screen and in the history (`StoreOp::Fork`), alone or side by side.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::api::wire::Input;
use mavera_tui::app::{Effect, Event, Focus, HistoryNews};
use mavera_tui::history::{StoreKey, StoreOp};

use crate::support::app::{ask_all, panel, stores, stream_id, App};

fn alt(app: &mut App, code: KeyCode) -> Vec<Effect> {
    app.send(Event::Key(KeyEvent::new(code, KeyModifiers::ALT)))
}

/// A loaded app with the history on and two exchanges with the CFO: q1 → a1, q2 → a2.
fn two_exchanges() -> App {
    let mut app = App::loaded();
    let _ = app.send(Event::History(HistoryNews::On));
    app.pick("ccfo");
    for (q, a) in [("q1", "a1"), ("q2", "a2")] {
        let id = app.ask(q);
        let _ = app.deltas(id, &[a]);
        let _ = app.complete(id, Some(1.0));
    }
    app
}

fn texts(app: &App, key: &str) -> Vec<String> {
    app.state.threads[key]
        .messages
        .iter()
        .map(|m| m.text.clone())
        .collect()
}

fn notice(app: &App) -> String {
    app.state
        .notice
        .as_ref()
        .map(|n| n.text.clone())
        .unwrap_or_default()
}

#[test]
fn alt_up_steps_through_earlier_prompts_and_alt_down_back_out() {
    let mut app = two_exchanges();
    app.type_text("draft");
    let _ = alt(&mut app, KeyCode::Up);
    assert_eq!(app.state.composer_text(), "q2");
    assert!(notice(&app).contains("editing prompt 2 of 2"), "{}", notice(&app));
    let _ = alt(&mut app, KeyCode::Up);
    assert_eq!(app.state.composer_text(), "q1");
    let _ = alt(&mut app, KeyCode::Up);
    assert_eq!(app.state.composer_text(), "q1", "there is none before the first");
    let q1 = app.state.threads["ccfo"].messages[0].id;
    assert_eq!(
        app.state.editing.as_ref().map(|e| e.prompts.clone()),
        Some(vec![("ccfo".into(), q1)])
    );
    let _ = alt(&mut app, KeyCode::Down);
    assert_eq!(app.state.composer_text(), "q2");
    let _ = alt(&mut app, KeyCode::Down);
    assert_eq!(app.state.editing, None, "past the last prompt: editing stops");
    assert_eq!(app.state.composer_text(), "draft", "the draft comes back");
}

#[test]
fn e_in_the_conversation_selects_the_last_prompt_and_esc_cancels() {
    let mut app = two_exchanges();
    app.state.focus = Focus::Conversation;
    let _ = app.key(KeyCode::Char('e'));
    assert_eq!(app.state.focus, Focus::Composer);
    assert_eq!(app.state.composer_text(), "q2");
    app.type_text(" more");
    let fx = app.key(KeyCode::Esc);
    assert_eq!(app.state.editing, None);
    assert_eq!(app.state.composer_text(), "");
    assert!(fx
        .iter()
        .all(|e| !matches!(e, Effect::Cancel { .. } | Effect::Store(_))));
    assert_eq!(texts(&app, "ccfo"), ["q1", "a1", "q2", "a2"], "nothing changed");
}

#[test]
fn resending_an_edited_prompt_forks_the_thread_on_screen_and_in_the_store() {
    let mut app = two_exchanges();
    let parent = app.state.history.threads["ccfo"];
    let _ = alt(&mut app, KeyCode::Up);
    let _ = alt(&mut app, KeyCode::Up);
    for _ in 0..2 {
        let _ = app.key(KeyCode::Backspace);
    }
    app.type_text("first, edited");
    let fx = app.key(KeyCode::Enter);
    assert_eq!(app.state.editing, None);
    // On screen: the messages before the edited prompt (none), the new prompt, its answer.
    assert_eq!(texts(&app, "ccfo"), ["first, edited", ""]);
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request.clone()),
            _ => None,
        })
        .expect("a request");
    assert_eq!(
        request.input,
        Input::Text("first, edited".into()),
        "only what precedes it is sent"
    );
    // In the store: a fork of the old thread at place 0, then the new prompt in the fork.
    let ops = stores(&fx);
    let StoreOp::Fork {
        thread,
        parent: p,
        at,
    } = &ops[0]
    else {
        panic!("a fork first: {ops:?}");
    };
    assert_eq!((*p, *at, thread.persona_id.as_str()), (parent, 0, "ccfo"));
    assert_eq!(thread.title, "first, edited");
    let fork = StoreKey::Session(thread.key);
    assert_eq!(app.state.history.threads["ccfo"], fork);
    assert!(
        matches!(&ops[1], StoreOp::Message { thread, seq: 0, message } if *thread == fork && message.text == "first, edited")
    );
    assert!(notice(&app).contains("forked"), "{}", notice(&app));
    // The answer is stored in the fork, at its place.
    let id = stream_id(&fx).expect("a stream");
    let _ = app.deltas(id, &["new answer"]);
    let fx = app.complete(id, Some(2.0));
    assert!(stores(&fx).iter().any(|op| matches!(op, StoreOp::Message { thread, seq: 1, message } if *thread == fork && message.text == "new answer")));
}

#[test]
fn resending_the_second_prompt_keeps_the_first_exchange_as_history() {
    let mut app = two_exchanges();
    let _ = alt(&mut app, KeyCode::Up);
    app.type_text("!");
    let fx = app.key(KeyCode::Enter);
    assert_eq!(texts(&app, "ccfo"), ["q1", "a1", "q2!", ""]);
    let ops = stores(&fx);
    assert!(
        matches!(&ops[0], StoreOp::Fork { at: 2, thread, .. } if thread.title == "q1"),
        "{ops:?}"
    );
    let request = fx
        .iter()
        .find_map(|e| match e {
            Effect::StartStream { request, .. } => Some(request.clone()),
            _ => None,
        })
        .expect("a request");
    let Input::Items(items) = request.input else {
        panic!("history is sent");
    };
    let sent: Vec<String> = items.iter().map(|i| i.content.text()).collect();
    assert_eq!(sent, ["q1", "a1", "q2!"]);
}

#[test]
fn without_a_history_the_screen_still_forks_and_nothing_is_stored() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let id = app.ask("q1");
    let _ = app.complete(id, Some(1.0));
    let _ = alt(&mut app, KeyCode::Up);
    app.type_text("?");
    let fx = app.key(KeyCode::Enter);
    assert!(stores(&fx).is_empty());
    assert_eq!(texts(&app, "ccfo"), ["q1?", ""]);
}

#[test]
fn a_resend_is_refused_like_a_send_while_an_answer_streams() {
    let mut app = two_exchanges();
    let _ = alt(&mut app, KeyCode::Up);
    app.state.out_of_credits = true;
    let fx = app.key(KeyCode::Enter);
    assert!(stream_id(&fx).is_none() && stores(&fx).is_empty());
    assert!(app.state.editing.is_some(), "still editing");
    assert_eq!(texts(&app, "ccfo"), ["q1", "a1", "q2", "a2"]);
}

#[test]
fn the_prompt_being_edited_is_marked_and_the_composer_says_it_is_editing() {
    let mut app = two_exchanges();
    let _ = alt(&mut app, KeyCode::Up);
    let _ = alt(&mut app, KeyCode::Up);
    let screen = crate::support::screen::draw(&mut app, 120, 40);
    assert_eq!(screen.matches("✎ editing").count(), 1, "{screen}");
    let marked = screen
        .lines()
        .position(|l| l.contains("✎ editing"))
        .expect("marked");
    assert!(
        screen.lines().nth(marked + 1).is_some_and(|l| l.contains("q1")),
        "{screen}"
    );
    assert!(screen.contains("Editing an earlier prompt"), "{screen}");
    let _ = app.key(KeyCode::Esc);
    let screen = crate::support::screen::draw(&mut app, 120, 40);
    assert!(
        !screen.contains("✎ editing") && screen.contains("Message CFO"),
        "{screen}"
    );
}

#[test]
fn an_edited_prompt_out_of_view_is_brought_into_view() {
    let mut app = App::loaded();
    app.pick("ccfo");
    let long = (0..40)
        .map(|i| format!("line {i}"))
        .collect::<Vec<_>>()
        .join("\n\n");
    for q in ["the very first prompt", "second"] {
        let id = app.ask(q);
        let _ = app.deltas(id, &[&long]);
        let _ = app.complete(id, None);
    }
    let screen = crate::support::screen::draw(&mut app, 100, 30);
    assert!(
        !screen.contains("the very first prompt"),
        "scrolled past it: {screen}"
    );
    let _ = alt(&mut app, KeyCode::Up);
    let _ = alt(&mut app, KeyCode::Up);
    let screen = crate::support::screen::draw(&mut app, 100, 30);
    assert!(
        screen.contains("✎ editing") && screen.contains("the very first prompt"),
        "{screen}"
    );
}

#[test]
fn editing_waits_for_the_streaming_answer_to_end() {
    let mut app = two_exchanges();
    let id = app.ask("q3");
    let _ = alt(&mut app, KeyCode::Up);
    assert_eq!(app.state.editing, None);
    assert!(notice(&app).contains("still streaming"), "{}", notice(&app));
    let _ = app.complete(id, None);
    let _ = alt(&mut app, KeyCode::Up);
    assert_eq!(app.state.composer_text(), "q3");
}

#[test]
fn side_by_side_every_column_forks_and_is_recorded_as_a_new_comparison() {
    let mut app = panel(2);
    let _ = app.send(Event::History(HistoryNews::On));
    for q in ["q1", "q2"] {
        for id in ask_all(&mut app, q) {
            let _ = app.deltas(id, &["answer"]);
            let _ = app.complete(id, Some(1.0));
        }
    }
    let before: Vec<StoreKey> = app
        .state
        .compare
        .marked
        .iter()
        .map(|k| app.state.history.threads[k])
        .collect();
    assert_eq!(app.state.history.comparison.as_ref(), Some(&before));
    let _ = alt(&mut app, KeyCode::Up);
    assert_eq!(
        app.state.editing.as_ref().map(|e| e.prompts.len()),
        Some(2),
        "every column's prompt"
    );
    app.type_text(" v2");
    let fx = app.key(KeyCode::Enter);
    let starts = fx
        .iter()
        .filter(|e| matches!(e, Effect::StartStream { .. }))
        .count();
    assert_eq!(starts, 2, "one request per column");
    let ops = stores(&fx);
    let forks: Vec<(StoreKey, u32)> = ops
        .iter()
        .filter_map(|op| match op {
            StoreOp::Fork { parent, at, .. } => Some((*parent, *at)),
            _ => None,
        })
        .collect();
    assert_eq!(forks, [(before[0], 2), (before[1], 2)]);
    let after: Vec<StoreKey> = app
        .state
        .compare
        .marked
        .iter()
        .map(|k| app.state.history.threads[k])
        .collect();
    assert!(after.iter().all(|k| !before.contains(k)));
    let comparison = ops.iter().find_map(|op| match op {
        StoreOp::Comparison { threads, .. } => Some(threads.clone()),
        _ => None,
    });
    assert_eq!(comparison, Some(after), "v2 beside v1");
    for key in &app.state.compare.marked {
        assert_eq!(texts(&app, key), ["q1", "answer", "q2 v2", ""]);
    }
}

/// The real binary in `--demo`, its history in a folder of its own: ask, edit the
/// question and resend it, quit; `mavera-tui history --json` lists both branches, and the
/// fork's export names its parent and the edited message.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_app_forks_a_thread_and_the_history_keeps_both_branches() {
    use crate::support::bin::{run, text};
    use crate::support::pty::Pty;
    use std::time::Duration;

    const WAIT: Duration = Duration::from_secs(40);
    let home = tempfile::tempdir().expect("home");
    let data = home.path().join("data");
    let data = data.to_str().expect("path");
    let env = [("XDG_DATA_HOME", data)];
    let mut pty = Pty::spawn(home.path(), &["--demo", "--persona", "CFO"], &env, 120, 40);
    pty.wait_text("Message CFO", WAIT);
    pty.type_text("first question alpha");
    pty.send("\r");
    pty.wait_for("the answer", WAIT, |s| s.contains("tokens ·"));
    pty.send("\x1b[1;3A"); // Alt+↑: edit the last prompt
    pty.wait_text("Editing an earlier prompt", WAIT);
    pty.type_text(" edited");
    pty.send("\r");
    let screen = pty.wait_for("the new answer", WAIT, |s| {
        s.contains("first question alpha edited") && s.contains("tokens ·") && s.contains("forked")
    });
    assert_eq!(
        screen.matches("▌You").count(),
        1,
        "the fork holds only the new prompt: {screen}"
    );
    pty.send("\x11");
    assert_eq!(pty.wait_exit(WAIT), 0);

    let out = run(home.path(), &["history", "--json"], &env).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let list = list.as_array().expect("a list");
    let titles: Vec<&str> = list.iter().filter_map(|c| c["title"].as_str()).collect();
    assert_eq!(list.len(), 2, "both branches: {list:?}");
    assert!(
        titles.contains(&"first question alpha") && titles.contains(&"first question alpha edited"),
        "{titles:?}"
    );
    let fork = list
        .iter()
        .find(|c| c["title"] == "first question alpha edited")
        .and_then(|c| c["id"].as_str())
        .expect("the fork's id");
    let parent = list
        .iter()
        .find(|c| c["title"] == "first question alpha")
        .and_then(|c| c["id"].as_str())
        .expect("the parent's id");
    let out = run(home.path(), &["export", "--format", "json", fork], &env).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let archive: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let thread = &archive["threads"][0];
    assert_eq!(
        thread["parent_thread"]
            .as_i64()
            .map(|p| format!("t{p}"))
            .as_deref(),
        Some(parent)
    );
    assert!(thread["fork_message"].as_i64().is_some(), "{thread}");
    let out = run(home.path(), &["export", "--format", "json", parent], &env).await;
    let archive: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let texts: Vec<&str> = archive["threads"][0]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["text"].as_str())
        .collect();
    assert_eq!(
        texts.first(),
        Some(&"first question alpha"),
        "the old branch is whole: {texts:?}"
    );
    assert_eq!(texts.len(), 2);
}

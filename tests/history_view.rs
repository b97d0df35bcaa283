//! The history view (Ctrl+F): the reducer's side — the reads it asks for, stale answers
//! dropped, moving, reopening landed on a searched message, renaming, deleting, and the
//! key without a history —, snapshots of the list and of search results, and the real
//! app in a pseudo-terminal (`e2e`).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use mavera_tui::app::browse::Mode;
use mavera_tui::app::thread::Scroll;
use mavera_tui::app::{Effect, Event, HistoryNews, RequestId};
use mavera_tui::history::browse::{At, Found, Query};
use mavera_tui::history::read::Credits;
use mavera_tui::history::search::{Hit, MARK_END, MARK_START};
use mavera_tui::history::ConversationId;
use mavera_tui::history::{
    Conversation, Role, Status, StoreKey, StoreOp, StoredMessage, StoredThread, Summary,
};

use crate::support::app::stores;
use crate::support::app::App;
use crate::support::screen::draw;

mod e2e;
mod screens;

/// 2026-05-28 20:26 UTC: a fixed date, so snapshots hold.
const WHEN: i64 = 1_780_000_000_000;

fn app_on() -> App {
    let mut app = App::loaded();
    let _ = app.send(Event::History(HistoryNews::On));
    app
}

/// The view's read among `fx`.
fn read(fx: &[Effect]) -> Option<(RequestId, Query)> {
    fx.iter().rev().find_map(|e| match e {
        Effect::Browse { id, query } if !matches!(query, Query::Gone(_)) => Some((*id, query.clone())),
        _ => None,
    })
}

fn summary(
    id: ConversationId,
    personas: &[&str],
    title: &str,
    answers: u32,
    spent: f64,
    age: i64,
) -> Summary {
    Summary {
        id,
        created_ms: WHEN - age,
        updated_ms: WHEN - age,
        personas: personas.iter().map(|p| (*p).to_owned()).collect(),
        title: title.into(),
        answers,
        credits: Credits {
            spent,
            answers,
            unreported: 0,
        },
    }
}

fn list() -> Vec<Summary> {
    vec![
        summary(
            ConversationId::Comparison(2),
            &["CFO", "Gen Z Consumer"],
            "Would you pay for a running-shoe subscription?",
            4,
            12.5,
            0,
        ),
        summary(
            ConversationId::Thread(1),
            &["CFO"],
            "What does churn cost us?",
            2,
            3.0,
            86_400_000,
        ),
        summary(
            ConversationId::Thread(5),
            &[""],
            "evil \u{1b}]0;title\u{7}title\u{1b}[2J with\nnewline",
            1,
            0.0,
            2 * 86_400_000,
        ),
    ]
}

fn hits() -> Vec<Hit> {
    vec![
        Hit {
            conversation: ConversationId::Thread(1),
            message_id: 11,
            role: Role::Assistant,
            persona_name: "CFO".into(),
            title: "What does churn cost us?".into(),
            updated_ms: WHEN,
            snippet: format!("…the {MARK_START}payback{MARK_END} period is what I care about…"),
        },
        Hit {
            conversation: ConversationId::Comparison(2),
            message_id: 21,
            role: Role::User,
            persona_name: "Gen Z Consumer".into(),
            title: "Would you pay for a running-shoe subscription?".into(),
            updated_ms: WHEN - 1000,
            snippet: format!("what {MARK_START}payback{MARK_END} would you want"),
        },
    ]
}

/// An app with the view open and the list in.
fn listed() -> App {
    let mut app = app_on();
    let fx = app.ctrl('f');
    let (id, query) = read(&fx).expect("a read");
    assert_eq!(query, Query::List);
    let _ = app.send(Event::Browse {
        id,
        found: Found::List(list()),
    });
    app
}

fn message(role: Role, text: &str) -> StoredMessage {
    mavera_tui::history::MessageRecord::plain(role, text, Status::Complete)
}

fn stored(id: i64, persona: &str, texts: &[&str]) -> StoredThread {
    StoredThread {
        id,
        persona_id: persona.into(),
        persona_name: persona.into(),
        title: texts.first().copied().unwrap_or_default().into(),
        instructions: None,
        messages: texts
            .iter()
            .enumerate()
            .map(|(i, t)| message(if i % 2 == 0 { Role::User } else { Role::Assistant }, t))
            .collect(),
    }
}

#[test]
fn the_key_says_why_when_there_is_no_history() {
    let mut app = App::loaded();
    let fx = app.ctrl('f');
    assert!(read(&fx).is_none() && app.state.browse.is_none());
    let notice = app.state.notice.clone().expect("a notice").text;
    assert!(notice.contains("history is off"), "{notice}");

    let mut app = App::loaded();
    let _ = app.send(Event::History(HistoryNews::Off(Some(
        "the history is locked by another program".into(),
    ))));
    let _ = app.ctrl('f');
    assert!(app.state.browse.is_none());
    let notice = app.state.notice.clone().expect("a notice").text;
    assert!(notice.contains("locked by another program"), "{notice}");
}

#[test]
fn opening_lists_and_the_answer_fills_the_view_sanitised() {
    let app = listed();
    let browse = app.state.browse.as_ref().expect("open");
    assert!(browse.loaded);
    assert_eq!(browse.rows.len(), 3);
    assert_eq!(browse.rows[0].personas, "CFO, Gen Z Consumer");
    assert_eq!(browse.rows[2].personas, "(no persona)");
    let odd = &browse.rows[2].title;
    assert!(
        !odd.contains('\u{1b}') && !odd.contains('\u{7}') && !odd.contains('\n'),
        "{odd:?}"
    );
}

#[test]
fn typing_searches_and_only_the_latest_answer_counts() {
    let mut app = app_on();
    let (list_id, _) = read(&app.ctrl('f')).expect("list");
    let (first, q1) = read(&app.key(KeyCode::Char('p'))).expect("a search");
    assert_eq!(q1, Query::Search("p".into()));
    let (second, q2) = read(&app.key(KeyCode::Char('a'))).expect("a search");
    assert_eq!(q2, Query::Search("pa".into()));
    assert!(second > first);
    // Late answers to older reads are dropped.
    let _ = app.send(Event::Browse {
        id: first,
        found: Found::Hits(hits()[..1].to_vec()),
    });
    let _ = app.send(Event::Browse {
        id: list_id,
        found: Found::List(list()),
    });
    assert!(
        !app.state.browse.as_ref().expect("open").loaded,
        "nothing stale shown"
    );
    let _ = app.send(Event::Browse {
        id: second,
        found: Found::Hits(hits()),
    });
    let browse = app.state.browse.as_ref().expect("open");
    assert_eq!(browse.rows.len(), 2);
    let (_, pieces) = browse.rows[0].hit.clone().expect("a hit");
    assert!(pieces.contains(&("payback".to_owned(), true)), "{pieces:?}");
    // Erasing back to nothing lists again.
    let (_, q) = read(&app.key(KeyCode::Backspace)).expect("a search");
    assert_eq!(q, Query::Search("p".into()));
    let (_, q) = read(&app.key(KeyCode::Backspace)).expect("the list");
    assert_eq!(q, Query::List);
    assert!(
        read(&app.key(KeyCode::Backspace)).is_none(),
        "nothing left to erase"
    );
    // A paste is typing too, never the composer's.
    let (_, q) = read(&app.send(Event::Paste("pay\nback".into()))).expect("a search");
    assert_eq!(q, Query::Search("pay back".into()));
    assert_eq!(app.state.composer_text(), "");
}

#[test]
fn the_selection_moves_and_esc_closes() {
    let mut app = listed();
    let sel = |app: &App| app.state.browse.as_ref().map(|b| b.selected);
    let _ = app.key(KeyCode::Down);
    assert_eq!(sel(&app), Some(1));
    let _ = app.key(KeyCode::PageDown);
    assert_eq!(sel(&app), Some(2));
    let _ = app.key(KeyCode::Up);
    assert_eq!(sel(&app), Some(1));
    let _ = app.key(KeyCode::Home);
    assert_eq!(sel(&app), Some(0));
    let _ = app.key(KeyCode::End);
    assert_eq!(sel(&app), Some(2));
    let _ = app.key(KeyCode::PageUp);
    assert_eq!(sel(&app), Some(0));
    let _ = app.key(KeyCode::Esc);
    assert!(app.state.browse.is_none());
}

#[test]
fn enter_on_a_hit_reopens_its_thread_at_the_match() {
    let mut app = app_on();
    let _ = app.ctrl('f');
    let mut last = None;
    for c in "walrus".chars() {
        last = read(&app.key(KeyCode::Char(c)));
    }
    let (id, _) = last.expect("a search");
    let hit = Hit {
        conversation: ConversationId::Thread(7),
        message_id: 70,
        role: Role::Assistant,
        persona_name: "CFO".into(),
        title: "first".into(),
        updated_ms: WHEN,
        snippet: format!("the {MARK_START}walrus{MARK_END}"),
    };
    let _ = app.send(Event::Browse {
        id,
        found: Found::Hits(vec![hit]),
    });
    let (open, query) = read(&app.key(KeyCode::Enter)).expect("a read");
    assert_eq!(
        query,
        Query::Open {
            conversation: ConversationId::Thread(7),
            message: Some(70)
        }
    );
    let long = "filler paragraph\n\n".repeat(40);
    let thread = stored(
        7,
        "ccfo",
        &[
            "first",
            &format!("{long}the walrus is here\n{long}"),
            "second",
            "the last answer",
        ],
    );
    let _ = app.send(Event::Browse {
        id: open,
        found: Found::Opened {
            conversation: Some(Conversation {
                id: ConversationId::Thread(7),
                threads: vec![thread],
            }),
            at: Some(At { column: 0, index: 1 }),
        },
    });
    assert!(app.state.browse.is_none(), "the view closes");
    assert_eq!(app.state.personas.selected.as_deref(), Some("ccfo"));
    assert_eq!(app.state.history.threads.get("ccfo"), Some(&StoreKey::Row(7)));
    let t = app.state.threads.get("ccfo").expect("the thread");
    assert_eq!(t.messages.len(), 4);
    let landing = t.landing.clone().expect("a place to land");
    assert_eq!(Some(landing.message), t.messages.get(1).map(|m| m.id));
    assert_eq!(landing.words, vec!["walrus".to_owned()]);
    let screen = draw(&mut app, 100, 30);
    assert!(
        screen.contains("the walrus is here"),
        "landed on the match:\n{screen}"
    );
    // The frame's place became the scroll position; the next frame stays there.
    let t = app.state.threads.get("ccfo").expect("the thread");
    assert!(t.landing.is_none());
    assert!(matches!(t.scroll, Scroll::Top(n) if n > 20), "{:?}", t.scroll);
    let lines: Vec<&str> = screen.lines().collect();
    let row = lines
        .iter()
        .position(|l| l.contains("the walrus is here"))
        .unwrap_or(0);
    assert!(
        (8..=12).contains(&row),
        "a third of the way down a 30-row screen: row {row}"
    );
    assert_eq!(draw(&mut app, 100, 30), screen);
    assert!(!screen.contains("the last answer"), "{screen}");
    // A follow-up continues the stored thread, its history re-sent.
    let id = app.ask("and then?");
    assert!(app.state.streams.contains_key(&id));
}

#[test]
fn a_comparison_reopens_as_its_columns_in_order() {
    let mut app = listed();
    let (open, query) = read(&app.key(KeyCode::Enter)).expect("a read");
    assert_eq!(
        query,
        Query::Open {
            conversation: ConversationId::Comparison(2),
            message: None
        }
    );
    let _ = app.send(Event::Browse {
        id: open,
        found: Found::Opened {
            conversation: Some(Conversation {
                id: ConversationId::Comparison(2),
                threads: vec![stored(3, "ccfo", &["q", "a"]), stored(4, "cgenz", &["q", "b"])],
            }),
            at: None,
        },
    });
    assert_eq!(app.state.compare.marked, ["ccfo", "cgenz"]);
    assert_eq!(
        app.state.history.comparison,
        Some(vec![StoreKey::Row(3), StoreKey::Row(4)])
    );
}

#[test]
fn reopening_is_refused_while_answers_stream_and_stale_opens_are_dropped() {
    let mut app = app_on();
    app.pick("ccfo");
    let id = app.ask("still streaming");
    let _ = app.deltas(id, &["some text"]);
    let (list_id, _) = read(&app.ctrl('f')).expect("list");
    let _ = app.send(Event::Browse {
        id: list_id,
        found: Found::List(list()),
    });
    let fx = app.key(KeyCode::Enter);
    assert!(read(&fx).is_none(), "{fx:?}");
    let note = app
        .state
        .browse
        .as_ref()
        .and_then(|b| b.note.clone())
        .unwrap_or_default();
    assert!(note.contains("streaming"), "{note}");
    assert!(app.state.streams.contains_key(&id), "the answer goes on");
    // An answer to a read nobody waits for changes nothing.
    let _ = app.send(Event::Browse {
        id: RequestId(9999),
        found: Found::Opened {
            conversation: Some(Conversation {
                id: ConversationId::Thread(1),
                threads: vec![stored(1, "cgenz", &["q"])],
            }),
            at: None,
        },
    });
    assert!(app.state.browse.is_some());
    assert!(!app.state.threads.contains_key("cgenz"));
}

#[test]
fn rename_types_the_title_inline_and_stores_it() {
    let mut app = listed();
    let _ = app.key(KeyCode::Down);
    let fx = app.ctrl('r');
    assert!(stores(&fx).is_empty());
    let browse = app.state.browse.as_ref().expect("open");
    assert_eq!(browse.mode, Mode::Renaming("What does churn cost us?".into()));
    for _ in 0.."cost us?".len() {
        let _ = app.key(KeyCode::Backspace);
    }
    app.type_text("in Q3");
    let fx = app.key(KeyCode::Enter);
    assert_eq!(
        stores(&fx),
        [StoreOp::Rename {
            conversation: ConversationId::Thread(1),
            title: "What does churn in Q3".into()
        }]
    );
    assert_eq!(
        read(&fx).map(|(_, q)| q),
        Some(Query::List),
        "the list is read again after"
    );
    // Esc leaves the title as it was; F2 renames too.
    let _ = app.key(KeyCode::F(2));
    app.type_text("xyz");
    let fx = app.key(KeyCode::Esc);
    assert!(stores(&fx).is_empty());
    let browse = app.state.browse.as_ref().expect("still open");
    assert_eq!(browse.mode, Mode::Browsing);
}

#[test]
fn delete_asks_first_and_forgets_the_links_that_are_gone() {
    let mut app = listed();
    let _ = app.key(KeyCode::Down);
    let _ = app.ctrl('d');
    assert_eq!(
        app.state.browse.as_ref().map(|b| b.mode.clone()),
        Some(Mode::ConfirmDelete)
    );
    let screen = draw(&mut app, 100, 30);
    assert!(
        screen.contains("Delete the thread “What does churn cost us?”? y/n"),
        "{screen}"
    );
    let fx = app.key(KeyCode::Char('n'));
    assert!(stores(&fx).is_empty(), "no is no");
    assert_eq!(
        app.state.browse.as_ref().map(|b| b.mode.clone()),
        Some(Mode::Browsing)
    );

    app.state.history.threads.insert("ccfo".into(), StoreKey::Row(1));
    app.state
        .history
        .threads
        .insert("cgenz".into(), StoreKey::Session(3));
    let _ = app.key(KeyCode::Delete);
    let fx = app.key(KeyCode::Char('y'));
    assert_eq!(stores(&fx), [StoreOp::Delete(ConversationId::Thread(1))]);
    let gone = fx.iter().find_map(|e| match e {
        Effect::Browse {
            id,
            query: Query::Gone(keys),
        } => Some((*id, keys.clone())),
        _ => None,
    });
    let (gone_id, keys) = gone.expect("the links are checked");
    assert_eq!(keys, [StoreKey::Session(3), StoreKey::Row(1)]);
    assert_eq!(read(&fx).map(|(_, q)| q), Some(Query::List), "the list refreshes");
    let _ = app.send(Event::Browse {
        id: gone_id,
        found: Found::Gone(vec![StoreKey::Row(1)]),
    });
    assert!(!app.state.history.threads.contains_key("ccfo"));
    assert!(app.state.history.threads.contains_key("cgenz"));
}

#[test]
fn quitting_still_works_with_the_view_open() {
    let mut app = listed();
    let fx = app.send(Event::Key(KeyEvent::new(
        KeyCode::Char('q'),
        KeyModifiers::CONTROL,
    )));
    assert!(fx.contains(&Effect::Quit), "{fx:?}");
}

#[test]
fn a_failed_read_is_said_in_the_view() {
    let mut app = app_on();
    let (id, _) = read(&app.ctrl('f')).expect("list");
    let _ = app.send(Event::Browse {
        id,
        found: Found::Failed("disk I/O error\u{1b}[2J".into()),
    });
    let browse = app.state.browse.as_ref().expect("still open");
    assert_eq!(
        browse.note.as_deref(),
        Some("could not read the history: disk I/O error")
    );
    let screen = draw(&mut app, 80, 24);
    assert!(screen.contains("could not read the history"), "{screen}");
}

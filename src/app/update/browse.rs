//! The history view's transitions: opening it, the keys it takes while open, the answers
//! of its reads, and reopening a conversation.
//!
//! Owns: Ctrl+F (or why there is no history to open); typing, which searches every
//! message, a read per keystroke tagged with its request id, so a late answer to an
//! older query is dropped and no frame ever waits for the database (a paste types too);
//! moving the selection; Enter, which reopens the selected conversation as `--resume` does (a
//! comparison as its columns, in order) landed on the searched message; renaming (the
//! title typed inline) and deleting (after "y"); and the keys it leaves to the rest of
//! the app (Ctrl+C, Ctrl+Q, Ctrl+Z). Reopening is refused while answers stream: the
//! threads it replaces may be the ones streaming, and an answer must not lose its
//! thread; the user stops them (Esc) or waits. Does not own: the view's state
//! (`app::browse`), the reads (`history::browse`) or drawing (`view::browse`).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::app::browse::{hit_row, summary_row, Browse, Mode};
use crate::app::effect::{Effect, Effects};
use crate::app::event::RequestId;
use crate::app::layout;
use crate::app::state::{AppState, Severity};
use crate::app::thread::Landing;
use crate::history::browse::{At, Found, Query};
use crate::history::{StoreKey, StoreOp};
use crate::sanitize::clean_line;

use super::notice::notify;

/// Rows a page key moves.
const PAGE: isize = 10;

/// What a refused reopen says.
pub const STREAMING: &str = "answers are streaming: stop them (Esc) or let them finish, then reopen";

/// Ctrl+F: opens the view and asks for the list, or says why there is no history.
pub(super) fn open(state: &mut AppState, fx: &mut Effects) {
    if !state.history.on {
        let text = match &state.history.unavailable {
            Some(why) => format!("no history this session: {why}"),
            None => "the history is off ([history] enabled = false in the config file)".to_owned(),
        };
        notify(state, Severity::Warning, text, fx);
        return;
    }
    state.browse = Some(Browse::default());
    refresh(state, fx);
}

/// Asks again for what the view shows: the list, or the hits of the query typed.
fn refresh(state: &mut AppState, fx: &mut Effects) {
    let id = RequestId(state.next_id());
    let Some(browse) = state.browse.as_mut() else {
        return;
    };
    browse.awaiting = Some(id);
    let words = browse.query.trim();
    let query = if words.is_empty() {
        Query::List
    } else {
        Query::Search(words.to_owned())
    };
    fx.push(Effect::Browse { id, query });
    fx.redraw();
}

/// A key while the view is open. False for the keys it leaves to the app (quitting,
/// interrupting, suspending), which then do what they do everywhere.
pub(super) fn key(state: &mut AppState, key: KeyEvent, fx: &mut Effects) -> bool {
    if crate::app::keymap::passes_modals(state.keys.rows(), &key) {
        return false;
    }
    if key.kind == KeyEventKind::Release {
        return true;
    }
    let Some(browse) = state.browse.as_mut() else {
        return false;
    };
    let typed = crate::app::keymap::typed(&key);
    match browse.mode.clone() {
        Mode::ConfirmDelete => {
            browse.mode = Mode::Browsing;
            if matches!(typed, Some('y' | 'Y')) {
                delete(state, fx);
            } else {
                browse.note = None;
            }
            fx.redraw();
        }
        Mode::Renaming(mut title) => {
            match (key.code, typed) {
                (_, Some(c)) => title.push(c),
                (KeyCode::Backspace, _) => {
                    title.pop();
                }
                (KeyCode::Enter, _) => {
                    browse.mode = Mode::Browsing;
                    rename(state, &title, fx);
                    return true;
                }
                (KeyCode::Esc, _) => {
                    browse.mode = Mode::Browsing;
                    fx.redraw();
                    return true;
                }
                _ => return true,
            }
            browse.mode = Mode::Renaming(title);
            fx.redraw();
        }
        Mode::Browsing => browsing(state, key, typed, fx),
    }
    true
}

fn browsing(state: &mut AppState, key: KeyEvent, typed: Option<char>, fx: &mut Effects) {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let Some(browse) = state.browse.as_mut() else {
        return;
    };
    browse.note = None;
    match (key.code, typed) {
        (KeyCode::Esc, _) => state.browse = None,
        (KeyCode::Up, _) => browse.move_by(-1),
        (KeyCode::Down, _) => browse.move_by(1),
        (KeyCode::PageUp, _) => browse.move_by(-PAGE),
        (KeyCode::PageDown, _) => browse.move_by(PAGE),
        (KeyCode::Home, _) => browse.move_to_end(false),
        (KeyCode::End, _) => browse.move_to_end(true),
        (KeyCode::Enter, _) => return reopen(state, fx),
        (KeyCode::F(2), _) | (KeyCode::Char('r'), None) if ctrl || key.code == KeyCode::F(2) => {
            if let Some(row) = browse.selected_row() {
                browse.mode = Mode::Renaming(row.title.clone());
            }
        }
        (KeyCode::Delete, _) | (KeyCode::Char('d'), None) if ctrl || key.code == KeyCode::Delete => {
            if browse.selected_row().is_some() {
                browse.mode = Mode::ConfirmDelete;
            }
        }
        (KeyCode::Backspace, _) => {
            if browse.query.pop().is_some() {
                return refresh(state, fx);
            }
        }
        (_, Some(c)) => {
            browse.query.push(c);
            return refresh(state, fx);
        }
        _ => return,
    }
    fx.redraw();
}

/// Pasted text goes where typing goes: the query (searched at once) or the title being
/// typed; as one line, sanitised. Never into the composer hidden under the view.
pub(super) fn paste(state: &mut AppState, text: &str, fx: &mut Effects) {
    let text = clean_line(text);
    let Some(browse) = state.browse.as_mut() else {
        return;
    };
    match &mut browse.mode {
        Mode::Browsing => {
            browse.query.push_str(&text);
            refresh(state, fx);
        }
        Mode::Renaming(title) => {
            title.push_str(&text);
            fx.redraw();
        }
        Mode::ConfirmDelete => {}
    }
}

/// Enter: asks for the selected conversation, whole (refused while answers stream).
fn reopen(state: &mut AppState, fx: &mut Effects) {
    let streaming = !state.streams.is_empty();
    let id = RequestId(state.next_id());
    let Some(browse) = state.browse.as_mut() else {
        return;
    };
    let Some(row) = browse.selected_row() else {
        return;
    };
    if streaming {
        browse.note = Some(STREAMING.to_owned());
        notify(state, Severity::Warning, STREAMING.to_owned(), fx);
        return;
    }
    let query = Query::Open {
        conversation: row.conversation,
        message: row.message,
    };
    browse.opening = Some(id);
    fx.push(Effect::Browse { id, query });
    fx.redraw();
}

fn rename(state: &mut AppState, title: &str, fx: &mut Effects) {
    let title = clean_line(title).trim().to_owned();
    let Some(row) = state.browse.as_ref().and_then(|b| b.selected_row()) else {
        return;
    };
    if title.is_empty() || title == row.title {
        fx.redraw();
        return;
    }
    fx.push(Effect::Store(StoreOp::Rename {
        conversation: row.conversation,
        title,
    }));
    // Read after the write: the list shows the new title.
    refresh(state, fx);
}

fn delete(state: &mut AppState, fx: &mut Effects) {
    let Some(row) = state.browse.as_ref().and_then(|b| b.selected_row()) else {
        return;
    };
    fx.push(Effect::Store(StoreOp::Delete(row.conversation)));
    // The threads on screen may be the ones deleted: the store is asked which of their
    // links are gone, so they are stored afresh if they are continued.
    let mut linked: Vec<StoreKey> = state.history.threads.values().copied().collect();
    linked.sort_by_key(|k| match k {
        StoreKey::Session(n) => (0, *n as i64),
        StoreKey::Row(r) => (1, *r),
    });
    if !linked.is_empty() {
        let id = RequestId(state.next_id());
        fx.push(Effect::Browse {
            id,
            query: Query::Gone(linked),
        });
    }
    refresh(state, fx);
}

/// The answer of read `id`.
pub(super) fn found(state: &mut AppState, id: RequestId, found: Found, fx: &mut Effects) {
    if let Found::Gone(keys) = found {
        // Not tied to the view: the links must go even if it was closed meanwhile.
        state.history.threads.retain(|_, k| !keys.contains(k));
        if state
            .history
            .comparison
            .as_ref()
            .is_some_and(|c| c.iter().any(|k| keys.contains(k)))
        {
            state.history.comparison = None;
        }
        return;
    }
    let Some(browse) = state.browse.as_mut() else {
        return; // closed meanwhile
    };
    match found {
        Found::Opened { conversation, at } if browse.opening == Some(id) => {
            browse.opening = None;
            match conversation {
                Some(c) => land(state, c, at, fx),
                None => {
                    browse.note = Some("that conversation is no longer in the history".into());
                    refresh(state, fx);
                }
            }
        }
        Found::List(list) if browse.awaiting == Some(id) => {
            browse.awaiting = None;
            browse.set_rows(list.into_iter().map(summary_row).collect());
            fx.redraw();
        }
        Found::Hits(hits) if browse.awaiting == Some(id) => {
            browse.awaiting = None;
            browse.set_rows(hits.into_iter().map(hit_row).collect());
            fx.redraw();
        }
        Found::Failed(why) if browse.awaiting == Some(id) || browse.opening == Some(id) => {
            browse.awaiting = None;
            browse.opening = None;
            browse.note = Some(format!("could not read the history: {}", clean_line(&why)));
            fx.redraw();
        }
        _ => {} // a stale answer: a newer request is awaited
    }
}

/// Installs a reopened conversation and scrolls it to the searched message.
fn land(state: &mut AppState, conversation: crate::history::Conversation, at: Option<At>, fx: &mut Effects) {
    if !state.streams.is_empty() {
        // Something started streaming while the read ran (it cannot from the view, but
        // the answer may arrive after the view closed and a prompt was sent).
        if let Some(b) = state.browse.as_mut() {
            b.note = Some(STREAMING.to_owned());
        }
        fx.redraw();
        return;
    }
    let query = state.browse.as_ref().map(|b| b.query.clone()).unwrap_or_default();
    let threads = crate::app::stored::restored(conversation);
    let key = at
        .and_then(|a| threads.get(a.column))
        .map(|t| t.persona_id.clone());
    if threads.len() < 2 {
        // One thread replaces what is on screen, side by side or not.
        state.compare.clear();
    }
    state.browse = None;
    state.notice = None;
    super::load::restore(state, threads, fx);
    let (Some(at), Some(key)) = (at, key) else {
        return;
    };
    if state.compare.active() && !state.compare.marked.is_empty() {
        let window = layout::columns(state);
        if at.column < window.offset || at.column >= window.offset + window.visible {
            state.compare.focus(at.column);
        }
    }
    if let Some(thread) = state.threads.get_mut(&key) {
        // The view lays the thread out, so it finds the match's line (`Thread::landing`).
        thread.landing = thread.messages.get(at.index).map(|m| Landing {
            message: m.id,
            words: query.split_whitespace().map(str::to_lowercase).collect(),
        });
    }
}

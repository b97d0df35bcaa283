//! Starting up and loading: the persona list (cached, then refreshed) and the balance.
//!
//! Owns: the first effects (load personas, load usage), showing a cached list at once,
//! sanitising persona text where it enters state, picking the persona asked for at
//! launch, and what a failed load looks like (a cached list stays; a base URL that is
//! not a Mavera API still offers the config file's personas; otherwise the error and the
//! retry key, which also re-checks the balance while sending is paused for credits).
//! Ending that pause when the balance is positive again is here too. Does not own: the
//! cache file or HTTP.

use crate::api::wire::{Persona, UsageReport};
use crate::api::ApiError;
use crate::app::effect::{Effect, Effects};
use crate::app::event::{RequestId, RestoredThread};
use crate::app::personas::LoadState;
use crate::app::state::{AppState, Focus, Severity};
use crate::catalog::Catalog;
use crate::sanitize::{clean, clean_line};

use super::notice::notify;

/// The first transition: show what is cached, ask for fresh data.
pub fn start(state: &mut AppState, cached: Option<Vec<Persona>>) -> Effects {
    let mut fx = Effects::none();
    if let Some(list) = cached.filter(|l| !l.is_empty()) {
        set_list(state, list);
        state.personas.load = LoadState::Refreshing;
    }
    reload_personas(state, &mut fx);
    super::usage::refresh_usage(state, true, &mut fx);
    if let Some(hint) = state.connection.hint.clone() {
        notify(state, Severity::Info, hint, &mut fx);
    }
    fx.redraw();
    fx
}

pub(super) fn reload_personas(state: &mut AppState, fx: &mut Effects) {
    let id = RequestId(state.next_id());
    state.personas_request = Some(id);
    if matches!(state.personas.load, LoadState::Failed(_)) {
        state.personas.load = LoadState::Loading;
    } else if state.personas.load == LoadState::Loaded {
        state.personas.load = LoadState::Refreshing;
    }
    fx.push(Effect::LoadPersonas { id });
    if state.out_of_credits {
        // Sending is paused for credits: reloading is also how the user re-checks.
        let usage_id = RequestId(state.next_id());
        state.usage_request = Some(usage_id);
        fx.push(Effect::LoadUsage { id: usage_id });
    }
    fx.redraw();
}

pub(super) fn personas_loaded(
    state: &mut AppState,
    id: RequestId,
    result: Result<Vec<Persona>, ApiError>,
    fx: &mut Effects,
) {
    if state.personas_request != Some(id) {
        return; // an older request's answer
    }
    state.personas_request = None;
    match result {
        Ok(list) => {
            fx.push(Effect::SavePersonaCache(list.clone()));
            set_list(state, list);
            state.personas.load = LoadState::Loaded;
        }
        Err(err) if err.is_endpoint_missing() => {
            set_list(state, Vec::new());
            state.personas.load = LoadState::Loaded;
        }
        Err(err) => {
            let message = clean_line(&err.to_string());
            let local_only = matches!(err, ApiError::NotMavera { .. }) && !state.local_personas.is_empty();
            if state.personas.entries.is_empty() && local_only {
                // Another Responses-compatible server: the config file's personas work.
                set_list(state, Vec::new());
                state.personas.load = LoadState::Loaded;
                notify(
                    state,
                    Severity::Warning,
                    format!("{message}; showing the config file's personas"),
                    fx,
                );
            } else if state.personas.entries.is_empty() {
                state.personas.load = LoadState::Failed(message);
            } else {
                state.personas.load = LoadState::Loaded;
                notify(
                    state,
                    Severity::Warning,
                    format!("could not refresh personas: {message}"),
                    fx,
                );
            }
        }
    }
    fx.redraw();
}

/// Installs a list (server personas + local ones), sanitised, and picks the persona
/// asked for at launch once it is there.
fn set_list(state: &mut AppState, list: Vec<Persona>) {
    let safe: Vec<Persona> = list
        .into_iter()
        .map(|p| Persona {
            id: clean_line(&p.id),
            name: clean_line(&p.name),
            category: clean_line(&p.category),
            description: clean(&p.description),
            ..p
        })
        .collect();
    let catalog = Catalog::new(safe, &state.local_personas);
    let pending = state.pending_persona.clone();
    if let Some(query) = pending {
        match catalog.resolve(&query) {
            Ok(p) => {
                state.personas.selected = Some(p.id.clone());
                state.pending_persona = None;
                state.focus = Focus::Composer;
            }
            Err(e) if !catalog.entries().is_empty() => {
                state.pending_persona = None;
                state.notice = Some(crate::app::state::Notice {
                    text: clean_line(&e.to_string()),
                    severity: Severity::Warning,
                });
            }
            Err(_) => {}
        }
    }
    if let Some(queries) = state
        .compare
        .pending
        .clone()
        .filter(|_| !catalog.entries().is_empty())
    {
        state.compare.pending = None;
        let mut unknown = Vec::new();
        for q in &queries {
            match catalog.resolve(q) {
                Ok(p) if !state.compare.is_marked(&p.id) => {
                    state.compare.toggle(&p.id);
                }
                Ok(_) => {}
                Err(e) => unknown.push(clean_line(&e.to_string())),
            }
        }
        if state.compare.active() {
            state.focus = Focus::Composer;
        }
        if !unknown.is_empty() {
            state.notice = Some(crate::app::state::Notice {
                text: unknown.join("; "),
                severity: Severity::Warning,
            });
        }
    }
    state.personas.set_entries(catalog.entries().to_vec());
    if let Some(id) = state.personas.selected.clone() {
        state.personas.move_to(&id);
    } else if !state.personas.entries.is_empty()
        && !state.compare.active()
        && state.focus == Focus::Composer
        && state.threads.values().all(|t| t.messages.is_empty())
    {
        // Nothing picked yet: start where the picking happens.
        state.focus = Focus::Sidebar;
    }
}

/// Installs conversations from a transcript or the history: one thread shows as the
/// selected persona's, several as a compare panel.
pub(super) fn restore(state: &mut AppState, threads: Vec<RestoredThread>, fx: &mut Effects) {
    let keys: Vec<String> = threads.iter().map(|t| t.persona_id.clone()).collect();
    let links: Vec<(String, Option<i64>)> =
        threads.iter().map(|t| (t.persona_id.clone(), t.stored)).collect();
    super::autosave::reopened(state, &links);
    for mut restored in threads {
        // Ids are the app's to give: a file's cannot be trusted to be unique.
        for m in &mut restored.thread.messages {
            m.id = state.next_id();
        }
        state.threads.insert(restored.persona_id, restored.thread);
    }
    match keys.as_slice() {
        [] => {}
        [one] => {
            state.personas.selected = Some(one.clone()).filter(|k| !k.is_empty());
            state.pending_persona = None;
        }
        many => {
            state.compare.clear();
            for k in many.iter().take(crate::app::compare::MAX_COLUMNS) {
                state.compare.toggle(k);
            }
        }
    }
    // A conversation reopened from the history is there to be continued; one from a
    // file, to be read first.
    let continued = !links.is_empty() && links.iter().all(|(_, stored)| stored.is_some());
    state.focus = if continued {
        Focus::Composer
    } else {
        Focus::Conversation
    };
    fx.redraw();
}

pub(super) fn usage_loaded(
    state: &mut AppState,
    id: RequestId,
    result: Result<UsageReport, ApiError>,
    fx: &mut Effects,
) {
    if state.usage_request != Some(id) {
        return;
    }
    state.usage_request = None;
    state.account.usage_due = false;
    // A server without `/usage` simply shows no balance.
    if let Ok(report) = result {
        if report.credits.included.is_some() {
            state.account.included = report.credits.included;
        }
        if let Some(remaining) = report.credits.remaining {
            state.credits.balance = Some(remaining);
            if remaining > 0.0 && state.out_of_credits {
                // Credits again (a top-up, a new billing cycle): sending resumes.
                state.out_of_credits = false;
                notify(
                    state,
                    Severity::Info,
                    "credits are available again: sending resumed".into(),
                    fx,
                );
            }
            fx.redraw();
        }
    }
}

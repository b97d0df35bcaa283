//! The reducer: `update(state, event) -> effects`. No I/O, no clock, no channels: time
//! arrives inside the event, and everything to be done leaves as an `Effect`.
//!
//! Owns: every state transition. Keys become actions (`keymap`), actions and network
//! results change state here. Split by concern: `send` (sending, regenerating,
//! cancelling), `replace` (a regenerated answer keeping the old one until it has text),
//! `answer` (answer progress and endings), `load` (persona list, balance), `autosave`
//! (what goes to the history, and when), `copy` (the copy keys and Ctrl+O's export),
//! `browse` (the history view, Ctrl+F: it takes the keys while open). Here: quitting
//! — Ctrl+C stops every streaming answer and quits only when none streams; Ctrl+Q
//! quits at once when nothing streams, else asks (`confirm_quit`: a second Ctrl+Q quits,
//! any other key only withdraws the question) — and Ctrl+Z's request to suspend
//! (`suspend_requests`, carried out by the runtime).
//! Does not own: carrying out effects (the runtime) or drawing (the view).

mod answer;
mod autosave;
mod browse;
mod compare;
mod copy;
mod dialog;
mod ended;
mod fork;
mod instructions;
mod load;
mod notice;
mod replace;
mod replay;
mod send;
mod structure;
mod usage;

use crossterm::event::{KeyEventKind, MouseEvent, MouseEventKind};

use super::action::Action;
use super::effect::{Effect, Effects};
use super::event::{Event, Timed};
use super::keymap::{action_in, KeyContext};
use super::layout;
use super::state::{AppState, Focus, Overlay, Severity};
use super::thread::Scroll;

pub use autosave::CHECKPOINT_MS;
pub use load::start;

/// Applies one event.
pub fn update(state: &mut AppState, timed: Timed) -> Effects {
    state.now = state.now.max(timed.now);
    let mut fx = Effects::none();
    match timed.event {
        Event::Key(key) => {
            let ctx = KeyContext {
                focus: state.focus,
                filtering: state.personas.filtering,
                overlay: state.overlay.is_some(),
                naming: state.compare.naming.is_some(),
            };
            let action = action_in(state.keys.rows(), ctx, key);
            if state.dialog.is_some() && dialog::key(state, key, &mut fx) {
                // A dialog is open: it takes the key.
            } else if state.browse.is_some() && browse::key(state, key, &mut fx) {
                // The history view is open: it takes the key.
            } else if state.instructions_edit.is_some() && instructions::key(state, key, &mut fx) {
                // The instructions popup is open: it takes the key.
            } else if copy::pending_key(state, &key, &mut fx) {
                // The digit after `c` (or the key that cancelled it): taken.
            } else if state.confirm_quit && key.kind != KeyEventKind::Release && action != Some(Action::Quit)
            {
                // Any other key answers "no": the answers keep streaming, the key does
                // nothing else (Esc would otherwise stop them).
                state.confirm_quit = false;
                fx.redraw();
            } else if let Some(action) = action {
                act(state, action, &mut fx);
            }
        }
        Event::Paste(text) if state.dialog.is_some() => dialog::paste(state, &text, &mut fx),
        Event::Paste(text) if state.browse.is_some() => browse::paste(state, &text, &mut fx),
        Event::Paste(text) if state.instructions_edit.is_some() => instructions::paste(state, &text, &mut fx),
        Event::Paste(text) => send::paste(state, &text, &mut fx),
        Event::Mouse(mouse) => scroll_mouse(state, mouse, &mut fx),
        Event::Resize { width, height } => {
            state.size = (width, height);
            fx.redraw();
        }
        Event::Tick => {
            if state.animating_on_screen() {
                fx.redraw();
            }
            autosave::tick(state, &mut fx);
        }
        Event::Answer { id, events } => {
            let place = autosave::place(state, id);
            replace::apply(state, id, events, &mut fx);
            autosave::answered(state, id, place, &mut fx);
        }
        Event::PersonasLoaded { id, result } => load::personas_loaded(state, id, result, &mut fx),
        Event::UsageLoaded { id, result } => load::usage_loaded(state, id, result, &mut fx),
        Event::Measured {
            thread,
            total_lines,
            viewport,
            landed,
        } => {
            // Bookkeeping only: the frame that measured is already on screen.
            let thread = state.threads.entry(thread).or_default();
            thread.measured = (total_lines, viewport);
            // The frame placed the landing: from now on it is an ordinary scroll position.
            if let (Some(top), Some(_)) = (landed, thread.landing.take()) {
                thread.scroll = Scroll::Top(top);
            }
        }
        Event::Restore(threads) => load::restore(state, threads, &mut fx),
        Event::Saved(result) => {
            let (severity, text) = match result {
                Ok(done) => (Severity::Info, done),
                Err(why) => (Severity::Error, why),
            };
            notice::notify(state, severity, text, &mut fx);
        }
        Event::History(news) => autosave::news(state, news, &mut fx),
        Event::Browse { id, found } => browse::found(state, id, found, &mut fx),
        Event::InstructionsEdited(result) => instructions::edited(state, result, &mut fx),
        Event::SchemaLoaded(result) => structure::loaded(state, result, &mut fx),
        Event::ImageRead(result) => dialog::image_read(state, result, &mut fx),
        Event::PersonaSaved { id, result } => dialog::persona_saved(state, id, result, &mut fx),
    }
    // The column window follows the focus, the marks and the size at once, by the same
    // geometry the view draws with: no frame ever shows an unsettled window.
    if state.compare.active() {
        state.compare.offset = layout::columns(state).offset;
    }
    // Nothing left streaming: there is nothing to confirm any more.
    if state.confirm_quit && state.streams.is_empty() {
        state.confirm_quit = false;
        fx.redraw();
    }
    fx
}

/// Carries out one user action.
fn act(state: &mut AppState, action: Action, fx: &mut Effects) {
    match action {
        Action::Quit if state.streams.is_empty() || state.confirm_quit => quit(state, fx),
        Action::Quit => {
            state.confirm_quit = true;
            fx.redraw();
        }
        Action::Interrupt => {
            if !send::cancel_all(state, fx) {
                quit(state, fx);
            }
        }
        Action::Suspend => state.suspend_requests += 1,
        // Editing an earlier prompt: Esc stops editing (nothing else).
        Action::Cancel if state.structure.asking_path.is_some() => structure::cancel_path(state, fx),
        Action::Cancel if state.editing.is_some() => fork::cancel(state, fx),
        Action::Cancel => {
            send::cancel_current(state, fx);
        }
        Action::Regenerate => match usage::over_budget(state, state.target_keys().len()) {
            Some(why) => notice::notify(state, Severity::Warning, why, fx),
            None => send::regenerate(state, fx),
        },
        Action::NewThread => send::new_thread(state, fx),
        Action::FocusNext => set_focus(state, state.focus.next(), fx),
        Action::FocusPrev => set_focus(state, state.focus.prev(), fx),
        Action::TogglePresenter => {
            state.presenter = !state.presenter;
            // The list is hidden while presenting: the keys go where the eyes are.
            if state.presenter && state.focus == Focus::Sidebar {
                set_focus(state, Focus::Composer, fx);
            }
            fx.redraw();
        }
        Action::ToggleHelp => {
            state.help_scroll = 0;
            state.overlay = match state.overlay {
                Some(Overlay::Help) => None,
                None => Some(Overlay::Help),
            };
            fx.redraw();
        }
        Action::CloseOverlay => {
            state.overlay = None;
            fx.redraw();
        }
        Action::MovePersona(delta) => {
            state.personas.move_by(delta);
            fx.redraw();
        }
        Action::PersonaEdge { end } => {
            state.personas.move_to_end(end);
            fx.redraw();
        }
        Action::SelectPersona => select_highlighted(state, fx),
        Action::StartFilter => {
            // A new search starts from nothing, as `/` does in a pager.
            state.personas.set_filter(String::new());
            state.personas.filtering = true;
            fx.redraw();
        }
        Action::FilterChar(c) => {
            let mut f = state.personas.filter.clone();
            f.push(c);
            state.personas.set_filter(f);
            fx.redraw();
        }
        Action::FilterBackspace => {
            let mut f = state.personas.filter.clone();
            f.pop();
            state.personas.set_filter(f);
            fx.redraw();
        }
        Action::FilterAccept => {
            state.personas.filtering = false;
            select_highlighted(state, fx);
        }
        Action::FilterCancel => {
            state.personas.filtering = false;
            state.personas.set_filter(String::new());
            if let Some(id) = state.personas.selected.clone() {
                state.personas.move_to(&id);
            }
            fx.redraw();
        }
        Action::ReloadPersonas => load::reload_personas(state, fx),
        Action::Send if state.structure.asking_path.is_some() => structure::accept_path(state, fx),
        Action::Send if state.editing.is_none() && structure::waiting_call(state).is_some() => {
            let _ = structure::send_result(state, fx);
        }
        Action::Send if state.editing.is_some() => fork::resend(state, fx),
        Action::Send => send::send(state, fx),
        Action::Newline => {
            state.composer.insert_newline();
            fx.redraw();
        }
        Action::Edit(key) => {
            // Redraw even when the text is unchanged: cursor moves are visible too.
            state.composer.input(key);
            fx.redraw();
        }
        Action::Scroll(lines) if state.overlay.is_some() => {
            state.help_scroll = state.help_scroll.saturating_add_signed(lines);
            fx.redraw();
        }
        Action::Scroll(lines) => scroll(state, lines, fx),
        Action::ScrollPages(pages) => scroll_pages(state, pages, fx),
        Action::ScrollEdge { end } => {
            for key in state.target_keys() {
                state.threads.entry(key).or_default().scroll_to(end);
            }
            fx.redraw();
        }
        Action::ToggleMark => compare::toggle_mark(state, fx),
        Action::ClearMarks => compare::clear_marks(state, fx),
        Action::StartNaming => compare::start_naming(state, fx),
        Action::NameChar(c) => compare::name_edit(state, Some(c), fx),
        Action::NameBackspace => compare::name_edit(state, None, fx),
        Action::NameAccept => compare::save(state, fx),
        Action::NameCancel => {
            state.compare.naming = None;
            fx.redraw();
        }
        Action::Export => {
            let threads = threads_on_screen(state);
            if threads.is_empty() {
                notice::notify(state, Severity::Info, "nothing to save yet".into(), fx);
            } else {
                // From the history when every thread on screen is stored in it.
                let stored = threads
                    .iter()
                    .map(|(k, _)| state.history.threads.get(k).copied())
                    .collect::<Option<Vec<_>>>()
                    .filter(|_| state.history.on);
                fx.push(Effect::SaveJson {
                    stored,
                    threads,
                    personas: state.personas.entries.clone(),
                });
            }
        }
        Action::ExportMarkdown => copy::export_markdown(state, fx),
        Action::CopyAnswer => copy::answer(state, fx),
        Action::CopyCodeBlock => copy::start_code_block(state, fx),
        Action::ColumnStep(delta) => {
            if state.compare.active() {
                state.compare.step(delta);
                fx.redraw();
            }
        }
        Action::FocusColumn(index) => {
            if state.compare.active() {
                state.compare.focus(index);
                fx.redraw();
            }
        }
        Action::EditEarlier => fork::step(state, 1, fx),
        Action::EditLater => fork::step(state, -1, fx),
        Action::OpenHistory => browse::open(state, fx),
        Action::EditInstructions => instructions::open(state, fx),
        Action::ToggleAnalysis => instructions::toggle_analysis(state, fx),
        Action::CycleSchema => structure::cycle(state, fx),
        Action::ToggleSchemaTable => structure::toggle_table(state, fx),
        Action::AttachImage => dialog::open_image(state, fx),
        Action::RaiseBudget => dialog::raise_budget(state, fx),
        Action::NewPersona => dialog::new_persona(state, fx),
        Action::EditPersona => dialog::edit_persona(state, fx),
        Action::NextRecordedPrompt => replay::next_prompt(state, fx),
    }
}

fn quit(state: &mut AppState, fx: &mut Effects) {
    autosave::quitting(state, fx);
    // In request order: effects are data, and equal states must give equal effects.
    let mut ids: Vec<_> = state.streams.keys().copied().collect();
    ids.sort();
    for id in ids {
        fx.push(Effect::Cancel { id });
    }
    state.streams.clear();
    state.confirm_quit = false;
    state.quitting = true;
    fx.push(Effect::Quit);
}

/// Moves the focus; while presenting, past the hidden persona list (to the pane after it
/// in the direction of travel).
fn set_focus(state: &mut AppState, focus: Focus, fx: &mut Effects) {
    let focus = match focus {
        Focus::Sidebar if state.presenter && state.focus == Focus::Composer => Focus::Conversation,
        Focus::Sidebar if state.presenter => Focus::Composer,
        other => other,
    };
    state.focus = focus;
    if focus != Focus::Sidebar {
        state.personas.filtering = false;
    }
    fx.redraw();
}

/// Shows the highlighted persona's thread and moves to the composer.
fn select_highlighted(state: &mut AppState, fx: &mut Effects) {
    if let Some(id) = state.personas.highlighted().map(|p| p.id.clone()) {
        state.personas.selected = Some(id);
        state.focus = Focus::Composer;
        state.notice = None;
    }
    fx.redraw();
}

/// Scrolls the target threads (the focused column, else every one shown).
fn scroll(state: &mut AppState, lines: isize, fx: &mut Effects) {
    for key in state.target_keys() {
        let thread = state.threads.entry(key).or_default();
        let before = thread.scroll;
        thread.scroll_by(lines);
        if thread.scroll != before {
            fx.redraw();
        }
    }
}

fn scroll_pages(state: &mut AppState, pages: isize, fx: &mut Effects) {
    for key in state.target_keys() {
        let thread = state.threads.entry(key).or_default();
        let before = thread.scroll;
        thread.scroll_by(pages * thread.page());
        if thread.scroll != before {
            fx.redraw();
        }
    }
}

fn scroll_mouse(state: &mut AppState, mouse: MouseEvent, fx: &mut Effects) {
    if !state.mouse {
        return;
    }
    match mouse.kind {
        MouseEventKind::ScrollUp => scroll(state, -3, fx),
        MouseEventKind::ScrollDown => scroll(state, 3, fx),
        _ => {}
    }
}

/// The conversations on screen (the thread, or every column) that have messages, in
/// column order: what Ctrl+S saves and Ctrl+O exports.
fn threads_on_screen(state: &AppState) -> Vec<(String, crate::app::thread::Thread)> {
    state
        .send_keys()
        .into_iter()
        .filter_map(|k| state.threads.get(&k).map(|t| (k.clone(), t.clone())))
        .filter(|(_, t)| !t.messages.is_empty())
        .collect()
}

//! The dialogs' keys and results: attaching images (Ctrl+G), the custom persona form
//! (`n` new, `E` edit in the persona list) with its 300-credit confirmation, and
//! raising the budget (Ctrl+B).
//!
//! Owns: what each key does while a dialog is open (it takes every key but Ctrl+C and
//! Ctrl+Q), the form's checks before anything is sent, the confirmation — nothing is
//! spent until the user answers `y` to a question that shows the price and the balance
//! — and what a saved persona changes (the list reloads, the balance is asked for at
//! once). Does not own: the dialogs' state shape (`app::dialog`) or drawing them.

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::api::custom_persona::{parse_kind, NewPersona, SavedPersona};
use crate::api::image::Attachment;
use crate::app::dialog::{Dialog, PersonaForm};
use crate::app::effect::{Effect, Effects};
use crate::app::event::RequestId;
use crate::app::state::{AppState, Severity};
use crate::sanitize::clean_line;

use super::notice::notify;

/// Ctrl+G: the image prompt.
pub(super) fn open_image(state: &mut AppState, fx: &mut Effects) {
    state.dialog = Some(Dialog::Image { text: String::new() });
    fx.redraw();
}

/// `n`: an empty creation form.
pub(super) fn new_persona(state: &mut AppState, fx: &mut Effects) {
    state.dialog = Some(Dialog::Persona(PersonaForm::default()));
    fx.redraw();
}

/// `E`: the highlighted persona's form, if it is a custom one (base personas belong to
/// the server, which refuses to edit them: said at once instead).
pub(super) fn edit_persona(state: &mut AppState, fx: &mut Effects) {
    let Some(p) = state.personas.highlighted().cloned() else {
        return;
    };
    if !p.is_custom() {
        let text = format!(
            "{} is not a custom persona: only personas you created can be edited (n creates one)",
            clean_line(p.label())
        );
        notify(state, Severity::Warning, text, fx);
        return;
    }
    let mut form = PersonaForm {
        editing: Some(p.id.clone()),
        ..PersonaForm::default()
    };
    form.values[0] = p.name.clone();
    form.values[1] = p.description.clone();
    state.dialog = Some(Dialog::Persona(form));
    fx.redraw();
}

/// Ctrl+B: the budget grows by its starting amount.
pub(super) fn raise_budget(state: &mut AppState, fx: &mut Effects) {
    let text = match state.account.budget.as_mut() {
        Some(b) => {
            b.raise();
            format!("budget raised to {} credits", crate::app::budget::plain(b.limit))
        }
        None => "no budget is set (budget = N in the config file, or --budget N)".to_owned(),
    };
    notify(state, Severity::Info, text, fx);
}

/// A key while a dialog is open; `false` leaves it to the usual keys (Ctrl+C, Ctrl+Q).
pub(super) fn key(state: &mut AppState, key: KeyEvent, fx: &mut Effects) -> bool {
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c' | 'q')) {
        return false;
    }
    if key.kind == KeyEventKind::Release {
        return true;
    }
    match state.dialog.take() {
        Some(Dialog::Image { text }) => image_key(state, text, key, fx),
        Some(Dialog::Persona(form)) => form_key(state, form, key, fx),
        None => return false,
    }
    fx.redraw();
    true
}

/// Pasted text goes into the field being typed (a path is often pasted).
pub(super) fn paste(state: &mut AppState, pasted: &str, fx: &mut Effects) {
    let line = pasted.replace(['\r', '\n'], " ");
    match state.dialog.as_mut() {
        Some(Dialog::Image { text }) => text.push_str(line.trim()),
        Some(Dialog::Persona(form)) if !form.confirming => {
            let field = form.field;
            form.values[field].push_str(&line);
        }
        _ => return,
    }
    fx.redraw();
}

fn image_key(state: &mut AppState, mut text: String, key: KeyEvent, fx: &mut Effects) {
    match key.code {
        KeyCode::Esc => return,
        KeyCode::Enter if text.trim().is_empty() => return,
        KeyCode::Enter => {
            // Read by the executor (the reducer does no I/O); the prompt stays open for
            // the next one.
            fx.push(Effect::ReadImage {
                what: text.trim().to_owned(),
            });
            text.clear();
        }
        KeyCode::Backspace if text.is_empty() => {
            if let Some(gone) = state.attachments.pop() {
                let said = format!("removed {}", clean_line(&gone.name));
                notify(state, Severity::Info, said, fx);
            }
        }
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => text.push(c),
        _ => {}
    }
    state.dialog = Some(Dialog::Image { text });
}

fn form_key(state: &mut AppState, mut form: PersonaForm, key: KeyEvent, fx: &mut Effects) {
    if form.sending {
        // Waiting for the server: Esc only hides the form (the answer still lands).
        if key.code != KeyCode::Esc {
            state.dialog = Some(Dialog::Persona(form));
        }
        return;
    }
    if form.confirming {
        match key.code {
            KeyCode::Char('y' | 'Y') => {
                send_form(state, &mut form, fx);
                state.dialog = Some(Dialog::Persona(form));
            }
            KeyCode::Char('n' | 'N') | KeyCode::Esc => {
                notify(state, Severity::Info, "not created: nothing was spent".into(), fx);
            }
            _ => state.dialog = Some(Dialog::Persona(form)),
        }
        return;
    }
    let count = form.field_count();
    match key.code {
        KeyCode::Esc => return,
        KeyCode::Tab | KeyCode::Down => form.field = (form.field + 1) % count,
        KeyCode::BackTab | KeyCode::Up => form.field = (form.field + count - 1) % count,
        KeyCode::Enter if form.field + 1 < count => form.field += 1,
        KeyCode::Enter => match checked(&form) {
            Err(why) => form.error = Some(why),
            Ok(_) if form.editing.is_some() => send_form(state, &mut form, fx),
            Ok(_) => {
                form.error = None;
                form.confirming = true;
            }
        },
        KeyCode::Backspace => {
            form.values[form.field].pop();
        }
        KeyCode::Char(c) if !key.modifiers.contains(KeyModifiers::CONTROL) => form.values[form.field].push(c),
        _ => {}
    }
    state.dialog = Some(Dialog::Persona(form));
}

/// The body the form describes (profile file fields are added when it is read).
fn checked(form: &PersonaForm) -> Result<NewPersona, String> {
    let kind = parse_kind(&form.values[2])?;
    let body = NewPersona::new(
        &form.values[0],
        &form.values[1],
        kind.as_deref(),
        Default::default(),
    );
    body.check()?;
    Ok(body)
}

fn send_form(state: &mut AppState, form: &mut PersonaForm, fx: &mut Effects) {
    let body = match checked(form) {
        Ok(b) => b,
        Err(why) => {
            form.error = Some(why);
            form.confirming = false;
            return;
        }
    };
    let id = RequestId(state.next_id());
    state.persona_request = Some(id);
    form.sending = true;
    match form.editing.clone() {
        Some(persona_id) => {
            let mut fields = serde_json::Map::new();
            fields.insert("name".into(), body.name.into());
            fields.insert("description".into(), body.description.into());
            fx.push(Effect::EditPersona {
                id,
                persona_id,
                fields,
            });
        }
        None => {
            let file = Some(form.values[3].trim().to_owned()).filter(|f| !f.is_empty());
            fx.push(Effect::CreatePersona { id, body, file });
        }
    }
}

/// An image was read (or not): a chip, or why not.
pub(super) fn image_read(state: &mut AppState, result: Result<Attachment, String>, fx: &mut Effects) {
    match result {
        Ok(image) => {
            state.attachments.push(image);
            fx.redraw();
        }
        Err(why) => notify(state, Severity::Error, clean_line(&why), fx),
    }
}

/// The server saved a persona (or refused): the list reloads so it appears, and the
/// balance is asked for at once so the 300 credits show.
pub(super) fn persona_saved(
    state: &mut AppState,
    id: RequestId,
    result: Result<SavedPersona, String>,
    fx: &mut Effects,
) {
    if state.persona_request != Some(id) {
        return;
    }
    state.persona_request = None;
    let editing = match &state.dialog {
        Some(Dialog::Persona(form)) => form.editing.is_some(),
        _ => false,
    };
    match result {
        Ok(saved) => {
            if matches!(state.dialog, Some(Dialog::Persona(_))) {
                state.dialog = None;
            }
            let name = clean_line(&saved.persona.name);
            let text = match (editing, saved.credits_charged) {
                (true, _) => format!("saved {name}"),
                (false, Some(c)) => format!("created {name} · {} credits", crate::app::budget::plain(c)),
                (false, None) => format!("created {name}"),
            };
            notify(state, Severity::Info, text, fx);
            super::load::reload_personas(state, fx);
            super::usage::refresh_usage(state, true, fx);
        }
        Err(why) => {
            if let Some(Dialog::Persona(form)) = state.dialog.as_mut() {
                form.sending = false;
                form.confirming = false;
                form.error = Some(clean_line(&why));
            } else {
                notify(state, Severity::Error, clean_line(&why), fx);
            }
            fx.redraw();
        }
    }
}

//! The effective key table: the default rows (`keys::BINDINGS`) with the `[keys]` table
//! of the config file laid over them. The state holds it; the keymap reads keys in it and
//! the help overlay is drawn from it, so what is configured is what is shown.
//!
//! Owns: the config's sections (`global`, `list`, `composer`, `conversation`, `compare`,
//! `help`) and the contexts each covers, the stable snake_case name of every bound
//! action, what a remap does (it replaces the action's default chords in that section's
//! contexts; an empty list unbinds it) and the checks made at start: an unknown section
//! or action, a key that cannot be read, a key that would steal typing, and a key that
//! another action takes first. Does not own: reading the config file (`config`, which
//! hands over the section → action → keys strings), how a chord is written and read
//! (`keys::Chord`), or the order contexts are read in (`keymap`).

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use super::action::Action;
use super::keymap::{action_in, typed, KeyContext};
use super::keys::{Binding, Chord, Context, BINDINGS};

/// A section of `[keys]` in the config file, and the contexts of the table it covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Everywhere, and the keys common to every pane.
    Global,
    /// The persona list, and typing a filter or a panel name in it.
    List,
    Composer,
    Conversation,
    /// The side-by-side columns.
    Compare,
    /// The help overlay.
    Help,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Global,
        Section::List,
        Section::Composer,
        Section::Conversation,
        Section::Compare,
        Section::Help,
    ];

    /// How the section is written: `[keys.<name>]`.
    pub fn name(self) -> &'static str {
        match self {
            Section::Global => "global",
            Section::List => "list",
            Section::Composer => "composer",
            Section::Conversation => "conversation",
            Section::Compare => "compare",
            Section::Help => "help",
        }
    }

    /// The contexts of the key table the section remaps.
    pub fn contexts(self) -> &'static [Context] {
        match self {
            Section::Global => &[Context::Global, Context::Panes],
            Section::List => &[Context::Sidebar, Context::Filter, Context::Naming],
            Section::Composer => &[Context::Composer],
            Section::Conversation => &[Context::Conversation],
            Section::Compare => &[Context::Columns],
            Section::Help => &[Context::Overlay],
        }
    }

    fn of(context: Context) -> Section {
        Section::ALL
            .into_iter()
            .find(|s| s.contexts().contains(&context))
            .unwrap_or(Section::Global)
    }

    /// The names of the actions bound in this section by default, in table order.
    pub fn actions(self) -> Vec<&'static str> {
        let mut names = Vec::new();
        for b in BINDINGS {
            if b.contexts.iter().any(|c| self.contexts().contains(c)) {
                if let Some(name) = action_name(&b.action).filter(|n| !names.contains(n)) {
                    names.push(name);
                }
            }
        }
        names
    }

    /// The action `name` stands for in this section.
    fn action(self, name: &str) -> Option<Action> {
        BINDINGS
            .iter()
            .filter(|b| b.contexts.iter().any(|c| self.contexts().contains(c)))
            .find(|b| action_name(&b.action) == Some(name))
            .map(|b| b.action.clone())
    }
}

/// The name an action is configured by. Names are unique within a section; the same
/// name in two sections means the same gesture there (`up` moves in the list, scrolls in
/// the conversation). `None` for actions no key is bound to (typing).
pub fn action_name(action: &Action) -> Option<&'static str> {
    use Action as A;
    Some(match action {
        A::Quit => "quit",
        A::Interrupt => "interrupt",
        A::Suspend => "suspend",
        A::Cancel => "stop",
        A::Regenerate => "regenerate",
        A::NewThread => "new_thread",
        A::FocusNext => "focus_next",
        A::FocusPrev => "focus_prev",
        A::ToggleHelp => "help",
        A::TogglePresenter => "presenter",
        A::CloseOverlay => "close",
        A::MovePersona(-1) | A::Scroll(-1) => "up",
        A::MovePersona(1) | A::Scroll(1) => "down",
        A::MovePersona(-10) | A::Scroll(-10) | A::ScrollPages(-1) => "page_up",
        A::MovePersona(10) | A::Scroll(10) | A::ScrollPages(1) => "page_down",
        A::PersonaEdge { end: false } | A::ScrollEdge { end: false } => "top",
        A::PersonaEdge { end: true } | A::ScrollEdge { end: true } => "bottom",
        A::SelectPersona => "select",
        A::StartFilter => "filter",
        A::FilterAccept => "filter_accept",
        A::FilterCancel => "filter_cancel",
        A::FilterBackspace => "filter_backspace",
        A::NameAccept => "name_accept",
        A::NameCancel => "name_cancel",
        A::NameBackspace => "name_backspace",
        A::ReloadPersonas => "reload",
        A::Send => "send",
        A::Newline => "newline",
        A::ToggleMark => "mark",
        A::ClearMarks => "clear_marks",
        A::StartNaming => "save_panel",
        A::ColumnStep(-1) => "column_left",
        A::ColumnStep(1) => "column_right",
        A::FocusColumn(0) => "column_1",
        A::FocusColumn(1) => "column_2",
        A::FocusColumn(2) => "column_3",
        A::FocusColumn(3) => "column_4",
        A::FocusColumn(4) => "column_5",
        A::FocusColumn(5) => "column_6",
        A::Export => "save",
        A::ExportMarkdown => "export_markdown",
        A::CopyAnswer => "copy_answer",
        A::CopyCodeBlock => "copy_code",
        A::EditEarlier => "edit_earlier",
        A::EditLater => "edit_later",
        A::OpenHistory => "history",
        A::EditInstructions => "instructions",
        A::ToggleAnalysis => "analysis",
        A::CycleSchema => "schema",
        A::ToggleSchemaTable => "schema_table",
        A::AttachImage => "attach_image",
        A::RaiseBudget => "raise_budget",
        A::NewPersona => "new_persona",
        A::EditPersona => "edit_persona",
        A::NextRecordedPrompt => "next_recorded_prompt",
        _ => return None,
    })
}

/// `[keys]` as read from the config file: section → action → keys as written.
pub type KeyConfig = crate::config::KeySettings;

/// A `[keys]` entry that cannot be used: which one, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyError {
    /// The section as written.
    pub section: String,
    /// The action as written; `None` when the section itself is wrong.
    pub action: Option<String>,
    pub reason: String,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.action {
            Some(action) => write!(f, "[keys.{}] {action}: {}", self.section, self.reason),
            None => write!(f, "[keys.{}]: {}", self.section, self.reason),
        }
    }
}

/// The key table in use: the defaults, with the config's remaps. Cheap to clone.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyTable {
    rows: Arc<Vec<Binding>>,
    /// How the help key is written, for the hint drawn in every frame (found once).
    help: Option<String>,
}

impl Default for KeyTable {
    fn default() -> KeyTable {
        KeyTable::of(BINDINGS.to_vec())
    }
}

impl KeyTable {
    fn of(rows: Vec<Binding>) -> KeyTable {
        let help = first_global_key(&rows, &Action::ToggleHelp);
        KeyTable {
            rows: Arc::new(rows),
            help,
        }
    }

    /// How the help key is written ("F1"); `None` when no global key opens the help.
    pub fn help_key(&self) -> Option<&str> {
        self.help.as_deref()
    }

    pub fn rows(&self) -> &[Binding] {
        &self.rows
    }

    /// How the global key of `action` is written ("F1"), for hints on screen; `None`
    /// when no global key has it.
    pub fn global_key(&self, action: &Action) -> Option<String> {
        first_global_key(&self.rows, action)
    }

    /// The defaults with `config` laid over them, or the first entry that cannot be used.
    pub fn configured(config: &KeyConfig) -> Result<KeyTable, KeyError> {
        let mut rows = BINDINGS.to_vec();
        let mut remapped: Vec<(Section, String, Action)> = Vec::new();
        for (section_name, actions) in config {
            let section = Section::ALL
                .into_iter()
                .find(|s| s.name() == section_name)
                .ok_or_else(|| KeyError {
                    section: section_name.clone(),
                    action: None,
                    reason: format!(
                        "no such section; the sections are {}",
                        Section::ALL.map(Section::name).join(", ")
                    ),
                })?;
            for (name, keys) in actions {
                let fail = |reason: String| KeyError {
                    section: section_name.clone(),
                    action: Some(name.clone()),
                    reason,
                };
                let action = section.action(name).ok_or_else(|| {
                    fail(format!(
                        "no such action here; the actions of [keys.{section_name}] are {}",
                        section.actions().join(", ")
                    ))
                })?;
                let mut chords = Vec::new();
                for text in keys {
                    let chord = Chord::parse(text).map_err(&fail)?;
                    let steals = matches!(section, Section::Global | Section::Composer)
                        && typed(&chord.event()).is_some();
                    if steals {
                        return Err(fail(format!(
                            "{chord} types a character: in [keys.{section_name}] it would take \
                             it from the message being written; add Ctrl or Alt, or use a named key"
                        )));
                    }
                    if !chords.contains(&chord) {
                        chords.push(chord);
                    }
                }
                remap(&mut rows, section, &action, chords);
                remapped.push((section, name.clone(), action));
            }
        }
        check(&rows, &remapped)?;
        Ok(KeyTable::of(rows))
    }
}

/// Contexts where a key that types a character is typed: a chord that types one is
/// never bound there by a remap (in the list, `k` moves; in its filter, it is typed).
const TYPING: [Context; 5] = [
    Context::Global,
    Context::Panes,
    Context::Composer,
    Context::Filter,
    Context::Naming,
];

/// Replaces the chords of `action` in the section's contexts: its rows give those
/// contexts up (rows left with none go), and new rows bind `chords` there (a chord that
/// types a character not where typing goes), listed on the help lines of the rows they
/// replace.
fn remap(rows: &mut Vec<Binding>, section: Section, action: &Action, chords: Vec<Chord>) {
    let mut contexts: Vec<Context> = Vec::new();
    let mut help = None;
    let mut at = None;
    for (i, row) in rows.iter_mut().enumerate().filter(|(_, r)| r.action == *action) {
        let (here, elsewhere): (Vec<Context>, Vec<Context>) =
            row.contexts.iter().partition(|c| section.contexts().contains(c));
        if here.is_empty() {
            continue;
        }
        for c in here {
            if !contexts.contains(&c) {
                contexts.push(c);
            }
        }
        help = help.or(Some(row.help));
        at = at.or(Some(i));
        row.contexts = Cow::Owned(elsewhere);
    }
    let (Some(help), Some(at)) = (help, at) else {
        return;
    };
    let (typing, named): (Vec<Chord>, Vec<Chord>) =
        chords.into_iter().partition(|c| typed(&c.event()).is_some());
    let typing_contexts: Vec<Context> = contexts.iter().copied().filter(|c| !TYPING.contains(c)).collect();
    for (chords, contexts) in [(typing, typing_contexts), (named, contexts)] {
        if !chords.is_empty() && !contexts.is_empty() {
            let row = Binding {
                contexts: Cow::Owned(contexts),
                chords: Cow::Owned(chords),
                action: action.clone(),
                help,
            };
            rows.insert(at, row);
        }
    }
    rows.retain(|r| !r.contexts.is_empty());
}

/// Every chord of every row must still do what its row says wherever the row applies.
/// When one does not, a remap bound it over another action's, or gave it to an action
/// read first: the error names that remap and the action the key already means.
fn check(rows: &[Binding], remapped: &[(Section, String, Action)]) -> Result<(), KeyError> {
    for row in rows {
        for &context in row.contexts.iter() {
            for chord in row.chords.iter() {
                let taken = KeyContext::all()
                    .into_iter()
                    .filter(|k| k.layers().contains(&context))
                    .find_map(|k| {
                        let other = action_in(rows, k, chord.event()).filter(|a| *a != row.action)?;
                        Some((k, other))
                    });
                let Some((k, other)) = taken else { continue };
                let own = Section::of(context);
                // Where the other action has the key: the first context read that binds it.
                let theirs = k
                    .layers()
                    .iter()
                    .find(|layer| {
                        rows.iter().any(|r| {
                            r.action == other
                                && r.contexts.contains(layer)
                                && r.chords.iter().any(|c| c.matches(&chord.event()))
                        })
                    })
                    .map_or(own, |layer| Section::of(*layer));
                let by_row = remapped.iter().find(|(s, _, a)| *s == own && *a == row.action);
                let by_other = remapped.iter().find(|(s, _, a)| *s == theirs && *a == other);
                let (culprit, victim, at) = match (by_row, by_other) {
                    (Some(r), _) => (r, &other, theirs),
                    (None, Some(r)) => (r, &row.action, own),
                    (None, None) => continue,
                };
                let (section, name, _) = culprit;
                return Err(KeyError {
                    section: section.name().to_owned(),
                    action: Some(name.clone()),
                    reason: format!(
                        "{chord} is already {} in [keys.{}]; one key cannot do both",
                        action_name(victim).unwrap_or("bound"),
                        at.name()
                    ),
                });
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;

/// The first global key of `action` among `rows`, as written.
fn first_global_key(rows: &[Binding], action: &Action) -> Option<String> {
    rows.iter()
        .filter(|b| b.action == *action && b.contexts.contains(&Context::Global))
        .find_map(|b| b.chords.first())
        .map(Chord::to_string)
}

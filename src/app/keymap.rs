//! What the user means: (focus × mode × key) → action. Pure, and the single source of the
//! help overlay's key list, so the two cannot drift apart.
//!
//! Owns: the default key bindings. Does not own: what an action does (`update`).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::state::Focus;

/// A user intention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    Quit,
    /// Ctrl+C: stop the answer streaming on screen, or quit when there is none.
    Interrupt,
    /// Esc: stop the answer streaming on screen.
    Cancel,
    Regenerate,
    NewThread,
    FocusNext,
    FocusPrev,
    ToggleHelp,
    CloseOverlay,
    MovePersona(isize),
    PersonaEdge {
        end: bool,
    },
    SelectPersona,
    StartFilter,
    FilterChar(char),
    FilterBackspace,
    FilterAccept,
    FilterCancel,
    ReloadPersonas,
    Send,
    Newline,
    /// Any other key for the text editor.
    Edit(KeyEvent),
    Scroll(isize),
    /// A page up (negative) or down (positive).
    ScrollPages(isize),
    ScrollEdge {
        end: bool,
    },
    /// Space in the sidebar: add or remove the highlighted persona from the panel.
    ToggleMark,
    ClearMarks,
    /// Start typing a name to save the panel under.
    StartNaming,
    NameChar(char),
    NameBackspace,
    NameAccept,
    NameCancel,
    /// Move the column focus of the compare view.
    ColumnStep(isize),
    /// Focus (or unfocus) column N, 0-based.
    FocusColumn(usize),
    /// Save the conversation(s) on screen to a transcript file.
    Export,
}

/// The context keys are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyContext {
    pub focus: Focus,
    pub filtering: bool,
    pub overlay: bool,
    /// Typing a panel name.
    pub naming: bool,
}

/// Maps a key to an action, or `None` for keys that mean nothing here.
pub fn action_for(ctx: KeyContext, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    // Keys that work everywhere.
    match key.code {
        KeyCode::Char('q') if ctrl => return Some(Action::Quit),
        KeyCode::Char('c') if ctrl => return Some(Action::Interrupt),
        KeyCode::F(1) => return Some(Action::ToggleHelp),
        _ => {}
    }
    if ctx.overlay {
        return match key.code {
            KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?') | KeyCode::Enter => {
                Some(Action::CloseOverlay)
            }
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Scroll(-1)),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Scroll(1)),
            KeyCode::PageUp => Some(Action::Scroll(-10)),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::Scroll(10)),
            _ => None,
        };
    }
    if ctx.naming {
        return match key.code {
            KeyCode::Esc => Some(Action::NameCancel),
            KeyCode::Enter => Some(Action::NameAccept),
            KeyCode::Backspace => Some(Action::NameBackspace),
            KeyCode::Char(c) if !ctrl && !alt => Some(Action::NameChar(c)),
            _ => None,
        };
    }
    if ctx.focus == Focus::Sidebar && ctx.filtering {
        return match key.code {
            KeyCode::Esc => Some(Action::FilterCancel),
            KeyCode::Enter => Some(Action::FilterAccept),
            KeyCode::Backspace => Some(Action::FilterBackspace),
            KeyCode::Up => Some(Action::MovePersona(-1)),
            KeyCode::Down => Some(Action::MovePersona(1)),
            KeyCode::Tab => Some(Action::FocusNext),
            KeyCode::BackTab => Some(Action::FocusPrev),
            KeyCode::Char(c) if !ctrl && !alt => Some(Action::FilterChar(c)),
            _ => None,
        };
    }
    match key.code {
        KeyCode::Char('r') if ctrl => return Some(Action::Regenerate),
        KeyCode::Char('n') if ctrl => return Some(Action::NewThread),
        KeyCode::Char('s') if ctrl => return Some(Action::Export),
        KeyCode::Tab => return Some(Action::FocusNext),
        KeyCode::BackTab => return Some(Action::FocusPrev),
        KeyCode::Esc => return Some(Action::Cancel),
        _ => {}
    }
    match ctx.focus {
        Focus::Composer => Some(match key.code {
            KeyCode::Enter if shift || alt => Action::Newline,
            KeyCode::Enter => Action::Send,
            KeyCode::Char('j') if ctrl => Action::Newline,
            KeyCode::PageUp => Action::ScrollPages(-1),
            KeyCode::PageDown => Action::ScrollPages(1),
            _ => Action::Edit(key),
        }),
        Focus::Sidebar => match key.code {
            KeyCode::Up | KeyCode::Char('k') => Some(Action::MovePersona(-1)),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::MovePersona(1)),
            KeyCode::PageUp => Some(Action::MovePersona(-10)),
            KeyCode::PageDown => Some(Action::MovePersona(10)),
            KeyCode::Home | KeyCode::Char('g') => Some(Action::PersonaEdge { end: false }),
            KeyCode::End | KeyCode::Char('G') => Some(Action::PersonaEdge { end: true }),
            KeyCode::Enter => Some(Action::SelectPersona),
            KeyCode::Char(' ') => Some(Action::ToggleMark),
            KeyCode::Char('x') => Some(Action::ClearMarks),
            KeyCode::Char('S') => Some(Action::StartNaming),
            KeyCode::Char('/') => Some(Action::StartFilter),
            KeyCode::Char('r') => Some(Action::ReloadPersonas),
            KeyCode::Char('?') => Some(Action::ToggleHelp),
            _ => None,
        },
        Focus::Conversation => match key.code {
            KeyCode::Up | KeyCode::Char('k') => Some(Action::Scroll(-1)),
            KeyCode::Down | KeyCode::Char('j') => Some(Action::Scroll(1)),
            KeyCode::PageUp => Some(Action::ScrollPages(-1)),
            KeyCode::PageDown | KeyCode::Char(' ') => Some(Action::ScrollPages(1)),
            KeyCode::Home | KeyCode::Char('g') => Some(Action::ScrollEdge { end: false }),
            KeyCode::End | KeyCode::Char('G') => Some(Action::ScrollEdge { end: true }),
            KeyCode::Left | KeyCode::Char('h') => Some(Action::ColumnStep(-1)),
            KeyCode::Right | KeyCode::Char('l') => Some(Action::ColumnStep(1)),
            KeyCode::Char(c @ '1'..='6') => Some(Action::FocusColumn(c as usize - '1' as usize)),
            KeyCode::Char('?') => Some(Action::ToggleHelp),
            _ => None,
        },
    }
}

/// The help overlay: every binding, grouped, in the words the user sees.
pub const HELP: &[(&str, &[(&str, &str)])] = &[
    (
        "Everywhere",
        &[
            ("Tab / Shift+Tab", "focus: personas → composer → conversation"),
            ("Esc", "stop the answer that is streaming (text so far stays)"),
            ("Ctrl+R", "regenerate the last answer"),
            ("Ctrl+N", "new thread with this persona"),
            ("Ctrl+S", "save the conversation(s) on screen to a file"),
            ("Ctrl+C", "stop streaming; quit when nothing streams"),
            ("Ctrl+Q", "quit"),
            ("F1", "this help (also ? outside the composer)"),
        ],
    ),
    (
        "Personas",
        &[
            ("↑ ↓ / j k", "move"),
            ("PgUp PgDn Home End", "jump"),
            ("Enter", "pick persona and write to it"),
            ("Space", "mark / unmark for side-by-side (2–6 personas)"),
            ("x", "clear all marks"),
            ("S", "save the marked personas as a named panel"),
            ("/", "filter (Enter keeps, Esc clears)"),
            ("r", "reload the persona list"),
        ],
    ),
    (
        "Composer",
        &[
            ("Enter", "send"),
            ("Shift+Enter Alt+Enter Ctrl+J", "new line"),
            ("PgUp PgDn", "scroll the conversation"),
        ],
    ),
    (
        "Conversation",
        &[
            ("↑ ↓ / j k", "scroll a line"),
            ("PgUp PgDn Space", "scroll a page"),
            ("Home End / g G", "top / bottom (bottom follows new text)"),
        ],
    ),
    (
        "Side by side",
        &[
            ("← → / h l, 1–6", "focus a column (again to unfocus)"),
            ("Esc / Ctrl+R", "stop / regenerate the focused column, else all"),
            ("Enter (composer)", "send to every marked persona at once"),
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(focus: Focus) -> KeyContext {
        KeyContext {
            focus,
            filtering: false,
            overlay: false,
            naming: false,
        }
    }

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    #[test]
    fn enter_sends_and_the_newline_chords_do_not() {
        let c = ctx(Focus::Composer);
        assert_eq!(
            action_for(c, key(KeyCode::Enter, KeyModifiers::NONE)),
            Some(Action::Send)
        );
        for m in [KeyModifiers::SHIFT, KeyModifiers::ALT] {
            assert_eq!(action_for(c, key(KeyCode::Enter, m)), Some(Action::Newline));
        }
        assert_eq!(
            action_for(c, key(KeyCode::Char('j'), KeyModifiers::CONTROL)),
            Some(Action::Newline)
        );
        assert!(matches!(
            action_for(c, key(KeyCode::Char('?'), KeyModifiers::NONE)),
            Some(Action::Edit(_))
        ));
    }

    #[test]
    fn question_mark_is_help_outside_the_composer() {
        for f in [Focus::Sidebar, Focus::Conversation] {
            assert_eq!(
                action_for(ctx(f), key(KeyCode::Char('?'), KeyModifiers::NONE)),
                Some(Action::ToggleHelp)
            );
        }
    }

    #[test]
    fn filter_mode_takes_letters() {
        let c = KeyContext {
            filtering: true,
            ..ctx(Focus::Sidebar)
        };
        assert_eq!(
            action_for(c, key(KeyCode::Char('j'), KeyModifiers::NONE)),
            Some(Action::FilterChar('j'))
        );
        assert_eq!(
            action_for(c, key(KeyCode::Esc, KeyModifiers::NONE)),
            Some(Action::FilterCancel)
        );
    }

    #[test]
    fn quit_and_interrupt_work_in_every_context() {
        for f in [Focus::Sidebar, Focus::Composer, Focus::Conversation] {
            for overlay in [false, true] {
                let c = KeyContext { overlay, ..ctx(f) };
                assert_eq!(
                    action_for(c, key(KeyCode::Char('q'), KeyModifiers::CONTROL)),
                    Some(Action::Quit)
                );
                assert_eq!(
                    action_for(c, key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
                    Some(Action::Interrupt)
                );
            }
        }
    }

    #[test]
    fn releases_are_ignored() {
        let mut k = key(KeyCode::Enter, KeyModifiers::NONE);
        k.kind = KeyEventKind::Release;
        assert_eq!(action_for(ctx(Focus::Composer), k), None);
    }
}

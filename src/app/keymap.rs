//! What the user means: (focus × mode × key) → action. Pure: looks keys up in a key
//! table — the one in use (`keytable::KeyTable`, the defaults of `keys::BINDINGS` with
//! the config's remaps), which the help overlay is drawn from too, so the two cannot
//! drift apart.
//!
//! Owns: the order contexts are read in (`KeyContext::layers`) and what a key
//! no row binds does (typing into a filter, a name or the composer).
//! Does not own: the action vocabulary (`action`), the bindings themselves (`keys`), what an action does (`update`), or the
//! help overlay (`view::help`).

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::Action;
use super::focus::Focus;
use super::keys::{Binding, Context, BINDINGS};

/// The state keys are read in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyContext {
    pub focus: Focus,
    pub filtering: bool,
    pub overlay: bool,
    /// Typing a panel name.
    pub naming: bool,
}

impl KeyContext {
    /// `focus` taking the keys, with nothing typed or open over it.
    pub fn plain(focus: Focus) -> KeyContext {
        KeyContext {
            focus,
            filtering: false,
            overlay: false,
            naming: false,
        }
    }

    /// The contexts of the key table a key is looked up in, in order; the first that binds
    /// it wins. Global keys come first; the help overlay, a name or a filter being typed
    /// then take every other key; otherwise the keys common to all panes, then the
    /// focused pane's.
    pub fn layers(self) -> &'static [Context] {
        if self.overlay {
            &[Context::Global, Context::Overlay]
        } else if self.naming {
            &[Context::Global, Context::Naming]
        } else if self.focus == Focus::Sidebar && self.filtering {
            &[Context::Global, Context::Filter]
        } else {
            match self.focus {
                Focus::Sidebar => &[Context::Global, Context::Panes, Context::Sidebar],
                Focus::Composer => &[Context::Global, Context::Panes, Context::Composer],
                Focus::Conversation => &[
                    Context::Global,
                    Context::Panes,
                    Context::Conversation,
                    Context::Columns,
                ],
            }
        }
    }

    /// Every combination of focus and modes, to check a table against.
    pub fn all() -> Vec<KeyContext> {
        let mut all = Vec::new();
        for focus in [Focus::Sidebar, Focus::Composer, Focus::Conversation] {
            for bits in 0..8u8 {
                all.push(KeyContext {
                    focus,
                    filtering: bits & 1 != 0,
                    overlay: bits & 2 != 0,
                    naming: bits & 4 != 0,
                });
            }
        }
        all
    }
}

/// Maps a key to an action with the default table, or `None` for keys that mean nothing
/// here.
pub fn action_for(ctx: KeyContext, key: KeyEvent) -> Option<Action> {
    action_in(BINDINGS, ctx, key)
}

/// Maps a key to an action with any key table (the one in use is `AppState::keys`).
pub fn action_in(table: &[Binding], ctx: KeyContext, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let layers = ctx.layers();
    for &layer in layers {
        // Within a context the chord naming the most modifiers wins; on a tie, the earlier row.
        let mut best: Option<(u32, &Binding)> = None;
        for binding in table.iter().filter(|b| b.contexts.contains(&layer)) {
            for chord in binding.chords.iter().filter(|c| c.matches(&key)) {
                if best.is_none_or(|(s, _)| chord.specificity() > s) {
                    best = Some((chord.specificity(), binding));
                }
            }
        }
        if let Some((_, binding)) = best {
            return Some(binding.action.clone());
        }
    }
    layers.iter().find_map(|&layer| unbound(layer, key))
}

/// Whether a modal view or popup leaves this key to the app: the global keys that
/// interrupt, quit and suspend (Ctrl+C, Ctrl+Q and Ctrl+Z, unless remapped) work
/// wherever the user is.
pub fn passes_modals(table: &[Binding], key: &KeyEvent) -> bool {
    table
        .iter()
        .filter(|b| b.contexts.contains(&Context::Global))
        .filter(|b| matches!(b.action, Action::Interrupt | Action::Quit | Action::Suspend))
        .any(|b| b.chords.iter().any(|c| c.matches(key)))
}

/// The character a key types, if it types one (no Ctrl or Alt held).
pub fn typed(key: &KeyEvent) -> Option<char> {
    match key.code {
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            Some(c)
        }
        _ => None,
    }
}

/// What a key no row binds means in a context: typed characters go into a name or a filter
/// being typed, and any key edits the composer's message.
fn unbound(layer: Context, key: KeyEvent) -> Option<Action> {
    let typed = typed(&key);
    match layer {
        Context::Naming => typed.map(Action::NameChar),
        Context::Filter => typed.map(Action::FilterChar),
        Context::Composer => Some(Action::Edit(key)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(focus: Focus) -> KeyContext {
        KeyContext::plain(focus)
    }

    fn key(code: KeyCode, mods: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, mods)
    }

    /// The hand-written keymap the table replaced, kept as the oracle it must agree with.
    fn before(ctx: KeyContext, key: KeyEvent) -> Option<Action> {
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
            // Added with the key since the table replaced this oracle.
            KeyCode::Char('z') if ctrl => return Some(Action::Suspend),
            KeyCode::F(1) => return Some(Action::ToggleHelp),
            // Added with the presenter layout since the table replaced this oracle.
            KeyCode::F(5) => return Some(Action::TogglePresenter),
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
            KeyCode::Char('o') if ctrl => return Some(Action::ExportMarkdown),
            // Added with the history view since the table replaced this oracle.
            KeyCode::Char('f') if ctrl => return Some(Action::OpenHistory),
            // Added with instructions and analysis mode since the table replaced this oracle.
            KeyCode::Char('i') if alt => return Some(Action::EditInstructions),
            KeyCode::Char('a') if alt => return Some(Action::ToggleAnalysis),
            // Added with structured answers.
            KeyCode::Char('t') if ctrl => return Some(Action::CycleSchema),
            // Added with images and the budget since the table replaced this oracle.
            KeyCode::Char('g') if ctrl => return Some(Action::AttachImage),
            KeyCode::Char('b') if ctrl => return Some(Action::RaiseBudget),
            // Added with record and replay.
            KeyCode::Char('p') if ctrl => return Some(Action::NextRecordedPrompt),
            KeyCode::Tab => return Some(Action::FocusNext),
            KeyCode::BackTab => return Some(Action::FocusPrev),
            KeyCode::Esc => return Some(Action::Cancel),
            _ => {}
        }
        match ctx.focus {
            Focus::Composer => Some(match key.code {
                // Added with the keys since the table replaced this oracle.
                KeyCode::Up if alt => Action::EditEarlier,
                KeyCode::Down if alt => Action::EditLater,
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
                KeyCode::Char('y') => Some(Action::CopyAnswer),
                KeyCode::Char('c') => Some(Action::CopyCodeBlock),
                KeyCode::Char('?') => Some(Action::ToggleHelp),
                KeyCode::Char('t') => Some(Action::ToggleSchemaTable),
                // Added with custom personas since the table replaced this oracle.
                KeyCode::Char('n') => Some(Action::NewPersona),
                KeyCode::Char('E') => Some(Action::EditPersona),
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
                KeyCode::Char('y') => Some(Action::CopyAnswer),
                KeyCode::Char('c') => Some(Action::CopyCodeBlock),
                KeyCode::Char('?') => Some(Action::ToggleHelp),
                // Added with the key since the table replaced this oracle.
                KeyCode::Char('e') => Some(Action::EditEarlier),
                KeyCode::Char('t') => Some(Action::ToggleSchemaTable),
                _ => None,
            },
        }
    }

    #[test]
    fn the_table_agrees_with_the_hand_written_keymap_it_replaced() {
        let mut codes: Vec<KeyCode> = (' '..='~').map(KeyCode::Char).collect();
        codes.extend([
            KeyCode::Up,
            KeyCode::Down,
            KeyCode::Left,
            KeyCode::Right,
            KeyCode::PageUp,
            KeyCode::PageDown,
            KeyCode::Home,
            KeyCode::End,
            KeyCode::Enter,
            KeyCode::Esc,
            KeyCode::Tab,
            KeyCode::BackTab,
            KeyCode::Backspace,
            KeyCode::Delete,
            KeyCode::F(1),
            KeyCode::F(2),
            KeyCode::F(5),
        ]);
        let (c, a, s) = (KeyModifiers::CONTROL, KeyModifiers::ALT, KeyModifiers::SHIFT);
        let mods = [KeyModifiers::NONE, c, a, s, c | a, c | s, a | s, c | a | s];
        for ctx in KeyContext::all() {
            for &code in &codes {
                for m in mods {
                    for kind in [KeyEventKind::Press, KeyEventKind::Repeat, KeyEventKind::Release] {
                        let k = KeyEvent::new_with_kind(code, m, kind);
                        assert_eq!(action_for(ctx, k), before(ctx, k), "{k:?} in {ctx:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn every_chord_does_what_its_row_says_wherever_the_row_applies() {
        for b in BINDINGS {
            for layer in b.contexts.iter() {
                let ctxs: Vec<_> = KeyContext::all()
                    .into_iter()
                    .filter(|k| k.layers().contains(layer))
                    .collect();
                assert!(!ctxs.is_empty(), "{layer:?} is never read");
                for k in ctxs {
                    for chord in b.chords.iter() {
                        assert_eq!(
                            action_for(k, chord.event()),
                            Some(b.action.clone()),
                            "{chord} in {k:?}"
                        );
                    }
                }
            }
        }
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
    fn quit_interrupt_and_suspend_work_in_every_context() {
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
                assert_eq!(
                    action_for(c, key(KeyCode::Char('z'), KeyModifiers::CONTROL)),
                    Some(Action::Suspend)
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

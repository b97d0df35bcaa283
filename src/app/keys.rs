//! The key table: every default binding as one row of data — where it applies, its chords,
//! the action it produces and the help overlay line it is listed on.
//!
//! Owns: the shape of a binding (`Context`, `Chord`, `Binding`, `Help`, `Group`), how a chord
//! is written ("Ctrl+R", "Shift+Tab", "↑") and read back (`Chord::parse`, for `[keys]` in
//! the config file), and the default rows (`BINDINGS`). The table is plain data:
//! `keytable` lays the `[keys]` config over it, replacing the chords of a row per context.
//! Does not own: the order contexts are read in and what an unbound key does
//! (`keymap::action_for`), what an action does (`update`), or the overlay's layout
//! (`view::help`, which builds its lines from these rows).

use std::borrow::Cow;
use std::fmt;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use super::action::Action;
use Context as C;
use Group as G;
use KeyCode::{BackTab, Backspace, Down, End, Enter, Esc, Home, Left, PageDown, PageUp, Right, Tab, Up};

/// Where a binding applies. `keymap::action_for` reads them in a fixed order, most
/// pressing first; see `KeyContext::layers`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Context {
    /// Everywhere, even over the help overlay and while typing a filter or a name.
    Global,
    /// The help overlay is open: it takes every key not global.
    Overlay,
    /// Typing a name for the marked personas: other typed characters go into the name.
    Naming,
    /// Typing a persona filter: other typed characters go into the filter.
    Filter,
    /// Any pane, before the focused pane's own keys (when no overlay or typing mode is on).
    Panes,
    /// The persona list has focus.
    Sidebar,
    /// The composer has focus: any key bound nowhere edits the message.
    Composer,
    /// The conversation pane has focus.
    Conversation,
    /// The side-by-side columns, read after `Conversation` (the reducer ignores them
    /// when nothing is compared).
    Columns,
}

/// A key with the modifiers it needs. A key event matches when it has this code and holds
/// at least these modifiers (it may hold more): `k` also answers Ctrl+K, as it always has.
/// When two chords of one context match, the one naming more modifiers wins
/// (Shift+Enter over Enter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Chord {
    pub code: KeyCode,
    pub mods: KeyModifiers,
}

impl Chord {
    pub const fn new(code: KeyCode, mods: KeyModifiers) -> Chord {
        Chord { code, mods }
    }

    pub fn matches(&self, key: &KeyEvent) -> bool {
        key.code == self.code && key.modifiers.contains(self.mods)
    }

    /// How many modifiers the chord names; the more, the more specific.
    pub fn specificity(&self) -> u32 {
        self.mods.bits().count_ones()
    }

    /// The key event this chord describes (a press).
    pub fn event(&self) -> KeyEvent {
        KeyEvent::new(self.code, self.mods)
    }

    /// The modifiers as written: "", "Ctrl", "Ctrl+Shift".
    pub fn mods_label(&self) -> String {
        [
            (KeyModifiers::CONTROL, "Ctrl"),
            (KeyModifiers::ALT, "Alt"),
            (KeyModifiers::SHIFT, "Shift"),
        ]
        .iter()
        .filter(|(m, _)| self.mods.contains(*m))
        .map(|(_, name)| *name)
        .collect::<Vec<_>>()
        .join("+")
    }

    /// The key alone as written: "↑", "PgUp", "Space", "k"; a letter under a modifier is
    /// upper case ("R" in Ctrl+R).
    pub fn key_label(&self) -> String {
        match self.code {
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::BackTab => "Shift+Tab".into(),
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) if self.mods.is_empty() => c.to_string(),
            KeyCode::Char(c) => c.to_uppercase().to_string(),
            KeyCode::F(n) => format!("F{n}"),
            other => other.to_string(),
        }
    }
}

/// What a key may be written as in the config file, for error messages.
pub const CHORD_SYNTAX: &str = "a character (a, ?, 1), a named key (Enter, Esc, Tab, Backspace, \
     Delete, Insert, Home, End, PgUp, PgDn, Up, Down, Left, Right, Space, F1–F24), with \
     Ctrl+, Alt+ or Shift+ before it";

impl Chord {
    /// Reads a chord as written ("Ctrl+R", "Alt+Enter", "Shift+Tab", "F5", "g", "?"): the
    /// inverse of `Display`, case-insensitive in modifier and key names. A letter under
    /// Ctrl or Alt is lower case, as the terminal reports it; Shift with a character is
    /// its upper case (Shift+g is G); Shift+Tab is the back-tab key.
    pub fn parse(text: &str) -> Result<Chord, String> {
        let mut rest = text.trim();
        let mut mods = KeyModifiers::NONE;
        loop {
            let lower = rest.to_ascii_lowercase();
            let found = [
                ("ctrl+", KeyModifiers::CONTROL),
                ("control+", KeyModifiers::CONTROL),
                ("alt+", KeyModifiers::ALT),
                ("shift+", KeyModifiers::SHIFT),
            ]
            .into_iter()
            .find(|(prefix, _)| lower.starts_with(prefix) && lower.len() > prefix.len());
            match found {
                Some((prefix, m)) => {
                    mods |= m;
                    rest = &rest[prefix.len()..];
                }
                None => break,
            }
        }
        let code = named(rest).ok_or_else(|| match rest {
            "" => format!("{text:?} names no key: write {CHORD_SYNTAX}"),
            _ => format!("{text:?} is not a key: write {CHORD_SYNTAX}"),
        })?;
        Ok(match code {
            KeyCode::Tab if mods.contains(KeyModifiers::SHIFT) => {
                Chord::new(KeyCode::BackTab, mods - KeyModifiers::SHIFT)
            }
            KeyCode::Char(c) if mods.contains(KeyModifiers::SHIFT) && c != ' ' => {
                let upper = c.to_uppercase().next().unwrap_or(c);
                Chord::new(KeyCode::Char(upper), mods - KeyModifiers::SHIFT)
            }
            KeyCode::Char(c) if mods.intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) => {
                Chord::new(KeyCode::Char(c.to_ascii_lowercase()), mods)
            }
            code => Chord::new(code, mods),
        })
    }
}

/// The key a name stands for: a named key, `F1`–`F24`, or one character.
fn named(name: &str) -> Option<KeyCode> {
    let mut chars = name.chars();
    if let (Some(c), None) = (chars.next(), chars.next()) {
        return Some(match c {
            '↑' => KeyCode::Up,
            '↓' => KeyCode::Down,
            '←' => KeyCode::Left,
            '→' => KeyCode::Right,
            c if c.is_control() => return None,
            c => KeyCode::Char(c),
        });
    }
    let lower = name.to_ascii_lowercase();
    if let Some(n) = lower.strip_prefix('f').and_then(|n| n.parse::<u8>().ok()) {
        return (1..=24).contains(&n).then_some(KeyCode::F(n));
    }
    Some(match lower.as_str() {
        "enter" | "return" => Enter,
        "esc" | "escape" => Esc,
        "tab" => Tab,
        "backtab" => BackTab,
        "backspace" => Backspace,
        "delete" | "del" => KeyCode::Delete,
        "insert" | "ins" => KeyCode::Insert,
        "home" => Home,
        "end" => End,
        "pgup" | "pageup" => PageUp,
        "pgdn" | "pagedown" => PageDown,
        "up" => Up,
        "down" => Down,
        "left" => Left,
        "right" => Right,
        "space" => KeyCode::Char(' '),
        _ => return None,
    })
}

impl fmt::Display for Chord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mods = self.mods_label();
        if mods.is_empty() {
            f.write_str(&self.key_label())
        } else {
            write!(f, "{mods}+{}", self.key_label())
        }
    }
}

/// A heading of the help overlay, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Group {
    Everywhere,
    Personas,
    Composer,
    Conversation,
    SideBySide,
}

impl Group {
    pub const ALL: [Group; 5] = [
        Group::Everywhere,
        Group::Personas,
        Group::Composer,
        Group::Conversation,
        Group::SideBySide,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Group::Everywhere => "Everywhere",
            Group::Personas => "Personas",
            Group::Composer => "Composer",
            Group::Conversation => "Conversation",
            Group::SideBySide => "Side by side",
        }
    }
}

/// One line of the help overlay. Rows listing the same `Help` share its line, which shows
/// all their chords; lines keep the order of their first row in the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Help {
    pub group: Group,
    pub text: &'static str,
}

/// One binding: in these contexts, any of these chords means this action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub contexts: Cow<'static, [Context]>,
    pub chords: Cow<'static, [Chord]>,
    pub action: Action,
    /// The help lines it is listed on: one, or a second that restates it in another group.
    pub help: &'static [Help],
}

const fn bind(
    contexts: &'static [Context],
    chords: &'static [Chord],
    action: Action,
    help: &'static [Help],
) -> Binding {
    Binding {
        contexts: Cow::Borrowed(contexts),
        chords: Cow::Borrowed(chords),
        action,
        help,
    }
}

const fn key(code: KeyCode) -> Chord {
    Chord::new(code, KeyModifiers::NONE)
}

const fn ch(c: char) -> Chord {
    key(KeyCode::Char(c))
}

const fn ctrl(c: char) -> Chord {
    with(KeyModifiers::CONTROL, KeyCode::Char(c))
}

const fn with(mods: KeyModifiers, code: KeyCode) -> Chord {
    Chord::new(code, mods)
}

const fn help(group: Group, text: &'static str) -> Help {
    Help { group, text }
}

const FOCUS: Help = help(G::Everywhere, "focus: personas → composer → conversation");
const HELP: Help = help(G::Everywhere, "this help (? outside the composer)");
const MOVE: Help = help(G::Personas, "move (the arrows also while filtering)");
const JUMP: Help = help(G::Personas, "jump by 10, or to the top / bottom");
const TYPING: Help = help(G::Personas, "in a filter or name: accept / cancel / erase");
const COLUMN: Help = help(G::SideBySide, "focus a column; Esc, Ctrl+R act on it, else all");
const COLUMN_N: Help = help(G::SideBySide, "focus column N (again to unfocus)");
const SEND_ALL: Help = help(G::SideBySide, "send to every marked persona at once");
const COMPOSER_SCROLL: Help = help(G::Composer, "scroll the conversation");
const LINE: Help = help(G::Conversation, "scroll a line (in this help too)");
const PAGE: Help = help(G::Conversation, "scroll a page (in this help too)");
const EDIT: Help = help(G::Composer, "edit an earlier prompt; Enter resends (fork)");
const EDGE: Help = help(G::Conversation, "top / bottom (bottom follows new text)");

/// The default bindings. Order matters only for the help: within a group, lines appear in
/// the order of their first row (the side-by-side rows come before the composer's, so
/// that Enter's side-by-side line ends the overlay).
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    // Everywhere.
    bind(&[C::Panes, C::Filter], &[key(Tab)], Action::FocusNext, &[FOCUS]),
    bind(&[C::Panes, C::Filter], &[key(BackTab)], Action::FocusPrev, &[FOCUS]),
    bind(&[C::Panes], &[key(Esc)], Action::Cancel,
        &[help(G::Everywhere, "stop the streaming answer (text so far stays)")]),
    bind(&[C::Panes], &[ctrl('r')], Action::Regenerate,
        &[help(G::Everywhere, "regenerate the last answer (old kept till new)")]),
    bind(&[C::Panes], &[ctrl('n')], Action::NewThread,
        &[help(G::Everywhere, "new thread with this persona")]),
    bind(&[C::Panes], &[ctrl('s')], Action::Export,
        &[help(G::Everywhere, "save the conversation(s) on screen to a file")]),
    bind(&[C::Panes], &[ctrl('o')], Action::ExportMarkdown,
        &[help(G::Everywhere, "export what is on screen to Markdown")]),
    bind(&[C::Global], &[ctrl('c')], Action::Interrupt,
        &[help(G::Everywhere, "stop every streaming answer; quit if none")]),
    bind(&[C::Global], &[ctrl('q')], Action::Quit,
        &[help(G::Everywhere, "quit (asks first while answers stream)")]),
    bind(&[C::Global], &[ctrl('z')], Action::Suspend,
        &[help(G::Everywhere, "suspend to the shell (fg returns)")]),
    bind(&[C::Global], &[key(KeyCode::F(1))], Action::ToggleHelp, &[HELP]),
    bind(&[C::Global], &[key(KeyCode::F(5))], Action::TogglePresenter,
        &[help(G::Everywhere, "presenter layout: big prompt, no sidebar")]),
    bind(&[C::Sidebar, C::Conversation], &[ch('?')], Action::ToggleHelp, &[HELP]),
    bind(&[C::Overlay], &[key(Esc), ch('q'), ch('?'), key(Enter)], Action::CloseOverlay,
        &[help(G::Everywhere, "close this help")]),
    // Personas, and typing a filter or a panel name.
    bind(&[C::Sidebar, C::Filter], &[key(Up)], Action::MovePersona(-1), &[MOVE]),
    bind(&[C::Sidebar, C::Filter], &[key(Down)], Action::MovePersona(1), &[MOVE]),
    bind(&[C::Sidebar], &[ch('k')], Action::MovePersona(-1), &[MOVE]),
    bind(&[C::Sidebar], &[ch('j')], Action::MovePersona(1), &[MOVE]),
    bind(&[C::Sidebar], &[key(PageUp)], Action::MovePersona(-10), &[JUMP]),
    bind(&[C::Sidebar], &[key(PageDown)], Action::MovePersona(10), &[JUMP]),
    bind(&[C::Sidebar], &[key(Home), ch('g')], Action::PersonaEdge { end: false }, &[JUMP]),
    bind(&[C::Sidebar], &[key(End), ch('G')], Action::PersonaEdge { end: true }, &[JUMP]),
    bind(&[C::Sidebar], &[key(Enter)], Action::SelectPersona,
        &[help(G::Personas, "pick persona and write to it")]),
    bind(&[C::Sidebar], &[ch('/')], Action::StartFilter,
        &[help(G::Personas, "filter the list by typing")]),
    bind(&[C::Filter], &[key(Enter)], Action::FilterAccept, &[TYPING]),
    bind(&[C::Filter], &[key(Esc)], Action::FilterCancel, &[TYPING]),
    bind(&[C::Filter], &[key(Backspace)], Action::FilterBackspace, &[TYPING]),
    bind(&[C::Naming], &[key(Enter)], Action::NameAccept, &[TYPING]),
    bind(&[C::Naming], &[key(Esc)], Action::NameCancel, &[TYPING]),
    bind(&[C::Naming], &[key(Backspace)], Action::NameBackspace, &[TYPING]),
    bind(&[C::Sidebar], &[ch('r')], Action::ReloadPersonas,
        &[help(G::Personas, "reload the persona list")]),
    // Side by side.
    bind(&[C::Sidebar], &[ch(' ')], Action::ToggleMark,
        &[help(G::SideBySide, "mark / unmark for side-by-side (2–6 personas)")]),
    bind(&[C::Sidebar], &[ch('x')], Action::ClearMarks, &[help(G::SideBySide, "clear all marks")]),
    bind(&[C::Sidebar], &[ch('S')], Action::StartNaming,
        &[help(G::SideBySide, "save the marked personas as a named panel")]),
    bind(&[C::Columns], &[key(Left), ch('h')], Action::ColumnStep(-1), &[COLUMN]),
    bind(&[C::Columns], &[key(Right), ch('l')], Action::ColumnStep(1), &[COLUMN]),
    bind(&[C::Columns], &[ch('1')], Action::FocusColumn(0), &[COLUMN_N]),
    bind(&[C::Columns], &[ch('2')], Action::FocusColumn(1), &[COLUMN_N]),
    bind(&[C::Columns], &[ch('3')], Action::FocusColumn(2), &[COLUMN_N]),
    bind(&[C::Columns], &[ch('4')], Action::FocusColumn(3), &[COLUMN_N]),
    bind(&[C::Columns], &[ch('5')], Action::FocusColumn(4), &[COLUMN_N]),
    bind(&[C::Columns], &[ch('6')], Action::FocusColumn(5), &[COLUMN_N]),
    // Composer: any key bound neither here nor above edits the message.
    bind(&[C::Composer], &[key(Enter)], Action::Send, &[help(G::Composer, "send"), SEND_ALL]),
    bind(&[C::Composer], &[with(KeyModifiers::SHIFT, Enter), with(KeyModifiers::ALT, Enter), ctrl('j')],
        Action::Newline, &[help(G::Composer, "new line")]),
    bind(&[C::Composer], &[key(PageUp)], Action::ScrollPages(-1), &[COMPOSER_SCROLL]),
    bind(&[C::Composer], &[key(PageDown)], Action::ScrollPages(1), &[COMPOSER_SCROLL]),
    // Conversation, and the help overlay, which scrolls alike.
    bind(&[C::Conversation, C::Overlay], &[key(Up), ch('k')], Action::Scroll(-1), &[LINE]),
    bind(&[C::Conversation, C::Overlay], &[key(Down), ch('j')], Action::Scroll(1), &[LINE]),
    bind(&[C::Conversation], &[key(PageUp)], Action::ScrollPages(-1), &[PAGE]),
    bind(&[C::Conversation], &[key(PageDown), ch(' ')], Action::ScrollPages(1), &[PAGE]),
    bind(&[C::Overlay], &[key(PageUp)], Action::Scroll(-10), &[PAGE]),
    bind(&[C::Overlay], &[key(PageDown), ch(' ')], Action::Scroll(10), &[PAGE]),
    bind(&[C::Sidebar, C::Conversation], &[ch('y')], Action::CopyAnswer,
        &[help(G::Conversation, "copy the last answer (of the focused column)")]),
    bind(&[C::Sidebar, C::Conversation], &[ch('c')], Action::CopyCodeBlock,
        &[help(G::Conversation, "then 1–9: copy that code block of it")]),
    bind(&[C::Conversation], &[key(Home), ch('g')], Action::ScrollEdge { end: false }, &[EDGE]),
    bind(&[C::Conversation], &[key(End), ch('G')], Action::ScrollEdge { end: true }, &[EDGE]),
    // Editing an earlier prompt and resending it (the thread forks there).
    bind(&[C::Composer], &[with(KeyModifiers::ALT, Up)], Action::EditEarlier, &[EDIT]),
    bind(&[C::Composer], &[with(KeyModifiers::ALT, Down)], Action::EditLater,
        &[help(G::Composer, "a later prompt; past the last: stop editing")]),
    bind(&[C::Conversation], &[ch('e')], Action::EditEarlier, &[EDIT]),
    bind(&[C::Panes], &[ctrl('f')], Action::OpenHistory,
        &[help(G::Everywhere, "history: past conversations, search, reopen")]),
    bind(&[C::Panes], &[with(KeyModifiers::ALT, KeyCode::Char('i'))], Action::EditInstructions,
        &[help(G::Everywhere, "instructions: this thread, or all side by side")]),
    bind(&[C::Panes], &[with(KeyModifiers::ALT, KeyCode::Char('a'))], Action::ToggleAnalysis,
        &[help(G::Everywhere, "analysis mode on / off: a card under answers")]),
    bind(&[C::Panes], &[ctrl('t')], Action::CycleSchema,
        &[help(G::Everywhere, "answer as JSON: next schema, a file's, or none")]),
    bind(&[C::Sidebar, C::Conversation], &[ch('t')], Action::ToggleSchemaTable,
        &[help(G::SideBySide, "table of the schema's fields / the columns")]),
    bind(&[C::Panes], &[ctrl('g')], Action::AttachImage,
        &[help(G::Composer, "attach images (a file or a URL), remove them")]),
    bind(&[C::Panes], &[ctrl('b')], Action::RaiseBudget,
        &[help(G::Everywhere, "raise the session's credit budget")]),
    bind(&[C::Sidebar], &[ch('n')], Action::NewPersona,
        &[help(G::Personas, "new custom persona (300 credits, asks first)")]),
    bind(&[C::Sidebar], &[ch('E')], Action::EditPersona,
        &[help(G::Personas, "edit a custom persona")]),
    bind(&[C::Panes], &[ctrl('p')], Action::NextRecordedPrompt,
        &[help(G::Composer, "replay: next recorded prompt (empty composer)")]),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chords_are_written_as_the_user_reads_them() {
        assert_eq!(ctrl('r').to_string(), "Ctrl+R");
        assert_eq!(key(BackTab).to_string(), "Shift+Tab");
        assert_eq!(Chord::new(Enter, KeyModifiers::ALT).to_string(), "Alt+Enter");
        assert_eq!(ch(' ').to_string(), "Space");
        assert_eq!(ch('G').to_string(), "G");
        assert_eq!(key(Up).to_string(), "↑");
        assert_eq!(key(KeyCode::F(1)).to_string(), "F1");
    }

    #[test]
    fn every_default_chord_reads_back_from_how_it_is_written() {
        for b in BINDINGS {
            for chord in b.chords.iter() {
                assert_eq!(Chord::parse(&chord.to_string()), Ok(*chord), "{chord}");
            }
        }
    }

    #[test]
    fn chords_are_read_as_the_user_writes_them() {
        let ok = |text: &str, chord: Chord| assert_eq!(Chord::parse(text), Ok(chord), "{text}");
        ok("ctrl+x", ctrl('x'));
        ok("Control+X", ctrl('x'));
        ok("Shift+g", ch('G'));
        ok("shift+tab", key(BackTab));
        ok("Ctrl+Shift+Tab", with(KeyModifiers::CONTROL, BackTab));
        ok("Alt+Enter", with(KeyModifiers::ALT, Enter));
        ok("escape", key(Esc));
        ok("f12", key(KeyCode::F(12)));
        ok("Ctrl++", ctrl('+'));
        ok("+", ch('+'));
        ok(" space ", ch(' '));
        for bad in ["", "Ctrl+", "Hyper+X", "F25", "F0", "Enterr", "ab"] {
            let err = Chord::parse(bad).unwrap_err();
            assert!(err.starts_with(&format!("{bad:?} ")), "{err}");
            assert!(err.contains("a named key (Enter"), "{err}");
        }
    }

    #[test]
    fn no_chord_is_bound_twice_in_one_context() {
        let mut seen = std::collections::HashMap::new();
        for (i, b) in BINDINGS.iter().enumerate() {
            assert!(
                !b.chords.is_empty() && !b.contexts.is_empty(),
                "row {i} binds nothing"
            );
            assert!(
                !b.help.is_empty(),
                "row {i} ({:?}) is listed in no help line",
                b.action
            );
            for c in b.contexts.iter() {
                for chord in b.chords.iter() {
                    if let Some(j) = seen.insert((*c, *chord), i) {
                        panic!("{chord} is bound in {c:?} by rows {j} and {i}");
                    }
                }
            }
        }
    }
}

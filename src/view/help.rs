//! The help overlay: every key, generated from the key table.
//!
//! Owns: turning the table's rows into the overlay's lines — one line per `Help`, its keys
//! written from the rows' chords ("↑ ↓ / k j", "Shift/Alt+Enter / Ctrl+J", "1–6") — and
//! the overlay's box and layout: one column when it fits the height, two side by side
//! when the terminal is short but wide enough, scrolling when even that is cut.
//! Does not own: the bindings or their wording (`app::keys::BINDINGS`, with the config's
//! remaps in `app::keytable::KeyTable`: the overlay lists the keys as configured), nor
//! what a key does (`app::keymap`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::action::Action;
use crate::app::keys::{Binding, Chord, Group, Help};
use crate::app::keytable::KeyTable;

/// One line of the overlay: keys, and what they do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HelpLine {
    pub keys: String,
    pub what: &'static str,
    /// The table rows it lists, by index.
    pub rows: Vec<usize>,
}

/// A heading and its lines.
pub type HelpGroup = (&'static str, Vec<HelpLine>);

/// The overlay's groups in order, each line gathering the rows that list its `Help`, in
/// the order of their first row.
pub fn help_groups(table: &[Binding]) -> Vec<HelpGroup> {
    let mut lines: Vec<(Help, Vec<usize>)> = Vec::new();
    for (i, binding) in table.iter().enumerate() {
        for help in binding.help {
            match lines.iter_mut().find(|(h, _)| h == help) {
                Some((_, rows)) => rows.push(i),
                None => lines.push((*help, vec![i])),
            }
        }
    }
    Group::ALL
        .iter()
        .map(|&group| {
            let shown = lines
                .iter()
                .filter(|(h, _)| h.group == group)
                .map(|(h, rows)| HelpLine {
                    keys: keys_label(table, rows),
                    what: h.text,
                    rows: rows.clone(),
                })
                .collect();
            (group.title(), shown)
        })
        .filter(|(_, shown): &HelpGroup| !shown.is_empty())
        .collect()
}

/// The keys of some rows as written: rows with the same action are one key whose chords
/// are alternatives; the keys are read across, first way of writing each, then the second:
/// Up/k and Down/j make "↑ ↓ / k j".
fn keys_label(table: &[Binding], rows: &[usize]) -> String {
    let mut keys: Vec<(&Action, Vec<Chord>)> = Vec::new();
    for binding in rows.iter().map(|&i| &table[i]) {
        let at = match keys.iter().position(|(a, _)| **a == binding.action) {
            Some(at) => at,
            None => {
                keys.push((&binding.action, Vec::new()));
                keys.len() - 1
            }
        };
        for chord in binding.chords.iter() {
            if !keys[at].1.contains(chord) {
                keys[at].1.push(*chord);
            }
        }
    }
    let ways: Vec<Vec<String>> = keys.iter().map(|(_, chords)| alternatives(chords)).collect();
    let depth = ways.iter().map(Vec::len).max().unwrap_or(0);
    (0..depth)
        .map(|n| {
            let mut column: Vec<&str> = Vec::new();
            for way in ways.iter().filter_map(|w| w.get(n)) {
                if !column.contains(&way.as_str()) {
                    column.push(way);
                }
            }
            join_digit_runs(&column)
        })
        .collect::<Vec<_>>()
        .join(" / ")
}

/// One key's chords as written; the same key under different modifiers reads
/// "Shift/Alt+Enter".
fn alternatives(chords: &[Chord]) -> Vec<String> {
    let mut out: Vec<(Chord, Vec<String>)> = Vec::new();
    for chord in chords {
        let mods = chord.mods_label();
        match out.last_mut() {
            Some((first, all)) if first.code == chord.code && !first.mods.is_empty() && !mods.is_empty() => {
                all.push(mods)
            }
            _ => out.push((*chord, vec![mods])),
        }
    }
    out.into_iter()
        .map(|(first, mods)| match mods.len() {
            1 => first.to_string(),
            _ => format!("{}+{}", mods.join("/"), first.key_label()),
        })
        .collect()
}

/// Joins keys with spaces, writing a run of three or more consecutive digits "1–6".
fn join_digit_runs(keys: &[&str]) -> String {
    let digit = |k: &str| {
        let mut chars = k.chars();
        let d = chars.next()?.to_digit(10)?;
        chars.next().is_none().then_some(d)
    };
    let follows = |a: &str, b: &str| matches!((digit(a), digit(b)), (Some(x), Some(y)) if y == x + 1);
    let mut out = Vec::new();
    let mut i = 0;
    while i < keys.len() {
        let mut j = i;
        while j + 1 < keys.len() && follows(keys[j], keys[j + 1]) {
            j += 1;
        }
        if j >= i + 2 {
            out.push(format!("{}–{}", keys[i], keys[j]));
        } else {
            out.extend(keys[i..=j].iter().map(|k| k.to_string()));
        }
        i = j + 1;
    }
    out.join(" ")
}

/// The widest keys, and a column's width: indent, keys, gap, the longest description.
fn widths(groups: &[HelpGroup]) -> (usize, usize) {
    let lines = || groups.iter().flat_map(|(_, lines)| lines.iter());
    let key_width = lines().map(|l| l.keys.chars().count()).max().unwrap_or(10);
    let what_width = lines().map(|l| l.what.chars().count()).max().unwrap_or(30);
    (key_width, what_width + key_width + 6)
}

fn group_lines(groups: &[HelpGroup], key_width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, (group, keys)) in groups.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(*group, theme.heading(2))));
        for line in keys {
            lines.push(Line::from(vec![
                Span::styled(format!("  {:<key_width$}  ", line.keys), theme.list_marker),
                Span::styled(line.what, theme.text),
            ]));
        }
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, scroll: usize, keys: &KeyTable, theme: &Theme) {
    let groups = help_groups(keys.rows());
    let (key_width, column_width) = widths(&groups);
    let one = group_lines(&groups, key_width, theme);
    // Split the groups in two halves by line count when one column is too tall.
    let two_columns = one.len() + 4 > area.height as usize && area.width as usize >= 2 * column_width + 5;
    let columns: Vec<Vec<Line>> = if two_columns {
        let half = one.len() / 2;
        let mut count = 0;
        let split = groups
            .iter()
            .position(|(_, lines)| {
                count += lines.len() + 2;
                count > half
            })
            .map(|p| p + 1)
            .unwrap_or(groups.len())
            .min(groups.len());
        vec![
            group_lines(&groups[..split], key_width, theme),
            group_lines(&groups[split..], key_width, theme),
        ]
    } else {
        vec![one]
    };
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let width = ((column_width + 1) * columns.len() + 2).min(area.width as usize) as u16;
    let height = (tallest as u16 + 4).min(area.height);
    let popup = super::paint::popup(frame.buffer_mut(), area, width, height);
    let visible = (height as usize).saturating_sub(3);
    let scroll = scroll.min(tallest.saturating_sub(visible));
    let cut = tallest > visible;
    let footer = if cut {
        " ↑ ↓ scroll · Esc closes "
    } else {
        " Esc closes this help "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border)
        .title(" Keys ")
        .title_bottom(Span::styled(footer, theme.muted));
    let inner = block.inner(popup);
    frame.render_widget(block, popup);
    let mut x = inner.x;
    for lines in columns {
        let w = (column_width as u16 + 1).min(inner.x + inner.width - x);
        let shown = Paragraph::new(lines).scroll((scroll.min(u16::MAX as usize) as u16, 0));
        frame.render_widget(
            shown,
            Rect::new(x, inner.y + 1, w, inner.height.saturating_sub(1)),
        );
        x += w;
    }
}

#[cfg(test)]
mod tests {
    use crossterm::event::KeyCode;

    use super::*;
    use crate::app::keymap::{action_for, KeyContext};
    use crate::app::keys::BINDINGS;

    fn lines() -> Vec<HelpLine> {
        help_groups(BINDINGS)
            .into_iter()
            .flat_map(|(_, lines)| lines)
            .collect()
    }

    /// Whether a line's keys show a chord: written out, as part of "Shift/Alt+Enter", or
    /// inside a run of digits "1–6".
    fn shows(keys: &str, chord: &Chord) -> bool {
        let merged = !chord.mods.is_empty()
            && keys.contains(&chord.key_label())
            && chord.mods_label().split('+').all(|m| keys.contains(m));
        let in_run = match chord.code {
            KeyCode::Char(d) if d.is_ascii_digit() => {
                let chars: Vec<char> = keys.chars().collect();
                chars.windows(3).any(|w| w[1] == '–' && w[0] <= d && d <= w[2])
            }
            _ => false,
        };
        keys.contains(&chord.to_string()) || merged || in_run
    }

    #[test]
    fn every_binding_is_shown_in_the_help() {
        let lines = lines();
        for (i, binding) in BINDINGS.iter().enumerate() {
            let listed: Vec<&HelpLine> = lines.iter().filter(|l| l.rows.contains(&i)).collect();
            assert_eq!(listed.len(), binding.help.len(), "row {i} ({:?})", binding.action);
            for line in listed {
                for chord in binding.chords.iter() {
                    assert!(
                        shows(&line.keys, chord),
                        "{chord} is missing from {:?}",
                        line.keys
                    );
                }
            }
        }
    }

    #[test]
    fn every_help_line_is_bound() {
        for line in lines() {
            assert!(!line.rows.is_empty() && !line.keys.is_empty(), "{line:?}");
            for &i in &line.rows {
                let binding = &BINDINGS[i];
                assert!(binding.help.iter().any(|h| h.text == line.what));
                let bound = binding.chords.iter().any(|chord| {
                    KeyContext::all()
                        .into_iter()
                        .filter(|k| k.layers().iter().any(|c| binding.contexts.contains(c)))
                        .any(|k| action_for(k, chord.event()) == Some(binding.action.clone()))
                });
                assert!(
                    bound,
                    "{:?} lists {:?}, which no key produces",
                    line.keys, binding.action
                );
            }
        }
    }

    #[test]
    fn keys_are_written_compactly() {
        let keys_of = |what: &str| {
            lines()
                .into_iter()
                .find(|l| l.what.starts_with(what))
                .unwrap()
                .keys
        };
        assert_eq!(keys_of("focus: personas"), "Tab Shift+Tab");
        assert_eq!(keys_of("regenerate"), "Ctrl+R");
        assert_eq!(keys_of("this help"), "F1 / ?");
        assert_eq!(keys_of("close this help"), "Esc / q / ? / Enter");
        assert_eq!(keys_of("move"), "↑ ↓ / k j");
        assert_eq!(keys_of("jump"), "PgUp PgDn Home End / g G");
        assert_eq!(keys_of("in a filter or name"), "Enter Esc Backspace");
        assert_eq!(keys_of("new line"), "Shift/Alt+Enter / Ctrl+J");
        assert_eq!(keys_of("scroll a page"), "PgUp PgDn / Space");
        assert_eq!(keys_of("focus a column"), "← → / h l");
        assert_eq!(keys_of("focus column N"), "1–6");
    }

    #[test]
    fn one_column_fits_80_columns_and_the_groups_read_as_before() {
        let groups = help_groups(BINDINGS);
        let titles: Vec<&str> = groups.iter().map(|(t, _)| *t).collect();
        assert_eq!(
            titles,
            [
                "Everywhere",
                "Personas",
                "Composer",
                "Conversation",
                "Side by side"
            ]
        );
        // The box is a column, a spare cell and two borders wide.
        let (_, column_width) = widths(&groups);
        assert!(column_width + 3 <= 80, "{column_width}");
    }
}

//! The help overlay: every key, from the keymap's own table.
//!
//! Owns: the overlay's box and layout — one column when it fits the height, two side by
//! side when the terminal is short but wide enough, scrolling when even that is cut.
//! Does not own: the bindings (`app::keymap::HELP`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::keymap::HELP;

type Group = (&'static str, &'static [(&'static str, &'static str)]);

fn group_lines(groups: &[Group], key_width: usize, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    for (i, (group, keys)) in groups.iter().enumerate() {
        if i > 0 {
            lines.push(Line::default());
        }
        lines.push(Line::from(Span::styled(*group, theme.heading(2))));
        for (key, what) in keys.iter() {
            lines.push(Line::from(vec![
                Span::styled(format!("  {key:<key_width$}  "), theme.list_marker),
                Span::styled(*what, theme.text),
            ]));
        }
    }
    lines
}

pub fn render(frame: &mut Frame, area: Rect, scroll: usize, theme: &Theme) {
    let key_width = HELP
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(10);
    let column_width = HELP
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(|(_, w)| w.chars().count()))
        .max()
        .unwrap_or(30)
        + key_width
        + 6;
    let one = group_lines(HELP, key_width, theme);
    // Split the groups in two halves by line count when one column is too tall.
    let two_columns = one.len() + 4 > area.height as usize && area.width as usize >= 2 * column_width + 5;
    let columns: Vec<Vec<Line>> = if two_columns {
        let half = one.len() / 2;
        let mut count = 0;
        let split = HELP
            .iter()
            .position(|(_, keys)| {
                count += keys.len() + 2;
                count > half
            })
            .map(|p| p + 1)
            .unwrap_or(HELP.len())
            .min(HELP.len());
        vec![
            group_lines(&HELP[..split], key_width, theme),
            group_lines(&HELP[split..], key_width, theme),
        ]
    } else {
        vec![one]
    };
    let tallest = columns.iter().map(Vec::len).max().unwrap_or(0);
    let width = ((column_width + 1) * columns.len() + 2).min(area.width as usize) as u16;
    let height = (tallest as u16 + 4).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
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

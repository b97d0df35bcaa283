//! The help overlay: every key, from the keymap's own table.
//!
//! Owns: the overlay's box and layout. Does not own: the bindings (`app::keymap::HELP`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::keymap::HELP;

pub fn render(frame: &mut Frame, area: Rect, theme: &Theme) {
    let key_width = HELP
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(|(k, _)| k.chars().count()))
        .max()
        .unwrap_or(10);
    let mut lines = Vec::new();
    for (i, (group, keys)) in HELP.iter().enumerate() {
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
    lines.push(Line::default());
    lines.push(Line::from(Span::styled("Esc closes this help", theme.muted)));
    let content_width = HELP
        .iter()
        .flat_map(|(_, keys)| keys.iter().map(|(_, w)| w.chars().count()))
        .max()
        .unwrap_or(30)
        + key_width
        + 6;
    let width = (content_width as u16 + 2).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let popup = Rect::new(
        area.x + (area.width - width) / 2,
        area.y + (area.height - height) / 2,
        width,
        height,
    );
    frame.render_widget(Clear, popup);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border)
        .title(" Keys ");
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}

//! Instructions on screen: the muted line under a pane's title that says what a thread
//! is told besides its prompts, and the popup they are edited in (Alt+I).
//!
//! Owns: both drawings. Instructions are the user's own text, kept in the history (a
//! file that may have been edited), so they are cleaned here like any text drawn.
//! Does not own: the popup's state or keys (`app::instructions`, `update::instructions`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use super::theme::Theme;
use super::wrap::ellipsize;
use crate::app::instructions::InstructionsEdit;
use crate::sanitize::clean_line;

/// The popup's keys, on its bottom border.
const KEYS: &str = " Enter keeps · Shift+Enter new line · Ctrl+E $EDITOR · Esc cancels ";

/// The line that shows `instructions` (when set, and when the pane has room for text
/// under it) as the first row of `inner`, or `None`.
pub fn header(inner: Rect, instructions: Option<&str>, theme: &Theme) -> Option<Line<'static>> {
    let text = instructions.filter(|t| !t.trim().is_empty())?;
    if inner.height < 3 || inner.width == 0 {
        return None;
    }
    // One line: the first line of the text, and a mark when there is more.
    let cleaned = clean_line(&text.trim().replace('\n', " ⏎ "));
    let line = ellipsize(&format!("✎ {cleaned}"), usize::from(inner.width));
    Some(Line::from(Span::styled(line, theme.muted)))
}

/// The popup, centred over `area`.
pub fn popup(frame: &mut Frame, area: Rect, edit: &InstructionsEdit, theme: &Theme) {
    let width = area.width.saturating_sub(8).clamp(20, 72).min(area.width);
    let height = 9.min(area.height);
    let rect = super::paint::popup(frame.buffer_mut(), area, width, height);
    let title = if edit.is_comparison() {
        format!(" Instructions for all {} columns ", edit.keys.len())
    } else {
        " Instructions for this thread ".to_owned()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border)
        .title(Span::styled(title, theme.persona))
        .title_bottom(Span::styled(KEYS, theme.muted));
    let inner = block.inner(rect);
    frame.render_widget(block, rect);
    if inner.width == 0 || inner.height == 0 {
        return;
    }
    frame.render_widget(
        Paragraph::new(Span::styled(
            "Sent with every request, after the persona's prompt (blank: none):",
            theme.muted,
        )),
        Rect::new(inner.x, inner.y, inner.width, 1),
    );
    let editor = Rect::new(inner.x, inner.y + 1, inner.width, inner.height.saturating_sub(1));
    frame.render_widget(edit.editor.editor(), editor);
}

//! The presenter layout's own parts (F5, `--present`): the heading with the last prompt,
//! the one-row composer and the status bar that keeps only the tally.
//!
//! Owns: which prompt is the heading (the latest sent to the thread or the columns on
//! screen; before any, who is being asked), its wrapping to at most two lines with an
//! ellipsis, and the wording of those two rows. Does not own: where they go
//! (`app::layout::presenting`), the threads' drawing without borders
//! (`conversation::render_thread`), or the tally's figures (`status::tally`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use super::wrap::{ellipsize, line_width, sanitize, wrap_spans};
use crate::app::state::AppState;
use crate::app::thread::Author;

/// Lines of the heading at most; a longer prompt ends in an ellipsis.
const HEADING_LINES: usize = 2;

/// The prompt last sent to what is on screen, if any.
pub fn last_prompt(state: &AppState) -> Option<&str> {
    state
        .send_keys()
        .iter()
        .filter_map(|key| state.threads.get(key))
        .filter_map(|t| t.messages.iter().rev().find(|m| m.author == Author::User))
        .max_by_key(|m| m.id)
        .map(|m| m.text.as_str())
}

/// Draws the heading: the last prompt in bold, or whom a prompt will go to.
pub fn heading(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let width = area.width.saturating_sub(2);
    let lines = match last_prompt(state) {
        Some(prompt) => heading_lines(&sanitize(prompt, ' '), width, theme),
        None => vec![Line::from(Span::styled(audience(state), theme.muted))],
    };
    let rows = usize::from(area.height).min(HEADING_LINES);
    let lines: Vec<Line> = lines.into_iter().take(rows).collect();
    let inner = Rect::new(area.x + 1, area.y, width, area.height);
    frame.render_widget(Paragraph::new(lines), inner);
}

/// The prompt wrapped to `width`, cut to two lines with an ellipsis.
fn heading_lines(prompt: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    let style = theme.heading(1);
    let mut lines = wrap_spans(
        &[Span::styled(prompt.trim().to_owned(), style)],
        width,
        vec![],
        vec![],
    );
    if lines.len() > HEADING_LINES {
        lines.truncate(HEADING_LINES);
        if let Some(last) = lines.last_mut() {
            let text: String = last.spans.iter().map(|s| s.content.as_ref()).collect();
            let text = text.trim_end();
            let cut = if line_width(&Line::raw(text)) < usize::from(width) {
                format!("{text}…")
            } else {
                // Cut short of the width, so the ellipsis always shows.
                ellipsize(text, usize::from(width).saturating_sub(1))
            };
            *last = Line::from(Span::styled(cut, style));
        }
    }
    lines
}

/// Whom the next prompt goes to: the compared personas, or the selected one.
fn audience(state: &AppState) -> String {
    let names: Vec<String> = state
        .send_keys()
        .iter()
        .map(|key| state.persona_label(key))
        .filter(|name| !name.is_empty())
        .collect();
    if names.is_empty() {
        "Pick a persona to ask".to_owned()
    } else {
        format!("Asking {}", names.join(" · "))
    }
}

/// The composer in one row: a prompt mark and the editor (its cursor row).
pub fn composer(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    if area.width < 3 || area.height == 0 {
        return;
    }
    frame.render_widget(
        Paragraph::new(Span::styled("›", theme.muted)),
        Rect::new(area.x + 1, area.y, 1, 1),
    );
    let editor = Rect::new(area.x + 3, area.y, area.width - 3, 1);
    frame.render_widget(state.composer.editor(), editor);
}

/// The status bar's text: the session's tally, or a question that waits for an answer.
pub fn status(state: &AppState, theme: &Theme, width: u16) -> Line<'static> {
    let text = match super::status::quit_question(state) {
        Some(question) => question,
        None => super::status::tally(state),
    };
    let text = ellipsize(&format!(" {text}"), usize::from(width));
    Line::from(Span::styled(text, theme.status_bar))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn a_long_prompt_is_cut_to_two_lines_with_an_ellipsis() {
        let theme = Theme::no_color();
        let long = "Would you pay for a running shoe subscription that ships a new pair every season";
        let lines = text(&heading_lines(long, 30, &theme));
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(lines[1].ends_with('…'), "{lines:?}");
        assert!(lines.iter().all(|l| l.chars().count() <= 30), "{lines:?}");
        let short = text(&heading_lines("Pricing?", 30, &theme));
        assert_eq!(short, ["Pricing?"]);
    }
}

//! Drawing the dialogs (`app::dialog`): the image prompt with the chips of what is
//! attached, and the custom persona form with its 300-credit confirmation. Also the
//! chips' wording, which the composer's title shows too.
//!
//! Owns: the popups' layout and wording. Does not own: their state or keys (`app`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::dialog::{Dialog, PersonaForm, FIELDS};
use crate::app::state::AppState;
use crate::sanitize::clean_line;

/// The chips of the attached images: `[▣ chart.png · PNG · 2×3 · 33 B]`.
pub fn chips(state: &AppState) -> Vec<String> {
    state
        .attachments
        .iter()
        .map(|a| format!("[▣ {}]", clean_line(&a.label())))
        .collect()
}

pub fn render(frame: &mut Frame, area: Rect, state: &AppState, theme: &Theme) {
    let Some(dialog) = &state.dialog else {
        return;
    };
    let (title, lines, footer) = match dialog {
        Dialog::Image { text } => image(state, text, theme),
        Dialog::Persona(form) => persona(state, form, theme),
    };
    let width = area.width.min(72);
    // Long lines wrap: the box grows with them.
    let inner = usize::from(width.saturating_sub(2)).max(1);
    let rows: usize = lines.iter().map(|l| l.width().div_ceil(inner).max(1)).sum();
    let height = (rows as u16 + 2).min(area.height);
    let popup = super::paint::popup(frame.buffer_mut(), area, width, height);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.focus_border)
        .title(title)
        .title_bottom(Span::styled(footer, theme.muted));
    frame.render_widget(
        Paragraph::new(lines).block(block).wrap(Wrap { trim: false }),
        popup,
    );
}

type Parts = (&'static str, Vec<Line<'static>>, &'static str);

fn image(state: &AppState, text: &str, theme: &Theme) -> Parts {
    let mut lines = vec![
        Line::from(Span::styled(
            "A PNG, JPEG, GIF or WebP file (≤ 20 MB), or an http(s) URL:",
            theme.muted,
        )),
        Line::from(vec![
            Span::styled("› ", theme.persona),
            Span::raw(clean_line(text)),
            Span::raw("▏"),
        ]),
    ];
    let chips = chips(state);
    if chips.is_empty() {
        lines.push(Line::from(Span::styled("nothing attached yet", theme.muted)));
    } else {
        lines.extend(
            chips
                .into_iter()
                .map(|c| Line::from(Span::styled(c, theme.persona))),
        );
    }
    (
        " Attach images ",
        lines,
        " Enter adds · Backspace on empty removes the last · Esc closes ",
    )
}

fn persona(state: &AppState, form: &PersonaForm, theme: &Theme) -> Parts {
    let title = if form.editing.is_some() {
        " Edit custom persona "
    } else {
        " New custom persona (north_star) "
    };
    let mut lines = Vec::new();
    for (i, label) in FIELDS.iter().enumerate().take(form.field_count()) {
        let active = i == form.field && !form.confirming && !form.sending;
        let marker = if active { "▸ " } else { "  " };
        let mut spans = vec![
            Span::styled(
                format!("{marker}{label}: "),
                if active { theme.persona } else { theme.muted },
            ),
            Span::styled(clean_line(&form.values[i]), theme.text),
        ];
        if active {
            spans.push(Span::raw("▏"));
        }
        lines.push(Line::from(spans));
    }
    if let Some(error) = &form.error {
        lines.push(Line::from(Span::styled(clean_line(error), theme.error)));
    }
    let footer = if form.sending {
        lines.push(Line::from(Span::styled("saving…", theme.muted)));
        " waiting for the server · Esc hides "
    } else if form.confirming {
        lines.push(Line::from(Span::styled(
            form.question(state.credits.balance),
            theme.warning,
        )));
        lines.push(Line::from(Span::styled("Spend them? y / n", theme.warning)));
        " y spends the credits · n or Esc cancels "
    } else if form.editing.is_some() {
        " Tab next field · Enter saves · Esc cancels "
    } else {
        lines.push(Line::from(Span::styled(
            "Creating a persona costs 300 credits: you confirm first.",
            theme.muted,
        )));
        " Tab next field · Enter on the last goes on · Esc cancels "
    };
    (title, lines, footer)
}

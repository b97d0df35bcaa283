//! The conversation pane: the thread with the selected persona.
//!
//! Owns: the message layout (a header naming who speaks and the answer's state, the
//! body, the footer, a blank line), the scroll window (follow the bottom, or stay at an
//! anchored top line), and drawing only the visible lines. Reports what it measured so
//! the reducer can scroll exactly. Does not own: wrapping (`cache`, `markdown`).

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::align::Aligned;
use super::cache::ViewCache;
use super::retain::Retained;
use super::theme::Theme;
use super::words;
use super::Measure;
use crate::app::state::AppState;
use crate::app::thread::{Author, Message};
use crate::catalog::PersonaEntry;

/// One thread drawn in one box.
pub struct ThreadView<'a> {
    /// The thread's key in `AppState::threads`.
    pub key: &'a str,
    pub persona: Option<&'a PersonaEntry>,
    pub focused: bool,
    /// A line for the bottom border (the column's answer state in the compare view).
    pub footer: Option<Line<'static>>,
    /// The latest answer's card lined up with the other columns' (`align`).
    pub align: Option<Aligned>,
}

/// The conversation with the selected persona.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    cache: &mut ViewCache,
    kept: &mut Retained,
    theme: &Theme,
    focused: bool,
) -> Measure {
    let key = state.thread_key();
    let view = ThreadView {
        key: &key,
        persona: state.personas.selected_entry(),
        focused,
        footer: None,
        align: None,
    };
    render_thread(frame, area, state, view, cache, kept, theme)
}

/// Draws one thread: a box titled with its persona, the visible window of messages.
/// Each row is kept when the last frame painted the same line there (`retain`): while a
/// model streams, a frame paints the row or two the new words reach.
pub fn render_thread(
    frame: &mut Frame,
    area: Rect,
    state: &AppState,
    view: ThreadView,
    cache: &mut ViewCache,
    kept: &mut Retained,
    theme: &Theme,
) -> Measure {
    let persona = view.persona;
    let title = match persona {
        // Presenting: the name alone, so that it fits a narrow column; with no border to
        // show it, a focused column (1–6) is marked.
        Some(p) if state.presenter && view.focused && state.compare.column.is_some() => {
            format!("▸ {}", p.label())
        }
        Some(p) if state.presenter => p.label().to_owned(),
        Some(p) if p.category.is_empty() => format!(" {} ", p.label()),
        Some(p) => format!(" {} · {} ", p.label(), p.category),
        None => " Conversation ".to_owned(),
    };
    let border = if view.focused {
        theme.focus_border
    } else {
        theme.border
    };
    let title = Line::from(Span::styled(title, theme.persona));
    let area = area.intersection(frame.area());
    let framed = if state.presenter {
        bare(area)
    } else {
        super::paint::inner(area)
    };
    let thread = state.threads.get(view.key);
    let instructions =
        super::instructions::header(framed, thread.and_then(|t| t.instructions.as_deref()), theme);
    // The messages' rows: under the instructions' line, when there is one.
    let inner = Rect {
        y: framed.y + u16::from(instructions.is_some()),
        height: framed.height - u16::from(instructions.is_some()),
        ..framed
    };
    let (width, height) = (inner.width, inner.height as usize);
    let measure = |total_lines| Measure {
        thread: view.key.to_owned(),
        total_lines,
        viewport: height,
        landed: None,
    };
    // The pane's frame and the instructions' line, once the badge under the messages is
    // known (`badge`: none until then).
    let edges = |frame: &mut Frame, kept: &mut Retained, badge: Option<Line<'static>>| {
        let buf = frame.buffer_mut();
        if state.presenter {
            bare_edges(buf, kept, area, &title);
        } else {
            kept.pane(buf, area, border, &title, view.footer.as_ref(), badge.as_ref());
        }
        let row = Rect {
            height: framed.height.min(1),
            ..framed
        };
        if instructions.is_some() && kept.repaint(buf, row, &instructions) {
            super::paint::lines(buf, row, instructions.as_slice());
        }
    };
    if width == 0 || height == 0 {
        edges(frame, kept, None);
        return measure(0);
    }
    let messages: &[Message] = thread.map(|t| t.messages.as_slice()).unwrap_or(&[]);
    if messages.is_empty() {
        edges(frame, kept, None);
        let intro = empty_state(state, persona, theme);
        if kept.repaint(frame.buffer_mut(), inner, &intro) {
            frame.render_widget(Paragraph::new(intro).wrap(Wrap { trim: false }), inner);
        }
        return measure(0);
    }
    let name = persona
        .map(|p| p.label().to_owned())
        .unwrap_or_else(|| "Assistant".into());

    // Heights (header + body + blank): exact where laid out, estimated elsewhere. Only
    // the messages in the window are laid out; that can move the window, so settle it.
    let scroll = thread.map(|t| t.scroll).unwrap_or_default();
    let landing = thread.and_then(|t| t.landing.as_ref()).and_then(|l| {
        Some((
            messages.iter().position(|m| m.id == l.message)?,
            l.words.as_slice(),
        ))
    });
    let align = view.align.as_ref();
    let aligned = |m: &Message| align.filter(|a| a.message == m.id);
    let (mut heights, mut exact): (Vec<usize>, Vec<bool>) = messages
        .iter()
        .map(|m| match aligned(m) {
            // Laid out on the grid, with the rows that line it up.
            Some(a) => {
                let h = cache.lines_on(m, width, theme, Some(&a.grid)).len();
                (2 + h + a.before + a.after, true)
            }
            None => {
                let (h, is_exact) = cache.height(m, width);
                (2 + h, is_exact)
            }
        })
        .unzip();
    let (mut total, mut top) = (0, 0);
    for _ in 0..8 {
        total = heights.iter().sum::<usize>().saturating_sub(1); // no blank after the last
        top = scroll.top(total, height);
        // The prompt being edited is brought into view (its header at the top), so the
        // one Enter resends is the one the user sees marked.
        let edited = messages
            .iter()
            .position(|m| state.is_edited(m.id))
            .map(|i| heights.iter().take(i).sum::<usize>());
        if let Some(at) = edited.filter(|at| *at < top || *at >= top + height) {
            top = at.min(total.saturating_sub(height));
        }
        if let Some((index, words)) = landing {
            let start: usize = heights.iter().take(index).sum();
            let within = messages.get(index).map_or(0, |m| {
                let body = cache.lines_on(m, width, theme, aligned(m).map(|a| &*a.grid));
                body.iter().position(|line| holds_any(line, words)).unwrap_or(0)
            });
            top = (start + 1 + within)
                .saturating_sub(height / 3)
                .min(total.saturating_sub(height));
        }
        let mut settled = true;
        let mut line_no = 0;
        for (i, m) in messages.iter().enumerate() {
            let h = heights.get(i).copied().unwrap_or(2);
            if line_no + h > top && line_no < top + height && !exact.get(i).copied().unwrap_or(true) {
                let laid = 2 + cache.lines(m, width, theme).len();
                settled &= laid == h;
                if let (Some(slot), Some(e)) = (heights.get_mut(i), exact.get_mut(i)) {
                    *slot = laid;
                    *e = true;
                }
            }
            line_no += h;
        }
        if settled {
            break;
        }
    }
    let bottom_top = total.saturating_sub(height);
    let badge = (top < bottom_top).then(|| {
        Line::from(Span::styled(
            format!(" ↓ {} more ", bottom_top - top),
            theme.badge,
        ))
    });
    edges(frame, kept, badge);

    // Each visible row is painted straight from the layout cache, when it shows a line
    // other than the one the last frame painted there.
    let buf = frame.buffer_mut();
    let mut rows = (inner.top()..inner.bottom()).map(|y| Rect {
        y,
        height: 1,
        ..inner
    });
    let mut line_no = 0usize;
    for (message, h) in messages.iter().zip(&heights) {
        if line_no + h <= top {
            line_no += h;
            continue;
        }
        if line_no >= top + height {
            break;
        }
        // Only the visible part of a message is painted: a long answer costs its window.
        let from = top.saturating_sub(line_no);
        let to = (top + height - line_no).min(*h);
        let lined_up = aligned(message);
        let card_at = lined_up.and_then(|_| cache.card_at(message.id));
        let body = cache.lines_on(message, width, theme, lined_up.map(|a| &*a.grid));
        for local in from..to {
            let Some(row) = rows.next() else { break };
            let head;
            let line = if local == 0 {
                head = header(message, state, &name, theme);
                Some(&head)
            } else if local + 1 < *h {
                body_line(local - 1, card_at, lined_up.map_or(0, |a| a.before)).and_then(|i| body.get(i))
            } else {
                None
            };
            if kept.repaint(buf, row, &line) {
                if let Some(line) = line {
                    super::paint::line(buf, row, row.y, line);
                }
            }
        }
        line_no += h;
    }
    // Rows under the last message.
    for row in rows {
        kept.repaint(buf, row, &None::<&Line>);
    }
    Measure {
        landed: landing.map(|_| top),
        ..measure(total)
    }
}

/// The presenter layout's pane: no borders, the title on the top row, a cell of margin
/// either side; the area below.
fn bare(area: Rect) -> Rect {
    Rect {
        x: area.x + area.width.min(1),
        y: area.y + area.height.min(1),
        width: area.width.saturating_sub(2),
        height: area.height.saturating_sub(1),
    }
}

/// Draws the presenter layout's pane around `bare(area)`: the title, and the margins
/// blank.
fn bare_edges(buf: &mut ratatui::buffer::Buffer, kept: &mut Retained, area: Rect, title: &Line<'_>) {
    let inner = bare(area);
    let top = Rect::new(inner.x, area.y, inner.width, area.height.min(1));
    if kept.repaint(buf, top, title) {
        super::paint::lines(buf, top, std::slice::from_ref(title));
    }
    for x in [area.left(), inner.right()] {
        let margin = Rect::new(x, area.y, area.right().saturating_sub(x).min(1), area.height);
        kept.repaint(buf, margin, &"margin");
    }
}

/// The body line shown at row `row` of a message's body when `before` blank rows go in
/// at `card_at` (a card lined up with other columns'); `None` for a blank row.
fn body_line(row: usize, card_at: Option<usize>, before: usize) -> Option<usize> {
    match card_at {
        Some(at) if row >= at && row < at + before => None,
        Some(at) if row >= at => Some(row - before),
        _ => Some(row),
    }
}

/// Whether a laid-out line holds any of `words` (lower case), ignoring case.
fn holds_any(line: &Line<'_>, words: &[String]) -> bool {
    let text: String = line
        .spans
        .iter()
        .map(|s| s.content.as_ref())
        .collect::<String>()
        .to_lowercase();
    words.iter().any(|w| text.contains(w.as_str()))
}

/// "You", or the persona's name with the answer's live state.
fn header(message: &Message, state: &AppState, name: &str, theme: &Theme) -> Line<'static> {
    if message.author == Author::User && state.is_edited(message.id) {
        // The prompt being edited: the one Enter resends in place of (the thread forks).
        return Line::from(vec![
            Span::styled("▌You", theme.user_label),
            Span::styled(" ✎ editing: Enter resends from here, Esc cancels", theme.badge),
        ]);
    }
    if message.author == Author::User {
        return Line::from(Span::styled("▌You", theme.user_label));
    }
    let mut spans = vec![Span::styled(format!("▌{name}"), theme.assistant_label)];
    if message.status.is_live() {
        let rate = state
            .streams
            .values()
            .find(|s| s.message_id == message.id)
            .and_then(|s| s.tokens_per_sec());
        let said = words::status(&message.status, None, rate, state.now);
        spans.push(Span::styled(
            format!(" {} {}", said.mark, said.full),
            said.tone.style(theme),
        ));
    }
    Line::from(spans)
}

/// " F1 lists every key.", with the help key in use (nothing when none is global).
fn every_key(state: &AppState) -> String {
    state
        .keys
        .help_key()
        .map(|key| format!(" {key} lists every key."))
        .unwrap_or_default()
}

/// What an empty thread shows: who you are talking to and how to start.
fn empty_state(state: &AppState, persona: Option<&PersonaEntry>, theme: &Theme) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    match persona {
        Some(p) => {
            lines.push(Line::from(Span::styled(p.label().to_owned(), theme.persona)));
            if !p.description.is_empty() {
                lines.push(Line::from(Span::styled(p.description.clone(), theme.muted)));
            }
            lines.push(Line::default());
            lines.push(Line::from(Span::styled(
                format!("Type a question below and press Enter.{}", every_key(state)),
                theme.text,
            )));
        }
        None => {
            lines.push(Line::from(Span::styled("Pick a persona", theme.persona)));
            lines.push(Line::from(Span::styled(
                format!(
                    "Choose an audience in the list (↑ ↓, Enter), then ask it anything.{}",
                    every_key(state)
                ),
                theme.muted,
            )));
        }
    }
    if state.connection.demo {
        lines.push(Line::default());
        lines.push(Line::from(Span::styled(
            "DEMO: answers come from the built-in simulator. Set MAVERA_API_KEY to use your account.",
            theme.warning,
        )));
    }
    lines
}

//! The status bar: connection, model, persona, state, last answer's cost, the session's
//! running credit tally, and the balance — or a notice, which takes the place of the
//! less important parts — and, while the server's rate-limit window is nearly used up,
//! how many requests it has left and when it resets; replaying a recording, whether the
//! last answer was the recorded one or the simulator's. Segments are dropped by priority
//! when the terminal is narrow.
//!
//! Quitting while answers stream asks first, here (`quit_question`), in place of the
//! notice. A session without its history (the database could not be opened) says so for
//! as long as it runs.
//!
//! Owns: the wording and the order. Does not own: the numbers (state).

use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;
use unicode_width::UnicodeWidthStr;

use super::theme::Theme;
use super::words;
use crate::app::state::{AppState, Severity};
use crate::recording::{ReplyOrigin, REPLAY_LABEL};

struct Segment {
    text: String,
    style: Style,
    /// Lower is more important: kept longest.
    priority: u8,
}

/// Draws `line` as the status bar in `area`.
pub fn render(frame: &mut Frame, area: Rect, line: Line<'static>, theme: &Theme) {
    frame.render_widget(Paragraph::new(line).style(theme.status_bar), area);
}

/// The status bar's text for a bar `width` cells wide.
pub fn line(state: &AppState, theme: &Theme, width: u16) -> Line<'static> {
    let mut segs = segments(state, theme);
    let width = usize::from(width);
    let used = |segs: &[Segment]| segs.iter().map(|s| s.text.width() + 1).sum::<usize>();
    // Drop the least important segments (never the badge, the notice or the tally)...
    while used(&segs) > width {
        let droppable = segs
            .iter()
            .enumerate()
            .filter(|(_, s)| s.priority > 3)
            .max_by_key(|(i, s)| (s.priority, *i))
            .map(|(i, _)| i);
        match droppable {
            Some(i) => {
                segs.remove(i);
            }
            None => break,
        }
    }
    // ...then shorten the longest remaining one (a long notice) to fit.
    let over = used(&segs).saturating_sub(width);
    if over > 0 {
        if let Some(longest) = segs.iter_mut().max_by_key(|s| s.text.width()) {
            let keep = longest.text.width().saturating_sub(over);
            longest.text = super::wrap::ellipsize(&longest.text, keep);
        }
    }
    let mut spans = Vec::new();
    for (i, s) in segs.into_iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" ", theme.status_bar));
        }
        spans.push(Span::styled(s.text, s.style));
    }
    Line::from(spans)
}

fn segments(state: &AppState, theme: &Theme) -> Vec<Segment> {
    let seg = |text: String, style: Style, priority: u8| Segment {
        text,
        style,
        priority,
    };
    let mut v = Vec::new();
    // A replay runs on the simulator too, and says it is a replay.
    let badge = if state.connection.demo && state.connection.label != REPLAY_LABEL {
        " DEMO ".to_owned()
    } else {
        format!(" {} ", state.connection.label)
    };
    v.push(seg(badge, theme.badge, 1));
    if state.analysis_mode {
        // Never dropped: it says what every answer will cost and carry.
        v.push(seg(" ANALYSIS ".to_owned(), theme.badge, 1));
    }
    v.push(seg(state.connection.model.clone(), theme.status_bar, 6));
    if state.compare.active() {
        let n = state.compare.marked.len();
        v.push(seg(
            format!("· comparing {n}"),
            theme.status_bar.patch(theme.persona),
            4,
        ));
    } else if let Some(p) = state.personas.selected_entry() {
        v.push(seg(
            format!("· {}", p.label()),
            theme.status_bar.patch(theme.persona),
            4,
        ));
    }
    if let Some(name) = &state.compare.naming {
        v.push(seg(
            format!("· save panel as: {name}▏ (Enter saves, Esc cancels)"),
            theme.status_bar.patch(theme.warning),
            0,
        ));
        return v;
    }
    if let Some(question) = quit_question(state) {
        v.push(seg(
            format!("· {question}"),
            theme.status_bar.patch(theme.warning),
            0,
        ));
        return v;
    }
    match &state.notice {
        Some(n) => {
            let style = match n.severity {
                Severity::Info => theme.status_bar,
                Severity::Warning => theme.status_bar.patch(theme.warning),
                Severity::Error => theme.status_bar.patch(theme.error),
            };
            v.push(seg(format!("· {}", n.text), style, 0));
        }
        None if state.compare.active() => v.push(seg(
            format!("· {}", comparison_activity(state)),
            theme.status_bar,
            2,
        )),
        None => v.push(seg(format!("· {}", activity(state)), theme.status_bar, 2)),
    }
    if let Some(origin) = state.last_answer.origin {
        // A replay: the presenter must see whether the answer is the recorded one.
        let (text, style) = match origin {
            ReplyOrigin::Recorded => ("· replayed from recording", theme.status_bar.patch(theme.success)),
            ReplyOrigin::Simulated => (
                "· simulated (not in recording)",
                theme.status_bar.patch(theme.warning),
            ),
        };
        v.push(seg(text.to_owned(), style, 2));
    }
    if let Some(left) = state.requests_left() {
        let resets_in = left
            .resets_at
            .map(|at| at.saturating_sub(state.now).div_ceil(1000));
        // Droppable rather than shortened: a count cut short ("3 of 12…") would lie.
        v.push(seg(
            format!(
                "· {}",
                words::requests_left(left.remaining, left.limit, resets_in)
            ),
            theme.status_bar.patch(theme.warning),
            4,
        ));
    }
    if state.history.unavailable.is_some() {
        // For the whole session (the notice that said why gives way to later ones).
        v.push(seg(
            format!("· {}", words::NO_HISTORY),
            theme.status_bar.patch(theme.warning),
            5,
        ));
    }
    if let Some(last) = last_cost(state) {
        // The comparison's round is its running total: kept as long as the tally is.
        let priority = if state.compare.active() { 3 } else { 5 };
        v.push(seg(format!("· {last}"), theme.status_bar, priority));
    }
    let c = &state.credits;
    v.push(seg(
        format!("· {}", session(state)),
        theme.status_bar.patch(theme.success),
        3,
    ));
    if let Some(budget) = state.account.budget {
        // The budget holds the session's sends back: kept as long as the tally is.
        v.push(seg(
            format!(
                "· {}",
                super::balance::budget(&words::total(c.total()), budget.limit)
            ),
            theme.status_bar,
            3,
        ));
    }
    if let Some(balance) = c.balance {
        let style = if state.account.low(balance) {
            theme.status_bar.patch(theme.warning)
        } else {
            theme.status_bar
        };
        v.push(seg(
            format!("· {}", super::balance::remaining(balance, state.account.included)),
            style,
            7,
        ));
    }
    if let Some(key) = state.keys.help_key() {
        v.push(seg(
            format!("· {key} help"),
            theme.status_bar.patch(theme.muted),
            8,
        ));
    }
    v
}

/// What the session's answers cost so far: "session 12 cr".
pub fn session(state: &AppState) -> String {
    format!("session {} cr", words::total(state.credits.total()))
}

/// What the last prompt cost: the comparison's round ("last prompt 6 cr"), else the last
/// answer's tokens and credits ("last 163 tok 2 cr").
pub fn last_cost(state: &AppState) -> Option<String> {
    if state.compare.active() {
        return (!state.compare.round.messages.is_empty())
            .then(|| format!("last prompt {} cr", words::total(state.compare.round.total())));
    }
    let usage = state.last_answer.usage.as_ref()?;
    let (tokens, credits) = (words::tokens_used(Some(usage)), words::credits_used(Some(usage)));
    Some(format!("last {tokens} tok {credits} cr"))
}

/// The tally alone, as the presenter layout shows it: the last prompt's cost and the
/// session's.
pub fn tally(state: &AppState) -> String {
    match last_cost(state) {
        Some(last) => format!("{last} · {}", session(state)),
        None => session(state),
    }
}

/// The question the first Ctrl+Q asks while answers stream, if it is pending.
pub fn quit_question(state: &AppState) -> Option<String> {
    if !state.confirm_quit {
        return None;
    }
    Some(match state.streams.len() {
        1 => "1 answer is streaming: Ctrl+Q again quits, Esc keeps it".to_owned(),
        n => format!("{n} answers are streaming: Ctrl+Q again quits, Esc keeps them"),
    })
}

/// What the comparison is doing: how many answers stream, or what Enter will cost.
fn comparison_activity(state: &AppState) -> String {
    let n = state.compare.marked.len();
    let live = state
        .streams
        .values()
        .filter(|s| state.compare.is_marked(&s.persona_id))
        .count();
    if live > 0 {
        let tps: f64 = state
            .streams
            .values()
            .filter_map(|s| s.tokens_per_sec())
            .fold(0.0, |a, b| a + b);
        return if tps >= 1.0 {
            format!("{live} of {n} streaming · {tps:.0} tok/s")
        } else {
            format!("{live} of {n} streaming")
        };
    }
    if state.composer.is_blank() {
        return format!("idle · Enter asks all {n}");
    }
    // An estimate from this session's answers, where there are any.
    let c = &state.credits.sum;
    let reported = c.answers.saturating_sub(c.unreported);
    match (reported > 0).then(|| c.spent / f64::from(reported)) {
        Some(avg) => format!(
            "Enter makes {n} requests (~{} cr)",
            words::credits((avg * n as f64).round())
        ),
        None => format!("Enter makes {n} requests"),
    }
}

/// What the thread on screen is doing.
fn activity(state: &AppState) -> String {
    let others = state
        .streams
        .len()
        .saturating_sub(usize::from(state.current_stream().is_some()));
    let background = if others > 0 {
        format!(" (+{others} elsewhere)")
    } else {
        String::new()
    };
    let Some((_, stream)) = state.current_stream() else {
        return if others > 0 {
            format!("idle{background}")
        } else {
            "idle".into()
        };
    };
    let said = state
        .thread()
        .and_then(|t| t.message(stream.message_id))
        .map(|m| words::status(&m.status, None, stream.tokens_per_sec(), state.now));
    match said {
        Some(said) => format!("{} {}{background}", said.mark, said.brief),
        None => format!("idle{background}"),
    }
}

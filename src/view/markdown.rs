//! Renders an assistant's markdown into styled, wrapped terminal lines.
//!
//! Owns: the mapping of CommonMark (+ tables, strikethrough, task lists) to lines for one
//! width and theme, and — in `stable` — where a streaming text can be split so that the
//! part before never re-lays-out. Invariants: top-level blocks are rendered
//! independently and joined by exactly one blank line (`Line::default()`), with no blank
//! line at either end, so `render(a ++ b) == render(a) ++ [blank] ++ render(b)` at every
//! [`stable_prefix_len`] boundary; no line is wider than `width`; no control character
//! reaches a span. Does not own: caching (the conversation view's cache), sanitising
//! escape sequences (done where remote text enters state), table layout (`table`).
//!
//! One deliberate departure from CommonMark: link reference definitions (`[x]: /url`)
//! are shown as written and never resolve, since a definition arriving later in a stream
//! would otherwise rewrite lines already committed above it.
#![deny(clippy::indexing_slicing)]

mod blocks;
mod renderer;
mod stable;
#[cfg(test)]
mod tests;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use ratatui::text::Line;

use super::theme::Theme;
use renderer::Renderer;

pub use stable::{stable_prefix_len, stable_prefix_len_from};

pub(super) const BULLETS: [&str; 3] = ["• ", "◦ ", "▪ "];
pub(super) const QUOTE_BAR: &str = "▎ ";
pub(super) const CODE_GUTTER: &str = "│ ";

/// The markdown dialect: CommonMark plus GFM tables, strikethrough and task lists.
fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

/// Renders `text` into lines of at most `width` columns.
pub fn render(text: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    if width == 0 || text.trim().is_empty() {
        return Vec::new();
    }
    let parser = Parser::new_ext(text, options());
    if parser.reference_definitions().iter().next().is_none() {
        return Renderer::new(width, theme).run(parser.collect());
    }
    let neutral = stable::neutralize(text);
    Renderer::new(width, theme).run(Parser::new_ext(&neutral.text, options()).collect())
}

/// What the pre-pass learns about each list, in the order lists start.
#[derive(Debug, Clone, Copy, Default)]
struct ListPlan {
    items: u64,
    loose: bool,
}

/// Counts items (to right-align numbers) and finds loose lists (blank lines between
/// items) before rendering, since both are known only at a list's end.
fn plan_lists(events: &[Event<'_>]) -> Vec<ListPlan> {
    let mut plans: Vec<ListPlan> = Vec::new();
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut depth = 0usize;
    for event in events {
        match event {
            Event::Start(tag) => {
                let parent = open.last().copied();
                match tag {
                    Tag::List(_) => {
                        open.push((plans.len(), depth));
                        plans.push(ListPlan::default());
                    }
                    Tag::Item => {
                        if let Some(plan) = parent
                            .filter(|p| p.1 + 1 == depth)
                            .and_then(|p| plans.get_mut(p.0))
                        {
                            plan.items += 1;
                        }
                    }
                    Tag::Paragraph => {
                        if let Some(plan) = parent
                            .filter(|p| p.1 + 2 == depth)
                            .and_then(|p| plans.get_mut(p.0))
                        {
                            plan.loose = true;
                        }
                    }
                    _ => {}
                }
                depth += 1;
            }
            Event::End(end) => {
                depth = depth.saturating_sub(1);
                if matches!(end, TagEnd::List(_)) {
                    open.pop();
                }
            }
            _ => {}
        }
    }
    plans
}

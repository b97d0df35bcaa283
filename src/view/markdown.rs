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
//!
//! Inside, each module uses only those below it: `open` lays a streaming paragraph out
//! in pieces; `renderer` walks the events and collects each leaf's inline text; `blocks` lays leaves out under their containers' prefixes;
//! `lists` plans every list before it starts; `stable` finds the cut points; `dialect`
//! is the parser's options, shared by rendering and by `stable`.
#![deny(clippy::indexing_slicing)]

mod blocks;
mod dialect;
mod lists;
mod open;
mod renderer;
mod stable;
#[cfg(test)]
mod tests;

use pulldown_cmark::Parser;
use ratatui::text::Line;

use super::highlight::CodeMemo;
use super::theme::Theme;
use dialect::options;
use renderer::Renderer;

pub use open::{Grown, OpenParagraph};
pub use stable::{stable_prefix_len, stable_prefix_len_from};

/// Renders `text` into lines of at most `width` columns.
pub fn render(text: &str, width: u16, theme: &Theme) -> Vec<Line<'static>> {
    render_inner(text, width, theme, None)
}

/// Like [`render`], highlighting code blocks incrementally with the message's `code`
/// memo (`view::highlight`): the lines are the same, the work is not.
pub fn render_with(text: &str, width: u16, theme: &Theme, code: &mut CodeMemo) -> Vec<Line<'static>> {
    render_inner(text, width, theme, Some(code))
}

fn render_inner(text: &str, width: u16, theme: &Theme, code: Option<&mut CodeMemo>) -> Vec<Line<'static>> {
    if width == 0 || text.trim().is_empty() {
        return Vec::new();
    }
    let parser = Parser::new_ext(text, options());
    if parser.reference_definitions().iter().next().is_none() {
        return Renderer::with_code(width, theme, code).run(parser.collect());
    }
    let neutral = stable::neutralize(text);
    Renderer::with_code(width, theme, code).run(Parser::new_ext(&neutral.text, options()).collect())
}

//! The markdown dialect: which pulldown-cmark extensions are on.
//!
//! Owns: that one choice, shared by the renderer and by the search for stable cut points
//! so that both parse a text alike. Does not own: how anything renders (the parent
//! module), nor where a stream may be cut (`stable`).
#![deny(clippy::indexing_slicing)]

use pulldown_cmark::Options;

/// CommonMark plus GFM tables, strikethrough and task lists.
pub(super) fn options() -> Options {
    Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS
}

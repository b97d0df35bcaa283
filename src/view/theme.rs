//! The semantic theme: one `Style` per *role* (muted text, a heading, a focused border),
//! so widgets ask for "the persona label style" instead of scattering colours.
//!
//! Owns: the role list (and each role's name, `roles_mut`, for overrides), the dark colour
//! palette, the colour-free variant that honours `NO_COLOR` (<https://no-color.org>), and
//! choosing among the built-in palettes (`named`; the others are in `palettes`). Does not
//! own: reading the environment or asking the terminal (the caller decides, so this
//! module stays pure and testable), overrides' grammar (`theme_spec`), or deciding where
//! a role is used (that is each view's business).

use ratatui::style::{Color, Modifier, Style};

/// Styles for every role a view may draw. Plain data: cheap to clone, compare in tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Theme {
    /// Ordinary body text.
    pub text: Style,
    /// Secondary text: timestamps, hints, URLs after link text, fence labels.
    pub muted: Style,
    /// The "You" label on user messages.
    pub user_label: Style,
    /// The label on assistant messages.
    pub assistant_label: Style,
    /// A persona's name wherever it appears.
    pub persona: Style,
    /// Markdown heading level 1.
    pub heading1: Style,
    /// Markdown heading level 2.
    pub heading2: Style,
    /// Markdown heading levels 3 to 6.
    pub heading3: Style,
    /// `**strong**`.
    pub strong: Style,
    /// `*emphasis*`.
    pub emphasis: Style,
    /// `~~strikethrough~~`.
    pub strikethrough: Style,
    /// `` `inline code` ``.
    pub code_inline: Style,
    /// The text of fenced and indented code blocks.
    pub code_block: Style,
    /// The gutter and language label that set a code block apart.
    pub code_block_border: Style,
    /// Keywords in a coloured code block (`fn`, `if`, `SELECT`), tags, headings.
    pub code_keyword: Style,
    /// Strings (and raw or inserted text) in a coloured code block.
    pub code_string: Style,
    /// Comments in a coloured code block.
    pub code_comment: Style,
    /// Numbers and constants (`true`, `None`, escapes) in a coloured code block.
    pub code_number: Style,
    /// Function names (and attribute names) in a coloured code block.
    pub code_function: Style,
    /// Type, class and key names in a coloured code block.
    pub code_type: Style,
    /// Operators in a coloured code block.
    pub code_operator: Style,
    /// The bar in front of block quotes.
    pub quote: Style,
    /// List bullets, numbers and task boxes.
    pub list_marker: Style,
    /// Link text.
    pub link: Style,
    /// Box-drawing lines of tables.
    pub table_border: Style,
    /// Table header cells (and the labels of the narrow "header: value" fallback).
    pub table_header: Style,
    /// Horizontal rules.
    pub rule: Style,
    /// Errors (failed requests, a failed message).
    pub error: Style,
    /// Warnings (retrying, rate limited).
    pub warning: Style,
    /// Success (connected, saved).
    pub success: Style,
    /// The border of the focused pane.
    pub focus_border: Style,
    /// The border of unfocused panes.
    pub border: Style,
    /// The status bar line.
    pub status_bar: Style,
    /// Small badges (model name, "streaming", counts).
    pub badge: Style,
    /// Selected rows (sidebar, pickers).
    pub selection: Style,
    /// Whether inline code keeps its backticks. Without colour, a code span would be
    /// indistinguishable from prose; the backticks are the only honest marker left.
    pub mark_inline_code: bool,
}

impl Theme {
    /// Colours for dark terminals. Only the 16 named ANSI colours plus a couple of
    /// 256-colour greys, so the palette follows the user's terminal scheme.
    pub fn default_dark() -> Self {
        let fg = |c: Color| Style::new().fg(c);
        let bold = Modifier::BOLD;
        Self {
            text: Style::new(),
            muted: fg(Color::DarkGray),
            user_label: fg(Color::Cyan).add_modifier(bold),
            assistant_label: fg(Color::Green).add_modifier(bold),
            persona: fg(Color::Magenta).add_modifier(bold),
            heading1: fg(Color::Cyan).add_modifier(bold | Modifier::UNDERLINED),
            heading2: fg(Color::Cyan).add_modifier(bold),
            heading3: fg(Color::Blue).add_modifier(bold),
            strong: Style::new().add_modifier(bold),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            code_inline: fg(Color::Yellow).bg(Color::Indexed(236)),
            code_block: fg(Color::Indexed(250)),
            code_block_border: fg(Color::DarkGray),
            code_keyword: fg(Color::Magenta),
            code_string: fg(Color::Green),
            code_comment: fg(Color::DarkGray).add_modifier(Modifier::ITALIC),
            code_number: fg(Color::Yellow),
            code_function: fg(Color::Blue),
            code_type: fg(Color::Cyan),
            code_operator: fg(Color::Red),
            quote: fg(Color::Green),
            list_marker: fg(Color::Yellow),
            link: fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
            table_border: fg(Color::DarkGray),
            table_header: Style::new().add_modifier(bold),
            rule: fg(Color::DarkGray),
            error: fg(Color::Red).add_modifier(bold),
            warning: fg(Color::Yellow),
            success: fg(Color::Green),
            focus_border: fg(Color::Cyan),
            border: fg(Color::DarkGray),
            status_bar: fg(Color::White).bg(Color::Indexed(236)),
            badge: fg(Color::Black).bg(Color::Cyan),
            selection: Style::new().add_modifier(Modifier::REVERSED),
            mark_inline_code: false,
        }
    }

    /// No colours at all, only modifiers (bold, italic, underline, reversed, dim), as
    /// `NO_COLOR` asks. Roles that colour alone told apart get a modifier instead.
    pub fn no_color() -> Self {
        let m = |m: Modifier| Style::new().add_modifier(m);
        Self {
            text: Style::new(),
            muted: m(Modifier::DIM),
            user_label: m(Modifier::BOLD),
            assistant_label: m(Modifier::BOLD),
            persona: m(Modifier::BOLD | Modifier::ITALIC),
            heading1: m(Modifier::BOLD | Modifier::UNDERLINED),
            heading2: m(Modifier::BOLD),
            heading3: m(Modifier::BOLD | Modifier::ITALIC),
            strong: m(Modifier::BOLD),
            emphasis: m(Modifier::ITALIC),
            strikethrough: m(Modifier::CROSSED_OUT),
            code_inline: Style::new(),
            code_block: Style::new(),
            code_block_border: m(Modifier::DIM),
            code_keyword: m(Modifier::BOLD),
            code_string: Style::new(),
            code_comment: m(Modifier::DIM),
            code_number: Style::new(),
            code_function: Style::new(),
            code_type: Style::new(),
            code_operator: Style::new(),
            quote: m(Modifier::DIM),
            list_marker: Style::new(),
            link: m(Modifier::UNDERLINED),
            table_border: m(Modifier::DIM),
            table_header: m(Modifier::BOLD),
            rule: m(Modifier::DIM),
            error: m(Modifier::BOLD | Modifier::REVERSED),
            warning: m(Modifier::BOLD),
            success: Style::new(),
            focus_border: m(Modifier::BOLD),
            border: m(Modifier::DIM),
            status_bar: m(Modifier::REVERSED),
            badge: m(Modifier::REVERSED),
            selection: m(Modifier::REVERSED),
            mark_inline_code: true,
        }
    }

    /// The theme for a terminal: `no_color` is whether `NO_COLOR` is set (non-empty),
    /// decided by the caller.
    pub fn from_env(no_color: bool) -> Self {
        if no_color {
            Self::no_color()
        } else {
            Self::default_dark()
        }
    }

    /// The built-in theme `name`; `light_background` decides `auto` (dark when unknown).
    /// `NO_COLOR` wins over any name: the caller asks for `no_color` then.
    pub fn named(name: crate::config::ThemeName, light_background: Option<bool>) -> Self {
        use crate::config::ThemeName;
        match name {
            ThemeName::Dark => Self::default_dark(),
            ThemeName::Light => Self::light(),
            ThemeName::HighContrast => Self::high_contrast(),
            ThemeName::Auto if light_background == Some(true) => Self::light(),
            ThemeName::Auto => Self::default_dark(),
        }
    }

    /// Every role's style by the name a theme file gives it (the field's name). The
    /// theme is taken apart field by field, so a role added to it without a name here
    /// does not compile.
    pub fn roles_mut(&mut self) -> [(&'static str, &mut Style); 35] {
        let Theme {
            text,
            muted,
            user_label,
            assistant_label,
            persona,
            heading1,
            heading2,
            heading3,
            strong,
            emphasis,
            strikethrough,
            code_inline,
            code_block,
            code_block_border,
            code_keyword,
            code_string,
            code_comment,
            code_number,
            code_function,
            code_type,
            code_operator,
            quote,
            list_marker,
            link,
            table_border,
            table_header,
            rule,
            error,
            warning,
            success,
            focus_border,
            border,
            status_bar,
            badge,
            selection,
            mark_inline_code: _,
        } = self;
        [
            ("text", text),
            ("muted", muted),
            ("user_label", user_label),
            ("assistant_label", assistant_label),
            ("persona", persona),
            ("heading1", heading1),
            ("heading2", heading2),
            ("heading3", heading3),
            ("strong", strong),
            ("emphasis", emphasis),
            ("strikethrough", strikethrough),
            ("code_inline", code_inline),
            ("code_block", code_block),
            ("code_block_border", code_block_border),
            ("code_keyword", code_keyword),
            ("code_string", code_string),
            ("code_comment", code_comment),
            ("code_number", code_number),
            ("code_function", code_function),
            ("code_type", code_type),
            ("code_operator", code_operator),
            ("quote", quote),
            ("list_marker", list_marker),
            ("link", link),
            ("table_border", table_border),
            ("table_header", table_header),
            ("rule", rule),
            ("error", error),
            ("warning", warning),
            ("success", success),
            ("focus_border", focus_border),
            ("border", border),
            ("status_bar", status_bar),
            ("badge", badge),
            ("selection", selection),
        ]
    }

    /// The style of a heading of `level` 1–6 (4–6 share level 3's style).
    pub fn heading(&self, level: u8) -> Style {
        match level {
            0 | 1 => self.heading1,
            2 => self.heading2,
            _ => self.heading3,
        }
    }
}

impl Default for Theme {
    fn default() -> Self {
        Self::default_dark()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_styles(t: &Theme) -> Vec<Style> {
        vec![
            t.text,
            t.muted,
            t.user_label,
            t.assistant_label,
            t.persona,
            t.heading1,
            t.heading2,
            t.heading3,
            t.strong,
            t.emphasis,
            t.strikethrough,
            t.code_inline,
            t.code_block,
            t.code_block_border,
            t.code_keyword,
            t.code_string,
            t.code_comment,
            t.code_number,
            t.code_function,
            t.code_type,
            t.code_operator,
            t.quote,
            t.list_marker,
            t.link,
            t.table_border,
            t.table_header,
            t.rule,
            t.error,
            t.warning,
            t.success,
            t.focus_border,
            t.border,
            t.status_bar,
            t.badge,
            t.selection,
        ]
    }

    #[test]
    fn no_color_theme_has_no_colours() {
        for s in all_styles(&Theme::no_color()) {
            assert_eq!(s.fg, None, "{s:?}");
            assert_eq!(s.bg, None, "{s:?}");
            assert_eq!(s.underline_color, None, "{s:?}");
        }
    }

    #[test]
    fn from_env_picks_the_variant() {
        assert_eq!(Theme::from_env(true), Theme::no_color());
        assert_eq!(Theme::from_env(false), Theme::default_dark());
        assert_eq!(Theme::default(), Theme::default_dark());
    }

    #[test]
    fn heading_levels_are_distinct_and_deep_levels_share() {
        for t in [Theme::default_dark(), Theme::no_color()] {
            assert_ne!(t.heading(1), t.heading(2));
            assert_ne!(t.heading(2), t.heading(3));
            assert_eq!(t.heading(3), t.heading(6));
        }
    }
}

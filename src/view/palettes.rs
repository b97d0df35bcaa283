//! The built-in palettes besides the default dark one: light, for terminals with a light
//! background, and high contrast, for projectors and low vision.
//!
//! Owns: their colours. Like the dark palette they use the 16 named ANSI colours where
//! they can (so they follow the user's terminal scheme) and a few 256-colour greys.
//! Does not own: the roles (`theme`), choosing a palette (`Theme::named`) or overrides
//! (`theme_spec`).

use ratatui::style::{Color, Modifier, Style};

use super::theme::Theme;

impl Theme {
    /// Colours for light terminals: dark text colours (yellow and cyan are unreadable
    /// on white), light greys for chrome.
    pub fn light() -> Self {
        let fg = |c: Color| Style::new().fg(c);
        let bold = Modifier::BOLD;
        Self {
            text: Style::new(),
            muted: fg(Color::Indexed(243)),
            user_label: fg(Color::Blue).add_modifier(bold),
            assistant_label: fg(Color::Indexed(28)).add_modifier(bold),
            persona: fg(Color::Magenta).add_modifier(bold),
            heading1: fg(Color::Blue).add_modifier(bold | Modifier::UNDERLINED),
            heading2: fg(Color::Blue).add_modifier(bold),
            heading3: fg(Color::Indexed(24)).add_modifier(bold),
            strong: Style::new().add_modifier(bold),
            emphasis: Style::new().add_modifier(Modifier::ITALIC),
            strikethrough: Style::new().add_modifier(Modifier::CROSSED_OUT),
            code_inline: fg(Color::Indexed(124)).bg(Color::Indexed(254)),
            code_block: fg(Color::Indexed(236)),
            code_block_border: fg(Color::Indexed(248)),
            code_keyword: fg(Color::Magenta),
            code_string: fg(Color::Indexed(28)),
            code_comment: fg(Color::Indexed(243)).add_modifier(Modifier::ITALIC),
            code_number: fg(Color::Indexed(130)),
            code_function: fg(Color::Blue),
            code_type: fg(Color::Indexed(30)),
            code_operator: fg(Color::Indexed(124)),
            quote: fg(Color::Indexed(28)),
            list_marker: fg(Color::Indexed(130)),
            link: fg(Color::Blue).add_modifier(Modifier::UNDERLINED),
            table_border: fg(Color::Indexed(248)),
            table_header: Style::new().add_modifier(bold),
            rule: fg(Color::Indexed(248)),
            error: fg(Color::Red).add_modifier(bold),
            warning: fg(Color::Indexed(130)).add_modifier(bold),
            success: fg(Color::Indexed(28)),
            focus_border: fg(Color::Blue),
            border: fg(Color::Indexed(248)),
            status_bar: fg(Color::Black).bg(Color::Indexed(253)),
            badge: fg(Color::White).bg(Color::Blue),
            selection: fg(Color::Black).bg(Color::Indexed(153)),
            mark_inline_code: false,
        }
    }

    /// High contrast: white and the bright colours on the terminal's background, bold
    /// wherever a role must stand out, underlines and reverse video for what colour
    /// alone would tell apart — readable on a washed-out projector.
    pub fn high_contrast() -> Self {
        let fg = |c: Color| Style::new().fg(c);
        let bold = Modifier::BOLD;
        Self {
            text: fg(Color::White),
            muted: fg(Color::Gray),
            user_label: fg(Color::LightCyan).add_modifier(bold | Modifier::UNDERLINED),
            assistant_label: fg(Color::LightGreen).add_modifier(bold | Modifier::UNDERLINED),
            persona: fg(Color::LightYellow).add_modifier(bold),
            heading1: fg(Color::White).add_modifier(bold | Modifier::UNDERLINED),
            heading2: fg(Color::White).add_modifier(bold),
            heading3: fg(Color::LightCyan).add_modifier(bold),
            strong: fg(Color::White).add_modifier(bold),
            emphasis: fg(Color::White).add_modifier(Modifier::ITALIC),
            strikethrough: fg(Color::White).add_modifier(Modifier::CROSSED_OUT),
            code_inline: fg(Color::LightYellow).add_modifier(bold),
            code_block: fg(Color::LightYellow),
            code_block_border: fg(Color::White),
            code_keyword: fg(Color::LightMagenta).add_modifier(bold),
            code_string: fg(Color::LightGreen),
            code_comment: fg(Color::Gray).add_modifier(Modifier::ITALIC),
            code_number: fg(Color::LightCyan),
            code_function: fg(Color::White).add_modifier(bold),
            code_type: fg(Color::LightCyan).add_modifier(bold),
            code_operator: fg(Color::LightRed),
            quote: fg(Color::LightGreen),
            list_marker: fg(Color::LightYellow).add_modifier(bold),
            link: fg(Color::LightCyan).add_modifier(Modifier::UNDERLINED),
            table_border: fg(Color::White),
            table_header: fg(Color::White).add_modifier(bold | Modifier::UNDERLINED),
            rule: fg(Color::White),
            error: fg(Color::White).bg(Color::Red).add_modifier(bold),
            warning: fg(Color::Black).bg(Color::LightYellow).add_modifier(bold),
            success: fg(Color::LightGreen).add_modifier(bold),
            focus_border: fg(Color::LightYellow).add_modifier(bold),
            border: fg(Color::White),
            status_bar: fg(Color::Black).bg(Color::White),
            badge: fg(Color::Black).bg(Color::LightYellow).add_modifier(bold),
            selection: fg(Color::Black).bg(Color::LightCyan).add_modifier(bold),
            mark_inline_code: true,
        }
    }
}

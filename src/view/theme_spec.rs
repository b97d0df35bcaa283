//! Styles written as words, for a theme file or `[theme.styles]`: `"bold yellow"`,
//! `"white on #303030"`, `"italic 244"`, `"reversed"`, `"default"`.
//!
//! Owns: that little grammar — modifiers (`bold`, `dim`, `italic`, `underlined`,
//! `reversed`, `crossed-out`), a foreground colour, and `on` before a background colour;
//! colours as ratatui reads them (the 16 names such as `red` or `light-blue`, `#rrggbb`,
//! a 256-colour index) — and laying named styles over a theme, refusing an unknown role
//! or a word it cannot read with a message naming it. Does not own: the roles
//! (`Theme::roles_mut`) or where the styles come from (the configuration).

use std::str::FromStr;

use ratatui::style::{Color, Modifier, Style};

use super::theme::Theme;

/// Reads one style.
pub fn parse(spec: &str) -> Result<Style, String> {
    let mut style = Style::new();
    let mut words = spec.split_whitespace();
    while let Some(word) = words.next() {
        let word = word.to_ascii_lowercase();
        let modifier = match word.as_str() {
            "bold" => Some(Modifier::BOLD),
            "dim" => Some(Modifier::DIM),
            "italic" => Some(Modifier::ITALIC),
            "underlined" | "underline" => Some(Modifier::UNDERLINED),
            "reversed" | "reverse" => Some(Modifier::REVERSED),
            "crossed-out" | "strikethrough" => Some(Modifier::CROSSED_OUT),
            _ => None,
        };
        if let Some(m) = modifier {
            style = style.add_modifier(m);
        } else if word == "on" {
            let Some(bg) = words.next() else {
                return Err(format!("`{spec}`: a colour must follow `on`"));
            };
            style = style.bg(colour(bg, spec)?);
        } else {
            style = style.fg(colour(&word, spec)?);
        }
    }
    Ok(style)
}

fn colour(word: &str, spec: &str) -> Result<Color, String> {
    Color::from_str(word).map_err(|_| {
        format!("`{spec}`: `{word}` is not a colour (a name such as red or light-blue, #rrggbb, or 0-255)")
    })
}

impl Theme {
    /// This theme with `styles` (role name → style words) laid over it, in order: each
    /// replaces its role's style whole.
    pub fn with_styles<'a>(
        mut self,
        styles: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Result<Theme, String> {
        for (role, spec) in styles {
            let style = parse(spec).map_err(|e| format!("theme style `{role}`: {e}"))?;
            let mut roles = self.roles_mut();
            let Some((_, slot)) = roles.iter_mut().find(|(name, _)| *name == role) else {
                let known: Vec<&str> = roles.iter().map(|(name, _)| *name).collect();
                return Err(format!(
                    "theme style `{role}` is not a role; the roles are: {}",
                    known.join(", ")
                ));
            };
            **slot = style;
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_read_as_words() {
        assert_eq!(
            parse("bold yellow"),
            Ok(Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD))
        );
        assert_eq!(
            parse("white on #303030"),
            Ok(Style::new().fg(Color::White).bg(Color::Rgb(0x30, 0x30, 0x30)))
        );
        assert_eq!(
            parse("italic 244"),
            Ok(Style::new()
                .fg(Color::Indexed(244))
                .add_modifier(Modifier::ITALIC))
        );
        assert_eq!(
            parse("REVERSED"),
            Ok(Style::new().add_modifier(Modifier::REVERSED))
        );
        assert_eq!(parse(""), Ok(Style::new()));
        assert!(parse("bold on").is_err_and(|e| e.contains("must follow")));
        assert!(parse("purple-ish").is_err_and(|e| e.contains("`purple-ish` is not a colour")));
    }

    #[test]
    fn every_role_can_be_restyled_and_an_unknown_one_is_named() {
        let mut theme = Theme::default_dark();
        let names: Vec<&str> = theme.roles_mut().iter().map(|(name, _)| *name).collect();
        let restyled = Theme::default_dark()
            .with_styles(names.iter().map(|n| (*n, "underlined 201")))
            .expect("every role");
        let mut restyled = restyled;
        for (name, style) in restyled.roles_mut() {
            assert_eq!(
                *style,
                Style::new()
                    .fg(Color::Indexed(201))
                    .add_modifier(Modifier::UNDERLINED),
                "{name}"
            );
        }
        let err = Theme::default_dark()
            .with_styles([("mutted", "red")])
            .expect_err("a typo");
        assert!(
            err.contains("`mutted` is not a role") && err.contains("muted"),
            "{err}"
        );
        let err = Theme::default_dark()
            .with_styles([("muted", "on")])
            .expect_err("bad words");
        assert!(err.contains("theme style `muted`"), "{err}");
        assert!(!theme.roles_mut().is_empty());
    }
}

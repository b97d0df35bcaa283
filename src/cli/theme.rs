//! The app's colours for this run, decided before the terminal is taken over.
//!
//! Owns: the order of the choice — `NO_COLOR` wins over everything; else the theme named
//! by `--theme`, or `[theme] name` (`auto`: the terminal's background decides, dark when
//! it does not say); then the styles of `[theme] file` laid over it, then those of
//! `[theme.styles]`. A theme file or style that cannot be used stops the start with a
//! message naming the file and the role (status 2), like any configuration error.
//! Does not own: the palettes (`view::theme`, `view::palettes`), the style grammar
//! (`view::theme_spec`) or asking the terminal (`term::background`).

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::CliError;
use crate::config::{ThemeName, ThemeSettings};
use crate::view::theme::Theme;

/// The theme for this run.
pub(super) fn choose(
    settings: &ThemeSettings,
    flag: Option<ThemeName>,
    env: &HashMap<String, String>,
) -> Result<Theme, CliError> {
    if env.get("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        return Ok(Theme::no_color());
    }
    let name = flag.unwrap_or(settings.name);
    let light = if name == ThemeName::Auto {
        crate::term::background::is_light()
    } else {
        None
    };
    let mut theme = Theme::named(name, light);
    if let Some(path) = &settings.file {
        let styles = read(path)?;
        theme = theme
            .with_styles(styles.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .map_err(|e| CliError::Usage(format!("{}: {e}", path.display())))?;
    }
    theme
        .with_styles(settings.styles.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .map_err(|e| CliError::Usage(format!("the configuration's [theme.styles]: {e}")))
}

/// A theme file: `role = "style"` lines (TOML).
fn read(path: &Path) -> Result<BTreeMap<String, String>, CliError> {
    config::Config::builder()
        .add_source(config::File::from(path).format(config::FileFormat::Toml))
        .build()
        .and_then(|c| c.try_deserialize::<BTreeMap<String, String>>())
        .map_err(|e| CliError::Usage(format!("theme file {}: {e}", path.display())))
}

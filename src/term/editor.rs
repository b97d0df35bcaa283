//! Editing a text in the user's own editor (`$VISUAL`, else `$EDITOR`): the instructions
//! popup's Ctrl+E.
//!
//! Owns: the round trip — the text into a private temporary file, the terminal handed
//! back as on exit, the editor run in the foreground until it exits, the terminal taken
//! again, the file read back and removed. Does not own: stopping the app's own reading of
//! the terminal meanwhile (the runtime drops its input stream first, so no key typed into
//! the editor reaches the app) or what the text is for (`update::instructions`).

use std::io;
use std::path::PathBuf;
use std::process::Command;

use super::guard::TerminalGuard;
use super::screen::Screen;

/// The editor command from the environment: `$VISUAL`, else `$EDITOR` (blank is unset).
/// Split at white space, so `code --wait` works (quoted paths with spaces do not).
pub fn command(visual: Option<String>, editor: Option<String>) -> Option<Vec<String>> {
    let cmd = [visual, editor]
        .into_iter()
        .flatten()
        .find(|c| !c.trim().is_empty())?;
    Some(cmd.split_whitespace().map(str::to_owned).collect())
}

/// Edits `text` in `editor` (a command from `command`); the edited text, or why not.
pub fn edit(
    guard: &TerminalGuard,
    screen: &mut Screen,
    editor: &[String],
    text: &str,
) -> Result<String, String> {
    let (program, args) = editor
        .split_first()
        .ok_or_else(|| "no editor: set $EDITOR (or $VISUAL)".to_owned())?;
    let path = temp_path();
    write_private(&path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    guard.restore();
    let status = Command::new(program).args(args).arg(&path).status();
    let back = guard.resume(screen);
    let read = std::fs::read_to_string(&path);
    let _ = std::fs::remove_file(&path);
    back.map_err(|e| format!("cannot take the terminal back: {e}"))?;
    match status {
        Ok(s) if s.success() => read.map_err(|e| format!("cannot read the edited text: {e}")),
        Ok(s) => Err(format!(
            "{program} exited with {s}: the instructions are unchanged"
        )),
        Err(e) => Err(format!("cannot run {program}: {e}")),
    }
}

/// A fresh file name in the temporary directory, unique to this process and moment.
fn temp_path() -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    std::env::temp_dir().join(format!(
        "mavera-tui-instructions-{}-{nanos}.md",
        std::process::id()
    ))
}

/// Creates the file readable by its owner only (instructions may be private).
fn write_private(path: &PathBuf, text: &str) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(text.as_bytes())?;
    if !text.is_empty() {
        file.write_all(b"\n")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn visual_wins_over_editor_and_blank_is_unset() {
        let s = |v: &str| Some(v.to_owned());
        assert_eq!(
            command(s("code --wait"), s("vi")),
            Some(vec!["code".into(), "--wait".into()])
        );
        assert_eq!(command(s("  "), s("vi")), Some(vec!["vi".into()]));
        assert_eq!(command(None, None), None);
    }
}

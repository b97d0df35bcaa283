//! Copying to the clipboard, the pure part: what is copied (the last answer, or its N-th
//! code block), how much fits, and what the status bar says about it.
//!
//! Owns: finding code blocks (fenced or indented, as the Markdown renderer reads them:
//! `pulldown-cmark`), the cap on what goes to the terminal's clipboard (`MAX_CHARS`:
//! terminals and tmux drop longer OSC 52 writes, some silently), and the wording of the
//! result. The text is sanitised again (only newlines and tabs of the control characters
//! survive): whatever is pasted elsewhere must be as safe as what was shown. Does not
//! own: which answer is meant (`update::copy`), or writing to the terminal
//! (`term::clipboard`, carried out by the runtime).

use pulldown_cmark::{CodeBlockKind, Event, Parser, Tag, TagEnd};

/// Most characters written to the terminal's clipboard at once (about 100 KB of text;
/// base64 makes it a third more on the wire).
pub const MAX_CHARS: usize = 100_000;

/// The code blocks of a Markdown text, in order, each without its fences.
pub fn code_blocks(text: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(_) | CodeBlockKind::Indented)) => {
                current = Some(String::new());
            }
            Event::Text(t) => {
                if let Some(block) = current.as_mut() {
                    block.push_str(&t);
                }
            }
            Event::End(TagEnd::CodeBlock) => blocks.extend(current.take()),
            _ => {}
        }
    }
    blocks
}

/// The text to copy: sanitised, and cut at `MAX_CHARS`; also its whole length in
/// characters and whether it was cut.
pub fn prepare(text: &str) -> (String, usize, bool) {
    let clean = crate::sanitize::clean(text);
    let chars = clean.chars().count();
    if chars <= MAX_CHARS {
        return (clean, chars, false);
    }
    (clean.chars().take(MAX_CHARS).collect(), chars, true)
}

/// `1,234`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// What the status bar says: `copied the answer (1,234 chars) via OSC 52`, or, cut,
/// `copied the first 100,000 of 123,456 chars of the answer via OSC 52 (its limit)`.
/// `system`: the system clipboard took it too.
pub fn report(what: &str, chars: usize, cut: bool, system: bool) -> String {
    let via = if system {
        "OSC 52 + system clipboard"
    } else {
        "OSC 52"
    };
    if cut {
        format!(
            "copied the first {} of {} chars of {what} via {via} (the limit of a terminal clipboard write)",
            thousands(MAX_CHARS),
            thousands(chars)
        )
    } else {
        format!("copied {what} ({} chars) via {via}", thousands(chars))
    }
}

/// What the status bar says once the system clipboard was tried: `Ok(program)` took the
/// text too, else why not (`None`: there is no system clipboard here, as over SSH).
/// OSC 52 was always written.
pub fn report_system(what: &str, chars: usize, cut: bool, system: &Result<&str, Option<String>>) -> String {
    let how = match system {
        Ok(program) => format!("to the clipboard via {program} and OSC 52"),
        Err(None) => "by OSC 52 only: no system clipboard here".to_owned(),
        Err(Some(why)) => format!("by OSC 52 only: {}", crate::sanitize::clean_line(why)),
    };
    if cut {
        format!(
            "copied the first {} of {} chars of {what} {how} (the limit of a terminal clipboard write)",
            thousands(MAX_CHARS),
            thousands(chars)
        )
    } else {
        format!("copied {what} ({} chars) {how}", thousands(chars))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_says_how_the_text_was_copied() {
        assert_eq!(
            report_system("the last answer", 1234, false, &Ok("wl-copy")),
            "copied the last answer (1,234 chars) to the clipboard via wl-copy and OSC 52"
        );
        assert_eq!(
            report_system("code block 1", 3, false, &Err(None)),
            "copied code block 1 (3 chars) by OSC 52 only: no system clipboard here"
        );
        assert_eq!(
            report_system("x", 3, false, &Err(Some("xclip failed (exit status: 1)".into()))),
            "copied x (3 chars) by OSC 52 only: xclip failed (exit status: 1)"
        );
    }

    #[test]
    fn code_blocks_are_found_in_order_without_fences() {
        let text = "intro\n\n```rust\nfn a() {}\n```\n\ntext `inline`\n\n    indented\n\n~~~\nb\n~~~\n";
        assert_eq!(code_blocks(text), ["fn a() {}\n", "indented\n", "b\n"]);
        assert!(code_blocks("no code here").is_empty());
    }

    #[test]
    fn long_text_is_cut_at_the_cap_and_control_characters_removed() {
        let (text, chars, cut) = prepare("a\u{1b}[31mb\tc\nd\u{7}");
        assert_eq!((text.as_str(), chars, cut), ("ab\tc\nd", 6, false));
        let long = "é".repeat(MAX_CHARS + 5);
        let (text, chars, cut) = prepare(&long);
        assert_eq!(
            (text.chars().count(), chars, cut),
            (MAX_CHARS, MAX_CHARS + 5, true)
        );
        assert_eq!(
            report("the answer", MAX_CHARS + 5, true, false),
            "copied the first 100,000 of 100,005 chars of the answer via OSC 52 (the limit of a terminal clipboard write)"
        );
        assert_eq!(
            report("code block 2", 1234, false, true),
            "copied code block 2 (1,234 chars) via OSC 52 + system clipboard"
        );
    }
}

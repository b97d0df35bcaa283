//! The memo on a set of its own (the shared one stays unloaded in these tests, so no
//! other test's output depends on their order).

use std::sync::OnceLock;

use super::*;

fn set() -> &'static SyntaxSet {
    static SET: OnceLock<SyntaxSet> = OnceLock::new();
    SET.get_or_init(two_face::syntax::extra_newlines)
}

fn all_runs(memo: &mut CodeMemo, label: &str, body: &str) -> Option<Vec<Runs>> {
    let coloured = memo.colour_with(set(), label, body)?;
    let count = body.split('\n').count();
    Some((0..count).filter_map(|i| coloured.line(i).cloned()).collect())
}

const PYTHON: &str =
    "def greet(name):\n    # say hello\n    return f\"hi {name}\" + str(42)\n\nprint(greet(\"x\"))\n";

#[test]
fn the_languages_asked_for_all_have_a_grammar() {
    for label in [
        "python",
        "py",
        "javascript",
        "js",
        "typescript",
        "ts",
        "tsx",
        "json",
        "yaml",
        "yml",
        "toml",
        "bash",
        "sh",
        "shell",
        "zsh",
        "sql",
        "rust",
        "rs",
        "go",
        "golang",
        "html",
        "css",
        "markdown",
        "md",
        "Python",
        "{.rust}",
        "rust,ignore",
    ] {
        assert!(syntax(set(), label, "x").is_some(), "{label}");
    }
    assert!(syntax(set(), "klingon", "x").is_none());
    assert!(syntax(set(), "text", "x").is_none());
    assert!(syntax(set(), "", "x = 1").is_none());
    assert_eq!(
        syntax(set(), "", "#!/usr/bin/env python3\nprint(1)").map(|s| s.name.as_str()),
        Some("Python")
    );
}

#[test]
fn a_line_is_split_into_roles() {
    let mut memo = CodeMemo::default();
    let runs = all_runs(&mut memo, "python", PYTHON).expect("python");
    let roles: Vec<CodeRole> = runs.iter().flatten().map(|(_, r)| *r).collect();
    for role in [
        CodeRole::Keyword,
        CodeRole::Comment,
        CodeRole::String,
        CodeRole::Number,
        CodeRole::Function,
        CodeRole::Operator,
    ] {
        assert!(roles.contains(&role), "{role:?} in {runs:?}");
    }
    for (line, runs) in PYTHON.split_inclusive('\n').zip(&runs) {
        assert_eq!(runs.iter().map(|(n, _)| n).sum::<usize>(), line.len(), "{line:?}");
    }
}

#[test]
fn a_growing_block_parses_only_its_new_lines_and_agrees_with_a_fresh_parse() {
    let mut memo = CodeMemo::default();
    let mut steps = 0;
    for end in 1..=PYTHON.len() {
        let Some(so_far) = PYTHON.get(..end) else { continue };
        steps += 1;
        let grown = all_runs(&mut memo, "python", so_far);
        let fresh = all_runs(&mut CodeMemo::default(), "python", so_far);
        assert_eq!(grown, fresh, "{so_far:?}");
    }
    // Each complete line once, and the unfinished last line once per step.
    let lines = PYTHON.lines().count() as u64;
    assert!(memo.lines_parsed <= lines + steps, "{}", memo.lines_parsed);
    let before = memo.lines_parsed;
    let _ = all_runs(&mut memo, "python", PYTHON);
    assert_eq!(
        memo.lines_parsed, before,
        "a block seen whole before parses nothing"
    );
}

#[test]
fn blocks_of_one_message_are_remembered_apart() {
    let mut memo = CodeMemo::default();
    let rust = "fn main() {}\n";
    let _ = all_runs(&mut memo, "python", PYTHON);
    let _ = all_runs(&mut memo, "rust", rust);
    let before = memo.lines_parsed;
    let _ = all_runs(&mut memo, "python", PYTHON);
    let _ = all_runs(&mut memo, "rust", rust);
    assert_eq!(memo.lines_parsed, before);
    // A block that shares only a first line with one seen is parsed on its own.
    let other = all_runs(&mut memo, "python", "def greet(name):\n    pass\n");
    assert_eq!(
        other,
        all_runs(&mut CodeMemo::default(), "python", "def greet(name):\n    pass\n")
    );
}

#[test]
fn the_pieces_keep_the_text_and_take_the_roles_styles() {
    let theme = Theme::default_dark();
    let mut out = StyledText::new();
    let runs = vec![
        (2, CodeRole::Keyword),
        (1, CodeRole::Plain),
        (9, CodeRole::String),
    ];
    push_line(&mut out, "fn \"x\"", &runs, &theme);
    assert_eq!(out.as_str(), "fn \"x\"");
    // Runs that cut a character in two leave the rest plain, whole.
    let mut out = StyledText::new();
    push_line(&mut out, "é!", &[(1, CodeRole::Keyword)], &theme);
    assert_eq!(out.as_str(), "é!");
    assert_eq!(style(&theme, CodeRole::Plain), theme.code_block);
    assert_eq!(
        style(&theme, CodeRole::Comment),
        theme.code_block.patch(theme.code_comment)
    );
}

#[test]
fn until_the_syntaxes_are_loaded_blocks_are_plain_and_the_memo_says_it_waited() {
    // This test binary never loads the shared set.
    let mut memo = CodeMemo::default();
    assert!(memo.colour("", "x = 1").is_none());
    assert!(!memo.waiting(), "an unlabelled block has nothing to wait for");
    assert!(memo.colour("rust", "fn main() {}").is_none());
    assert!(memo.waiting());
    memo.stop_waiting();
    assert!(!memo.waiting());
}

#[test]
fn a_very_long_line_and_the_lines_after_it_stay_plain() {
    let mut memo = CodeMemo::default();
    let long = format!("x = [{}]\nprint(1)\n", "1, ".repeat(1_000));
    let runs = all_runs(&mut memo, "python", &format!("def f():\n{long}")).expect("python");
    assert!(
        runs.first().is_some_and(|r| r.len() > 1),
        "the line before is coloured"
    );
    for line in runs.iter().skip(1) {
        assert!(line.iter().all(|(_, role)| *role == CodeRole::Plain), "{line:?}");
    }
}

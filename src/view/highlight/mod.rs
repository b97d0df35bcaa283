//! Colours for code blocks: syntect parses code into scopes, `scopes` maps them onto the
//! theme's code roles, so every colour still comes from the theme (and `NO_COLOR`, whose
//! theme has no colours, colours nothing).
//!
//! Owns: the syntaxes (bat's set, through `two-face`: syntect's defaults plus TOML,
//! TypeScript and more), loaded once, off the UI's path (`load`, which the runtime calls
//! on a thread of its own at start; until it is done `ready` is `None` and blocks are
//! drawn plain, then laid out again); choosing a grammar from a fence's label (or a shebang); and `CodeMemo`, the
//! per-message memory that makes highlighting incremental: a block that grew by
//! appending (a streaming one) parses only its new lines, from the state saved after the
//! last complete line, and a block seen before (a completed one laid out again) parses
//! nothing. Does not own: laying lines out (`markdown::blocks`), the styles (the theme).
#![deny(clippy::indexing_slicing)]

mod scopes;

use std::sync::OnceLock;

use ratatui::style::Style;
use syntect::parsing::{ParseState, ScopeStack, SyntaxReference, SyntaxSet};

pub use scopes::CodeRole;

use super::theme::Theme;
use super::wrap::StyledText;

static SYNTAXES: OnceLock<SyntaxSet> = OnceLock::new();

/// Loads the syntaxes, once; blocking (about a millisecond: each grammar's rules are
/// read, and their regexes compiled, when a block first uses them): call it on a worker
/// thread. Later calls return at once. Compiling every common grammar up front here
/// was measured at half a second of CPU at every start, for blocks most sessions never
/// show, so it is not done.
pub fn load() -> &'static SyntaxSet {
    SYNTAXES.get_or_init(two_face::syntax::extra_newlines)
}

/// The syntaxes, once `load` is done.
pub fn ready() -> Option<&'static SyntaxSet> {
    SYNTAXES.get()
}

/// Fence labels that name a grammar by another word than its own.
fn alias(label: &str) -> &str {
    match label {
        "shell" | "console" | "shellsession" | "terminal" | "zsh" | "sh" => "bash",
        "golang" => "go",
        "python3" | "py3" => "py",
        "jsonc" | "json5" => "json",
        "postgres" | "postgresql" | "mysql" | "sqlite" | "plsql" => "sql",
        "text" | "txt" | "plain" | "plaintext" => "",
        other => other,
    }
}

/// The grammar a block's fence label names; with no label, one its shebang names.
fn syntax<'s>(set: &'s SyntaxSet, label: &str, body: &str) -> Option<&'s SyntaxReference> {
    let label = label
        .trim_start_matches(['{', '.'])
        .split([',', '{', '}'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !label.is_empty() {
        let token = alias(&label);
        return (!token.is_empty())
            .then(|| set.find_syntax_by_token(token))
            .flatten();
    }
    let first = body.split('\n').next().unwrap_or_default();
    first
        .starts_with("#!")
        .then(|| set.find_syntax_by_first_line(first))
        .flatten()
}

/// One line's runs: (bytes, role), covering the line with its line break.
pub type Runs = Vec<(usize, CodeRole)>;

/// Most blocks remembered per message; the least recently used goes first.
const MAX_BLOCKS: usize = 64;

/// A block highlighted so far: its complete lines, and the parser's state after them.
struct Block {
    syntax: String,
    text: String,
    lines: Vec<Runs>,
    state: ParseState,
    stack: ScopeStack,
    /// The grammar failed on a line: that line and the ones after stay plain.
    broken: bool,
    used: u64,
}

/// What was remembered of one message's code blocks (see the module's doc).
#[derive(Default)]
pub struct CodeMemo {
    blocks: Vec<Block>,
    clock: u64,
    waiting: bool,
    /// Lines parsed (a streaming block's unfinished last line counts each time), for
    /// tests and benchmarks.
    pub lines_parsed: u64,
}

impl std::fmt::Debug for CodeMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CodeMemo")
            .field("blocks", &self.blocks.len())
            .field("waiting", &self.waiting)
            .field("lines_parsed", &self.lines_parsed)
            .finish()
    }
}

/// A block's lines as runs: the complete lines, then the unfinished last one.
pub struct Coloured<'m> {
    lines: &'m [Runs],
    tail: Option<Runs>,
}

impl Coloured<'_> {
    /// The runs of line `i` (counted as `body.split('\n')` does).
    pub fn line(&self, i: usize) -> Option<&Runs> {
        self.lines
            .get(i)
            .or_else(|| (i == self.lines.len()).then_some(self.tail.as_ref()).flatten())
    }
}

impl CodeMemo {
    /// The runs of a block with fence label `label` and text `body`, or `None` to draw
    /// it plain: no known grammar, or the syntaxes are still loading (then `waiting`).
    pub fn colour(&mut self, label: &str, body: &str) -> Option<Coloured<'_>> {
        match ready() {
            Some(set) => self.colour_with(set, label, body),
            None => {
                self.waiting |= !label.trim().is_empty() || body.starts_with("#!");
                None
            }
        }
    }

    /// Whether a block was drawn plain because the syntaxes were still loading: once
    /// they are ready, the message is laid out again (`ViewCache`).
    pub fn waiting(&self) -> bool {
        self.waiting
    }

    /// The message is being laid out again: forget that it waited.
    pub fn stop_waiting(&mut self) {
        self.waiting = false;
    }

    /// `colour` with the syntaxes given.
    pub fn colour_with(&mut self, set: &SyntaxSet, label: &str, body: &str) -> Option<Coloured<'_>> {
        let syntax = syntax(set, label, body)?;
        self.clock += 1;
        let found = self
            .blocks
            .iter()
            .enumerate()
            .filter(|(_, b)| b.syntax == syntax.name && body.starts_with(&b.text))
            .max_by_key(|(_, b)| b.text.len())
            .map(|(i, _)| i);
        let index = match found {
            Some(i) => i,
            None => {
                if self.blocks.len() >= MAX_BLOCKS {
                    if let Some(oldest) =
                        (0..self.blocks.len()).min_by_key(|&i| self.blocks.get(i).map_or(0, |b| b.used))
                    {
                        self.blocks.swap_remove(oldest);
                    }
                }
                self.blocks.push(Block {
                    syntax: syntax.name.clone(),
                    text: String::new(),
                    lines: Vec::new(),
                    state: ParseState::new(syntax),
                    stack: ScopeStack::new(),
                    broken: false,
                    used: 0,
                });
                self.blocks.len() - 1
            }
        };
        let block = self.blocks.get_mut(index)?;
        block.used = self.clock;
        let rest = body.get(block.text.len()..).unwrap_or_default();
        let (complete, tail) = match rest.rfind('\n') {
            Some(n) => rest.split_at(n + 1),
            None => ("", rest),
        };
        for line in complete.split_inclusive('\n') {
            let runs = parse(set, &mut block.state, &mut block.stack, &mut block.broken, line);
            block.lines.push(runs);
            block.text.push_str(line);
            self.lines_parsed += 1;
        }
        let tail = (!tail.is_empty()).then(|| {
            self.lines_parsed += 1;
            let (mut state, mut stack, mut broken) = (block.state.clone(), block.stack.clone(), block.broken);
            parse(set, &mut state, &mut stack, &mut broken, tail)
        });
        Some(Coloured {
            lines: &block.lines,
            tail,
        })
    }
}

/// Longer lines are not parsed (nor the lines after them, whose state depends on them):
/// a grammar's backtracking regexes can take long on a minified file's one line, and the
/// unfinished last line of a streaming block is parsed again each frame.
const MAX_LINE_BYTES: usize = 2_000;

fn parse(
    set: &SyntaxSet,
    state: &mut ParseState,
    stack: &mut ScopeStack,
    broken: &mut bool,
    line: &str,
) -> Runs {
    *broken |= line.len() > MAX_LINE_BYTES;
    if !*broken {
        match state.parse_line(line, set) {
            Ok(ops) => return scopes::runs(line, &ops, stack),
            Err(e) => {
                tracing::debug!(error = %e, "a grammar failed; the rest of the block is plain");
                *broken = true;
            }
        }
    }
    vec![(line.len(), CodeRole::Plain)]
}

/// The style of `role` in a code block.
pub fn style(theme: &Theme, role: CodeRole) -> Style {
    let role = match role {
        CodeRole::Plain => return theme.code_block,
        CodeRole::Keyword => theme.code_keyword,
        CodeRole::String => theme.code_string,
        CodeRole::Comment => theme.code_comment,
        CodeRole::Number => theme.code_number,
        CodeRole::Function => theme.code_function,
        CodeRole::Type => theme.code_type,
        CodeRole::Operator => theme.code_operator,
    };
    theme.code_block.patch(role)
}

/// Appends `line` (one line of a block, without its line break) to `out` in the styles
/// of `runs`; what the runs do not cover is plain.
pub fn push_line(out: &mut StyledText, line: &str, runs: &[(usize, CodeRole)], theme: &Theme) {
    let mut at = 0;
    for &(len, role) in runs {
        let end = (at + len).min(line.len());
        let Some(piece) = line.get(at..end) else {
            break;
        };
        out.push(piece, style(theme, role));
        at = end;
    }
    out.push(line.get(at..).unwrap_or_default(), theme.code_block);
}

#[cfg(test)]
mod tests;

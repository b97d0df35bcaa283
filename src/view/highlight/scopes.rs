//! From syntect's scopes to the handful of code roles the theme colours.
//!
//! Owns: the role list (`CodeRole`), the scope-prefix table that picks a role for a scope
//! stack (innermost scope first: a string's quotes are `punctuation…` inside `string…`,
//! and take the string's role), and turning one parsed line into runs of roles. Does not
//! own: parsing (syntect), which styles the roles get (the theme), nor remembering
//! results (the parent module).
#![deny(clippy::indexing_slicing)]

use std::sync::OnceLock;

use syntect::parsing::{Scope, ScopeStack, ScopeStackOp};

/// What a piece of code is, as far as colour goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodeRole {
    /// Anything else: identifiers, punctuation, whitespace (the block's own style).
    Plain,
    Keyword,
    String,
    Comment,
    /// Numbers and the language's constants (`true`, `None`, escapes).
    Number,
    Function,
    Type,
    Operator,
}

/// Scope prefixes and their roles; the most specific of two overlapping prefixes comes
/// first (`keyword.operator` before `keyword`).
const TABLE: &[(&str, CodeRole)] = &[
    ("comment", CodeRole::Comment),
    ("markup.quote", CodeRole::Comment),
    ("string", CodeRole::String),
    ("markup.raw", CodeRole::String),
    ("markup.inserted", CodeRole::String),
    ("constant.numeric", CodeRole::Number),
    ("constant.language", CodeRole::Number),
    ("constant.character", CodeRole::Number),
    ("constant.other", CodeRole::Number),
    ("support.constant", CodeRole::Number),
    ("keyword.operator", CodeRole::Operator),
    ("keyword", CodeRole::Keyword),
    ("storage", CodeRole::Keyword),
    ("variable.language", CodeRole::Keyword),
    ("entity.name.tag", CodeRole::Keyword),
    ("markup.heading", CodeRole::Keyword),
    ("markup.deleted", CodeRole::Keyword),
    ("entity.name.function", CodeRole::Function),
    ("variable.function", CodeRole::Function),
    ("support.function", CodeRole::Function),
    ("entity.other.attribute-name", CodeRole::Function),
    ("markup.underline.link", CodeRole::Function),
    ("entity.name.type", CodeRole::Type),
    ("entity.name.class", CodeRole::Type),
    ("entity.name.struct", CodeRole::Type),
    ("entity.name.enum", CodeRole::Type),
    ("entity.name.trait", CodeRole::Type),
    ("entity.name.interface", CodeRole::Type),
    ("entity.name.namespace", CodeRole::Type),
    ("entity.other.inherited-class", CodeRole::Type),
    ("support.type", CodeRole::Type),
    ("support.class", CodeRole::Type),
    ("meta.mapping.key", CodeRole::Type),
    // Any other name a grammar defines: a TOML table, a Markdown section.
    ("entity.name", CodeRole::Type),
];

fn table() -> &'static [(Scope, CodeRole)] {
    static SCOPES: OnceLock<Vec<(Scope, CodeRole)>> = OnceLock::new();
    SCOPES.get_or_init(|| {
        TABLE
            .iter()
            .filter_map(|(s, role)| Scope::new(s).ok().map(|s| (s, *role)))
            .collect()
    })
}

/// The role of text under `stack`: the innermost scope that has one decides.
pub fn role(stack: &ScopeStack) -> CodeRole {
    let table = table();
    for scope in stack.as_slice().iter().rev() {
        if let Some((_, role)) = table.iter().find(|(prefix, _)| prefix.is_prefix_of(*scope)) {
            return *role;
        }
    }
    CodeRole::Plain
}

/// One line as runs of (bytes, role), adjacent runs of one role merged, covering the
/// whole line. `stack` is the scope stack before the line and is left as after it.
pub fn runs(line: &str, ops: &[(usize, ScopeStackOp)], stack: &mut ScopeStack) -> Vec<(usize, CodeRole)> {
    let mut out: Vec<(usize, CodeRole)> = Vec::new();
    let mut push = |len: usize, role: CodeRole| {
        if len == 0 {
            return;
        }
        match out.last_mut() {
            Some((n, r)) if *r == role => *n += len,
            _ => out.push((len, role)),
        }
    };
    let mut at = 0;
    let mut current = role(stack);
    for (offset, op) in ops {
        let offset = (*offset).min(line.len());
        if offset > at {
            push(offset - at, current);
            at = offset;
        }
        // A malformed grammar's pop on an empty stack leaves the stack as it was.
        let _ = stack.apply(op);
        current = role(stack);
    }
    push(line.len() - at, current);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stack(scopes: &[&str]) -> ScopeStack {
        let mut s = ScopeStack::new();
        for name in scopes {
            if let Ok(scope) = Scope::new(name) {
                s.push(scope);
            }
        }
        s
    }

    #[test]
    fn the_innermost_scope_with_a_role_decides() {
        assert_eq!(role(&stack(&["source.rust"])), CodeRole::Plain);
        let quote = [
            "source.rust",
            "string.quoted.double.rust",
            "punctuation.definition.string.begin",
        ];
        assert_eq!(role(&stack(&quote)), CodeRole::String);
        assert_eq!(
            role(&stack(&["source.c", "keyword.operator.arithmetic.c"])),
            CodeRole::Operator
        );
        assert_eq!(
            role(&stack(&["source.c", "keyword.control.c"])),
            CodeRole::Keyword
        );
        let escape = ["source.py", "string.quoted.py", "constant.character.escape.py"];
        assert_eq!(role(&stack(&escape)), CodeRole::Number);
    }

    #[test]
    fn every_prefix_of_the_table_parses() {
        assert_eq!(table().len(), TABLE.len());
    }
}

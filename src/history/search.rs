//! Full-text search over every stored message, in any script.
//!
//! Owns: turning the words a user typed into a query — each word must match, a word in a
//! script written with spaces as a prefix (`pric` finds "pricing"; accents and case do
//! not matter), a word in a script written without spaces (Chinese, Japanese, Thai, ...)
//! as a substring (the trigram index for three characters or more, `LIKE` below that),
//! and a word of symbols or emoji as a substring (`LIKE`) — and a snippet of each hit with
//! the match between `MARK_START` and `MARK_END`. Words are always quoted, so nothing a
//! user types is read as query syntax. Does not own: the indexes (`schema`) or showing
//! hits (`cli::history`).

use rusqlite::params_from_iter;

use super::db::Store;
use super::op::ConversationId;
use super::read::{int, opt_text, text};
use super::schema::no_space;

/// Marks where a match begins in a snippet (a private-use character: callers replace it).
pub const MARK_START: char = '\u{E000}';
/// Marks where a match ends.
pub const MARK_END: char = '\u{E001}';
/// Words of context a snippet holds.
const SNIPPET_TOKENS: u32 = 12;
/// Characters of context on each side of a `LIKE` match.
const CONTEXT_CHARS: usize = 40;

/// A message that matched.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// The conversation it is in (a comparison, when its thread is in one).
    pub conversation: ConversationId,
    pub message_id: i64,
    pub role: super::op::Role,
    pub persona_name: String,
    pub title: String,
    pub updated_ms: i64,
    /// Part of the text around the match, the match between the marks (raw: callers
    /// sanitise).
    pub snippet: String,
}

/// How one typed word is looked for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Term {
    /// A prefix, in the word index.
    Word(String),
    /// A substring of three characters or more, in the trigram index.
    Gram(String),
    /// A substring, by scanning (`LIKE`).
    Scan(String),
}

fn classify(word: &str) -> Term {
    if word.chars().any(no_space) {
        if word.chars().count() >= 3 {
            Term::Gram(word.to_owned())
        } else {
            Term::Scan(word.to_owned())
        }
    } else if word.chars().any(char::is_alphanumeric) {
        Term::Word(word.to_owned())
    } else {
        Term::Scan(word.to_owned())
    }
}

/// An FTS5 string: quoted, so `AND`, `*`, `:` or a quote in it are only text.
fn quoted(word: &str) -> String {
    format!("\"{}\"", word.replace('"', "\"\""))
}

/// A `LIKE` pattern for a substring (with `\` as the escape character).
fn like(word: &str) -> String {
    let escaped = word.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    format!("%{escaped}%")
}

impl Store {
    /// Messages matching every word of `query`, newest first, at most `limit`. Newest
    /// means written last (the highest message id, the order every index already holds
    /// its entries in): the query reads matches in that order and stops after `limit`,
    /// making snippets only for those, so a word found in every message costs no more
    /// than a rare one.
    pub fn search(&self, query: &str, limit: usize) -> rusqlite::Result<Vec<Hit>> {
        let terms: Vec<Term> = query.split_whitespace().map(classify).collect();
        let words: Vec<String> = terms
            .iter()
            .filter_map(|t| match t {
                Term::Word(w) => Some(format!("{}*", quoted(w))),
                _ => None,
            })
            .collect();
        let grams: Vec<String> = terms
            .iter()
            .filter_map(|t| match t {
                Term::Gram(g) => Some(quoted(g)),
                _ => None,
            })
            .collect();
        let scans: Vec<&str> = terms
            .iter()
            .filter_map(|t| match t {
                Term::Scan(s) => Some(s.as_str()),
                _ => None,
            })
            .collect();
        if terms.is_empty() {
            return Ok(Vec::new());
        }
        let mut params: Vec<String> = Vec::new();
        let mut conditions: Vec<String> = Vec::new();
        // The index that gives the snippet is the one the query is made from.
        let (from, snippet) = if !words.is_empty() {
            params.push(words.join(" "));
            conditions.push("messages_fts MATCH ?".into());
            (
                "messages_fts JOIN messages m ON m.id = messages_fts.rowid",
                Some("messages_fts"),
            )
        } else if !grams.is_empty() {
            (
                "messages_cjk JOIN messages m ON m.id = messages_cjk.rowid",
                Some("messages_cjk"),
            )
        } else {
            ("messages m", None)
        };
        if !grams.is_empty() {
            params.push(grams.join(" "));
            conditions.push(if snippet == Some("messages_cjk") {
                "messages_cjk MATCH ?".into()
            } else {
                "m.id IN (SELECT rowid FROM messages_cjk WHERE messages_cjk MATCH ?)".into()
            });
        }
        for scan in &scans {
            params.push(like(scan));
            conditions.push("m.text LIKE ? ESCAPE '\\'".into());
        }
        let snippet_sql = match snippet {
            Some(table) => format!(
                "snippet({table}, 0, '{MARK_START}', '{MARK_END}', '…', {tokens})",
                tokens = if table == "messages_cjk" {
                    SNIPPET_TOKENS * 3
                } else {
                    SNIPPET_TOKENS
                }
            ),
            None => "m.text".into(),
        };
        let sql = format!(
            "SELECT m.id, m.role, m.updated_ms, t.persona_name, t.title, t.id,
                    (SELECT ct.comparison_id FROM comparison_threads ct
                     WHERE ct.thread_id = t.id ORDER BY ct.comparison_id DESC LIMIT 1),
                    {snippet_sql}
             FROM {from} JOIN threads t ON t.id = m.thread_id
             WHERE {}
             ORDER BY {order} DESC
             LIMIT {limit}",
            conditions.join(" AND "),
            order = match snippet {
                Some(table) => format!("{table}.rowid"),
                None => "m.id".into(),
            },
        );
        let mut stmt = self.conn.prepare(&sql)?;
        let hits = stmt
            .query_map(params_from_iter(params.iter()), |r| {
                let conversation = match opt_text(r, 6).and_then(|c| c.parse().ok()) {
                    Some(c) => ConversationId::Comparison(c),
                    None => ConversationId::Thread(int(r, 5)),
                };
                let raw = text(r, 7);
                Ok(Hit {
                    conversation,
                    message_id: int(r, 0),
                    role: super::op::Role::parse(&text(r, 1)),
                    updated_ms: int(r, 2),
                    persona_name: text(r, 3),
                    title: text(r, 4),
                    snippet: match (snippet, scans.first()) {
                        (None, Some(scan)) => around(&raw, scan),
                        _ => raw,
                    },
                })
            })?
            .collect::<Result<_, _>>()?;
        Ok(hits)
    }
}

/// The text around the first occurrence of `needle`, marked; the start of the text when
/// it does not occur as written (`LIKE` also matches ASCII letters in another case).
fn around(text: &str, needle: &str) -> String {
    let Some(start) = text.find(needle) else {
        return text.chars().take(CONTEXT_CHARS * 2).collect();
    };
    let end = (start + needle.len()).min(text.len());
    let (before, rest) = text.split_at(start);
    let (hit, after) = rest.split_at(end - start);
    let lead: String = {
        let chars: Vec<char> = before.chars().rev().take(CONTEXT_CHARS).collect();
        chars.into_iter().rev().collect()
    };
    let tail: String = after.chars().take(CONTEXT_CHARS).collect();
    let open = if lead.len() < before.len() { "…" } else { "" };
    let close = if tail.len() < after.len() { "…" } else { "" };
    format!("{open}{lead}{MARK_START}{hit}{MARK_END}{tail}{close}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_classified_by_script() {
        assert_eq!(classify("pric"), Term::Word("pric".into()));
        assert_eq!(
            classify("안녕"),
            Term::Word("안녕".into()),
            "Hangul is written with spaces"
        );
        assert_eq!(classify("東京タワー"), Term::Gram("東京タワー".into()));
        assert_eq!(classify("天気"), Term::Scan("天気".into()));
        assert_eq!(classify("🎉"), Term::Scan("🎉".into()));
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
        assert_eq!(like("50%_\\"), "%50\\%\\_\\\\%");
    }

    #[test]
    fn a_scanned_match_is_marked_in_its_context() {
        let s = around("the party 🎉 was great", "🎉");
        assert_eq!(s, format!("the party {MARK_START}🎉{MARK_END} was great"));
        let long = format!("{}天気{}", "あ".repeat(100), "い".repeat(100));
        let s = around(&long, "天気");
        assert!(s.starts_with('…') && s.ends_with('…'), "{s}");
        assert_eq!(s.chars().filter(|c| *c == 'あ').count(), CONTEXT_CHARS);
    }
}

//! `mavera-tui history`: the conversation history from the shell — listed newest first,
//! searched, as JSON, or deleted.
//!
//! Owns: the listing's and the hits' layout (a conversation is `t<N>`, a thread, or
//! `c<N>`, personas side by side; dates in UTC; credits as the app says them: `N+` when
//! some were not reported, `—` when none were), marking matches `[like this]`, and the
//! rules for deleting: asked on a terminal, `--yes` for scripts, refused otherwise. Reading
//! never creates the file, and works while the app is running (what it has written so
//! far). Every stored text is sanitised before it is printed. Does not own: the database
//! (`crate::history`).

use std::collections::HashMap;
use std::io::{BufRead, IsTerminal};

use clap::Args;
use serde_json::json;
use unicode_width::UnicodeWidthStr;

use super::out::{note, Out};
use super::CliError;
use crate::app::credits::CreditSum;
use crate::config::Loaded;
use crate::dates::{iso, minute as date};
use crate::history::read::Credits;
use crate::history::search::{Hit, MARK_END, MARK_START};
use crate::history::{self, ConversationId, Role, Store, Summary};
use crate::sanitize::clean_line;
use crate::view::words;

#[derive(Debug, Args)]
pub struct HistoryArgs {
    /// Show the messages matching these words, each with the matching part marked
    /// [like this]. Every word must match: as the start of a word (any case, accents
    /// ignored), or anywhere in text written without spaces (Chinese, Japanese, Thai, ...),
    /// emoji and symbols.
    #[arg(long, value_name = "WORDS", conflicts_with = "clear")]
    pub search: Option<String>,
    /// Print JSON (for scripts) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Delete every conversation in the history. Asks first on a terminal; elsewhere
    /// needs --yes.
    #[arg(long)]
    pub clear: bool,
    /// With --clear: delete without asking (for scripts).
    #[arg(long, requires = "clear")]
    pub yes: bool,
}

/// Most hits a search shows.
const MAX_HITS: usize = 200;
/// Widest persona and title columns.
const PERSONAS_WIDTH: usize = 32;

pub async fn run(args: HistoryArgs, loaded: &Loaded, env: &HashMap<String, String>) -> Result<(), CliError> {
    let path = history::file(env).ok_or_else(|| {
        CliError::Usage("there is no home folder to find the history in (set HOME or XDG_DATA_HOME)".into())
    })?;
    if !path.exists() {
        if !loaded.settings.history.enabled {
            note("note: the history is turned off ([history] enabled = false)");
        }
        if args.clear {
            note("the history is empty: nothing to delete");
            return Ok(());
        }
        if !args.json {
            note(&format!(
                "no conversations yet (the history is kept in {})",
                path.display()
            ));
        }
        return print_empty(args.json);
    }
    if args.clear {
        return clear(&path, &args).await;
    }
    let query = args.search.clone();
    let read = tokio::task::spawn_blocking(move || {
        let store = Store::open_for_reading(&path).map_err(|e| CliError::History(e.to_string()))?;
        let failed = |e: rusqlite::Error| CliError::History(format!("could not read the history: {e}"));
        match query {
            Some(q) => store.search(&q, MAX_HITS).map(Found::Hits).map_err(failed),
            None => store.list().map(Found::List).map_err(failed),
        }
    })
    .await
    .map_err(|e| CliError::History(format!("could not read the history: {e}")))??;
    match read {
        Found::List(list) if args.json => print_json(&list.iter().map(summary_json).collect::<Vec<_>>()),
        Found::List(list) => print_list(&list),
        Found::Hits(hits) if args.json => print_json(&hits.iter().map(hit_json).collect::<Vec<_>>()),
        Found::Hits(hits) => print_hits(&hits),
    }
}

enum Found {
    List(Vec<Summary>),
    Hits(Vec<Hit>),
}

fn print_empty(json: bool) -> Result<(), CliError> {
    if json {
        let mut out = Out::default();
        out.line("[]")?;
        return out.flush();
    }
    Ok(())
}

async fn clear(path: &std::path::Path, args: &HistoryArgs) -> Result<(), CliError> {
    let interactive = std::io::stdin().is_terminal();
    if !args.yes && !interactive {
        return Err(CliError::Usage(
            "refusing to delete the history without confirmation: run it in a terminal, or add --yes".into(),
        ));
    }
    let path = path.to_owned();
    let opened = {
        let path = path.clone();
        tokio::task::spawn_blocking(move || {
            let store = Store::open(&path).map_err(|e| CliError::History(e.to_string()))?;
            let count = store
                .list()
                .map_err(|e| CliError::History(format!("could not read the history: {e}")))?
                .len();
            Ok::<_, CliError>((store, count))
        })
        .await
        .map_err(|e| CliError::History(e.to_string()))??
    };
    let (mut store, count) = opened;
    if !args.yes
        && !confirm(&format!(
            "Delete all {count} conversation{} in {}? This cannot be undone. [y/N] ",
            if count == 1 { "" } else { "s" },
            path.display()
        ))
    {
        note("nothing was deleted");
        return Ok(());
    }
    tokio::task::spawn_blocking(move || store.clear())
        .await
        .map_err(|e| CliError::History(e.to_string()))?
        .map_err(|e| CliError::History(format!("could not delete the history: {e}")))?;
    if args.json {
        return print_json(&[json!({"deleted": count})]);
    }
    note(&format!(
        "deleted {count} conversation{}",
        if count == 1 { "" } else { "s" }
    ));
    Ok(())
}

/// Asks on the terminal; only `y` or `yes` is a yes.
fn confirm(question: &str) -> bool {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{question}");
    let _ = err.flush();
    let mut answer = String::new();
    if std::io::stdin().lock().read_line(&mut answer).is_err() {
        return false;
    }
    matches!(answer.trim().to_lowercase().as_str(), "y" | "yes")
}

fn print_json<T: serde::Serialize>(value: &T) -> Result<(), CliError> {
    let mut out = Out::default();
    out.line(&serde_json::to_string_pretty(value).unwrap_or_default())?;
    out.flush()
}

fn credits(c: Credits) -> String {
    let sum = CreditSum {
        spent: c.spent,
        unreported: c.unreported,
        answers: c.answers,
    };
    words::total(sum.total(None))
}

fn personas(list: &[String]) -> String {
    let names: Vec<String> = list
        .iter()
        .map(|p| clean_line(p))
        .map(|p| {
            if p.trim().is_empty() {
                "(no persona)".to_owned()
            } else {
                p
            }
        })
        .collect();
    names.join(", ")
}

fn print_list(list: &[Summary]) -> Result<(), CliError> {
    let mut out = Out::default();
    if list.is_empty() {
        note("no conversations yet");
        return Ok(());
    }
    let id_width = list.iter().map(|s| s.id.label().len()).max().unwrap_or(2).max(2);
    let persona_width = list
        .iter()
        .map(|s| personas(&s.personas).width())
        .max()
        .unwrap_or(0)
        .clamp("PERSONA".len(), PERSONAS_WIDTH);
    out.line(&format!(
        "{:<id_width$}  {:<16}  {}  {:>7}  {:>7}  TITLE",
        "ID",
        "UPDATED (UTC)",
        pad("PERSONA", persona_width),
        "ANSWERS",
        "CREDITS"
    ))?;
    for s in list {
        out.line(&format!(
            "{:<id_width$}  {}  {}  {:>7}  {:>7}  {}",
            s.id.label(),
            date(s.updated_ms),
            pad(&personas(&s.personas), persona_width),
            s.answers,
            credits(s.credits),
            clean_line(&s.title)
        ))?;
    }
    out.flush()
}

fn print_hits(hits: &[Hit]) -> Result<(), CliError> {
    if hits.is_empty() {
        note("no messages match");
        return Ok(());
    }
    let mut out = Out::default();
    // Grouped by conversation, in the order of each one's newest hit.
    let mut order: Vec<ConversationId> = Vec::new();
    for h in hits {
        if !order.contains(&h.conversation) {
            order.push(h.conversation);
        }
    }
    for (i, id) in order.iter().enumerate() {
        let group: Vec<&Hit> = hits.iter().filter(|h| h.conversation == *id).collect();
        let Some(first) = group.first() else {
            continue;
        };
        if i > 0 {
            out.line("")?;
        }
        out.line(&format!(
            "{}  {}  {} · {}",
            id.label(),
            date(first.updated_ms),
            personas(std::slice::from_ref(&first.persona_name)),
            clean_line(&first.title)
        ))?;
        for h in group {
            let who = match h.role {
                Role::User => "prompt",
                Role::Assistant => "answer",
            };
            out.line(&format!("    {who}: {}", marked(&h.snippet)))?;
        }
    }
    out.flush()
}

/// A snippet, sanitised, its matches between `[` and `]`.
fn marked(snippet: &str) -> String {
    clean_line(snippet)
        .trim()
        .replace(MARK_START, "[")
        .replace(MARK_END, "]")
}

fn summary_json(s: &Summary) -> serde_json::Value {
    let sum = CreditSum {
        spent: s.credits.spent,
        unreported: s.credits.unreported,
        answers: s.credits.answers,
    };
    let (amount, exact) = match sum.total(None) {
        crate::app::credits::CreditTotal::Exact(c) => (Some(c), true),
        crate::app::credits::CreditTotal::AtLeast(c) => (Some(c), false),
        _ => (None, false),
    };
    json!({
        "id": s.id.label(),
        "kind": match s.id { ConversationId::Thread(_) => "thread", ConversationId::Comparison(_) => "comparison" },
        "created_ms": s.created_ms,
        "updated_ms": s.updated_ms,
        "updated": iso(s.updated_ms),
        "personas": s.personas.iter().map(|p| clean_line(p)).collect::<Vec<_>>(),
        "title": clean_line(&s.title),
        "answers": s.answers,
        "credits": amount,
        "credits_exact": exact,
    })
}

fn hit_json(h: &Hit) -> serde_json::Value {
    json!({
        "conversation": h.conversation.label(),
        "message": h.message_id,
        "role": h.role.as_str(),
        "persona": clean_line(&h.persona_name),
        "title": clean_line(&h.title),
        "updated_ms": h.updated_ms,
        "updated": iso(h.updated_ms),
        "snippet": marked(&h.snippet),
    })
}

/// `text` padded (or cut, with `…`) to `width` terminal cells.
fn pad(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut used = 0;
    let cut = text.width() > width;
    for c in text.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > width.saturating_sub(usize::from(cut)) {
            break;
        }
        out.push(c);
        used += w;
    }
    if cut {
        out.push('…');
        used += 1;
    }
    out.push_str(&" ".repeat(width.saturating_sub(used)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(date(0), "1970-01-01 00:00");
        assert_eq!(iso(951_782_400_000), "2000-02-29T00:00:00Z");
        assert_eq!(date(1_776_159_000_000), "2026-04-14 09:30");
        assert_eq!(iso(-1000), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn columns_are_padded_and_cut_by_cells() {
        assert_eq!(pad("CFO", 5), "CFO  ");
        assert_eq!(pad("東京タワー", 5), "東京…");
        assert_eq!(pad("東京タワー", 5).width(), 5);
        assert_eq!(marked("a \u{e000}hit\u{e001}\u{1b}[2J b\n"), "a [hit] b");
    }
}

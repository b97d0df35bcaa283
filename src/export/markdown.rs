//! A conversation as Markdown, for people: its title, persona(s), times, and every message
//! with who wrote it, how it ended, its tokens and credits. A comparison gets a table of
//! each persona's tokens and credits first, then one section per persona in column order.
//!
//! Owns: that layout, and the dates as written in exports and listings (`date`, `iso`:
//! UTC). Every stored text is sanitised here (`sanitize::clean`, `clean_line` for
//! one-line fields): the file may be `cat` to a terminal. Times the archive does not know
//! (0: threads exported from the screen) are left out. Does not own: the amounts' wording
//! (`view::words`), or the archive (`history::archive`).

use std::fmt::Write;

use crate::api::wire::Usage;
use crate::app::credits::CreditSum;
pub use crate::dates::iso;
use crate::history::archive::{Archive, ArchiveMessage, ArchiveThread};
use crate::history::op::CHARGED;
use crate::history::Status;
use crate::sanitize::{clean, clean_line};
use crate::view::words;

/// The archive as Markdown (ends with a newline).
pub fn markdown(archive: &Archive) -> String {
    let mut md = String::new();
    let title = archive
        .comparison
        .as_ref()
        .map(|c| c.title.as_str())
        .or_else(|| archive.threads.first().map(|t| t.title.as_str()))
        .map(clean_line)
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| "Conversation".into());
    let _ = writeln!(md, "# {}\n", title.trim());
    if !archive.id.is_empty() {
        let _ = writeln!(md, "- Conversation: `{}`", clean_line(&archive.id));
    }
    let names: Vec<String> = archive.threads.iter().map(persona).collect();
    let label = if names.len() == 1 { "Persona" } else { "Personas" };
    let _ = writeln!(md, "- {label}: {}", names.join(", "));
    let created = archive
        .comparison
        .as_ref()
        .map(|c| c.created_ms)
        .into_iter()
        .chain(archive.threads.iter().map(|t| t.created_ms))
        .filter(|&ms| ms > 0)
        .min();
    let updated = archive
        .threads
        .iter()
        .map(|t| t.updated_ms)
        .max()
        .filter(|&ms| ms > 0);
    if let Some(ms) = created {
        let _ = writeln!(md, "- Started: {}", date(ms));
    }
    if let Some(ms) = updated {
        let _ = writeln!(md, "- Updated: {}", date(ms));
    }
    let all: Vec<&ArchiveMessage> = archive.threads.iter().flat_map(|t| &t.messages).collect();
    let _ = writeln!(md, "- Credits: {}", credits(&all));
    if archive.threads.len() > 1 {
        md.push_str("\n| Persona | Answers | Input tokens | Output tokens | Credits |\n");
        md.push_str("|---|---:|---:|---:|---:|\n");
        for (t, name) in archive.threads.iter().zip(&names) {
            let messages: Vec<&ArchiveMessage> = t.messages.iter().collect();
            let answers = messages.iter().filter(|m| m.role != "user").count();
            let _ = writeln!(
                md,
                "| {} | {answers} | {} | {} | {} |",
                name.replace('|', "\\|"),
                tokens(&messages, |u| u.input_tokens),
                tokens(&messages, |u| u.output_tokens),
                credits(&messages)
            );
        }
    }
    for (t, name) in archive.threads.iter().zip(&names) {
        if archive.threads.len() > 1 {
            let _ = writeln!(md, "\n## {name}");
        }
        thread(&mut md, t, name);
    }
    md
}

fn thread(md: &mut String, t: &ArchiveThread, name: &str) {
    if let Some(instructions) = t
        .instructions
        .as_deref()
        .map(clean)
        .filter(|i| !i.trim().is_empty())
    {
        // A quote block per line: instructions may hold several.
        md.push_str("\n**Instructions:**\n\n");
        for line in instructions.trim().lines() {
            let _ = writeln!(md, "> {line}");
        }
    }
    for m in &t.messages {
        let mut heading = if m.role == "user" {
            "You".to_owned()
        } else {
            name.to_owned()
        };
        let status = Status::parse(&m.status);
        if m.role != "user" && status != Status::Complete {
            let _ = write!(heading, " ({})", status.as_str());
        }
        if m.created_ms > 0 {
            let _ = write!(heading, " · {}", date(m.created_ms));
        }
        let _ = writeln!(md, "\n### {heading}\n");
        let text = clean(&m.text);
        let text = text.trim_end();
        if text.is_empty() {
            md.push_str("_(no text)_\n");
        } else {
            let _ = writeln!(md, "{text}");
        }
        // Images attached to a prompt: what they were (the history keeps no image).
        for label in crate::app::attach::stored_labels(&m.parts) {
            let _ = writeln!(md, "\n_Image: {}_", clean_line(&label));
        }
        if let Some(error) = m
            .error
            .as_deref()
            .map(clean_line)
            .filter(|e| !e.trim().is_empty())
        {
            let _ = writeln!(md, "\n> {}", error.trim());
        }
        if m.role != "user" {
            let _ = writeln!(md, "\n_{}_", words::usage(usage(m).as_ref()));
        }
    }
}

fn persona(t: &ArchiveThread) -> String {
    let name = clean_line(&t.persona_name);
    let name = name.trim();
    if name.is_empty() {
        "(no persona)".into()
    } else {
        name.to_owned()
    }
}

fn usage(m: &ArchiveMessage) -> Option<Usage> {
    m.usage.clone().and_then(|u| serde_json::from_value(u).ok())
}

/// A sum of token counts; `—` when no answer reported any.
fn tokens(messages: &[&ArchiveMessage], pick: fn(&Usage) -> Option<u64>) -> String {
    let counts: Vec<u64> = messages
        .iter()
        .filter_map(|m| usage(m).as_ref().and_then(pick))
        .collect();
    if counts.is_empty() {
        "—".into()
    } else {
        counts.iter().sum::<u64>().to_string()
    }
}

/// What the answers cost, as the app says it: `N+` when some costs were not reported.
fn credits(messages: &[&ArchiveMessage]) -> String {
    let mut sum = CreditSum::default();
    for m in messages.iter().filter(|m| m.role != "user") {
        let cost = m.credits.or_else(|| usage(m).and_then(|u| u.credits_used));
        if cost.is_some() || CHARGED.contains(&Status::parse(&m.status)) {
            sum.add(cost);
        }
    }
    if sum.answers == 0 {
        // Nothing charged (no answers, or only stopped and failed ones): unknown, never
        // a made-up 0.
        return "—".into();
    }
    words::total(sum.total(None))
}

/// `2026-04-14 09:30 UTC`.
pub fn date(ms: i64) -> String {
    format!("{} UTC", crate::dates::minute(ms))
}

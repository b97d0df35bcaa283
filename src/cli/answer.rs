//! One persona's answer as `ask` keeps it, folded from the same answer events the app
//! reads: the answer's own text (with the server's correction applied), the transcript
//! text mode prints (append-only: the text as it streamed, with labelled lines for
//! refusals, function calls, items of kinds this client does not know and corrections),
//! the structured parts and the ending. Everything printable is sanitised as it arrives.
//!
//! Owns: that fold, and the one-line labels text mode prints for parts. Does not own:
//! the protocol (`api::answer`), printing (`ask`) or the documents (`report`).

use crate::api::wire::Usage;
use crate::api::{AnswerEvent, AnswerPart, ApiError, Ending, Outcome};
use crate::sanitize::{clean, clean_line, Sanitizer};

/// The most characters of an unknown item's summary printed on its line.
const SUMMARY_CHARS: usize = 200;

/// An answer so far.
#[derive(Debug, Clone, Default)]
pub struct Answer {
    /// What text mode prints, append-only and safe to print: the streamed text, with a
    /// labelled paragraph for each part worth a mention (see `label`).
    pub text: String,
    /// Raw, as the server sent them: sanitise where shown.
    pub parts: Vec<AnswerPart>,
    /// `None` while the answer runs.
    pub ending: Option<Ending>,
    /// The answer's own text as it streamed (sanitised), without labels.
    streamed: String,
    /// The server's final text when it corrected the streamed one (sanitised).
    corrected: Option<String>,
    /// Whether the last thing added to `text` was a label (the next text starts a new
    /// paragraph).
    after_label: bool,
    clean: Sanitizer,
}

impl Answer {
    /// Applies one event (`Retrying` and `Opened` change nothing here).
    pub fn apply(&mut self, event: AnswerEvent) {
        match event {
            AnswerEvent::Text(text) => {
                let safe = self.clean.clean(&text);
                if self.after_label && !safe.is_empty() {
                    self.text.push_str("\n\n");
                    self.after_label = false;
                }
                self.text.push_str(&safe);
                self.streamed.push_str(&safe);
            }
            AnswerEvent::Part(part) => {
                if let AnswerPart::Corrected(text) = &part {
                    self.corrected = Some(clean(text));
                }
                if let Some(label) = label(&part) {
                    if !self.text.is_empty() {
                        self.text
                            .push_str(if self.text.ends_with('\n') { "\n" } else { "\n\n" });
                    }
                    self.text.push_str(&label);
                    self.after_label = true;
                }
                self.parts.push(part);
            }
            AnswerEvent::Ended(ending) => self.ending = Some(ending),
            // The final call is printed when it comes (`Part(FunctionCall)`).
            AnswerEvent::Retrying { .. } | AnswerEvent::Opened | AnswerEvent::CallArguments { .. } => {}
        }
    }

    /// The answer's text: the server's final text when it corrected what streamed, else
    /// the streamed text. Safe to print; no labels.
    pub fn answer_text(&self) -> &str {
        self.corrected.as_deref().unwrap_or(&self.streamed)
    }

    /// Whether the server's final text replaced what streamed.
    pub fn corrected(&self) -> bool {
        self.corrected.is_some()
    }

    /// The reasons the model gave for declining (raw); empty when it did not decline.
    pub fn refusals(&self) -> Vec<&str> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                AnswerPart::Refusal(reason) => Some(reason.as_str()),
                _ => None,
            })
            .collect()
    }

    pub fn usage(&self) -> Option<&Usage> {
        self.ending.as_ref().and_then(|e| e.usage.as_ref())
    }

    pub fn outcome(&self) -> Option<&Outcome> {
        self.ending.as_ref().map(|e| &e.outcome)
    }

    /// Why the answer did not complete, when it failed or broke off.
    pub fn error(&self) -> Option<&ApiError> {
        match self.outcome() {
            Some(Outcome::Failed(e)) | Some(Outcome::Interrupted(e)) => Some(e),
            _ => None,
        }
    }
}

/// How text mode (and the Markdown document) mentions a part, sanitised (an analysis
/// as its short summary: `cli::analysis`).
pub fn label(part: &AnswerPart) -> Option<String> {
    match part {
        AnswerPart::Refusal(reason) if reason.trim().is_empty() => {
            Some("⚠ Refused: the model declined to answer (no reason given)".into())
        }
        AnswerPart::Refusal(reason) => Some(format!("⚠ Refused: {}", clean(reason.trim()))),
        AnswerPart::FunctionCall { name, arguments, .. } => {
            let args = AnswerPart::summary(&serde_json::Value::String(arguments.clone()), SUMMARY_CHARS);
            let args = serde_json::from_str::<serde_json::Value>(arguments)
                .map(|v| v.to_string())
                .unwrap_or(args);
            Some(format!(
                "[function_call] {}({})",
                clean_line(name),
                clean_line(&cut(&args, SUMMARY_CHARS))
            ))
        }
        AnswerPart::Other { kind, item } => {
            let summary = clean_line(&AnswerPart::summary(item, SUMMARY_CHARS));
            Some(format!("[{}] {summary}", clean_line(kind)).trim_end().to_owned())
        }
        AnswerPart::Corrected(text) => Some(format!(
            "[corrected] the server's final text differs from what streamed; it reads:\n\n{}",
            clean(text)
        )),
        AnswerPart::Analysis(value) => Some(super::analysis::summary(value)),
        // Never kept here: the CLI prints calls when they are whole.
        AnswerPart::CallStreaming { .. } => None,
    }
}

fn cut(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn fold(events: Vec<AnswerEvent>) -> Answer {
        let mut a = Answer::default();
        for e in events {
            a.apply(e);
        }
        a
    }

    #[test]
    fn text_mode_mentions_refusals_unknown_items_and_corrections_with_labels() {
        let a = fold(vec![
            AnswerEvent::Text("Helo \u{1b}[31mwrld".into()),
            AnswerEvent::Part(AnswerPart::Other {
                kind: "web_search_call".into(),
                item: json!({"type": "web_search_call", "id": "ws\u{1b}[2J"}),
            }),
            AnswerEvent::Part(AnswerPart::Refusal("Not that part.".into())),
            AnswerEvent::Part(AnswerPart::Analysis(json!({"confidence": 7}))),
            AnswerEvent::Part(AnswerPart::Corrected("Hello world".into())),
            AnswerEvent::Ended(Ending::default()),
        ]);
        assert_eq!(a.answer_text(), "Hello world");
        assert!(a.corrected());
        assert_eq!(a.refusals(), ["Not that part."]);
        assert_eq!(
            a.text,
            "Helo wrld\n\n[web_search_call] {\"id\":\"ws\\u001b[2J\"}\n\n⚠ Refused: Not that part.\n\n\
             [analysis] confidence 7/10\n\n\
             [corrected] the server's final text differs from what streamed; it reads:\n\nHello world"
        );
        assert_eq!(a.parts.len(), 4);
    }

    #[test]
    fn text_after_a_label_starts_a_new_paragraph() {
        let a = fold(vec![
            AnswerEvent::Part(AnswerPart::FunctionCall {
                call_id: "c".into(),
                name: "lookup".into(),
                arguments: "{ \"q\": 1 }".into(),
            }),
            AnswerEvent::Text("Then text.".into()),
        ]);
        assert_eq!(a.text, "[function_call] lookup({\"q\":1})\n\nThen text.");
        assert_eq!(a.answer_text(), "Then text.");
    }
}

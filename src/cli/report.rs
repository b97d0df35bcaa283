//! Whole-comparison documents for `ask --format json|markdown`: one answer per persona,
//! with its status and usage, so comparisons can be saved and diffed.
//!
//! Owns: both document shapes. Each answer carries its text (the server's final text
//! when it corrected what streamed), whether the model refused (`refused`, `refusal`)
//! and every part — refusals, analysis, function calls, and items of kinds this client
//! does not know — in JSON as `parts`, in Markdown as labelled lines under the text.
//! Every piece of remote text, inside JSON values too, is sanitised. Does not own:
//! running the requests (`ask`) or the part labels (`answer::label`).

use serde_json::{json, Map, Value};

use super::answer::{label, Answer};
use crate::api::{AnswerPart, Outcome};
use crate::catalog::{PersonaEntry, PersonaSource};
use crate::sanitize::{clean, clean_line};

/// How `ask` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    /// Answers stream to stdout as they arrive; usage lines go to stderr.
    #[default]
    Text,
    /// One JSON document once every answer is in.
    Json,
    /// One Markdown document once every answer is in.
    Markdown,
    /// With `--schema`: a CSV table, one row per persona, one column per top-level field.
    Csv,
}

/// `(status, error)` of an answer.
fn status(answer: &Answer) -> (&'static str, Option<String>) {
    match answer.outcome() {
        Some(Outcome::Completed) => ("completed", None),
        Some(Outcome::Incomplete { reason }) => ("incomplete", Some(clean_line(reason))),
        Some(Outcome::Failed(e)) => ("failed", Some(clean_line(&e.to_string()))),
        Some(Outcome::Interrupted(e)) => ("interrupted", Some(clean_line(&e.to_string()))),
        None => ("unknown", None),
    }
}

pub fn json_document(prompt: &str, model: &str, answers: &[(Option<&PersonaEntry>, &Answer)]) -> Value {
    let items: Vec<Value> = answers
        .iter()
        .map(|(persona, answer)| {
            let (status, error) = status(answer);
            let refusals = answer.refusals();
            json!({
                "persona": persona.map(|p| json!({
                    "id": clean_line(&p.id),
                    "name": clean_line(&p.name),
                    "category": clean_line(&p.category),
                    "source": match p.source { PersonaSource::Local => "local", PersonaSource::Custom => "custom", PersonaSource::Server => "server" },
                })),
                "text": clean(answer.answer_text()),
                "status": status,
                "error": error,
                "refused": !refusals.is_empty(),
                "refusal": (!refusals.is_empty()).then(|| clean(&refusals.join("\n"))),
                "corrected": answer.corrected(),
                "parts": answer.parts.iter().filter_map(part_json).collect::<Vec<_>>(),
                "usage": answer.usage(),
            })
        })
        .collect();
    let total: f64 = answers
        .iter()
        .filter_map(|(_, a)| a.usage().and_then(|u| u.credits_used))
        .sum();
    let all_reported = answers
        .iter()
        .all(|(_, a)| a.usage().and_then(|u| u.credits_used).is_some());
    json!({
        "prompt": prompt,
        "model": model,
        "answers": items,
        "credits_used": all_reported.then_some(total),
    })
}

pub fn markdown_document(prompt: &str, model: &str, answers: &[(Option<&PersonaEntry>, &Answer)]) -> String {
    let mut out = format!("# {}\n\n", first_line(prompt));
    for line in prompt.lines() {
        out.push_str(&format!("> {line}\n"));
    }
    out.push_str(&format!("\n*model {model} · {} answers*\n", answers.len()));
    for (persona, answer) in answers {
        let heading = match persona {
            Some(p) if !p.category.is_empty() => {
                format!("{} ({})", clean_line(p.label()), clean_line(&p.category))
            }
            Some(p) => clean_line(p.label()),
            None => "Answer".into(),
        };
        out.push_str(&format!(
            "\n## {heading}\n\n{}\n\n",
            clean(answer.answer_text().trim_end())
        ));
        for part in answer
            .parts
            .iter()
            .filter(|p| !matches!(p, AnswerPart::Corrected(_)))
        {
            if let Some(line) = label(part) {
                out.push_str(&format!("> {}\n\n", line.replace('\n', "\n> ")));
            }
        }
        let (status, error) = status(answer);
        let mut meta = crate::view::words::usage(answer.usage());
        if status != "completed" {
            meta.push_str(&format!(" · {status}"));
        }
        if let Some(e) = error {
            meta.push_str(&format!(": {e}"));
        }
        out.push_str(&format!("*{meta}*\n"));
    }
    out
}

/// One part as `--json` lists it (`None` for the correction: `text` already is it).
fn part_json(part: &AnswerPart) -> Option<Value> {
    Some(match part {
        AnswerPart::Refusal(reason) => json!({"type": "refusal", "text": clean(reason)}),
        AnswerPart::Analysis(value) => json!({"type": "analysis", "analysis": clean_value(value)}),
        AnswerPart::FunctionCall {
            call_id,
            name,
            arguments,
        } => json!({
            "type": "function_call",
            "call_id": clean_line(call_id),
            "name": clean_line(name),
            "arguments": clean(arguments),
        }),
        AnswerPart::Other { kind, item } => json!({
            "type": "other",
            "kind": clean_line(kind),
            "item": clean_value(item),
        }),
        AnswerPart::Corrected(_) | AnswerPart::CallStreaming { .. } => return None,
    })
}

/// A JSON value with every string (keys too) sanitised.
pub(super) fn clean_value(value: &Value) -> Value {
    match value {
        Value::String(s) => Value::String(clean(s)),
        Value::Array(items) => Value::Array(items.iter().map(clean_value).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (clean_line(k), clean_value(v)))
                .collect::<Map<String, Value>>(),
        ),
        other => other.clone(),
    }
}

fn first_line(prompt: &str) -> String {
    let line = prompt.lines().next().unwrap_or_default();
    crate::view::wrap::ellipsize(&clean_line(line), 80)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::Usage;
    use crate::api::ApiError;

    fn answer(text: &str, credits: Option<f64>, outcome: Outcome) -> Answer {
        let mut a = Answer::default();
        a.apply(crate::api::AnswerEvent::Text(text.into()));
        a.ending = Some(crate::api::Ending {
            outcome,
            usage: Some(Usage {
                total_tokens: Some(10),
                credits_used: credits,
                ..Usage::default()
            }),
            response_id: None,
            rate_limit: None,
            origin: None,
        });
        a
    }

    fn persona(name: &str) -> PersonaEntry {
        PersonaEntry {
            id: format!("c-{name}"),
            name: name.into(),
            category: "Professional".into(),
            description: String::new(),
            source: PersonaSource::Server,
            prompt: None,
        }
    }

    #[test]
    fn json_lists_every_answer_with_usage_and_the_total() {
        let (a, b) = (persona("CFO"), persona("Engineer"));
        let one = answer("numbers", Some(2.0), Outcome::Completed);
        let two = answer("code\u{1b}[2J", Some(3.0), Outcome::Completed);
        let doc = json_document("q", "mavera-1", &[(Some(&a), &one), (Some(&b), &two)]);
        assert_eq!(doc["answers"][1]["text"], "code");
        assert_eq!(doc["answers"][0]["persona"]["name"], "CFO");
        assert_eq!(doc["credits_used"], 5.0);
        let three = answer("?", None, Outcome::Completed);
        let doc = json_document("q", "m", &[(Some(&a), &three)]);
        assert!(doc["credits_used"].is_null(), "unknown, not zero");
    }

    #[test]
    fn refusals_corrections_and_unknown_items_are_in_both_documents() {
        let mut a = answer("Helo", Some(1.0), Outcome::Completed);
        for part in [
            AnswerPart::Refusal("Not \u{1b}[1mthis.".into()),
            AnswerPart::Other {
                kind: "web_search_call".into(),
                item: serde_json::json!({"type": "web_search_call", "query\u{1b}[2J": "q\u{7}"}),
            },
            AnswerPart::Analysis(serde_json::json!({"confidence": 7})),
            AnswerPart::Corrected("Hello".into()),
        ] {
            a.apply(crate::api::AnswerEvent::Part(part));
        }
        let doc = json_document("q", "m", &[(None, &a)]);
        let one = &doc["answers"][0];
        assert_eq!(one["text"], "Hello");
        assert_eq!(one["status"], "completed");
        assert_eq!(one["refused"], true);
        assert_eq!(one["refusal"], "Not this.");
        assert_eq!(one["corrected"], true);
        let kinds: Vec<&str> = one["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .filter_map(|p| p["type"].as_str())
            .collect();
        assert_eq!(kinds, ["refusal", "other", "analysis"]);
        assert_eq!(one["parts"][1]["item"]["query"], "q", "sanitised keys and values");
        assert_eq!(one["parts"][2]["analysis"]["confidence"], 7);
        let plain = json_document("q", "m", &[(None, &answer("fine", None, Outcome::Completed))]);
        assert_eq!(plain["answers"][0]["refused"], false);
        assert!(plain["answers"][0]["refusal"].is_null());

        let md = markdown_document("q", "m", &[(None, &a)]);
        assert!(
            md.contains("## Answer\n\nHello\n\n> ⚠ Refused: Not this.\n\n"),
            "{md}"
        );
        assert!(
            md.contains("> [web_search_call] {\"query\\u001b[2J\":\"q\\u0007\"}"),
            "{md}"
        );
        assert!(
            !md.contains("[corrected]"),
            "the document has the final text only: {md}"
        );
    }

    #[test]
    fn markdown_has_a_section_per_persona_and_marks_failures() {
        let a = persona("CFO");
        let failed = answer("", None, Outcome::Failed(ApiError::Interrupted));
        let ok = answer("fine", Some(1.0), Outcome::Completed);
        let doc = markdown_document(
            "Our pricing\nsecond line",
            "mavera-1",
            &[(Some(&a), &ok), (None, &failed)],
        );
        assert!(
            doc.starts_with("# Our pricing\n\n> Our pricing\n> second line\n"),
            "{doc}"
        );
        assert!(
            doc.contains("## CFO (Professional)\n\nfine\n\n*10 tokens · 1 credit*"),
            "{doc}"
        );
        assert!(doc.contains("## Answer"), "{doc}");
        assert!(doc.contains("· failed: the connection closed"), "{doc}");
    }
}

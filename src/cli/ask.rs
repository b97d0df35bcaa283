//! `mavera-tui ask`: one prompt to one or more personas, streamed to stdout.
//!
//! Owns: reading the prompt (argument or stdin), running every persona's request
//! concurrently, and printing: the first answer streams live; later answers, already
//! being received in the background, are printed in order under their headers as soon as
//! their turn comes. Usage lines go to stderr so stdout holds only answers. Does not own:
//! HTTP or streaming (`api`), persona matching (`catalog`).

use std::io::{Read, Write};

use clap::Args;
use tokio::sync::mpsc;

use super::report::{self, Format};
use super::CliError;
use crate::api::retry::with_retry;
use crate::api::wire::Input;
use crate::api::{ApiError, Assembly, Ending, StreamEvent};
use crate::catalog::{self, PersonaEntry};
use crate::connect::Connection;
use crate::sanitize::{clean_line, Sanitizer};

/// The server's documented input limit, enforced before sending anything.
pub const MAX_PROMPT_CHARS: usize = 100_000;

#[derive(Debug, Args)]
pub struct AskArgs {
    /// Persona to ask (name or id; repeat for several, answered concurrently).
    #[arg(long = "persona", short = 'p', value_name = "NAME_OR_ID")]
    pub personas: Vec<String>,
    /// Extra instructions, sent after the persona's own prompt.
    #[arg(long, value_name = "TEXT")]
    pub instructions: Option<String>,
    /// Output: `text` streams answers as they arrive; `json` and `markdown` print one
    /// document with every answer and its usage once all are in.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Shorthand for `--format json`.
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
    /// The prompt; `-` reads it from stdin.
    #[arg(value_name = "PROMPT")]
    pub prompt: Option<String>,
}

/// What a background request reports.
enum Report {
    Text(usize, String),
    Retrying(usize, String),
    Finished(usize, Box<Assembly>),
}

pub async fn run(conn: Connection, args: AskArgs) -> Result<(), CliError> {
    let prompt = read_prompt(args.prompt.as_deref())?;
    let personas = pick_personas(&conn, &args.personas).await?;
    let slots: Vec<Option<PersonaEntry>> = if personas.is_empty() {
        vec![None]
    } else {
        personas.into_iter().map(Some).collect()
    };

    // Unbounded: the printer drains as fast as stdout takes text, and a bounded channel
    // would need the (synchronous) batch callback to wait.
    let (tx, mut rx) = mpsc::unbounded_channel::<Report>();
    for (index, persona) in slots.iter().enumerate() {
        let request = catalog::request(
            &conn.settings,
            persona.as_ref(),
            Input::Text(prompt.clone()),
            args.instructions.clone(),
        );
        let client = conn.client.clone();
        let policy = conn.settings.retry.clone();
        let tx = tx.clone();
        tokio::spawn(async move {
            let mut answer = Assembly::default();
            let notify = tx.clone();
            let opened = with_retry(
                &policy,
                || client.stream_response(&request),
                |err, wait, n| {
                    let note = format!("{err}; retrying in {:.1} s (attempt {n})", wait.as_secs_f64());
                    let _ = notify.send(Report::Retrying(index, note));
                },
            )
            .await;
            match opened {
                Ok(stream) => {
                    let mut clean = Sanitizer::default();
                    stream
                        .drive(&mut answer, |events| {
                            let mut text = String::new();
                            for ev in events {
                                if let StreamEvent::TextDelta { delta, .. } = ev {
                                    clean.push(delta, &mut text);
                                }
                            }
                            if !text.is_empty() {
                                let _ = tx.send(Report::Text(index, text));
                            }
                        })
                        .await;
                }
                Err(err) => answer.ending = Some(Ending::Failed(err)),
            }
            let _ = tx.send(Report::Finished(index, Box::new(answer)));
        });
    }
    drop(tx);

    let format = if args.json { Format::Json } else { args.format };
    let mut printer = Printer::new(&slots, format);
    while let Some(report) = rx.recv().await {
        printer.handle(report);
    }
    printer.finish(&prompt, &conn.settings.model)
}

fn read_prompt(arg: Option<&str>) -> Result<String, CliError> {
    let prompt = match arg {
        Some("-") => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .map_err(|e| CliError::Usage(format!("could not read the prompt from stdin: {e}")))?;
            s
        }
        Some(p) => p.to_owned(),
        None => {
            return Err(CliError::Usage(
                "no prompt given: mavera-tui ask [--persona NAME] \"your question\" (or - for stdin)".into(),
            ))
        }
    };
    let prompt = prompt.trim().to_owned();
    if prompt.is_empty() {
        return Err(CliError::Usage("the prompt is empty".into()));
    }
    let chars = prompt.chars().count();
    if chars > MAX_PROMPT_CHARS {
        return Err(CliError::Usage(format!(
            "the prompt has {chars} characters; the server accepts at most {MAX_PROMPT_CHARS}"
        )));
    }
    Ok(prompt)
}

async fn pick_personas(conn: &Connection, queries: &[String]) -> Result<Vec<PersonaEntry>, CliError> {
    let queries: Vec<String> = if queries.is_empty() {
        conn.settings.default_persona.clone().into_iter().collect()
    } else {
        queries.to_vec()
    };
    if queries.is_empty() {
        return Ok(Vec::new());
    }
    let catalog = with_retry(
        &conn.settings.retry,
        || catalog::load(&conn.client, &conn.settings.personas),
        |err, wait, _| {
            eprintln!("{err}; retrying in {:.1} s", wait.as_secs_f64());
        },
    )
    .await?;
    queries
        .iter()
        .map(|q| {
            catalog
                .resolve(q)
                .cloned()
                .map_err(|e| CliError::Usage(clean_line(&e.to_string())))
        })
        .collect()
}

/// Prints answers in persona order while they arrive in any order.
struct Printer {
    names: Vec<String>,
    buffered: Vec<String>,
    finished: Vec<Option<Assembly>>,
    personas: Vec<Option<PersonaEntry>>,
    current: usize,
    format: Format,
    many: bool,
}

impl Printer {
    fn new(slots: &[Option<PersonaEntry>], format: Format) -> Printer {
        let printer = Printer {
            names: slots
                .iter()
                .map(|p| {
                    p.as_ref()
                        .map(|p| clean_line(p.label()))
                        .unwrap_or_else(|| "(no persona)".into())
                })
                .collect(),
            buffered: vec![String::new(); slots.len()],
            finished: vec![None; slots.len()],
            personas: slots.to_vec(),
            current: 0,
            format,
            many: slots.len() > 1,
        };
        printer.header(0);
        printer
    }

    fn header(&self, index: usize) {
        if self.many && !self.document() {
            if let Some(name) = self.names.get(index) {
                println!("{}## {name}\n", if index > 0 { "\n" } else { "" });
            }
        }
    }

    fn handle(&mut self, report: Report) {
        match report {
            Report::Text(i, text) if i == self.current && !self.document() => {
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
            Report::Text(i, text) => {
                if let Some(b) = self.buffered.get_mut(i) {
                    b.push_str(&text);
                }
            }
            Report::Retrying(i, note) => {
                let name = self.names.get(i).cloned().unwrap_or_default();
                eprintln!("{name}: {}", clean_line(&note));
            }
            Report::Finished(i, answer) => {
                if let Some(slot) = self.finished.get_mut(i) {
                    *slot = Some(*answer);
                }
            }
        }
        while let Some(Some(answer)) = self.finished.get(self.current) {
            if !self.document() {
                println!();
                eprintln!(
                    "{}",
                    usage_line(self.names.get(self.current).map(String::as_str), answer)
                );
            }
            self.current += 1;
            if self.current < self.finished.len() {
                self.header(self.current);
                if !self.document() {
                    if let Some(text) = self.buffered.get_mut(self.current) {
                        print!("{}", std::mem::take(text));
                        let _ = std::io::stdout().flush();
                    }
                }
            }
        }
    }

    /// Whether output is one document at the end (nothing streams to stdout).
    fn document(&self) -> bool {
        self.format != Format::Text
    }

    fn finish(self, prompt: &str, model: &str) -> Result<(), CliError> {
        let answers: Vec<Assembly> = self.finished.into_iter().map(Option::unwrap_or_default).collect();
        let pairs: Vec<(Option<&PersonaEntry>, &Assembly)> = self
            .personas
            .iter()
            .map(Option::as_ref)
            .zip(answers.iter())
            .collect();
        match self.format {
            Format::Text => {}
            Format::Json => {
                let doc = report::json_document(prompt, model, &pairs);
                println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
            }
            Format::Markdown => print!("{}", report::markdown_document(prompt, model, &pairs)),
        }
        let failures: Vec<ApiError> = answers
            .into_iter()
            .filter_map(|a| match a.ending {
                Some(Ending::Failed(e)) | Some(Ending::Interrupted(e)) => Some(e),
                _ => None,
            })
            .collect();
        match failures.into_iter().next() {
            Some(first) => Err(CliError::Api(first)),
            None => Ok(()),
        }
    }
}

fn usage_line(name: Option<&str>, answer: &Assembly) -> String {
    let usage = report::usage_text(answer.usage.as_ref());
    let status = match &answer.ending {
        Some(Ending::Completed) | None => String::new(),
        Some(Ending::Incomplete { reason }) => format!(" · incomplete ({})", clean_line(reason)),
        Some(Ending::Failed(e)) => format!(" · failed: {}", clean_line(&e.to_string())),
        Some(Ending::Interrupted(e)) => format!(
            " · interrupted: {} (partial answer kept above)",
            clean_line(&e.to_string())
        ),
    };
    format!("[{}] {usage}{status}", name.unwrap_or("answer"))
}

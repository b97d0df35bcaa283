//! `mavera-tui ask`: one prompt to one or more personas, streamed to stdout.
//!
//! Owns: reading the prompt (argument or stdin), running every persona's request
//! concurrently, and printing: the first answer streams live; later answers, already
//! being received in the background, are printed in order under their headers as soon as
//! their turn comes. Usage lines go to stderr so stdout holds only answers, and so does a
//! last note when the server's rate-limit window is nearly used up. Does not own:
//! HTTP, streaming or assembling answers (`api`), persona matching (`catalog`).

use std::io::Read;

use clap::Args;
use tokio::sync::mpsc;

use super::answer::Answer;
use super::out::{note, Out};
use super::report::{self, Format};
use super::structured;
use super::CliError;
use crate::api::image::{user_content, Attachment};
use crate::api::retry::{with_retry, RateLimitStatus};
use crate::api::structured::NamedSchema;
use crate::api::wire::{Input, InputItem, ResponseRequest, Role, MAX_INPUT_CHARS};
use crate::api::{AnswerEvent, AnswerStream, Outcome};
use crate::catalog::PersonaEntry;
use crate::connect::Connection;
use crate::sanitize::clean_line;
use crate::view::words;

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
    /// Ask for an analysis of each answer (`analysis_mode`): confidence, emotion,
    /// biases, key insights; printed under it (`--format json`: as the object). The
    /// config's `[responses] analysis_mode = true` asks for it without the flag.
    #[arg(long)]
    pub analysis: bool,
    /// A JSON Schema the answers must follow (`text.format` `json_schema`): a file, or
    /// the name of one in the config's `[schemas]`.
    #[arg(long, value_name = "FILE_OR_NAME")]
    pub schema: Option<String>,
    /// An image to show the personas: a PNG, JPEG, GIF or WebP file (at most 20 MB) or an
    /// http(s) URL; repeat for several.
    #[arg(long = "image", value_name = "PATH_OR_URL")]
    pub images: Vec<String>,
    /// The prompt; `-` reads it from stdin.
    #[arg(value_name = "PROMPT")]
    pub prompt: Option<String>,
}

pub async fn run(conn: Connection, args: AskArgs) -> Result<(), CliError> {
    let prompt = read_prompt(args.prompt.as_deref())?;
    let schema = match &args.schema {
        Some(arg) => Some(structured::resolve(arg, &conn.settings.schemas)?),
        None => None,
    };
    let format = if args.json { Format::Json } else { args.format };
    if format == Format::Csv && schema.is_none() {
        return Err(CliError::Usage(
            "--format csv needs --schema: its columns are the schema's fields".into(),
        ));
    }
    // Every image is checked before anything is sent.
    let images = args
        .images
        .iter()
        .map(|i| Attachment::load(i).map_err(CliError::Usage))
        .collect::<Result<Vec<_>, _>>()?;
    let personas = pick_personas(&conn, &args.personas).await?;
    crate::app::budget::check_command(conn.settings.budget, personas.len()).map_err(CliError::Usage)?;
    let slots: Vec<Option<PersonaEntry>> = if personas.is_empty() {
        vec![None]
    } else {
        personas.into_iter().map(Some).collect()
    };

    // Unbounded: the printer drains as fast as stdout takes text; each request's own
    // answer stream is what paces the reading.
    let (tx, mut rx) = mpsc::unbounded_channel::<(usize, AnswerEvent)>();
    if let (Some(recorder), true) = (conn.client.recorder(), slots.len() > 1) {
        // Several personas asked at once: a comparison, replayed as one.
        recorder.fan_out(slots.iter().flatten().map(|p| p.id.clone()).collect());
    }
    for (index, persona) in slots.iter().enumerate() {
        let request = ResponseRequest::build(
            &conn.settings.model,
            &conn.settings.extra_body,
            persona.as_ref().map(PersonaEntry::shape),
            input_of(&prompt, &images),
            args.instructions.clone(),
        )
        .with_analysis_mode(args.analysis || conn.settings.responses.analysis_mode)
        .with_structure(schema.as_ref(), &conn.settings.tools);
        let mut answer = AnswerStream::new(conn.client.clone(), conn.settings.retry.clone(), request);
        let tx = tx.clone();
        tokio::spawn(async move {
            while let Some(events) = answer.next_batch().await {
                for event in events {
                    if tx.send((index, event)).is_err() {
                        return;
                    }
                }
            }
        });
    }
    drop(tx);

    let mut printer = Printer::new(&slots, format, schema)?;
    while let Some((index, event)) = rx.recv().await {
        // A closed stdout ends the command here; dropping `rx` stops every request.
        printer.handle(index, event)?;
    }
    printer.finish(&prompt, &conn.settings.model)
}

/// The prompt alone, or one user turn of the prompt and its images (spec §3).
fn input_of(prompt: &str, images: &[Attachment]) -> Input {
    if images.is_empty() {
        return Input::Text(prompt.to_owned());
    }
    Input::Items(vec![InputItem {
        role: Role::User,
        content: user_content(prompt, images),
    }])
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
    if chars > MAX_INPUT_CHARS {
        return Err(CliError::Usage(format!(
            "the prompt has {chars} characters; the server accepts at most {MAX_INPUT_CHARS}"
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
        || conn.catalog(),
        |err, wait, _| {
            note(&format!(
                "{}; retrying in {:.1} s",
                clean_line(&err.to_string()),
                wait.as_secs_f64()
            ));
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
    answers: Vec<Answer>,
    /// How much of each answer's text is on stdout already.
    printed: Vec<usize>,
    personas: Vec<Option<PersonaEntry>>,
    /// The answer being printed: earlier ones are done.
    current: usize,
    format: Format,
    many: bool,
    out: Out,
    /// `--schema`: answers are printed whole, as checked JSON, once each is in.
    schema: Option<NamedSchema>,
}

impl Printer {
    fn new(
        slots: &[Option<PersonaEntry>],
        format: Format,
        schema: Option<NamedSchema>,
    ) -> Result<Printer, CliError> {
        let mut printer = Printer {
            names: slots
                .iter()
                .map(|p| {
                    p.as_ref()
                        .map(|p| clean_line(p.label()))
                        .unwrap_or_else(|| "(no persona)".into())
                })
                .collect(),
            answers: vec![Answer::default(); slots.len()],
            printed: vec![0; slots.len()],
            personas: slots.to_vec(),
            current: 0,
            format,
            many: slots.len() > 1,
            out: Out::default(),
            schema,
        };
        printer.header(0)?;
        Ok(printer)
    }

    fn header(&mut self, index: usize) -> Result<(), CliError> {
        if self.many && !self.document() {
            if let Some(name) = self.names.get(index) {
                let gap = if index > 0 { "\n" } else { "" };
                self.out.line(&format!("{gap}## {name}\n"))?;
            }
        }
        Ok(())
    }

    fn handle(&mut self, index: usize, event: AnswerEvent) -> Result<(), CliError> {
        if let AnswerEvent::Retrying {
            reason,
            wait_ms,
            attempt,
        } = &event
        {
            let name = self.names.get(index).cloned().unwrap_or_default();
            note(&format!(
                "{name}: {}; retrying in {:.1} s (attempt {attempt})",
                clean_line(reason),
                *wait_ms as f64 / 1000.0
            ));
        }
        if let Some(answer) = self.answers.get_mut(index) {
            answer.apply(event);
        }
        self.print_current()?;
        while self.answers.get(self.current).is_some_and(|a| a.ending.is_some()) {
            if !self.document() {
                self.print_structured()?;
                self.out.line("")?;
                self.out.flush()?;
                if let Some(answer) = self.answers.get(self.current) {
                    note(&usage_line(
                        self.names.get(self.current).map(String::as_str),
                        answer,
                    ));
                }
            }
            self.current += 1;
            if self.current < self.answers.len() {
                self.header(self.current)?;
                self.print_current()?;
            }
        }
        Ok(())
    }

    /// A finished structured answer: its JSON on stdout, the verdict on stderr.
    fn print_structured(&mut self) -> Result<(), CliError> {
        let (Some(schema), Some(answer)) = (&self.schema, self.answers.get(self.current)) else {
            return Ok(());
        };
        let (body, verdict) = structured::printed(answer, schema);
        let name = self.names.get(self.current).cloned().unwrap_or_default();
        self.out.text(&body)?;
        self.out.flush()?;
        note(&format!("[{name}] {verdict}"));
        Ok(())
    }

    /// Streams the current answer's new text (text format without a schema only).
    fn print_current(&mut self) -> Result<(), CliError> {
        if self.document() || self.schema.is_some() {
            return Ok(());
        }
        let (Some(answer), Some(printed)) =
            (self.answers.get(self.current), self.printed.get_mut(self.current))
        else {
            return Ok(());
        };
        if let Some(fresh) = answer.text.get(*printed..).filter(|t| !t.is_empty()) {
            *printed = answer.text.len();
            self.out.text(fresh)?;
            self.out.flush()?;
        }
        Ok(())
    }

    /// Whether output is one document at the end (nothing streams to stdout).
    fn document(&self) -> bool {
        self.format != Format::Text
    }

    fn finish(mut self, prompt: &str, model: &str) -> Result<(), CliError> {
        let pairs: Vec<(Option<&PersonaEntry>, &Answer)> = self
            .personas
            .iter()
            .map(Option::as_ref)
            .zip(self.answers.iter())
            .collect();
        match self.format {
            Format::Text => {}
            Format::Json => {
                let mut doc = report::json_document(prompt, model, &pairs);
                if let Some(schema) = &self.schema {
                    let answers: Vec<&Answer> = self.answers.iter().collect();
                    structured::annotate(&mut doc, &answers, schema);
                }
                self.out
                    .line(&serde_json::to_string_pretty(&doc).unwrap_or_default())?;
            }
            Format::Markdown => self.out.text(&report::markdown_document(prompt, model, &pairs))?,
            Format::Csv => {
                if let Some(schema) = &self.schema {
                    let answers: Vec<&Answer> = self.answers.iter().collect();
                    self.out.text(&structured::csv(&self.names, &answers, schema))?;
                }
            }
        }
        self.out.flush()?;
        if let Some(low) = self.low_rate_limit() {
            let resets_in = low.reset_in.map(|d| d.as_secs_f64().ceil() as u64);
            note(&format!(
                "note: {}",
                words::requests_left(low.remaining, low.limit, resets_in)
            ));
        }
        match self.answers.iter().find_map(Answer::error) {
            Some(first) => Err(CliError::Api(first.clone())),
            None => Ok(()),
        }
    }

    /// The tightest rate-limit window the answers ended with, if it is low (they share
    /// one client, so these are the same window seen at different times).
    fn low_rate_limit(&self) -> Option<RateLimitStatus> {
        self.answers
            .iter()
            .filter_map(|a| a.ending.as_ref()?.rate_limit)
            .filter(RateLimitStatus::is_low)
            .min_by_key(|s| s.remaining)
    }
}

fn usage_line(name: Option<&str>, answer: &Answer) -> String {
    let usage = words::usage(answer.usage());
    let status = match answer.outcome() {
        Some(Outcome::Completed) | None => String::new(),
        Some(Outcome::Incomplete { reason }) => format!(" · incomplete ({})", clean_line(reason)),
        Some(Outcome::Failed(e)) => format!(" · failed: {}", clean_line(&e.to_string())),
        Some(Outcome::Interrupted(e)) => format!(
            " · interrupted: {} (partial answer kept above)",
            clean_line(&e.to_string())
        ),
    };
    format!("[{}] {usage}{status}", name.unwrap_or("answer"))
}

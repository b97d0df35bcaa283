//! Carries out effects: spawns network tasks, cancels them, writes the persona cache.
//!
//! Owns: one task per request id (cancelling = aborting the task), each reading its
//! `AnswerStream` (which retries before the first byte and announces each wait), and
//! backpressure: tasks send through a bounded channel, and each message carries every
//! answer event that had already arrived; a paced stream (a token at a time) is read just
//! before each tick of the stream clock (`term::frame`) rather than at every token.
//! Also the persona cache's file: read leniently, so one persona that no longer reads
//! (an older format, a hand edit) is skipped and the rest kept. And the hand-over to the
//! history's storage task: `Effect::Store` goes down its channel (sending never blocks;
//! the task writes on its own thread), and what the task reports comes back as
//! `Event::History`; the history view's reads (`Effect::Browse`) go the same way and
//! their answers come back as `Event::Browse`. Does not own: deciding what to do (the
//! reducer) or writing the history (`crate::history::task`).

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use crate::api::retry::with_retry;
use crate::api::wire::Persona;
use crate::api::{AnswerEvent, AnswerStream, Client, RetryPolicy};
use crate::app::{Effect, Event, HistoryNews, RequestId};
use crate::history::{Report, Session};
use crate::term::frame::read_instant_after;

/// What the loop must do after a batch of effects.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub redraw: bool,
    pub quit: bool,
    /// Texts for the terminal's clipboard (OSC 52), written by the loop between frames
    /// through the frames' own writer: the executor has no terminal.
    pub clipboard: Vec<String>,
}

pub struct Executor {
    client: Client,
    policy: RetryPolicy,
    events: mpsc::Sender<Event>,
    tasks: HashMap<RequestId, JoinHandle<()>>,
    cache_file: Option<PathBuf>,
    panels_file: Option<PathBuf>,
    /// The history's storage task, when the history is open.
    history: Option<crate::history::Handle>,
    /// The app's clock, whose stream ticks (`term::frame`) paced reads keep to.
    clock: std::time::Instant,
}

impl Executor {
    pub fn new(
        client: Client,
        policy: RetryPolicy,
        events: mpsc::Sender<Event>,
        cache_file: Option<PathBuf>,
        panels_file: Option<PathBuf>,
        clock: std::time::Instant,
    ) -> Self {
        Executor {
            clock,
            client,
            policy,
            events,
            tasks: HashMap::new(),
            cache_file,
            panels_file,
            history: None,
        }
    }

    /// Connects the history (`None`: the app was started without one, as in tests) and
    /// tells the reducer whether it is on, and why not.
    /// Recording (`--record`): one prompt sent to several personas at once is a
    /// comparison round, written with its columns in order so a replay opens the same
    /// comparison; a write failure of the recording comes back as a notice.
    fn note_fan_out(&self, effects: &[Effect]) {
        let Some(recorder) = self.client.recorder() else {
            return;
        };
        let columns: Vec<String> = effects
            .iter()
            .filter_map(|e| match e {
                Effect::StartStream { request, .. } => Some(request.persona_id.clone().unwrap_or_default()),
                _ => None,
            })
            .collect();
        if columns.len() > 1 {
            recorder.fan_out(columns);
        }
    }

    /// Tells the reducer (a notice) if writing the recording stops.
    pub fn report_recording(&self) {
        if let Some(recorder) = self.client.recorder() {
            let tx = self.events.clone();
            // Runs on the recording's writer thread, which may wait for room.
            recorder.report_to(move |why| {
                let _ = tx.blocking_send(Event::Saved(Err(why)));
            });
        }
    }

    pub fn attach_history(&mut self, session: Option<Session>) {
        let news = match session {
            None => return,
            Some(Session::On(handle)) => {
                let tx = self.events.clone();
                // Runs on the storage thread, which may wait for room in the channel.
                handle.report_to(move |report| {
                    let news = match report {
                        Report::WriteFailed(why) => HistoryNews::WriteFailed(why),
                    };
                    let _ = tx.blocking_send(Event::History(news));
                });
                self.history = Some(handle);
                HistoryNews::On
            }
            Some(Session::Off(why)) => HistoryNews::Off(why),
        };
        // Before the first frame: the channel is empty, so this always fits.
        let _ = self.events.try_send(Event::History(news));
    }

    pub fn run(&mut self, effects: Vec<Effect>) -> Outcome {
        let mut outcome = Outcome::default();
        self.tasks.retain(|_, t| !t.is_finished());
        self.note_fan_out(&effects);
        for effect in effects {
            match effect {
                Effect::StartStream { id, request } => {
                    let answer = AnswerStream::new(self.client.clone(), self.policy.clone(), request);
                    let task = tokio::spawn(answer_task(answer, id, self.events.clone(), self.clock));
                    self.tasks.insert(id, task);
                }
                Effect::Cancel { id } => {
                    if let Some(task) = self.tasks.remove(&id) {
                        task.abort();
                    }
                }
                Effect::LoadPersonas { id } => {
                    let (client, policy, tx) =
                        (self.client.clone(), self.policy.clone(), self.events.clone());
                    tokio::spawn(async move {
                        let result = with_retry(&policy, || client.list_personas(), |_, _, _| {}).await;
                        let _ = tx.send(Event::PersonasLoaded { id, result }).await;
                    });
                }
                Effect::LoadUsage { id } => {
                    let (client, tx) = (self.client.clone(), self.events.clone());
                    tokio::spawn(async move {
                        let result = client.usage().await;
                        let _ = tx.send(Event::UsageLoaded { id, result }).await;
                    });
                }
                Effect::SavePersonaCache(list) => {
                    if let Some(path) = self.cache_file.clone() {
                        tokio::task::spawn_blocking(move || save_cache(&path, &list));
                    }
                }
                Effect::SavePanel { name, personas } => {
                    if let Some(path) = self.panels_file.clone() {
                        let tx = self.events.clone();
                        tokio::task::spawn_blocking(move || {
                            if let Err(e) = crate::panels::save(&path, &name, &personas) {
                                tracing::warn!(%e, "could not save the panel");
                                let _ = tx.blocking_send(Event::Saved(Err(e)));
                            }
                        });
                    }
                }
                Effect::ExportMarkdown { threads, personas } => {
                    let tx = self.events.clone();
                    tokio::task::spawn_blocking(move || {
                        let _ = tx.blocking_send(Event::Saved(export_markdown(&threads, &personas)));
                    });
                }
                Effect::Copy {
                    text,
                    what,
                    chars,
                    cut,
                } => {
                    // OSC 52 always (it works over SSH and in tmux); the system clipboard
                    // too where one is reachable, off this thread, and the status bar says
                    // how it went.
                    let tx = self.events.clone();
                    crate::term::system_clipboard::copy_in_background(text.clone(), move |system| {
                        let report = crate::app::copy::report_system(&what, chars, cut, &system);
                        let _ = tx.blocking_send(Event::Saved(Ok(report)));
                    });
                    outcome.clipboard.push(text);
                }
                Effect::Store(op) => {
                    if let Some(history) = &self.history {
                        history.store(op);
                    }
                }
                Effect::SaveJson {
                    stored,
                    threads,
                    personas,
                } => {
                    crate::export::save::save(
                        stored,
                        threads,
                        personas,
                        self.history.as_ref(),
                        self.events.clone(),
                    );
                }
                Effect::LoadSchema { path } => {
                    let tx = self.events.clone();
                    // A small file, read off the loop so a slow disk never holds a frame.
                    tokio::task::spawn_blocking(move || {
                        let path = crate::structure::expand_home(&path);
                        let result = crate::structure::read_schema(&path);
                        let _ = tx.blocking_send(Event::SchemaLoaded(result));
                    });
                }
                Effect::Redraw => outcome.redraw = true,
                Effect::Quit => outcome.quit = true,
                Effect::Browse { id, query } => {
                    let tx = self.events.clone();
                    // Runs on the storage thread, after the writes handed over before
                    // it; the loop never waits for it.
                    let read = self.history.as_ref().is_some_and(|history| {
                        history.read(move |store| {
                            let found = crate::history::browse::answer(store, &query);
                            let _ = tx.blocking_send(Event::Browse { id, found });
                        })
                    });
                    if !read {
                        // The view must not wait for an answer that will never come.
                        let found = crate::history::browse::Found::Failed("the history has stopped".into());
                        let tx = self.events.clone();
                        tokio::spawn(async move {
                            let _ = tx.send(Event::Browse { id, found }).await;
                        });
                    }
                }
                Effect::LoadUsageLater { id, after_ms } => {
                    let (client, tx) = (self.client.clone(), self.events.clone());
                    tokio::spawn(async move {
                        tokio::time::sleep(Duration::from_millis(after_ms)).await;
                        let result = client.usage().await;
                        let _ = tx.send(Event::UsageLoaded { id, result }).await;
                    });
                }
                Effect::ReadImage { what } => super::account::read_image(what, self.events.clone()),
                Effect::CreatePersona { id, body, file } => {
                    super::account::create_persona(self.client.clone(), id, body, file, self.events.clone())
                }
                Effect::EditPersona {
                    id,
                    persona_id,
                    fields,
                } => super::account::edit_persona(
                    self.client.clone(),
                    id,
                    persona_id,
                    fields,
                    self.events.clone(),
                ),
            }
        }
        outcome
    }

    /// Stops every running request (on quit).
    pub fn abort_all(&mut self) {
        for (_, task) in self.tasks.drain() {
            task.abort();
        }
    }
}

/// Writes the threads on screen as Markdown to `mavera-export-<time>.md` in the working
/// folder (beside Ctrl+S's transcripts: where the user will look for it); says where.
fn export_markdown(
    threads: &[(String, crate::app::thread::Thread)],
    personas: &[crate::catalog::PersonaEntry],
) -> Result<String, String> {
    let text = crate::export::markdown(&crate::export::from_threads(threads, personas));
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or_default();
    let stem = format!("mavera-export-{stamp}");
    crate::files::unique(std::path::Path::new(""), &stem, "md")
        .and_then(|path| crate::files::write_atomic(&path, text.as_bytes()).map(|()| path))
        .map(|path| format!("exported to {}", path.display()))
        .map_err(|e| format!("could not export: {e}"))
}

/// One request: its answer events go to the loop as they arrive, batch by batch.
/// Batches smaller than this are a paced stream (a model writing a token at a time).
const PACED_BATCH: usize = 32;

async fn answer_task(mut answer: AnswerStream, id: RequestId, tx: mpsc::Sender<Event>, clock: Instant) {
    while let Some(events) = answer.next_batch().await {
        let paced = events.len() < PACED_BATCH && events.iter().any(|e| matches!(e, AnswerEvent::Text(_)));
        // Awaiting here is the backpressure: a busy screen slows the reading.
        if tx.send(Event::Answer { id, events }).await.is_err() {
            return;
        }
        if paced {
            // Streamed text is drawn on the stream clock's ticks, so reading each token
            // as it comes would only wake the app for a frame that waits anyway: what
            // arrives meanwhile waits in the socket, and is read just before the next
            // tick, in one batch (with every other stream's). A full-speed stream
            // (large batches) is read without pause.
            let now = clock.elapsed().as_millis() as u64;
            let read_at = read_instant_after(now);
            tokio::time::sleep_until(tokio::time::Instant::from_std(
                clock + Duration::from_millis(read_at),
            ))
            .await;
        }
    }
}

/// Reads the persona list saved by the last run. A file that is not JSON is no cache; a
/// persona that cannot be read is skipped (and counted in the log) rather than costing
/// the others, as in a persona page from the server (`lenient::entries`).
pub fn load_cache(path: &std::path::Path) -> Option<Vec<Persona>> {
    let text = std::fs::read_to_string(path).ok()?;
    let value: serde_json::Value = serde_json::from_str(&text).ok()?;
    let list: Vec<Persona> = crate::api::lenient::entries(value);
    (!list.is_empty()).then_some(list)
}

fn save_cache(path: &std::path::Path, list: &[Persona]) {
    let Ok(text) = serde_json::to_string(list) else {
        return;
    };
    if let Err(e) = crate::files::write_atomic(path, text.as_bytes()) {
        tracing::warn!(%e, "could not cache the persona list");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_unreadable_cached_persona_costs_only_itself() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("personas.json");
        std::fs::write(
            &path,
            r#"[{"id":"c1","name":"CFO","category":"Professional","description":"x"},
                {"name":"no id"},
                "not a persona",
                {"id":"c2","name":"Gen Z Consumer","category":null,"created_at":"1706140800"}]"#,
        )
        .expect("write");
        let list = load_cache(&path).expect("a cache");
        let ids: Vec<&str> = list.iter().map(|p| p.id.as_str()).collect();
        assert_eq!(ids, ["c1", "c2"]);
        assert_eq!(list[1].created_at, Some(1_706_140_800));

        std::fs::write(&path, "not json").expect("write");
        assert_eq!(load_cache(&path), None, "a broken file is no cache");
        std::fs::write(&path, r#"[{"name":"no id"}]"#).expect("write");
        assert_eq!(load_cache(&path), None, "nothing readable is no cache");
        assert_eq!(load_cache(&dir.path().join("missing.json")), None);
    }

    #[test]
    fn a_saved_cache_reads_back_the_same() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("personas.json");
        let list = vec![Persona {
            id: "c1".into(),
            name: "CFO".into(),
            category: "Professional".into(),
            description: "Numbers first".into(),
            is_custom: false,
            is_expert: true,
            created_at: Some(1),
        }];
        save_cache(&path, &list);
        assert_eq!(load_cache(&path), Some(list));
    }
}

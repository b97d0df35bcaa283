//! Ctrl+S: the conversation(s) on screen saved as a JSON export (the format of
//! `mavera-tui export --format json`) — from the history when they are stored in it, from
//! memory when not — and that file opened again (`mavera-tui import`'s reading) draws
//! the screen the app showed.

use crossterm::event::KeyCode;
use mavera_tui::app::{Effect, Event, HistoryNews, RestoredThread};
use mavera_tui::history::{Store, StoreKey, StoreOp};

use crate::support::app::{panel, App};
use crate::support::screen::draw;

/// Ctrl+S's effect: the stored keys, if read from the history, and the archive from memory.
fn ctrl_s(app: &mut App) -> (Option<Vec<StoreKey>>, mavera_tui::history::archive::Archive) {
    let fx = app.ctrl('s');
    fx.into_iter()
        .find_map(|e| match e {
            Effect::SaveJson {
                stored,
                threads,
                personas,
            } => Some((stored, mavera_tui::export::from_threads(&threads, &personas))),
            _ => None,
        })
        .expect("a save")
}

/// Writes `archive` as Ctrl+S does, into `dir`; opens the file as `import` does.
fn save_and_import(
    dir: &std::path::Path,
    archive: &mavera_tui::history::archive::Archive,
) -> Vec<RestoredThread> {
    let said = mavera_tui::export::save::write_in(dir, archive).expect("saved");
    assert!(
        said.starts_with("saved to ") && said.contains("mavera-transcript-"),
        "{said}"
    );
    let file = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|e| e == "json"))
        .expect("the file");
    let text = std::fs::read_to_string(&file).expect("read");
    assert!(text.contains("\"format\": \"mavera-tui/export\""), "{text}");
    mavera_tui::export::open(&file).expect("imports")
}

/// The screen of a fresh app with `threads` imported, showing the same persona(s).
fn imported_screen(threads: Vec<RestoredThread>, like: &App) -> String {
    let mut app = App::loaded();
    let _ = app.send(Event::Restore(threads));
    app.state.personas.selected = like.state.personas.selected.clone();
    app.state.compare.marked = like.state.compare.marked.clone();
    app.state.focus = like.state.focus;
    conversation(&draw(&mut app, 120, 30))
}

/// The conversation pane(s): what the conversations look like, without the persona list
/// (its highlight and list are the app's own) or the composer and status bar (which say
/// what just happened).
fn conversation(screen: &str) -> String {
    let rows: Vec<&str> = screen.lines().collect();
    rows[..rows.len().saturating_sub(6)]
        .iter()
        .map(|row| row.chars().skip(30).collect::<String>())
        .collect::<Vec<_>>()
        .join("\n")
}

fn answered(app: &mut App, prompts: &[&str]) {
    for (i, q) in prompts.iter().enumerate() {
        let id = app.ask(q);
        let _ = app.deltas(id, &[&format!("answer {i} with **bold** and `code`")]);
        let _ = app.complete(id, Some(1.5));
    }
}

#[test]
fn without_a_history_ctrl_s_saves_from_memory_and_the_import_draws_the_same_screen() {
    let mut app = App::loaded();
    app.pick("ccfo");
    answered(&mut app, &["first question", "second question"]);
    let (stored, archive) = ctrl_s(&mut app);
    assert_eq!(stored, None);
    let dir = tempfile::tempdir().expect("tempdir");
    let imported = save_and_import(dir.path(), &archive);
    let original = conversation(&draw(&mut app, 120, 30));
    assert!(original.contains("second question"), "{original}");
    assert_eq!(imported_screen(imported, &app), original);
}

#[test]
fn with_a_history_ctrl_s_reads_the_store_and_the_import_draws_the_same_screen() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("history.db")).expect("store");
    let mut app = App::loaded();
    let _ = app.send(Event::History(HistoryNews::On));
    app.pick("ccfo");
    let mut ops: Vec<StoreOp> = Vec::new();
    for (i, q) in ["first question", "second question"].iter().enumerate() {
        app.type_text(q);
        let fx = app.key(KeyCode::Enter);
        let id = crate::support::app::stream_id(&fx).expect("a stream");
        let mut all = fx;
        all.extend(app.deltas(id, &[&format!("answer {i}")]));
        all.extend(app.complete(id, Some(1.5)));
        ops.extend(all.into_iter().filter_map(|e| match e {
            Effect::Store(op) => Some(op),
            _ => None,
        }));
    }
    store.apply(&ops).expect("stored");
    let (stored, memory) = ctrl_s(&mut app);
    let keys = stored.expect("read from the history");
    let archive = store.archive_of(&keys).expect("read").expect("the thread");
    assert_eq!(archive.threads.len(), 1);
    assert!(archive.threads[0].id > 0, "the store's rows and times are in it");
    let out = dir.path().join("out");
    let imported = save_and_import(&out, &archive);
    let original = conversation(&draw(&mut app, 120, 30));
    assert_eq!(imported_screen(imported, &app), original);
    // The same conversation from memory reads the same.
    let memory_dir = dir.path().join("memory");
    assert_eq!(
        imported_screen(save_and_import(&memory_dir, &memory), &app),
        original
    );
}

#[test]
fn side_by_side_ctrl_s_saves_the_recorded_comparison() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut store = Store::open(&dir.path().join("history.db")).expect("store");
    let mut app = panel(2);
    let mut ops: Vec<StoreOp> = Vec::new();
    let _ = app.send(Event::History(HistoryNews::On));
    app.type_text("which one?");
    let fx = app.key(KeyCode::Enter);
    let ids: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::StartStream { id, .. } => Some(*id),
            _ => None,
        })
        .collect();
    let mut all = fx;
    for id in ids {
        all.extend(app.deltas(id, &["mine"]));
        all.extend(app.complete(id, None));
    }
    ops.extend(all.into_iter().filter_map(|e| match e {
        Effect::Store(op) => Some(op),
        _ => None,
    }));
    store.apply(&ops).expect("stored");
    let (stored, _) = ctrl_s(&mut app);
    let archive = store
        .archive_of(&stored.expect("stored"))
        .expect("read")
        .expect("found");
    assert!(
        archive.comparison.is_some() && archive.id.starts_with('c'),
        "{archive:?}"
    );
    assert_eq!(archive.threads.len(), 2);
    let imported = save_and_import(&dir.path().join("out"), &archive);
    let original = conversation(&draw(&mut app, 120, 30));
    assert_eq!(imported_screen(imported, &app), original);
}

#[test]
fn a_transcript_saved_by_an_earlier_ctrl_s_still_imports() {
    let mut app = App::loaded();
    app.pick("ccfo");
    answered(&mut app, &["an old question"]);
    let fx = app.ctrl('s');
    let Some(Effect::SaveJson {
        threads, personas, ..
    }) = fx.into_iter().find(|e| matches!(e, Effect::SaveJson { .. }))
    else {
        panic!("a save");
    };
    // The format Ctrl+S wrote before it wrote exports.
    let old = mavera_tui::transcript::Transcript::from_threads(
        threads.iter().map(|(k, t)| (k.as_str(), t)),
        &personas,
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("mavera-transcript-1764612345.json");
    mavera_tui::transcript::save(&file, &old).expect("saved");
    assert!(std::fs::read_to_string(&file)
        .expect("read")
        .contains("mavera-tui/transcript"));
    let imported = mavera_tui::export::open(&file).expect("imports");
    let original = conversation(&draw(&mut app, 120, 30));
    assert_eq!(imported_screen(imported, &app), original);
}

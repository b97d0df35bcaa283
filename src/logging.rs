//! Diagnostics go to a log file, never to the terminal (which belongs to the app).
//!
//! Owns: the level filter, and the
//! non-blocking writer whose guard must live as long as the program. Does not own: what
//! is logged, or opening the file safely (`files`). Nothing logged may carry the API key: it is only ever formatted through its
//! redacting type, and the `Authorization` header is marked sensitive.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::EnvFilter;

/// Starts logging to `file` at `level` (a tracing filter such as `info` or
/// `mavera_tui=trace`). Returns the guard that flushes on drop, or a warning to show
/// when the file cannot be opened (the program then runs without a log).
pub fn init(file: &Path, level: &str) -> Result<WorkerGuard, String> {
    let writer = crate::files::open_log(file)
        .map_err(|e| format!("cannot open the log file {}: {e}; logging is off", file.display()))?;
    let filter = EnvFilter::try_new(level)
        .map_err(|e| format!("log_level {level:?} is not a valid filter ({e}); logging is off"))?;
    let (writer, guard) = tracing_appender::non_blocking(writer);
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_ansi(false)
        .try_init()
        .map_err(|e| format!("logging could not start: {e}"))?;
    Ok(guard)
}

//! Where the commands write: standard output locked and buffered (flushed where a reader
//! waits, as for a streamed answer), and standard error for notes and errors.
//!
//! Owns: the only `print` in the command line, and what a closed pipe means: a reader
//! that stopped early (`mavera-tui ask … | head -1`) ends the command quietly with the
//! conventional status, never a panic. Does not own: what is written (each command), or
//! making remote text safe (callers pass sanitised text).

use std::io::{BufWriter, ErrorKind, StdoutLock, Write};

use super::CliError;

/// Buffered, locked standard output.
pub struct Out {
    writer: BufWriter<StdoutLock<'static>>,
}

impl Default for Out {
    fn default() -> Out {
        Out {
            writer: BufWriter::new(std::io::stdout().lock()),
        }
    }
}

impl Out {
    /// Writes text as it is (no newline added).
    pub fn text(&mut self, text: &str) -> Result<(), CliError> {
        self.writer.write_all(text.as_bytes()).map_err(closed_or_failed)
    }

    /// Writes a line.
    pub fn line(&mut self, text: &str) -> Result<(), CliError> {
        self.text(text)?;
        self.text("\n")
    }

    /// Hands what is buffered to the reader now (streamed text).
    pub fn flush(&mut self) -> Result<(), CliError> {
        self.writer.flush().map_err(closed_or_failed)
    }
}

fn closed_or_failed(err: std::io::Error) -> CliError {
    if err.kind() == ErrorKind::BrokenPipe {
        CliError::ClosedPipe
    } else {
        CliError::Output(err)
    }
}

/// A note or an error for the person at the terminal. A closed standard error loses the
/// note; nothing else can be done about it, and it must not end the command.
pub fn note(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "{text}");
}

/// A question for the person at the terminal, on standard error without a line end, so
/// the answer is typed after it.
pub fn ask(text: &str) {
    let mut err = std::io::stderr().lock();
    let _ = write!(err, "{text}");
    let _ = err.flush();
}

//! What the user means: the action vocabulary that keys are bound to.
//!
//! Owns: the list of actions. Does not own: which key means which (`keys`, `keymap`) or
//! what an action does (`update`).

use crossterm::event::KeyEvent;

/// A user intention.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Ctrl+Q: quit at once when nothing streams; while answers stream, ask first (a
    /// second Ctrl+Q quits).
    Quit,
    /// Ctrl+C: stop every answer streaming, in any thread or column; quit when none is.
    Interrupt,
    /// Ctrl+Z: suspend to the shell, as full-screen programs do (`fg` returns).
    Suspend,
    /// Esc: stop the answer streaming on screen.
    Cancel,
    Regenerate,
    NewThread,
    FocusNext,
    FocusPrev,
    ToggleHelp,
    /// F5: the presenter layout on or off (no sidebar or borders, the prompt as a heading,
    /// the columns full width, only the tally in the status bar).
    TogglePresenter,
    CloseOverlay,
    MovePersona(isize),
    PersonaEdge {
        end: bool,
    },
    SelectPersona,
    StartFilter,
    FilterChar(char),
    FilterBackspace,
    FilterAccept,
    FilterCancel,
    ReloadPersonas,
    Send,
    Newline,
    /// Any other key for the text editor.
    Edit(KeyEvent),
    Scroll(isize),
    /// A page up (negative) or down (positive).
    ScrollPages(isize),
    ScrollEdge {
        end: bool,
    },
    /// Space in the sidebar: add or remove the highlighted persona from the panel.
    ToggleMark,
    ClearMarks,
    /// Start typing a name to save the panel under.
    StartNaming,
    NameChar(char),
    NameBackspace,
    NameAccept,
    NameCancel,
    /// Move the column focus of the compare view.
    ColumnStep(isize),
    /// Focus (or unfocus) column N, 0-based.
    FocusColumn(usize),
    /// Save the conversation(s) on screen to a transcript file.
    Export,
    /// Export the conversation(s) on screen to a Markdown file.
    ExportMarkdown,
    /// Copy the last answer (of the focused column, side by side) to the clipboard.
    CopyAnswer,
    /// Wait for a digit N, then copy the N-th code block of the last answer.
    CopyCodeBlock,
    /// Edit an earlier prompt (the last one first, then further back at each press), to
    /// resend it: the thread forks there.
    EditEarlier,
    /// Step to a later prompt; past the last one, stop editing.
    EditLater,
    /// Open the history view (past conversations, and searching them).
    OpenHistory,
    /// Edit the instructions of the thread on screen (side by side: of the comparison).
    EditInstructions,
    /// Ask (or stop asking) for an `analysis` object with every answer.
    ToggleAnalysis,
    /// Ctrl+T: the next JSON schema for answers (or a file's, through the path prompt).
    CycleSchema,
    /// `t`: side by side, the table of the schema's fields instead of the columns.
    ToggleSchemaTable,
    /// Open the prompt for an image to attach to the next message.
    AttachImage,
    /// Raise the session's credit budget by its starting amount.
    RaiseBudget,
    /// Open the form that creates a custom persona (300 credits, confirmed first).
    NewPersona,
    /// Open the form that edits the highlighted custom persona.
    EditPersona,
    /// Replaying a recording: put the next recorded prompt in the (empty) composer.
    NextRecordedPrompt,
}

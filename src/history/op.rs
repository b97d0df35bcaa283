//! What the app asks the history store to keep: the vocabulary of storage effects.
//!
//! Owns: the operations (a thread begins, threads are compared side by side, a message
//! as it now stands), how the store is told which thread is meant (`StoreKey`), the
//! roles and statuses a stored message can have, with their spelling in the database,
//! and what a thread's title is. Does not own: when an operation is emitted (the
//! reducer's `autosave`), turning the app's messages into records (`app::stored`), or
//! carrying operations out (`write`, `task`).

use serde_json::Value;

use crate::api::wire::Usage;

/// How the store knows a thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StoreKey {
    /// Begun this session (`StoreOp::Thread`): a number the app gave it. The storage task
    /// learns its row when it creates it, so the reducer never waits for the database.
    Session(u64),
    /// Stored by an earlier session and reopened (`--resume`): its row.
    Row(i64),
}

/// A thread on its own, or threads side by side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConversationId {
    Thread(i64),
    Comparison(i64),
}

impl ConversationId {
    /// `t12`, `c3`: how the command line names a conversation.
    pub fn label(self) -> String {
        match self {
            ConversationId::Thread(id) => format!("t{id}"),
            ConversationId::Comparison(id) => format!("c{id}"),
        }
    }
}

/// Who wrote a stored message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    User,
    Assistant,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::User => "user",
            Role::Assistant => "assistant",
        }
    }

    /// A role read back; anything but `user` is an answer.
    pub fn parse(text: &str) -> Role {
        if text == "user" {
            Role::User
        } else {
            Role::Assistant
        }
    }
}

/// Where a stored message stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// A prompt, or a whole answer.
    Complete,
    /// The user stopped it; the text so far is kept.
    Stopped,
    /// The stream broke, or the app ended while it streamed.
    Interrupted,
    Failed,
    /// The model declined (a refusal part).
    Refused,
    /// The server ended it early on purpose (a token limit, a filter).
    Incomplete,
    /// A checkpoint of an answer still arriving. The next session that opens the store
    /// finds none: they become `Interrupted` (`db::open`).
    Streaming,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Complete => "complete",
            Status::Stopped => "stopped",
            Status::Interrupted => "interrupted",
            Status::Failed => "failed",
            Status::Refused => "refused",
            Status::Incomplete => "incomplete",
            Status::Streaming => "streaming",
        }
    }

    /// A status read back; an unknown one (a newer version's, a hand edit) is complete.
    pub fn parse(text: &str) -> Status {
        match text {
            "stopped" => Status::Stopped,
            "interrupted" => Status::Interrupted,
            "failed" => Status::Failed,
            "refused" => Status::Refused,
            "incomplete" => Status::Incomplete,
            "streaming" => Status::Streaming,
            _ => Status::Complete,
        }
    }
}

/// The statuses of answers the server charges for, as the app's tally counts them: their
/// credits count even when the server did not report them (they are then unknown, never 0).
pub const CHARGED: [Status; 3] = [Status::Complete, Status::Refused, Status::Incomplete];

/// A message as the store keeps it.
#[derive(Debug, Clone, PartialEq)]
pub struct MessageRecord {
    pub role: Role,
    pub text: String,
    pub status: Status,
    /// Tokens and credits; the credits column is `usage.credits_used`.
    pub usage: Option<Usage>,
    pub response_id: Option<String>,
    /// What the answer holds besides text (refusals, analysis, tool calls, ...), each a
    /// JSON object with a `type`.
    pub parts: Vec<Value>,
    /// Why it failed, was interrupted or ended early.
    pub error: Option<String>,
}

impl MessageRecord {
    /// A message of plain text, with nothing reported about it (no usage, id or parts).
    pub fn plain(role: Role, text: impl Into<String>, status: Status) -> MessageRecord {
        MessageRecord {
            role,
            text: text.into(),
            status,
            usage: None,
            response_id: None,
            parts: Vec::new(),
            error: None,
        }
    }
}

/// A thread begins.
#[derive(Debug, Clone, PartialEq)]
pub struct NewThread {
    /// The session number the later operations use (`StoreKey::Session`).
    pub key: u64,
    /// `""` for a thread without a persona.
    pub persona_id: String,
    /// The persona's name as it was shown then (names change; ids stay).
    pub persona_name: String,
    pub title: String,
    /// The thread's own instructions, sent after the persona's prompt, if any.
    pub instructions: Option<String>,
}

/// One thing to store.
#[derive(Debug, Clone, PartialEq)]
pub enum StoreOp {
    /// A thread begins; its messages follow as `Message`s.
    Thread(NewThread),
    /// Threads answered the same prompt side by side: their columns, in order. The same
    /// threads in the same order are one comparison, however often this is sent.
    Comparison {
        key: u64,
        title: String,
        threads: Vec<StoreKey>,
    },
    /// Message `seq` (its place in the thread, from 0) as it now stands: stored, or
    /// replacing what was stored at that place (a checkpoint, an ending, a regenerated
    /// answer).
    Message {
        thread: StoreKey,
        seq: u32,
        message: MessageRecord,
    },
    /// Thread `thread` begins as a fork of `parent`: a copy of the parent's messages
    /// before place `at` (the prompt that was edited), linked to the parent and to that
    /// message; the edited prompt and what follows come as `Message`s of the new thread.
    /// The parent is left as it was (`history::fork`).
    Fork {
        thread: NewThread,
        parent: StoreKey,
        at: u32,
    },
    /// A conversation's new title (the user renamed it in the history view): a thread's,
    /// or a comparison's. Cut like any title (`title`).
    Rename {
        conversation: ConversationId,
        title: String,
    },
    /// A conversation deleted: a thread with its messages, or a comparison with its
    /// threads and theirs.
    Delete(ConversationId),
    /// A thread's instructions changed (the instructions popup): its new ones, or none.
    Instructions {
        thread: StoreKey,
        instructions: Option<String>,
    },
}

/// Most characters of a title: enough to recognise a conversation by.
pub const TITLE_CHARS: usize = 200;

/// A thread's title: its first prompt, trimmed, cut at `TITLE_CHARS` characters.
pub fn title(prompt: &str) -> String {
    prompt
        .trim()
        .chars()
        .take(TITLE_CHARS)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

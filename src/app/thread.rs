//! Conversations: one thread per persona, its messages, and how far it is scrolled.
//!
//! Owns: message text and status — `Message::text` is the answer's one text, already
//! the server's final text when it corrected what streamed (the reducer applies the
//! correction where text enters state) —, each message's `revision` (bumped on every
//! change so the view's wrap cache knows what to re-lay-out), the follow-the-bottom rule,
//! and the history sent with a follow-up. Does not own: layout (the view reports line
//! counts back through `Event::Measured`) or the network.

use crate::api::wire::{Input, InputContent, InputItem, Role, Usage};
use crate::api::AnswerPart;

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Author {
    User,
    Assistant,
}

/// Where an answer stands.
#[derive(Debug, Clone, PartialEq)]
pub enum MessageStatus {
    /// A user message, or a whole answer.
    Done,
    /// Sent; no token yet.
    Waiting,
    /// Waiting to retry after a 429/5xx: `until` is when (ms), `attempt` which retry.
    Retrying {
        until: u64,
        attempt: u32,
        reason: String,
    },
    Streaming,
    /// The user stopped it; the text so far stays.
    Stopped,
    /// The stream broke; the text so far stays. `advice` says what to do.
    Interrupted {
        error: String,
        advice: Option<String>,
    },
    /// The request failed; `advice` says what to do.
    Failed {
        error: String,
        advice: Option<String>,
    },
    /// The server ended early on purpose.
    Incomplete {
        reason: String,
    },
}

impl MessageStatus {
    /// Whether the answer is still expected to change.
    pub fn is_live(&self) -> bool {
        matches!(
            self,
            MessageStatus::Waiting | MessageStatus::Retrying { .. } | MessageStatus::Streaming
        )
    }
}

/// One message of a thread.
#[derive(Debug, Clone, PartialEq)]
pub struct Message {
    /// Unique across the app: the view's cache key.
    pub id: u64,
    pub author: Author,
    /// Already sanitised: safe to draw. For an answer the server corrected, its final
    /// text (the `AnswerPart::Corrected` part remains, as the note that it differs from
    /// what streamed).
    pub text: String,
    pub status: MessageStatus,
    pub usage: Option<Usage>,
    /// What the answer holds besides text (analysis, refusals, tool calls, ...), raw as
    /// the server sent them: sanitised where shown.
    pub parts: Vec<AnswerPart>,
    /// The server's id of the answer, once it ended.
    pub response_id: Option<String>,
    /// Bumped whenever `text` or `status` changes.
    pub revision: u64,
}

impl Message {
    /// A message the user sent.
    pub fn user(id: u64, text: String) -> Message {
        Message {
            id,
            author: Author::User,
            text,
            status: MessageStatus::Done,
            usage: None,
            parts: Vec::new(),
            response_id: None,
            revision: 0,
        }
    }

    /// An answer that was asked for and has not started yet.
    pub fn waiting_answer(id: u64) -> Message {
        Message {
            author: Author::Assistant,
            status: MessageStatus::Waiting,
            ..Message::user(id, String::new())
        }
    }

    pub fn touch(&mut self) {
        self.revision += 1;
    }

    /// The server's correction of the streamed text, raw, if it sent one: whether the
    /// note "the final text replaced what streamed" is due (`text` already reads it).
    pub fn correction(&self) -> Option<&str> {
        self.parts.iter().rev().find_map(|p| match p {
            AnswerPart::Corrected(text) => Some(text.as_str()),
            _ => None,
        })
    }
}

/// Scroll position: following the bottom, or anchored at a top line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scroll {
    #[default]
    Follow,
    /// The first visible line, counted from the top of the thread.
    Top(usize),
}

impl Scroll {
    /// The first line shown of `total` lines in `viewport` rows: the one clamping rule,
    /// for the reducer's scrolling and the view's drawing alike.
    ///
    /// Following the bottom, the window moves in steps of an eighth of its height, so
    /// the last line is always in view with at most a step's worth of room under it. A
    /// streaming answer then scrolls the pane a few lines at a time instead of at every
    /// line: the text being read moves less often, and the terminal repaints the pane an
    /// eighth as often (each scroll rewrites every row of it).
    pub fn top(self, total: usize, viewport: usize) -> usize {
        let bottom = total.saturating_sub(viewport);
        match self {
            Scroll::Follow => {
                let step = (viewport / 8).max(1);
                bottom.div_ceil(step) * step
            }
            Scroll::Top(t) => t.min(bottom),
        }
    }
}

/// One persona's conversation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Thread {
    pub messages: Vec<Message>,
    pub scroll: Scroll,
    /// The last measurement of the view: total lines and visible rows.
    pub measured: (usize, usize),
    /// A place to show once, in place of `scroll`: the view finds its line (it owns
    /// layout) and reports it back, which makes it the scroll position
    /// (`Event::Measured::landed`).
    pub landing: Option<Landing>,
    /// The thread's own instructions, sent as `instructions` with each of its requests
    /// (after the persona's prompt); set in the instructions popup, kept in the history.
    pub instructions: Option<String>,
}

/// Where a reopened thread opens: the first line of a message that holds one of `words`
/// (lower case), a third of the way down the pane; the message's top when none does.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Landing {
    pub message: u64,
    pub words: Vec<String>,
}

impl Thread {
    /// Searched from the end: the message being changed is almost always the last one,
    /// so per-token work does not grow with the thread.
    pub fn message_mut(&mut self, id: u64) -> Option<&mut Message> {
        self.messages.iter_mut().rev().find(|m| m.id == id)
    }

    /// A message by id, searched from the end (where the live ones are).
    pub fn message(&self, id: u64) -> Option<&Message> {
        self.messages.iter().rev().find(|m| m.id == id)
    }

    /// The answer still streaming in this thread, if any.
    pub fn live_answer(&self) -> Option<&Message> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.author == Author::Assistant && m.status.is_live())
    }

    /// The conversation so far as an `input` array: every user message and every answer
    /// with text (answers that failed with no text are left out; stopped or interrupted
    /// ones are kept, since the user saw them).
    pub fn history(&self) -> Vec<InputItem> {
        self.messages
            .iter()
            .map(|m| (m, m.text.as_str()))
            .filter(|(m, text)| m.author == Author::User || !text.trim().is_empty())
            .map(|(m, text)| InputItem {
                role: match m.author {
                    Author::User => Role::User,
                    Author::Assistant => Role::Assistant,
                },
                content: match m.author {
                    Author::User => super::attach::content(&m.parts, text),
                    Author::Assistant => InputContent::Text(text.to_owned()),
                },
            })
            .collect()
    }

    /// The input for the next answer: a plain string for a first question (what every
    /// server accepts), the history array for a follow-up.
    pub fn input(&self) -> Input {
        let history = self.history();
        match history.as_slice() {
            [only] if only.role == Role::User && matches!(only.content, InputContent::Text(_)) => {
                Input::Text(only.content.text())
            }
            _ => Input::Items(history),
        }
    }

    /// Scrolls by `delta` lines (negative = up). Scrolling up leaves follow mode;
    /// reaching the bottom returns to it.
    pub fn scroll_by(&mut self, delta: isize) {
        let (total, viewport) = self.measured;
        let bottom_top = total.saturating_sub(viewport);
        // From the exact bottom: a followed window may stand a few lines past it.
        let top = self.scroll.top(total, viewport).min(bottom_top);
        let next = top.saturating_add_signed(delta).min(bottom_top);
        self.scroll = if next >= bottom_top {
            Scroll::Follow
        } else {
            Scroll::Top(next)
        };
    }

    pub fn scroll_to(&mut self, end: bool) {
        self.scroll = if end { Scroll::Follow } else { Scroll::Top(0) };
        if !end && self.measured.0 <= self.measured.1 {
            self.scroll = Scroll::Follow; // everything fits: nothing to scroll
        }
    }

    /// Rows of a page, keeping one line of context.
    pub fn page(&self) -> isize {
        self.measured.1.saturating_sub(1).max(1) as isize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn msg(id: u64, author: Author, text: &str, status: MessageStatus) -> Message {
        Message {
            author,
            status,
            ..Message::user(id, text.into())
        }
    }

    #[test]
    fn first_question_is_a_plain_string_follow_ups_carry_history() {
        let mut t = Thread::default();
        t.messages.push(msg(1, Author::User, "hi", MessageStatus::Done));
        assert_eq!(t.input(), Input::Text("hi".into()));
        t.messages.push(msg(
            2,
            Author::Assistant,
            "",
            MessageStatus::Failed {
                error: "x".into(),
                advice: None,
            },
        ));
        t.messages
            .push(msg(3, Author::User, "again", MessageStatus::Done));
        t.messages
            .push(msg(4, Author::Assistant, "partial", MessageStatus::Stopped));
        t.messages.push(msg(5, Author::User, "more", MessageStatus::Done));
        match t.input() {
            Input::Items(items) => {
                let texts: Vec<String> = items.iter().map(|i| i.content.text()).collect();
                assert_eq!(texts, ["hi", "again", "partial", "more"]);
                assert_eq!(items[2].role, Role::Assistant);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn scrolling_up_stops_following_and_the_bottom_resumes_it() {
        let mut t = Thread {
            measured: (100, 20),
            ..Thread::default()
        };
        t.scroll_by(-5);
        assert_eq!(t.scroll, Scroll::Top(75));
        t.measured = (150, 20); // text streamed in: the view stays put
        assert_eq!(t.scroll, Scroll::Top(75));
        t.scroll_by(200);
        assert_eq!(t.scroll, Scroll::Follow);
        t.scroll_to(false);
        assert_eq!(t.scroll, Scroll::Top(0));
        t.scroll_by(-3);
        assert_eq!(t.scroll, Scroll::Top(0));
    }

    #[test]
    fn a_thread_that_fits_never_leaves_follow() {
        let mut t = Thread {
            measured: (5, 20),
            ..Thread::default()
        };
        t.scroll_by(-3);
        assert_eq!(t.scroll, Scroll::Follow);
        t.scroll_to(false);
        assert_eq!(t.scroll, Scroll::Follow);
    }
}

//! Builds one answer out of its stream events (spec §4 items 8–10).
//!
//! Owns: the text so far, usage, and how the answer ended. Text comes from the deltas;
//! `output_text.done`, `output_item.done` and the terminal event's `output` fill in only
//! what the deltas did not deliver, so a server that sends an empty `output` on
//! completion, or no deltas at all, still yields the whole answer. Does not own: reading
//! the network or showing the answer.

use super::error::ApiError;
use super::events::StreamEvent;
use super::wire::{ResponseObject, Usage};

/// How an answer ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Ending {
    Completed,
    /// The server stopped early on purpose (`max_output_tokens`, content filter, ...).
    Incomplete {
        reason: String,
    },
    Failed(ApiError),
    /// The stream ended (or broke) before any terminal event: the text so far is kept.
    Interrupted(ApiError),
}

/// The answer being assembled.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Assembly {
    pub response_id: Option<String>,
    pub text: String,
    pub usage: Option<Usage>,
    pub ending: Option<Ending>,
    /// Text deltas received (one per `output_text.delta`).
    pub deltas: u64,
    /// Which message item the text currently belongs to: a new item starts a paragraph.
    current_item: Option<String>,
    /// Whether `text` came from deltas (then later summaries are not appended again).
    streamed_item_text: bool,
}

impl Assembly {
    /// Applies one event; returns `true` when the answer has ended.
    pub fn apply(&mut self, event: StreamEvent) -> bool {
        match event {
            StreamEvent::Created { response_id } if !response_id.is_empty() => {
                self.response_id = Some(response_id);
            }
            StreamEvent::TextDelta { item_id, delta, .. } => {
                self.enter_item(item_id);
                self.text.push_str(&delta);
                self.deltas += 1;
                self.streamed_item_text = true;
            }
            StreamEvent::TextDone { item_id, text } => {
                self.enter_item(item_id);
                if !self.streamed_item_text {
                    self.text.push_str(&text);
                    self.streamed_item_text = true;
                }
            }
            StreamEvent::OutputItemDone { item, .. } if item.kind == "message" => {
                self.enter_item(item.id.clone());
                if !self.streamed_item_text {
                    self.text.push_str(&item.text());
                    self.streamed_item_text = true;
                }
            }
            StreamEvent::Completed(r) => self.end(r, Ending::Completed),
            StreamEvent::Incomplete(r) => {
                let reason = r
                    .incomplete_details
                    .as_ref()
                    .map(|d| d.reason.clone())
                    .filter(|r| !r.is_empty())
                    .unwrap_or_else(|| "unknown reason".into());
                self.end(r, Ending::Incomplete { reason });
            }
            StreamEvent::Failed(r) => {
                let err = ApiError::from_stream(r.error.clone());
                self.end(r, Ending::Failed(err));
            }
            StreamEvent::Error(body) => self.ending = Some(Ending::Failed(ApiError::from_stream(Some(body)))),
            // `[DONE]` without a terminal event: the server finished its way.
            StreamEvent::Done if self.ending.is_none() => self.ending = Some(Ending::Completed),
            _ => {}
        }
        self.ending.is_some()
    }

    /// The stream broke or ended with no terminal event.
    pub fn interrupt(&mut self, err: ApiError) {
        if self.ending.is_none() {
            self.ending = Some(Ending::Interrupted(err));
        }
    }

    fn enter_item(&mut self, item_id: Option<String>) {
        if item_id.is_some() && self.current_item.is_none() && self.streamed_item_text {
            // Deltas without ids (some servers omit them) belong to the first item named.
            self.current_item = item_id;
            return;
        }
        if item_id.is_some() && item_id != self.current_item {
            if self.current_item.is_some() && !self.text.is_empty() {
                self.text.push_str("\n\n");
            }
            self.current_item = item_id;
            self.streamed_item_text = false;
        }
    }

    fn end(&mut self, response: ResponseObject, ending: Ending) {
        if self.text.is_empty() {
            self.text = response.output_text();
        }
        if self.response_id.is_none() && !response.id.is_empty() {
            self.response_id = Some(response.id.clone());
        }
        self.usage = response.usage;
        self.ending = Some(ending);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::wire::{ContentPart, OutputItem};

    fn delta(item: &str, d: &str) -> StreamEvent {
        StreamEvent::TextDelta {
            item_id: Some(item.into()),
            output_index: None,
            delta: d.into(),
        }
    }

    fn message(id: &str, text: &str) -> OutputItem {
        OutputItem {
            kind: "message".into(),
            id: Some(id.into()),
            role: Some("assistant".into()),
            status: None,
            content: vec![ContentPart {
                kind: "output_text".into(),
                text: Some(text.into()),
                extra: Default::default(),
            }],
            extra: Default::default(),
        }
    }

    #[test]
    fn deltas_win_over_summaries() {
        let mut a = Assembly::default();
        a.apply(delta("m", "Hel"));
        a.apply(delta("m", "lo"));
        a.apply(StreamEvent::TextDone {
            item_id: Some("m".into()),
            text: "Hello".into(),
        });
        a.apply(StreamEvent::OutputItemDone {
            output_index: None,
            item: message("m", "Hello"),
        });
        let done = a.apply(StreamEvent::Completed(ResponseObject {
            output: vec![message("m", "Hello")],
            usage: Some(Usage {
                credits_used: Some(2.0),
                ..Usage::default()
            }),
            ..ResponseObject::default()
        }));
        assert!(done);
        assert_eq!(a.text, "Hello");
        assert_eq!(a.ending, Some(Ending::Completed));
        assert_eq!(a.usage.and_then(|u| u.credits_used), Some(2.0));
    }

    #[test]
    fn empty_completed_output_keeps_the_deltas() {
        let mut a = Assembly::default();
        a.apply(delta("m", "kept"));
        a.apply(StreamEvent::Completed(ResponseObject::default()));
        assert_eq!(a.text, "kept");
    }

    #[test]
    fn no_deltas_takes_text_from_items_or_terminal_output() {
        let mut a = Assembly::default();
        a.apply(StreamEvent::OutputItemDone {
            output_index: None,
            item: message("m", "from item"),
        });
        a.apply(StreamEvent::Completed(ResponseObject::default()));
        assert_eq!(a.text, "from item");

        let mut b = Assembly::default();
        b.apply(StreamEvent::Completed(ResponseObject {
            output: vec![message("m", "from output")],
            ..ResponseObject::default()
        }));
        assert_eq!(b.text, "from output");
    }

    #[test]
    fn deltas_without_ids_are_not_repeated_by_the_summaries() {
        let mut a = Assembly::default();
        for d in ["Hel", "lo"] {
            a.apply(StreamEvent::TextDelta {
                item_id: None,
                output_index: None,
                delta: d.into(),
            });
        }
        a.apply(StreamEvent::TextDone {
            item_id: Some("m".into()),
            text: "Hello".into(),
        });
        a.apply(StreamEvent::OutputItemDone {
            output_index: None,
            item: message("m", "Hello"),
        });
        a.apply(StreamEvent::Completed(ResponseObject::default()));
        assert_eq!(a.text, "Hello");
    }

    #[test]
    fn two_message_items_are_separate_paragraphs() {
        let mut a = Assembly::default();
        a.apply(delta("a", "one"));
        a.apply(delta("b", "two"));
        assert_eq!(a.text, "one\n\ntwo");
    }

    #[test]
    fn interruption_keeps_text_and_first_ending_wins() {
        let mut a = Assembly::default();
        a.apply(delta("m", "partial"));
        a.interrupt(ApiError::Interrupted);
        a.apply(StreamEvent::Done);
        assert_eq!(a.text, "partial");
        assert_eq!(a.ending, Some(Ending::Interrupted(ApiError::Interrupted)));
    }
}

//! Regenerating without losing the answer being replaced.
//!
//! Owns: the rule that a regenerated answer's old content stays on screen until the new
//! answer produces content (text or a structured part), and comes back whole when the
//! new answer fails, breaks or is stopped before that. The new answer's message shows
//! the old content meanwhile (with the new answer's live status), and the old message
//! waits in `ActiveStream::replacing`; the moment the first content arrives, the message
//! is emptied under a fresh id (so no cached layout of the old text is mistaken for the
//! start of the new) before the text is appended. Does not own: how answer events change
//! a message (`answer`) or when to regenerate (`send::regenerate`).

use crate::api::{AnswerEvent, Ending, Outcome};
use crate::app::effect::Effects;
use crate::app::event::RequestId;
use crate::app::state::AppState;
use crate::app::thread::Message;

use super::answer;

/// The waiting answer that replaces `old`: it shows `old`'s content until its own.
pub(super) fn placeholder(message_id: u64, old: Option<&Message>) -> Message {
    let mut message = Message::waiting_answer(message_id);
    if let Some(old) = old {
        message.text = old.text.clone();
        message.parts = old.parts.clone();
    }
    message
}

/// Whether an answer is worth keeping on screen while it is regenerated.
pub(super) fn worth_keeping(message: &Message) -> bool {
    !message.text.trim().is_empty() || !message.parts.is_empty()
}

/// Applies a batch of answer events of request `id`, settling the answer it replaces
/// first (new content, or an ending that is not a failure, retires the old content) or
/// after (a failure before any content puts the old answer back).
pub(super) fn apply(state: &mut AppState, id: RequestId, events: Vec<AnswerEvent>, fx: &mut Effects) {
    let replacing = state.streams.get(&id).is_some_and(|s| s.replacing.is_some());
    if !replacing {
        answer::apply(state, id, events, fx);
        return;
    }
    // The answer reads events up to the first ending; so does this.
    let mut failed_first = false;
    let mut retire = false;
    for event in &events {
        match event {
            AnswerEvent::Text(text) if !text.is_empty() => retire = true,
            AnswerEvent::Part(_) | AnswerEvent::CallArguments { .. } => retire = true,
            AnswerEvent::Ended(Ending { outcome, .. }) => {
                failed_first = matches!(outcome, Outcome::Failed(_) | Outcome::Interrupted(_));
                retire = !failed_first;
            }
            _ => {}
        }
        if retire || failed_first {
            break;
        }
    }
    if retire {
        retire_old(state, id);
    }
    if !failed_first {
        // New content, or still waiting (opened, retrying: the old content stays).
        answer::apply(state, id, events, fx);
        return;
    }
    let Some((key, message_id, old)) = state
        .streams
        .get_mut(&id)
        .and_then(|s| Some((s.persona_id.clone(), s.message_id, s.replacing.take()?)))
    else {
        answer::apply(state, id, events, fx);
        return;
    };
    answer::apply(state, id, events, fx);
    restore(state, &key, message_id, old);
    if let Some(notice) = &mut state.notice {
        notice.text.push_str(" · the previous answer is kept");
    }
}

/// Puts the replaced answer `old` back in place of message `message_id` of thread `key`
/// (keeping that message's id, with a new revision so its layout is redone).
pub(super) fn restore(state: &mut AppState, key: &str, message_id: u64, old: Message) {
    if let Some(m) = state.threads.get_mut(key).and_then(|t| t.message_mut(message_id)) {
        let revision = m.revision;
        *m = Message {
            id: message_id,
            revision,
            ..old
        };
        m.touch();
    }
}

/// The new answer has content: the old content leaves, and the message takes a fresh id.
fn retire_old(state: &mut AppState, id: RequestId) {
    let fresh = state.next_id();
    let Some(stream) = state.streams.get_mut(&id) else {
        return;
    };
    stream.replacing = None;
    let before = std::mem::replace(&mut stream.message_id, fresh);
    if let Some(m) = state
        .threads
        .get_mut(&stream.persona_id)
        .and_then(|t| t.message_mut(before))
    {
        m.id = fresh;
        m.text.clear();
        m.parts.clear();
        m.touch();
    }
    for m in &mut state.compare.round.messages {
        if *m == before {
            *m = fresh;
        }
    }
}

//! Stream progress and endings: the boundary where answer text enters state.
//!
//! Owns: ignoring stale request ids, appending every batch of deltas at once (sanitised
//! here, once, so nothing downstream sees a control sequence), timing for tokens per
//! second, and turning each kind of ending into message status, credits and a notice.
//! Does not own: reading the network.

use crate::api::{ApiError, Ending};
use crate::app::effect::{Effect, Effects};
use crate::app::event::{NetEvent, RequestId};
use crate::app::state::{AppState, Severity};
use crate::app::thread::MessageStatus;
use crate::sanitize::clean_line;

use super::send::notify;

pub(super) fn apply(state: &mut AppState, id: RequestId, event: NetEvent, fx: &mut Effects) {
    let now = state.now;
    let Some(stream) = state.streams.get_mut(&id) else {
        return; // stale: cancelled, replaced, or from before a new thread
    };
    let (thread_key, message_id) = (stream.persona_id.clone(), stream.message_id);
    let mut notice = None;
    let mut ended = false;
    let status = match event {
        NetEvent::Retrying {
            wait_ms,
            attempt,
            reason,
        } => {
            let reason = clean_line(&reason);
            notice = Some(format!(
                "{reason}; retrying in {} s (attempt {attempt})",
                wait_ms.div_ceil(1000)
            ));
            Some(MessageStatus::Retrying {
                until: now + wait_ms,
                attempt,
                reason,
            })
        }
        NetEvent::Opened => Some(MessageStatus::Waiting),
        NetEvent::Batch(events) => {
            for ev in events {
                if stream.assembly.apply(ev) {
                    ended = true;
                    break;
                }
            }
            None
        }
        NetEvent::Broken(err) => {
            // Broken before any text: the request failed. After some: interrupted.
            if stream.assembly.text.is_empty() {
                stream.assembly.ending.get_or_insert(Ending::Failed(err));
            } else {
                stream.assembly.interrupt(err);
            }
            ended = true;
            None
        }
    };
    // Move new text (sanitised) from the assembly into the message.
    let fresh = stream.assembly.text.get(stream.consumed..).unwrap_or_default();
    let mut appended = String::new();
    if !fresh.is_empty() {
        stream.sanitizer.push(fresh, &mut appended);
        stream.consumed = stream.assembly.text.len();
        stream.first_token_at.get_or_insert(now);
        stream.last_token_at = Some(now);
        stream.deltas = stream.assembly.deltas;
    }
    let streaming = stream.first_token_at.is_some();
    if let Some(m) = state
        .threads
        .get_mut(&thread_key)
        .and_then(|t| t.message_mut(message_id))
    {
        m.text.push_str(&appended);
        if let Some(s) = status {
            m.status = s;
        } else if streaming {
            m.status = MessageStatus::Streaming;
        }
        m.touch();
    }
    if let Some(text) = notice {
        notify(state, Severity::Warning, text, fx);
    }
    if ended {
        finish(state, id, fx);
    }
    fx.redraw();
}

/// Settles an answer whose stream has ended, however it ended.
fn finish(state: &mut AppState, id: RequestId, fx: &mut Effects) {
    let Some(stream) = state.streams.remove(&id) else {
        return;
    };
    let ending = stream
        .assembly
        .ending
        .clone()
        .unwrap_or(Ending::Interrupted(ApiError::Interrupted));
    let usage = stream.assembly.usage.clone();
    let (status, notice) = match ending {
        Ending::Completed => (MessageStatus::Done, None),
        Ending::Incomplete { reason } => {
            let reason = clean_line(&reason);
            (
                MessageStatus::Incomplete {
                    reason: reason.clone(),
                },
                Some((Severity::Warning, format!("the answer stopped early: {reason}"))),
            )
        }
        Ending::Failed(err) => {
            if matches!(err, ApiError::Credits { .. }) {
                state.out_of_credits = true;
            }
            let (error, advice) = describe(&err);
            let text = format!(
                "{error}{}",
                advice.as_deref().map(|a| format!(" — {a}")).unwrap_or_default()
            );
            (
                MessageStatus::Failed { error, advice },
                Some((Severity::Error, text)),
            )
        }
        Ending::Interrupted(err) => {
            let (error, _) = describe(&err);
            let advice = Some("the text so far is kept; Ctrl+R retries".to_owned());
            (
                MessageStatus::Interrupted {
                    error: error.clone(),
                    advice: advice.clone(),
                },
                Some((Severity::Error, format!("{error} — Ctrl+R retries"))),
            )
        }
    };
    let counts = matches!(status, MessageStatus::Done | MessageStatus::Incomplete { .. });
    if counts || usage.is_some() {
        let credits = usage.as_ref().and_then(|u| u.credits_used);
        state.credits.answers += 1;
        match credits {
            Some(c) => state.credits.spent += c,
            None => state.credits.unreported += 1,
        }
        state.compare.round.count(stream.message_id, credits);
        state.last_answer.usage = usage.clone();
        let usage_id = RequestId(state.next_id());
        state.usage_request = Some(usage_id);
        fx.push(Effect::LoadUsage { id: usage_id });
    }
    if let Some(m) = state
        .threads
        .get_mut(&stream.persona_id)
        .and_then(|t| t.message_mut(stream.message_id))
    {
        m.status = status;
        m.usage = usage;
        m.touch();
    }
    if let Some((severity, text)) = notice {
        notify(state, severity, text, fx);
    }
}

/// The error as one safe line, and what the user can do about it.
pub(super) fn describe(err: &ApiError) -> (String, Option<String>) {
    let advice = match err {
        ApiError::Auth { .. } | ApiError::MissingKey => {
            Some("set MAVERA_API_KEY or api_key in ~/.config/mavera-tui/config.toml, then restart".to_owned())
        }
        ApiError::RateLimited { .. } => Some("rate limited: wait a moment, then Ctrl+R".to_owned()),
        other => other.advice().map(str::to_owned),
    };
    (clean_line(&err.to_string()), advice)
}

//! Answer progress and endings: the boundary where answer text enters state.
//!
//! Owns: ignoring stale request ids, appending the text of every batch at once
//! (sanitised here, once, so nothing downstream sees a control sequence), keeping the
//! answer's structured parts, timing for tokens per second, and turning each kind of
//! ending into message status, credits and a notice — including pausing sends after a
//! 402 and resuming them when a later answer succeeds (a positive balance resumes them
//! too: `load`), and keeping the rate-limit window the ending reports while it is low.
//! A server's correction (`AnswerPart::Corrected`) replaces the message's text here,
//! sanitised, so `Message::text` is the one answer text everyone reads (view, history,
//! transcripts); the part stays as the note that the final text replaced what
//! streamed. Does not own: the protocol (the
//! request task's `api::answer` already turned wire events into answer events) or
//! reading the network.

use crate::api::answer::part;
use crate::api::retry::RateLimitStatus;
use crate::api::{AnswerEvent, AnswerPart, ApiError, Ending, Outcome};
use crate::app::effect::Effects;
use crate::app::event::{Millis, RequestId};
use crate::app::state::{AppState, RequestsLeft, Severity};
use crate::app::thread::MessageStatus;
use crate::sanitize::{clean, clean_line, Sanitizer};

use super::notice::notify;

/// Applies a batch of one request's answer events.
pub(super) fn apply(state: &mut AppState, id: RequestId, events: Vec<AnswerEvent>, fx: &mut Effects) {
    let now = state.now;
    let Some(stream) = state.streams.get_mut(&id) else {
        return; // stale: cancelled, replaced, or from before a new thread
    };
    let (thread_key, message_id) = (stream.persona_id.clone(), stream.message_id);
    let Some(message) = state
        .threads
        .get_mut(&thread_key)
        .and_then(|t| t.message_mut(message_id))
    else {
        return;
    };
    let mut notice = None;
    let mut ending = None;
    for event in events {
        match event {
            AnswerEvent::Retrying {
                wait_ms,
                attempt,
                reason,
            } => {
                let reason = clean_line(&reason);
                notice = Some(format!(
                    "{reason}; retrying in {} s (attempt {attempt})",
                    wait_ms.div_ceil(1000)
                ));
                message.status = MessageStatus::Retrying {
                    until: now + wait_ms,
                    attempt,
                    reason,
                };
            }
            AnswerEvent::Opened => message.status = MessageStatus::Waiting,
            AnswerEvent::Text(text) => {
                stream.sanitizer.push(&text, &mut message.text);
                stream.count_text(now);
                message.status = MessageStatus::Streaming;
            }
            AnswerEvent::Part(part) => {
                if let AnswerPart::Corrected(text) = &part {
                    // The whole final text, cleaned on its own: the stream's sanitizer
                    // may be inside a sequence the streamed text left open, which says
                    // nothing about this text, and nothing streamed is appended to it.
                    message.text = clean(text);
                    stream.sanitizer = Sanitizer::default();
                }
                part::settle_call(&mut message.parts, part);
            }
            AnswerEvent::CallArguments {
                slot,
                call_id,
                name,
                delta,
            } => {
                // Raw here like every part: the view sanitises what it draws of it.
                part::stream_call(&mut message.parts, slot, &call_id, &name, &delta);
                message.status = MessageStatus::Streaming;
            }
            AnswerEvent::Ended(end) => {
                // Calls that never finished were handed out as parts of their own.
                part::drop_streaming(&mut message.parts);
                ending = Some(end);
                break;
            }
        }
    }
    message.touch();
    if let Some(text) = notice {
        notify(state, Severity::Warning, text, fx);
    }
    if let Some(end) = ending {
        finish(state, id, end, fx);
    }
    fx.redraw();
}

/// Settles an answer whose request has ended, however it ended.
fn finish(state: &mut AppState, id: RequestId, ending: Ending, fx: &mut Effects) {
    let Some(stream) = state.streams.remove(&id) else {
        return;
    };
    let Ending {
        outcome,
        usage,
        response_id,
        rate_limit,
        origin,
    } = ending;
    if origin.is_some() {
        state.last_answer.origin = origin;
    }
    state.rate_limit = rate_limit.and_then(|status| low(status, state.now));
    if matches!(outcome, Outcome::Completed | Outcome::Incomplete { .. }) {
        // The server accepted a request: whatever stopped sending for credits is over.
        state.out_of_credits = false;
    }
    let (status, notice) = match outcome {
        Outcome::Completed => (MessageStatus::Done, None),
        Outcome::Incomplete { reason } => {
            let reason = clean_line(&reason);
            (
                MessageStatus::Incomplete {
                    reason: reason.clone(),
                },
                Some((Severity::Warning, format!("the answer stopped early: {reason}"))),
            )
        }
        Outcome::Failed(err) => {
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
        Outcome::Interrupted(err) => {
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
        state.credits.sum.add(credits);
        state.compare.round.count(stream.message_id, credits);
        state.last_answer.usage = usage.clone();
        // At most once per 30 s: a comparison's answers ending together ask once.
        super::usage::refresh_usage(state, false, fx);
    }
    if let Some(m) = state
        .threads
        .get_mut(&stream.persona_id)
        .and_then(|t| t.message_mut(stream.message_id))
    {
        m.status = status;
        m.usage = usage;
        m.response_id = response_id.map(|r| clean_line(&r));
        m.touch();
    }
    super::ended::ended(state, &stream.persona_id, stream.message_id, fx);
    if let Some((severity, text)) = notice {
        notify(state, severity, text, fx);
    }
}

/// The window worth keeping for the status bar: only a low one, its reset on the app's
/// clock.
fn low(status: RateLimitStatus, now: Millis) -> Option<RequestsLeft> {
    status.is_low().then(|| RequestsLeft {
        remaining: status.remaining,
        limit: status.limit,
        resets_at: status
            .reset_in
            .map(|wait| now.saturating_add(u64::try_from(wait.as_millis()).unwrap_or(u64::MAX))),
    })
}

/// The error as one safe line, and what the user can do about it.
pub(super) fn describe(err: &ApiError) -> (String, Option<String>) {
    let advice = match err {
        ApiError::Auth { .. } | ApiError::MissingKey => {
            Some("set MAVERA_API_KEY or api_key in ~/.config/mavera-tui/config.toml, then restart".to_owned())
        }
        ApiError::Forbidden { .. } => Some(
            "this key may not do that: check MAVERA_API_KEY or api_key in ~/.config/mavera-tui/config.toml, and the plan"
                .to_owned(),
        ),
        ApiError::RateLimited { .. } => Some("rate limited: wait a moment, then Ctrl+R".to_owned()),
        other => other.advice().map(str::to_owned),
    };
    (clean_line(&err.to_string()), advice)
}

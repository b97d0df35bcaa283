//! How facts are said: credits, tokens, totals, and what state an answer is in.
//!
//! Owns: every piece of wording that more than one place shows — one name per message
//! status (brief for a column's footer and the status bar, full for the conversation),
//! with its mark and its tone. Does not own: the facts (state) or where words are drawn.

use ratatui::style::Style;

use super::theme::Theme;
use crate::api::wire::Usage;
use crate::app::credits::CreditTotal;
use crate::app::thread::MessageStatus;

/// The status bar's mark of a session whose history could not be opened.
pub const NO_HISTORY: &str = "no history";

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// A spinner frame for the time `now` (ms).
pub fn spinner(now: u64) -> &'static str {
    SPINNER
        .get((now / 100) as usize % SPINNER.len())
        .copied()
        .unwrap_or("·")
}

/// A credit amount without a spurious `.0` (`3`, `2.50`).
pub fn credits(amount: f64) -> String {
    if amount.fract() == 0.0 && amount.abs() < 1e15 {
        format!("{}", amount as i64)
    } else {
        format!("{amount:.2}")
    }
}

/// Tokens of an answer: the total, else the output tokens, else `—` (unknown).
pub fn tokens_used(usage: Option<&Usage>) -> String {
    usage
        .and_then(|u| u.total_tokens.or(u.output_tokens))
        .map(|t| t.to_string())
        .unwrap_or_else(|| "—".into())
}

/// Credits of an answer: `3`, `2.50`, or `—` when the server did not report them.
pub fn credits_used(usage: Option<&Usage>) -> String {
    usage
        .and_then(|u| u.credits_used)
        .map(credits)
        .unwrap_or_else(|| "—".into())
}

/// `30 tokens · 3 credits` (`1 token`, `1 credit`), with `—` for what the server did not
/// report.
pub fn usage(usage: Option<&Usage>) -> String {
    let (tokens, credits) = (tokens_used(usage), credits_used(usage));
    let unit = |n: &str, one: &'static str, many: &'static str| if n == "1" { one } else { many };
    format!(
        "{tokens} {} · {credits} {}",
        unit(&tokens, "token", "tokens"),
        unit(&credits, "credit", "credits")
    )
}

/// `30 tok · 3 cr`: the same, where room is short.
pub fn usage_brief(usage: Option<&Usage>) -> String {
    format!("{} tok · {} cr", tokens_used(usage), credits_used(usage))
}

/// A sum of credits: `12`, `12+` (a lower bound), `—` (unknown), `…` (nothing in yet).
pub fn total(total: CreditTotal) -> String {
    match total {
        CreditTotal::Pending => "…".into(),
        CreditTotal::Exact(c) => credits(c),
        CreditTotal::AtLeast(c) => format!("{}+", credits(c)),
        CreditTotal::Unknown => "—".into(),
    }
}

/// Few requests left in the rate-limit window: `3 of 120 requests left · resets in 12 s`,
/// `1 request left`, `no requests left · resets in 30 s`. `resets_in_secs` is rounded up
/// by the caller. Shared by the status bar and `ask`'s note.
pub fn requests_left(remaining: u64, limit: Option<u64>, resets_in_secs: Option<u64>) -> String {
    let count = match (remaining, limit) {
        (0, _) => "no requests left".to_owned(),
        (1, None) => "1 request left".to_owned(),
        (n, None) => format!("{n} requests left"),
        (n, Some(limit)) => format!("{n} of {limit} requests left"),
    };
    match resets_in_secs {
        Some(secs) => format!("{count} · resets in {secs} s"),
        None => count,
    }
}

/// How a status is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Muted,
    Live,
    Warning,
    Error,
}

impl Tone {
    pub fn style(self, theme: &Theme) -> Style {
        match self {
            Tone::Muted => theme.muted,
            Tone::Live => theme.success,
            Tone::Warning => theme.warning,
            Tone::Error => theme.error,
        }
    }
}

/// An answer's state in words.
#[derive(Debug, Clone, PartialEq)]
pub struct StatusWords {
    /// One character: a spinner frame, `●`, `✓`, `⚠`, `■` or `✖`.
    pub mark: &'static str,
    /// For a column's footer and the status bar.
    pub brief: String,
    /// For the conversation.
    pub full: String,
    pub tone: Tone,
}

/// Names an answer's status. `usage` is the answer's, `tokens_per_sec` its live rate,
/// `now` the time (for spinners and countdowns).
pub fn status(
    status: &MessageStatus,
    usage: Option<&Usage>,
    tokens_per_sec: Option<f64>,
    now: u64,
) -> StatusWords {
    let words = |mark, brief: String, full: String, tone| StatusWords {
        mark,
        brief,
        full,
        tone,
    };
    match status {
        MessageStatus::Waiting => words(
            spinner(now),
            "waiting".into(),
            "waiting for the first token".into(),
            Tone::Muted,
        ),
        MessageStatus::Retrying {
            until,
            attempt,
            reason,
        } => {
            let secs = until.saturating_sub(now).div_ceil(1000);
            words(
                spinner(now),
                format!("retrying in {secs} s"),
                format!("{reason} — retrying in {secs} s (attempt {attempt})"),
                Tone::Warning,
            )
        }
        MessageStatus::Streaming => {
            let rate = tokens_per_sec
                .map(|t| format!(" {t:.0} tok/s"))
                .unwrap_or_default();
            words(
                "●",
                format!("streaming{rate}"),
                format!("streaming{rate}"),
                Tone::Live,
            )
        }
        MessageStatus::Done => words("✓", usage_brief(usage), self::usage(usage), Tone::Muted),
        MessageStatus::Incomplete { reason } => words(
            "⚠",
            format!("cut short · {}", usage_brief(usage)),
            format!("stopped early: {reason} · {}", self::usage(usage)),
            Tone::Warning,
        ),
        MessageStatus::Stopped => words(
            "■",
            "stopped".into(),
            "stopped · Ctrl+R regenerates".into(),
            Tone::Warning,
        ),
        MessageStatus::Interrupted { error, advice } => words(
            "⚠",
            "interrupted · Ctrl+R".into(),
            format!("interrupted: {error}{}", with_advice(advice.as_deref())),
            Tone::Error,
        ),
        MessageStatus::Failed { error, advice } => words(
            "✖",
            super::wrap::ellipsize(error, 40),
            format!("{error}{}", with_advice(advice.as_deref())),
            Tone::Error,
        ),
    }
}

fn with_advice(advice: Option<&str>) -> String {
    advice.map(|a| format!(" — {a}")).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credits_format_without_trailing_zero_and_totals_say_what_is_known() {
        assert_eq!(credits(3.0), "3");
        assert_eq!(credits(2.5), "2.50");
        assert_eq!(total(CreditTotal::AtLeast(12.0)), "12+");
        assert_eq!(total(CreditTotal::Unknown), "—");
        assert_eq!(total(CreditTotal::Pending), "…");
        assert_eq!(usage(None), "— tokens · — credits");
        let one: Usage = serde_json::from_value(serde_json::json!({"output_tokens": 1, "credits_used": 1}))
            .expect("usage");
        assert_eq!(usage(Some(&one)), "1 token · 1 credit");
    }

    #[test]
    fn requests_left_counts_and_says_when_the_window_resets() {
        assert_eq!(
            requests_left(3, Some(120), Some(12)),
            "3 of 120 requests left · resets in 12 s"
        );
        assert_eq!(requests_left(1, None, None), "1 request left");
        assert_eq!(requests_left(4, None, None), "4 requests left");
        assert_eq!(
            requests_left(0, Some(60), Some(30)),
            "no requests left · resets in 30 s"
        );
    }

    #[test]
    fn every_status_has_a_mark_and_both_wordings() {
        let all = [
            MessageStatus::Waiting,
            MessageStatus::Retrying {
                until: 3000,
                attempt: 2,
                reason: "busy".into(),
            },
            MessageStatus::Streaming,
            MessageStatus::Done,
            MessageStatus::Incomplete { reason: "max".into() },
            MessageStatus::Stopped,
            MessageStatus::Interrupted {
                error: "gone".into(),
                advice: Some("Ctrl+R".into()),
            },
            MessageStatus::Failed {
                error: "no".into(),
                advice: None,
            },
        ];
        for s in &all {
            let w = status(s, None, Some(42.0), 1000);
            assert!(
                !w.mark.is_empty() && !w.brief.is_empty() && !w.full.is_empty(),
                "{s:?}"
            );
        }
        let retry = status(&all[1], None, None, 1000);
        assert_eq!(retry.brief, "retrying in 2 s");
        assert_eq!(retry.full, "busy — retrying in 2 s (attempt 2)");
        assert_eq!(status(&all[2], None, Some(42.0), 0).full, "streaming 42 tok/s");
    }
}

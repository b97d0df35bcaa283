//! The account as the app knows it: the plan's size from `GET /usage`, when the balance
//! was last asked for, and the session's credit budget.
//!
//! Owns: the 30-second spacing of usage requests (at start, then after answers and
//! credit-spending actions, at most once per [`USAGE_EVERY_MS`]; one wanted too soon is
//! scheduled for when the wait ends — one at a time — so an idle screen still gets the
//! balance of its last answers) and the budget's refusal of
//! a send. Does not own: the balance itself (`credits::CreditTally::balance`), the budget
//! arithmetic (`budget`) or the wording on screen (`view::balance`).

use super::budget::Budget;
use super::effect::{Effect, Effects};
use super::event::{Millis, RequestId};
use super::state::AppState;

/// The least time between two `GET /usage`.
pub const USAGE_EVERY_MS: Millis = 30_000;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Account {
    /// Credits the plan includes per billing period, when the server says.
    pub included: Option<f64>,
    /// The balance under which it is shown as a warning.
    pub low_credits: f64,
    /// The session's budget, if one is set.
    pub budget: Option<Budget>,
    /// When the last usage request was made.
    pub usage_asked_at: Option<Millis>,
    /// A refresh is scheduled for the end of the wait (`Effect::LoadUsageLater`).
    pub usage_due: bool,
}

impl Account {
    /// Whether the balance is under the warning threshold.
    pub fn low(&self, balance: f64) -> bool {
        balance < self.low_credits
    }
}

/// Asks for the balance now (`force`: a credit-spending action, whose price the user
/// should see at once) or as soon as the spacing allows.
pub fn refresh_usage(state: &mut AppState, force: bool, fx: &mut Effects) {
    let now = state.now;
    // `usage_asked_at` may lie ahead: the time a scheduled request goes out.
    let next = state.account.usage_asked_at.map(|at| at + USAGE_EVERY_MS);
    match next {
        Some(next) if next > now && !force => {
            if !state.account.usage_due {
                state.account.usage_due = true;
                state.account.usage_asked_at = Some(next);
                let id = RequestId(state.next_id());
                state.usage_request = Some(id);
                fx.push(Effect::LoadUsageLater {
                    id,
                    after_ms: next - now,
                });
            }
        }
        _ => {
            state.account.usage_due = false;
            state.account.usage_asked_at = Some(now);
            let id = RequestId(state.next_id());
            state.usage_request = Some(id);
            fx.push(Effect::LoadUsage { id });
        }
    }
}

/// The reason a send to `columns` answers must wait for a larger budget, if any.
pub fn over_budget(state: &AppState, columns: usize) -> Option<String> {
    let budget = state.account.budget?;
    let spent = state.credits.sum.spent;
    budget.check(spent, columns).err()
}

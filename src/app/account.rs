//! The account as the app knows it: the plan's size from `GET /usage`, when the balance
//! was last asked for, and the session's credit budget.
//!
//! Owns: the account's data — the plan's size, when usage was last asked for, the
//! budget, the low-balance threshold — and the 30-second spacing ([`USAGE_EVERY_MS`])
//! that `update::usage` applies. Does not own: the transitions (`update::usage`), the balance itself (`credits::CreditTally::balance`), the budget
//! arithmetic (`budget`) or the wording on screen (`view::balance`).

use super::budget::Budget;
use super::event::Millis;

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

//! Asking for the account's usage, and the budget's refusal of a send: the transitions.
//!
//! Owns: when `GET /usage` goes out (at start, then after answers and credit-spending
//! actions, at most once per `account::USAGE_EVERY_MS`; one wanted too soon is scheduled
//! for when the wait ends — one at a time — so an idle screen still gets the balance of
//! its last answers), and whether a send to some columns must wait for a larger budget.
//! Does not own: the account's data (`app::account`) or the budget's arithmetic
//! (`app::budget`).

use crate::app::account::USAGE_EVERY_MS;
use crate::app::effect::{Effect, Effects};
use crate::app::event::RequestId;
use crate::app::state::AppState;

/// Asks for the balance now (`force`: a credit-spending action, whose price the user
/// should see at once) or as soon as the spacing allows.
pub(crate) fn refresh_usage(state: &mut AppState, force: bool, fx: &mut Effects) {
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
pub(crate) fn over_budget(state: &AppState, columns: usize) -> Option<String> {
    let budget = state.account.budget?;
    let spent = state.credits.sum.spent;
    budget.check(spent, columns).err()
}

//! The session's credit budget: whether a send may go.
//!
//! Owns: the estimate of a send (the most an answer costs, [`MAX_ANSWER_COST`], times
//! the columns it fans out to) and the refusal's wording; raising the budget. A send is
//! refused when what was spent plus the estimate would pass the budget, so the budget
//! holds even if every answer costs the most. Does not own: adding up what was spent
//! (`credits`) or showing it (`view::status`).

/// "A response typically costs 1–5 credits" (spec §3): an estimate never below the
/// price.
pub const MAX_ANSWER_COST: f64 = 5.0;

/// A credit budget for the session.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Budget {
    /// The credits the session may spend.
    pub limit: f64,
    /// What the budget started at: raising adds this much again.
    pub step: f64,
}

impl Budget {
    pub fn new(limit: f64) -> Budget {
        Budget {
            limit,
            step: limit.max(MAX_ANSWER_COST),
        }
    }

    /// `Err(why)` when sending to `columns` answers, after `spent`, could pass the budget.
    pub fn check(&self, spent: f64, columns: usize) -> Result<(), String> {
        let estimate = MAX_ANSWER_COST * columns.max(1) as f64;
        if spent + estimate <= self.limit {
            return Ok(());
        }
        let answers = if columns > 1 {
            format!("{columns} answers × {MAX_ANSWER_COST:.0}")
        } else {
            format!("an answer costs up to {MAX_ANSWER_COST:.0}")
        };
        Err(format!(
            "over budget: {spent:.0} spent of {:.0} credits, and this send may cost {estimate:.0} ({answers}); Ctrl+B raises the budget",
            self.limit
        ))
    }

    /// Raises the budget by its starting amount.
    pub fn raise(&mut self) {
        self.limit += self.step;
    }
}

/// The command line's form of [`Budget::check`]: one `ask` to `columns` personas.
pub fn check_command(budget: Option<f64>, columns: usize) -> Result<(), String> {
    let Some(limit) = budget else {
        return Ok(());
    };
    let estimate = MAX_ANSWER_COST * columns.max(1) as f64;
    if estimate <= limit {
        return Ok(());
    }
    Err(format!(
        "over budget: this may cost {estimate:.0} credits ({} × {MAX_ANSWER_COST:.0}), more than the budget of {limit:.0}; raise it with --budget {estimate:.0}",
        columns.max(1)
    ))
}

/// A whole number of credits without a decimal part (`300`, `2.5`).
pub fn plain(amount: f64) -> String {
    if amount.fract() == 0.0 && amount.abs() < 1e15 {
        format!("{}", amount as i64)
    } else {
        format!("{amount:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_that_could_pass_the_budget_is_refused_until_it_is_raised() {
        let mut b = Budget::new(12.0);
        assert!(b.check(0.0, 2).is_ok());
        assert!(b.check(3.0, 2).is_err(), "3 + 2×5 > 12");
        assert!(b.check(3.0, 1).is_ok());
        b.raise();
        assert_eq!(b.limit, 24.0);
        assert!(b.check(3.0, 2).is_ok());
        assert!(check_command(Some(10.0), 3).is_err());
        assert!(check_command(Some(15.0), 3).is_ok() && check_command(None, 6).is_ok());
    }
}

//! Credits as far as they are known: the session's tally and each comparison round's.
//!
//! Owns: adding up what answers cost when some costs are unreported — a sum is exact
//! only when every answer reported its cost, a lower bound when some did not, and
//! unknown (never 0) when none did. Does not own: how a total is written (`view::words`)
//! or when an answer counts (`update`).

/// Credits added up over answers.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct CreditSum {
    /// Sum of every reported `credits_used`.
    pub spent: f64,
    /// Answers whose cost the server did not report.
    pub unreported: u32,
    /// Answers counted.
    pub answers: u32,
}

/// What a sum says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CreditTotal {
    /// No answer has finished yet.
    Pending,
    Exact(f64),
    /// Some costs are unknown (or some answers still run): at least this much.
    AtLeast(f64),
    /// No answer reported its cost.
    Unknown,
}

impl CreditSum {
    /// Counts one finished answer and its cost, if reported.
    pub fn add(&mut self, credits: Option<f64>) {
        self.answers += 1;
        match credits {
            Some(c) => self.spent += c,
            None => self.unreported += 1,
        }
    }

    /// The total so far; `expected` is how many answers a round waits for (`None`: an
    /// open-ended tally, which starts at an exact 0).
    pub fn total(&self, expected: Option<usize>) -> CreditTotal {
        let all_in = expected.is_none_or(|n| self.answers as usize >= n);
        match (self.answers, self.unreported) {
            (0, _) if expected.is_some() => CreditTotal::Pending,
            (0, _) => CreditTotal::Exact(0.0),
            (a, u) if a == u => CreditTotal::Unknown,
            (_, 0) if all_in => CreditTotal::Exact(self.spent),
            _ => CreditTotal::AtLeast(self.spent),
        }
    }
}

/// Credits spent this session, and the balance when the server tells it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CreditTally {
    pub sum: CreditSum,
    /// `GET /usage`'s remaining balance, when the server has that endpoint.
    pub balance: Option<f64>,
}

impl CreditTally {
    pub fn total(&self) -> CreditTotal {
        self.sum.total(None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_is_exact_a_lower_bound_or_unknown_never_a_false_zero() {
        let mut t = CreditTally::default();
        assert_eq!(t.total(), CreditTotal::Exact(0.0));
        t.sum.add(None);
        assert_eq!(t.total(), CreditTotal::Unknown);
        t.sum.add(Some(3.0));
        assert_eq!(t.total(), CreditTotal::AtLeast(3.0));
        let mut exact = CreditSum::default();
        exact.add(Some(2.5));
        assert_eq!(exact.total(None), CreditTotal::Exact(2.5));
    }

    #[test]
    fn a_round_is_pending_then_a_lower_bound_until_every_answer_is_in() {
        let mut r = CreditSum::default();
        assert_eq!(r.total(Some(3)), CreditTotal::Pending);
        r.add(Some(2.0));
        assert_eq!(r.total(Some(3)), CreditTotal::AtLeast(2.0));
        r.add(Some(3.0));
        r.add(Some(1.0));
        assert_eq!(r.total(Some(3)), CreditTotal::Exact(6.0));
    }
}

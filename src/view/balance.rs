//! The words for the account's credits and the session's budget: `1,234 / 5,000
//! credits`, `12 / 50 budget`.
//!
//! Owns: grouping digits and these two segments' wording, shared by the status bar and
//! `mavera-tui usage`. Does not own: the numbers (`app::credits`, `app::budget`) or where
//! the segments go (`status`).

use super::words;

/// `1,234`, `5,000`, `2.50`: thousands grouped, no spurious `.0`.
pub fn grouped(amount: f64) -> String {
    let plain = words::credits(amount.abs());
    let (whole, frac) = plain
        .split_once('.')
        .map_or((plain.as_str(), None), |(w, f)| (w, Some(f)));
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if let Some(f) = frac {
        out.push('.');
        out.push_str(f);
    }
    if amount < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// `1,234 / 5,000 credits`, or `1,234 credits` when the plan's size is unknown.
pub fn remaining(remaining: f64, included: Option<f64>) -> String {
    match included {
        Some(i) => format!("{} / {} credits", grouped(remaining), grouped(i)),
        None => format!("{} credits", grouped(remaining)),
    }
}

/// `spent 12 / budget 50`.
pub fn budget(spent: &str, limit: f64) -> String {
    format!("{spent} / {} budget", grouped(limit))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_are_grouped() {
        assert_eq!(grouped(1234.0), "1,234");
        assert_eq!(grouped(5_000_000.0), "5,000,000");
        assert_eq!(grouped(999.0), "999");
        assert_eq!(grouped(1234.5), "1,234.50");
        assert_eq!(remaining(1234.0, Some(5000.0)), "1,234 / 5,000 credits");
        assert_eq!(budget("12+", 50.0), "12+ / 50 budget");
    }
}

//! `mavera-tui usage`: the credit report of `GET /usage` (spec §6).
//!
//! Owns: its text and JSON layouts. Does not own: fetching (`api::Client::usage`).

use clap::Args;
use serde_json::json;

use super::out::Out;
use super::CliError;
use crate::api::wire::UsageReport;
use crate::connect::Connection;
use crate::sanitize::clean_line;
use crate::view::balance::grouped;

#[derive(Debug, Args)]
pub struct UsageArgs {
    /// Print JSON (the report's fields that are known) instead of text.
    #[arg(long)]
    pub json: bool,
}

pub async fn run(conn: Connection, args: UsageArgs) -> Result<(), CliError> {
    let report = conn.client.usage().await?;
    let mut out = Out::default();
    if args.json {
        out.line(&json_of(&report).to_string())?;
    } else {
        for line in text_of(&report) {
            out.line(&line)?;
        }
    }
    out.flush()
}

fn json_of(r: &UsageReport) -> serde_json::Value {
    let c = &r.credits;
    json!({
        "credits": {"used": c.used, "included": c.included, "remaining": c.remaining, "percentage_used": c.percentage_used},
        "billing_period": r.billing_period.as_ref().map(|p| json!({"start": clean_line(&p.start), "end": clean_line(&p.end)})),
        "rate_limit": r.rate_limit.as_ref().map(|l| json!({"requests_per_minute": l.requests_per_minute})),
    })
}

fn text_of(r: &UsageReport) -> Vec<String> {
    let c = &r.credits;
    let n = |x: Option<f64>| x.map_or_else(|| "—".to_owned(), grouped);
    let mut lines = vec![format!(
        "credits: {} remaining of {} included ({} used{})",
        n(c.remaining),
        n(c.included),
        n(c.used),
        c.percentage_used.map_or(String::new(), |p| format!(", {p:.0}%"))
    )];
    if let Some(p) = &r.billing_period {
        lines.push(format!(
            "billing period: {} – {}",
            clean_line(&p.start),
            clean_line(&p.end)
        ));
    }
    if let Some(rpm) = r.rate_limit.as_ref().and_then(|l| l.requests_per_minute) {
        lines.push(format!("rate limit: {rpm} requests a minute"));
    }
    lines
}

//! The credit report of `GET /usage` (spec §6): billing period, credits, rate limit —
//! each field read through `lenient`, like every shape the server sends (`wire`).
//!
//! Owns: the report's shape. Does not own: asking for it (`client`) or showing it.

use serde::{Deserialize, Serialize};

use crate::api::lenient;

/// `GET /usage`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UsageReport {
    #[serde(
        default,
        deserialize_with = "lenient::or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub billing_period: Option<BillingPeriod>,
    #[serde(default, deserialize_with = "lenient::or_default")]
    pub credits: CreditBalance,
    #[serde(
        default,
        deserialize_with = "lenient::or_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub rate_limit: Option<RateLimitInfo>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct BillingPeriod {
    #[serde(default, deserialize_with = "lenient::string")]
    pub start: String,
    #[serde(default, deserialize_with = "lenient::string")]
    pub end: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CreditBalance {
    #[serde(
        default,
        deserialize_with = "lenient::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub used: Option<f64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub included: Option<f64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub remaining: Option<f64>,
    #[serde(
        default,
        deserialize_with = "lenient::opt_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub percentage_used: Option<f64>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RateLimitInfo {
    #[serde(
        default,
        deserialize_with = "lenient::opt_u64",
        skip_serializing_if = "Option::is_none"
    )]
    pub requests_per_minute: Option<u64>,
}

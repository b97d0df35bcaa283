//! What every handler of the simulator learns about its request beyond the HTTP request
//! itself: the record it writes to, the marker that hands finishing that record to a body
//! that outlives the handler, and the faults the request names in its `X-Sim-Fault` header.
//!
//! Owns: [`Ctx`], [`Deferred`], [`FAULT_HEADER`] and [`header_faults`] — the small vocabulary
//! that the router (`routes`) and the handlers below it (`responses`) share. Does not own:
//! the gate that puts a [`Ctx`] in place and honours [`Deferred`] (`routes`), the records
//! themselves (`state`), the fault names and their parsing (`faults`) or error shapes
//! (`errors`).

use axum::http::HeaderMap;

use super::errors::SimError;
use super::faults::{self, Fault};

/// The header that asks for faults on one request: `X-Sim-Fault: drop=3, crlf`.
pub const FAULT_HEADER: &str = "x-sim-fault";

/// Put in request extensions by the gate: which record this request writes to.
#[derive(Debug, Clone, Copy)]
pub struct Ctx {
    pub record: usize,
}

/// Put in response extensions by a handler whose body outlives it: the body's guard
/// marks the record finished instead of the gate.
#[derive(Debug, Clone, Copy)]
pub struct Deferred;

/// Faults from the `X-Sim-Fault` header; an unknown name is the client's mistake.
pub fn header_faults(headers: &HeaderMap) -> Result<Vec<Fault>, SimError> {
    let mut out = Vec::new();
    for v in headers.get_all(FAULT_HEADER) {
        let text = v
            .to_str()
            .map_err(|_| SimError::invalid_field(Some("X-Sim-Fault"), "not ASCII"))?;
        out.extend(faults::parse_list(text).map_err(|e| SimError::invalid_field(Some("X-Sim-Fault"), e))?);
    }
    Ok(out)
}

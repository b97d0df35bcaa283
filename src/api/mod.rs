//! The Mavera API seen from the client: wire types, streaming, errors, retries, HTTP.
//!
//! Data path: `client` sends a request → `stream` reads body bytes → `sse` frames them →
//! `events` types each frame → `assemble` builds the answer. `retry` decides about
//! failed attempts; `error` names every failure; `key` keeps the secret secret.

pub mod assemble;
pub mod client;
pub mod error;
pub mod events;
pub mod key;
pub mod retry;
pub mod sse;
pub mod stream;
pub mod wire;

pub use assemble::{Assembly, Ending};
pub use client::{Client, ClientConfig};
pub use error::ApiError;
pub use events::StreamEvent;
pub use key::ApiKey;
pub use retry::{RetryDecision, RetryPolicy};
pub use stream::ResponseStream;

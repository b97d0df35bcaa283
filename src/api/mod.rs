//! The Mavera API seen from the client: wire types, streaming, errors, retries, HTTP.
//!
//! Data path: `client` sends a request → `stream` reads body bytes → `sse` frames them →
//! `events` types each frame → `answer` turns them into answer events (text appended,
//! parts, one ending) → `answer_stream` runs the whole request, retries before the first
//! byte included. `retry` decides about failed attempts; `error` names every failure;
//! `key` keeps the secret secret; `request` builds what is sent.

pub mod analysis;
pub mod answer;
pub mod answer_stream;
pub mod client;
pub mod custom_persona;
pub mod error;
pub mod events;
pub mod image;
pub mod key;
pub mod lenient;
pub mod request;
pub mod retry;
pub mod schema;
pub mod sse;
pub mod stream;
pub mod structured;
pub mod wire;

pub use answer::{AnswerEvent, AnswerPart, Ending, Outcome};
pub use answer_stream::AnswerStream;
pub use client::{Client, ClientConfig};
pub use error::ApiError;
pub use events::StreamEvent;
pub use key::ApiKey;
pub use retry::{RetryDecision, RetryPolicy};
pub use stream::ResponseStream;

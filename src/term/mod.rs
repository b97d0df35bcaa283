//! The terminal: entering and always leaving full-screen mode, and frame pacing.

pub mod frame;
pub mod guard;

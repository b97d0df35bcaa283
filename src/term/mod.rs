//! The terminal: entering and always leaving full-screen mode, frame pacing, and its
//! clipboard (OSC 52).

pub mod clipboard;
pub mod system_clipboard;
pub mod frame;
pub mod guard;

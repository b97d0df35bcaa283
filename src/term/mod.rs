//! The terminal: entering and always leaving full-screen mode, frame pacing, the screen
//! as drawn (`screen`: only what changed is written), and its
//! clipboard (OSC 52), with the system clipboard beside it (its program: `system_clipboard`),
//! and what it says of its background colour (`background`).

pub mod background;
pub mod clipboard;
pub mod editor;
pub mod frame;
pub mod guard;
pub mod screen;
pub mod system_clipboard;

//! The pure core: state, events, effects, keymap and the reducer. Knows neither HTTP nor
//! terminals nor views; everything here is a plain function of its inputs.

pub mod effect;
pub mod event;
pub mod keymap;
pub mod compare;
pub mod personas;
pub mod state;
pub mod thread;
pub mod update;

pub use effect::{Effect, Effects};
pub use event::{Event, Millis, NetEvent, RequestId, RestoredThread, Timed};
pub use state::{AppState, Focus};
pub use update::{start, update};

//! The pure core: state, events, effects, keymap and the reducer. Knows neither HTTP nor
//! terminals nor views; everything here is a plain function of its inputs.

pub mod account;
pub mod action;
pub mod attach;
pub mod browse;
pub mod budget;
pub mod compare;
pub mod composer;
pub mod copy;
pub mod credits;
pub mod dialog;
pub mod edit;
pub mod effect;
pub mod event;
pub mod focus;
pub mod history;
pub mod instructions;
pub mod keymap;
pub mod keys;
pub mod keytable;
pub mod layout;
pub mod personas;
pub mod replay;
pub mod state;
pub mod stored;
pub mod structure;
pub mod thread;
pub mod update;

pub use effect::{Effect, Effects};
pub use event::{Event, HistoryNews, Millis, RequestId, RestoredThread, Timed};
pub use state::{AppState, Focus};
pub use update::{start, update};

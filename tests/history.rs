//! The conversation history: what the reducer hands the store and when (`autosave`),
//! `mavera-tui history` from the shell (`cli`), and the real app in a pseudo-terminal —
//! autosaved, reopened with `--resume`, killed mid-answer (`e2e`). Every test keeps its
//! history under its own temporary HOME.

mod autosave;
mod cli;
mod e2e;

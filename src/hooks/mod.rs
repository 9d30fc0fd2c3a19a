//! Reactive hooks shared by the pages: they own signals, timers and listeners for the calling
//! component, and render nothing.

pub mod clock;
pub mod polling;
pub mod visibility;

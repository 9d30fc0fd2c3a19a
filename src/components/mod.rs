//! Shared building blocks of the pages.

pub mod activity_panel;
pub mod announcer;
pub mod copy_button;
pub mod error_notice;
pub mod focus;
pub mod history_guard;
pub mod layout;
pub mod listener;
pub mod polling;
pub mod table;
pub mod theme;
pub mod timestamp;
pub mod visibility;

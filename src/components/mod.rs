//! Shared building blocks of the pages (views, and the plain functions that word their text).

pub mod activity_panel;
pub mod announcer;
pub mod confirm_dialog;
pub mod copy_button;
pub mod error_notice;
pub mod flavor_table;
pub mod format;
pub mod keyed_rows;
pub mod layout;
pub mod loaded;
pub mod refresh_bar;
pub mod route_focus;
pub mod table;
pub mod text_field;
pub mod theme;
pub mod timestamp;

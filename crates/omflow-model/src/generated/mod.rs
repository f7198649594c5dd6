//! Sources written by `cargo xtask codegen`; never edit by hand.

pub mod garoon_labels;
pub mod messages;

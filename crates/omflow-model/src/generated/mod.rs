//! Sources written by `cargo xtask codegen`; never edit by hand.

pub mod messages;

//! Sources written by `cargo xtask codegen`; never edit by hand. rustfmt leaves them alone,
//! so that `cargo xtask codegen --check` compares them with the generator's exact output.

#[rustfmt::skip]
pub mod messages;

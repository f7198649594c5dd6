//! Project tasks: `cargo xtask codegen [--check]` and `cargo xtask fixtures`.

pub mod codegen;
pub mod fixtures;
pub mod fuzz;

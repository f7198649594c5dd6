//! Project tasks: `cargo xtask codegen [--check]`, `cargo xtask fixtures`, `cargo xtask readme`, `cargo xtask sizes`, `cargo xtask fuzz`.

pub mod codegen;
pub mod deps;
pub mod desk;
pub mod fixtures;
pub mod fuzz;
pub mod openapi_check;
pub mod readme;
pub mod sizes;

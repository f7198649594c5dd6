//! The `omflow` command (skeleton).
fn main() {}

//! Project tasks.
use anyhow::{bail, Result};
use xtask::codegen;

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = codegen::workspace_root();
    match args.first().map(String::as_str) {
        Some("codegen") => {
            let mode = if args.iter().any(|a| a == "--check") {
                codegen::Mode::Check
            } else {
                codegen::Mode::Write
            };
            codegen::run(&root, mode)?;
            if mode == codegen::Mode::Check {
                println!("generated files are fresh");
            }
            Ok(())
        }
        Some("fixtures") => xtask::fixtures::run(&root),
        _ => bail!("usage: cargo xtask codegen [--check] | cargo xtask fixtures"),
    }
}

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
        Some("readme") => xtask::readme::run(&root),
        Some("sizes") => xtask::sizes::run(&root),
        Some("man") => {
            let dir = root.join("target/man");
            std::fs::create_dir_all(&dir)?;
            let path = dir.join("omflow.1");
            std::fs::write(&path, omflow_cli::man_page()?)?;
            println!("wrote {} (man {})", path.display(), path.display());
            Ok(())
        }
        Some("msrv") => xtask::deps::msrv(&root),
        Some("deps") => xtask::deps::deps(&root),
        Some("fuzz") => {
            let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
            let target = value("--target").unwrap_or_else(|| "model".into());
            let seconds = value("--seconds").and_then(|s| s.parse().ok()).unwrap_or(60);
            xtask::fuzz::run(&root, &target, seconds)
        }
        _ => bail!("usage: cargo xtask codegen [--check] | cargo xtask fixtures | cargo xtask readme | cargo xtask sizes | cargo xtask man | cargo xtask msrv | cargo xtask deps | cargo xtask fuzz --target model|fake --seconds N"),
    }
}

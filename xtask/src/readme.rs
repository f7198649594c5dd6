//! `cargo xtask readme`: the README's Rust example compiles as the whole `src/lib.rs` of a
//! fresh crate that depends on `omflow-client` alone (so everything it uses is re-exported).

use anyhow::{bail, Context, Result};
use std::path::Path;
use std::process::Command;

/// The first ```rust block after the line `In Rust`.
fn example(readme: &str) -> Option<&str> {
    let after = &readme[readme.find("In Rust")?..];
    let start = after.find("```rust")?;
    let body = &after[start..];
    let body = &body[body.find('\n')? + 1..];
    Some(&body[..body.find("```")?])
}

/// Writes the crate under `target/readme-check` and runs `cargo check` on it, sharing the
/// workspace's lock file and target directory so nothing is downloaded or rebuilt twice.
///
/// # Errors
/// When the README has no Rust example or it does not compile.
pub fn run(root: &Path) -> Result<()> {
    let readme = std::fs::read_to_string(root.join("README.md"))?;
    let code = example(&readme).context("README.md has no ```rust block after \"In Rust\"")?;
    let dir = root.join("target/readme-check");
    std::fs::create_dir_all(dir.join("src"))?;
    let client = root.join("crates/omflow-client");
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"readme-check\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nomflow-client = {{ path = {:?} }}\n\n[workspace]\n",
            client.display().to_string()
        ),
    )?;
    std::fs::write(dir.join("src/lib.rs"), code)?;
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock"))?;
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--quiet", "--offline"])
        .env("CARGO_TARGET_DIR", root.join("target"))
        .current_dir(&dir)
        .status()
        .context("running cargo check on the README example")?;
    if !status.success() {
        bail!("the README's Rust example does not compile in a crate that depends only on omflow-client");
    }
    println!("README example compiles with omflow-client alone");
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_the_block_after_in_rust() {
        let text = "```rust\nno\n```\nIn Rust:\n\n```rust,no_run\nfn a() {}\n```\n";
        assert_eq!(super::example(text), Some("fn a() {}\n"));
        assert_eq!(super::example("nothing"), None);
    }
}

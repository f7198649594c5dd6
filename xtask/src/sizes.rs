//! `cargo xtask sizes`: no source file over 800 lines (outside `generated/`) and no function
//! over 120 lines, in every crate and in xtask itself. A function is measured from its `fn`
//! line to the closing brace at the same indentation (rustfmt's layout).

use anyhow::{bail, Result};
use std::path::{Path, PathBuf};

/// Longest source file, in lines.
pub const MAX_FILE_LINES: usize = 800;
/// Longest function, in lines from `fn` to its closing brace.
pub const MAX_FN_LINES: usize = 120;

/// Checks every `.rs` file under `crates/` and `xtask/`.
///
/// # Errors
/// Lists every file and function over its limit.
pub fn run(root: &Path) -> Result<()> {
    let mut files = Vec::new();
    for dir in ["crates", "xtask"] {
        rust_files(&root.join(dir), &mut files)?;
    }
    let mut over = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file)?;
        let shown = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        over.extend(problems(&shown, &text));
    }
    if !over.is_empty() {
        bail!(
            "{} over the limits ({MAX_FILE_LINES} lines a file, {MAX_FN_LINES} a function):\n  {}",
            over.len(),
            over.join("\n  ")
        );
    }
    println!(
        "sizes: {} source files, none over {MAX_FILE_LINES} lines, no function over {MAX_FN_LINES}",
        files.len()
    );
    Ok(())
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        if path.is_dir() {
            if name != "generated" && name != "target" && !name.starts_with('.') {
                rust_files(&path, out)?;
            }
        } else if name.ends_with(".rs") {
            out.push(path);
        }
    }
    out.sort();
    Ok(())
}

/// The file's and its functions' overruns.
fn problems(name: &str, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    if lines.len() > MAX_FILE_LINES {
        found.push(format!("{name}: {} lines", lines.len()));
    }
    for (start, line) in lines.iter().enumerate() {
        let Some(indent) = fn_start(line) else {
            continue;
        };
        let closing = format!("{}}}", " ".repeat(indent));
        if let Some(inside) = lines[start + 1..].iter().position(|l| *l == closing) {
            // The `fn` line, the lines inside, the closing brace.
            let length = inside + 2;
            if length > MAX_FN_LINES {
                found.push(format!(
                    "{name}:{}: a function of {length} lines: {}",
                    start + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

/// The indentation of a line that starts a function with a body.
fn fn_start(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let mut rest = trimmed;
    for prefix in [
        "pub(crate) ",
        "pub(super) ",
        "pub ",
        "const ",
        "async ",
        "unsafe ",
    ] {
        rest = rest.strip_prefix(prefix).unwrap_or(rest);
    }
    let is_fn = rest.starts_with("fn ") && !line.trim_end().ends_with(';');
    is_fn.then_some(indent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_functions_and_files_are_found() {
        let body = "    let x = 1;\n".repeat(MAX_FN_LINES);
        let text = format!("pub async fn long() {{\n{body}}}\n\nfn short() {{\n}}\n");
        let found = problems("a.rs", &text);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].contains("a.rs:1: a function of 122 lines"));
        let file = "// x\n".repeat(MAX_FILE_LINES + 1);
        assert_eq!(
            problems("b.rs", &file),
            vec![format!("b.rs: {} lines", MAX_FILE_LINES + 1)]
        );
        assert!(problems("c.rs", "trait T {\n    fn f(&self);\n}\n").is_empty());
    }
}

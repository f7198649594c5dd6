//! `cargo xtask msrv` and `cargo xtask deps`: checks on the locked dependency graph, read
//! from `cargo metadata`.
//!
//! - msrv: the workspace's `rust-version` is the highest `rust-version` any locked
//!   dependency declares; higher only with a reason written on the line above it in
//!   `Cargo.toml` (`# rust-version: <reason>`).
//! - deps: no crate is locked in two versions because a workspace member asks for an older
//!   one than the graph already has (duplicates that third parties cause are listed, not
//!   failed).

use anyhow::{bail, Context, Result};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

fn metadata(root: &Path) -> Result<Value> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(root)
        .output()
        .context("running cargo metadata")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(serde_json::from_slice(&output.stdout)?)
}

/// `major.minor.patch` as numbers, missing parts as 0 (`1.89` is `1.89.0`).
fn version_key(text: &str) -> Vec<u64> {
    let mut key: Vec<u64> = text
        .split(['.', '-', '+'])
        .map_while(|part| part.parse().ok())
        .collect();
    key.resize(3, 0);
    key
}

/// The highest `rust-version` among the locked dependencies, and who declares it.
fn highest_dependency_msrv(meta: &Value) -> Option<(String, String)> {
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    meta["packages"]
        .as_array()?
        .iter()
        .filter(|p| !members.contains(p["id"].as_str().unwrap_or("")))
        .filter_map(|p| {
            let msrv = p["rust_version"].as_str()?;
            Some((
                msrv.to_string(),
                format!("{} {}", p["name"].as_str()?, p["version"].as_str()?),
            ))
        })
        .max_by(|a, b| version_key(&a.0).cmp(&version_key(&b.0)))
}

/// Checks the workspace `rust-version`.
///
/// # Errors
/// When it is lower than a dependency needs, or higher without a reason.
pub fn msrv(root: &Path) -> Result<()> {
    let meta = metadata(root)?;
    let (needed, by) =
        highest_dependency_msrv(&meta).context("no dependency declares a rust-version")?;
    let manifest = std::fs::read_to_string(root.join("Cargo.toml"))?;
    let lines: Vec<&str> = manifest.lines().collect();
    let at = lines
        .iter()
        .position(|l| l.trim_start().starts_with("rust-version"))
        .context("Cargo.toml has no rust-version")?;
    let ours = lines[at]
        .split('"')
        .nth(1)
        .context("rust-version is not a string")?
        .to_string();
    let reason = at
        .checked_sub(1)
        .map(|i| lines[i].trim())
        .filter(|l| l.starts_with("# rust-version:"));
    println!("rust-version {ours}; the locked dependencies need {needed} ({by})");
    match version_key(&ours).cmp(&version_key(&needed)) {
        std::cmp::Ordering::Less => bail!("rust-version {ours} is lower than {by} needs ({needed})"),
        std::cmp::Ordering::Greater if reason.is_none() => bail!(
            "rust-version {ours} is higher than the dependencies need ({needed}); lower it, or say why on the line above it (# rust-version: <reason>)"
        ),
        _ => Ok(()),
    }
}

/// Checks for duplicate versions caused by our own requirements.
///
/// # Errors
/// When a workspace member's requirement locks an older version of a crate the graph also
/// holds in a newer one.
pub fn deps(root: &Path) -> Result<()> {
    let meta = metadata(root)?;
    let packages = meta["packages"].as_array().context("packages")?;
    let mut versions: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for p in packages {
        versions
            .entry(p["name"].as_str().unwrap_or(""))
            .or_default()
            .insert(p["version"].as_str().unwrap_or(""));
    }
    let members: BTreeSet<&str> = meta["workspace_members"]
        .as_array()
        .context("members")?
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let by_id: BTreeMap<&str, &Value> = packages
        .iter()
        .map(|p| (p["id"].as_str().unwrap_or(""), p))
        .collect();
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for node in meta["resolve"]["nodes"].as_array().context("resolve")? {
        let id = node["id"].as_str().unwrap_or("");
        let member = members.contains(id);
        for dep in node["deps"].as_array().into_iter().flatten() {
            let Some(package) = by_id.get(dep["pkg"].as_str().unwrap_or("")) else {
                continue;
            };
            let name = package["name"].as_str().unwrap_or("");
            let version = package["version"].as_str().unwrap_or("");
            let all = &versions[name];
            if all.len() < 2 {
                continue;
            }
            let newest = all
                .iter()
                .max_by_key(|v| version_key(v))
                .copied()
                .unwrap_or("");
            if version != newest {
                let who = by_id[id]["name"].as_str().unwrap_or("");
                let line = format!("{name} {version} (newest locked {newest}) required by {who}");
                if member {
                    ours.push(line);
                } else {
                    theirs.push(line);
                }
            }
        }
    }
    theirs.sort();
    theirs.dedup();
    for line in &theirs {
        println!("duplicate caused by a dependency: {line}");
    }
    if !ours.is_empty() {
        bail!(
            "duplicates caused by our own requirements:\n  {}",
            ours.join("\n  ")
        );
    }
    println!("no duplicate caused by our own requirements");
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::version_key;

    #[test]
    fn versions_compare_numerically() {
        assert!(version_key("1.89.0") > version_key("1.88"));
        assert!(version_key("1.100") > version_key("1.99.9"));
        assert_eq!(version_key("0.4.3-rc.1"), vec![0, 4, 3]);
        assert_eq!(version_key("1.89"), version_key("1.89.0"));
    }
}

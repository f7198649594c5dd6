//! `omflow seed from-server`: a seed for the fake read from a server.

use crate::failure::{failed, usage, Failure};
use crate::listing::say;
use crate::seed_reader;
use crate::session::Session;
use std::path::Path;

/// Writes the seed read from the session's server to `out` (replaced only with `force`).
pub(crate) async fn from_server(session: &Session, out: &Path, force: bool) -> Result<(), Failure> {
    let client = &session.client;
    let exists = |out: &Path| {
        usage(format!(
            "{} exists; choose another --out or add --force to replace it",
            out.display()
        ))
    };
    if out.is_dir() {
        return Err(usage(format!(
            "{} is a directory; --out takes a file name",
            out.display()
        )));
    }
    if out.exists() && !force {
        return Err(exists(out));
    }
    let read = seed_reader::read(client, client.base_url().as_str(), &session.user).await?;
    let text =
        serde_json::to_string_pretty(&read.seed).map_err(|e| Failure::Operation(Box::new(e)))?;
    // Without --force the file is created only if it still does not exist.
    let mut options = std::fs::OpenOptions::new();
    options.write(true);
    if force {
        options.create(true).truncate(true);
    } else {
        options.create_new(true);
    }
    let mut file = match options.open(out) {
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => return Err(exists(out)),
        other => other.map_err(|e| failed(format!("cannot write {}: {e}", out.display())))?,
    };
    std::io::Write::write_all(&mut file, (text + "\n").as_bytes())
        .map_err(|e| failed(format!("cannot write {}: {e}", out.display())))?;
    say(&format!(
        "wrote {}: {} users, {} groups, {} flows",
        out.display(),
        read.seed.users.len(),
        read.seed.groups.len(),
        read.seed.flows.len()
    ));
    for gap in &read.gaps {
        eprintln!("omflow: not read: {gap}");
    }
    Ok(())
}

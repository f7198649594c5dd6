//! `omflow files list|upload|download`: a ticket's attachments.

use crate::failure::{failed, usage, Failure};
use crate::listing::{columns_of, emit, say};
use crate::output::Format;
use crate::report::{ReportFormat, Reporter};
use omflow_client::{Client, TicketHandle};
use omflow_model::{DataNo, FlowRef};
use std::path::{Path, PathBuf};

const FILE_COLUMNS: [(&str, &str); 4] = [
    ("NAME", "file_name"),
    ("SIZE", "size"),
    ("UPLOADED", "createtime"),
    ("ID", "id"),
];

fn ticket(client: &Client, flow: &str, data_no: u64) -> TicketHandle {
    client.flow(FlowRef::parse(flow)).ticket(DataNo(data_no))
}

/// Prints the ticket's attachments.
pub(crate) async fn list(
    client: &Client,
    flow: &str,
    data_no: u64,
    output: Format,
) -> Result<(), Failure> {
    let files = ticket(client, flow, data_no).files().await?;
    let rows: Vec<serde_json::Value> = files
        .iter()
        .map(|f| serde_json::to_value(f).unwrap_or_default())
        .collect();
    emit(output, &rows, &columns_of(&FILE_COLUMNS, &[]))
}

/// Uploads each file (all read first: a file that cannot be read uploads nothing).
pub(crate) async fn upload(
    client: &Client,
    flow: &str,
    data_no: u64,
    paths: &[PathBuf],
    report: ReportFormat,
) -> Result<(), Failure> {
    let mut files = Vec::new();
    for path in paths {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| usage(format!("{} names no file", path.display())))?;
        let content = std::fs::read(path)
            .map_err(|e| usage(format!("cannot read {}: {e}", path.display())))?;
        files.push((name, content));
    }
    let ticket = ticket(client, flow, data_no);
    let mut reporter = Reporter::new(report);
    for (name, content) in files {
        let size = content.len();
        ticket.upload(&name, content.into()).await?;
        reporter.ticket(
            &format!("uploaded {name} ({size} bytes) to ticket {data_no}"),
            serde_json::json!({"outcome": "uploaded", "ticket": data_no, "file": name, "bytes": size}),
        );
    }
    reporter.finish(None);
    Ok(())
}

/// Downloads attachment `name` to `out` (default: `name` here), never replacing a file.
pub(crate) async fn download(
    client: &Client,
    flow: &str,
    data_no: u64,
    name: &str,
    out: Option<PathBuf>,
) -> Result<(), Failure> {
    let ticket = ticket(client, flow, data_no);
    let files = ticket.files().await?;
    let Some(attachment) = files.iter().find(|f| f.file_name == name) else {
        let names: Vec<&str> = files.iter().map(|f| f.file_name.as_str()).collect();
        return Err(failed(format!(
            "ticket {data_no} has no attachment {name:?}; it has: {}",
            if names.is_empty() {
                "none".to_string()
            } else {
                names.join(", ")
            }
        )));
    };
    if out.as_deref() == Some(Path::new("-")) {
        // `--out -`: the bytes to stdout, the report to stderr.
        let mut bytes = Vec::new();
        let written = ticket.download(attachment, &mut bytes).await?;
        crate::listing::write_stdout(&bytes)?;
        eprintln!("downloaded {name} ({written} bytes) to stdout");
        return Ok(());
    }
    let out = out.unwrap_or_else(|| Path::new(name).to_path_buf());
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&out)
        .map_err(|e| {
            let note = if e.kind() == std::io::ErrorKind::AlreadyExists {
                " (an existing file is never replaced)"
            } else {
                ""
            };
            usage(format!("cannot create {}: {e}{note}", out.display()))
        })?;
    let written = match ticket.download(attachment, &mut file).await {
        Ok(written) => written,
        Err(err) => {
            drop(file);
            let _ = std::fs::remove_file(&out);
            return Err(err.into());
        }
    };
    say(&format!(
        "downloaded {name} ({written} bytes) to {}",
        out.display()
    ));
    Ok(())
}

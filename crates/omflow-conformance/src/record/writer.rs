//! The writer thread's side: the queued exchanges and writing each to its file.

use super::recorder::{lock, Shared};
use super::step::record_step;
use bytes::Bytes;

/// One answered exchange, on its way to its file.
pub(super) struct Job {
    pub(super) seq: usize,
    pub(super) parts: hyper::http::request::Parts,
    pub(super) path_and_query: String,
    pub(super) body: Bytes,
    pub(super) status: u16,
    pub(super) headers: reqwest::header::HeaderMap,
    pub(super) answer: Bytes,
    pub(super) timing: (u128, u128),
}

/// What the writer thread receives.
pub(super) enum ToWriter {
    /// An exchange to write.
    Exchange(Box<Job>),
    /// Answered when every message sent before it is done.
    Barrier(tokio::sync::oneshot::Sender<()>),
}

/// Scrubs one exchange and writes it to `NNN_<endpoint>.json` (written then renamed: a crash
/// loses at most the exchanges not yet written, those answered in the moment before it).
pub(super) fn write_exchange(shared: &Shared, job: Job) {
    let text = record_step(
        shared,
        &job.parts,
        &job.path_and_query,
        &job.body,
        job.status,
        &job.headers,
        &job.answer,
        job.timing,
    );
    let name = format!(
        "{:03}_{}.json",
        job.seq,
        endpoint_name(job.parts.uri.path())
    );
    let path = shared.options.out.join(&name);
    let partial = shared.options.out.join(format!(".{name}.partial"));
    match std::fs::write(&partial, text).and_then(|()| std::fs::rename(&partial, &path)) {
        Ok(()) => {
            lock(&shared.progress).written += 1;
            shared.written.notify_waiters();
        }
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            shared.fail(format!(
                "exchange {}: writing {}: {e}",
                job.seq,
                path.display()
            ));
        }
    }
}

/// The endpoint part of a file name: the path's letters, `_` for the rest.
pub(super) fn endpoint_name(path: &str) -> String {
    let trimmed = path
        .trim_start_matches("/rest/")
        .trim_start_matches('/')
        .trim_end_matches('/');
    let mut name: String = trimmed
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    name.truncate(80);
    if name.is_empty() {
        "root".into()
    } else {
        name
    }
}

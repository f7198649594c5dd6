//! The running recorder: its start, its progress, and the state its proxy and writer share.

use super::proxy::proxy;
use super::secrets::Secrets;
use super::writer::{write_exchange, ToWriter};
use super::{RecordError, RecordOptions};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::Notify;

/// How many answered exchanges may wait for the disk before answers wait for it.
pub const WRITE_QUEUE: usize = 64;

/// What the proxy and the writer thread share.
pub(super) struct Shared {
    pub(super) options: RecordOptions,
    pub(super) secrets: Mutex<Secrets>,
    pub(super) progress: Mutex<Progress>,
    /// Told whenever an exchange is done (written, or failed).
    pub(super) written: Notify,
}

#[derive(Default)]
pub(super) struct Progress {
    /// Exchanges accepted (numbered) so far.
    pub(super) started: usize,
    /// Exchanges written to their files.
    pub(super) written: usize,
    /// Exchanges that will not be written: the upstream did not answer (the client got 502),
    /// the writer had stopped, or the file could not be written.
    failed: usize,
    /// Why, one line per failed exchange (the first [`MAX_FAILURES_KEPT`]).
    failures: Vec<String>,
    /// When the last exchange started.
    pub(super) last_start: Option<Instant>,
}

pub(super) struct State {
    pub(super) shared: Arc<Shared>,
    pub(super) http: reqwest::Client,
    /// The writer thread's queue: exchanges are scrubbed and written there, in the order
    /// they were answered, so the answer is not held back by the disk. Bounded: when the
    /// disk falls [`WRITE_QUEUE`] exchanges behind, answers wait for it.
    pub(super) writer: tokio::sync::mpsc::Sender<ToWriter>,
}

/// A running recorder; stops when dropped.
pub struct Recorder {
    addr: SocketAddr,
    state: Arc<State>,
    task: tokio::task::JoinHandle<()>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("addr", &self.addr)
            .field("upstream", &self.state.shared.options.upstream)
            .finish_non_exhaustive()
    }
}

impl Recorder {
    /// Listens on `listen` (`127.0.0.1:0` picks a port) and records into `options.out`.
    ///
    /// # Errors
    /// [`RecordError::Upstream`] for an upstream that is not an `http(s)://` URL,
    /// [`RecordError::OutputNotEmpty`] for an output directory with files in it (both
    /// checked before anything is created), [`RecordError::Listen`],
    /// [`RecordError::Output`] or [`RecordError::Client`].
    pub async fn start(listen: &str, options: RecordOptions) -> Result<Recorder, RecordError> {
        crate::replay::server_base_url(&options.upstream).map_err(|problem| {
            RecordError::Upstream {
                url: crate::replay::url_for_messages(&options.upstream),
                problem,
            }
        })?;
        // A recording starts at 001: files of an earlier one would mix with it.
        if let Ok(mut entries) = std::fs::read_dir(&options.out) {
            if entries.next().is_some() {
                return Err(RecordError::OutputNotEmpty {
                    path: options.out.clone(),
                });
            }
        }
        let listener = TcpListener::bind(listen)
            .await
            .map_err(|source| RecordError::Listen {
                addr: listen.to_string(),
                source,
            })?;
        // Created once the address is ours: a recorder that cannot start leaves nothing.
        std::fs::create_dir_all(&options.out).map_err(|source| RecordError::Output {
            path: options.out.clone(),
            source,
        })?;
        let addr = listener
            .local_addr()
            .map_err(|source| RecordError::Listen {
                addr: listen.to_string(),
                source,
            })?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(RecordError::Client)?;
        let shared = Arc::new(Shared {
            options,
            secrets: Mutex::new(Secrets::default()),
            progress: Mutex::new(Progress::default()),
            written: Notify::new(),
        });
        let (writer, mut jobs) = tokio::sync::mpsc::channel::<ToWriter>(WRITE_QUEUE);
        let for_writer = shared.clone();
        std::thread::Builder::new()
            .name("omflow-record-writer".into())
            .spawn(move || {
                // Ends when the proxy (the only sender) is gone.
                while let Some(message) = jobs.blocking_recv() {
                    match message {
                        ToWriter::Exchange(job) => write_exchange(&for_writer, *job),
                        ToWriter::Barrier(done) => {
                            let _ = done.send(());
                        }
                    }
                }
            })
            .map_err(|source| RecordError::Output {
                path: shared.options.out.clone(),
                source,
            })?;
        let state = Arc::new(State {
            shared,
            http,
            writer,
        });
        let task =
            omflow_mock::accept::serve(listener, state.clone(), |state, request| async move {
                Ok(proxy(&state, request).await)
            });
        Ok(Recorder { addr, state, task })
    }

    /// The base URL to point clients at.
    #[must_use]
    pub fn uri(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// Exchanges written to their files so far.
    #[must_use]
    pub fn exchanges(&self) -> usize {
        lock(&self.state.shared.progress).written
    }

    /// Exchanges that were not written: the upstream did not answer (the client got HTTP
    /// 502), or the file could not be written.
    #[must_use]
    pub fn failed(&self) -> usize {
        lock(&self.state.shared.progress).failed
    }

    /// Why exchanges were not written, one line each (`exchange N: ...`), in the order they
    /// failed; at most [`MAX_FAILURES_KEPT`] ([`Recorder::failed`] counts them all).
    #[must_use]
    pub fn failures(&self) -> Vec<String> {
        lock(&self.state.shared.progress).failures.clone()
    }

    /// Waits until `max_exchanges` have been taken and each of them is done: written, or
    /// failed (forever without a limit).
    pub async fn finished(&self) {
        let shared = &self.state.shared;
        let Some(max) = shared.options.max_exchanges else {
            return std::future::pending().await;
        };
        loop {
            let notified = shared.written.notified();
            {
                let progress = lock(&shared.progress);
                if progress.started >= max && progress.written + progress.failed >= progress.started
                {
                    return;
                }
            }
            notified.await;
        }
    }

    /// Waits until every exchange answered so far is written to its file (the answer goes
    /// back to the client first; a writer thread scrubs and writes it right after). Returns
    /// at once if the writer has stopped.
    pub async fn flush(&self) {
        let (done, wait) = tokio::sync::oneshot::channel();
        if self
            .state
            .writer
            .send(ToWriter::Barrier(done))
            .await
            .is_ok()
        {
            let _ = wait.await;
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(super) fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

impl Shared {
    /// Counts an exchange that will not be written, and keeps why.
    pub(super) fn fail(&self, why: String) {
        {
            let mut progress = lock(&self.progress);
            progress.failed += 1;
            if progress.failures.len() < MAX_FAILURES_KEPT {
                progress.failures.push(why);
            }
        }
        self.written.notify_waiters();
    }
}

/// How many failure lines a recorder keeps (the count goes on).
pub const MAX_FAILURES_KEPT: usize = 100;

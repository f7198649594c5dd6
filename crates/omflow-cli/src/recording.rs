//! `omflow record` and `omflow replay`: record your own server through a proxy, then check a
//! fake (or another server) against the recording with the fixtures' replayer.

use crate::Failure;
use clap::Args;
use omflow_conformance::record::{RecordError, RecordOptions, Recorder};
use omflow_conformance::replay::{Recording, ReplayError, Replayer, Report};
use omflow_mock::serve::Login;
use omflow_mock::{Clock, FakeOmflow, Seed};
use serde_json::json;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// `omflow record`.
#[derive(Debug, Args)]
pub struct RecordArgs {
    /// The server to forward to.
    #[arg(long)]
    pub upstream: String,
    /// Where clients connect (`OMFLOW_URL=http://ADDR`).
    #[arg(long, default_value = "127.0.0.1:8001")]
    pub listen: String,
    /// The directory the exchanges are written to.
    #[arg(long)]
    pub out: PathBuf,
    /// Stop after this many exchanges (at least 1).
    #[arg(long, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_exchanges: Option<u64>,
    /// The largest body recorded (bytes, at least 1); larger requests get HTTP 413.
    #[arg(long, default_value_t = 32 * 1024 * 1024, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_body_bytes: u64,
    /// Keep multipart uploads whole (file contents included).
    #[arg(long)]
    pub keep_files: bool,
}

/// `omflow replay`.
#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A recording directory (`omflow record --out`).
    pub dir: PathBuf,
    /// Replay against this server instead of a fresh in-process fake.
    #[arg(long, conflicts_with = "fake")]
    pub against: Option<String>,
    /// The fake's seed: `pristine`, `demo` (the default) or a seed JSON file matching the
    /// state the recording started from.
    #[arg(long)]
    pub fake: Option<String>,
    /// USER=PASSWORD for the recording's logins (recordings keep no passwords; a fake's
    /// seed gives its users' own); against the fake it also becomes that user's password
    /// there (a seed read by `omflow seed from-server` has none); repeatable.
    #[arg(long = "login", value_name = "USER=PASSWORD", value_parser = Login::parse)]
    pub logins: Vec<Login>,
    /// `text` (one line per difference) or `json`.
    #[arg(long, default_value = "text")]
    pub output: ReplayOutput,
}

/// How `omflow replay` reports.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum ReplayOutput {
    /// A line per difference, then the count.
    Text,
    /// One JSON object: counts and the differences.
    Json,
}

fn operation(err: impl std::error::Error + Send + Sync + 'static) -> Failure {
    Failure::Operation(Box::new(err))
}

/// Records until `--max-exchanges` or Ctrl-C.
///
/// # Errors
/// [`Failure::Usage`] for an upstream that is not an `http(s)://` URL;
/// [`Failure::Operation`] when the address cannot be bound, the directory not created or
/// Ctrl-C cannot be listened for.
pub async fn record(args: &RecordArgs) -> Result<ExitCode, Failure> {
    if args.out.exists() && !args.out.is_dir() {
        return Err(Failure::Usage(format!(
            "--out: {} is a file: record into a new or empty directory",
            args.out.display()
        )));
    }
    let mut options = RecordOptions::new(&args.upstream, args.out.clone())
        .keep_files(args.keep_files)
        .max_body_bytes(usize::try_from(args.max_body_bytes).unwrap_or(usize::MAX));
    if let Some(max) = args.max_exchanges {
        options = options.max_exchanges(usize::try_from(max).unwrap_or(usize::MAX));
    }
    let mut interrupt = omflow_mock::serve::Interrupt::listen().map_err(operation)?;
    let recorder = Recorder::start(&args.listen, options)
        .await
        .map_err(|e| match e {
            RecordError::Upstream { .. } => Failure::Usage(format!("--upstream: {e}")),
            RecordError::OutputNotEmpty { .. } => Failure::Usage(format!("--out: {e}")),
            other => operation(other),
        })?;
    println!("listening on {}", recorder.uri());
    std::io::stdout().flush().ok();
    eprintln!(
        "omflow: recording {} through {} into {} (Ctrl-C stops)",
        args.upstream,
        recorder.uri(),
        args.out.display()
    );
    tokio::select! {
        () = recorder.finished() => {
            eprintln!("omflow: --max-exchanges reached");
        }
        () = interrupt.recv() => {}
    }
    recorder.flush().await;
    let recorded = recorder.exchanges();
    eprintln!(
        "omflow: recorded {recorded} exchange{} in {}",
        if recorded == 1 { "" } else { "s" },
        args.out.display()
    );
    if recorder.failed() == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    for why in recorder.failures() {
        eprintln!("omflow: not recorded: {why}");
    }
    eprintln!(
        "omflow: {} of the exchanges are not recorded (the upstream did not answer, or a file could not be written)",
        recorder.failed()
    );
    Ok(ExitCode::from(1))
}

/// Replays a recording; exit 1 on any difference.
///
/// # Errors
/// [`Failure::Usage`] for an empty directory, an unreadable seed, an `--against` that is not
/// an `http(s)://` URL, or a recorded login with no password to replay it with;
/// [`Failure::Operation`] when the recording cannot be read or the fake cannot start.
pub async fn replay(args: &ReplayArgs) -> Result<ExitCode, Failure> {
    // A recording that cannot be read is the caller's to fix (exit 2): exit 1 means the
    // replay found a difference.
    let recording =
        Recording::load_dir(&args.dir).map_err(|e| Failure::Usage(crate::one_line(&e)))?;
    if recording.steps.is_empty() {
        return Err(Failure::Usage(format!(
            "{} holds no recorded exchange (*.json)",
            args.dir.display()
        )));
    }
    check_logins(&args.logins, &recording)?;
    let report = match &args.against {
        Some(url) => {
            let mut replayer = Replayer::against(url).map_err(|e| match e {
                ReplayError::ServerUrl { .. } => Failure::Usage(format!("--against: {e}")),
                other => operation(other),
            })?;
            for login in &args.logins {
                replayer.password(&login.user, &login.password);
            }
            refuse_missing_passwords(&replayer, &recording)?;
            replayer.replay(&recording).await
        }
        None => {
            let seed_name = args.fake.as_deref().unwrap_or("demo");
            let mut seed = Seed::load(seed_name).map_err(|e| Failure::Usage(e.to_string()))?;
            // A seed read from a server holds no passwords: a --login gives the fake's user
            // the password the recording's login used.
            let added = recording.added_users();
            for login in &args.logins {
                match seed.users.iter_mut().find(|u| u.username == login.user) {
                    Some(user) => user.password = Some(login.password.clone()),
                    // The recording creates the user: the replay gives it this password.
                    None if added.contains(&login.user) => {}
                    None => {
                        return Err(Failure::Usage(format!(
                            "--login {}: the seed {seed_name} has no such user and the recording does not add one",
                            login.user
                        )))
                    }
                }
            }
            let strangers: Vec<String> = recording
                .logins_without_password()
                .into_iter()
                .filter(|user| {
                    !added.contains(user) && !seed.users.iter().any(|u| &u.username == user)
                })
                .collect();
            if !strangers.is_empty() {
                return Err(Failure::Usage(format!(
                    "the recording logs in as {}, whom the seed {seed_name} does not have and the recording does not add; nothing was replayed: give a seed that has them (--fake FILE, e.g. from `omflow seed from-server`) or replay --against the server",
                    strangers.join(", ")
                )));
            }
            let mut builder = FakeOmflow::builder();
            if let Some(python) = omflow_mock::python::PythonRunner::find_python3() {
                builder = builder.python_interpreter(python);
            }
            let fake = builder
                .seed(seed.clone())
                .clock(Clock::frozen_now())
                .record_requests(false)
                .start()
                .await
                .map_err(operation)?;
            let mut replayer = Replayer::new(&fake).map_err(operation)?;
            for user in &seed.users {
                if let Some(password) = &user.password {
                    replayer.password(&user.username, password);
                }
            }
            for login in &args.logins {
                replayer.password(&login.user, &login.password);
            }
            refuse_missing_passwords(&replayer, &recording)?;
            replayer.replay(&recording).await
        }
    };
    print_report(&report, args.output);
    Ok(if report.differences().next().is_some() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Every `--login` is used, once: a password for a user the recording never logs in as
/// (nor creates) would be ignored without a word.
fn check_logins(logins: &[Login], recording: &Recording) -> Result<(), Failure> {
    let needed = recording.login_users();
    let added = recording.added_users();
    for (i, login) in logins.iter().enumerate() {
        if logins[..i].iter().any(|l| l.user == login.user) {
            return Err(Failure::Usage(format!(
                "--login {} is given twice",
                login.user
            )));
        }
        if !needed.contains(&login.user) && !added.contains(&login.user) {
            let logs_in_as = if needed.is_empty() {
                "no one".to_string()
            } else {
                needed.join(", ")
            };
            return Err(Failure::Usage(format!(
                "--login {}: the recording never logs in as {} nor adds that user (it logs in as {logs_in_as})",
                login.user, login.user
            )));
        }
    }
    Ok(())
}

/// Nothing is sent when a recorded login has no password to replay it with.
fn refuse_missing_passwords(replayer: &Replayer<'_>, recording: &Recording) -> Result<(), Failure> {
    let missing = replayer.missing_passwords(recording);
    if missing.is_empty() {
        return Ok(());
    }
    let flags: Vec<String> = missing
        .iter()
        .map(|user| format!("--login {user}=PASSWORD"))
        .collect();
    Err(Failure::Usage(format!(
        "the recording logs in as {} and keeps no password; nothing was replayed: give {}",
        missing.join(", "),
        flags.join(" ")
    )))
}

fn print_report(report: &Report, output: ReplayOutput) {
    let total = report.counted();
    let agree = report.agreeing();
    match output {
        ReplayOutput::Json => {
            let set_aside: Vec<_> = report
                .outcomes
                .iter()
                .filter(|o| o.set_aside.is_some())
                .map(|o| json!({"exchange": o.name, "endpoint": o.endpoint, "difference": o.difference, "reason": o.set_aside}))
                .collect();
            let differences: Vec<_> = report
                .differences()
                .map(|o| json!({"exchange": o.name, "endpoint": o.endpoint, "difference": o.difference}))
                .collect();
            crate::listing::say_raw(
                &json!({"exchanges": report.outcomes.len(), "counted": total, "agree": agree,
                        "set_aside": set_aside, "differences": differences})
                .to_string(),
            );
        }
        ReplayOutput::Text => {
            for outcome in report.differences() {
                crate::listing::say_raw(&format!(
                    "DIFF {}: {}",
                    outcome.name,
                    outcome.difference.as_deref().unwrap_or("")
                ));
            }
            crate::listing::say_raw(&format!("{agree} of {total} exchanges agree"));
            for (reason, count) in report.set_aside_reasons() {
                crate::listing::say_raw(&format!(
                    "{count} more differ and are set aside (not counted): they concern {reason}"
                ));
            }
        }
    }
}

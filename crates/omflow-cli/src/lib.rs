//! # omflow-cli
//!
//! The `omflow` command: what the official sample scripts do (list my missions, approve the
//! ones of a flow) and more. With no server configured it starts the embedded fake server
//! with demo data, so a newcomer can try it at once.

pub mod expr;
pub mod output;
pub mod recording;
pub mod seed_reader;

use clap::{Args, Parser, Subcommand};
use futures::StreamExt;
use futures::TryStreamExt;
use omflow_client::{Approval, ApprovalResult, Chain, Client, Error};
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::query::{ConditionSpec, Query};
use omflow_model::{DataId, DataNo, FlowUuid, Lang, QuickAction};
use output::Format;
use serde_json::Value;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// The OMFLOW command line.
#[derive(Debug, Parser)]
#[command(name = "omflow", version, about = "Work with an OMFLOW workflow server: missions, approvals, tickets.", after_help = expr::GRAMMAR)]
pub struct Cli {
    #[command(flatten)]
    connection: Connection,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Args)]
struct Connection {
    /// Server URL; without one, an embedded fake server with demo data is used.
    #[arg(long, env = "OMFLOW_URL", global = true)]
    url: Option<String>,
    /// Username.
    #[arg(long, env = "OMFLOW_USER", global = true)]
    user: Option<String>,
    /// Password (prefer OMFLOW_PASSWORD, --password-file or the prompt).
    #[arg(long, env = "OMFLOW_PASSWORD", global = true, hide_env_values = true)]
    password: Option<String>,
    /// Read the password from this file (first line).
    #[arg(long, global = true)]
    password_file: Option<std::path::PathBuf>,
    /// Language of server messages: zh-Hant, zh-Hans, en, ja.
    #[arg(long, global = true)]
    lang: Option<Lang>,
    /// Show the chain of causes of an error and log what the client does to stderr
    /// (RUST_LOG, e.g. `omflow_client=trace`, chooses the detail; secrets are never logged).
    #[arg(long, short, global = true)]
    verbose: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List my missions.
    #[command(after_help = concat!(grammar!(), "\n\nExamples:\n  omflow missions --where level=red --order -id --limit 20\n  omflow missions --where \"data_no>=10\" --output ndjson", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    Missions(MissionsArgs),
    /// Push a ticket with field values: the ticket is loaded as its assignee sees it, the
    /// values are typed from the stop's form and its other required fields are filled.
    #[command(after_help = concat!("Examples:\n  omflow push 任務單 2 --set FORMITM_4=dispatch_done\n  omflow push 任務單 7 --set 'FORMITM_5={\"group\":\"2\",\"user\":\"\"}' --wait 0", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    Push {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        flow: String,
        /// The ticket's current data_id.
        data_id: u64,
        /// FORMITM_N=VALUE (JSON for objects such as h_group; a choice's label is taken for its
        /// value); repeatable, once per field.
        #[arg(long = "set", required = true)]
        set: Vec<String>,
        /// Send even what the checks refuse (a value the stop does not offer, a read-only
        /// field, a push no rule routes: the ticket is then stranded in the engine's error state).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        wait: Wait,
    },
    /// Run a stop's quick action (refused when the stop does not offer it).
    #[command(after_help = concat!("Example:\n  omflow quick-action 任務單 5 action1", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    QuickAction {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        flow: String,
        /// The ticket's current data_id.
        data_id: u64,
        /// action1, action2, or the action's label as `missions` shows it (完成).
        action: String,
        /// Send even if the stop does not offer it (the server then pushes the ticket
        /// unchanged), or if the engine could not route what it writes.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        wait: Wait,
    },
    /// Approve every mission of a flow (the sample scripts' job). Ctrl-C stops starting
    /// new pushes, waits for those in flight and reports what was done (exit 130).
    #[command(after_help = concat!(grammar!(), "\n\nExamples:\n  omflow approve --flow 任務單 --where stop_uuid=FITEM_2 --set FORMITM_4=dispatch_done --dry-run\n  omflow approve --flow 任務單 --where stop_uuid=FITEM_5 --quick-action action1", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    Approve(ApproveArgs),
    /// Tickets of a flow.
    #[command(subcommand)]
    Tickets(TicketsCommand),
    /// The fake OMFLOW server.
    #[command(subcommand)]
    Mock(MockCommand),
    /// Read Cybozu Garoon workflow requests (read-only: Garoon's REST API cannot approve).
    Garoon(GaroonArgs),
    /// Record a server: a proxy that forwards every request to --upstream and writes each
    /// exchange to --out (no passwords; security codes as placeholders).
    #[command(
        after_help = "Example:\n  omflow record --upstream https://omflow.example.com --listen 127.0.0.1:8001 --out rec\n  OMFLOW_URL=http://127.0.0.1:8001 omflow missions\n  omflow replay rec --fake my-seed.json --login alice=alice-pass"
    )]
    Record(recording::RecordArgs),
    /// Replay a recording against a fresh fake (or --against a server) and report every
    /// exchange that answers differently (exit 1 if any).
    #[command(after_help = "Example:\n  omflow replay rec --fake demo --output json")]
    Replay(recording::ReplayArgs),
    /// Seeds for the fake.
    #[command(subcommand)]
    Seed(SeedCommand),
}

#[derive(Debug, Subcommand)]
enum SeedCommand {
    /// Write a seed read from the server as far as its REST API shows it to the logged-in
    /// user (users and groups; the flows of the user's missions with their forms and stops),
    /// and list on stderr what it could not read.
    #[command(
        after_help = "Example:\n  omflow seed from-server --out my-seed.json\n  omflow replay rec --fake my-seed.json --login alice=alice-pass"
    )]
    FromServer {
        /// Where to write the seed (JSON).
        #[arg(long)]
        out: std::path::PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
struct GaroonArgs {
    /// Garoon root (https://SUB.cybozu.com/g); without one, the embedded fake's demo data.
    #[arg(long, env = "GAROON_URL")]
    garoon_url: Option<String>,
    /// Garoon login name (password authentication).
    #[arg(long, env = "GAROON_USER")]
    garoon_user: Option<String>,
    /// Garoon password.
    #[arg(long, env = "GAROON_PASSWORD", hide_env_values = true)]
    garoon_password: Option<String>,
    /// OAuth access token instead of a password.
    #[arg(long, env = "GAROON_TOKEN", hide_env_values = true)]
    garoon_token: Option<String>,
    #[command(subcommand)]
    command: GaroonCommand,
}

#[derive(Debug, Subcommand)]
enum GaroonCommand {
    /// List requests (administrator endpoint), every page.
    #[command(after_help = concat!("Example:\n  omflow garoon requests --status IN_PROGRESS,APPROVED", "\n\nEnvironment: GAROON_URL, GAROON_USER, GAROON_PASSWORD, GAROON_TOKEN. Without GAROON_URL, the embedded demo server answers."))]
    Requests {
        /// Only these statuses (comma-separated tokens such as IN_PROGRESS,APPROVED).
        #[arg(long, value_delimiter = ',')]
        status: Vec<String>,
        /// Only this form id.
        #[arg(long)]
        form: Option<String>,
        /// Newest first.
        #[arg(long)]
        newest_first: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        output: Format,
    },
    /// Show one request.
    #[command(after_help = concat!("Example:\n  omflow garoon request 2045 --output json", "\n\nEnvironment: GAROON_URL, GAROON_USER, GAROON_PASSWORD, GAROON_TOKEN. Without GAROON_URL, the embedded demo server answers."))]
    Request {
        /// Request id.
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        output: Format,
    },
}

#[derive(Debug, Args)]
struct Filters {
    /// Keep rows matching EXPR (repeatable, all must hold).
    #[arg(long = "where", value_name = "EXPR")]
    filters: Vec<String>,
    /// Drop rows matching all --exclude EXPRs together (repeatable).
    #[arg(long = "exclude", value_name = "EXPR")]
    excludes: Vec<String>,
}

#[derive(Debug, Args)]
struct MissionsArgs {
    #[command(flatten)]
    filters: Filters,
    #[command(flatten)]
    list: ListArgs,
}

/// Order, projection, paging and format of a list.
#[derive(Debug, Args)]
struct ListArgs {
    /// Sort by COL, or -COL for descending (repeatable).
    #[arg(long = "order", value_name = "COL", allow_hyphen_values = true)]
    order: Vec<String>,
    /// Only these columns (comma-separated).
    #[arg(long, value_delimiter = ',')]
    columns: Vec<String>,
    /// At most N rows (one request); says on stderr when more match. Without it, every row.
    #[arg(long, conflicts_with = "all")]
    limit: Option<u64>,
    /// Every row, page after page (the default).
    #[arg(long)]
    all: bool,
    /// Rows per request when listing every row (default 100).
    #[arg(long, conflicts_with = "limit")]
    page_size: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    output: Format,
}

#[derive(Debug, Args)]
struct Wait {
    /// Seconds to wait for the engine to move the ticket on and report where it went (0: do
    /// not wait).
    #[arg(long = "wait", value_name = "SECONDS", default_value_t = 10.0)]
    seconds: f64,
}

impl Wait {
    fn duration(&self) -> Result<Option<std::time::Duration>, Failure> {
        if !self.seconds.is_finite() || self.seconds < 0.0 || self.seconds > 3600.0 {
            return Err(usage(format!(
                "--wait {}: expected seconds between 0 and 3600",
                self.seconds
            )));
        }
        Ok((self.seconds > 0.0).then(|| std::time::Duration::from_secs_f64(self.seconds)))
    }
}

#[derive(Debug, Args)]
struct ApproveArgs {
    /// The flow: its uuid (with or without dashes) or its name.
    #[arg(long)]
    flow: String,
    #[command(flatten)]
    filters: Filters,
    /// FORMITM_N=VALUE to push with (repeatable).
    #[arg(
        long = "set",
        conflicts_with = "quick_action",
        required_unless_present = "quick_action"
    )]
    set: Vec<String>,
    /// Quick action to run instead of a push.
    #[arg(long)]
    quick_action: Option<QuickAction>,
    /// Tickets pushed at once.
    #[arg(long, default_value_t = 8)]
    concurrency: usize,
    /// Check every ticket as the run would (its stop's form, where the push would take it)
    /// and print the verdicts; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// Send even what the checks refuse (tickets no rule routes are then stranded).
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    wait: Wait,
}

#[derive(Debug, Subcommand)]
enum TicketsCommand {
    /// List a flow's tickets (current rows unless --history); needs the flow's View
    /// permission. ERROR shows the engine's message for tickets in its error state.
    #[command(after_help = concat!(grammar!(), "\n\nExample:\n  omflow tickets list 任務單 --where closed=false --order -id --limit 20", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    List {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        flow: String,
        #[command(flatten)]
        filters: Filters,
        /// Include history rows.
        #[arg(long)]
        history: bool,
        #[command(flatten)]
        list: ListArgs,
    },
    /// Create a ticket; prints its number. Needs the flow's Add permission; fields given as
    /// FORMITM_N=VALUE are typed from the start form (View permission), FORMITM_N:TYPE=VALUE
    /// need nothing more.
    #[command(after_help = concat!("Examples:\n  omflow tickets create 任務單 --set \"FORMITM_1=Printer jam\" --set FORMITM_3=red --set FORMITM_4=dispatch --set 'FORMITM_5={\"group\":\"2\",\"user\":\"\"}'\n  omflow tickets create mission --set FORMITM_1:h_title=Jam --set FORMITM_3:h_level=red --set FORMITM_4:h_status=dispatch --set 'FORMITM_5:h_group={\"group\":\"2\",\"user\":\"\"}'", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    Create {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        flow: String,
        /// FORMITM_N=VALUE (repeatable).
        #[arg(long = "set", required = true)]
        set: Vec<String>,
        /// Send even what the start form's checks refuse.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        wait: Wait,
    },
    /// Delete tickets by number (all their rows and missions; not reversible). Every number
    /// is looked up first: if one does not exist, nothing is deleted.
    #[command(after_help = concat!("Example:\n  omflow tickets delete mission 7 8", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    Delete {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        flow: String,
        /// Ticket numbers.
        #[arg(required = true)]
        data_nos: Vec<u64>,
    },
}

#[derive(Debug, Subcommand)]
enum MockCommand {
    /// Run the fake server until interrupted (the same options as the `omflow-mock`
    /// binary).
    Serve(omflow_mock::serve::ServeArgs),
}

/// A failure: a usage problem (exit 2) or a failed operation (exit 1).
#[derive(Debug)]
pub enum Failure {
    /// Bad arguments.
    Usage(String),
    /// The operation failed.
    Operation(Box<dyn std::error::Error + Send + Sync>),
}

impl From<Error> for Failure {
    fn from(err: Error) -> Self {
        Failure::Operation(Box::new(err))
    }
}

fn usage(message: impl Into<String>) -> Failure {
    Failure::Usage(message.into())
}

/// Logs to stderr when `-v` or `RUST_LOG` asks for it.
fn init_tracing(verbose: bool) {
    use tracing_subscriber::EnvFilter;
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::new(spec),
        _ if verbose => {
            EnvFilter::new("omflow_client=debug,omflow_transport=debug,omflow_cli=debug")
        }
        _ => return,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .try_init();
}

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let verbose = cli.connection.verbose;
    init_tracing(verbose);
    match execute(cli).await {
        Ok(code) => code,
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Operation(err)) => {
            if verbose {
                eprintln!("error: {}", Chain(err.as_ref()));
            } else {
                eprintln!("error: {}", one_line(err.as_ref()));
            }
            ExitCode::from(1)
        }
    }
}

/// One line: the error in the command line's words, then its causes.
pub(crate) fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut line = in_cli_words(err);
    let mut source = err.source();
    while let Some(cause) = source {
        line.push_str(": ");
        line.push_str(&output::printable(&cause.to_string()));
        source = cause.source();
    }
    line
}

/// An error as a command-line user reads it: flags, not Rust calls.
fn in_cli_words(err: &(dyn std::error::Error + 'static)) -> String {
    match err.downcast_ref::<Error>() {
        Some(Error::QuickActionUnavailable { action, labels }) => {
            let offered: Vec<String> = [
                labels.action1.as_ref().map(|l| format!("action1 {l:?}")),
                labels.action2.as_ref().map(|l| format!("action2 {l:?}")),
            ]
            .into_iter()
            .flatten()
            .collect();
            format!(
                "quick action {action} is not offered at this stop (offered: {}); not sent, add --force to send it anyway",
                if offered.is_empty() { "none".to_string() } else { offered.join(", ") }
            )
        }
        Some(err @ (Error::Refused { .. } | Error::WouldStrand { .. })) => {
            output::printable(&format!("{err}; add --force to send it anyway"))
        }
        _ => output::printable(&err.to_string()),
    }
}

struct Session {
    client: Client,
    user: String,
    _fake: Option<FakeOmflow>,
}

async fn connect(connection: &Connection) -> Result<Session, Failure> {
    let (url, user, password, fake) = match &connection.url {
        Some(url) => {
            let user = connection
                .user
                .clone()
                .ok_or_else(|| usage("--user (or OMFLOW_USER) is required with --url"))?;
            let password = match (&connection.password, &connection.password_file) {
                (Some(p), _) => p.clone(),
                (None, Some(path)) => std::fs::read_to_string(path)
                    .map_err(|e| usage(format!("cannot read --password-file {}: {e}", path.display())))?
                    .lines()
                    .next()
                    .unwrap_or("")
                    .to_string(),
                (None, None) if std::io::stdin().is_terminal() => {
                    rpassword::prompt_password(format!("OMFLOW password for {user}: ")).map_err(|e| usage(format!("cannot read the password: {e}")))?
                }
                (None, None) => return Err(usage("no password: set OMFLOW_PASSWORD, --password-file, or run on a terminal to be asked")),
            };
            (url.clone(), user, password, None)
        }
        None => {
            let partial = [
                connection.user.as_ref().map(|_| "OMFLOW_USER/--user"),
                connection
                    .password
                    .as_ref()
                    .map(|_| "OMFLOW_PASSWORD/--password"),
                connection.password_file.as_ref().map(|_| "--password-file"),
            ];
            let given: Vec<&str> = partial.into_iter().flatten().collect();
            if !given.is_empty() {
                return Err(usage(format!(
                    "{} given but no server: set OMFLOW_URL (or --url); the embedded demo runs only when no server setting at all is given",
                    given.join(", ")
                )));
            }
            let fake = FakeOmflow::start_with(Seed::demo())
                .await
                .map_err(|e| Failure::Operation(Box::new(e)))?;
            eprintln!("omflow: no server settings; using the embedded demo server at {} as admin (demo users admin/admin and alice/alice-pass; `omflow mock serve` runs it for OMFLOW_URL)", fake.uri());
            (
                fake.uri(),
                "admin".to_string(),
                "admin".to_string(),
                Some(fake),
            )
        }
    };
    let mut builder = Client::builder(url).credentials(user.clone(), password);
    if let Some(lang) = connection.lang {
        builder = builder.language(lang);
    }
    let client = builder.build().map_err(|e| match e {
        omflow_client::BuildError::Url { url, .. } if !url.contains("://") => usage(format!(
            "OMFLOW_URL {url:?} has no scheme: add http:// or https://"
        )),
        other => usage(format!("OMFLOW_URL: {other}")),
    })?;
    Ok(Session {
        client,
        user,
        _fake: fake,
    })
}

fn list_query(filters: &Filters, list: &ListArgs) -> Result<Query, Failure> {
    let mut builder = query_from(filters)?;
    for order in &list.order {
        builder = match order.strip_prefix('-') {
            Some(column) => builder.order_by_desc(column),
            None => builder.order_by(order.as_str()),
        };
    }
    builder = builder.columns(list.columns.clone());
    let page_size = match list.limit {
        Some(0) => {
            return Err(usage(
                "--limit 0: give at least 1 (or leave --limit out for every row)",
            ))
        }
        // One more than shown tells whether more match.
        Some(limit) => limit.saturating_add(1),
        None => list.page_size.unwrap_or(100),
    };
    builder
        .page_size(page_size)
        .build()
        .map_err(|e| usage(e.to_string()))
}

fn query_from(filters: &Filters) -> Result<omflow_model::query::QueryBuilder, Failure> {
    let parse = |exprs: &[String]| -> Result<Vec<ConditionSpec>, Failure> {
        exprs
            .iter()
            .map(|e| expr::parse(e).map_err(|err| usage(err.to_string())))
            .collect()
    };
    let mut builder = Query::builder();
    for condition in parse(&filters.filters)? {
        builder = builder.filter(condition);
    }
    for condition in parse(&filters.excludes)? {
        builder = builder.exclude_when_all(condition);
    }
    Ok(builder)
}

fn sets(args: &[String]) -> Result<Vec<expr::SetArg>, Failure> {
    args.iter()
        .map(|a| expr::parse_set(a).map_err(usage))
        .collect()
}

const MISSION_COLUMNS: [(&str, &str); 8] = [
    ("DATA_ID", "data_id"),
    ("NO", "data_no"),
    ("FLOW", "flow_name"),
    ("STOP", "stop_chart_text"),
    ("LEVEL", "level"),
    ("STATUS", "status"),
    ("TITLE", "title"),
    ("ACTIONS", "action"),
];

const TICKET_COLUMNS: [(&str, &str); 9] = [
    ("DATA_ID", "id"),
    ("NO", "data_no"),
    ("STOP", "stop_chart_text"),
    ("LEVEL", "level"),
    ("STATUS", "status"),
    ("TITLE", "title"),
    ("CLOSED", "closed"),
    ("HISTORY", "history"),
    ("ERROR", "error_message"),
];

/// Shows `"完成,退回"` as `完成 / 退回` and `","` as nothing.
fn readable_actions(mut row: Value) -> Value {
    if let Some(action) = row.get("action").and_then(Value::as_str) {
        let labels = omflow_model::QuickActionLabels::parse(Some(action));
        let shown: Vec<String> = [labels.action1, labels.action2]
            .into_iter()
            .flatten()
            .collect();
        row["action"] = Value::String(shown.join(" / "));
    }
    row
}

fn columns_of(defaults: &[(&str, &str)], chosen: &[String]) -> Vec<(String, String)> {
    if chosen.is_empty() {
        defaults
            .iter()
            .map(|(h, k)| (h.to_string(), k.to_string()))
            .collect()
    } else {
        chosen
            .iter()
            .map(|c| (c.to_uppercase(), c.clone()))
            .collect()
    }
}

fn emit(format: Format, rows: &[Value], columns: &[(String, String)]) -> Result<(), Failure> {
    let stdout = std::io::stdout();
    let mut lock = stdout.lock();
    match output::print(&mut lock, format, rows, columns).and_then(|()| lock.flush()) {
        // A reader that stopped early (`| head -1`) is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Failure::Operation(Box::new(e))),
    }
}

/// The connection flags given on the command line (not from the environment, where a
/// user's shell may keep them for the other commands).
fn connection_flags_given(connection: &Connection) -> Vec<&'static str> {
    let from_flag = |value: Option<&str>, var: &str| {
        value.is_some() && std::env::var(var).ok().as_deref() != value
    };
    let mut given = Vec::new();
    if from_flag(connection.url.as_deref(), "OMFLOW_URL") {
        given.push("--url");
    }
    if from_flag(connection.user.as_deref(), "OMFLOW_USER") {
        given.push("--user");
    }
    if from_flag(connection.password.as_deref(), "OMFLOW_PASSWORD") {
        given.push("--password");
    }
    if connection.password_file.is_some() {
        given.push("--password-file");
    }
    given
}

/// `omflow mock serve`, `record` and `replay` connect to no server as a user: a connection
/// flag given to them would be ignored, so it is refused with what to use instead.
fn refuse_connection_flags(cli: &Cli) -> Result<(), Failure> {
    let (command, instead) = match &cli.command {
        Command::Mock(_) => ("mock serve", "it serves at --addr with the seed's users"),
        Command::Record(_) => (
            "record",
            "it forwards to --upstream URL, and the clients pointed at it log in themselves",
        ),
        Command::Replay(_) => (
            "replay",
            "it replays against --against URL or a fresh fake (--fake SEED), with --login USER=PASSWORD for the recorded logins",
        ),
        _ => return Ok(()),
    };
    let given = connection_flags_given(&cli.connection);
    if given.is_empty() {
        return Ok(());
    }
    Err(usage(format!(
        "omflow {command} takes no {}: {instead}",
        given.join(", ")
    )))
}

async fn execute(cli: Cli) -> Result<ExitCode, Failure> {
    refuse_connection_flags(&cli)?;
    if let Command::Mock(MockCommand::Serve(args)) = &cli.command {
        return match omflow_mock::serve::serve(args).await {
            Ok(()) => Ok(ExitCode::SUCCESS),
            Err(omflow_mock::serve::ServeError::Seed(e)) => Err(usage(e.to_string())),
            Err(e) => Err(Failure::Operation(Box::new(e))),
        };
    }
    if let Command::Garoon(args) = &cli.command {
        return garoon(args).await;
    }
    if let Command::Record(args) = &cli.command {
        return recording::record(args).await;
    }
    if let Command::Replay(args) = &cli.command {
        return recording::replay(args).await;
    }
    let session = connect(&cli.connection).await?;
    let client = &session.client;
    match cli.command {
        Command::Missions(args) => {
            let query = list_query(&args.filters, &args.list)?;
            let request = client.missions().query(query);
            let rows: Vec<Value> = match args.list.limit {
                None => {
                    request
                        .stream_projected()
                        .map_ok(|row| Value::Object(row.0))
                        .try_collect()
                        .await?
                }
                Some(limit) => {
                    let rows = request.send_projected().await?;
                    shown_of(
                        rows.into_iter().map(|row| Value::Object(row.0)).collect(),
                        limit,
                    )
                }
            };
            let rows = if args.list.output == Format::Table {
                rows.into_iter().map(readable_actions).collect()
            } else {
                rows
            };
            emit(
                args.list.output,
                &rows,
                &columns_of(&MISSION_COLUMNS, &args.list.columns),
            )?;
        }
        Command::Push {
            flow,
            data_id,
            set,
            force,
            wait,
        } => {
            let values = sets(&set)?;
            let wait = wait.duration()?;
            let mut builder = match row_in(client, &flow, DataId(data_id)).await? {
                Row::Mission(mission) => client.push_mission(&mission),
                Row::Uuid(uuid) => client.push_in_flow(uuid, DataId(data_id)),
                Row::Path(api_path) => client.push(&api_path, DataId(data_id)),
            };
            if force {
                builder = builder.force();
            }
            for set in values {
                builder = match set.field_type {
                    Some(field_type) => builder.set_typed(&set.id, field_type, set.value),
                    None => builder.set(&set.id, set.value),
                };
            }
            if let Some(wait) = wait {
                builder = builder.wait_for_engine(wait);
            }
            let outcome = builder.send().await?;
            return Ok(report_push(&format!("pushed data_id {data_id}"), &outcome));
        }
        Command::QuickAction {
            flow,
            data_id,
            action,
            force,
            wait,
        } => {
            let wait = wait.duration()?;
            let row = row_in(client, &flow, DataId(data_id)).await?;
            let action = quick_action_named(client, &row, DataId(data_id), &action).await?;
            let mut builder = match row {
                Row::Mission(mission) => client.quick_action_mission(&mission, action),
                Row::Uuid(uuid) => client.quick_action_in_flow(uuid, DataId(data_id), action),
                Row::Path(api_path) => client.quick_action(&api_path, DataId(data_id), action),
            };
            if force {
                builder = builder.force();
            }
            if let Some(wait) = wait {
                builder = builder.wait_for_engine(wait);
            }
            let outcome = builder.send().await?;
            return Ok(report_push(
                &format!("{action} sent for data_id {data_id}"),
                &outcome,
            ));
        }
        Command::Approve(args) => return approve(client, args).await,
        Command::Tickets(TicketsCommand::List {
            flow,
            filters,
            history,
            list,
        }) => {
            let query = list_query(&filters, &list)?;
            let mut request = match flow_in(client, &flow).await? {
                Flow::Uuid(uuid) => client.tickets_in_flow(uuid),
                Flow::Path(api_path) => client.tickets(&api_path),
            }
            .query(query);
            if history {
                request = request.include_history();
            }
            let rows: Vec<Value> = match list.limit {
                None => {
                    request
                        .stream_projected()
                        .map_ok(|row| Value::Object(row.0))
                        .try_collect()
                        .await?
                }
                Some(limit) => {
                    let rows = request.send_projected().await?;
                    shown_of(
                        rows.into_iter().map(|row| Value::Object(row.0)).collect(),
                        limit,
                    )
                }
            };
            emit(
                list.output,
                &rows,
                &columns_of(&TICKET_COLUMNS, &list.columns),
            )?;
        }
        Command::Tickets(TicketsCommand::Create {
            flow,
            set,
            force,
            wait,
        }) => {
            let values = sets(&set)?;
            let wait = wait.duration()?;
            let mut builder = match flow_in(client, &flow).await? {
                Flow::Uuid(uuid) => client.create_in_flow(uuid),
                Flow::Path(api_path) => client.create(&api_path),
            };
            for set in values {
                builder = match set.field_type {
                    Some(field_type) => builder.set_typed(&set.id, field_type, set.value),
                    None => builder.set(&set.id, set.value),
                };
            }
            if force {
                builder = builder.force();
            }
            if let Some(wait) = wait {
                builder = builder.wait_for_engine(wait);
            }
            let created = builder.send_and_observe().await?;
            return Ok(report_push("created", &created));
        }
        Command::Tickets(TicketsCommand::Delete { flow, data_nos }) => {
            let request = match flow_in(client, &flow).await? {
                Flow::Uuid(uuid) => client.tickets_in_flow(uuid),
                Flow::Path(api_path) => client.tickets(&api_path),
            };
            let numbers: Vec<DataNo> = data_nos.iter().copied().map(DataNo).collect();
            let existing = |request: omflow_client::TicketsRequest| {
                let numbers = numbers.clone();
                async move {
                    let query = Query::builder()
                        .filter(
                            omflow_model::query::col("data_no")
                                .is_in(numbers.iter().map(|n| n.get())),
                        )
                        .columns(["data_no"])
                        .page_size(1000)
                        .build()
                        .map_err(|e| usage(e.to_string()))?;
                    let rows: Vec<omflow_model::ProjectedRow> = request
                        .include_history()
                        .query(query)
                        .stream_projected()
                        .try_collect()
                        .await?;
                    Ok::<Vec<u64>, Failure>(
                        rows.iter()
                            .filter_map(|r| r.get::<u64>("data_no").ok().flatten())
                            .collect(),
                    )
                }
            };
            let before = existing(request.clone()).await?;
            let missing: Vec<String> = data_nos
                .iter()
                .filter(|n| !before.contains(n))
                .map(u64::to_string)
                .collect();
            if !missing.is_empty() {
                return Err(failed(format!(
                    "no ticket {} in this flow; nothing was deleted",
                    missing.join(", ")
                )));
            }
            let api_path = match flow_in(client, &flow).await? {
                Flow::Path(api_path) => api_path,
                Flow::Uuid(_) => {
                    return Err(usage(
                        "tickets delete needs the flow's api_path (the server deletes by api_path only)",
                    ))
                }
            };
            client.delete(&api_path, &numbers).await?;
            let after = existing(request).await?;
            let left: Vec<String> = data_nos
                .iter()
                .filter(|n| after.contains(n))
                .map(u64::to_string)
                .collect();
            if !left.is_empty() {
                return Err(failed(format!(
                    "the server answered success but ticket(s) {} still exist",
                    left.join(", ")
                )));
            }
            say(&format!(
                "deleted ticket(s) {}",
                data_nos
                    .iter()
                    .map(u64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        Command::Seed(SeedCommand::FromServer { out, force }) => {
            let exists = |out: &std::path::Path| {
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
                return Err(exists(&out));
            }
            let read = seed_reader::read(client, client.base_url().as_str(), &session.user).await?;
            let text = serde_json::to_string_pretty(&read.seed)
                .map_err(|e| Failure::Operation(Box::new(e)))?;
            // Without --force the file is created only if it still does not exist.
            let mut options = std::fs::OpenOptions::new();
            options.write(true);
            if force {
                options.create(true).truncate(true);
            } else {
                options.create_new(true);
            }
            let mut file = match options.open(&out) {
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    return Err(exists(&out))
                }
                other => {
                    other.map_err(|e| failed(format!("cannot write {}: {e}", out.display())))?
                }
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
        }
        Command::Mock(_) | Command::Garoon(_) | Command::Record(_) | Command::Replay(_) => {
            unreachable!("handled above")
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The first `limit` rows of a page asked one row longer; says on stderr when more match.
fn shown_of(mut rows: Vec<Value>, limit: u64) -> Vec<Value> {
    let limit = usize::try_from(limit).unwrap_or(usize::MAX);
    if rows.len() > limit {
        rows.truncate(limit);
        eprintln!(
            "omflow: showing the first {limit} rows; more match (leave --limit out to list every row)"
        );
    }
    rows
}

/// Prints what a push or create did (`{what} (ticket N)` for pushes, `created ticket N`);
/// exit 1 when the engine failed the ticket.
fn report_push(what: &str, outcome: &omflow_client::PushOutcome) -> ExitCode {
    let ticket = outcome
        .data_no
        .map(|n| n.to_string())
        .unwrap_or_else(|| "?".into());
    let subject = if what == "created" {
        format!("created ticket {ticket}")
    } else {
        format!("{what} (ticket {ticket})")
    };
    for overridden in &outcome.forced {
        eprintln!(
            "omflow: sent with --force, overriding: {}",
            output::printable(overridden)
        );
    }
    if outcome.resolved_after_lost_answer {
        eprintln!("omflow: the answer was lost; reading the ticket back shows the push applied");
    }
    let predicted = outcome
        .prediction
        .as_ref()
        .map(|p| format!(": {}", p.route))
        .unwrap_or_default();
    let then = if predicted.is_empty() { ": " } else { "; " };
    match &outcome.state {
        Some(state) if state.is_engine_error() => {
            say(&format!(
                "{subject}{predicted}{then}the server accepted it, then {state}"
            ));
            ExitCode::from(1)
        }
        Some(state) => {
            say(&format!("{subject}{predicted}{then}now {state}"));
            ExitCode::SUCCESS
        }
        None => {
            say(&format!("{subject}{predicted}"));
            ExitCode::SUCCESS
        }
    }
}

/// `action1`, `action2`, or a label of the row's stop (`完成`).
async fn quick_action_named(
    client: &Client,
    row: &Row,
    data_id: DataId,
    name: &str,
) -> Result<QuickAction, Failure> {
    if let Ok(action) = name.parse::<QuickAction>() {
        return Ok(action);
    }
    let labels = match row {
        Row::Mission(mission) => mission.quick_actions(),
        Row::Uuid(uuid) => client.load_ticket(*uuid, data_id).await?.quick_actions(),
        Row::Path(_) => omflow_model::QuickActionLabels::default(),
    };
    let matching: Vec<QuickAction> = [
        (QuickAction::Action1, &labels.action1),
        (QuickAction::Action2, &labels.action2),
    ]
    .into_iter()
    .filter(|(_, label)| label.as_deref() == Some(name))
    .map(|(action, _)| action)
    .collect();
    match matching.as_slice() {
        [one] => Ok(*one),
        [] => Err(usage(output::printable(&format!(
            "{name:?} is neither action1, action2 nor a quick action of this stop (offered: {})",
            [labels.action1.as_deref(), labels.action2.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", ")
        )))),
        _ => Err(usage(format!(
            "{name:?} names both quick actions of this stop; give action1 or action2"
        ))),
    }
}

/// How the command line named a ticket row's flow.
enum Row {
    /// The row is among my missions (matched by data_id and flow name).
    Mission(Box<omflow_model::Mission>),
    Uuid(FlowUuid),
    Path(String),
}

/// Resolves `FLOW DATA_ID`: a uuid; a flow name among my missions; else an api_path.
async fn row_in(client: &Client, flow: &str, data_id: DataId) -> Result<Row, Failure> {
    if let Ok(uuid) = FlowUuid::parse(flow) {
        return Ok(Row::Uuid(uuid));
    }
    let mine = Query::builder()
        .filter(omflow_model::query::col("data_id").eq(data_id))
        .filter(omflow_model::query::col("flow_name").eq(flow))
        .page_size(1)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    if let Some(mission) = client
        .missions()
        .query(mine)
        .send()
        .await?
        .into_iter()
        .next()
    {
        return Ok(Row::Mission(Box::new(mission)));
    }
    // Not (or no longer) among my missions: the flow's uuid from any mission of that name.
    Ok(match flow_in(client, flow).await? {
        Flow::Uuid(uuid) => Row::Uuid(uuid),
        Flow::Path(api_path) => Row::Path(api_path),
    })
}

/// How the command line named a flow.
enum Flow {
    Uuid(FlowUuid),
    Path(String),
}

/// Resolves `FLOW`: a uuid; a flow name among my missions; else an api_path.
async fn flow_in(client: &Client, flow: &str) -> Result<Flow, Failure> {
    if let Ok(uuid) = FlowUuid::parse(flow) {
        return Ok(Flow::Uuid(uuid));
    }
    let named = Query::builder()
        .filter(omflow_model::query::col("flow_name").eq(flow))
        .page_size(1)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    Ok(
        match client
            .missions()
            .query(named)
            .send()
            .await?
            .into_iter()
            .find_map(|m| m.flow_uuid)
        {
            Some(uuid) => Flow::Uuid(uuid),
            None => Flow::Path(flow.to_string()),
        },
    )
}

/// Prints one line of output built from server text (escaped for the terminal); a closed
/// pipe is not an error.
fn say(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{}", output::printable(text));
}

/// Prints text that is not from a table (already exact JSON); a closed pipe is not an error.
fn say_raw(text: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{text}");
}

/// The flows of my missions: (uuid, name), each once, in first-seen order.
async fn my_flows(client: &Client) -> Result<Vec<(FlowUuid, String)>, Failure> {
    let query = Query::builder()
        .columns(["flow_uuid", "flow_name"])
        .page_size(500)
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let rows: Vec<omflow_model::ProjectedRow> = client
        .missions()
        .query(query)
        .stream_projected()
        .try_collect()
        .await?;
    let mut flows: Vec<(FlowUuid, String)> = Vec::new();
    for row in rows {
        let uuid = row.get::<FlowUuid>("flow_uuid").ok().flatten();
        let name = row
            .get::<String>("flow_name")
            .ok()
            .flatten()
            .unwrap_or_default();
        if let Some(uuid) = uuid {
            if !flows.iter().any(|(known, _)| *known == uuid) {
                flows.push((uuid, name));
            }
        }
    }
    Ok(flows)
}

/// A failure of the operation with a message of our own.
fn failed(message: String) -> Failure {
    Failure::Operation(message.into())
}

async fn approve(client: &Client, args: ApproveArgs) -> Result<ExitCode, Failure> {
    let query = query_from(&args.filters)?
        .build()
        .map_err(|e| usage(e.to_string()))?;
    let approval = match args.quick_action {
        Some(action) => Approval::QuickAction(action),
        None => {
            let mut values = Vec::new();
            for set in sets(&args.set)? {
                if set.field_type.is_some() {
                    return Err(usage(format!(
                        "--set {}: approve types each field from its ticket's form; drop the :TYPE",
                        set.id
                    )));
                }
                values.push((set.id, set.value));
            }
            Approval::Set(values)
        }
    };
    let wait = args.wait.duration()?;
    let flows = my_flows(client).await?;
    let chosen = match FlowUuid::parse(&args.flow) {
        Ok(uuid) => flows.iter().find(|(known, _)| *known == uuid),
        Err(_) => flows.iter().find(|(_, name)| *name == args.flow),
    };
    let Some((uuid, flow_name)) = chosen.cloned() else {
        let yours: Vec<String> = flows
            .iter()
            .map(|(uuid, name)| format!("{name} ({})", uuid.simple()))
            .collect();
        return Err(failed(output::printable(&format!(
            "flow {:?} is not among the flows of your missions; yours: {}",
            args.flow,
            if yours.is_empty() {
                "none (you have no missions)".to_string()
            } else {
                yours.join(", ")
            }
        ))));
    };
    let stop = Arc::new(AtomicBool::new(false));
    let builder = client
        .approve(&flow_name, approval)
        .flow_uuid(uuid)
        .query(query)
        .concurrency(args.concurrency)
        .wait_for_engine(wait)
        .force(args.force)
        .stop_flag(stop.clone());
    if args.dry_run {
        let plan = builder.plan().await?;
        let mut sending = 0;
        for planned in &plan {
            let m = &planned.mission;
            let id = m.data_id.map(|d| d.to_string()).unwrap_or_default();
            let ticket = m.data_no.map(|d| d.to_string()).unwrap_or_default();
            match &planned.skip {
                None => {
                    sending += 1;
                    let route = planned
                        .prediction
                        .as_ref()
                        .map(|p| format!(": {}", p.route))
                        .unwrap_or_default();
                    say(&format!(
                        "would approve data_id {id} (ticket {ticket}, {}){route}",
                        m.title.clone().unwrap_or_default()
                    ));
                }
                Some(why) => say(&format!("would skip data_id {id} (ticket {ticket}): {why}")),
            }
        }
        say(&format!(
            "dry run: {sending} mission(s) would be approved, {} skipped",
            plan.len() - sending
        ));
        return Ok(ExitCode::SUCCESS);
    }
    // Collecting the missions pushes nothing: a Ctrl-C there still ends the process. The
    // stream pushes only when polled, so listening here, before the first poll, means a
    // Ctrl-C from the first push on stops new pushes and never kills.
    let outcomes = builder.start().await?;
    let interrupt = omflow_mock::serve::Interrupt::listen();
    let watcher = {
        let stop = stop.clone();
        tokio::spawn(async move {
            if let Ok(mut interrupt) = interrupt {
                interrupt.recv().await;
                stop.store(true, Ordering::SeqCst);
                eprintln!(
                    "omflow: interrupted; waiting for the pushes in flight (no new one starts)"
                );
            }
        })
    };
    let progress = std::io::stderr().is_terminal().then(|| {
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {pos} ticket(s) done: {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        bar
    });
    let mut outcomes = std::pin::pin!(outcomes);
    let (mut approved, mut skipped, mut failed_count, mut unknown, mut not_sent) = (0, 0, 0, 0, 0);
    while let Some(outcome) = outcomes.next().await {
        let id = outcome
            .mission
            .data_id
            .map(|d| d.to_string())
            .unwrap_or_default();
        let ticket = outcome
            .mission
            .data_no
            .map(|d| d.to_string())
            .unwrap_or_default();
        let line = match &outcome.result {
            ApprovalResult::Approved(pushed) => {
                approved += 1;
                let route = pushed
                    .prediction
                    .as_ref()
                    .map(|p| format!(": {}", p.route))
                    .unwrap_or_default();
                match &pushed.state {
                    Some(state) => {
                        format!("approved data_id {id} (ticket {ticket}){route}; now {state}")
                    }
                    None => format!("approved data_id {id} (ticket {ticket}){route}"),
                }
            }
            ApprovalResult::Skipped(why) => {
                skipped += 1;
                format!("skipped data_id {id} (ticket {ticket}): {why}")
            }
            ApprovalResult::Failed(err) if err.may_have_been_applied() => {
                unknown += 1;
                format!("unknown data_id {id} (ticket {ticket}): may have been applied: {err}")
            }
            ApprovalResult::Failed(err) => {
                failed_count += 1;
                format!("failed data_id {id} (ticket {ticket}): {err}")
            }
            ApprovalResult::NotSent(why) => {
                not_sent += 1;
                format!("not sent data_id {id} (ticket {ticket}): {why}")
            }
            other => {
                failed_count += 1;
                format!("data_id {id} (ticket {ticket}): {other:?}")
            }
        };
        match &progress {
            Some(bar) => {
                bar.inc(1);
                bar.set_message(output::printable(&line));
                bar.suspend(|| say(&line));
            }
            None => say(&line),
        }
    }
    watcher.abort();
    if let Some(bar) = &progress {
        bar.finish_and_clear();
    }
    let mut summary = format!("approved {approved}, skipped {skipped}, failed {failed_count}");
    if unknown > 0 {
        summary.push_str(&format!(", unknown {unknown} (may have been applied)"));
    }
    if not_sent > 0 {
        summary.push_str(&format!(", not sent {not_sent} (interrupted)"));
    }
    say(&summary);
    Ok(if stop.load(Ordering::SeqCst) {
        ExitCode::from(130)
    } else if failed_count + unknown > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

const GAROON_COLUMNS: [(&str, &str); 6] = [
    ("ID", "id"),
    ("NUMBER", "number"),
    ("STATUS", "status"),
    ("NAME", "name"),
    ("APPLICANT", "applicant"),
    ("CREATED", "createdAt"),
];

/// A table row of a Garoon request (typed fields, for people).
fn garoon_row(request: &omflow_garoon::model::WorkflowRequest) -> Value {
    serde_json::json!({
        "id": request.id(),
        "number": request.number(),
        "status": request.status().map(|s| s.kind.as_str().to_string()),
        "name": request.name(),
        "applicant": request.applicant().and_then(|a| a.name.clone()),
        "createdAt": request.created_at().map(|t| t.raw.clone()),
    })
}

/// Prints Garoon requests: a table from the typed view, JSON exactly as Garoon sent it.
fn emit_garoon(
    format: Format,
    requests: &[omflow_garoon::model::WorkflowRequest],
) -> Result<(), Failure> {
    if format == Format::Table {
        let rows: Vec<Value> = requests.iter().map(garoon_row).collect();
        return emit(format, &rows, &columns_of(&GAROON_COLUMNS, &[]));
    }
    let texts: Vec<String> = requests.iter().map(|r| r.to_json().to_text()).collect();
    let text = match format {
        Format::Ndjson => texts.join("\n"),
        _ => format!("[{}]", texts.join(",")),
    };
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => other.map_err(|e| Failure::Operation(Box::new(e))),
    }
}

async fn garoon(args: &GaroonArgs) -> Result<ExitCode, Failure> {
    use omflow_garoon::client::GaroonClient;
    use omflow_garoon::model::StatusType;
    let fail = |e: omflow_garoon::client::GaroonError| Failure::Operation(Box::new(e));
    let (client, _fake) = match &args.garoon_url {
        Some(url) => {
            let builder = GaroonClient::builder(url.clone());
            let builder = match (&args.garoon_token, &args.garoon_user, &args.garoon_password) {
                (Some(token), _, _) => builder.oauth(token.clone()),
                (None, Some(user), Some(password)) => builder.password(user.clone(), password.clone()),
                _ => return Err(usage("Garoon needs --garoon-token, or --garoon-user with --garoon-password (or GAROON_* variables)")),
            };
            (builder.build().map_err(|e| usage(e.to_string()))?, None)
        }
        None => {
            let fake = FakeOmflow::start_with(Seed::demo())
                .await
                .map_err(|e| Failure::Operation(Box::new(e)))?;
            eprintln!("omflow: no GAROON_URL set; using the embedded fake server's Garoon demo data at {} as user admin", fake.garoon_uri());
            (
                GaroonClient::builder(fake.garoon_uri())
                    .password("admin", "admin")
                    .build()
                    .map_err(|e| usage(e.to_string()))?,
                Some(fake),
            )
        }
    };
    match &args.command {
        GaroonCommand::Requests {
            status,
            form,
            newest_first,
            output: format,
        } => {
            let mut statuses = Vec::new();
            for token in status {
                statuses.push(StatusType::from_token(token).ok_or_else(|| usage(format!("unknown status {token:?}: use UNPROCESSING, IN_PROGRESS, SENT_BACK, APPROVED, REJECTED, WITHDRAWN, CANCELLED or COMPLETED")))?);
            }
            let mut query = client.requests().statuses(statuses);
            if let Some(form) = form {
                query = query.form(form.clone());
            }
            if *newest_first {
                query = query.newest_first();
            }
            let requests: Vec<_> = query.stream().try_collect().await.map_err(fail)?;
            emit_garoon(*format, &requests)?;
        }
        GaroonCommand::Request { id, output: format } => {
            let request = client.request(id).await.map_err(fail)?.value;
            if *format == Format::Json {
                // One request: the object itself, exactly as sent.
                say_raw(&request.to_json().to_text());
            } else {
                emit_garoon(*format, std::slice::from_ref(&request))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

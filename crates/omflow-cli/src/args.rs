//! The command line's arguments (clap).

use crate::expr;
use crate::failure::{usage, Failure};
pub(crate) use crate::garoon_args::{
    GaroonArgs, GaroonCommand, GaroonHandleArgs, GaroonPeriodArgs,
};
use crate::grammar;
use crate::output::Format;
use crate::recording;
use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand};
use omflow_model::{Lang, QuickAction};

/// The OMFLOW command line.
#[derive(Debug, Parser)]
#[command(name = "omflow", version, about = "Work with an OMFLOW workflow server: missions, approvals, tickets.", after_help = expr::GRAMMAR)]
pub struct Cli {
    #[command(flatten)]
    pub(crate) connection: Connection,
    #[command(subcommand)]
    pub(crate) command: Command,
}

impl Cli {
    /// Parses the process's arguments as [`command`] defines them; on a usage error, prints
    /// it and exits 2 (help and version exit 0).
    #[must_use]
    pub fn parse_args() -> Self {
        Self::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit())
    }

    /// Parses `args` (the program name first) as [`command`] defines them.
    ///
    /// # Errors
    /// A usage error, or the request for help or the version, as clap reports them.
    pub fn try_parse_args<I, T>(args: I) -> Result<Self, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        let mut matches = command().try_get_matches_from(args)?;
        refuse_root_connection_flags(&matches)?;
        Self::from_arg_matches_mut(&mut matches)
    }
}

/// The connection options, by clap id and flag: every command that talks to an OMFLOW
/// server as a user takes them; the others ([`NOT_CONNECTING`]) do not show or accept them.
const CONNECTION_FLAGS: [(&str, &str, &str); 6] = [
    ("url", "url", "URL"),
    ("user", "user", "USER"),
    ("password", "password", "PASSWORD"),
    ("password_file", "password-file", "PASSWORD_FILE"),
    ("lang", "lang", "LANG"),
    ("timeout", "timeout", "SECONDS"),
];

/// Whether command `name` refuses connection option `id` (`garoon` takes `--timeout`).
fn takes_no(name: &str, id: &str) -> bool {
    !(name == "garoon" && id == "timeout")
}

/// The commands that log in to no OMFLOW server, and what they use instead.
const NOT_CONNECTING: [(&str, &str); 5] = [
    ("mock", "it serves at --addr with the seed's users"),
    (
        "record",
        "it forwards to --upstream URL, and the clients pointed at it log in themselves",
    ),
    (
        "replay",
        "it replays against --against URL or a fresh fake (--fake SEED), with --login USER=PASSWORD for the recorded logins",
    ),
    (
        "garoon",
        "it reads Garoon: --garoon-url, --garoon-user, --garoon-password or --garoon-token (or GAROON_URL and the rest)",
    ),
    ("completions", "it only prints a script"),
];

/// The command line as clap sees it: [`Cli`]'s definition, with the connection options kept
/// out of the commands that do not connect (their help does not list them; given anyway,
/// they are a usage error saying what the command uses instead). `--help`, the completion
/// scripts and the man page are all built from this.
#[must_use]
pub fn command() -> clap::Command {
    NOT_CONNECTING
        .iter()
        .fold(Cli::command(), |cli, &(name, instead)| {
            cli.mut_subcommand(name, |sub| refusing_connection(sub, name, instead))
        })
}

/// `command` and each of its subcommands with hidden connection options that refuse any
/// value, saying what `omflow NAME` uses instead (a global option is not copied into a
/// command that has an option of the same id).
fn refusing_connection(
    command: clap::Command,
    name: &'static str,
    instead: &'static str,
) -> clap::Command {
    let names: Vec<String> = command
        .get_subcommands()
        .map(|sub| sub.get_name().to_owned())
        .collect();
    let command = names.iter().fold(command, |command, sub| {
        command.mut_subcommand(sub, |sub| refusing_connection(sub, name, instead))
    });
    CONNECTION_FLAGS
        .iter()
        .filter(|(id, _, _)| takes_no(name, id))
        .fold(command, |command, &(id, flag, value)| {
            command.arg(
                clap::Arg::new(id)
                    .long(flag)
                    .value_name(value)
                    .hide(true)
                    .value_parser(move |_: &str| {
                        Err::<String, _>(format!("omflow {name} takes no --{flag}: {instead}"))
                    }),
            )
        })
}

/// A connection option typed before a command that does not connect (`omflow --url X
/// completions bash`): a usage error, as it is after the command. One set in the
/// environment is no error: a shell keeps those for the other commands.
fn refuse_root_connection_flags(matches: &clap::ArgMatches) -> Result<(), clap::Error> {
    let Some((name, _)) = matches.subcommand() else {
        return Ok(());
    };
    let Some(&(name, instead)) = NOT_CONNECTING.iter().find(|(n, _)| *n == name) else {
        return Ok(());
    };
    match CONNECTION_FLAGS.iter().find(|(id, _, _)| {
        takes_no(name, id)
            && matches.value_source(id) == Some(clap::parser::ValueSource::CommandLine)
    }) {
        Some((_, flag, _)) => Err(command().error(
            clap::error::ErrorKind::ArgumentConflict,
            format!("omflow {name} takes no --{flag}: {instead}"),
        )),
        None => Ok(()),
    }
}

#[derive(Debug, Args)]
pub(crate) struct Connection {
    /// Server URL; without one, an embedded fake server with demo data is used.
    #[arg(long, env = "OMFLOW_URL", global = true)]
    pub(crate) url: Option<String>,
    /// Username.
    #[arg(long, env = "OMFLOW_USER", global = true)]
    pub(crate) user: Option<String>,
    /// Password (prefer OMFLOW_PASSWORD, --password-file or the prompt).
    #[arg(long, env = "OMFLOW_PASSWORD", global = true, hide_env_values = true)]
    pub(crate) password: Option<String>,
    /// Read the password from this file (first line).
    #[arg(long, global = true)]
    pub(crate) password_file: Option<std::path::PathBuf>,
    /// Language of server messages: zh-Hant, zh-Hans, en, ja (default: from LC_ALL,
    /// LC_MESSAGES or LANG; the server's own default for other locales).
    #[arg(long, global = true)]
    pub(crate) lang: Option<Lang>,
    /// Give up on the server after this many seconds per command step, retries included
    /// (default: 30 s per attempt, reads retried 3 times).
    #[arg(long, env = "OMFLOW_TIMEOUT", global = true, value_name = "SECONDS", value_parser = parse_seconds)]
    pub(crate) timeout: Option<std::time::Duration>,
    /// -v: each request (method, path, status, time) and the chain of causes of an error;
    /// -vv: everything the client logs. RUST_LOG (e.g. `omflow_client=debug`) chooses
    /// instead; secrets are never logged.
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// List my missions.
    #[command(after_help = concat!(grammar!(), "\n\nExamples:\n  omflow missions --where level=red --order -id --limit 20\n  omflow missions --where \"data_no>=10\" --output ndjson", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    Missions(MissionsArgs),
    /// Push a ticket with field values: the ticket is loaded as its assignee sees it, the
    /// values are typed from the stop's form and its other required fields are filled.
    #[command(after_help = concat!("Examples:\n  omflow push 任務單 2 --set FORMITM_4=dispatch_done\n  omflow push 任務單 7 --set 'FORMITM_5={\"group\":\"2\",\"user\":\"\"}' --wait 0", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    Push {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// The ticket's current data_id.
        #[arg(value_parser = row_number("data_id", "DATA_ID"))]
        data_id: u64,
        /// FORMITM_N=VALUE (JSON for objects such as h_group; a choice's label is taken for its
        /// value); repeatable, once per field.
        #[arg(long = "set", required = true)]
        set: Vec<String>,
        /// Send even what the checks refuse (a value the stop does not offer, a read-only
        /// field, a push no rule routes: the ticket is then stranded in the engine's error state).
        #[arg(long)]
        force: bool,
        /// Write this comment on the ticket first (after the checks pass, before the push).
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        wait: Wait,
        #[command(flatten)]
        report: crate::report::ReportArgs,
    },
    /// Run a stop's quick action (refused when the stop does not offer it).
    #[command(after_help = concat!("Example:\n  omflow quick-action 任務單 5 action1", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    QuickAction {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// The ticket's current data_id.
        #[arg(value_parser = row_number("data_id", "DATA_ID"))]
        data_id: u64,
        /// action1, action2, or the action's label as `missions` shows it (完成).
        action: String,
        /// Send even if the stop does not offer it (the server then pushes the ticket
        /// unchanged), or if the engine could not route what it writes.
        #[arg(long)]
        force: bool,
        /// Write this comment on the ticket first (after the checks pass).
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        wait: Wait,
        #[command(flatten)]
        report: crate::report::ReportArgs,
    },
    /// Add a comment (a work log entry) to a ticket: its assignee, or with the flow's Modify
    /// permission.
    #[command(after_help = "Example:\n  omflow comment 任務單 1 \"checked the printer\"")]
    Comment {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// The ticket's number (NO in `missions`).
        #[arg(value_parser = row_number("data_no", "NO"))]
        data_no: u64,
        /// The comment.
        text: String,
        #[command(flatten)]
        report: crate::report::ReportArgs,
    },
    /// A ticket's comments, oldest first: its assignee, its creator, or with View.
    #[command(after_help = "Example:\n  omflow comments 任務單 1 --output json")]
    Comments {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// The ticket's number (NO in `missions`).
        #[arg(value_parser = row_number("data_no", "NO"))]
        data_no: u64,
        /// table, wide (no cell cut), json or ndjson.
        #[arg(long, default_value = "table")]
        output: Format,
    },
    /// Where a ticket has been: the stops it passed (who, when, what was set), or the flow
    /// drawn with its path and current stop (`--format mermaid` or `dot`).
    #[command(
        after_help = "Examples:\n  omflow history 任務單 1\n  omflow history 任務單 1 --format dot | dot -Tsvg > ticket-1.svg"
    )]
    History {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// The ticket's number (NO in `missions`).
        #[arg(value_parser = row_number("data_no", "NO"))]
        data_no: u64,
        /// text, json, mermaid or dot.
        #[arg(long, default_value = "text")]
        format: HistoryFormat,
    },
    /// A ticket's attachments.
    #[command(subcommand)]
    Files(FilesCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    #[command(
        after_help = "Example:\n  omflow completions bash > ~/.local/share/bash-completion/completions/omflow"
    )]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// The groups a field can be assigned to.
    Groups {
        /// table, wide (no cell cut), json or ndjson.
        #[arg(long, default_value = "table")]
        output: Format,
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
    /// Cybozu Garoon workflow requests: read them (REST), and handle those waiting for you
    /// (SOAP: pending, approve, reject, send-back, confirm, withdraw, cancel, acknowledge).
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

impl Command {
    /// The usage mistakes that need no server (`--set` twice or malformed, `--wait` out of
    /// range, a malformed `--where`, `--limit 0`, a download's `--out` that exists), found
    /// before connecting or starting the demo server.
    pub(crate) fn check_before_connecting(&self) -> Result<(), Failure> {
        let (sets, wait): (&[String], Option<&Wait>) = match self {
            Command::Push { set, wait, .. } => (set, Some(wait)),
            Command::QuickAction { wait, .. } => (&[], Some(wait)),
            Command::Approve(args) => (&args.set, Some(&args.wait)),
            Command::Tickets(TicketsCommand::Create { set, wait, .. }) => (set, Some(wait)),
            _ => (&[], None),
        };
        crate::listing::sets(sets)?;
        if let Some(wait) = wait {
            wait.duration()?;
        }
        if let Command::Files(FilesCommand::Download { out: Some(out), .. }) = self {
            if out.as_os_str() != "-" && out.exists() {
                return Err(crate::failure::usage(format!(
                    "--out {}: it exists, and an existing file is never replaced",
                    out.display()
                )));
            }
        }
        match self {
            Command::Missions(args) => {
                crate::listing::list_query(&args.filters, &args.list).map(drop)
            }
            Command::Tickets(TicketsCommand::List { filters, list, .. }) => {
                crate::listing::list_query(filters, list).map(drop)
            }
            Command::Approve(args) => crate::listing::query_from(&args.filters).map(drop),
            _ => Ok(()),
        }
    }

    /// For a command that makes one write (a push, a quick action, a create), what that
    /// write is called ("pushed", "created"), so that a failure before it can say that nothing
    /// was.
    pub(crate) fn one_write(&self) -> Option<&'static str> {
        match self {
            Command::Push { .. } | Command::QuickAction { .. } => Some("pushed"),
            Command::Tickets(TicketsCommand::Create { .. }) => Some("created"),
            _ => None,
        }
    }

    /// The flow the command names, as typed (for messages about it).
    pub(crate) fn flow_arg(&self) -> Option<&str> {
        match self {
            Command::Push { flow, .. }
            | Command::QuickAction { flow, .. }
            | Command::Comment { flow, .. }
            | Command::Comments { flow, .. }
            | Command::History { flow, .. }
            | Command::Tickets(
                TicketsCommand::List { flow, .. }
                | TicketsCommand::Create { flow, .. }
                | TicketsCommand::Delete { flow, .. },
            )
            | Command::Files(
                FilesCommand::List { flow, .. }
                | FilesCommand::Upload { flow, .. }
                | FilesCommand::Download { flow, .. },
            ) => Some(flow),
            Command::Approve(args) => Some(&args.flow),
            _ => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub(crate) enum SeedCommand {
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
pub(crate) struct Filters {
    /// Keep rows matching EXPR (repeatable, all must hold).
    #[arg(long = "where", value_name = "EXPR")]
    pub(crate) filters: Vec<String>,
    /// Drop rows matching all --exclude EXPRs together (repeatable).
    #[arg(long = "exclude", value_name = "EXPR")]
    pub(crate) excludes: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct MissionsArgs {
    #[command(flatten)]
    pub(crate) filters: Filters,
    #[command(flatten)]
    pub(crate) list: ListArgs,
}

/// Order, projection, paging and format of a list.
#[derive(Debug, Args)]
pub(crate) struct ListArgs {
    /// Sort by COL, or -COL for descending (repeatable).
    #[arg(long = "order", value_name = "COL", allow_hyphen_values = true)]
    pub(crate) order: Vec<String>,
    /// Only these columns (comma-separated).
    #[arg(long, value_delimiter = ',')]
    pub(crate) columns: Vec<String>,
    /// At most N rows (one request); says on stderr when more match. Without it, every row.
    #[arg(long, conflicts_with = "all")]
    pub(crate) limit: Option<u64>,
    /// Every row, page after page (the default).
    #[arg(long)]
    pub(crate) all: bool,
    /// Rows per request when listing every row (default 100).
    #[arg(long, conflicts_with = "limit")]
    pub(crate) page_size: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub(crate) output: Format,
}

#[derive(Debug, Args)]
pub(crate) struct Wait {
    /// Seconds to wait for the engine to move the ticket on and report where it went (0: do
    /// not wait).
    #[arg(
        long = "wait",
        value_name = "SECONDS",
        default_value_t = 10.0,
        allow_negative_numbers = true
    )]
    pub(crate) seconds: f64,
}

impl Wait {
    pub(crate) fn duration(&self) -> Result<Option<std::time::Duration>, Failure> {
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
pub(crate) struct ApproveArgs {
    /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
    #[arg(long, value_parser = non_empty_flow)]
    pub(crate) flow: String,
    #[command(flatten)]
    pub(crate) filters: Filters,
    /// FORMITM_N=VALUE to push with (repeatable).
    #[arg(
        long = "set",
        conflicts_with = "quick_action",
        required_unless_present = "quick_action"
    )]
    pub(crate) set: Vec<String>,
    /// Quick action to run instead of a push.
    #[arg(long)]
    pub(crate) quick_action: Option<QuickAction>,
    /// Tickets pushed at once (1 or more).
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(1..))]
    pub(crate) concurrency: u16,
    /// Check every ticket as the run would (its stop's form, where the push would take it)
    /// and print the verdicts; send nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Send even what the checks refuse (tickets no rule routes are then stranded).
    #[arg(long)]
    pub(crate) force: bool,
    /// Write this comment on each ticket before its push.
    #[arg(long)]
    pub(crate) comment: Option<String>,
    #[command(flatten)]
    pub(crate) wait: Wait,
    #[command(flatten)]
    pub(crate) report: crate::report::ReportArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum TicketsCommand {
    /// List a flow's tickets (current rows unless --history); needs the flow's View
    /// permission. ERROR shows the engine's message for tickets in its error state.
    #[command(after_help = concat!(grammar!(), "\n\nExample:\n  omflow tickets list 任務單 --where closed=false --order -id --limit 20", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    List {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
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
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// FORMITM_N=VALUE (repeatable).
        #[arg(long = "set", required = true)]
        set: Vec<String>,
        /// Send even what the start form's checks refuse.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        wait: Wait,
        #[command(flatten)]
        report: crate::report::ReportArgs,
    },
    /// Delete tickets by number (all their rows and missions; not reversible). Every number
    /// is looked up first: if one does not exist, nothing is deleted.
    #[command(after_help = concat!("Example:\n  omflow tickets delete mission 7 8", "\n\nEnvironment: OMFLOW_URL, OMFLOW_USER, OMFLOW_PASSWORD (or --password-file, or a prompt), RUST_LOG. With none of them set, an embedded demo server answers (users admin/admin, alice/alice-pass)."))]
    Delete {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// Ticket numbers.
        #[arg(required = true)]
        data_nos: Vec<u64>,
        #[command(flatten)]
        report: crate::report::ReportArgs,
    },
}

#[derive(Debug, Subcommand)]
pub(crate) enum MockCommand {
    /// Run the fake server until interrupted (the same options as the `omflow-mock`
    /// binary).
    Serve(omflow_mock::serve::ServeArgs),
}

/// How `omflow history` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum HistoryFormat {
    /// A readable timeline.
    Text,
    /// The flow log and the history rows as JSON.
    Json,
    /// The flow as a Mermaid flowchart, the path and current stop highlighted.
    Mermaid,
    /// The flow as Graphviz dot, the path and current stop highlighted.
    Dot,
}

#[derive(Debug, Subcommand)]
pub(crate) enum FilesCommand {
    /// List a ticket's attachments (newest first).
    List {
        /// The flow: its name, its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// The ticket's number.
        #[arg(value_parser = row_number("data_no", "NO"))]
        data_no: u64,
        /// table, wide (no cell cut), json or ndjson.
        #[arg(long, default_value = "table")]
        output: Format,
    },
    /// Upload files to a ticket's current row (a file of the same name is replaced).
    Upload {
        /// The flow: its name, its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// The ticket's number.
        #[arg(value_parser = row_number("data_no", "NO"))]
        data_no: u64,
        /// The files.
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        #[command(flatten)]
        report: crate::report::ReportArgs,
    },
    /// Download an attachment by its name.
    #[command(
        after_help = "Example:\n  omflow files download 任務單 1 report.pdf --out /tmp/report.pdf"
    )]
    Download {
        /// The flow: its name, its uuid, or its api_path.
        #[arg(value_parser = non_empty_flow)]
        flow: String,
        /// The ticket's number.
        #[arg(value_parser = row_number("data_no", "NO"))]
        data_no: u64,
        /// The attachment's name (as `files list` shows it).
        name: String,
        /// Where to write it (default: its name in the current directory; never replaced).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
    },
}

/// Seconds, more than zero (fractions allowed).
fn parse_seconds(text: &str) -> Result<std::time::Duration, String> {
    let seconds: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a number of seconds (from --timeout, or OMFLOW_TIMEOUT when the flag is not given)"))?;
    if !(seconds > 0.0 && seconds.is_finite() && seconds < 86_400.0) {
        return Err(format!("{text}: give more than 0 and less than a day (from --timeout, or OMFLOW_TIMEOUT when the flag is not given)"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

/// A flow argument: anything but empty (an empty name matches no flow and is no api_path).
fn non_empty_flow(text: &str) -> Result<String, String> {
    if text.trim().is_empty() {
        return Err("the flow is empty: give its name as `omflow missions` shows it, its uuid or its api_path".into());
    }
    Ok(text.to_owned())
}

/// A parser for a ticket's number or row id that says, for anything but a whole number, what
/// it is and where `omflow missions` shows it (column `column`).
fn row_number(
    what: &'static str,
    column: &'static str,
) -> impl Fn(&str) -> Result<u64, String> + Clone + Send + Sync + 'static {
    move |text: &str| {
        text.trim().parse::<u64>().map_err(|_| {
            format!("a {what} is a whole number, as `omflow missions` shows it in column {column}")
        })
    }
}

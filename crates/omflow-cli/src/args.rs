//! The command line's arguments (clap).

use crate::expr;
use crate::failure::{usage, Failure};
use crate::grammar;
use crate::output::Format;
use crate::recording;
use clap::{Args, Parser, Subcommand};
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
        /// Write this comment on the ticket first (after the checks pass, before the push).
        #[arg(long)]
        comment: Option<String>,
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
        /// Write this comment on the ticket first (after the checks pass).
        #[arg(long)]
        comment: Option<String>,
        #[command(flatten)]
        wait: Wait,
    },
    /// Add a comment (a work log entry) to a ticket: its assignee, or with the flow's Modify
    /// permission.
    #[command(after_help = "Example:\n  omflow comment 任務單 1 \"checked the printer\"")]
    Comment {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        flow: String,
        /// The ticket's number (NO in `missions`).
        data_no: u64,
        /// The comment.
        text: String,
    },
    /// A ticket's comments, oldest first: its assignee, its creator, or with View.
    #[command(after_help = "Example:\n  omflow comments 任務單 1 --output json")]
    Comments {
        /// The flow: its name (as `missions` shows it), its uuid, or its api_path.
        flow: String,
        /// The ticket's number (NO in `missions`).
        data_no: u64,
        /// table, json or ndjson.
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
        flow: String,
        /// The ticket's number (NO in `missions`).
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
        /// table, json or ndjson.
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
pub(crate) struct GaroonArgs {
    /// Garoon root (https://SUB.cybozu.com/g); without one, the embedded fake's demo data.
    #[arg(long, env = "GAROON_URL")]
    pub(crate) garoon_url: Option<String>,
    /// Garoon login name (password authentication).
    #[arg(long, env = "GAROON_USER")]
    pub(crate) garoon_user: Option<String>,
    /// Garoon password.
    #[arg(long, env = "GAROON_PASSWORD", hide_env_values = true)]
    pub(crate) garoon_password: Option<String>,
    /// OAuth access token instead of a password.
    #[arg(long, env = "GAROON_TOKEN", hide_env_values = true)]
    pub(crate) garoon_token: Option<String>,
    #[command(subcommand)]
    pub(crate) command: GaroonCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum GaroonCommand {
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
    #[arg(long = "wait", value_name = "SECONDS", default_value_t = 10.0)]
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
    /// The flow: its uuid (with or without dashes) or its name.
    #[arg(long)]
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
}

#[derive(Debug, Subcommand)]
pub(crate) enum TicketsCommand {
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
        flow: String,
        /// The ticket's number.
        data_no: u64,
        /// table, json or ndjson.
        #[arg(long, default_value = "table")]
        output: Format,
    },
    /// Upload files to a ticket's current row (a file of the same name is replaced).
    Upload {
        /// The flow: its name, its uuid, or its api_path.
        flow: String,
        /// The ticket's number.
        data_no: u64,
        /// The files.
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
    },
    /// Download an attachment by its name.
    #[command(
        after_help = "Example:\n  omflow files download 任務單 1 report.pdf --out /tmp/report.pdf"
    )]
    Download {
        /// The flow: its name, its uuid, or its api_path.
        flow: String,
        /// The ticket's number.
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
        .map_err(|_| format!("{text:?} is not a number of seconds"))?;
    if !(seconds > 0.0 && seconds.is_finite() && seconds < 86_400.0) {
        return Err(format!("{text}: give more than 0 and less than a day"));
    }
    Ok(std::time::Duration::from_secs_f64(seconds))
}

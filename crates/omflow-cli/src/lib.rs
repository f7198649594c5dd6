//! # omflow-cli
//!
//! The `omflow` command: what the official sample scripts do (list my missions, approve the
//! ones of a flow) and more. With no server configured it starts the embedded fake server
//! with demo data, so a newcomer can try it at once.
//!
//! The crate's modules: `args` (clap), `session` (logging, the server, the client),
//! `failure` (errors in the command line's words), `listing` (queries, columns, tables),
//! and one module per command under `commands`. Which flow and row a command names is the
//! client's job (`Client::flow` with a `FlowRef`).

mod args;
mod commands;
pub mod expr;
mod failure;
mod garoon_args;
mod listing;
pub mod output;
pub mod recording;
mod report;
mod seed_apps;
pub mod seed_reader;
mod session;

pub use args::{command, Cli};
pub(crate) use failure::one_line;
pub use failure::Failure;

use args::{Command, FilesCommand, MockCommand, SeedCommand, TicketsCommand};
use failure::usage;
use omflow_client::Chain;
use session::{connect, init_tracing};
use std::process::ExitCode;

/// Runs the command line; returns the process exit code.
pub async fn run(cli: Cli) -> ExitCode {
    let verbose = cli.connection.verbose;
    init_tracing(verbose);
    let server = cli.connection.url.clone();
    let flow = cli.command.flow_arg().map(str::to_owned);
    let one_write = cli.command.one_write();
    match execute(cli).await {
        Ok(code) => match listing::stdout_failure() {
            Some(why) => {
                eprintln!("error: cannot write to stdout: {why} (what was done is done; its report is lost)");
                ExitCode::from(1)
            }
            None => code,
        },
        Err(Failure::Usage(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
        Err(Failure::Operation(err)) => {
            // In the user's words first; -v adds the library's own, with every cause.
            let line = failure::one_line_for(err.as_ref(), flow.as_deref());
            eprintln!(
                "error: {line}{}{}",
                failure::where_(err.as_ref(), server.as_deref()),
                failure::nothing_written(err.as_ref(), one_write)
            );
            if verbose > 0 {
                eprintln!("  in full: {}", Chain(err.as_ref()));
            }
            ExitCode::from(1)
        }
    }
}

/// The `omflow(1)` man page (roff), built from the same definitions as `--help`
/// (`cargo xtask man` writes it to `target/man/omflow.1`).
///
/// # Errors
/// When rendering fails (it writes to memory only).
pub fn man_page() -> std::io::Result<Vec<u8>> {
    let mut page = Vec::new();
    clap_mangen::Man::new(command()).render(&mut page)?;
    Ok(page)
}

/// Runs one command: those that need no OMFLOW session first, then the rest on one.
async fn execute(cli: Cli) -> Result<ExitCode, Failure> {
    let command = match cli.command {
        Command::Mock(MockCommand::Serve(args)) => {
            return match omflow_mock::serve::serve(&args).await {
                Ok(()) => Ok(ExitCode::SUCCESS),
                Err(
                    e @ (omflow_mock::serve::ServeError::Seed(_)
                    | omflow_mock::serve::ServeError::AppExportAsSeed { .. }),
                ) => Err(usage(e.to_string())),
                Err(e) => Err(Failure::Operation(Box::new(e))),
            }
        }
        Command::Garoon(args) => {
            return commands::garoon::garoon(&args, cli.connection.timeout).await
        }
        Command::Completions { shell } => {
            let mut command = command();
            // Into memory first: clap_complete panics on a closed pipe (`| head`).
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut command, "omflow", &mut script);
            listing::write_stdout(&script)?;
            return Ok(ExitCode::SUCCESS);
        }
        Command::Record(args) => return recording::record(&args).await,
        Command::Replay(args) => return recording::replay(&args).await,
        other => other,
    };
    command.check_before_connecting()?;
    let session = connect(&cli.connection).await?;
    on_session(command, &session).await
}

/// Runs a command that works on an OMFLOW session.
async fn on_session(command: Command, session: &session::Session) -> Result<ExitCode, Failure> {
    let client = &session.client;
    match command {
        Command::Missions(args) => commands::missions::run(client, args).await?,
        Command::Push {
            flow,
            data_id,
            set,
            force,
            comment,
            wait,
            report,
        } => {
            let how = commands::push::How::new(force, comment, wait, report.format);
            return commands::push::push(client, &flow, data_id, &set, &how).await;
        }
        Command::QuickAction {
            flow,
            data_id,
            action,
            force,
            comment,
            wait,
            report,
        } => {
            let how = commands::push::How::new(force, comment, wait, report.format);
            return commands::push::quick_action(client, &flow, data_id, &action, &how).await;
        }
        Command::Comment {
            flow,
            data_no,
            text,
            report,
        } => commands::desk::comment(client, &flow, data_no, &text, report.format).await?,
        Command::Comments {
            flow,
            data_no,
            output,
        } => commands::desk::comments(client, &flow, data_no, output).await?,
        Command::Groups { output } => commands::desk::groups(client, output).await?,
        Command::Files(FilesCommand::List {
            flow,
            data_no,
            output,
        }) => commands::files::list(client, &flow, data_no, output).await?,
        Command::Files(FilesCommand::Upload {
            flow,
            data_no,
            paths,
            report,
        }) => commands::files::upload(client, &flow, data_no, &paths, report.format).await?,
        Command::Files(FilesCommand::Download {
            flow,
            data_no,
            name,
            out,
        }) => commands::files::download(client, &flow, data_no, &name, out).await?,
        Command::History {
            flow,
            data_no,
            format,
        } => commands::desk::history(client, &flow, data_no, format).await?,
        Command::Approve(args) => return commands::approve::approve(client, args).await,
        Command::Tickets(TicketsCommand::List {
            flow,
            filters,
            history,
            list,
        }) => commands::tickets::list(client, &flow, &filters, history, &list).await?,
        Command::Tickets(TicketsCommand::Create {
            flow,
            set,
            force,
            wait,
            report,
        }) => {
            return commands::tickets::create(client, &flow, &set, force, &wait, report.format)
                .await
        }
        Command::Tickets(TicketsCommand::Delete {
            flow,
            data_nos,
            report,
        }) => {
            commands::tickets::delete(client, &flow, &data_nos, report.format).await?;
        }
        Command::Seed(SeedCommand::FromServer { out, force }) => {
            commands::seed::from_server(session, &out, force).await?;
        }
        Command::Mock(_)
        | Command::Garoon(_)
        | Command::Record(_)
        | Command::Replay(_)
        | Command::Completions { .. } => {
            unreachable!("handled above")
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! The connection: logging, the server (or the embedded demo) and the client.

use crate::args::Connection;
use crate::failure::{usage, Failure};
use omflow_client::Client;
use omflow_mock::{FakeOmflow, Seed};
use std::io::IsTerminal;

/// Logs to stderr when `-v` or `RUST_LOG` asks for it.
pub(crate) fn init_tracing(verbose: u8) {
    use tracing_subscriber::EnvFilter;
    let (filter, plain) = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => (EnvFilter::new(spec), false),
        _ => match verbose {
            // Retries, said as they happen.
            0 => (EnvFilter::new("omflow_transport=warn"), true),
            1 => (
                EnvFilter::new("omflow_client=debug,omflow_transport=debug,omflow_cli=debug"),
                false,
            ),
            _ => (
                EnvFilter::new("omflow_client=trace,omflow_transport=trace,omflow_cli=trace"),
                false,
            ),
        },
    };
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(false);
    let _ = if plain {
        builder
            .without_time()
            .with_target(false)
            .with_level(false)
            .try_init()
    } else {
        builder.try_init()
    };
}

pub(crate) struct Session {
    pub(crate) client: Client,
    pub(crate) user: String,
    _fake: Option<FakeOmflow>,
}

pub(crate) async fn connect(connection: &Connection) -> Result<Session, Failure> {
    let (url, user, password, fake) = match &connection.url {
        Some(url) => {
            let user = connection
                .user
                .clone()
                .ok_or_else(|| usage("--user (or OMFLOW_USER) is required with --url"))?;
            // An explicit --password-file beats OMFLOW_PASSWORD from the environment.
            let flag_password = connection
                .password
                .as_ref()
                .filter(|p| std::env::var("OMFLOW_PASSWORD").ok().as_ref() != Some(*p));
            if flag_password.is_some() && connection.password_file.is_some() {
                return Err(usage("give either --password or --password-file, not both"));
            }
            let password = match (&connection.password, &connection.password_file) {
                (_, Some(path)) => {
                    let first = std::fs::read_to_string(path)
                        .map_err(|e| usage(format!("cannot read --password-file {}: {e}", path.display())))?
                        .lines()
                        .next()
                        .unwrap_or("")
                        .to_string();
                    if first.is_empty() {
                        return Err(usage(format!(
                            "--password-file {}: its first line is empty",
                            path.display()
                        )));
                    }
                    first
                }
                (Some(p), None) => p.clone(),
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
    if let Some(limit) = connection.timeout {
        // The whole step within the limit; each attempt a quarter of it, so that retries fit.
        builder = builder
            .operation_timeout(Some(limit))
            .timeout(Some(limit / 4));
    }
    if let Some(lang) = connection.lang.or_else(locale_lang) {
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

/// The language the user's locale asks for (`LC_ALL`, then `LC_MESSAGES`, then `LANG`, as
/// POSIX orders them); `--lang` overrides it.
fn locale_lang() -> Option<omflow_model::Lang> {
    ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .and_then(|locale| omflow_model::Lang::from_locale(&locale))
}

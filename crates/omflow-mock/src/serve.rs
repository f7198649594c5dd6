//! The options of a standalone fake, shared by the `omflow-mock` binary and `omflow mock
//! serve` (feature `cli`), so both take the same flags with the same defaults.

use crate::{FakeOmflow, Seed};

/// How to run a standalone fake.
#[derive(Debug, Clone, clap::Args)]
#[command(
    after_help = "The demo seed's users: admin/admin (superuser), alice/alice-pass (an ordinary approver in the assigned group) and boss/boss-pass (in no group). Garoon is served under /g: alice has requests waiting for her, boss one before her, and one she applied for; alice is boss's proxy approver (Garoon user 9).\n\nExample: omflow-mock --addr 127.0.0.1:8000 --seed demo, then OMFLOW_URL=http://127.0.0.1:8000 OMFLOW_USER=alice OMFLOW_PASSWORD=alice-pass omflow missions\n         GAROON_URL=http://127.0.0.1:8000/g GAROON_USER=alice GAROON_PASSWORD=alice-pass omflow garoon pending"
)]
pub struct ServeArgs {
    /// Address to listen on (HOST:PORT).
    #[arg(long, default_value = "127.0.0.1:8000", value_parser = parse_addr)]
    pub addr: String,
    /// `pristine`, `demo`, or a seed JSON file.
    #[arg(long, default_value = "demo", value_parser = parse_seed)]
    pub seed: String,
    /// Delay the engine after each create/push by this many milliseconds.
    #[arg(long, default_value_t = 0)]
    pub engine_delay_ms: u64,
    /// Delay every answer by this many milliseconds (a slow network or server).
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// An app export file (what a real server's flow-active-app/export/ answers): its flows
    /// are served as deployed, with the permissions they grant the seed's groups; repeatable.
    #[arg(long = "app", value_name = "FILE", value_parser = parse_app_file)]
    pub apps: Vec<std::path::PathBuf>,
    /// USER=PASSWORD: give the seed's user this password (a seed read by `omflow seed
    /// from-server` has none, so no one could log in); repeatable.
    #[arg(long = "login", value_name = "USER=PASSWORD", value_parser = Login::parse)]
    pub logins: Vec<Login>,
}

/// `--addr`: a HOST:PORT that resolves (a usage error otherwise, before anything starts).
fn parse_addr(text: &str) -> Result<String, String> {
    use std::net::ToSocketAddrs;
    match text.to_socket_addrs().map(|mut addrs| addrs.next()) {
        Ok(Some(_)) => Ok(text.to_owned()),
        Ok(None) => Err("it names no address; give HOST:PORT such as 127.0.0.1:8000".into()),
        Err(e) => Err(format!("{e}; give HOST:PORT such as 127.0.0.1:8000")),
    }
}

/// `--seed`: a built-in name or a file that exists (a usage error otherwise).
fn parse_seed(text: &str) -> Result<String, String> {
    if matches!(text, "pristine" | "demo") || std::path::Path::new(text).is_file() {
        return Ok(text.to_owned());
    }
    if let Some(inside) = folder_listing(std::path::Path::new(text)) {
        return Err(format!("it is a folder; give one seed JSON file{inside}"));
    }
    Err(match text.to_ascii_lowercase().as_str() {
        lower @ ("pristine" | "demo") => {
            format!("no such file; the built-in seed is `{lower}`, in lower case")
        }
        _ => "no such file; give `pristine`, `demo` or a seed JSON file".to_owned(),
    })
}

/// `--app`: a file that exists (a usage error otherwise; its content is read at start).
fn parse_app_file(text: &str) -> Result<std::path::PathBuf, String> {
    let path = std::path::PathBuf::from(text);
    if path.is_file() {
        Ok(path)
    } else if let Some(inside) = folder_listing(&path) {
        Err(format!(
            "it is a folder; give each app export file with an --app of its own{inside}"
        ))
    } else {
        Err("no such file; give an app export file (JSON)".into())
    }
}

/// For a folder, what JSON files it holds (`None` when `path` is no folder), as the end of
/// a usage message: ` (it holds a.json, b.json)`.
fn folder_listing(path: &std::path::Path) -> Option<String> {
    if !path.is_dir() {
        return None;
    }
    let mut names: Vec<String> = std::fs::read_dir(path)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|name| name.ends_with(".json"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    Some(match names.len() {
        0 => " (it holds no .json file)".to_owned(),
        1..=6 => format!(" (it holds {})", names.join(", ")),
        n => format!(" (it holds {}, and {} more)", names[..5].join(", "), n - 5),
    })
}

/// Adds the apps of export file `path` to `seed`.
///
/// # Errors
/// [`crate::SeedError`]: the file cannot be read, is not JSON, or cannot be loaded.
pub fn add_app_file(seed: &mut Seed, path: &std::path::Path) -> Result<(), crate::SeedError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| crate::SeedError::Io {
        path: shown.clone(),
        source,
    })?;
    let export: serde_json::Value =
        serde_json::from_str(&text).map_err(|error| crate::SeedError::App {
            path: Some(shown.clone()),
            error: crate::apps::AppError::NotAnExport(format!("not JSON: {error}")),
        })?;
    seed.add_app(&export)
        .map_err(|error| crate::SeedError::App {
            path: Some(shown),
            error,
        })
}

/// A `--login USER=PASSWORD`; its `Debug` never shows the password.
#[derive(Clone)]
pub struct Login {
    /// The username.
    pub user: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("user", &self.user)
            .field("password", &"<redacted>")
            .finish()
    }
}

impl Login {
    /// `USER=PASSWORD` (the password may hold `=`; the user may not be empty).
    ///
    /// # Errors
    /// A message saying how to write it.
    pub fn parse(text: &str) -> Result<Login, String> {
        match text.split_once('=') {
            Some((user, password)) if !user.is_empty() => Ok(Login {
                user: user.to_string(),
                password: password.to_string(),
            }),
            _ => Err("write it as USER=PASSWORD".into()),
        }
    }
}

/// Why a standalone fake could not run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The seed could not be read.
    #[error(transparent)]
    Seed(#[from] crate::SeedError),
    /// The file given as the seed is an app export.
    #[error("{path} is an app export, not a seed: give it with --app {path} (beside --seed demo or --seed pristine)")]
    AppExportAsSeed {
        /// The file.
        path: String,
    },
    /// The server could not start.
    #[error(transparent)]
    Start(#[from] crate::StartError),
    /// Ctrl-C cannot be listened for.
    #[error("cannot listen for Ctrl-C: {0}")]
    Signal(#[from] std::io::Error),
}

/// Starts the fake, prints `listening on URL` (one line, flushed), and serves until Ctrl-C.
///
/// # Errors
/// [`ServeError`] for an unreadable seed, an address that cannot be bound, or no Ctrl-C handler.
pub async fn serve(args: &ServeArgs) -> Result<(), ServeError> {
    use std::io::Write;
    let mut seed = Seed::load(&args.seed).map_err(|error| match error {
        crate::SeedError::AppExportAsSeed { path } => ServeError::AppExportAsSeed { path },
        other => other.into(),
    })?;
    for app in &args.apps {
        add_app_file(&mut seed, app)?;
    }
    for login in &args.logins {
        let user = seed
            .users
            .iter_mut()
            .find(|u| u.username == login.user)
            .ok_or_else(|| {
                crate::SeedError::Invalid(format!(
                    "--login {}: the seed {} has no such user",
                    login.user, args.seed
                ))
            })?;
        user.password = Some(login.password.clone());
    }
    let mut interrupt = Interrupt::listen()?;
    let mut builder = FakeOmflow::builder();
    if let Some(python) = crate::python::PythonRunner::find_python3() {
        builder = builder.python_interpreter(python);
    }
    let fake = builder
        .seed(seed)
        .addr(&args.addr)
        .engine_delay_ms(args.engine_delay_ms)
        .latency(std::time::Duration::from_millis(args.latency_ms))
        .start_standalone()
        .await?;
    println!("listening on {}", fake.uri());
    std::io::stdout().flush().ok();
    interrupt.recv().await;
    Ok(())
}

/// Ctrl-C (SIGINT), listened for from the moment it is made.
///
/// `tokio::signal::ctrl_c()` installs its handler only when first polled, so a Ctrl-C that
/// arrives between printing `listening on` and awaiting it would kill the process with no
/// chance to flush. Make one of these before announcing anything.
#[derive(Debug)]
pub struct Interrupt {
    #[cfg(unix)]
    signal: tokio::signal::unix::Signal,
    #[cfg(windows)]
    signal: tokio::signal::windows::CtrlC,
}

impl Interrupt {
    /// Installs the handler now.
    ///
    /// # Errors
    /// When the process cannot listen for the signal.
    pub fn listen() -> std::io::Result<Self> {
        #[cfg(unix)]
        let signal = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::interrupt())?;
        #[cfg(windows)]
        let signal = tokio::signal::windows::ctrl_c()?;
        Ok(Self { signal })
    }

    /// Waits for the next Ctrl-C.
    pub async fn recv(&mut self) {
        self.signal.recv().await;
    }
}

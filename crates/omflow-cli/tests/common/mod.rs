//! Shared by the end-to-end tests: the binary with a clean environment, and standalone fakes.
#![allow(dead_code)]

use assert_cmd::Command;
use std::io::{BufRead, BufReader};
use std::process::{Child, Stdio};

/// The built `omflow` with no server setting, timeout or locale inherited from the
/// environment (the server answers in its own default language).
pub fn omflow() -> Command {
    let mut cmd = Command::cargo_bin("omflow").unwrap();
    for var in [
        "OMFLOW_URL",
        "OMFLOW_USER",
        "OMFLOW_PASSWORD",
        "OMFLOW_TIMEOUT",
        "LC_ALL",
        "LC_MESSAGES",
        "LANG",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

pub struct Server {
    pub child: Child,
    pub url: String,
}

impl Server {
    /// Stops the process as Ctrl-C does (SIGINT) and waits for it to exit.
    #[cfg(unix)]
    pub fn interrupt(&mut self) -> std::process::ExitStatus {
        interrupt(&self.child);
        self.child.wait().expect("the process exits")
    }
}

/// Sends `child` SIGINT, as Ctrl-C in its terminal would, straight from this process.
#[cfg(unix)]
pub fn interrupt(child: &Child) {
    let pid = nix::unistd::Pid::from_raw(i32::try_from(child.id()).expect("a pid fits in i32"));
    nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGINT).expect("SIGINT is delivered");
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `omflow mock serve` on a free port with the demo seed.
pub fn standalone() -> Server {
    standalone_with(&[])
}

/// `omflow mock serve` on a free port with extra flags.
pub fn standalone_with(flags: &[&str]) -> Server {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .args(["mock", "serve", "--addr", "127.0.0.1:0"])
        .args(if flags.contains(&"--seed") {
            &[][..]
        } else {
            &["--seed", "demo"][..]
        })
        .args(flags)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    announced(child)
}

/// A child that prints `listening on URL` first (`omflow mock serve`, `omflow record`).
pub fn announced(mut child: Child) -> Server {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let url = line
        .trim()
        .strip_prefix("listening on ")
        .expect("announces its address")
        .to_string();
    Server { child, url }
}

/// As the demo superuser.
pub fn against(server: &Server) -> Command {
    as_user(server, "admin", "admin")
}

/// The demo seed's ordinary approver: a member of the assigned group, no View permission.
pub fn as_alice(server: &Server) -> Command {
    as_user(server, "alice", "alice-pass")
}

/// As any user of the server.
pub fn as_user(server: &Server, user: &str, password: &str) -> Command {
    let mut cmd = omflow();
    cmd.env("OMFLOW_URL", &server.url)
        .env("OMFLOW_USER", user)
        .env("OMFLOW_PASSWORD", password);
    cmd
}

/// A plain HTTP/1.0 GET over a TCP socket (no client library needed).
pub fn http_get(url: &str) -> serde_json::Value {
    use std::io::{Read, Write};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_once('/').unwrap();
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    write!(stream, "GET /{path} HTTP/1.0\r\nHost: {host}\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let body = text.split_once("\r\n\r\n").unwrap().1;
    serde_json::from_str(body).unwrap()
}

/// `omflow approve` as admin of the tickets at 任務單's first stop, one at a time, started in
/// the background with its output piped (for the Ctrl-C tests).
#[cfg(unix)]
pub fn approve_in_background(server: &Server) -> Child {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .env("OMFLOW_URL", &server.url)
        .env("OMFLOW_USER", "admin")
        .env("OMFLOW_PASSWORD", "admin")
        .args([
            "approve",
            "--flow",
            "任務單",
            "--where",
            "stop_uuid=FITEM_2",
        ])
        .args(["--set", "FORMITM_4=dispatch_done", "--concurrency", "1"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A plain HTTP/1.1 exchange (what a hand-written client sends), returning the JSON body.
pub fn raw(
    url: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> serde_json::Value {
    let host = url.trim_start_matches("http://");
    let mut stream = std::net::TcpStream::connect(host).unwrap();
    let mut request = format!("{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
    std::io::Write::write_all(&mut stream, request.as_bytes()).unwrap();
    let mut answer = String::new();
    std::io::Read::read_to_string(&mut stream, &mut answer).unwrap();
    let (_, body) = answer.split_once("\r\n\r\n").unwrap_or(("", ""));
    serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
}

/// `omflow record` in front of `upstream`, writing into `out`.
pub fn recorder(upstream: &Server, out: &std::path::Path) -> Server {
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .args([
            "record",
            "--upstream",
            &upstream.url,
            "--listen",
            "127.0.0.1:0",
            "--out",
        ])
        .arg(out)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    announced(child)
}

/// Asserts that a run of the command succeeded, showing its stderr when it did not.
#[track_caller]
pub fn succeeded(output: &std::process::Output) {
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

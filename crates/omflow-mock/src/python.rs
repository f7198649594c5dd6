//! Python stops. The real engine runs a python stop's `code` with `exec`, its globals the
//! stop's inputs (each a text, as the flow wrote it); afterwards it reads back each input's
//! name (`str()` of the value, `json.dumps` of a list or dict), and the stop's outputs take
//! flow values from those. An exception fails the ticket at the stop with the exception's
//! text as its message.
//!
//! The fake runs a stop by a handler a test registered for it, else in a Python interpreter
//! when one is configured (the standalone fake finds `python3`); with neither, a flow with a
//! python stop is refused when it is loaded.

use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A handler for a python stop: gets the stop's inputs (name → text) and returns the
/// variables after the code ran (only the inputs' names are read back), or the exception's
/// text.
pub type PythonHandler =
    Arc<dyn Fn(&Map<String, Value>) -> Result<Map<String, Value>, String> + Send + Sync>;

/// How the fake runs python stops: handlers by flow name and stop id, and an interpreter.
#[derive(Clone, Default)]
pub struct PythonRunner {
    handlers: BTreeMap<(String, String), PythonHandler>,
    interpreter: Option<PathBuf>,
}

impl std::fmt::Debug for PythonRunner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PythonRunner")
            .field("handlers", &self.handlers.keys().collect::<Vec<_>>())
            .field("interpreter", &self.interpreter)
            .finish()
    }
}

/// What the interpreter runs: the code with the inputs as its globals, the inputs read back.
/// What the code prints goes nowhere, as in the engine's worker; the answer is the last line.
const RUNNER: &str = r#"
import contextlib, io, json, sys
payload = json.load(sys.stdin)
names = list(payload["inputs"].keys())
scope = dict(payload["inputs"])
try:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        exec(compile(payload["code"], "", "exec"), scope)
    out = {}
    for name in names:
        value = scope[name]
        out[name] = json.dumps(value) if isinstance(value, (list, dict)) else str(value)
    answer = {"ok": out}
except BaseException as e:
    answer = {"error": e.__str__()}
sys.__stdout__.write("\n" + json.dumps(answer) + "\n")
"#;

impl PythonRunner {
    /// Runs stop `stop` of flow `flow` by `handler`.
    pub fn handler(&mut self, flow: &str, stop: &str, handler: PythonHandler) {
        self.handlers
            .insert((flow.to_string(), stop.to_string()), handler);
    }

    /// Runs stops without a handler in this interpreter.
    pub fn interpreter(&mut self, path: PathBuf) {
        self.interpreter = Some(path);
    }

    /// `python3` when it is on the PATH and runs.
    #[must_use]
    pub fn find_python3() -> Option<PathBuf> {
        let ok = std::process::Command::new("python3")
            .arg("-c")
            .arg("pass")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| PathBuf::from("python3"))
    }

    /// Whether stop `stop` of flow `flow` can be run.
    #[must_use]
    pub fn can_run(&self, flow: &str, stop: &str) -> bool {
        self.interpreter.is_some()
            || self
                .handlers
                .contains_key(&(flow.to_string(), stop.to_string()))
    }

    /// Runs the stop: the inputs' values after the code, as texts; or the exception's text.
    pub(crate) fn run(
        &self,
        flow: &str,
        stop: &str,
        code: &str,
        inputs: &Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        let variables = match self.handlers.get(&(flow.to_string(), stop.to_string())) {
            Some(handler) => handler(inputs)?,
            None => match &self.interpreter {
                Some(path) => return interpret(path, code, inputs),
                None => return Err(format!("the fake has no way to run python stop {stop}")),
            },
        };
        Ok(inputs
            .keys()
            .map(|name| {
                let value = variables.get(name).or(inputs.get(name));
                (name.clone(), Value::String(python_str(value)))
            })
            .collect())
    }
}

/// Python's `str()` of a value (`json.dumps` of a list or dict, as the engine writes them).
fn python_str(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => "None".into(),
        Some(Value::Bool(true)) => "True".into(),
        Some(Value::Bool(false)) => "False".into(),
        Some(Value::String(text)) => text.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(other) => crate::pyjson::dumps(other),
    }
}

/// How long a python stop's code may run in the interpreter (the fake's engine holds the
/// world meanwhile, as a request would).
const PYTHON_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(30);

/// The child's output once it exits, or `None` (and the child killed) after `limit`.
fn wait_at_most(
    mut child: std::process::Child,
    limit: std::time::Duration,
) -> std::io::Result<Option<std::process::Output>> {
    let deadline = std::time::Instant::now() + limit;
    loop {
        if child.try_wait()?.is_some() {
            return child.wait_with_output().map(Some);
        }
        if std::time::Instant::now() >= deadline {
            child.kill().ok();
            child.wait().ok();
            return Ok(None);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

fn interpret(
    path: &PathBuf,
    code: &str,
    inputs: &Map<String, Value>,
) -> Result<Map<String, Value>, String> {
    use std::io::Write;
    let payload = serde_json::json!({"code": code, "inputs": inputs}).to_string();
    let mut child = std::process::Command::new(path)
        .arg("-c")
        .arg(RUNNER)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run {}: {e}", path.display()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(payload.as_bytes())
            .map_err(|e| format!("cannot give {} the code: {e}", path.display()))?;
    }
    let output = wait_at_most(child, PYTHON_TIME_LIMIT)
        .map_err(|e| format!("{} failed: {e}", path.display()))?
        .ok_or_else(|| {
            format!(
                "the stop's code ran past {} s; the fake stopped it",
                PYTHON_TIME_LIMIT.as_secs()
            )
        })?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let last = stdout.lines().rev().find(|line| !line.trim().is_empty());
    let answer: Value = last
        .and_then(|line| serde_json::from_str(line).ok())
        .ok_or_else(|| {
            let stderr = String::from_utf8_lossy(&output.stderr);
            let said = stderr.trim();
            let said = if said.is_empty() {
                String::new()
            } else {
                format!(": {said}")
            };
            format!(
                "{} did not run the stop ({}){said}",
                path.display(),
                output.status
            )
        })?;
    match (&answer["ok"], &answer["error"]) {
        (Value::Object(out), _) => Ok(out.clone()),
        (_, Value::String(error)) => Err(error.clone()),
        _ => Err(format!("{} answered {answer}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn inputs() -> Map<String, Value> {
        json!({"amount": "12", "score": ""})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn a_handler_reads_back_only_the_inputs_as_texts() {
        let mut runner = PythonRunner::default();
        runner.handler(
            "採購單",
            "FITEM_4",
            Arc::new(|inputs| {
                let amount: i64 = inputs["amount"].as_str().unwrap().parse().unwrap();
                Ok(json!({"score": amount * 2, "other": 1})
                    .as_object()
                    .unwrap()
                    .clone())
            }),
        );
        assert!(runner.can_run("採購單", "FITEM_4"));
        assert!(!runner.can_run("採購單", "FITEM_5"));
        let out = runner.run("採購單", "FITEM_4", "", &inputs()).unwrap();
        assert_eq!(Value::Object(out), json!({"amount": "12", "score": "24"}));
    }

    #[test]
    fn the_interpreter_runs_the_code_as_the_engine_does() {
        let Some(python) = PythonRunner::find_python3() else {
            panic!("python3 is needed for this test (CI installs it)");
        };
        let mut runner = PythonRunner::default();
        runner.interpreter(python);
        let code = "score = int(amount) * 3\ntags = ['a', 'b']";
        let mut inputs = inputs();
        inputs.insert("tags".into(), json!(""));
        let out = runner.run("f", "FITEM_1", code, &inputs).unwrap();
        assert_eq!(out["score"], "36");
        assert_eq!(out["tags"], r#"["a", "b"]"#);
        let err = runner
            .run("f", "FITEM_1", "ratio = 100000 // 0", &inputs)
            .unwrap_err();
        assert_eq!(err, "integer division or modulo by zero");
        // Printing does nothing, as in the engine's worker.
        let printed = "print('hello')\nimport sys\nprint('x', file=sys.stderr)\nscore = 1";
        let out = runner.run("f", "FITEM_1", printed, &inputs).unwrap();
        assert_eq!(out["score"], "1");
        let exited = runner.run("f", "FITEM_1", "import sys\nsys.exit(3)", &inputs);
        assert_eq!(exited.unwrap_err(), "3");
    }
}

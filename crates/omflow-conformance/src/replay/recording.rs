//! A recording and its steps, loaded from a directory of step files and checked.

use super::{ReplayError, THE_PASSWORD};
use crate::format::Step;
use serde_json::Value;
use std::path::Path;

/// Whether a recorded request carries its `Authorization` header as sent (the corpora do;
/// `omflow record` keeps only the user).
pub(super) fn sends_its_header(request: &Value) -> bool {
    request["headers"]
        .as_object()
        .is_some_and(|h| h.keys().any(|k| k.eq_ignore_ascii_case("authorization")))
}

/// Whether a recorded login used the user's right password without keeping it: the replay
/// supplies it.
pub(super) fn password_to_supply(request: &Value) -> bool {
    matches!(
        request["basic_auth"]["password"].as_str(),
        None | Some(THE_PASSWORD)
    )
}

/// One step of a recording: an HTTP exchange or an out-of-band step (`reset`, `delete_user`).
#[derive(Debug, Clone)]
pub struct RecordedStep {
    /// The file name (or any label) the step is reported under.
    pub name: String,
    /// The step as recorded.
    pub raw: Value,
}

impl RecordedStep {
    /// The episode the step belongs to (the second corpus numbers them; others have none).
    #[must_use]
    pub fn episode(&self) -> Option<u64> {
        self.raw["episode"].as_u64()
    }

    pub(super) fn is_out_of_band(&self) -> bool {
        self.raw["kind"] == "out_of_band"
    }
}

/// An ordered recording.
#[derive(Debug, Clone, Default)]
pub struct Recording {
    /// The steps in the order they happened.
    pub steps: Vec<RecordedStep>,
    /// The directory it was read from: an `import_app` step's file is found against it,
    /// then its parent (the fixtures keep `apps/` beside `session/`).
    pub dir: Option<std::path::PathBuf>,
}

impl Recording {
    /// The users this recording creates (`user/add` requests), sorted.
    #[must_use]
    pub fn added_users(&self) -> Vec<String> {
        self.users(|request| {
            let adds = request["path"]
                .as_str()
                .is_some_and(|path| path.trim_end_matches('/').ends_with("/api/user/add"));
            adds.then(|| request["body"]["username"].as_str()).flatten()
        })
    }

    /// Every user this recording logs in as (Basic), in any form: with the password kept,
    /// kept out, or recorded as wrong; sorted.
    #[must_use]
    pub fn login_users(&self) -> Vec<String> {
        self.users(|request| request["basic_auth"]["user"].as_str())
    }

    /// The users this recording logs in as with their right password without keeping it
    /// (`omflow record` keeps only the user), sorted: a replay needs their passwords.
    #[must_use]
    pub fn logins_without_password(&self) -> Vec<String> {
        self.users(|request| {
            let user = request["basic_auth"]["user"].as_str()?;
            (password_to_supply(request) && !sends_its_header(request)).then_some(user)
        })
    }

    /// The users `pick` finds in the steps' requests, sorted, each once.
    fn users(&self, pick: impl Fn(&Value) -> Option<&str>) -> Vec<String> {
        let users: std::collections::BTreeSet<&str> = self
            .steps
            .iter()
            .filter_map(|step| pick(&step.raw["request"]))
            .collect();
        users.into_iter().map(str::to_string).collect()
    }

    /// Every `*.json` file of `dir`, in file-name order.
    ///
    /// # Errors
    /// [`ReplayError::Read`] when the directory or a file cannot be read,
    /// [`ReplayError::NotJson`] when a file is not JSON, [`ReplayError::NotAnExchange`] when
    /// it is JSON but no recorded step.
    pub fn load_dir(dir: &Path) -> Result<Recording, ReplayError> {
        let read = |source| ReplayError::Read {
            path: dir.to_path_buf(),
            source,
        };
        let mut paths = Vec::new();
        for entry in std::fs::read_dir(dir).map_err(read)? {
            let path = entry.map_err(read)?.path();
            if path.extension().is_some_and(|e| e == "json") {
                paths.push(path);
            }
        }
        // By the number a name starts with, then by name: `1000_…` comes after `999_…`
        // (a recording past 999 exchanges), as `00002_…` after `00001_…`.
        paths.sort_by_cached_key(|path| {
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
            (digits.parse::<u128>().ok(), name.into_owned())
        });
        let mut steps = Vec::with_capacity(paths.len());
        for path in paths {
            let text = std::fs::read_to_string(&path).map_err(|source| ReplayError::Read {
                path: path.clone(),
                source,
            })?;
            let raw = serde_json::from_str(&text).map_err(|source| ReplayError::NotJson {
                path: path.clone(),
                source,
            })?;
            if let Err(problem) = check_step(&text, &raw) {
                return Err(ReplayError::NotAnExchange { path, problem });
            }
            let name = path
                .file_name()
                .unwrap_or_default()
                .to_string_lossy()
                .into_owned();
            steps.push(RecordedStep { name, raw });
        }
        Ok(Recording {
            steps,
            dir: Some(dir.to_path_buf()),
        })
    }
}

/// Whether `text` (read as `raw`) is a step of the recording format ([`Step`]) a replay
/// can send or apply: an exchange with an absolute path, or an out-of-band step whose
/// action has a type. What is wrong is said member by member.
fn check_step(text: &str, raw: &Value) -> Result<(), &'static str> {
    match Step::from_json(text) {
        Ok(Step::Exchange(exchange)) if exchange.request.path.starts_with('/') => return Ok(()),
        Ok(Step::OutOfBand(step)) if step.action["type"].is_string() => return Ok(()),
        _ => {}
    }
    if !raw.is_object() {
        return Err("not a JSON object");
    }
    if raw["kind"] == "out_of_band" {
        return if raw["action"]["type"].is_string() {
            Ok(())
        } else {
            Err("an out-of-band step without an action type")
        };
    }
    let request = &raw["request"];
    if !request["method"].is_string() {
        return Err("no request.method");
    }
    if !request["path"].as_str().is_some_and(|p| p.starts_with('/')) {
        return Err("no request.path starting with /");
    }
    if !raw["response"]["http_status"].is_u64() {
        return Err("no response.http_status");
    }
    Err("not a step of the recording format")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recording_past_999_exchanges_stays_in_order() {
        let dir = std::env::temp_dir().join(format!("omflow-order-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let step =
            r#"{"request": {"method": "GET", "path": "/"}, "response": {"http_status": 200}}"#;
        for name in ["1000_b.json", "999_a.json", "100_c.json", "1001_d.json"] {
            std::fs::write(dir.join(name), step).unwrap();
        }
        let names: Vec<String> = Recording::load_dir(&dir)
            .unwrap()
            .steps
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert_eq!(
            names,
            ["100_c.json", "999_a.json", "1000_b.json", "1001_d.json"]
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

//! `omflow mock serve --app FILE`: a standalone fake serving an app exported from a real
//! server, driven through the command as its users would.

mod common;

use common::{against, standalone_with};

fn app_file(name: &str) -> String {
    format!(
        "{}/../../fixtures/omflow-3/apps/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

#[test]
fn a_standalone_fake_serves_an_exported_app() {
    let server = standalone_with(&["--app", &app_file("apptest_ext.json")]);
    let created = against(&server)
        .args([
            "tickets",
            "create",
            "apptest_ext",
            "--set",
            "FORMITM_1:h_title=Rack the new switch",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&created.stdout);
    assert!(
        created.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&created.stderr)
    );
    assert!(stdout.contains("now at stop 人工處理"), "{stdout}");
    let listed = against(&server)
        .args(["tickets", "list", "apptest_ext", "--output", "ndjson"])
        .output()
        .unwrap();
    let row: serde_json::Value = serde_json::from_str(
        String::from_utf8_lossy(&listed.stdout)
            .lines()
            .next()
            .unwrap(),
    )
    .unwrap();
    let data_id = row["data_id"]
        .as_u64()
        .or(row["id"].as_u64())
        .unwrap()
        .to_string();
    let pushed = against(&server)
        .args([
            "push",
            "apptest_ext",
            &data_id,
            "--set",
            "FORMITM_4=finished",
            "--set",
            "FORMITM_2=racked",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&pushed.stdout);
    assert!(
        pushed.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&pushed.stderr)
    );
    assert!(
        stdout.contains("would close the ticket at 結束 (FITEM_5); now closed"),
        "{stdout}"
    );
}

#[test]
fn an_app_file_the_fake_cannot_run_is_refused_at_start_naming_the_stops() {
    let mut export: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(app_file("apptest_ext.json")).unwrap())
            .unwrap();
    let items = export[0]["flow_list"][0]["flowobject"]["items"]
        .as_array_mut()
        .unwrap();
    let switch = items
        .iter_mut()
        .find(|item| item["type"] == "switch")
        .unwrap();
    switch["type"] = serde_json::json!("teleport");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("strange.json");
    std::fs::write(&file, export.to_string()).unwrap();
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .args(["mock", "serve", "--addr", "127.0.0.1:0", "--app"])
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("strange.json") && stderr.contains("模式 (FITEM_2, teleport)"),
        "{stderr}"
    );
    let missing = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .args(["mock", "serve", "--app", "/no/such/app.json"])
        .output()
        .unwrap();
    assert_eq!(
        missing.status.code(),
        Some(2),
        "a usage error before anything starts"
    );
    // A folder of exports is named as one, with what it holds.
    let folder = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .args(["mock", "serve", "--addr", "127.0.0.1:0", "--app"])
        .arg(dir.path())
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&folder.stderr);
    assert_eq!(folder.status.code(), Some(2), "{said}");
    assert!(
        said.contains("it is a folder") && said.contains("strange.json"),
        "{said}"
    );
    // An export given as the seed is named for what it is, with the flag that takes it.
    let as_seed = std::process::Command::new(assert_cmd::cargo::cargo_bin("omflow"))
        .args(["mock", "serve", "--addr", "127.0.0.1:0", "--seed"])
        .arg(&file)
        .output()
        .unwrap();
    let said = String::from_utf8_lossy(&as_seed.stderr);
    assert!(!as_seed.status.success());
    assert!(
        said.contains("is an app export, not a seed") && said.contains("--app"),
        "{said}"
    );
}

/// The README's "Your own apps" lines: the fake it starts, the create it sends.
#[test]
fn the_readme_app_lines_run() {
    let readme = include_str!("../../../README.md");
    let section = &readme[readme.find("### Your own apps").expect("the section")..];
    let block = &section[section.find("```sh").unwrap() + 5..];
    let block = &block[..block.find("```").unwrap()];
    let mut lines = block.lines().filter(|l| !l.trim().is_empty());
    let serve = shlex::split(lines.next().unwrap().trim_end_matches('&')).unwrap();
    assert_eq!(&serve[..3], ["omflow", "mock", "serve"]);
    let app = serve.iter().position(|a| a == "--app").unwrap() + 1;
    let path = format!("{}/../../{}", env!("CARGO_MANIFEST_DIR"), serve[app]);
    assert!(std::path::Path::new(&path).is_file(), "{path}");
    let server = standalone_with(&["--app", &path]);
    let create = shlex::split(lines.next().unwrap()).unwrap();
    let omflow = create.iter().position(|a| a == "omflow").unwrap();
    let out = against(&server)
        .args(&create[omflow + 1..])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("now at stop 人工處理"),
        "{stdout}"
    );
}

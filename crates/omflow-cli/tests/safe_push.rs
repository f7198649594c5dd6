//! The approver's push cannot strand a ticket: every refusal is said with the field, its
//! title and what is allowed, and leaves the fake's state as it was; a bulk approval across
//! stops approves what its stop routes and skips the rest with the reason; `--force` sends
//! and says the ticket was stranded. As alice (the ordinary approver) and as admin.

mod common;

use common::{against, as_alice, http_get, standalone, standalone_with, Server};
use serde_json::Value;

/// The rows and missions of the fake: what a refused push must leave unchanged.
fn tickets(server: &Server) -> (Value, Value) {
    let state = http_get(&format!("{}/__mock/state", server.url));
    (state["flows"].clone(), state["missions"].clone())
}

/// Tickets whose current row is in the engine's error state.
fn error_rows(server: &Server) -> usize {
    let (flows, _) = tickets(server);
    flows[0]["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| row["error"] == true && row["history"] == false)
        .count()
}

/// The data_ids of the user's missions at `stop`.
fn missions_at(cmd: &mut assert_cmd::Command, stop: &str) -> Vec<u64> {
    let out = cmd
        .args(["missions", "--output", "ndjson", "--where"])
        .arg(format!("stop_uuid={stop}"))
        .output()
        .unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<Value>(l).unwrap()["data_id"]
                .as_u64()
                .unwrap()
        })
        .collect()
}

#[test]
fn every_refusal_names_the_field_and_changes_nothing() {
    let server = standalone();
    for (who, user) in [
        ("alice", as_alice as fn(&Server) -> assert_cmd::Command),
        ("admin", against),
    ] {
        let data_id = missions_at(&mut user(&server), "FITEM_2")[0].to_string();
        let before = tickets(&server);
        let cases: [(&[&str], &[&str]); 5] = [
            (
                &["--set", "FORMITM_4=bogus_value"],
                &[
                    "FORMITM_4 階段",
                    "dispatch (分派中)",
                    "dispatch_done (已分派)",
                ],
            ),
            (
                &["--set", "FORMITM_4=dispatch_Done"],
                &["FORMITM_4 階段", "did you mean dispatch_done?"],
            ),
            (
                &["--set", "FORMITM_4=work_done"],
                &["FORMITM_4 階段", "dispatch_done"],
            ),
            (
                &["--set", "FORMITM_1=renamed"],
                &["FORMITM_1 主旨 is read-only"],
            ),
            (
                &["--set", "FORMITM_99=x"],
                &["FORMITM_99", "its fields: FORMITM_1 主旨"],
            ),
        ];
        for (sets, expected) in cases {
            let out = user(&server)
                .args(["push", "任務單", &data_id])
                .args(sets)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(1), "{who} {sets:?}: {stderr}");
            for text in expected {
                assert!(stderr.contains(text), "{who} {sets:?}: {stderr}");
            }
            assert!(
                stderr.contains("not sent") && stderr.contains("--force"),
                "{stderr}"
            );
            assert_eq!(
                tickets(&server),
                before,
                "{who} {sets:?}: the fake's state changed"
            );
        }
        // A field set twice is a usage mistake, refused before anything is read or sent.
        let twice = user(&server)
            .args(["push", "任務單", &data_id])
            .args(["--set", "FORMITM_3=red", "--set", "FORMITM_3=green"])
            .output()
            .unwrap();
        assert_eq!(twice.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&twice.stderr).contains("FORMITM_3 is given twice"));
        assert_eq!(
            tickets(&server),
            before,
            "{who}: a field set twice changed the state"
        );
        // A label is taken for its value.
        let out = user(&server)
            .args([
                "push",
                "任務單",
                &data_id,
                "--set",
                "FORMITM_4=已分派",
                "--wait",
                "2",
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{who}: {stdout} {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("would go to 任務處理 (FITEM_5), group 資訊服務組"),
            "{who}: {stdout}"
        );
        assert!(stdout.contains("now at stop 任務處理"), "{who}: {stdout}");
    }
    assert_eq!(error_rows(&server), 0);
}

#[test]
fn forcing_a_push_no_rule_routes_strands_it_and_says_so() {
    let server = standalone();
    let data_id = missions_at(&mut as_alice(&server), "FITEM_2")[0].to_string();
    let out = as_alice(&server)
        .args([
            "push",
            "任務單",
            &data_id,
            "--set",
            "FORMITM_4=bogus_value",
            "--force",
            "--wait",
            "2",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout} {stderr}");
    assert!(
        stderr.contains("sent with --force, overriding: field FORMITM_4 階段")
            && !stderr.contains("(not sent)"),
        "{stderr}"
    );
    assert!(
        stdout.contains("would strand the ticket at 是否指派 (FITEM_3)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("engine error") && stdout.contains("找不到符合的條件。"),
        "{stdout}"
    );
    assert_eq!(
        error_rows(&server),
        1,
        "the forced push was sent and stranded"
    );
}

#[test]
fn a_bulk_approval_across_stops_approves_what_routes_and_skips_the_rest() {
    let server = standalone();
    let at_analysis = missions_at(&mut as_alice(&server), "FITEM_2").len();
    let dry = as_alice(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--set",
            "FORMITM_4=dispatch_done",
            "--dry-run",
        ])
        .output()
        .unwrap();
    let dry_out = String::from_utf8(dry.stdout).unwrap();
    assert!(dry.status.success(), "{dry_out}");
    let would: Vec<&str> = dry_out
        .lines()
        .filter(|l| l.starts_with("would approve"))
        .collect();
    let skip: Vec<&str> = dry_out
        .lines()
        .filter(|l| l.starts_with("would skip"))
        .collect();
    assert_eq!(would.len(), at_analysis, "{dry_out}");
    assert!(
        would
            .iter()
            .all(|l| l.contains("would go to 任務處理 (FITEM_5)")),
        "{dry_out}"
    );
    assert!(!skip.is_empty(), "{dry_out}");
    assert!(
        skip.iter()
            .all(|l| l.contains("FORMITM_4 階段") && l.contains("is not one of its values")),
        "{dry_out}"
    );
    let run = as_alice(&server)
        .args([
            "approve",
            "--flow",
            "任務單",
            "--set",
            "FORMITM_4=dispatch_done",
            "--wait",
            "2",
        ])
        .output()
        .unwrap();
    let out = String::from_utf8(run.stdout).unwrap();
    assert!(run.status.success(), "{out}");
    assert!(
        out.contains(&format!(
            "approved {at_analysis}, skipped {}, failed 0",
            skip.len()
        )),
        "{out}"
    );
    // The run's verdicts are the dry run's, ticket by ticket.
    let skipped_run: Vec<String> = out
        .lines()
        .filter(|l| l.starts_with("skipped"))
        .map(|l| l.trim_start_matches("skipped").to_string())
        .collect();
    let skipped_dry: Vec<String> = skip
        .iter()
        .map(|l| l.trim_start_matches("would skip").to_string())
        .collect();
    let (mut a, mut b) = (skipped_run, skipped_dry);
    a.sort();
    b.sort();
    assert_eq!(a, b);
    assert_eq!(
        error_rows(&server),
        0,
        "no ticket left in the engine's error state"
    );
}

#[test]
fn quick_actions_by_label_and_lists_never_cut_silently() {
    let server = standalone();
    let at_work = missions_at(&mut as_alice(&server), "FITEM_5");
    let out = as_alice(&server)
        .args([
            "quick-action",
            "任務單",
            &at_work[0].to_string(),
            "完成",
            "--wait",
            "2",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("action1 sent"), "{stdout}");
    let limited = as_alice(&server)
        .args(["missions", "--limit", "2", "--output", "ndjson"])
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&limited.stdout).lines().count(), 2);
    assert!(
        String::from_utf8_lossy(&limited.stderr).contains("showing the first 2 rows; more match"),
        "{}",
        String::from_utf8_lossy(&limited.stderr)
    );
    against(&server)
        .args(["missions", "--limit", "3", "--page-size", "10"])
        .assert()
        .code(2);
}

#[test]
fn missions_prints_every_row_of_a_long_list() {
    let demo: Value =
        serde_json::from_str(include_str!("../../omflow-mock/seeds/demo.json")).unwrap();
    let mut seed = demo.clone();
    let template = demo["tickets"][0].clone();
    let tickets = seed["tickets"].as_array_mut().unwrap();
    tickets.clear();
    for _ in 0..150 {
        tickets.push(template.clone());
    }
    let dir = std::env::temp_dir().join(format!("omflow-150-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("seed.json");
    std::fs::write(&path, serde_json::to_string(&seed).unwrap()).unwrap();
    let server = standalone_with(&["--seed", path.to_str().unwrap()]);
    let out = as_alice(&server)
        .args(["missions", "--output", "ndjson"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 150);
    let table = as_alice(&server).arg("missions").output().unwrap();
    assert!(String::from_utf8_lossy(&table.stdout).contains("(150 rows)"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_create_prints_where_the_new_ticket_will_go_then_where_it_went() {
    let server = standalone();
    let out = against(&server)
        .args([
            "tickets",
            "create",
            "任務單",
            "--set",
            "FORMITM_1=Projector flickers",
            "--set",
            "FORMITM_3=green",
            "--set",
            "FORMITM_4=dispatch",
            "--set",
            r#"FORMITM_5={"group":"2","user":""}"#,
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let predicted = stdout
        .find("would go to 任務分析 (FITEM_2), group 資訊服務組")
        .unwrap_or_else(|| panic!("the prediction first: {stdout}"));
    let landed = stdout
        .find("now at stop 任務分析")
        .unwrap_or_else(|| panic!("then the outcome: {stdout}"));
    assert!(predicted < landed, "{stdout}");
}

/// The README's approver section shows commands (`$ omflow ...`) and what they print: each
/// runs against a fresh embedded demo and prints exactly the lines shown.
#[test]
fn the_readme_approver_examples_print_what_the_readme_shows() {
    let readme = include_str!("../../../README.md");
    let start = readme
        .find("### The approver's safe push")
        .expect("the README has the approver's section");
    let section = &readme[start..];
    let section = &section[..section[4..]
        .find("\n### ")
        .map_or(section.len(), |end| end + 4)];
    let mut ran = 0;
    for block in section.split("```text").skip(1) {
        let block = &block[..block.find("```").unwrap()];
        let mut lines = block.lines().filter(|l| !l.trim().is_empty());
        let Some(command) = lines.next().and_then(|l| l.strip_prefix("$ omflow ")) else {
            continue;
        };
        let words = shlex::split(command).unwrap();
        let out = common::omflow().args(&words).output().unwrap();
        let printed = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        for shown in lines {
            assert!(
                printed.lines().any(|line| line == shown),
                "$ omflow {command}\nthe README shows: {shown}\nprinted: {printed}"
            );
        }
        ran += 1;
    }
    assert!(ran >= 2, "only {ran} README approver examples ran");
}

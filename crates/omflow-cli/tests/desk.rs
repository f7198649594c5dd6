//! The assignee's desk from the command line, as alice against the standalone fake: a bulk
//! approval with a comment leaves the comment on every approved ticket, comments read back,
//! the groups list; a user with no rights is refused with what is missing.

mod common;

use common::{as_alice, as_user, http_get, standalone_with, succeeded, Server};
use serde_json::Value;

/// The demo seed plus erin, who belongs to no group and holds no permission.
fn demo_with_erin() -> (Server, tempfile::TempDir) {
    let mut seed: Value =
        serde_json::from_str(include_str!("../../omflow-mock/seeds/demo.json")).unwrap();
    seed["users"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": 9, "username": "erin", "password": "erin-pass", "email": "erin@example.com",
            "nick_name": "Erin", "is_superuser": false, "is_active": true, "groups": []
        }));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("seed.json");
    std::fs::write(&path, seed.to_string()).unwrap();
    let server = standalone_with(&["--seed", path.to_str().unwrap()]);
    (server, dir)
}

fn stdout_of(cmd: &mut assert_cmd::Command) -> String {
    let out = cmd.output().unwrap();
    succeeded(&out);
    String::from_utf8(out.stdout).unwrap()
}

/// Column `column` of alice's missions that `condition` (a `--where`) selects.
fn missions_where(server: &Server, condition: &str, column: &str) -> Vec<u64> {
    stdout_of(
        as_alice(server)
            .args(["missions", "--output", "ndjson", "--where"])
            .arg(condition),
    )
    .lines()
    .map(|l| {
        serde_json::from_str::<Value>(l).unwrap()[column]
            .as_u64()
            .unwrap()
    })
    .collect()
}

/// The ticket numbers of alice's missions at `stop`.
fn tickets_at(server: &Server, stop: &str) -> Vec<u64> {
    missions_where(server, &format!("stop_uuid={stop}"), "data_no")
}

#[test]
fn an_approval_with_a_comment_leaves_it_on_every_ticket() {
    let (server, _dir) = demo_with_erin();
    let approved = tickets_at(&server, "FITEM_2");
    assert!(!approved.is_empty());
    let out = stdout_of(as_alice(&server).args([
        "approve",
        "--flow",
        "任務單",
        "--where",
        "stop_uuid=FITEM_2",
        "--set",
        "FORMITM_4=dispatch_done",
        "--comment",
        "checked",
    ]));
    assert!(
        out.contains(&format!("approved {}", approved.len())),
        "{out}"
    );
    for data_no in &approved {
        let comments = stdout_of(as_alice(&server).args([
            "comments",
            "任務單",
            &data_no.to_string(),
            "--output",
            "json",
        ]));
        let comments: Value = serde_json::from_str(&comments).unwrap();
        let texts: Vec<&str> = comments
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["content"].as_str().unwrap())
            .collect();
        assert_eq!(texts, ["checked"], "ticket {data_no}");
        assert_eq!(comments[0]["create_user_id__nick_name"], "alice");
    }
    let state = http_get(&format!("{}/__mock/state", server.url));
    assert_eq!(
        state["worklogs"].as_array().unwrap().len(),
        approved.len(),
        "one comment per approved ticket, none twice"
    );
}

#[test]
fn alice_comments_and_reads_groups_and_erin_is_refused_with_what_is_missing() {
    let (server, _dir) = demo_with_erin();
    let data_no = tickets_at(&server, "FITEM_5")[0].to_string();
    let said = stdout_of(as_alice(&server).args(["comment", "任務單", &data_no, "looked at it"]));
    assert!(said.contains("commented on ticket"), "{said}");
    let groups = stdout_of(as_alice(&server).args(["groups", "--output", "json"]));
    let groups: Value = serde_json::from_str(&groups).unwrap();
    assert_eq!(groups[0]["display_name"], "資訊服務組");
    assert_eq!(groups.as_array().unwrap().len(), 1, "roles are not groups");
    let before = http_get(&format!("{}/__mock/state", server.url))["worklogs"].clone();
    let by_name = as_user(&server, "erin", "erin-pass")
        .args(["comments", "任務單", &data_no])
        .output()
        .unwrap();
    assert_eq!(by_name.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&by_name.stderr)
            .contains("no flow \"任務單\": no mission of yours is in a flow of that name"),
        "{}",
        String::from_utf8_lossy(&by_name.stderr)
    );
    let uuid = "dc33fb340034418c8fbb3baf15525e86";
    for args in [
        vec!["comment", uuid, &data_no, "not mine"],
        vec!["comments", uuid, &data_no],
    ] {
        let out = as_user(&server, "erin", "erin-pass")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("not allowed to") && err.contains("assignee"),
            "{args:?}: {err}"
        );
    }
    assert_eq!(
        http_get(&format!("{}/__mock/state", server.url))["worklogs"],
        before,
        "a refused comment writes nothing"
    );
}

#[test]
fn history_shows_the_stops_passed_and_the_flow_drawn_renders_with_graphviz() {
    let (server, dir) = demo_with_erin();
    let data_no = tickets_at(&server, "FITEM_2")[0];
    let data_id = missions_where(&server, &format!("data_no={data_no}"), "data_id")[0];
    stdout_of(as_alice(&server).args([
        "push",
        "任務單",
        &data_id.to_string(),
        "--set",
        "FORMITM_4=dispatch_done",
    ]));
    let text = stdout_of(as_alice(&server).args(["history", "任務單", &data_no.to_string()]));
    let stops: Vec<&str> = [
        "開始 (FITEM_1, start)",
        "任務分析 (FITEM_2, form)",
        "是否指派 (FITEM_3, switch)  -> FITEM_5",
        "任務處理 (FITEM_5, form)",
    ]
    .into_iter()
    .collect();
    let mut at = 0;
    for stop in stops {
        let found = text[at..]
            .find(stop)
            .unwrap_or_else(|| panic!("{stop} in order in:\n{text}"));
        at += found + stop.len();
    }
    assert!(text.contains("<- now here"), "{text}");
    assert!(text.contains("by alice"), "who pushed: {text}");
    let dot = stdout_of(as_alice(&server).args([
        "history",
        "任務單",
        &data_no.to_string(),
        "--format",
        "dot",
    ]));
    let dot_file = dir.path().join("ticket.dot");
    std::fs::write(&dot_file, &dot).unwrap();
    let svg = std::process::Command::new("dot")
        .arg("-Tsvg")
        .arg(&dot_file)
        .output()
        .expect("Graphviz's dot is installed (.ci/run installs it)");
    succeeded(&svg);
    let svg = String::from_utf8(svg.stdout).unwrap();
    for stop in [
        "開始",
        "任務分析",
        "是否指派",
        "任務處理",
        "任務審核",
        "任務完成",
    ] {
        assert!(svg.contains(stop), "the drawing shows {stop}");
    }
    let mermaid = stdout_of(as_alice(&server).args([
        "history",
        "任務單",
        &data_no.to_string(),
        "--format",
        "mermaid",
    ]));
    assert!(
        mermaid.starts_with("flowchart LR") && mermaid.contains("class FITEM_5 current"),
        "{mermaid}"
    );
    let refused = as_user(&server, "erin", "erin-pass")
        .args([
            "history",
            "dc33fb340034418c8fbb3baf15525e86",
            &data_no.to_string(),
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("not allowed to read where ticket"));
}

#[test]
fn a_file_uploaded_downloads_with_the_same_bytes_and_erin_may_not_list_it() {
    let (server, dir) = demo_with_erin();
    let data_no = tickets_at(&server, "FITEM_5")[0].to_string();
    let original = dir.path().join("report.bin");
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    std::fs::write(&original, &bytes).unwrap();
    let said = stdout_of(
        as_alice(&server)
            .args(["files", "upload", "任務單", &data_no])
            .arg(&original),
    );
    assert!(said.contains("uploaded report.bin (70000 bytes)"), "{said}");
    let listed = stdout_of(as_alice(&server).args([
        "files",
        "list",
        "任務單",
        &data_no,
        "--output",
        "json",
    ]));
    let listed: Value = serde_json::from_str(&listed).unwrap();
    assert_eq!(listed[0]["file_name"], "report.bin");
    assert_eq!(listed[0]["size"], 70_000);
    let copy = dir.path().join("copy.bin");
    stdout_of(
        as_alice(&server)
            .args([
                "files",
                "download",
                "任務單",
                &data_no,
                "report.bin",
                "--out",
            ])
            .arg(&copy),
    );
    assert_eq!(
        std::fs::read(&copy).unwrap(),
        bytes,
        "the same bytes come back"
    );
    let again = as_alice(&server)
        .args([
            "files",
            "download",
            "任務單",
            &data_no,
            "report.bin",
            "--out",
        ])
        .arg(&copy)
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(2),
        "an existing file is never replaced"
    );
    let unknown = as_alice(&server)
        .args([
            "files",
            "download",
            "任務單",
            &data_no,
            "other.bin",
            "--out",
        ])
        .arg(dir.path().join("other.bin"))
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr)
        .contains("has no attachment \"other.bin\"; it has: report.bin"));
    let refused = as_user(&server, "erin", "erin-pass")
        .args([
            "files",
            "list",
            "dc33fb340034418c8fbb3baf15525e86",
            &data_no,
        ])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("not allowed to list the attachments")
    );
}

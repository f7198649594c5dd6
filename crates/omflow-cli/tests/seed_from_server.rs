//! `omflow seed from-server`: as the ordinary approver and as the superuser, the seed holds
//! the server's users and groups and the flows of the user's missions, never a password,
//! loads into the fake, and an existing file is never replaced without `--force`.

mod common;

use common::{against, as_alice, omflow, standalone, standalone_with};
use omflow_mock::Seed;

fn read_seed(command: assert_cmd::Command, name: &str) -> (Seed, String, String) {
    let out = std::env::temp_dir().join(format!("omflow-seed-{}-{name}.json", std::process::id()));
    let _ = std::fs::remove_file(&out);
    let mut command = command;
    let output = command
        .args(["seed", "from-server", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let text = std::fs::read_to_string(&out).unwrap();
    let seed = Seed::load(out.to_str().unwrap()).expect("the written seed loads");
    let stderr = String::from_utf8_lossy(&output.stderr).to_string();
    std::fs::remove_file(&out).unwrap();
    (seed, text, stderr)
}

/// `manager`: read by a holder of the flow-management permission, who reads every group and
/// role (the apps' permissions name roles) and the apps themselves.
fn check_against_the_demo(seed: &Seed, text: &str, manager: bool) {
    let demo = Seed::demo();
    let people = |s: &Seed| -> Vec<(u64, String, String, bool, bool, Vec<u64>)> {
        s.users
            .iter()
            .map(|u| {
                let mut groups = u.groups.clone();
                groups.sort_unstable();
                (
                    u.id,
                    u.username.clone(),
                    u.nick_name.clone(),
                    u.is_superuser,
                    u.is_active,
                    groups,
                )
            })
            .collect()
    };
    assert_eq!(people(seed), people(&demo));
    assert!(seed.users.iter().all(|u| u.password.is_none()));
    for secret in ["alice-pass", "\"password\": \"", "pbkdf2"] {
        assert!(!text.contains(secret), "{secret} in the seed");
    }
    let with_members: Vec<(u64, String)> = demo
        .groups
        .iter()
        .filter(|g| manager || demo.users.iter().any(|u| u.groups.contains(&g.id)))
        .map(|g| (g.id, g.display_name.clone()))
        .collect();
    let read: Vec<(u64, String)> = seed
        .groups
        .iter()
        .map(|g| (g.id, g.display_name.clone()))
        .collect();
    assert_eq!(read, with_members);
    let demo_flow = &demo.flows[0];
    assert_eq!(seed.flows.len(), 1);
    let flow = &seed.flows[0];
    assert_eq!(
        (&flow.flow_uuid, &flow.app_name, &flow.flow_name),
        (
            &demo_flow.flow_uuid,
            &demo_flow.app_name,
            &demo_flow.flow_name
        )
    );
    assert_eq!(flow.items[0].item_type, "start");
    let analysis = flow
        .items
        .iter()
        .find(|i| i.id == "FITEM_2")
        .expect("the stop alice has missions at");
    assert_eq!(analysis.item_type, "form");
    let demo_ids: Vec<&str> = demo_flow.fields.iter().map(|f| f.id.as_str()).collect();
    assert!(!analysis.fields.is_empty());
    assert!(analysis
        .fields
        .iter()
        .all(|f| demo_ids.contains(&f.id.as_str())));
    assert_eq!(flow.column_count, demo_flow.column_count);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_approver_reads_a_seed_that_starts_a_fake() {
    let server = standalone();
    let (seed, text, stderr) = read_seed(as_alice(&server), "alice");
    check_against_the_demo(&seed, &text, false);
    // Without the flow-management permission the api_path is not readable: said, not guessed.
    assert_eq!(seed.flows[0].api_path, "flow-dc33fb34");
    assert!(stderr.contains("api_path is readable only"), "{stderr}");
    assert!(stderr.contains("passwords"), "{stderr}");
    // With a password filled in, the seed runs a fake alice can log in to.
    let mut seed = seed;
    let alice = seed
        .users
        .iter_mut()
        .find(|u| u.username == "alice")
        .unwrap();
    alice.password = Some("alice-pass".into());
    let fake = omflow_mock::FakeOmflow::start_with(seed).await.unwrap();
    let alice = omflow_client::Client::builder(fake.uri())
        .credentials("alice", "alice-pass")
        .build()
        .unwrap();
    alice
        .login()
        .await
        .expect("alice logs in to the seeded fake");
}

#[test]
fn the_superuser_reads_the_api_path_and_an_existing_file_is_kept() {
    let server = standalone();
    let (seed, text, _) = read_seed(against(&server), "admin");
    check_against_the_demo(&seed, &text, true);
    assert_eq!(seed.flows[0].api_path, "mission");
    // As exported: the design as deployed, every ticket row, the permissions by role.
    assert!(seed.flows[0].flowobject.is_some());
    let rows = &seed.flows[0].rows;
    assert!(
        rows.iter().any(|r| r["history"] == true),
        "history rows too"
    );
    assert!(rows.iter().any(|r| r["history"] == false));
    let role = seed
        .groups
        .iter()
        .find(|g| g.display_name == "任務處理組")
        .unwrap();
    assert!(role.functional);
    let view = format!("Omdata_{}_View", seed.flows[0].flow_uuid);
    assert!(role.permissions.contains(&view), "{:?}", role.permissions);

    let out = std::env::temp_dir().join(format!("omflow-seed-{}-kept.json", std::process::id()));
    std::fs::write(&out, "my hand-written seed").unwrap();
    let refused = against(&server)
        .args(["seed", "from-server", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--force"));
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "my hand-written seed"
    );
    let replaced = against(&server)
        .args(["seed", "from-server", "--force", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(replaced.status.success());
    assert!(Seed::load(out.to_str().unwrap()).is_ok());
    std::fs::remove_file(&out).unwrap();

    // A directory is no file name, --force or not.
    let dir = std::env::temp_dir();
    for force in [false, true] {
        let mut cmd = against(&server);
        cmd.args(["seed", "from-server", "--out"]).arg(&dir);
        if force {
            cmd.arg("--force");
        }
        let refused = cmd.output().unwrap();
        assert_eq!(refused.status.code(), Some(2), "{refused:?}");
        assert!(String::from_utf8_lossy(&refused.stderr).contains("is a directory"));
    }
}

/// A seed file that is not a seed is named in the error, and a taken address is said once.
#[test]
fn a_bad_seed_file_is_named_and_a_taken_address_said_once() {
    let file = std::env::temp_dir().join(format!("omflow-not-a-seed-{}.txt", std::process::id()));
    std::fs::write(&file, "not json").unwrap();
    let served = omflow()
        .args(["mock", "serve", "--addr", "127.0.0.1:0", "--seed"])
        .arg(&file)
        .output()
        .unwrap();
    assert!(!served.status.success());
    let said = String::from_utf8_lossy(&served.stderr);
    assert!(
        said.contains(&format!("seed file {} is not a valid seed", file.display())),
        "{said}"
    );
    std::fs::remove_file(&file).unwrap();

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let served = omflow()
        .args([
            "mock",
            "serve",
            "--addr",
            &taken.local_addr().unwrap().to_string(),
        ])
        .output()
        .unwrap();
    assert!(!served.status.success());
    let said = String::from_utf8_lossy(&served.stderr);
    assert_eq!(said.matches("in use").count(), 1, "{said}");
}

/// A seed read from a server has no passwords: `mock serve --login` gives its users theirs,
/// so the approver can log in to a fake started from it; an unknown user is refused.
#[test]
fn a_seed_read_from_the_server_serves_with_the_approvers_password() {
    let server = standalone();
    let (_, text, _) = read_seed(as_alice(&server), "serve");
    let file = std::env::temp_dir().join(format!("omflow-seed-{}-served.json", std::process::id()));
    std::fs::write(&file, text).unwrap();
    let path = file.to_str().unwrap();
    let fake = standalone_with(&["--seed", path, "--login", "alice=alice-pass"]);
    let listed = as_alice(&fake).args(["missions"]).output().unwrap();
    assert!(listed.status.success(), "{listed:?}");
    let unknown = omflow()
        .args(["mock", "serve", "--addr", "127.0.0.1:0", "--seed", path])
        .args(["--login", "nobody=x"])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("--login nobody"));
    std::fs::remove_file(&file).unwrap();
}

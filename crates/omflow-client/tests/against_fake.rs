//! The client against the fake server: the sample script's job, token expiry, login errors,
//! the quick-action guard, bulk approval.

use futures::TryStreamExt;
use omflow_client::{Approval, ApprovalResult, AuthError, Client, Error, PushRefusal};
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::query::{col, Query};
use omflow_model::QuickAction;
use serde_json::json;

fn client_for(fake: &FakeOmflow, user: &str, password: &str) -> Client {
    Client::builder(fake.uri())
        .credentials(user, password)
        .build()
        .unwrap()
}

fn seed_with(n: usize) -> Seed {
    (0..n)
        .fold(Seed::pristine().builder().join_group("admin", 2), |b, i| {
            b.ticket(
                "mission",
                "admin",
                &format!("Ticket {i}"),
                ["green", "yellow", "red"][i % 3],
            )
        })
        .build()
        .unwrap()
}

#[tokio::test]
async fn the_sample_scripts_job_end_to_end() {
    let fake = FakeOmflow::start_with(seed_with(6)).await.unwrap();
    let client = client_for(&fake, "admin", "admin");
    let mine: Vec<_> = client.missions().stream().try_collect().await.unwrap();
    assert_eq!(mine.len(), 6);
    for mission in &mine {
        let outcome = client
            .push_mission(mission)
            .set("FORMITM_4", "dispatch_done")
            .send()
            .await
            .unwrap();
        assert_eq!(outcome.data_no, mission.data_no);
    }
    let after: Vec<_> = client
        .missions()
        .query(
            Query::builder()
                .filter(col("stop_uuid").eq("FITEM_2"))
                .build()
                .unwrap(),
        )
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(
        after.is_empty(),
        "the pushed missions left the analysis stop"
    );
    let state = fake.state();
    for mission in &mine {
        let row = state
            .current_row("mission", mission.data_no.unwrap().get())
            .unwrap()
            .unwrap();
        assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_5"), "ticket moved on");
        assert_eq!(
            row.title, mission.title,
            "the title was filled from the current row, not lost"
        );
    }
}

#[tokio::test]
async fn paging_stream_fetches_every_page_and_survives_token_expiry() {
    let fake = FakeOmflow::start_with(seed_with(25)).await.unwrap();
    let client = client_for(&fake, "admin", "admin");
    let query = Query::builder()
        .order_by("id")
        .page_size(4)
        .build()
        .unwrap();
    let mut stream = Box::pin(client.missions().query(query).stream());
    let mut seen = Vec::new();
    while let Some(mission) = stream.try_next().await.unwrap() {
        seen.push(mission.id);
        if seen.len() % 6 == 0 {
            fake.expire_tokens();
        }
    }
    assert_eq!(seen.len(), 25);
    assert!(seen.windows(2).all(|w| w[0] < w[1]));
    assert!(fake.state().login_count() >= 4, "renewed after each expiry");
}

#[tokio::test]
async fn empty_my_missions_is_an_empty_list() {
    let fake = FakeOmflow::start().await;
    let client = client_for(&fake, "admin", "admin");
    assert!(client.missions().send().await.unwrap().is_empty());
}

#[tokio::test]
async fn each_login_error_is_clear() {
    let fake = FakeOmflow::start().await;
    let wrong = client_for(&fake, "admin", "nope")
        .missions()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(wrong, Error::Auth(AuthError::WrongPassword { .. })),
        "{wrong}"
    );
    let unknown = client_for(&fake, "nobody", "x")
        .missions()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(unknown, Error::Auth(AuthError::UnknownUser { .. })),
        "{unknown}"
    );
    assert!(unknown.to_string().contains("unknown user"));
    let email = client_for(&fake, "admin@admin", "admin")
        .missions()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(email, Error::Auth(AuthError::EmailLogin { .. })),
        "{email}"
    );
    let colon = client_for(&fake, "admin", "a:b")
        .missions()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(colon, Error::Auth(AuthError::PasswordContainsColon)),
        "{colon}"
    );
    assert_eq!(fake.state().login_count(), 0);
}

#[tokio::test]
async fn quick_action_guard_refuses_a_stop_without_it() {
    let fake = FakeOmflow::start_with(seed_with(1)).await.unwrap();
    let client = client_for(&fake, "admin", "admin");
    let mission = client.missions().send().await.unwrap().remove(0);
    let data_id = mission.data_id.unwrap();
    let refused = client
        .quick_action("mission", data_id, QuickAction::Action1)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(
            refused,
            Error::Refused(PushRefusal::QuickActionUnavailable { .. })
        ),
        "{refused}"
    );
    assert_eq!(
        fake.state().current_row("mission", 1).unwrap().unwrap().id,
        data_id,
        "nothing was sent"
    );
    client
        .quick_action("mission", data_id, QuickAction::Action1)
        .force()
        .send()
        .await
        .unwrap();
    assert_ne!(
        fake.state().current_row("mission", 1).unwrap().unwrap().id,
        data_id,
        "forced: the server pushed it unchanged"
    );
    let stale = client
        .push("mission", data_id)
        .set("FORMITM_4", "dispatch_done")
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(stale, Error::MovedOn { data_id: id } if id == data_id),
        "{stale}"
    );
    assert!(stale.to_string().contains("already moved on"), "{stale}");
}

#[tokio::test]
async fn create_list_lookup_delete_round() {
    let fake = FakeOmflow::start().await;
    let client = client_for(&fake, "admin", "admin");
    let untyped = client
        .create("mission")
        .set("FORMITM_1", "Created")
        .send()
        .await
        .unwrap_err();
    // A manager's create in a flow with no ticket yet learns the flow from the deployed
    // flows' list, so the start form types and checks it: 燈號 is required.
    assert!(
        untyped.to_string().contains("FORMITM_3") && untyped.to_string().contains("not sent"),
        "{untyped}"
    );
    let flow = omflow_model::FlowUuid::parse("dc33fb340034418c8fbb3baf15525e86").unwrap();
    let data_no = client
        .flow(flow)
        .create()
        .set("FORMITM_1", "Created")
        .set("FORMITM_3", "red")
        .set("FORMITM_4", "dispatch")
        .set("FORMITM_5", json!({"group": "2", "user": ""}))
        .send()
        .await
        .unwrap()
        .unwrap();
    let rows = client.tickets("mission").send().await.unwrap();
    assert_eq!(rows.len(), 1);
    let history: Vec<_> = client
        .tickets("mission")
        .include_history()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(history.len(), 2);
    let entries = client.lookup_data_id("mission", data_no).await.unwrap();
    assert_eq!(entries[0].data_id, rows[0].id);
    let pushed = client
        .push("mission", rows[0].id)
        .set("FORMITM_4", "dispatch_done")
        .wait_for_engine(std::time::Duration::from_secs(2))
        .send()
        .await
        .unwrap();
    assert!(pushed.next_data_id().is_some_and(|next| next != rows[0].id));
    client.delete("mission", &[data_no]).await.unwrap();
    assert!(client.tickets("mission").send().await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bulk_approve_500_tickets_at_concurrency_16_pushes_each_once() {
    let fake = FakeOmflow::start_with(seed_with(500)).await.unwrap();
    let client = client_for(&fake, "admin", "admin");
    let outcomes = client
        .approve(
            "任務單",
            Approval::Set(vec![("FORMITM_4".into(), json!("dispatch_done"))]),
        )
        .concurrency(16)
        .send()
        .await
        .unwrap();
    assert_eq!(outcomes.len(), 500);
    let failed: Vec<_> = outcomes
        .iter()
        .filter(|o| !matches!(o.result, ApprovalResult::Approved(_)))
        .collect();
    assert!(failed.is_empty(), "{:?}", failed.first());
    let rows = fake.state().tickets("mission").unwrap();
    for data_no in 1..=500u64 {
        let count = rows.iter().filter(|r| r.data_no.get() == data_no).count();
        assert_eq!(
            count, 3,
            "ticket {data_no}: two rows from the create, exactly one push"
        );
    }
    let again = client
        .approve(
            "任務單",
            Approval::Set(vec![("FORMITM_4".into(), json!("dispatch_done"))]),
        )
        .query(
            Query::builder()
                .filter(col("stop_uuid").eq("FITEM_2"))
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    assert!(again.is_empty(), "a second run approves nothing");
}

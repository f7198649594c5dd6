//! One handle per flow, whichever way it is named: by uuid, api_path or the flow's name as
//! missions show it (resolved by the client from the caller's missions).

use futures::StreamExt;
use omflow_client::{Approval, Client, Error, ResolvedFlow};
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::{ApiPath, DataId, DataNo, FlowRef, FlowUuid};
use std::time::Duration;

const HEX: &str = "dc33fb340034418c8fbb3baf15525e86";

fn client(fake: &FakeOmflow, user: &str, password: &str) -> Client {
    Client::builder(fake.uri())
        .credentials(user, password)
        .build()
        .unwrap()
}

#[tokio::test]
async fn a_flow_name_resolves_from_my_missions_and_else_reads_as_an_api_path() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let uuid = FlowUuid::parse(HEX).unwrap();
    assert_eq!(
        alice.resolve_flow(&FlowRef::parse("任務單")).await.unwrap(),
        ResolvedFlow::Uuid(uuid)
    );
    assert_eq!(
        alice
            .resolve_flow(&FlowRef::parse("mission"))
            .await
            .unwrap(),
        ResolvedFlow::ApiPath(ApiPath::new("mission").unwrap())
    );
    let err = alice
        .resolve_flow(&FlowRef::parse("no such flow"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::UnknownFlow { name } if name == "no such flow"),
        "{err}"
    );
}

#[tokio::test]
async fn alice_pushes_a_row_of_a_flow_named_by_its_name() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let mission = alice
        .missions()
        .send()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.stop_uuid.as_deref() == Some("FITEM_2"))
        .unwrap();
    let data_id = mission.data_id.unwrap();
    let outcome = alice
        .flow(FlowRef::parse("任務單"))
        .push(data_id)
        .set("FORMITM_4", "dispatch_done")
        .wait_for_engine(Duration::from_secs(2))
        .send()
        .await
        .unwrap();
    assert_eq!(outcome.data_no, mission.data_no);
    let row = fake
        .state()
        .current_row("mission", mission.data_no.unwrap().get())
        .unwrap()
        .unwrap();
    assert_eq!(row.stop_uuid.as_deref(), Some("FITEM_5"));
}

#[tokio::test]
async fn delete_needs_an_api_path_and_says_so() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let admin = client(&fake, "admin", "admin");
    let by_uuid = admin.flow(FlowUuid::parse(HEX).unwrap());
    let err = by_uuid.delete(&[DataNo(1)]).await.unwrap_err();
    assert!(
        matches!(&err, Error::InvalidRequest(m) if m.contains("api_path")),
        "{err}"
    );
    assert!(
        fake.state().current_row("mission", 1).unwrap().is_some(),
        "nothing deleted"
    );
    let by_path = admin.flow(ApiPath::new("mission").unwrap());
    by_path.delete(&[DataNo(1)]).await.unwrap();
    assert!(fake.state().current_row("mission", 1).unwrap().is_none());
    let rows = by_path.tickets().send().await.unwrap();
    assert!(rows.iter().all(|row| row.data_no != DataNo(1)));
    assert!(by_path.push(DataId(0)).check().await.is_err());
}

#[tokio::test]
async fn a_dry_run_started_streams_the_plan_and_sends_nothing() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let alice = client(&fake, "alice", "alice-pass");
    let approval = || {
        alice
            .approve(
                "任務單",
                Approval::Set(vec![("FORMITM_4".into(), "dispatch_done".into())]),
            )
            .dry_run(true)
    };
    let planned = approval().plan().await.unwrap();
    assert!(!planned.is_empty());
    let before = fake.state().tickets("mission").unwrap().len();
    let streamed: Vec<_> = approval().start().await.unwrap().collect().await;
    assert_eq!(
        streamed.len(),
        planned.len(),
        "the plan, not an empty stream"
    );
    assert_eq!(
        fake.state().tickets("mission").unwrap().len(),
        before,
        "nothing sent"
    );
}

/// Generic code reads my missions and a flow's tickets through one trait: the same page,
/// the same stream, typed or projected, as each request's own methods give.
#[tokio::test]
async fn missions_and_tickets_read_the_same_way_through_listing() {
    use futures::TryStreamExt;
    use omflow_client::Listing;
    use omflow_model::query::Query;

    async fn summary<L: Listing>(list: impl Fn() -> L) -> (usize, usize, usize) {
        let page = list().send().await.unwrap().len();
        let streamed: Vec<L::Row> = list().stream().try_collect().await.unwrap();
        let small = Query::builder()
            .columns(["data_no"])
            .page_size(2)
            .build()
            .unwrap();
        let projected: Vec<_> = list()
            .query(small)
            .stream_projected()
            .try_collect()
            .await
            .unwrap();
        assert!(projected
            .iter()
            .all(|row| row.get::<u64>("data_no").is_ok()));
        (page, streamed.len(), projected.len())
    }

    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let admin = client(&fake, "admin", "admin");
    let mine = admin.missions().send().await.unwrap().len();
    let rows = admin.tickets("mission").send().await.unwrap().len();
    assert!(mine > 2 && rows > 2, "{mine} missions, {rows} rows");
    // A page and the stream agree with the requests' own methods; the projected stream
    // pages by two and still reads every row.
    assert_eq!(summary(|| admin.missions()).await, (mine, mine, mine));
    assert_eq!(
        summary(|| admin.tickets("mission")).await,
        (rows, rows, rows)
    );
}

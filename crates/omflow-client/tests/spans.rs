//! Every operation of the table runs in a span named after it (`omflow.<name>`), and every
//! operation is reachable from the client, served by the fake and described in the OpenAPI
//! document the fake serves.

use futures::TryStreamExt;
use omflow_client::Client;
use omflow_mock::{FakeOmflow, Seed};
use omflow_model::{DataNo, FlowUuid, Operation, QuickAction};
use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tracing::span;
use tracing_subscriber::layer::{Context, SubscriberExt};
use tracing_subscriber::Layer;

const MISSION_FLOW: &str = "dc33fb340034418c8fbb3baf15525e86";
const WAIT: Duration = Duration::from_secs(2);

/// Keeps the name of every span opened.
#[derive(Clone, Default)]
struct SpanNames(Arc<Mutex<BTreeSet<String>>>);

impl<S: tracing::Subscriber> Layer<S> for SpanNames {
    fn on_new_span(&self, attrs: &span::Attributes<'_>, _: &span::Id, _: Context<'_, S>) {
        self.0
            .lock()
            .unwrap()
            .insert(attrs.metadata().name().to_string());
    }
}

/// Runs every operation the client has, as admin on the demo seed.
async fn every_operation(client: &Client) {
    client.login().await.unwrap();
    let flow = FlowUuid::parse(MISSION_FLOW).unwrap();
    let missions = client.missions().send().await.unwrap();
    let at_dispatch = missions
        .iter()
        .find(|m| m.stop_uuid.as_deref() == Some("FITEM_2"))
        .expect("a mission at the dispatch stop");
    client
        .load_ticket(flow, at_dispatch.data_id.unwrap())
        .await
        .unwrap();
    client
        .push_mission(at_dispatch)
        .set("FORMITM_4", "dispatch_done")
        .wait_for_engine(WAIT)
        .send()
        .await
        .unwrap();
    let at_work = client
        .missions()
        .send()
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.stop_uuid.as_deref() == Some("FITEM_5"))
        .expect("a mission at the work stop");
    client
        .quick_action_mission(&at_work, QuickAction::Action1)
        .wait_for_engine(WAIT)
        .send()
        .await
        .unwrap();
    let created = client
        .flow(flow)
        .create()
        .set("FORMITM_1", "Spanned")
        .set("FORMITM_3", "green")
        .set("FORMITM_4", "dispatch")
        .set("FORMITM_5", serde_json::json!({"group": "2", "user": ""}))
        .send()
        .await
        .unwrap()
        .expect("a ticket number");
    let rows: Vec<_> = client
        .tickets("mission")
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert!(rows.iter().any(|row| row.data_no == created));
    client.lookup_data_id("mission", created).await.unwrap();
    client.delete("mission", &[created]).await.unwrap();
    let names = client.flow_names(flow).await.unwrap();
    client.start_form(flow).await.unwrap();
    client.flow_chart(flow, DataNo(1)).await.unwrap();
    client
        .flow_info(&names.app_name, &names.flow_name)
        .await
        .unwrap();
    client.users().await.unwrap();
    let apps = client.apps().await.unwrap();
    client.export_apps(&[apps[0].id]).await.unwrap();
    let ticket = client.flow(flow).ticket(DataNo(1));
    ticket.comment("spanned").await.unwrap();
    assert_eq!(ticket.comments().await.unwrap()[0].content, "spanned");
    assert!(!ticket.flow_log().await.unwrap().entries.is_empty());
    ticket.history().await.unwrap();
    ticket
        .upload("a.txt", bytes::Bytes::from_static(b"a"))
        .await
        .unwrap();
    let files = ticket.files().await.unwrap();
    let mut copy = Vec::new();
    ticket.download(&files[0], &mut copy).await.unwrap();
    assert_eq!(copy, b"a");
    let groups = client.groups().await.unwrap();
    let members = client.group_users(groups[0].id).await.unwrap();
    assert!(members.iter().any(|u| u.username == "alice"), "{members:?}");
}

#[tokio::test]
async fn every_operation_opens_a_span_named_after_it() {
    let fake = FakeOmflow::start_with(Seed::demo()).await.unwrap();
    let client = Client::builder(fake.uri())
        .credentials("admin", "admin")
        .build()
        .unwrap();
    let names = SpanNames::default();
    let subscriber = tracing_subscriber::registry().with(names.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    every_operation(&client).await;
    let seen = names.0.lock().unwrap().clone();
    for op in Operation::ALL {
        let span = format!("omflow.{}", op.name());
        assert!(seen.contains(&span), "no span {span}; seen {seen:?}");
    }
    for asked in ["push", "quick_action", "create", "delete", "load", "list"] {
        assert!(
            seen.contains(&format!("omflow.tickets.{asked}")),
            "tickets.{asked}"
        );
    }
}

#[test]
fn every_operation_is_served_and_documented() {
    let document: serde_json::Value = serde_json::from_str(omflow_mock::OPENAPI_DOCUMENT).unwrap();
    let paths = document["paths"].as_object().unwrap();
    for op in Operation::ALL {
        let endpoint = op.endpoint();
        let documented = match endpoint.param() {
            None => endpoint.prefix().to_string(),
            Some(param) => format!("{}{{{param}}}/", endpoint.prefix()),
        };
        assert!(
            paths.contains_key(&documented),
            "{op} ({documented}) is not in the OpenAPI document"
        );
    }
}

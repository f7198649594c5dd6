//! Python stops in the fake: the code run by a Python interpreter or by a handler a test
//! registers, the inputs read back as the outputs, an exception failing the ticket at the
//! stop with its text; a flow with a python stop and no way to run it is refused at start.

mod stops;

use omflow_mock::{FakeOmflow, Seed};
use omflow_model::FlowRef;
use serde_json::{json, Value};

const FLOW: &str = "0a1b2c3d4e5f40718293a4b5c6d7e8f9";

/// start → python 計分 (score = amount × 2) → setform (FORMITM_11 = score) → end.
fn scoring_flow() -> Value {
    json!({
        "app_name": "計分", "flow_name": "計分單", "flow_uuid": FLOW, "api_path": "score",
        "column_count": 11,
        "fields": [stops::field("FORMITM_1", "h_title", "主旨"), stops::field("FORMITM_7", "inputbox", "金額"),
                   stops::field("FORMITM_11", "inputbox", "分數")],
        "items": [
            {"id": "FITEM_1", "type": "start", "text": "開始", "next": "FITEM_2"},
            {"id": "FITEM_2", "type": "python", "text": "計分", "next": "FITEM_3",
             "code": "score = int(amount) * 2\nratio = 100 // int(amount)",
             "inputs": [{"name": "amount", "value": "#(FORMITM_7)"}, {"name": "score", "value": ""}],
             "outputs": [{"name": "$(score)", "value": "$(score)"}]},
            {"id": "FITEM_3", "type": "setform", "text": "寫入", "next": "FITEM_9",
             "inputs": [{"name": "#(FORMITM_11)", "value": "$(score)"}]},
            {"id": "FITEM_9", "type": "end", "text": "結束"}
        ]
    })
}

fn seed() -> Seed {
    stops::with_flows(Seed::demo(), &[scoring_flow()])
}

async fn create(fake: &FakeOmflow, amount: &str) -> omflow_model::TicketRow {
    let admin = stops::login(fake, "admin", "admin");
    let data_no = admin
        .flow(FlowRef::parse(FLOW))
        .create()
        .set("FORMITM_1", "Score me")
        .set("FORMITM_7", amount)
        .send()
        .await
        .unwrap()
        .unwrap();
    fake.state()
        .current_row("score", data_no.get())
        .unwrap()
        .unwrap()
}

#[tokio::test]
async fn the_interpreter_runs_a_python_stop_and_its_exception_fails_the_ticket() {
    let python = omflow_mock::python::PythonRunner::find_python3()
        .expect("python3 is needed for this test (CI installs it)");
    let fake = FakeOmflow::builder()
        .seed(seed())
        .python_interpreter(python)
        .start()
        .await
        .unwrap();
    let row = create(&fake, "21").await;
    assert!(row.closed && !row.error, "{row:?}");
    assert_eq!(row.field(&"FORMITM_11".parse().unwrap()), Some("42"));
    let failed = create(&fake, "0").await;
    assert!(failed.error, "{failed:?}");
    assert_eq!(failed.stop_uuid.as_deref(), Some("FITEM_2"));
    assert_eq!(
        failed.error_message.as_deref(),
        Some("integer division or modulo by zero"),
        "the exception's text, as the real engine writes it"
    );
    // The row keeps the parameters the engine saved on the way to the stop, and the stop's
    // log entry its inputs, the outputs read back from them (not what the code left) and
    // the error.
    let param = failed.data_param().unwrap().unwrap();
    assert_eq!(param["chart_id_to"], "FITEM_2", "{param}");
    assert_eq!(param["chart_id_from"], "FITEM_1", "{param}");
    let admin = stops::login(&fake, "admin", "admin");
    let log = admin
        .flow(FlowRef::parse(FLOW))
        .ticket(failed.data_no)
        .flow_log()
        .await
        .unwrap();
    let entry = log.entries.last().unwrap();
    assert_eq!(entry.chart_id, "FITEM_2");
    assert!(entry.error, "{entry:?}");
    assert_eq!(entry.input_data, json!({"amount": "0", "score": ""}));
    assert_eq!(entry.output_data, json!({"score": ""}));
}

#[tokio::test]
async fn a_registered_handler_runs_the_stop_instead() {
    let fake = FakeOmflow::builder()
        .seed(seed())
        .python_handler("計分單", "FITEM_2", |inputs| {
            let amount: i64 = inputs["amount"]
                .as_str()
                .unwrap_or_default()
                .parse()
                .map_err(|_| "invalid literal for int()".to_string())?;
            let mut out = inputs.clone();
            out.insert("score".into(), json!(amount * 10));
            Ok(out)
        })
        .start()
        .await
        .unwrap();
    let row = create(&fake, "7").await;
    assert_eq!(row.field(&"FORMITM_11".parse().unwrap()), Some("70"));
    let failed = create(&fake, "seven").await;
    assert_eq!(
        failed.error_message.as_deref(),
        Some("invalid literal for int()")
    );
}

#[tokio::test]
async fn a_python_stop_with_no_way_to_run_it_is_refused_at_start() {
    let Err(err) = FakeOmflow::builder().seed(seed()).start().await else {
        panic!("started a flow it cannot run");
    };
    let text = err.to_string();
    assert!(
        text.contains("計分單")
            && text.contains("計分 (FITEM_2)")
            && text.contains("python_handler"),
        "{text}"
    );
}

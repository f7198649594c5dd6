//! Garoon: every example document decodes and round-trips; every tolerance vector behaves as
//! specified in both modes; generated requests round-trip.

use omflow_garoon::model::*;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::PathBuf;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/garoon")
            .join(name),
    )
    .unwrap()
}

#[test]
fn example_documents_decode_strictly_and_round_trip() {
    let page_text = fixture("admin-requests-list.ja.json");
    let page = decode_page(&page_text, Mode::Strict).unwrap();
    assert_eq!(page.value.requests.len(), 2);
    assert!(page.value.has_next);
    assert_eq!(
        page.value.to_json().to_text(),
        Json::parse(&page_text).unwrap().to_text()
    );

    let single_text = fixture("request-single.en.json");
    let single = decode_request(&single_text, Mode::Strict).unwrap();
    assert!(single.warnings.is_empty());
    assert_eq!(
        single.value.to_json().to_text(),
        Json::parse(&single_text).unwrap().to_text()
    );
    let request = single.value;
    assert_eq!(request.processing_step(), None);
    let items = request.items.as_ref().unwrap();
    let keys: Vec<&str> = items.keys().collect();
    assert_eq!(
        &keys[..4],
        ["Item1", "$2", "Item2", "$5"],
        "server order kept"
    );
    assert!(
        matches!(items.get("days").unwrap().value, Some(ItemValue::Number(ref n)) if n == "1.5")
    );
    assert_eq!(
        items
            .get("days")
            .unwrap()
            .value
            .as_ref()
            .unwrap()
            .as_decimal(),
        Ok(Some(rust_decimal::Decimal::new(15, 1)))
    );
    let step = request.steps.as_ref().unwrap().get("TeamLead").unwrap();
    assert_eq!(
        step.requirement.as_ref().unwrap().kind,
        RequirementKind::AllApprovers
    );
    assert_eq!(
        step.processors[0]
            .person
            .proxy
            .as_ref()
            .unwrap()
            .id
            .as_deref(),
        Some("220")
    );
    assert!(step.processors[0]
        .operated_at
        .as_ref()
        .unwrap()
        .parsed
        .is_some());

    let js_text = fixture("js-event-request.zh.json");
    let js = decode_request(&js_text, Mode::Strict).unwrap();
    assert_eq!(
        js.value.to_json().to_text(),
        Json::parse(&js_text).unwrap().to_text(),
        "the wrapper is written back as read"
    );
    assert!(matches!(js.value.variant, Variant::JsWrapper { .. }));
    let ops = js.value.available_operations.as_ref().unwrap();
    assert_eq!(
        ops.list,
        vec![Operation::SentBack, Operation::Approve, Operation::Reject]
    );
    assert_eq!(ops.targets()[0], SentBackTarget::Applicant);
}

#[test]
fn envelopes_and_errors_decode() {
    let cases: Value = serde_json::from_str(&fixture("envelopes-and-errors.json")).unwrap();
    for case in cases["cases"].as_array().unwrap() {
        let body = &case["response"]["body"];
        if body.get("requests").is_some() {
            let page = decode_page(&body.to_string(), Mode::Strict).unwrap();
            assert_eq!(
                page.value.to_json().to_value().unwrap(),
                *body,
                "{}",
                case["name"]
            );
            if case["name"] == "fields-subset" {
                assert!(page
                    .value
                    .requests
                    .iter()
                    .all(|r| r.items.as_ref().is_none() && r.steps.as_ref().is_none()));
            }
        } else if body.get("content").is_some() {
            let file: FileContent = serde_json::from_value(body.clone()).unwrap();
            assert!(file.bytes().unwrap().starts_with(b"%PDF"));
        } else if body.get("error").is_some() {
            let err: GaroonErrorEnvelope = serde_json::from_value(body.clone()).unwrap();
            assert!(err.error.error_code.unwrap().starts_with("GRN_"));
        }
    }
}

fn lookup<'a>(value: &'a Value, path: &str) -> &'a Value {
    let mut current = value;
    for part in path.split('.') {
        let (key, index) = match part.split_once('[') {
            Some((k, rest)) => (k, rest.trim_end_matches(']').parse::<usize>().ok()),
            None => (part, None),
        };
        current = &current[key];
        if let Some(i) = index {
            current = &current[i];
        }
    }
    current
}

#[test]
fn tolerance_vectors() {
    let text = fixture("tolerance-vectors.json");
    let vectors: Value = serde_json::from_str(&text).unwrap();
    let exact = Json::parse(&text).unwrap();
    let Some(Json::Array(exact_cases)) = exact.get("cases") else {
        panic!("cases")
    };
    for (case, exact_case) in vectors["cases"].as_array().unwrap().iter().zip(exact_cases) {
        let name = case["name"].as_str().unwrap();
        let input = exact_case.get("input").unwrap();
        let expect = &case["expect"];
        let is_page = input.get("requests").is_some();
        let (warnings, as_json) = if is_page {
            let d =
                decode_page_json(input, Mode::Tolerant).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(Value::Bool(d.value.has_next), expect["has_next"], "{name}");
            (d.warnings.len(), d.value.to_json().to_value().unwrap())
        } else {
            let d = decode_request_json(input, Mode::Tolerant)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            check_request(name, &d.value, expect);
            (d.warnings.len(), d.value.to_json().to_value().unwrap())
        };
        assert_eq!(
            Some(warnings as u64),
            expect["warnings"].as_u64(),
            "{name}: warnings"
        );
        if let Some(contains) = expect.get("reserialised_contains") {
            let text = as_json.to_string();
            for needle in contains.as_array().unwrap() {
                assert!(text.contains(needle.as_str().unwrap()), "{name}: {text}");
            }
        }
        let strict_rejects = case["strict"].as_str().unwrap().starts_with("reject");
        let strict = if is_page {
            decode_page_json(input, Mode::Strict).map(|_| ())
        } else {
            decode_request_json(input, Mode::Strict).map(|_| ())
        };
        assert_eq!(strict.is_err(), strict_rejects, "{name}: strict mode");
    }
}

fn check_request(name: &str, r: &WorkflowRequest, expect: &Value) {
    let v = r.to_json().to_value().unwrap();
    let checked = check_header(name, r, &v)
        || check_items(name, r)
        || check_item_dates(name, r)
        || check_steps(name, r)
        || check_operations_and_folders(name, r, &v);
    if !checked {
        panic!("no check written for tolerance vector {name}");
    }
    if let Some(id) = expect.get("id") {
        assert_eq!(lookup(&v, "id"), id, "{name}: id");
    }
}

/// The request's own fields: id, name, form, applicant, unknown extras. False: not its vector.
fn check_header(name: &str, r: &WorkflowRequest, v: &Value) -> bool {
    match name {
        "js-create-screen-null-id" => {
            assert_eq!(r.id.as_deref(), None);
            assert_eq!(v["id"], Value::Null);
            assert_eq!(r.name.as_deref(), Some(""));
        }
        "form-nested-under-applicant" => {
            let form = r.form.as_ref().unwrap();
            assert_eq!(
                (form.id.as_deref(), form.name.as_deref()),
                (Some("123"), Some("費用申請"))
            );
            assert!(r.applicant.as_ref().unwrap().extra.is_empty());
        }
        "unknown-extra-fields-round-trip" => {
            assert_eq!(
                r.extra.get("priorityLevel"),
                Some(&Json::Number(JsonNumber::new("3").unwrap()))
            );
            assert_eq!(
                r.applicant.as_ref().unwrap().extra.get("department"),
                Some(&Json::String("R&D".into()))
            );
        }
        _ => return false,
    }
    true
}

/// Item values of every type but dates. False: not its vector.
fn check_items(name: &str, r: &WorkflowRequest) -> bool {
    match name {
        "legacy-route-navi-nested-values" => assert_eq!(
            r.items.as_ref().unwrap().get("Item11").unwrap().value,
            Some(ItemValue::RouteNavi {
                route: "foo - bar".into(),
                expense: "100".into()
            })
        ),
        "unknown-and-alias-item-types" => {
            let items = r.items.as_ref().unwrap();
            assert_eq!(
                items.get("r").unwrap().value,
                Some(ItemValue::RouteNavi {
                    route: "A - B".into(),
                    expense: "320".into()
                })
            );
            assert_eq!(items.get("sp").unwrap().value, Some(ItemValue::Blank));
            assert_eq!(
                items.get("x").unwrap().value,
                Some(ItemValue::Unknown {
                    type_: "SIGNATURE_PAD".into(),
                    raw: Json::parse(r#"{"strokes": 12}"#).unwrap()
                })
            );
            match &items.get("d").unwrap().value {
                Some(ItemValue::Date(d)) => {
                    assert_eq!((d.year, d.month, d.day), (Some(2025), Some(1), Some(2)))
                }
                other => panic!("{other:?}"),
            }
        }
        "permission-hidden-item" => {
            assert_eq!(r.items.as_ref().unwrap().get("salary").unwrap().value, None)
        }
        "numbers-and-booleans-in-odd-json-types" => {
            assert_eq!(r.is_urgent, Some(true));
            let items = r.items.as_ref().unwrap();
            assert_eq!(
                items.get("n").unwrap().value,
                Some(ItemValue::Number("1234.50".into()))
            );
            let empty = items.get("e").unwrap().value.clone().unwrap();
            assert_eq!(empty, ItemValue::Number(String::new()));
            assert_eq!(empty.as_decimal(), Ok(None));
            assert_eq!(
                items.get("c").unwrap().value,
                Some(ItemValue::CheckBox(true))
            );
            match &items.get("f").unwrap().value {
                Some(ItemValue::Files(files)) => assert_eq!(
                    (files[0].id.as_deref(), files[0].size.as_deref()),
                    (Some("10"), Some("23175"))
                ),
                other => panic!("{other:?}"),
            }
            assert_eq!(
                r.steps.as_ref().unwrap().get("S").unwrap().is_approval_step,
                Some(false)
            );
        }
        _ => return false,
    }
    true
}

/// Partial dates and date-times. False: not its vector.
fn check_item_dates(name: &str, r: &WorkflowRequest) -> bool {
    match name {
        "date-partials" => {
            let items = r.items.as_ref().unwrap();
            let date = |k: &str| match &items.get(k).unwrap().value {
                Some(ItemValue::Date(d)) => (d.year, d.month, d.day),
                other => panic!("{k}: {other:?}"),
            };
            assert_eq!(date("a"), (Some(2016), Some(8), Some(11)));
            assert_eq!(date("b"), (None, None, None));
            assert_eq!(date("c"), (None, Some(8), Some(11)));
            assert_eq!(date("d"), (Some(2016), None, Some(11)));
            assert_eq!(date("e"), (Some(2016), Some(8), None));
            assert_eq!(date("f"), (Some(2016), None, None));
            assert_eq!(date("g"), (None, None, None));
            assert!(
                matches!(&items.get("h").unwrap().value, Some(ItemValue::Mismatch { type_, .. }) if type_ == "DATE")
            );
            match &items.get("i").unwrap().value {
                Some(ItemValue::DateTime { date, time }) => assert_eq!(
                    (date.year, date.month, date.day, time.clone()),
                    (None, Some(8), Some(11), None)
                ),
                other => panic!("{other:?}"),
            }
        }
        _ => return false,
    }
    true
}

/// Steps: requirements and processors. False: not its vector.
fn check_steps(name: &str, r: &WorkflowRequest) -> bool {
    match name {
        "legacy-processor-date-and-misspelt-requirement" => {
            let step = r.steps.as_ref().unwrap().get("Step1").unwrap();
            assert_eq!(step.id.as_deref(), Some("15"));
            assert_eq!(
                step.requirement.as_ref().unwrap().kind,
                RequirementKind::AllApprovers
            );
            assert_eq!(
                step.processors[0].operated_at.as_ref().unwrap().raw,
                "2016-09-28T06:13:15Z"
            );
            assert_eq!(
                step.processors[0].result.as_ref().unwrap().kind,
                ResultKind::Approved
            );
        }
        "requirement-label-spacing-and-width" => {
            let kind = |k: &str| {
                r.steps
                    .as_ref()
                    .unwrap()
                    .get(k)
                    .unwrap()
                    .requirement
                    .clone()
                    .unwrap()
            };
            assert_eq!(kind("A").kind, RequirementKind::AllApprovers);
            assert_eq!(kind("B").kind, RequirementKind::AnyOneApprover);
            assert_eq!(kind("C").kind, RequirementKind::AnyOneApprover);
            assert_eq!(
                kind("D").kind,
                RequirementKind::Unknown("Zustimmung (alle)".into())
            );
            assert_eq!(kind("D").raw, "Zustimmung (alle)");
        }
        _ => return false,
    }
    true
}

/// Status, available operations and folders. False: not its vector.
fn check_operations_and_folders(name: &str, r: &WorkflowRequest, v: &Value) -> bool {
    match name {
        "legacy-wrapped-folders-and-bare-sentback-target" => {
            assert_eq!(
                r.available_operations.as_ref().unwrap().sent_back_targets,
                vec!["$applicant".to_string()]
            );
            let folders = r.folders.as_deref().unwrap();
            assert_eq!(
                (folders[0].id.as_deref(), &folders[0].kind),
                (Some("3"), &FolderType::Received)
            );
            assert_eq!(
                (folders[1].id.as_deref(), &folders[1].kind),
                (Some("4"), &FolderType::Sent)
            );
        }
        "unknown-enum-tokens-are-kept" => {
            let status = r.status.as_ref().unwrap();
            assert_eq!(status.kind, StatusType::Unknown("ON_HOLD".into()));
            assert_eq!(status.name.as_deref(), Some("保留"));
            assert_eq!(
                r.available_operations.as_ref().unwrap().list,
                vec![Operation::Approve, Operation::Unknown("DELEGATE".into())]
            );
            assert_eq!(
                r.folders.as_deref().unwrap()[0].kind,
                FolderType::Unknown("ARCHIVE".into())
            );
            assert_eq!(
                v["status"]["type"], "ON_HOLD",
                "unknown tokens are written back"
            );
        }
        _ => return false,
    }
    true
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9 ぁ-ん]{0,8}"
}

fn item_strategy() -> impl Strategy<Value = Value> {
    prop_oneof![
        text().prop_map(|t| json!({"name": "t", "type": "SINGLE_LINE_TEXT", "value": t})),
        "[0-9]{1,5}(\\.[0-9]{1,2})?".prop_map(|n| json!({"name": "n", "type": "NUMBER", "value": n})),
        any::<bool>().prop_map(|b| json!({"name": "c", "type": "CHECK_BOX", "value": b})),
        (prop::option::of(1990..2030u32), prop::option::of(1..13u32), prop::option::of(1..29u32)).prop_map(|(y, m, d)| {
            let f = |v: Option<u32>, w: usize| v.map(|v| format!("{v:0w$}")).unwrap_or_default();
            json!({"name": "d", "type": "DATE", "value": format!("{}-{}-{}", f(y, 4), f(m, 2), f(d, 2))})
        }),
        (text(), "[0-9]{1,5}").prop_map(|(r, e)| json!({"name": "r", "type": "ROUTE_NAVI", "value": {"route": r, "expense": e}})),
        Just(json!({"name": "hidden", "type": "NUMBER"})),
    ]
}

prop_compose! {
    fn request_strategy()(
        id in prop::option::of("[0-9]{1,6}"),
        status in prop::option::of(prop::sample::select(vec!["UNPROCESSING", "IN_PROGRESS", "SENT_BACK", "APPROVED", "REJECTED", "WITHDRAWN", "CANCELLED", "COMPLETED"])),
        urgent in prop::option::of(any::<bool>()),
        items in prop::option::of(prop::collection::vec(item_strategy(), 0..5)),
        approval in any::<bool>(),
        extra in prop::option::of(text()),
    ) -> Value {
        let mut r = serde_json::Map::new();
        if let Some(id) = id { r.insert("id".into(), json!(id)); }
        if let Some(s) = status { r.insert("status".into(), json!({"name": "x", "type": s})); }
        if let Some(u) = urgent { r.insert("isUrgent".into(), json!(u)); }
        if let Some(items) = items {
            r.insert("items".into(), Value::Object(items.into_iter().enumerate().map(|(i, it)| (format!("${}", i + 1), it)).collect()));
        }
        r.insert("steps".into(), json!({"S1": {"id": "1", "name": "s", "requirement": if approval { "承認(全員)" } else { "回覧" }, "isApprovalStep": u8::from(approval), "processors": [{"code": "u", "name": "U", "result": "-"}]}}));
        if let Some(e) = extra { r.insert("customField".into(), json!(e)); }
        Value::Object(r)
    }
}

proptest! {
    #[test]
    fn generated_requests_round_trip(doc in request_strategy()) {
        let decoded = decode_request(&doc.to_string(), Mode::Strict).unwrap();
        prop_assert_eq!(decoded.value.to_json().to_text(), doc.to_string());
        let again: WorkflowRequest = serde_json::from_str(&serde_json::to_string(&decoded.value).unwrap()).unwrap();
        prop_assert_eq!(again, decoded.value);
    }

    #[test]
    fn arbitrary_text_never_panics(text in ".{0,200}") {
        let _ = decode_request(&text, Mode::Tolerant);
        let _ = decode_page(&text, Mode::Strict);
    }
}

/// The decoder's loose ends (issue 28), each decided by the spec: an undocumented shape is a
/// tolerance event (a warning when tolerant, an error when strict), and what was absent is
/// told apart from what was empty.
#[test]
fn loose_ends_warn_in_tolerant_mode_and_fail_in_strict_mode() {
    let cases = [
        (
            "a DATETIME without time",
            r#"{"items":{"d":{"name":"d","type":"DATETIME","value":{"date":"2016-11-12"}}}}"#,
            "no time",
        ),
        (
            "a status without name",
            r#"{"status":{"type":"IN_PROGRESS"}}"#,
            "status without a \"name\"",
        ),
        (
            "a NUMBER that is no number",
            r#"{"items":{"n":{"name":"n","type":"NUMBER","value":"abc"}}}"#,
            "is not a decimal number",
        ),
        (
            "a step without processors",
            r#"{"steps":{"s1":{"id":"1","name":"Lead","requirement":"ALL","isApprovalStep":true}}}"#,
            "step without \"processors\"",
        ),
    ];
    for (what, text, warned) in cases {
        let tolerant =
            decode_request(text, Mode::Tolerant).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(
            tolerant.warnings.iter().any(|w| w.message.contains(warned)),
            "{what}: {:?}",
            tolerant.warnings
        );
        assert!(
            decode_request(text, Mode::Strict).is_err(),
            "{what}: strict accepts it"
        );
    }
    let no_name = decode_request(r#"{"status":{"type":"IN_PROGRESS"}}"#, Mode::Tolerant).unwrap();
    assert_eq!(no_name.value.status.as_ref().unwrap().name, None);
    let empty_name = decode_request(
        r#"{"status":{"name":"","type":"IN_PROGRESS"}}"#,
        Mode::Strict,
    )
    .unwrap();
    assert_eq!(
        empty_name.value.status.as_ref().unwrap().name.as_deref(),
        Some("")
    );

    let abc = ItemValue::Number("abc".into());
    assert_eq!(abc.as_decimal(), Err(NotADecimal { text: "abc".into() }));
    assert_eq!(ItemValue::Number(String::new()).as_decimal(), Ok(None));

    let root = decode_request("[1]", Mode::Strict).unwrap_err();
    assert!(root.to_string().contains("at the document root"), "{root}");
    assert!(!root.to_string().contains("at :"), "{root}");
}

#[test]
fn operations_without_sent_back_targets_are_warned_about() {
    let text = r#"{"request":{"availableOperations":{"list":["APPROVE"]}}}"#;
    let tolerant = decode_request(text, Mode::Tolerant).unwrap();
    assert!(
        tolerant
            .warnings
            .iter()
            .any(|w| w.message.contains("sentBackTargets")),
        "{:?}",
        tolerant.warnings
    );
    assert!(decode_request(text, Mode::Strict).is_err());
}

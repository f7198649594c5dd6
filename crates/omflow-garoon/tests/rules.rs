//! The Garoon request object's rules (spec §1, §10), on documents written for these tests:
//! the JavaScript wrapper, unknown members kept exactly, re-encoding what was read, JSON
//! pointers, strict-mode messages and the typed accessors.

use omflow_garoon::model::*;
use proptest::prelude::*;

fn compact(text: &str) -> String {
    Json::parse(text).unwrap().to_text()
}

#[test]
fn a_wrapper_with_sibling_members_is_unwrapped_in_both_modes() {
    let text = r#"{"type":"workflow.request.show","request":{"id":"7","status":{"name":"x","type":"IN_PROGRESS"}},"flag":1e400}"#;
    for mode in [Mode::Strict, Mode::Tolerant] {
        let decoded = decode_request(text, mode).unwrap();
        let request = &decoded.value;
        assert_eq!(request.id.as_deref(), Some("7"), "{mode:?}");
        assert_eq!(
            request.status.as_ref().unwrap().kind,
            StatusType::InProgress
        );
        let Variant::JsWrapper { extra: members } = &request.variant else {
            panic!("{mode:?}: the caller is told it was wrapped")
        };
        assert_eq!(members.keys().collect::<Vec<_>>(), ["type", "flag"]);
        assert_eq!(
            members.get("flag"),
            Some(&Json::Number(JsonNumber::new("1e400").unwrap()))
        );
        assert_eq!(
            request.to_json().to_text(),
            text,
            "the wrapper is written back"
        );
        assert!(decoded.warnings.is_empty());
    }
    let bare = decode_request(r#"{"id":"8"}"#, Mode::Strict).unwrap();
    assert_eq!(bare.value.variant, Variant::Rest);
}

#[test]
fn an_object_that_is_not_a_request_is_never_an_empty_request_in_silence() {
    for text in [r#"{"foo":1}"#, r#"{"request":"nope"}"#, "{}"] {
        let err = decode_request(text, Mode::Strict).unwrap_err();
        assert!(
            err.message.contains("none of a request object's members"),
            "{text}: {err}"
        );
        assert!(
            !err.message.contains("read as"),
            "strict says what is rejected: {err}"
        );
        let tolerant = decode_request(text, Mode::Tolerant).unwrap();
        assert_eq!(tolerant.warnings.len(), 1, "{text}");
        assert_eq!(tolerant.warnings[0].path, "", "the whole document");
    }
}

/// Unknown members with numbers no f64 holds, at every level of the model.
const EVERY_LEVEL: &str = r#"{"requests":[{"id":"1","x0":123456789012345678901234567890,"status":{"name":"承認済み","type":"APPROVED","x1":1e400},"applicant":{"code":"a","name":"A","x2":0.10000000000000000000001,"proxy":{"code":"p","name":"P","x3":-0.0}},"form":{"id":"5","x4":18446744073709551616},"items":{"f":{"name":"F","type":"FILE","value":[{"id":"1","name":"a.txt","size":"12","x5":1E+2}],"x6":{"deep":[1.50,2e-7]}}},"steps":{"S":{"id":"1","name":"S","x7":99999999999999999999,"processors":[{"code":"u","name":"U","x8":3.14159265358979323846264338327950288}]}},"availableOperations":{"list":["APPROVE"],"sentBackTargets":[],"x9":1e-400},"folders":[{"id":"1","type":"SENT","x10":7.0e0}]}],"hasNext":false,"x11":12345678901234567890123}"#;

#[test]
fn unknown_members_keep_their_exact_text_at_every_level() {
    let page = decode_page(EVERY_LEVEL, Mode::Strict).unwrap();
    assert!(page.warnings.is_empty());
    assert_eq!(page.value.to_json().to_text(), EVERY_LEVEL);
    let request = &page.value.requests[0];
    let number = |j: Option<&Json>| match j {
        Some(Json::Number(n)) => n.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        number(request.extra.get("x0")),
        "123456789012345678901234567890"
    );
    assert_eq!(
        number(request.status.as_ref().unwrap().extra.get("x1")),
        "1e400"
    );
    let applicant = request.applicant.as_ref().unwrap();
    assert_eq!(
        number(applicant.extra.get("x2")),
        "0.10000000000000000000001"
    );
    assert_eq!(
        number(applicant.proxy.as_ref().unwrap().extra.get("x3")),
        "-0.0"
    );
    assert_eq!(
        number(request.form.as_ref().unwrap().extra.get("x4")),
        "18446744073709551616"
    );
    let item = request.items.as_ref().unwrap().get("f").unwrap();
    assert_eq!(
        item.extra.get("x6").unwrap().to_text(),
        r#"{"deep":[1.50,2e-7]}"#
    );
    let Some(ItemValue::Files(files)) = &item.value else {
        panic!()
    };
    assert_eq!(number(files[0].extra.get("x5")), "1E+2");
    assert_eq!(files[0].size_bytes(), Some(12));
    let step = request.steps.as_ref().unwrap().get("S").unwrap();
    assert_eq!(number(step.extra.get("x7")), "99999999999999999999");
    assert_eq!(
        number(step.processors[0].person.extra.get("x8")),
        "3.14159265358979323846264338327950288"
    );
    assert_eq!(
        number(
            request
                .available_operations
                .as_ref()
                .unwrap()
                .extra
                .get("x9")
        ),
        "1e-400"
    );
    assert_eq!(
        number(request.folders.as_deref().unwrap()[0].extra.get("x10")),
        "7.0e0"
    );
    assert_eq!(
        number(page.value.extra.get("x11")),
        "12345678901234567890123"
    );
    // Nothing rounds silently on the way to serde_json.
    for exact in [
        "123456789012345678901234567890",
        "1e400",
        "0.10000000000000000000001",
    ] {
        let err = Json::Number(JsonNumber::new(exact).unwrap())
            .to_value()
            .unwrap_err();
        assert_eq!(err.0, exact);
    }
    assert!(request.to_json().to_value().is_err());
    assert_eq!(serde_json::to_string(&page.value).unwrap(), EVERY_LEVEL);
}

#[test]
fn re_encoding_adds_no_member_that_was_absent() {
    // Undocumented absences (a status without name, a time, processors, sentBackTargets)
    // are warned about, and still not written back.
    let text = r#"{"status":{"type":"APPROVED"},"items":{"d":{"type":"DATETIME","value":{"date":"2025-01-02"}},"s":{"type":"SINGLE_LINE_TEXT"}},"steps":{"S":{"id":"1"}},"availableOperations":{"list":["APPROVE"]}}"#;
    let decoded = decode_request(text, Mode::Tolerant).unwrap();
    assert_eq!(decoded.warnings.len(), 4, "{:?}", decoded.warnings);
    assert_eq!(decoded.value.to_json().to_text(), text);
    assert_eq!(serde_json::to_string(&decoded.value).unwrap(), text);
    // Legacy shapes the typed view normalises are written back as they came.
    let legacy = r#"{"steps":{"S":{"requrirement":"承認 (全員)","processors":[{"code":"u","name":"U","date":"2016-09-28T06:13:15Z"}]}}}"#;
    let decoded = decode_request(legacy, Mode::Tolerant).unwrap();
    let step = decoded.value.steps.as_ref().unwrap().get("S").unwrap();
    assert_eq!(
        step.requirement.as_ref().unwrap().kind,
        RequirementKind::AllApprovers
    );
    assert_eq!(decoded.value.to_json().to_text(), compact(legacy));
}

#[test]
fn warnings_point_at_the_offending_member() {
    let text = r#"{"requests":[{"items":{"a/b":{"type":"SIGNATURE"},"t~x":{"type":"ROUTE_TRAVEL_EXPENSE","value":{"route":"r","expense":"1"}},"v.1":{"type":"number","value":"2"}},"status":{"name":"保留","type":"ON_HOLD"}}],"hasNext":false}"#;
    let page = decode_page(text, Mode::Tolerant).unwrap();
    let paths: Vec<&str> = page.warnings.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "/requests/0/items/a~1b/type",
            "/requests/0/items/t~0x/type",
            "/requests/0/items/v.1/type",
            "/requests/0/status/type"
        ]
    );
    let single = decode_request(
        r#"{"request":{"items":{"x":{"type":"PEN"}}}}"#,
        Mode::Tolerant,
    )
    .unwrap();
    assert_eq!(single.warnings[0].path, "/request/items/x/type");
}

#[test]
fn strict_mode_says_what_it_rejects() {
    for (text, rejected) in [
        (
            r#"{"status":{"name":"保留","type":"ON_HOLD"}}"#,
            "unknown token \"ON_HOLD\"",
        ),
        (
            r#"{"items":{"x":{"type":"PEN","value":1}}}"#,
            "unknown item type \"PEN\"",
        ),
        (
            r#"{"isUrgent":"true"}"#,
            "expected true or false, got \"true\"",
        ),
        (
            r#"{"createdAt":"yesterday"}"#,
            "\"yesterday\" is not an RFC 3339 UTC time",
        ),
    ] {
        let err = decode_request(text, Mode::Strict).unwrap_err();
        assert_eq!(err.message, rejected, "{text}");
        let tolerant = decode_request(text, Mode::Tolerant).unwrap();
        assert!(tolerant.warnings[0].message.starts_with(rejected));
        assert!(
            tolerant.warnings[0].message.len() > rejected.len(),
            "says what it did"
        );
    }
}

#[test]
fn accessors_a_user_needs() {
    assert_eq!(
        RequirementKind::AllApprovers.label(LabelLang::En),
        Some("Approval (all approvers)")
    );
    assert_eq!(
        RequirementKind::Acknowledgment.label(LabelLang::Ja),
        Some("回覧")
    );
    assert_eq!(ResultKind::Rejected.label(LabelLang::Zh), Some("驳回"));
    assert_eq!(ResultKind::Unknown("x".into()).label(LabelLang::En), None);
    let text = r#"{"applicant":{"code":"","name":"Former Staff"},"items":{"r":{"type":"RADIO_BUTTON","value":""},"m":{"type":"DROP_DOWN","value":"B"},"t":{"type":"ROUTE_NAVI","value":{"route":"A - B","expense":"1234.50"}},"d":{"type":"DATE","value":"2016--11"}},"steps":{"S":{"requirement":"Approval (any one approver)","processors":[{"code":"u","name":"U","result":"-","proxy":{"code":"p","name":"P"},"seat":"12F"},{"code":"v","name":"V","result":"承認"}]}}}"#;
    let request = decode_request(text, Mode::Strict).unwrap().value;
    assert!(request.applicant.as_ref().unwrap().is_deleted());
    let items = request.items.as_ref().unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(
        items.iter().map(|(k, _)| k).collect::<Vec<_>>(),
        ["r", "m", "t", "d"]
    );
    assert_eq!(
        items.get("r").unwrap().value.as_ref().unwrap().choice(),
        None
    );
    assert_eq!(
        items.get("m").unwrap().value.as_ref().unwrap().choice(),
        Some("B")
    );
    assert_eq!(
        items.get("t").unwrap().value.as_ref().unwrap().expense(),
        Some(rust_decimal::Decimal::new(123450, 2))
    );
    let Some(ItemValue::Date(date)) = &items.get("d").unwrap().value else {
        panic!()
    };
    assert!(format!("{date:?}").contains("\"2016--11\""), "{date:?}");
    let step = request.steps.as_ref().unwrap().get("S").unwrap();
    assert_eq!(step.requirement.as_ref().unwrap().lang, Some(LabelLang::En));
    let first = &step.processors[0];
    assert_eq!(
        first.result.as_ref().unwrap().lang,
        None,
        "'-' is spelt alike everywhere"
    );
    assert_eq!(
        first.person.proxy.as_deref().unwrap().code.as_deref(),
        Some("p")
    );
    assert_eq!(
        first.person.extra.get("seat"),
        Some(&Json::String("12F".into()))
    );
    assert_eq!(
        step.processors[1].result.as_ref().unwrap().lang,
        Some(LabelLang::Ja)
    );
}

/// Number texts JSON allows that an f64 cannot keep.
fn number_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[1-9][0-9]{19,30}",
        "-?[0-9]\\.[0-9]{18,30}",
        "-?[1-9](\\.[0-9]{1,3})?[eE][+-]?[0-9]{3}",
        "-?(0|[1-9][0-9]{0,5})(\\.[0-9]{1,4})?",
    ]
}

/// A small unknown member value: a number, text, or a nested object or list of numbers.
fn unknown_value() -> impl Strategy<Value = String> {
    prop_oneof![
        number_text(),
        "[a-z]{0,6}".prop_map(|s| format!("\"{s}\"")),
        prop::collection::vec(number_text(), 0..3).prop_map(|n| format!("[{}]", n.join(","))),
        number_text().prop_map(|n| format!("{{\"n\":{n}}}")),
    ]
}

/// `members` plus unknown ones spliced in at random places.
fn with_unknown(members: Vec<String>, unknown: Vec<(usize, String)>) -> String {
    let mut all = members;
    for (i, (at, value)) in unknown.into_iter().enumerate() {
        let at = at % (all.len() + 1);
        all.insert(at, format!("\"zz{i}\":{value}"));
    }
    format!("{{{}}}", all.join(","))
}

fn unknowns() -> impl Strategy<Value = Vec<(usize, String)>> {
    prop::collection::vec((0usize..8, unknown_value()), 0..3)
}

prop_compose! {
    fn document()(
        top in unknowns(), status in unknowns(), person in unknowns(), item in unknowns(),
        step in unknowns(), processor in unknowns(), number in "[0-9]{1,4}\\.[0-9]{2}",
    ) -> String {
        let status = with_unknown(vec![r#""name":"x""#.into(), r#""type":"APPROVED""#.into()], status);
        let applicant = with_unknown(vec![r#""code":"a""#.into(), r#""name":"A""#.into()], person);
        let item = with_unknown(vec![r#""name":"N""#.into(), r#""type":"NUMBER""#.into(), format!("\"value\":\"{number}\"")], item);
        let processor = with_unknown(vec![r#""code":"u""#.into(), r#""name":"U""#.into(), r#""result":"承認""#.into()], processor);
        let step = with_unknown(vec![r#""id":"1""#.into(), r#""isApprovalStep":1"#.into(), format!("\"processors\":[{processor}]")], step);
        with_unknown(
            vec![
                r#""id":"9""#.into(),
                format!("\"status\":{status}"),
                format!("\"applicant\":{applicant}"),
                format!("\"items\":{{\"$1\":{item}}}"),
                format!("\"steps\":{{\"S\":{step}}}"),
            ],
            top,
        )
    }
}

proptest! {
    #[test]
    fn decode_then_encode_is_the_identity_on_the_text(doc in document()) {
        let decoded = decode_request(&doc, Mode::Strict).unwrap();
        prop_assert_eq!(decoded.value.to_json().to_text(), doc.clone());
        prop_assert_eq!(serde_json::to_string(&decoded.value).unwrap(), doc.clone());
        let wrapped = format!("{{\"request\":{doc},\"type\":\"x\"}}");
        let unwrapped = decode_request(&wrapped, Mode::Strict).unwrap();
        prop_assert_eq!(unwrapped.value.to_json().to_text(), wrapped);
        prop_assert_eq!(unwrapped.value.id.as_deref(), Some("9"));
    }
}

#[test]
fn a_parse_error_says_which_kind_of_failure_it_is() {
    let not_json = decode_request("{", Mode::Tolerant).unwrap_err();
    assert_eq!(not_json.kind, ParseErrorKind::NotJson);
    assert!(
        not_json.to_string().contains("the document root"),
        "{not_json}"
    );
    let shape = decode_request(r#"{"id":{"x":1}}"#, Mode::Tolerant).unwrap_err();
    assert_eq!(
        (shape.kind, shape.path.as_str()),
        (ParseErrorKind::Shape, "/id")
    );
    let tolerated = r#"{"id":7}"#;
    assert!(decode_request(tolerated, Mode::Tolerant).is_ok());
    let strict = decode_request(tolerated, Mode::Strict).unwrap_err();
    assert_eq!(
        (strict.kind, strict.path.as_str()),
        (ParseErrorKind::Strict, "/id")
    );
}

#[test]
fn an_items_derived_values_are_reachable_from_the_item() {
    let text = r#"{"items":{"r":{"type":"RADIO_BUTTON","value":"B"},"t":{"type":"ROUTE_NAVI","value":{"route":"A - B","expense":"1234.50"}},"n":{"type":"NUMBER","value":"abc"},"w":{"type":"NUMBER"}}}"#;
    let request = decode_request(text, Mode::Tolerant).unwrap().value;
    let items = request.items.as_ref().unwrap();
    assert_eq!(items.get("r").unwrap().choice(), Some("B"));
    assert_eq!(
        items.get("t").unwrap().expense(),
        Some(rust_decimal::Decimal::new(123450, 2))
    );
    assert_eq!(
        items.get("n").unwrap().as_decimal().unwrap_err().text,
        "abc"
    );
    assert_eq!(items.get("w").unwrap().as_decimal(), Ok(None), "withheld");
    assert!(items.contains_key("w") && !items.contains_key("x"));
    let names: Vec<String> = request.items.unwrap().into_iter().map(|(k, _)| k).collect();
    assert_eq!(names, ["r", "t", "n", "w"]);
}

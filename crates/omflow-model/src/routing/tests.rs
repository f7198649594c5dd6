//! The routing rules on charts written here (the demo flow's shape, and one stop of each
//! kind the prediction stops at).

use super::*;
use serde_json::json;

/// The demo flow: 任務分析 → 是否指派 (dispatch: back, dispatch_done: 任務處理) → 是否完成 ...
fn demo_chart() -> FlowChart {
    serde_json::from_value(json!({"items": [
        {"id": "FITEM_1", "type": "start", "text": "開始"},
        {"id": "FITEM_2", "type": "form", "text": "任務分析", "config": {"input": [
            {"name": "#G1(FORMITM_5)", "value": "2"}, {"name": "#(FORMITM_4)", "value": "dispatch"}]}},
        {"id": "FITEM_3", "type": "switch", "text": "是否指派", "config": {"rules": [
            {"target": "FITEM_2", "value1": "#(FORMITM_4)", "value2": "dispatch", "rule": "="},
            {"target": "FITEM_5", "value1": "#(FORMITM_4)", "value2": "dispatch_done", "rule": "="}]}},
        {"id": "FITEM_4", "type": "end", "text": "任務完成"},
        {"id": "FITEM_5", "type": "form", "text": "任務處理", "config": {"input": [
            {"name": "#(FORMITM_4)", "value": "work"}]}},
        {"id": "L1", "type": "line", "config": {"source_item": "FITEM_1", "target_item": "FITEM_2"}},
        {"id": "L2", "type": "line", "config": {"source_item": "FITEM_2", "target_item": "FITEM_3"}},
        {"id": "L3", "type": "line", "config": {"source_item": "FITEM_3", "target_item": "FITEM_4"}},
        {"id": "L4", "type": "line", "config": {"source_item": "FITEM_5", "target_item": "FITEM_4"}}
    ], "form_object": {"items": [
        {"id": "FORMITM_4", "type": "h_status", "config": {"title": "階段"}},
        {"id": "FORMITM_5", "type": "h_group", "config": {"group_title": "受派組織"}}]}}))
    .unwrap()
}

fn with_status(status: &str) -> TicketValues {
    let mut values = TicketValues::partial();
    values.set_field("FORMITM_4", Operand::Text(status.into()));
    values.set_field_json("FORMITM_5", &json!({"group": "2", "user": "3"}));
    values
}

#[test]
fn a_known_value_goes_to_its_stop_and_keeps_the_assignment() {
    let prediction = predict(&demo_chart(), "FITEM_2", with_status("dispatch_done"));
    assert_eq!(
        prediction.route,
        Route::AtStop {
            stop: StopRef {
                id: "FITEM_5".into(),
                text: "任務處理".into()
            },
            assignee: Some(Assignee {
                group: "2".into(),
                user: "3".into(),
                group_name: None,
            }),
        }
    );
    let passed: Vec<&str> = prediction.passed.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(passed, ["FITEM_3", "FITEM_5"]);
    assert_eq!(
        prediction.route.to_string(),
        "would go to 任務處理 (FITEM_5), group 2 user 3"
    );
}

#[test]
fn back_to_a_form_with_a_group_input_reassigns() {
    let prediction = predict(&demo_chart(), "FITEM_2", with_status("dispatch"));
    assert_eq!(
        prediction.route,
        Route::AtStop {
            stop: StopRef {
                id: "FITEM_2".into(),
                text: "任務分析".into()
            },
            assignee: Some(Assignee {
                group: "2".into(),
                user: String::new(),
                group_name: None,
            }),
        }
    );
}

#[test]
fn no_rule_strands_and_says_what_would_pass() {
    for bogus in ["bogus_value", "dispatch_Done", "work_done"] {
        let route = predict(&demo_chart(), "FITEM_2", with_status(bogus)).route;
        assert!(route.is_stranded(), "{bogus}: {route}");
        assert_eq!(route.engine_message().as_deref(), Some(NO_RULE_MATCHED));
        let text = route.to_string();
        assert!(text.contains("是否指派 (FITEM_3)"), "{text}");
        assert!(
            text.contains("#(FORMITM_4) = dispatch_done → FITEM_5"),
            "{text}"
        );
        assert!(
            text.contains(&format!("(#(FORMITM_4) is \"{bogus}\")")),
            "{text}"
        );
    }
}

#[test]
fn a_rule_with_the_reference_on_the_right_says_the_referenced_value() {
    let check = RuleCheck {
        rule: SwitchRule::new("work_done", "=", "#(FORMITM_4)", "FITEM_6"),
        left: Some(Operand::Text("work_done".into())),
        right: Some(Operand::Text("zzz".into())),
        holds: Some(false),
    };
    let text = check.to_string();
    assert!(text.contains("(#(FORMITM_4) is \"zzz\")"), "{text}");
    assert!(!text.contains("is \"work_done\""), "{text}");
}

#[test]
fn an_unseen_field_makes_the_route_unpredictable_not_refused() {
    let mut values = TicketValues::partial();
    values.set_field("FORMITM_1", Operand::Text("x".into()));
    let route = predict(&demo_chart(), "FITEM_2", values).route;
    assert!(
        matches!(&route, Route::Unpredictable { past, why } if past.id == "FITEM_3" && why.contains("#(FORMITM_4)")),
        "{route}"
    );
}

fn switch_chart(rules: serde_json::Value, calculate: serde_json::Value) -> FlowChart {
    serde_json::from_value(json!({"items": [
        {"id": "F", "type": "form", "text": "form"},
        {"id": "L", "type": "line", "config": {"source_item": "F", "target_item": "S"}},
        {"id": "S", "type": "switch", "text": "switch", "config": {"rules": rules, "calculate": calculate}},
        {"id": "A", "type": "end", "text": "a"},
        {"id": "B", "type": "end", "text": "b"}
    ]}))
    .unwrap()
}

fn ends_at(chart: &FlowChart, values: TicketValues) -> String {
    match predict(chart, "F", values).route {
        Route::Closed { at } => at.id,
        other => format!("{other}"),
    }
}

#[test]
fn the_last_rule_that_holds_wins_and_text_order_decides() {
    let chart = switch_chart(
        json!([
            {"target": "A", "value1": "#(FORMITM_1)", "value2": "2", "rule": "<"},
            {"target": "B", "value1": "#(FORMITM_1)", "value2": "1", "rule": ">"}
        ]),
        json!([]),
    );
    let mut values = TicketValues::partial();
    values.set_field("FORMITM_1", Operand::Text("12".into()));
    assert_eq!(
        ends_at(&chart, values.clone()),
        "B",
        "'12' < '2' and '12' > '1': the last wins"
    );
    values.set_field("FORMITM_1", Operand::Text("0".into()));
    assert_eq!(ends_at(&chart, values), "A");
}

#[test]
fn calculate_feeds_the_rules_with_the_value2_quirk() {
    // value1 $(CAT) was calculated here, so value2 $(want) reads the calculated want.
    let chart = switch_chart(
        json!([{"target": "A", "value1": "$(CAT)", "value2": "$(want)", "rule": "="}]),
        json!([
            {"type": "upper", "from": "#(FORMITM_6)", "para1": "", "para2": "", "to": "$(CAT)"},
            {"type": "string", "from": "SVC", "para1": "", "para2": "", "to": "$(want)"}
        ]),
    );
    let mut values = TicketValues::partial();
    values.set_field("FORMITM_6", Operand::Text("svc".into()));
    assert_eq!(ends_at(&chart, values), "A");
    // value1 a field: value2 $(want) reads the flow value, not the calculated one.
    let chart = switch_chart(
        json!([{"target": "A", "value1": "#(FORMITM_6)", "value2": "$(want)", "rule": "="}]),
        json!([{"type": "string", "from": "svc", "para1": "", "para2": "", "to": "$(want)"}]),
    );
    let mut values = TicketValues::complete();
    values.set_field("FORMITM_6", Operand::Text("svc".into()));
    assert!(predict(&chart, "F", values.clone()).route.is_stranded());
    values.set_flow("want", Operand::Text("svc".into()));
    assert_eq!(ends_at(&chart, values), "A");
}

#[test]
fn form_outputs_become_flow_values_the_switch_reads() {
    let chart: FlowChart = serde_json::from_value(json!({"items": [
        {"id": "F", "type": "form", "config": {"output": [{"name": "$(amount)", "value": "#(FORMITM_7)"}]}},
        {"id": "L", "type": "line", "config": {"source_item": "F", "target_item": "S"}},
        {"id": "S", "type": "switch", "config": {"rules": [
            {"target": "A", "value1": "$(amount)", "value2": "5", "rule": ">"}]}},
        {"id": "A", "type": "end"}
    ]}))
    .unwrap();
    let mut values = TicketValues::partial();
    values.set_field("FORMITM_7", Operand::Text("7".into()));
    assert_eq!(ends_at(&chart, values.clone()), "A");
    values.set_field("FORMITM_7", Operand::Text("10".into()));
    assert!(
        predict(&chart, "F", values).route.is_stranded(),
        "'10' < '5'"
    );
}

#[test]
fn a_null_side_or_an_order_on_none_raises() {
    let chart = switch_chart(
        json!([{"target": "A", "value1": "#(FORMITM_1)", "value2": null, "rule": "="}]),
        json!([]),
    );
    let route = predict(&chart, "F", TicketValues::complete()).route;
    assert!(
        matches!(&route, Route::Stranded { why: Strand::Raised(m), .. } if m.starts_with(SWITCH_RAISED)),
        "{route}"
    );
    let chart = switch_chart(
        json!([{"target": "A", "value1": "#(FORMITM_1)", "value2": "x", "rule": "<"}]),
        json!([]),
    );
    let route = predict(&chart, "F", TicketValues::complete()).route;
    assert!(
        matches!(
            &route,
            Route::Stranded {
                why: Strand::Raised(_),
                ..
            }
        ),
        "a NULL column: {route}"
    );
}

#[test]
fn an_unset_flow_value_is_empty_to_the_engine_and_unknown_to_a_client() {
    let chart = switch_chart(
        json!([{"target": "A", "value1": "$(route)", "value2": "", "rule": "="}]),
        json!([]),
    );
    assert_eq!(ends_at(&chart, TicketValues::complete()), "A");
    let route = predict(&chart, "F", TicketValues::partial()).route;
    assert!(matches!(route, Route::Unpredictable { .. }), "{route}");
}

#[test]
fn a_target_that_is_no_stop_closes_and_an_unknown_operator_is_unpredictable() {
    let chart = switch_chart(
        json!([{"target": "NOWHERE", "value1": "a", "value2": "a", "rule": "="}]),
        json!([]),
    );
    assert_eq!(ends_at(&chart, TicketValues::complete()), "S");
    let chart = switch_chart(
        json!([{"target": "A", "value1": "a", "value2": "a", "rule": "like"}]),
        json!([]),
    );
    let route = predict(&chart, "F", TicketValues::complete()).route;
    assert!(
        matches!(&route, Route::Unpredictable { why, .. } if why.contains("like")),
        "{route}"
    );
    let chart = switch_chart(json!([]), json!([]));
    assert!(predict(&chart, "F", TicketValues::complete())
        .route
        .is_stranded());
}

#[test]
fn an_unknown_rule_before_a_holding_one_does_not_matter() {
    let chart = switch_chart(
        json!([
            {"target": "A", "value1": "$(hidden)", "value2": "x", "rule": "="},
            {"target": "B", "value1": "a", "value2": "a", "rule": "="}
        ]),
        json!([]),
    );
    assert_eq!(ends_at(&chart, TicketValues::partial()), "B");
}

#[test]
fn setform_writes_then_moves_on_and_code_stops_are_unpredictable() {
    let chart: FlowChart = serde_json::from_value(json!({"items": [
        {"id": "F", "type": "form"},
        {"id": "L1", "type": "line", "config": {"source_item": "F", "target_item": "SET"}},
        {"id": "SET", "type": "setform", "text": "set", "config": {"input": [{"name": "#(FORMITM_4)", "value": "go"}]}},
        {"id": "L2", "type": "line", "config": {"source_item": "SET", "target_item": "S"}},
        {"id": "S", "type": "switch", "config": {"rules": [
            {"target": "P", "value1": "#(FORMITM_4)", "value2": "go", "rule": "="}]}},
        {"id": "P", "type": "python", "text": "script"}
    ]}))
    .unwrap();
    let prediction = predict(&chart, "F", TicketValues::partial());
    assert!(
        matches!(&prediction.route, Route::Unpredictable { past, why } if past.id == "P" && why.contains("python")),
        "{:?}",
        prediction.route
    );
    assert_eq!(prediction.passed.len(), 3);
}

#[test]
fn forks_and_dead_ends() {
    let chart: FlowChart = serde_json::from_value(json!({"items": [
        {"id": "F", "type": "form"},
        {"id": "G", "type": "form"},
        {"id": "L1", "type": "line", "config": {"source_item": "F", "target_item": "A"}},
        {"id": "L2", "type": "line", "config": {"source_item": "F", "target_item": "B"}},
        {"id": "A", "type": "end"}, {"id": "B", "type": "end"}
    ]}))
    .unwrap();
    assert!(matches!(
        predict(&chart, "F", TicketValues::partial()).route,
        Route::Unpredictable { .. }
    ));
    assert!(
        matches!(predict(&chart, "G", TicketValues::partial()).route, Route::Closed { at } if at.id == "G")
    );
    assert!(matches!(
        predict(&chart, "X", TicketValues::partial()).route,
        Route::Unpredictable { .. }
    ));
}

#[test]
fn group_inputs_in_the_engine_order() {
    let arrive_with = |inputs: serde_json::Value| {
        let chart: FlowChart = serde_json::from_value(json!({"items": [
            {"id": "F", "type": "form"},
            {"id": "L", "type": "line", "config": {"source_item": "F", "target_item": "G"}},
            {"id": "G", "type": "form", "config": {"input": inputs}}
        ]}))
        .unwrap();
        match predict(&chart, "F", TicketValues::partial()).route {
            Route::AtStop { assignee, .. } => assignee,
            other => panic!("{other}"),
        }
    };
    let assignee = |g: &str, u: &str| {
        Some(Assignee {
            group: g.into(),
            user: u.into(),
            group_name: None,
        })
    };
    assert_eq!(
        arrive_with(
            json!([{"name": "#G1(FORMITM_5)", "value": "1"}, {"name": "#G2(FORMITM_5)", "value": "4"}])
        ),
        assignee("1", "4")
    );
    assert_eq!(
        arrive_with(json!([{"name": "#G2(FORMITM_5)", "value": "4"}])),
        assignee("", ""),
        "a user without a group counts for nothing"
    );
    assert_eq!(
        arrive_with(
            json!([{"name": "#G2(FORMITM_5)", "value": "4"}, {"name": "#G1(FORMITM_5)", "value": "1"}])
        ),
        assignee("", ""),
        "G2 before G1 loses both"
    );
    assert_eq!(
        arrive_with(json!([{"name": "#G1(FORMITM_5)", "value": "$(grp)"}])),
        None,
        "a flow value the SDK cannot see"
    );
    assert_eq!(
        arrive_with(json!([])),
        None,
        "kept, and the chart has no h_group field"
    );
}

#[test]
fn a_stop_inside_a_subflow_is_said_to_be_one() {
    let chart: FlowChart = serde_json::from_value(json!({"items": [
        {"id": "FITEM_8", "type": "subflow", "text": "子流程"}
    ]}))
    .unwrap();
    let inside = predict(&chart, "FITEM_8-FITEM_2", TicketValues::partial());
    let said = inside.route.to_string();
    assert!(said.contains("a stop inside a subflow"), "{said}");
    let unknown = predict(&chart, "FITEM_99", TicketValues::partial()).route;
    assert!(unknown.to_string().contains("no such stop"), "{unknown}");
}

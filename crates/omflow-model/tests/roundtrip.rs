//! Any buildable query, record and request body survives serialize → deserialize unchanged.

use omflow_model::query::{col, ConditionSpec, Query, Scalar};
use omflow_model::*;
use proptest::prelude::*;
use serde_json::Value;

fn column() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("id".to_string()),
        Just("level".to_string()),
        Just("title".to_string()),
        Just("data_no".to_string()),
        "[a-z][a-z0-9]{0,6}(_[a-z0-9]{1,5})?",
    ]
}

fn scalar() -> impl Strategy<Value = Scalar> {
    prop_oneof![
        Just(Scalar::NULL),
        any::<bool>().prop_map(Scalar::from),
        any::<i64>().prop_map(Scalar::from),
        any::<u64>().prop_map(Scalar::from),
        ".{0,12}".prop_map(Scalar::from),
    ]
}

fn non_null_scalar() -> impl Strategy<Value = Scalar> {
    scalar().prop_filter("not null", |s| !s.as_value().is_null())
}

fn condition() -> impl Strategy<Value = ConditionSpec> {
    (
        column(),
        0..5u8,
        scalar(),
        non_null_scalar(),
        ".{0,10}",
        prop::collection::vec(scalar(), 1..4),
    )
        .prop_map(|(c, which, any, non_null, text, list)| match which {
            0 => col(c).eq(any),
            1 => col(c).gt(non_null),
            2 => col(c).lt(non_null),
            3 => col(c).contains(text),
            _ => col(c).is_in(list),
        })
}

prop_compose! {
    fn query()(
        filters in prop::collection::vec(condition(), 0..4),
        excludes in prop::collection::vec(condition(), 0..3),
        order in prop::collection::vec((column(), any::<bool>()), 0..3),
        columns in prop::collection::vec(column(), 0..4),
        offset in 0..1_000_000u64,
        page_size in 1..10_000u64,
    ) -> Query {
        let mut b = Query::builder().offset(offset).page_size(page_size).columns(columns);
        for f in filters { b = b.filter(f); }
        for e in excludes { b = b.exclude_when_all(e); }
        for (c, desc) in order { b = if desc { b.order_by_desc(c) } else { b.order_by(c) }; }
        b.build().expect("generated queries are valid")
    }
}

fn timestamp() -> impl Strategy<Value = Timestamp> {
    (
        2000..2100i32,
        1..13u32,
        1..29u32,
        0..24u32,
        0..60u32,
        0..60u32,
        prop::option::of(0..1000u32),
    )
        .prop_map(|(y, mo, d, h, mi, s, ms)| {
            let text = match ms {
                Some(ms) => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{ms:03}"),
                None => format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
            };
            text.parse().unwrap()
        })
}

fn opt_text() -> impl Strategy<Value = Value> {
    prop_oneof![Just(Value::Null), ".{0,12}".prop_map(Value::from)]
}

prop_compose! {
    fn mission_json()(
        id in 1..u32::MAX as u64, data_no in prop::option::of(1..100_000u64), data_id in prop::option::of(1..100_000u64),
        history in any::<bool>(), closed in any::<bool>(), attachment in any::<bool>(),
        texts in prop::collection::vec(opt_text(), 8),
        t1 in timestamp(), t2 in timestamp(), t3 in prop::option::of(timestamp()),
        assignee in prop::option::of(1..1000u64), group in prop::option::of(1..1000u64),
        flags in prop::option::of((any::<bool>(), any::<bool>())),
        extra in prop::option::of(("x_[a-z]{1,5}", opt_text())),
    ) -> Value {
        let mut m = serde_json::json!({
            "id": id, "flow_uuid": "dc33fb34-0034-418c-8fbb-3baf15525e86", "flow_name": texts[0],
            "status": texts[1], "level": texts[2], "title": texts[3], "data_no": data_no, "data_id": data_id,
            "history": history, "stop_uuid": texts[4], "stop_chart_text": texts[5],
            "create_user_id": texts[6], "update_user_id": texts[7],
            "ticket_createtime": t3, "createtime": t1, "updatetime": t2,
            "assignee_id": assignee, "assign_group_id": group, "action": texts[0],
            "attachment": attachment, "closed": closed,
        });
        if let Some((active, deployed)) = flags {
            m["is_active"] = active.into();
            m["deploy_flag"] = deployed.into();
        }
        if let Some((key, value)) = extra { m[key] = value; }
        m
    }
}

fn field_id() -> impl Strategy<Value = FieldId> {
    (1..50u32).prop_map(|n| FieldId::new(format!("FORMITM_{n}")).unwrap())
}

fn form_item() -> impl Strategy<Value = FormItem> {
    (
        field_id(),
        0..5u8,
        ".{0,10}",
        prop::option::of(1..100u64),
        prop::option::of(1..100u64),
        prop::collection::vec("[a-z]{1,5}", 0..3),
    )
        .prop_map(|(id, which, text, g, u, list)| match which {
            0 => FormItem::new(id, FieldType::HTitle, text).unwrap(),
            1 => FormItem::new(id, FieldType::HStatus, text).unwrap(),
            2 => FormItem::group(
                id,
                GroupAssignment {
                    group: g.map(GroupId),
                    user: u.map(UserId),
                },
            ),
            3 => FormItem::new(id, FieldType::Checkbox, Value::from(list)).unwrap(),
            _ => FormItem::new(id, FieldType::parse("date"), text).unwrap(),
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn queries_round_trip_and_use_only_the_five_words(q in query()) {
        let wire = serde_json::to_value(&q).unwrap();
        for list in ["search_conditions", "exclude_conditions"] {
            for c in wire[list].as_array().unwrap() {
                let word = c["condition"].as_str().unwrap();
                prop_assert!(["=", ">", "<", "in", "contains"].contains(&word), "{}", word);
                prop_assert_eq!(c.as_object().unwrap().len(), 3);
            }
        }
        let back: Query = serde_json::from_value(wire.clone()).unwrap();
        prop_assert_eq!(&back, &q);
        prop_assert_eq!(serde_json::to_value(&back).unwrap(), wire);
    }

    #[test]
    fn missions_round_trip(m in mission_json()) {
        let mission: Mission = serde_json::from_value(m.clone()).unwrap();
        let again = serde_json::to_value(&mission).unwrap();
        prop_assert_eq!(&again, &m);
        let back: Mission = serde_json::from_value(again).unwrap();
        prop_assert_eq!(back, mission);
    }

    #[test]
    fn request_bodies_round_trip(items in prop::collection::vec(form_item(), 0..6), data_id in 1..u64::MAX, nos in prop::collection::vec(1..u64::MAX, 0..5), qa in any::<bool>()) {
        let create = CreateTicket::new(items.clone());
        prop_assert_eq!(serde_json::from_value::<CreateTicket>(serde_json::to_value(&create).unwrap()).unwrap(), create);
        let push = PushTicket::new(DataId(data_id), items);
        prop_assert_eq!(serde_json::from_value::<PushTicket>(serde_json::to_value(&push).unwrap()).unwrap(), push);
        let action = if qa { QuickAction::Action1 } else { QuickAction::Action2 };
        let quick = QuickActionTicket::new(DataId(data_id), action);
        prop_assert_eq!(serde_json::from_value::<QuickActionTicket>(serde_json::to_value(&quick).unwrap()).unwrap(), quick);
        let delete = DeleteTickets::new(nos.into_iter().map(DataNo).collect());
        prop_assert_eq!(serde_json::from_value::<DeleteTickets>(serde_json::to_value(&delete).unwrap()).unwrap(), delete);
    }

    #[test]
    fn decoders_never_panic_on_arbitrary_json(text in ".{0,64}") {
        let _ = serde_json::from_str::<Envelope>(&text);
        let _ = serde_json::from_str::<Mission>(&text);
        let _ = serde_json::from_str::<Query>(&text);
        let _ = serde_json::from_str::<FormItem>(&text);
        let _ = text.parse::<Timestamp>();
        let _ = FlowUuid::parse(&text);
        let _ = omflow_model::catalog::recognize(&text);
    }
}

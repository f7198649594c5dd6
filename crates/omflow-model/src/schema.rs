//! JSON Schemas (draft 2020-12, as OpenAPI 3.1 uses) of the wire types whose serde is
//! written by hand; the others derive theirs. Each schema follows what the type's
//! `Deserialize` accepts, as closely as JSON Schema can say it (it cannot tell `7.0` from
//! `7`: both are integers to it, while the id decoders take only the latter), so a document
//! built from them describes what this SDK reads.

use crate::envelope::{DataNoResult, StatusCode};
use crate::form::{FieldType, FormItem, GroupAssignment};
use crate::ids::{DataId, DataNo, FieldId, FlowUuid, GroupId, MissionId, UserId};
use crate::query::{Op, Query};
use crate::security::SecurityCode;
use crate::time::Timestamp;
use schemars::{json_schema, JsonSchema, Schema, SchemaGenerator};
use std::borrow::Cow;

macro_rules! int_id_schema {
    ($($name:ident: $what:literal),* $(,)?) => {$(
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!({
                    "description": concat!("A ", $what, ": a non-negative integer (not written with a fraction such as 7.0), or the same number as a string."),
                    "anyOf": [
                        {"type": "integer", "minimum": 0},
                        {"type": "string", "pattern": "^\\+?[0-9]+$"}
                    ]
                })
            }
        }
    )*};
}

int_id_schema!(
    DataId: "ticket row id (data_id)",
    DataNo: "ticket number (data_no)",
    MissionId: "mission id",
    GroupId: "group id",
    UserId: "user id",
);

/// A type whose schema is a fixed JSON text: `schema_name` is the type's name.
macro_rules! fixed_schema {
    ($($name:ident => $schema:tt),* $(,)?) => {$(
        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                stringify!($name).into()
            }

            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                json_schema!($schema)
            }
        }
    )*};
}

fixed_schema!(
    FlowUuid => {
        "description": "A flow's uuid: 32 hex digits, or hyphenated as list results carry it.",
        "type": "string",
        "pattern": "^([0-9a-fA-F]{32}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$"
    },
    FieldId => {
        "description": "A form field id.",
        "type": "string",
        "pattern": "^FORMITM_[0-9]{1,9}$"
    },
    SecurityCode => {
        "description": "The security code from /accounts/api/security/get/ (a uuid4 text).",
        "type": "string"
    },
    Timestamp => {
        "description": "Server-local time as Django writes it, without zone.",
        "type": "string",
        "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?$"
    },
    StatusCode => {
        "description": "200 success, 403 refused, 404 failed, 500 exception; an integer on the wire, a numeric string in the server's own examples.",
        "anyOf": [
            {"type": "integer", "minimum": 0, "maximum": 65535},
            {"type": "string", "pattern": "^\\s*[0-9]+\\s*$"}
        ]
    },
);

impl JsonSchema for FieldType {
    fn schema_name() -> Cow<'static, str> {
        "FieldType".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let known: Vec<String> = [
            FieldType::HTitle,
            FieldType::HLevel,
            FieldType::HStatus,
            FieldType::HGroup,
            FieldType::Areabox,
            FieldType::Inputbox,
            FieldType::Checkbox,
        ]
        .iter()
        .map(|t| t.as_str().to_string())
        .collect();
        json_schema!({
            "description": "The designer's name of a field type; any other non-empty name is kept as sent.",
            "type": "string",
            "minLength": 1,
            "examples": known
        })
    }
}

impl JsonSchema for GroupAssignment {
    fn schema_name() -> Cow<'static, str> {
        "GroupAssignment".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let id = json_schema!({"anyOf": [
            {"type": "string", "pattern": "^\\+?[0-9]*$"},
            {"type": "integer", "minimum": 0}
        ]});
        json_schema!({
            "description": "An h_group value: group and user ids as texts (\"\" for none).",
            "type": "object",
            "properties": {"group": id, "user": id},
            "required": ["group", "user"]
        })
    }
}

impl JsonSchema for FormItem {
    fn schema_name() -> Cow<'static, str> {
        "FormItem".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "One formdata item: a field, its type and its value (an h_group value is a GroupAssignment, a checkbox value a list).",
            "type": "object",
            "properties": {
                "id": generator.subschema_for::<FieldId>(),
                "type": generator.subschema_for::<FieldType>(),
                "value": {"not": {"type": "null"}}
            },
            "required": ["id", "type", "value"],
            "additionalProperties": false
        })
    }
}

impl JsonSchema for DataNoResult {
    fn schema_name() -> Cow<'static, str> {
        "DataNoResult".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "What create, push and quick action return: the ticket's data_no (\"\" in the docs, null after an engine error).",
            "anyOf": [
                generator.subschema_for::<DataNo>(),
                {"const": ""},
                {"type": "null"}
            ]
        })
    }
}

/// The query's schema (unknown members refused as there) with the flow's uuid beside it.
impl JsonSchema for crate::requests::QueryInFlow {
    fn schema_name() -> Cow<'static, str> {
        "QueryInFlow".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let mut schema = Query::json_schema(generator);
        if let Some(object) = schema.as_object_mut() {
            object.insert(
                "description".into(),
                "A list query, and on the path `None` the flow it lists beside it.".into(),
            );
            if let Some(serde_json::Value::Object(properties)) = object.get_mut("properties") {
                properties.insert(
                    "flow_uuid".into(),
                    serde_json::json!({"type": "string", "description": "The flow (32 hex digits), when the path does not name it."}),
                );
            }
        }
        schema
    }
}

impl JsonSchema for Query {
    fn schema_name() -> Cow<'static, str> {
        "Query".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let ops: Vec<&str> = Op::ALL.iter().map(|op| op.word()).collect();
        let strings = json_schema!({"type": "array", "items": {"type": "string"}});
        let conditions = json_schema!({
            "type": "array",
            "items": {
                "type": "object",
                "description": "A condition: a column path (Django lookups such as createtime__gte and relation spans such as create_user__nick_name included), an operator and a value (a list for `in`).",
                "properties": {
                    "column": {"type": "string"},
                    "condition": {"enum": ops},
                    "value": {}
                },
                "required": ["column", "condition", "value"]
            }
        });
        json_schema!({
            "description": "A list query: projection, conditions, exclusions, order (`-column` descending) and paging.",
            "type": "object",
            "properties": {
                "search_columns": strings,
                "search_conditions": conditions,
                "exclude_conditions": conditions,
                "order_columns": strings,
                "start": {"type": "integer", "minimum": 0},
                "limit": {"type": "integer", "minimum": 0}
            },
            "additionalProperties": false
        })
    }
}

//! Where a ticket has been: its earlier rows (`omdata-history/list`, a DataTables page) and
//! the engine's flow log (`flow-object/load` with a `data_no`: each stop entered, with what
//! went in and what came out), and the flow drawn with the ticket's path.

use crate::chart::{FlowChart, StopKind};
use crate::design::simple_uuid;
use crate::ids::{DataId, DataNo, FlowUuid};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Body of `omdata-history/list` as the web form sends it for an assignee (`manage` 0): the
/// ticket's earlier rows, oldest first, `length` at a time.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ListHistory {
    /// Always 1 (another draw makes the server compare with a previous page it does not have).
    pub draw: u32,
    /// The columns, as DataTables names them.
    pub columns: Vec<Value>,
    /// The order: column index and direction.
    pub order: Vec<Value>,
    /// The first row.
    pub start: u64,
    /// Rows per page.
    pub length: u64,
    /// The search box.
    pub search: Value,
    /// The flow (32 hex digits).
    #[serde(serialize_with = "simple_uuid")]
    pub flow_uuid: FlowUuid,
    /// The ticket.
    pub data_no: DataNo,
    /// The row the permission is checked on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_id: Option<DataId>,
    /// Closed and open rows.
    pub closed: Vec<u8>,
    /// 0: the assignee's columns (level, status, when, who).
    pub manage: u8,
}

impl ListHistory {
    /// The earlier rows of ticket `data_no`, oldest first, from `start`, `length` of them.
    #[must_use]
    pub fn new(
        flow_uuid: FlowUuid,
        data_no: DataNo,
        data_id: Option<DataId>,
        start: u64,
        length: u64,
    ) -> Self {
        ListHistory {
            draw: 1,
            columns: ["error", "update_user", "updatetime", "level", "status"]
                .iter()
                .map(|c| json!({"data": c}))
                .collect(),
            order: vec![json!({"column": 2, "dir": "asc"})],
            start,
            length,
            search: json!({"value": "", "regex": false}),
            flow_uuid,
            data_no,
            data_id,
            closed: vec![1, 0],
            manage: 0,
        }
    }
}

/// A page of `omdata-history/list` (a bare DataTables object, not an envelope).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct HistoryPage {
    /// The draw sent.
    #[serde(default)]
    pub draw: Value,
    /// Rows of the ticket before the search.
    #[serde(rename = "recordsTotal", default)]
    pub records_total: u64,
    /// Rows after the search.
    #[serde(rename = "recordsFiltered", default)]
    pub records_filtered: u64,
    /// Rows on this page.
    #[serde(rename = "recordsNum", default)]
    pub records_num: u64,
    /// The rows.
    #[serde(default)]
    pub data: Vec<HistoryRow>,
}

/// An earlier row of a ticket as the assignee's history shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct HistoryRow {
    /// The row's data_id.
    pub id: DataId,
    /// Its level then.
    #[serde(default)]
    pub level: Option<String>,
    /// Its status then (display text).
    #[serde(default)]
    pub status: Option<String>,
    /// When it was written.
    #[serde(default)]
    pub updatetime: Option<String>,
    /// Who wrote it (username).
    #[serde(default)]
    pub update_user: Option<String>,
}

/// One stop a ticket entered, from the engine's flow log.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct FlowLogEntry {
    /// The stop (`FITEM_n`; `FITEM_8-FITEM_1` inside a subflow).
    pub chart_id: String,
    /// When the ticket entered it.
    #[serde(default)]
    pub createtime: Option<String>,
    /// When the entry was last written (the ticket left, for most stops).
    #[serde(default)]
    pub updatetime: Option<String>,
    /// What went in: a form's written values, a switch's previous stop, ...
    #[serde(default)]
    pub input_data: Value,
    /// What came out: a switch's chosen stop, a form's outputs; `null` while the ticket
    /// waits at the stop (or when the engine could not write it).
    #[serde(default)]
    pub output_data: Value,
    /// The stop failed (a switch no rule matched, a python error).
    #[serde(default)]
    pub error: bool,
    /// The stop's kind (`form`, `switch`, `start`, `end`, ...).
    #[serde(default)]
    pub stop_chart_type: Option<String>,
    /// The stop's name.
    #[serde(default)]
    pub stop_chart_text: Option<String>,
    /// A subflow stop's subflow (its `config.subflow_id`): what reads the stops inside it
    /// (`flow_level` 2 with this `flow_uid` and the stop as `parent_chart_id`).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "given"
    )]
    pub subflow_uid: Option<String>,
    /// An outflow or inflow stop's ticket in the other flow: that flow's uuid (hex)...
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "given"
    )]
    pub outflow_uuid: Option<String>,
    /// ... and the ticket's number (none until the ticket was opened).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "given"
    )]
    pub outflow_data_no: Option<DataNo>,
}

/// A member the server fills with `''` when it has nothing to say (and may send as text or
/// as a number): empty, null or of another shape reads as none.
fn given<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::Number(n) => serde_json::from_value(Value::Number(n.clone()))
            .or_else(|_| serde_json::from_value(Value::String(n.to_string())))
            .ok(),
        other => serde_json::from_value(other).ok(),
    })
}

/// A drawing of `chart` with the stops the ticket passed and where it is now.
pub struct Path<'a> {
    /// The flow's design.
    pub chart: &'a FlowChart,
    /// The stops entered, in order.
    pub passed: &'a [FlowLogEntry],
}

impl Path<'_> {
    /// Every edge of the design: its lines and its switches' rule targets.
    fn edges(&self) -> BTreeSet<(String, String)> {
        let mut edges = BTreeSet::new();
        for stop in self.chart.stops() {
            for to in self.chart.successors(&stop.id) {
                edges.insert((stop.id.clone(), to.to_string()));
            }
            for rule in &stop.config.rules {
                if !rule.target.is_empty() {
                    edges.insert((stop.id.clone(), rule.target.clone()));
                }
            }
        }
        edges
    }

    /// The stops passed and the one the ticket waits at (the last entry with no output).
    fn marks(&self) -> (BTreeSet<&str>, Option<&str>) {
        let passed: BTreeSet<&str> = self.passed.iter().map(|e| e.chart_id.as_str()).collect();
        let current = self
            .passed
            .last()
            .filter(|e| e.output_data.is_null() || e.error)
            .map(|e| e.chart_id.as_str());
        (passed, current)
    }

    /// Graphviz `dot` text.
    #[must_use]
    pub fn dot(&self) -> String {
        let (passed, current) = self.marks();
        let mut out =
            String::from("digraph flow {\n  rankdir=LR;\n  node [fontname=\"sans-serif\"];\n");
        for stop in self.chart.stops() {
            let shape = match stop.kind() {
                StopKind::Switch => "diamond",
                StopKind::Start | StopKind::End => "ellipse",
                _ => "box",
            };
            let style = if current == Some(stop.id.as_str()) {
                ", style=filled, fillcolor=\"#f4a261\", penwidth=2"
            } else if passed.contains(stop.id.as_str()) {
                ", style=filled, fillcolor=\"#a8dadc\""
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "  {} [label={}, shape={shape}{style}];",
                quote(&stop.id),
                quote(&format!("{}\n{}", stop.text, stop.id))
            );
        }
        for (from, to) in self.edges() {
            let _ = writeln!(out, "  {} -> {};", quote(&from), quote(&to));
        }
        out.push_str("}\n");
        out
    }

    /// Mermaid `flowchart` text.
    #[must_use]
    pub fn mermaid(&self) -> String {
        let (passed, current) = self.marks();
        let mut out = String::from("flowchart LR\n");
        for stop in self.chart.stops() {
            let label = stop.text.replace('"', "'");
            let node = match stop.kind() {
                StopKind::Switch => format!("{}{{\"{label}\"}}", stop.id),
                StopKind::Start | StopKind::End => format!("{}([\"{label}\"])", stop.id),
                _ => format!("{}[\"{label}\"]", stop.id),
            };
            let _ = writeln!(out, "  {node}");
        }
        for (from, to) in self.edges() {
            let _ = writeln!(out, "  {from} --> {to}");
        }
        out.push_str(
            "  classDef passed fill:#a8dadc\n  classDef current fill:#f4a261,stroke-width:2px\n",
        );
        for stop in self.chart.stops() {
            if current == Some(stop.id.as_str()) {
                let _ = writeln!(out, "  class {} current", stop.id);
            } else if passed.contains(stop.id.as_str()) {
                let _ = writeln!(out, "  class {} passed", stop.id);
            }
        }
        out
    }
}

/// A `dot` string literal.
fn quote(text: &str) -> String {
    format!(
        "\"{}\"",
        text.replace('\\', "\\\\")
            .replace('"', "\\\"")
            .replace('\n', "\\n")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chart() -> FlowChart {
        serde_json::from_value(json!({"items": [
            {"id": "FITEM_1", "type": "start", "text": "開始"},
            {"id": "FITEM_2", "type": "form", "text": "任務分析"},
            {"id": "FITEM_3", "type": "switch", "text": "是否指派", "config": {"rules": [
                {"value1": "#(FORMITM_4)", "rule": "=", "value2": "dispatch_done", "target": "FITEM_5"}]}},
            {"id": "FITEM_5", "type": "form", "text": "任務處理"},
            {"id": "L1", "type": "line", "config": {"source_item": "FITEM_1", "target_item": "FITEM_2"}},
            {"id": "L2", "type": "line", "config": {"source_item": "FITEM_2", "target_item": "FITEM_3"}}
        ]}))
        .unwrap()
    }

    fn entry(id: &str, output: Value) -> FlowLogEntry {
        serde_json::from_value(
            json!({"chart_id": id, "input_data": "", "output_data": output, "error": false}),
        )
        .unwrap()
    }

    #[test]
    fn an_entry_names_its_subflow_and_the_ticket_it_opened_when_the_server_says() {
        let read = |extra: Value| -> FlowLogEntry {
            let mut entry = json!({"chart_id": "FITEM_3", "input_data": {}, "output_data": null});
            entry
                .as_object_mut()
                .unwrap()
                .extend(extra.as_object().unwrap().clone());
            serde_json::from_value(entry).unwrap()
        };
        let opened = read(json!({"outflow_uuid": "ab12", "outflow_data_no": "3"}));
        assert_eq!(opened.outflow_uuid.as_deref(), Some("ab12"));
        assert_eq!(opened.outflow_data_no, Some(DataNo(3)));
        let not_yet = read(json!({"outflow_uuid": "", "outflow_data_no": ""}));
        assert_eq!(
            (not_yet.outflow_uuid, not_yet.outflow_data_no),
            (None, None)
        );
        let subflow = read(json!({"subflow_uid": 1_700_000_000_301_u64}));
        assert_eq!(subflow.subflow_uid.as_deref(), Some("1700000000301"));
    }

    #[test]
    fn the_drawing_shows_every_stop_the_path_and_the_current_stop() {
        let chart = chart();
        let passed = [
            entry("FITEM_1", json!("")),
            entry("FITEM_2", json!({})),
            entry("FITEM_3", json!("FITEM_5")),
            entry("FITEM_5", Value::Null),
        ];
        let path = Path {
            chart: &chart,
            passed: &passed,
        };
        let dot = path.dot();
        for id in ["FITEM_1", "FITEM_2", "FITEM_3", "FITEM_5"] {
            assert!(dot.contains(&format!("\"{id}\" [label=")), "{dot}");
        }
        assert!(
            dot.contains("\"FITEM_3\" -> \"FITEM_5\""),
            "a switch's rule is an edge"
        );
        assert!(dot.contains("\"FITEM_5\" [label=\"任務處理\\nFITEM_5\", shape=box, style=filled, fillcolor=\"#f4a261\""));
        let mermaid = path.mermaid();
        assert!(
            mermaid.contains("class FITEM_5 current") && mermaid.contains("class FITEM_2 passed"),
            "{mermaid}"
        );
        assert!(mermaid.contains("FITEM_3{\"是否指派\"}"));
    }
}

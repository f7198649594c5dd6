//! A flow's design, the chart of stops and lines (`flow-object/load`'s `flowobject`), as the
//! designer saves it and the engine's deploy step reads it.
//!
//! Items are stops (`FITEM_n`: start, form, switch, end, python, ...) and lines
//! (`type: "line"`, with `source_item` and `target_item`). A stop has no `next` member: its
//! successors are the lines leaving it, except for a switch, whose rules name its targets
//! (its lines only draw the picture). Members this SDK does not read are kept in `extra`, and
//! lists of an unexpected shape read as empty rather than failing the whole design.

use crate::design::{simple_uuid, FormDesign};
use crate::ids::{DataNo, FlowUuid};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// Body of `flow-object/load`: the design of a ticket's flow and the ticket's flow log at one
/// level (1: the flow itself). `loadFlowObjectAjax` lets the ticket's assignee and creator
/// read it, as well as holders of the flow's View permission.
///
/// ```
/// use omflow_model::{DataNo, FlowUuid, LoadFlowChart};
/// let body = LoadFlowChart::new(FlowUuid::parse("dc33fb340034418c8fbb3baf15525e86")?, DataNo(7));
/// assert_eq!(
///     serde_json::to_string(&body)?,
///     r#"{"flow_uuid":"dc33fb340034418c8fbb3baf15525e86","data_no":7,"flow_level":1}"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LoadFlowChart {
    /// The flow (32 hex digits).
    #[serde(serialize_with = "simple_uuid")]
    pub flow_uuid: FlowUuid,
    /// The ticket whose permission admits the caller.
    pub data_no: DataNo,
    /// The level of the flow log (1: the flow itself, 2: a subflow).
    pub flow_level: u32,
    /// At level 2: the subflow (a subflow stop's [`FlowLogEntry::subflow_uid`](crate::FlowLogEntry::subflow_uid)).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flow_uid: Option<String>,
    /// At level 2: the subflow stop (`FITEM_8`) whose stops are listed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_chart_id: Option<String>,
}

impl LoadFlowChart {
    /// The flow itself (level 1), admitted through ticket `data_no`.
    #[must_use]
    pub fn new(flow_uuid: FlowUuid, data_no: DataNo) -> Self {
        LoadFlowChart {
            flow_uuid,
            data_no,
            flow_level: 1,
            flow_uid: None,
            parent_chart_id: None,
        }
    }

    /// The stops inside subflow stop `parent_chart_id` (level 2), which runs subflow
    /// `flow_uid`: the subflow's design and the ticket's log there.
    #[must_use]
    pub fn inside(
        flow_uuid: FlowUuid,
        data_no: DataNo,
        flow_uid: &str,
        parent_chart_id: &str,
    ) -> Self {
        LoadFlowChart {
            flow_level: 2,
            flow_uid: Some(flow_uid.to_string()),
            parent_chart_id: Some(parent_chart_id.to_string()),
            ..LoadFlowChart::new(flow_uuid, data_no)
        }
    }
}

/// The answer of `flow-object/load`: the design as JSON text, the ticket's flow log, the name.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[non_exhaustive]
pub struct LoadedFlowChart {
    /// The design, as JSON text (the server encodes it twice).
    pub flowobject: String,
    /// The ticket's flow log at the level asked (`null` for a level that is not a number).
    #[serde(default)]
    pub inoutput: Option<Vec<Value>>,
    /// The flow's name.
    #[serde(default)]
    pub flow_name: String,
}

impl LoadedFlowChart {
    /// The design, decoded from its JSON text.
    ///
    /// # Errors
    /// serde_json's error when the text is not a flow design.
    pub fn chart(&self) -> Result<FlowChart, serde_json::Error> {
        serde_json::from_str(&self.flowobject)
    }
}

/// A flow's design: stops, lines and the main form.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FlowChart {
    /// Stops and lines, as saved.
    #[serde(default, deserialize_with = "lenient_list")]
    pub items: Vec<ChartItem>,
    /// The main form (the fields of every stop, with their types).
    #[serde(default, deserialize_with = "lenient_form")]
    pub form_object: Option<FormDesign>,
    /// Everything else (`version`, `uid`, `subflow`, counters).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl FlowChart {
    /// The stop with this id (`FITEM_n`); lines are not stops.
    #[must_use]
    pub fn stop(&self, id: &str) -> Option<&ChartItem> {
        self.items
            .iter()
            .find(|item| item.id == id && item.kind() != StopKind::Line)
    }

    /// Where the lines leaving `id` go, in design order.
    pub fn successors<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.items.iter().filter_map(move |item| {
            (item.kind() == StopKind::Line && item.config.source_item.as_deref() == Some(id))
                .then_some(item.config.target_item.as_deref())
                .flatten()
        })
    }

    /// The stops (not the lines), in design order.
    pub fn stops(&self) -> impl Iterator<Item = &ChartItem> {
        self.items
            .iter()
            .filter(|item| item.kind() != StopKind::Line)
    }

    /// The design's version, when it says.
    #[must_use]
    pub fn version(&self) -> Option<&Value> {
        self.extra.get("version")
    }
}

/// The kind of a chart item.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StopKind {
    /// Where a ticket is created.
    Start,
    /// Where a person acts (a mission).
    Form,
    /// Chooses the next stop by its rules.
    Switch,
    /// Writes fields and moves on.
    Setform,
    /// Closes the ticket.
    End,
    /// Runs a Python script.
    Python,
    /// Waits.
    Sleep,
    /// Starts parallel branches.
    Async,
    /// Joins parallel branches.
    Collection,
    /// Runs an embedded flow.
    Subflow,
    /// Creates a ticket in another application's flow and waits for it.
    Outflow,
    /// Creates a ticket in another flow of the same application and waits for it.
    Inflow,
    /// An organization stop (same-line role).
    Org1,
    /// An organization stop (department role).
    Org2,
    /// A line between two items.
    Line,
    /// Any other kind, by name.
    Other(String),
}

impl StopKind {
    /// Reads a designer kind name.
    #[must_use]
    pub fn parse(name: &str) -> StopKind {
        match name {
            "start" => StopKind::Start,
            "form" => StopKind::Form,
            "switch" => StopKind::Switch,
            "setform" => StopKind::Setform,
            "end" => StopKind::End,
            "python" => StopKind::Python,
            "sleep" => StopKind::Sleep,
            "async" => StopKind::Async,
            "collection" => StopKind::Collection,
            "subflow" => StopKind::Subflow,
            "outflow" => StopKind::Outflow,
            "inflow" => StopKind::Inflow,
            "org1" => StopKind::Org1,
            "org2" => StopKind::Org2,
            "line" => StopKind::Line,
            other => StopKind::Other(other.to_string()),
        }
    }
}

/// One item of a [`FlowChart`]: a stop or a line.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChartItem {
    /// `FITEM_n` for stops, `FLINE_...` for lines.
    #[serde(default)]
    pub id: String,
    /// The kind's name (`form`, `switch`, `line`, ...); see [`ChartItem::kind`].
    #[serde(rename = "type", default)]
    pub item_type: String,
    /// The stop's name.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub text: String,
    /// The settings the engine reads.
    #[serde(default)]
    pub config: ChartConfig,
    /// Everything else (`left`, `top`, ...).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ChartItem {
    /// The item's kind.
    #[must_use]
    pub fn kind(&self) -> StopKind {
        StopKind::parse(&self.item_type)
    }

    /// `任務處理 (FITEM_5)`: the stop's name and id, for messages.
    #[must_use]
    pub fn describe(&self) -> String {
        if self.text.is_empty() {
            self.id.clone()
        } else {
            format!("{} ({})", self.text, self.id)
        }
    }

    /// The inputs of quick action 1 or 2 at this form stop, when it offers the action.
    #[must_use]
    pub fn quick_action_inputs(&self, which: u8) -> Option<&[Assignment]> {
        let (offered, inputs) = match which {
            1 => (&self.config.action1, &self.config.input1),
            2 => (&self.config.action2, &self.config.input2),
            _ => return None,
        };
        truthy(offered).then_some(inputs.as_slice())
    }
}

fn truthy(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::String(s) => matches!(s.as_str(), "true" | "True" | "1"),
        Value::Number(n) => n.as_f64().is_some_and(|n| n != 0.0),
        _ => false,
    }
}

/// The settings of a [`ChartItem`] the routing rules read; the rest is kept in `extra`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChartConfig {
    /// What the stop writes on arrival (form, setform: fields; start, python: variables).
    #[serde(default, deserialize_with = "lenient_list")]
    pub input: Vec<Assignment>,
    /// What the stop writes into the flow values when the ticket leaves it.
    #[serde(default, deserialize_with = "lenient_list")]
    pub output: Vec<Assignment>,
    /// Values computed on arrival.
    #[serde(default, deserialize_with = "lenient_list")]
    pub calculate: Vec<Calculation>,
    /// A switch's rules, tested in order; the last that holds wins.
    #[serde(default, deserialize_with = "lenient_list")]
    pub rules: Vec<SwitchRule>,
    /// A line's origin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_item: Option<String>,
    /// A line's end.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_item: Option<String>,
    /// A form stop offers quick action 1.
    #[serde(default)]
    pub action1: Value,
    /// Quick action 1's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action1_text: Option<String>,
    /// What quick action 1 writes.
    #[serde(default, deserialize_with = "lenient_list")]
    pub input1: Vec<Assignment>,
    /// A form stop offers quick action 2.
    #[serde(default)]
    pub action2: Value,
    /// Quick action 2's label.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action2_text: Option<String>,
    /// What quick action 2 writes.
    #[serde(default, deserialize_with = "lenient_list")]
    pub input2: Vec<Assignment>,
    /// Everything else.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `{name, value}`: an input or output of a stop (`#(FORMITM_4)` ← `work`, `$(amount)` ←
/// `#(FORMITM_7)`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Assignment {
    /// What is written (a field reference, a flow value, a variable).
    #[serde(default, deserialize_with = "text_or_empty")]
    pub name: String,
    /// What is written there (a reference or a literal; `null` is empty).
    #[serde(default)]
    pub value: Value,
    /// The engine refuses to go on when this input is empty.
    #[serde(default)]
    pub require: Value,
}

impl Assignment {
    /// An assignment of `value` to `name`.
    #[must_use]
    pub fn new(name: impl Into<String>, value: impl Into<Value>) -> Self {
        Assignment {
            name: name.into(),
            value: value.into(),
            require: Value::Bool(false),
        }
    }

    /// The value as the engine reads it: `null` is empty, other JSON as its text.
    #[must_use]
    pub fn value_text(&self) -> String {
        match &self.value {
            Value::Null => String::new(),
            Value::String(s) => s.clone(),
            other => other.to_string(),
        }
    }
}

/// One rule of a switch: `value1 rule value2` sends the ticket to `target`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SwitchRule {
    /// Where the ticket goes when the rule holds.
    #[serde(default, deserialize_with = "text_or_empty")]
    pub target: String,
    /// Left side: a reference (`#(FORMITM_4)`, `$(route)`) or a literal; `None` for `null`.
    #[serde(default)]
    pub value1: Option<String>,
    /// Right side.
    #[serde(default)]
    pub value2: Option<String>,
    /// The operator as saved (`=`, `!=`, `>`, `<`).
    #[serde(default, deserialize_with = "text_or_empty")]
    pub rule: String,
}

impl SwitchRule {
    /// A rule `value1 rule value2 → target`.
    #[must_use]
    pub fn new(value1: &str, rule: &str, value2: &str, target: &str) -> Self {
        SwitchRule {
            target: target.to_string(),
            value1: Some(value1.to_string()),
            value2: Some(value2.to_string()),
            rule: rule.to_string(),
        }
    }
}

/// One row of a stop's `calculate`: `to = type(from, para1, para2)`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Calculation {
    /// The operation (`upper`, `len`, `num+`, ...).
    #[serde(rename = "type", default, deserialize_with = "text_or_empty")]
    pub kind: String,
    /// The operand (a reference or a literal).
    #[serde(default)]
    pub from: Option<String>,
    /// First parameter.
    #[serde(default)]
    pub para1: Option<String>,
    /// Second parameter.
    #[serde(default)]
    pub para2: Option<String>,
    /// Where the result goes (`$(name)`).
    #[serde(default)]
    pub to: Option<String>,
}

impl Calculation {
    /// `to = kind(from, para1, para2)`.
    #[must_use]
    pub fn new(kind: &str, from: &str, para1: &str, para2: &str, to: &str) -> Self {
        Calculation {
            kind: kind.to_string(),
            from: Some(from.to_string()),
            para1: Some(para1.to_string()),
            para2: Some(para2.to_string()),
            to: Some(to.to_string()),
        }
    }
}

/// A list whose elements are decoded one by one; a non-list, or an element of another
/// shape, reads as absent.
fn lenient_list<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|item| serde_json::from_value(item).ok())
            .collect(),
        _ => Vec::new(),
    })
}

/// The main form as an object or as JSON text; anything else reads as absent.
fn lenient_form<'de, D: Deserializer<'de>>(d: D) -> Result<Option<FormDesign>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(text) => serde_json::from_str(&text).ok(),
        value @ Value::Object(_) => serde_json::from_value(value).ok(),
        _ => None,
    })
}

fn text_or_empty<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Null => String::new(),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_give_successors_and_odd_members_read_as_empty() {
        let chart: FlowChart = serde_json::from_str(
            r##"{"version": 3, "items": [
              {"id": "FITEM_1", "type": "start", "text": "開始", "config": {"input": "odd"}},
              {"id": "FITEM_2", "type": "form", "text": "填寫", "config": {"action1": true,
               "action1_text": "送出", "input1": [{"name": "#(FORMITM_4)", "value": "submit"}]}},
              {"id": "FLINE_1", "type": "line", "config": {"source_item": "FITEM_1", "target_item": "FITEM_2"}},
              {"id": "FITEM_3", "type": "switch", "text": null, "config": {"rules": [
                {"target": "FITEM_2", "value1": "#(FORMITM_4)", "value2": null, "rule": "="}, 7]}}
            ], "form_object": "{\"items\": []}"}"##,
        )
        .unwrap();
        assert_eq!(chart.successors("FITEM_1").collect::<Vec<_>>(), ["FITEM_2"]);
        assert_eq!(chart.stops().count(), 3);
        assert!(chart.stop("FLINE_1").is_none());
        let start = chart.stop("FITEM_1").unwrap();
        assert!(start.config.input.is_empty());
        let switch = chart.stop("FITEM_3").unwrap();
        assert_eq!(switch.kind(), StopKind::Switch);
        assert_eq!(switch.config.rules.len(), 1, "the element 7 is not a rule");
        assert_eq!(switch.config.rules[0].value2, None);
        assert_eq!(switch.describe(), "FITEM_3");
        let form = chart.stop("FITEM_2").unwrap();
        assert_eq!(
            form.quick_action_inputs(1).unwrap()[0].value_text(),
            "submit"
        );
        assert!(form.quick_action_inputs(2).is_none());
        assert_eq!(chart.version(), Some(&Value::from(3)));
        assert!(chart.form_object.is_some());
    }
}

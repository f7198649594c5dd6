//! The engine's automatic stops, by the real engine's rules: what `calculate` computes on
//! arrival (the model's rules, the ones the client's prediction runs), `setform` (fields
//! written from flow values, calculated values and literals), the outputs a form or setform
//! writes into flow values as the ticket leaves it, and the organisation stops (`org1`,
//! `org2`), which the open-source server, without its organisation app, logs empty and passes.

use super::engine::engine_values;
use super::*;
use omflow_model::routing::{self, Calculated, Reference, TicketValues};

/// The message a setform's failure starts with (`setformPoint`'s handler).
const SETFORM_FAILED: &str = "OME系統錯誤(自動輸入點)，請通知系統管理員。";
/// The message a form's failure starts with (`formPoint`'s handler).
const FORM_FAILED: &str = "OME系統錯誤(人工點)，請通知系統管理員。";
/// What Python 3.11 says when `regexInOutputValue` is given neither `#(…)` nor `#G…(…)`: its
/// result variable was never bound.
const UNBOUND_OUTPUT: &str =
    "cannot access local variable 'c_input_value' where it is not associated with a value";

/// Python's `text[2:-1]` of a reference that `re.match(r'\$\(.+\)', text)` accepted; `None`
/// when it does not match.
pub(super) fn flow_reference(text: &str) -> Option<String> {
    let rest = text.strip_prefix("$(")?;
    let chars: Vec<char> = rest.chars().collect();
    // `.+\)`: at least one character, then a `)` somewhere after it.
    chars.iter().skip(1).position(|&c| c == ')')?;
    Some(chars[..chars.len() - 1].iter().collect())
}

/// A flow value as text (`self.flow_value.get(name, '')`, written into a text column).
fn flow_text(flow_value: &Map<String, Value>, name: &str) -> String {
    match flow_value.get(name) {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => routing::python_dumps(other),
    }
}

/// What an input's value reads (`inputProcess`, `setformPoint`): empty, a flow value (this
/// stop's calculated value first), or the literal.
fn input_value(
    value: Option<&str>,
    calculated: &Calculated,
    flow_value: &Map<String, Value>,
) -> String {
    let Some(value) = value.filter(|v| !v.is_empty()) else {
        return String::new();
    };
    match flow_reference(value) {
        Some(name) => match calculated.get(&name) {
            Some(Some(result)) => result.to_text(),
            _ => flow_text(flow_value, &name),
        },
        None => value.to_string(),
    }
}

/// `regexInOutputValue`: the field (or group part) a `#(…)` / `#G1(…)` reference names, as
/// the row holds it; anything else fails as the real function does.
fn output_value(row: &Map<String, Value>, value: Option<&str>) -> Result<String, String> {
    let value = value.unwrap_or_default();
    match Reference::parse(value) {
        Reference::Field(column) => Ok(row
            .get(&column.to_lowercase())
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string()),
        Reference::GroupPart { column, part } => {
            let held: Value = row
                .get(&column.to_lowercase())
                .and_then(Value::as_str)
                .and_then(|text| serde_json::from_str(text).ok())
                .unwrap_or(Value::Null);
            let key = if part == 1 { "group" } else { "user" };
            Ok(held[key].as_str().unwrap_or_default().to_string())
        }
        _ => Err(UNBOUND_OUTPUT.to_string()),
    }
}

/// The message a sleep's failure starts with (`sleepPoint`'s handler).
const SLEEP_FAILED: &str = "OME系統錯誤(暫停點)，請通知系統管理員。";

/// Python's `int()` of a flow value or a design's number, or its error's text.
fn python_int(value: Option<&Value>) -> Result<i64, String> {
    match value {
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().map(|f| f.trunc() as i64))
            .ok_or_else(|| format!("cannot convert {n} to an integer")),
        Some(Value::Bool(b)) => Ok(i64::from(*b)),
        Some(Value::String(text)) => text
            .trim()
            .replace('_', "")
            .parse::<i64>()
            .map_err(|_| format!("invalid literal for int() with base 10: '{text}'")),
        None | Some(Value::Null) => Err(
            "int() argument must be a string, a bytes-like object or a real number, not 'NoneType'"
                .into(),
        ),
        Some(other) => Err(format!(
            "int() argument must be a string, a bytes-like object or a real number, not '{}'",
            if other.is_array() { "list" } else { "dict" }
        )),
    }
}

/// How long a sleep waits, in milliseconds: the flow value its `value` names, else `msec`.
pub(super) fn sleep_ms(item: &SeedItem, flow_value: &Map<String, Value>) -> Result<i64, String> {
    let wait = match item.wait_value.as_deref().filter(|v| !v.is_empty()) {
        Some(reference) => python_int(flow_value.get(&inner_name(reference))),
        None => python_int(item.msec.as_ref()),
    };
    wait.map_err(|e| format!("{SLEEP_FAILED}{e}"))
}

/// The message a python stop's own failure (not its code's) starts with.
const PYTHON_FAILED: &str = "OME系統錯誤(程式碼點)，請通知系統管理員。";

/// `inputProcess`: each input's value: empty, a flow value (this stop's calculation first),
/// a field of the row (`#(…)`, `#G1(…)`), or the literal.
pub(super) fn process_input(
    value: Option<&str>,
    calculated: &Calculated,
    flow_value: &Map<String, Value>,
    row: &Map<String, Value>,
) -> Result<String, String> {
    match value.filter(|v| !v.is_empty()) {
        Some(text) if flow_reference(text).is_none() && text.starts_with('#') => {
            match Reference::parse(text) {
                Reference::Field(_) | Reference::GroupPart { .. } => output_value(row, Some(text)),
                _ => Ok(text.to_string()),
            }
        }
        other => Ok(input_value(other, calculated, flow_value)),
    }
}

/// What a python stop did: its inputs, the variables its code left, the flow values its
/// outputs wrote.
pub(super) struct PythonRun {
    pub(super) inputs: Map<String, Value>,
    pub(super) variables: Map<String, Value>,
    pub(super) written: Map<String, Value>,
}

/// A python stop that failed: the message the ticket fails with and, when the code ran
/// and raised, its inputs and what the stop's outputs read back (the inputs as they went
/// in: the engine reads nothing the failed run left).
pub(super) struct PythonFailure {
    pub(super) message: String,
    pub(super) ran: Option<Box<FailedRun>>,
}

/// The inputs of code that raised, and what its outputs read back.
pub(super) struct FailedRun {
    pub(super) inputs: Map<String, Value>,
    pub(super) outputs: Map<String, Value>,
}

impl World {
    /// A python stop: its inputs (`inputProcess`), the code run by the fake's
    /// [`crate::python::PythonRunner`], its outputs into the flow values. The variables the
    /// code left, or the message the ticket fails with.
    pub(super) fn run_python(
        &self,
        flow: usize,
        row: &Map<String, Value>,
        flow_value: &mut Map<String, Value>,
        item: &SeedItem,
    ) -> Result<PythonRun, PythonFailure> {
        let (_, calculated) = Self::calculate_at(item, row, flow_value);
        let mut inputs = Map::new();
        for input in item.inputs.iter().filter(|i| !i.name.is_empty()) {
            let value = process_input(input.value.as_deref(), &calculated, flow_value, row)
                .map_err(|e| PythonFailure {
                    message: format!("{PYTHON_FAILED}{e}"),
                    ran: None,
                })?;
            inputs.insert(input.name.clone(), Value::String(value));
        }
        let flow_name = &self.flows[flow].def.flow_name;
        let code = item.code.as_deref().unwrap_or_default();
        let variables = match self.python.run(flow_name, &item.id, code, &inputs) {
            Ok(variables) => variables,
            Err(message) => {
                let outputs = Self::python_outputs(item, &inputs);
                return Err(PythonFailure {
                    message,
                    ran: Some(Box::new(FailedRun { inputs, outputs })),
                });
            }
        };
        let written = Self::python_outputs(item, &variables);
        flow_value.extend(written.clone());
        Ok(PythonRun {
            inputs,
            variables,
            written,
        })
    }

    /// A python stop's outputs: each `$(name)` = the variable its value names, or empty.
    fn python_outputs(item: &SeedItem, variables: &Map<String, Value>) -> Map<String, Value> {
        let mut written = Map::new();
        for output in &item.outputs {
            let (Some(name), Some(from)) = (
                flow_reference(&output.name),
                output.value.as_deref().and_then(flow_reference),
            ) else {
                continue;
            };
            let value = variables
                .get(&from)
                .cloned()
                .unwrap_or(Value::String(String::new()));
            written.insert(name, value);
        }
        written
    }

    /// A stop's `calculate` on the ticket: this stop's values, and the `write` rows' results
    /// put into the flow values.
    pub(super) fn calculate_at(
        item: &SeedItem,
        row: &Map<String, Value>,
        flow_value: &mut Map<String, Value>,
    ) -> (TicketValues, Calculated) {
        let mut values = engine_values(row, flow_value);
        let calculated = routing::calculate(&item.calculate, &mut values);
        for calculation in item.calculate.iter().filter(|c| c.kind == "write") {
            let Some(Reference::Flow(name)) = calculation.to.as_deref().map(Reference::parse)
            else {
                continue;
            };
            let text = values.flow(&name).map(|v| v.to_text()).unwrap_or_default();
            flow_value.insert(name, Value::String(text));
        }
        (values, calculated)
    }

    /// An end's outputs (`endPoint`): `$(name)` = a calculated or flow value, a field, or a
    /// literal; what a ticket that opened this one takes back.
    pub(super) fn end_outputs(
        item: &SeedItem,
        row: &Map<String, Value>,
        flow_value: &mut Map<String, Value>,
    ) -> Map<String, Value> {
        let (_, calculated) = Self::calculate_at(item, row, flow_value);
        let mut outputs = Map::new();
        for output in item.outputs.iter().filter(|o| !o.name.is_empty()) {
            let name = inner_name(&output.name);
            let value = process_input(output.value.as_deref(), &calculated, flow_value, row)
                .unwrap_or_default();
            outputs.insert(name, Value::String(value));
        }
        outputs
    }

    /// Leaving a form or setform: each `output` row writes the field it names into flow
    /// value `$(name)`; what was written, as the flow log keeps it. A form skips a row
    /// without a value; a row whose value names no field fails as the real engine does.
    pub(super) fn leave_outputs(
        item: &SeedItem,
        row: &Map<String, Value>,
        flow_value: &mut Map<String, Value>,
    ) -> Result<Map<String, Value>, String> {
        let form = item.item_type == "form";
        let mut written = Map::new();
        for output in &item.outputs {
            let has_value = output.value.as_deref().is_some_and(|v| !v.is_empty());
            if output.name.is_empty() || (form && !has_value) {
                continue;
            }
            let name = inner_name(&output.name);
            let value = output_value(row, output.value.as_deref()).map_err(|error| {
                let prefix = if form { FORM_FAILED } else { SETFORM_FAILED };
                format!("{prefix}{error}")
            })?;
            flow_value.insert(name.clone(), Value::String(value.clone()));
            written.insert(name, Value::String(value));
        }
        Ok(written)
    }

    /// Arriving at a form or setform (`formPoint`, `setformPoint`): `calculate`, then each
    /// input writes its field (a `#G1`/`#G2` pair fills a group field's group and user) from
    /// a flow value, a calculated value or a literal; what the row's columns now hold, as
    /// the flow log keeps it.
    pub(super) fn write_inputs(
        &self,
        flow: usize,
        row: &mut Map<String, Value>,
        flow_value: &mut Map<String, Value>,
        item: &SeedItem,
    ) -> Map<String, Value> {
        let (_, calculated) = Self::calculate_at(item, row, flow_value);
        let mut plain: Vec<(String, String)> = Vec::new();
        let mut parts: Vec<(String, Vec<String>)> = Vec::new();
        for input in item.inputs.iter().filter(|i| !i.name.is_empty()) {
            let value = input_value(input.value.as_deref(), &calculated, flow_value);
            match Reference::parse(&input.name) {
                Reference::GroupPart { column, part } => {
                    let at = match parts.iter().position(|(c, _)| *c == column) {
                        Some(at) => at,
                        None => {
                            parts.push((column, Vec::new()));
                            parts.len() - 1
                        }
                    };
                    let list = &mut parts[at].1;
                    while list.len() + 1 < usize::from(part) {
                        list.push(String::new());
                    }
                    list.push(value);
                }
                Reference::Field(column) => plain.push((column, value)),
                _ => {}
            }
        }
        let mut written = Map::new();
        // A stop's inputs are written through the flow's merged form.
        let stop = None;
        // What was written, as the input log keeps it: a header field's column (the
        // status's text, ...) before the field's own.
        let mut log = |row: &Map<String, Value>, column: &str, field_type: &str| {
            let key = column.to_lowercase();
            for key in super::flowlog::header_column(field_type)
                .into_iter()
                .chain([key.as_str()])
            {
                written.insert(key.to_owned(), row.get(key).cloned().unwrap_or(Value::Null));
            }
        };
        for (column, value) in plain {
            if let Some(field_type) = self.field_type(flow, &column) {
                self.write_field(flow, row, &column, &field_type, &Value::String(value), stop);
                log(row, &column, &field_type);
            }
        }
        for (column, list) in parts {
            if self.field_type(flow, &column).as_deref() == Some("h_group") {
                let part = |n: usize| list.get(n).cloned().unwrap_or_default();
                let value = json!({"group": part(0), "user": part(1)});
                self.write_field(flow, row, &column, "h_group", &value, stop);
                log(row, &column, "h_group");
            }
        }
        written
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_flow_reference_is_sliced_as_python_slices_it() {
        assert_eq!(flow_reference("$(score)").as_deref(), Some("score"));
        assert_eq!(flow_reference("$(a)b)").as_deref(), Some("a)b"));
        assert_eq!(flow_reference("$()"), None);
        assert_eq!(flow_reference("score"), None);
    }

    #[test]
    fn an_input_reads_this_stops_calculation_before_the_flow_value() {
        let mut flow_value = Map::new();
        flow_value.insert("note".into(), json!("from the flow"));
        flow_value.insert("n".into(), json!(3));
        let calculated = Calculated::default();
        assert_eq!(
            input_value(Some("$(note)"), &calculated, &flow_value),
            "from the flow"
        );
        assert_eq!(input_value(Some("$(n)"), &calculated, &flow_value), "3");
        assert_eq!(
            input_value(Some("$(missing)"), &calculated, &flow_value),
            ""
        );
        assert_eq!(input_value(Some("done"), &calculated, &flow_value), "done");
        assert_eq!(input_value(None, &calculated, &flow_value), "");
    }

    #[test]
    fn an_output_names_a_field_or_fails_like_the_engine() {
        let mut row = Map::new();
        row.insert("formitm_7".into(), json!("12"));
        row.insert("formitm_5".into(), json!(r#"{"group": "2", "user": "4"}"#));
        assert_eq!(output_value(&row, Some("#(FORMITM_7)")).unwrap(), "12");
        assert_eq!(output_value(&row, Some("#G2(FORMITM_5)")).unwrap(), "4");
        assert_eq!(output_value(&row, Some("#(FORMITM_9)")).unwrap(), "");
        assert_eq!(
            output_value(&row, Some("literal")).unwrap_err(),
            UNBOUND_OUTPUT
        );
    }
}

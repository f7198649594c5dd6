//! The engine's routing rules, one pure implementation for the client (which predicts where a
//! push will take a ticket before sending it) and the fake server (which moves tickets).
//!
//! What the real engine does (`omflow/syscom/omengine.py` and the code its deploy step
//! generates per flow, at b3c725d), in this module's terms:
//!
//! - **Leaving a form stop**, its `output` rows copy values into the ticket's flow values,
//!   and the ticket follows the stop's one line (no line: the ticket closes there; several:
//!   it forks).
//! - **A switch** runs its `calculate` rows ([`calculate()`]), then tests **every** rule in
//!   order; the **last** rule that holds names the next stop. Values compare as Python
//!   compares the stored values: text by code point (`'12' < '2'`), so numbers are never
//!   parsed; a value that is not set reads as empty. `value2` = `$(w)` reads this stop's
//!   calculated `w` only when `value1`'s name was calculated here, else the flow value `w`
//!   (a quirk kept as is). No rule holds: the ticket stops at the switch in the engine's
//!   error state (`找不到符合的條件。`), where only an administrator can repair it. A
//!   `null` side, or an order (`<`, `>`) between text and a non-text value, raises: error
//!   state too. A target that is no stop closes the ticket at the switch.
//! - **A setform stop** writes its inputs into the fields and moves on.
//! - **Arriving at a form stop**, its inputs write fields; `#G1(F)` / `#G2(F)` inputs set the
//!   group and user of the assignment (G2 before G1 loses both, as the engine builds the list);
//!   without them the assignment stays as it was. The ticket waits there for a person.
//! - **An end stop** closes the ticket.
//! - **Python, sleep, subflow, outflow, inflow, async, collection and organization stops** run
//!   code, wait or depend on other tickets: a prediction stops there ("not predictable past").

mod calculate;
mod values;

pub use calculate::{calculate, python_float, Calculated};
pub use values::{python_dumps, Operand, Operator, Reference, TicketValues};

use crate::chart::{Assignment, ChartItem, FlowChart, StopKind, SwitchRule};
use std::fmt;

/// The engine's message when no rule of a switch holds (zh-Hant, as deployed).
pub const NO_RULE_MATCHED: &str = "找不到符合的條件。";

/// The engine's message prefix when a switch raises.
pub const SWITCH_RAISED: &str = "OME系統錯誤(判斷點)，請通知系統管理員。";

/// One rule as tested: both sides as read (`None`: the SDK cannot know it) and the verdict.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RuleCheck {
    /// The rule.
    pub rule: SwitchRule,
    /// Its left side's value.
    pub left: Option<Operand>,
    /// Its right side's value.
    pub right: Option<Operand>,
    /// Whether it holds (`None`: unknown).
    pub holds: Option<bool>,
}

impl fmt::Display for RuleCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let side = |text: &Option<String>| text.clone().unwrap_or_else(|| "null".into());
        write!(
            f,
            "{} {} {} → {}",
            side(&self.rule.value1),
            Operator::parse(&self.rule.rule).symbol(),
            side(&self.rule.value2),
            self.rule.target
        )?;
        if self.holds != Some(false) {
            return Ok(());
        }
        // What each reference held (a literal side says itself).
        let is_reference = |text: &Option<String>| {
            text.as_deref()
                .is_some_and(|t| t.starts_with("#(") || t.starts_with("$("))
        };
        let mut seen = Vec::new();
        for (text, value) in [
            (&self.rule.value1, &self.left),
            (&self.rule.value2, &self.right),
        ] {
            if let (true, Some(value)) = (is_reference(text), value) {
                seen.push(format!("{} is {value}", side(text)));
            }
        }
        if !seen.is_empty() {
            write!(f, " ({})", seen.join(", "))?;
        }
        Ok(())
    }
}

/// What a switch does with a ticket.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum SwitchOutcome {
    /// The ticket goes to `target`, by the rule at `rule` (0-based), the last that holds.
    Goes {
        /// The next item's id.
        target: String,
        /// The rule's index.
        rule: usize,
    },
    /// No rule holds: the engine's error state, [`NO_RULE_MATCHED`].
    NoRule,
    /// A rule raised: the engine's error state, with Python's message.
    Raised(String),
    /// The SDK cannot tell (a value it cannot see, an operator it does not know).
    Unknown(String),
}

/// Tests a switch's rules on `values`, with this stop's calculated values.
///
/// ```
/// use omflow_model::chart::SwitchRule;
/// use omflow_model::routing::{evaluate_switch, Calculated, Operand, SwitchOutcome, TicketValues};
/// let rules = [
///     SwitchRule::new("#(FORMITM_4)", "=", "dispatch", "FITEM_2"),
///     SwitchRule::new("#(FORMITM_4)", "=", "dispatch_done", "FITEM_5"),
/// ];
/// let mut values = TicketValues::complete();
/// values.set_field("FORMITM_4", Operand::Text("dispatch_done".into()));
/// let (outcome, _) = evaluate_switch(&rules, &values, &Calculated::default());
/// assert_eq!(outcome, SwitchOutcome::Goes { target: "FITEM_5".into(), rule: 1 });
/// values.set_field("FORMITM_4", Operand::Text("bogus".into()));
/// assert_eq!(evaluate_switch(&rules, &values, &Calculated::default()).0, SwitchOutcome::NoRule);
/// ```
#[must_use]
pub fn evaluate_switch(
    rules: &[SwitchRule],
    values: &TicketValues,
    calculated: &Calculated,
) -> (SwitchOutcome, Vec<RuleCheck>) {
    let mut checks = Vec::with_capacity(rules.len());
    let mut winner: Option<usize> = None;
    let mut unknown_after_winner: Option<String> = None;
    for (index, rule) in rules.iter().enumerate() {
        let (Some(value1), Some(value2)) = (&rule.value1, &rule.value2) else {
            let message = format!(
                "{SWITCH_RAISED}expected string or bytes-like object (rule {} has an empty side)",
                index + 1
            );
            return (SwitchOutcome::Raised(message), checks);
        };
        let left = read_left(value1, values, calculated);
        let right = read_right(value1, value2, values, calculated);
        let operator = Operator::parse(&rule.rule);
        let holds = match (&left, &right) {
            (Some(l), Some(r)) => match operator.holds(l, r) {
                Some(Ok(holds)) => Some(holds),
                Some(Err(message)) => return (SwitchOutcome::Raised(message), checks),
                None => {
                    unknown_after_winner = Some(format!(
                        "rule {} uses the operator {:?}, which the designer does not offer",
                        index + 1,
                        rule.rule
                    ));
                    None
                }
            },
            _ => {
                unknown_after_winner = Some(format!(
                    "rule {} reads {}, which is not visible to the SDK",
                    index + 1,
                    if left.is_none() { value1 } else { value2 }
                ));
                None
            }
        };
        if holds == Some(true) {
            winner = Some(index);
            unknown_after_winner = None;
        }
        checks.push(RuleCheck {
            rule: rule.clone(),
            left,
            right,
            holds,
        });
    }
    let outcome = match (unknown_after_winner, winner) {
        (Some(why), _) => SwitchOutcome::Unknown(why),
        (None, Some(rule)) => SwitchOutcome::Goes {
            target: rules[rule].target.clone(),
            rule,
        },
        (None, None) => SwitchOutcome::NoRule,
    };
    (outcome, checks)
}

fn read(
    text: &str,
    values: &TicketValues,
    flow: impl Fn(&str) -> Option<Operand>,
) -> Option<Operand> {
    match Reference::parse(text) {
        Reference::Flow(name) => flow(&name),
        Reference::Field(column) => values.field(&column),
        Reference::GroupPart { column, part } => values.group_part(&column, part),
        Reference::Literal(text) => Some(Operand::Text(text)),
    }
}

/// `$(name)` at a stop: its calculated value, else the flow value.
fn calculated_or_flow(
    name: &str,
    values: &TicketValues,
    calculated: &Calculated,
) -> Option<Operand> {
    calculated.get(name).unwrap_or_else(|| values.flow(name))
}

/// A reference whose `$(v)` is this stop's calculated `v`, else the flow value (a switch's
/// `value1`, an `output` row's value).
fn read_left(text: &str, values: &TicketValues, calculated: &Calculated) -> Option<Operand> {
    read(text, values, |name| {
        calculated_or_flow(name, values, calculated)
    })
}

/// `value2`: `$(w)` is this stop's calculated `w` only when value1's name was calculated.
fn read_right(
    value1: &str,
    value2: &str,
    values: &TicketValues,
    calculated: &Calculated,
) -> Option<Operand> {
    let left_calculated = calculated.contains(Reference::key(value1));
    read(value2, values, |name| {
        if left_calculated {
            calculated
                .get(name)
                .unwrap_or(Some(Operand::Text(String::new())))
        } else {
            values.flow(name)
        }
    })
}

/// A stop of a chart, for reports.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StopRef {
    /// `FITEM_n`.
    pub id: String,
    /// Its name.
    pub text: String,
}

impl StopRef {
    /// A stop by id and name.
    #[must_use]
    pub fn new(id: &str, text: &str) -> StopRef {
        StopRef {
            id: id.to_string(),
            text: text.to_string(),
        }
    }

    fn of(item: &ChartItem) -> StopRef {
        StopRef {
            id: item.id.clone(),
            text: item.text.clone(),
        }
    }
}

impl fmt::Display for StopRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.text.is_empty() {
            f.write_str(&self.id)
        } else {
            write!(f, "{} ({})", self.text, self.id)
        }
    }
}

/// Who a form stop's mission goes to: group and user ids as the `h_group` field holds them
/// (`""` for none; a user counts only with a group).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Assignee {
    /// The group id (`""`: none, so no mission is written).
    pub group: String,
    /// The user id within the group (`""`: anyone in the group).
    pub user: String,
    /// The group's name, when the caller has looked it up (the design holds only the id).
    pub group_name: Option<String>,
}

/// Why the engine would leave a ticket in its error state.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Strand {
    /// No rule of the switch holds.
    NoRuleHolds {
        /// Each rule as tested.
        rules: Vec<RuleCheck>,
    },
    /// The switch raised.
    Raised(String),
}

/// Where the engine takes a ticket.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Route {
    /// To a form stop, where a person acts next.
    AtStop {
        /// The stop.
        stop: StopRef,
        /// Its assignment (`None`: the SDK cannot see it).
        assignee: Option<Assignee>,
    },
    /// The ticket closes.
    Closed {
        /// At this stop (an end, or a stop with nowhere to go).
        at: StopRef,
    },
    /// Into the engine's error state at a switch: only an administrator can repair it.
    Stranded {
        /// The switch.
        at: StopRef,
        /// Why.
        why: Strand,
    },
    /// The route depends on what the SDK cannot know.
    Unpredictable {
        /// The last stop the prediction reached.
        past: StopRef,
        /// Why.
        why: String,
    },
}

impl Route {
    /// Whether the ticket would be left in the engine's error state.
    #[must_use]
    pub fn is_stranded(&self) -> bool {
        matches!(self, Route::Stranded { .. })
    }

    /// The engine's message for a stranded ticket.
    #[must_use]
    pub fn engine_message(&self) -> Option<String> {
        match self {
            Route::Stranded {
                why: Strand::NoRuleHolds { .. },
                ..
            } => Some(NO_RULE_MATCHED.to_string()),
            Route::Stranded {
                why: Strand::Raised(message),
                ..
            } => Some(message.clone()),
            _ => None,
        }
    }
}

impl fmt::Display for Route {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Route::AtStop { stop, assignee } => {
                write!(f, "would go to {stop}")?;
                match assignee {
                    Some(a) if a.group.is_empty() => write!(f, ", assigned to no group"),
                    Some(a) => {
                        match &a.group_name {
                            Some(name) => write!(f, ", group {name}")?,
                            None => write!(f, ", group {}", a.group)?,
                        }
                        if a.user.is_empty() {
                            Ok(())
                        } else {
                            write!(f, " user {}", a.user)
                        }
                    }
                    None => Ok(()),
                }
            }
            Route::Closed { at } => write!(f, "would close the ticket at {at}"),
            Route::Stranded { at, why } => {
                write!(
                    f,
                    "would strand the ticket at {at}, in the engine's error state"
                )?;
                match why {
                    Strand::NoRuleHolds { rules } => {
                        write!(f, " ({NO_RULE_MATCHED}): no rule holds")?;
                        for (i, rule) in rules.iter().enumerate() {
                            write!(f, "{} {rule}", if i == 0 { ":" } else { ";" })?;
                        }
                        Ok(())
                    }
                    Strand::Raised(message) => write!(f, ": {message}"),
                }
            }
            Route::Unpredictable { past, why } => {
                write!(f, "not predictable past {past}: {why}")
            }
        }
    }
}

/// At most this many stops are walked (a loop of switches and setforms without a form).
const MAX_STEPS: usize = 256;

/// Where the engine takes a ticket pushed on from form stop `from` with `values` (the row as
/// the push leaves it): the stops it passes and where it ends up.
///
/// ```
/// use omflow_model::chart::FlowChart;
/// use omflow_model::routing::{predict, Operand, Route, TicketValues};
/// let chart: FlowChart = serde_json::from_str(r##"{"items": [
///   {"id": "FITEM_2", "type": "form", "text": "分析"},
///   {"id": "L1", "type": "line", "config": {"source_item": "FITEM_2", "target_item": "FITEM_3"}},
///   {"id": "FITEM_3", "type": "switch", "text": "是否指派", "config": {"rules": [
///     {"target": "FITEM_4", "value1": "#(FORMITM_4)", "value2": "done", "rule": "="}]}},
///   {"id": "FITEM_4", "type": "end", "text": "完成"}]}"##)?;
/// let mut values = TicketValues::partial();
/// values.set_field("FORMITM_4", Operand::Text("done".into()));
/// assert!(matches!(predict(&chart, "FITEM_2", values.clone()).route, Route::Closed { .. }));
/// values.set_field("FORMITM_4", Operand::Text("bogus".into()));
/// let prediction = predict(&chart, "FITEM_2", values);
/// assert!(prediction.route.is_stranded());
/// assert!(prediction.route.to_string().contains("#(FORMITM_4) = done → FITEM_4"));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[must_use]
pub fn predict(chart: &FlowChart, from: &str, mut values: TicketValues) -> Prediction {
    let mut passed = Vec::new();
    let Some(start) = chart.stop(from) else {
        return Prediction {
            route: Route::Unpredictable {
                past: StopRef {
                    id: from.to_string(),
                    text: String::new(),
                },
                why: if from.contains('-') {
                    // `FITEM_8-FITEM_2`: a stop inside a subflow, whose design is the
                    // subflow's own.
                    "it is a stop inside a subflow, which the prediction does not walk".into()
                } else {
                    "the flow's design has no such stop".into()
                },
            },
            passed,
        };
    };
    write_outputs(&start.config.output, &mut values, &Calculated::default());
    let mut current = start;
    let mut next = leave(chart, current);
    for _ in 0..MAX_STEPS {
        let target = match next {
            Leave::To(target) => target,
            Leave::Closes => {
                return Prediction {
                    route: Route::Closed {
                        at: StopRef::of(current),
                    },
                    passed,
                }
            }
            Leave::Forks(count) => {
                return Prediction {
                    route: Route::Unpredictable {
                        past: StopRef::of(current),
                        why: format!("{count} lines leave it: the ticket forks"),
                    },
                    passed,
                }
            }
        };
        let Some(item) = chart.stop(&target) else {
            return Prediction {
                route: Route::Closed {
                    at: StopRef::of(current),
                },
                passed,
            };
        };
        passed.push(StopRef::of(item));
        current = item;
        let calculated = calculate(&item.config.calculate, &mut values);
        match item.kind() {
            StopKind::Form => {
                let assignee = arrive(chart, item, &mut values, &calculated);
                return Prediction {
                    route: Route::AtStop {
                        stop: StopRef::of(item),
                        assignee,
                    },
                    passed,
                };
            }
            StopKind::End => {
                return Prediction {
                    route: Route::Closed {
                        at: StopRef::of(item),
                    },
                    passed,
                }
            }
            StopKind::Switch => {
                let (outcome, rules) = evaluate_switch(&item.config.rules, &values, &calculated);
                let at = StopRef::of(item);
                let route = match outcome {
                    SwitchOutcome::Goes { target, .. } => {
                        next = Leave::To(target);
                        continue;
                    }
                    SwitchOutcome::NoRule => Route::Stranded {
                        at,
                        why: Strand::NoRuleHolds { rules },
                    },
                    SwitchOutcome::Raised(message) => Route::Stranded {
                        at,
                        why: Strand::Raised(message),
                    },
                    SwitchOutcome::Unknown(why) => Route::Unpredictable { past: at, why },
                };
                return Prediction { route, passed };
            }
            StopKind::Setform => {
                write_fields(&item.config.input, &mut values, &calculated);
                write_outputs(&item.config.output, &mut values, &calculated);
                next = leave(chart, item);
            }
            StopKind::Start => next = leave(chart, item),
            other => {
                return Prediction {
                    route: Route::Unpredictable {
                        past: StopRef::of(item),
                        why: unpredictable_kind(&other),
                    },
                    passed,
                }
            }
        }
    }
    Prediction {
        route: Route::Unpredictable {
            past: StopRef::of(current),
            why: format!("more than {MAX_STEPS} stops without a form or an end"),
        },
        passed,
    }
}

/// Where a new ticket goes: the start's inputs become flow values (`startPoint`: a literal, or
/// a field of the new row), then the route from the start as [`predict`] walks it.
///
/// ```
/// use omflow_model::chart::FlowChart;
/// use omflow_model::routing::{predict_create, Operand, Route, TicketValues};
/// let chart: FlowChart = serde_json::from_value(serde_json::json!({"items": [
///   {"id": "FITEM_1", "type": "start", "text": "開始",
///    "config": {"input": [{"name": "mode", "value": "#(FORMITM_2)", "require": false}]}},
///   {"id": "FLINE_1", "type": "line", "config": {"source_item": "FITEM_1", "target_item": "FITEM_2"}},
///   {"id": "FITEM_2", "type": "switch", "text": "模式", "config": {"rules": [
///     {"value1": "$(mode)", "rule": "=", "value2": "auto", "target": "FITEM_3"}]}},
///   {"id": "FITEM_3", "type": "end", "text": "結束"}
/// ]}))?;
/// let mut values = TicketValues::partial();
/// values.set_field("FORMITM_2", Operand::Text("auto".into()));
/// assert!(matches!(predict_create(&chart, values.clone()).route, Route::Closed { .. }));
/// values.set_field("FORMITM_2", Operand::Text("manual".into()));
/// assert!(predict_create(&chart, values).route.is_stranded());
/// # Ok::<(), serde_json::Error>(())
/// ```
#[must_use]
pub fn predict_create(chart: &FlowChart, mut values: TicketValues) -> Prediction {
    let Some(start) = chart.stops().find(|stop| stop.kind() == StopKind::Start) else {
        return Prediction {
            route: Route::Unpredictable {
                past: StopRef::new("", ""),
                why: "the flow's design has no start".into(),
            },
            passed: Vec::new(),
        };
    };
    for input in &start.config.input {
        if input.name.is_empty() {
            continue;
        }
        match read_left(&input.value_text(), &values, &Calculated::default()) {
            Some(value) => values.set_flow(&input.name, value),
            None => values.forget_flow(&input.name),
        }
    }
    predict(chart, &start.id, values)
}

fn unpredictable_kind(kind: &StopKind) -> String {
    match kind {
        StopKind::Python => "a python stop runs code the SDK cannot run".into(),
        StopKind::Sleep => "a sleep stop waits before it moves on".into(),
        StopKind::Subflow => "a subflow runs an embedded flow".into(),
        StopKind::Outflow | StopKind::Inflow => {
            "the ticket waits for a ticket of another flow".into()
        }
        StopKind::Async | StopKind::Collection => "parallel branches".into(),
        StopKind::Org1 | StopKind::Org2 => {
            "an organization stop depends on the organization app".into()
        }
        StopKind::Other(name) => format!("a stop of kind {name:?}"),
        _ => "a stop the prediction does not model".into(),
    }
}

/// A prediction: where the ticket goes and the stops it passes on the way.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Prediction {
    /// Where it ends up.
    pub route: Route,
    /// The stops entered, in order (the last is where it ends up).
    pub passed: Vec<StopRef>,
}

impl Prediction {
    /// A route reached without passing any stop.
    #[must_use]
    pub fn new(route: Route) -> Prediction {
        Prediction {
            route,
            passed: Vec::new(),
        }
    }
}

enum Leave {
    To(String),
    Closes,
    Forks(usize),
}

fn leave(chart: &FlowChart, item: &ChartItem) -> Leave {
    let next: Vec<&str> = chart.successors(&item.id).collect();
    match next.as_slice() {
        [] => Leave::Closes,
        [one] => Leave::To((*one).to_string()),
        many => Leave::Forks(many.len()),
    }
}

/// An input or output value as a form or setform stop reads it: `$(v)` (this stop's
/// calculated value, else the flow value), a literal, and `#(F)` **kept as literal text** (the
/// engine does not read fields there).
fn input_value(text: &str, values: &TicketValues, calculated: &Calculated) -> Option<Operand> {
    match Reference::parse(text) {
        Reference::Flow(name) => calculated_or_flow(&name, values, calculated),
        _ => Some(Operand::Text(text.to_string())),
    }
}

/// A form or setform stop's field inputs; returns the `#Gk` parts in the order written.
fn write_fields(
    inputs: &[Assignment],
    values: &mut TicketValues,
    calculated: &Calculated,
) -> Vec<(u8, Option<Operand>)> {
    let mut parts = Vec::new();
    for input in inputs {
        let value = input_value(&input.value_text(), values, calculated);
        match Reference::parse(&input.name) {
            Reference::Field(column) => match value {
                Some(value) => values.set_field(&column, value),
                None => values.forget_field(&column),
            },
            Reference::GroupPart { part, .. } => parts.push((part, value)),
            _ => {}
        }
    }
    parts
}

/// `output` rows: flow value `name` = the row's `value` (a field, a flow value or a literal).
fn write_outputs(outputs: &[Assignment], values: &mut TicketValues, calculated: &Calculated) {
    for output in outputs {
        let Reference::Flow(name) = Reference::parse(&output.name) else {
            continue;
        };
        let value = read_left(&output.value_text(), values, calculated);
        match value {
            Some(value) => values.set_flow(&name, value),
            None => values.forget_flow(&name),
        }
    }
}

/// Arrival at a form stop: its inputs, and the assignment they leave.
fn arrive(
    chart: &FlowChart,
    item: &ChartItem,
    values: &mut TicketValues,
    calculated: &Calculated,
) -> Option<Assignee> {
    let parts = write_fields(&item.config.input, values, calculated);
    if parts.is_empty() {
        // No #G input: the assignment stays as the ticket's h_group field holds it.
        let column = chart
            .form_object
            .as_ref()?
            .fields()
            .find(|field| field.field_type() == crate::FieldType::HGroup)?
            .id
            .to_lowercase();
        let text = |part| match values.group_part(&column, part) {
            Some(Operand::Text(text)) => Some(text),
            _ => None,
        };
        let group = text(1)?;
        let user = if group.is_empty() {
            String::new()
        } else {
            text(2)?
        };
        return Some(Assignee {
            group,
            user,
            group_name: None,
        });
    }
    // The engine puts part k at index k-1 of a list, appending: G1 then G2 gives [g, u];
    // G2 alone ["", u]; anything else in another order reads as neither.
    let mut list: Vec<Option<Operand>> = Vec::new();
    for (part, value) in parts {
        let index = usize::from(part.max(1)) - 1;
        if index > list.len() {
            list.resize(index, Some(Operand::Text(String::new())));
        }
        list.push(value);
    }
    let text = |value: &Option<Operand>| value.as_ref().map(Operand::to_text);
    let (group, user) = match list.as_slice() {
        [g] => (text(g)?, String::new()),
        [g, u] => (text(g)?, text(u)?),
        _ => (String::new(), String::new()),
    };
    let user = if group.is_empty() {
        String::new()
    } else {
        user
    };
    Some(Assignee {
        group,
        user,
        group_name: None,
    })
}

#[cfg(test)]
mod tests;

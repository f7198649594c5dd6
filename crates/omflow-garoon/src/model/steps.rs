//! The approval route: [`Step`]s and their [`Processor`]s, and their decoding.

use super::context::{entries, flag, index, join, text, Ctx, GaroonParseError, ParseErrorKind};
use super::json::Json;
use super::keyed::Keyed;
use super::refs::{person, Person};
use super::time::{utc_time, UtcTime};
use super::tokens::{requirement, result_label, Label, RequirementKind, ResultKind};

/// A processor of a step: the person (with `proxy`, who acted on their behalf, and `extra`,
/// the members this SDK does not know) and what they did.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Processor {
    /// The processor.
    pub person: Person,
    /// Result, once acted.
    pub result: Option<Label<ResultKind>>,
    /// When they acted.
    pub operated_at: Option<UtcTime>,
    /// Comment.
    pub comment: Option<String>,
}

/// A route step.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Step {
    /// Step id.
    pub id: Option<String>,
    /// Step name.
    pub name: Option<String>,
    /// Requirement.
    pub requirement: Option<Label<RequirementKind>>,
    /// Approval step (`1`) or acknowledgement (`0`).
    pub is_approval_step: Option<bool>,
    /// Processors.
    pub processors: Vec<Processor>,
    /// Members this SDK does not know, exactly as sent, in order.
    pub extra: Keyed<Json>,
}

/// `steps`, in server order.
pub type Steps = Keyed<Step>;

fn processor(ctx: &mut Ctx, json: &Json, path: &str) -> Result<Processor, GaroonParseError> {
    let mut p = Processor::default();
    for (key, value) in entries(json, path)? {
        let at = join(path, key);
        match key.as_str() {
            "id" => p.person.id = text(ctx, value, &at)?,
            "code" => p.person.code = text(ctx, value, &at)?,
            "name" => p.person.name = text(ctx, value, &at)?,
            "proxy" if matches!(value, Json::Null) => {}
            "proxy" => p.person.proxy = Some(Box::new(person(ctx, value, &at, &mut None)?)),
            "result" => {
                p.result = text(ctx, value, &at)?
                    .map(|raw| result_label(ctx, raw, &at))
                    .transpose()?
            }
            "operatedAt" => {
                p.operated_at = text(ctx, value, &at)?
                    .map(|raw| utc_time(ctx, raw, &at))
                    .transpose()?
            }
            "date" if p.operated_at.is_none() => {
                ctx.warn(&at, "legacy processor key \"date\"; read as operatedAt")?;
                p.operated_at = text(ctx, value, &at)?
                    .map(|raw| utc_time(ctx, raw, &at))
                    .transpose()?;
            }
            "comment" => p.comment = text(ctx, value, &at)?,
            _ => {
                p.person.extra.push(key, value.clone());
            }
        }
    }
    Ok(p)
}

pub(super) fn step(ctx: &mut Ctx, json: &Json, path: &str) -> Result<Step, GaroonParseError> {
    let mut s = Step::default();
    for (key, value) in entries(json, path)? {
        let at = join(path, key);
        match key.as_str() {
            "id" => s.id = text(ctx, value, &at)?,
            "name" => s.name = text(ctx, value, &at)?,
            "requirement" => {
                s.requirement = text(ctx, value, &at)?
                    .map(|raw| requirement(ctx, raw, &at))
                    .transpose()?
            }
            "requrirement" if s.requirement.is_none() => {
                ctx.warn(
                    &at,
                    "legacy misspelt key \"requrirement\"; read as requirement",
                )?;
                s.requirement = text(ctx, value, &at)?
                    .map(|raw| requirement(ctx, raw, &at))
                    .transpose()?;
            }
            "isApprovalStep" => s.is_approval_step = flag(ctx, value, &at, true)?,
            "processors" => match value {
                Json::Array(items) => {
                    s.processors = items
                        .iter()
                        .enumerate()
                        .map(|(i, p)| processor(ctx, p, &index(&at, i)))
                        .collect::<Result<_, _>>()?
                }
                Json::Null => {}
                other => {
                    return Err(GaroonParseError {
                        kind: ParseErrorKind::Shape,
                        path: at,
                        message: format!("expected a list of processors, got {}", other.kind()),
                    })
                }
            },
            _ => {
                s.extra.push(key, value.clone());
            }
        }
    }
    if json.get("processors").is_none() {
        ctx.warn(
            path,
            "step without \"processors\" (documented); read as none",
        )?;
    }
    Ok(s)
}

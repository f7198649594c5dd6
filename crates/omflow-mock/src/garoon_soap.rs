//! Garoon's SOAP workflow service on the fake (`POST /g/cbpapi/workflow/api.csp`): the
//! approver's calls, on the same requests the fake's REST endpoints serve, so a request
//! approved over SOAP reads back approved over REST.
//!
//! The folders' version lists and reads by id list the requests waiting for the caller
//! (`Unprocessed`: in progress, unprocessed or sent back, at a step where the caller is a
//! processor who has not answered), those the caller applied for (`Sent`) and those routed to
//! the caller who has answered (`Received`), the last two created in the period asked for;
//! `WorkflowGetPendingApprovals` lists the requests in progress that will reach the caller at
//! a later step; `WorkflowHandleApplications` approves, rejects, sends
//! back, confirms, withdraws or cancels, as Cybozu's pages describe, refusing with Garoon's
//! fault codes (`GRN_WRKF_25302` not among yours, `25356` not a processor of the current
//! step, `25330`-`25332` not in progress, `25359` withdrawn by someone not the applicant,
//! `25362` approving an acknowledgement step, `25307` a proxy's handle: the fake has no proxy
//! approvers). Several handles in one call apply all or
//! none. Faults come as on Garoon cloud: HTTP 520 with the code in `X-Cybozu-Error`.
//! Authentication is the envelope's `Security/UsernameToken` (the seed's users).

use crate::http::HttpReply;
use crate::world::World;
use omflow_garoon::soap::roxmltree::Node;
use omflow_garoon::soap::{self, escape};
use serde_json::{json, Value};

/// The SOAP endpoint's path.
pub(crate) const PATH: &str = "/g/cbpapi/workflow/api.csp";

/// A fault: Garoon's code and its texts.
struct Fault(&'static str, &'static str, &'static str);

const NOT_FOUND: Fault = Fault(
    "GRN_WRKF_25302",
    "Cannot find the specified request data.",
    "The specified request data is not among yours, or no longer exists.",
);
const NOT_PROCESSOR: Fault = Fault(
    "GRN_WRKF_25356",
    "Cannot process the specified route step.",
    "The currently logged-in user is not the processor.",
);
const ALREADY: Fault = Fault(
    "GRN_WRKF_25357",
    "Cannot process the specified route step.",
    "The process the user is attempting to carry out has been completed already.",
);

/// Answers one SOAP request.
pub(crate) fn handle(world: &mut World, body: &[u8]) -> HttpReply {
    let Ok(text) = std::str::from_utf8(body) else {
        return fault(&Fault(
            "GRN_UTIL_API_65000",
            "Cannot process the SOAP request.",
            "The request is not UTF-8.",
        ));
    };
    let Ok(document) = soap::parse(text) else {
        return fault(&Fault(
            "GRN_UTIL_API_65000",
            "Cannot process the SOAP request.",
            "The request is not XML.",
        ));
    };
    let root = document.root_element();
    let (Some(header), Some(body)) = (soap::child(root, "Header"), soap::child(root, "Body"))
    else {
        return fault(&Fault(
            "GRN_UTIL_API_65001",
            "SOAP request is invalid.",
            "Header or Body is missing from the SOAP request.",
        ));
    };
    let action = soap::child(header, "Action")
        .and_then(|a| a.text())
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    let Some(user) = login(world, header) else {
        return fault(&Fault(
            "GRN_CMMN_00105",
            "Login required.",
            "The login name or password is wrong, or none was given.",
        ));
    };
    let Some(parameters) = body
        .children()
        .find(|n| n.is_element() && n.tag_name().name() == action)
        .and_then(|call| soap::child(call, "parameters"))
    else {
        return fault(&Fault(
            "GRN_UTIL_API_65001",
            "SOAP request is invalid.",
            "\"parameters\" is missing from the SOAP request.",
        ));
    };
    let folder = |name: &str| {
        ["Unprocessed", "Sent", "Received"]
            .into_iter()
            .find(|f| *f == name)
    };
    let call = action.strip_prefix("WorkflowGet");
    let returns = match (
        call.and_then(|c| c.strip_suffix("ApplicationVersions"))
            .and_then(folder),
        call.and_then(|c| c.strip_suffix("ApplicationsById"))
            .and_then(folder),
    ) {
        (Some(name), _) => {
            InFolder::of(name, Some(parameters)).map(|f| versions(world, &user, &f, parameters))
        }
        (_, Some(name)) => {
            InFolder::of(name, None).and_then(|f| by_id(world, &user, &f, parameters))
        }
        _ if action == "WorkflowGetApprovalDelegators" => Ok(world
            .garoon
            .proxies
            .iter()
            .filter(|p| p.proxy == user)
            .map(|p| format!("<delegator_id>{}</delegator_id>", escape(&p.delegator_id)))
            .collect()),
        _ if action == "WorkflowGetProxyApprovalsByDelegatorId" => {
            proxy_approvals(world, &user, parameters)
        }
        _ if action == "WorkflowGetPendingApprovals" => {
            Period::of(parameters).map(|p| pending_approvals(world, &user, &p))
        }
        _ if action == "WorkflowHandleApplications" => handle_all(world, &user, parameters),
        _ => Err(Fault(
            "GRN_UTIL_API_65002",
            "API does not exist.",
            "The fake serves the approver's workflow calls only.",
        )),
    };
    match returns {
        Ok(returns) => answer(&action, &returns),
        Err(refused) => fault(&refused),
    }
}

fn login(world: &World, header: Node<'_, '_>) -> Option<String> {
    let token = soap::child(header, "Security").and_then(|s| soap::child(s, "UsernameToken"))?;
    let name = soap::child(token, "Username")?.text()?.trim().to_string();
    let password = soap::child(token, "Password")?.text()?.trim().to_string();
    world
        .users
        .iter()
        .find(|u| {
            u.username == name && u.password.as_deref() == Some(password.as_str()) && u.is_active
        })
        .map(|u| u.username.clone())
}

fn answer(action: &str, returns: &str) -> HttpReply {
    let mut reply = HttpReply::json(200, &Value::Null);
    reply.content_type = "application/soap+xml; charset=\"utf-8\"".into();
    reply.body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\" xmlns:workflow=\"http://wsdl.cybozu.co.jp/workflow/2008\"><soap:Header><vendor>Cybozu</vendor><product>Garoon</product><product_type>2</product_type></soap:Header><soap:Body><workflow:{action}Response><returns>{returns}</returns></workflow:{action}Response></soap:Body></soap:Envelope>"
    )
    .into_bytes();
    reply
}

fn fault(Fault(code, diagnosis, cause): &Fault) -> HttpReply {
    // As Garoon cloud answers its application errors: 520 with the code in X-Cybozu-Error.
    let mut reply = HttpReply::json(520, &Value::Null);
    reply.headers.push(("x-cybozu-error", code.to_string()));
    reply.content_type = "application/soap+xml; charset=\"utf-8\"".into();
    reply.body = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\"><soap:Header><vendor>Cybozu</vendor><product>Garoon</product></soap:Header><soap:Body><soap:Fault><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code><soap:Reason><soap:Text xml:lang=\"en\">{diagnosis}</soap:Text></soap:Reason><soap:Detail><code>{code}</code><diagnosis>{diagnosis}</diagnosis><cause>{cause}</cause><counter_measure>Check the request and try again.</counter_measure></soap:Detail></soap:Fault></soap:Body></soap:Envelope>",
        diagnosis = escape(diagnosis),
        cause = escape(cause)
    )
    .into_bytes();
    reply
}

/// Whether a processor has not answered (no result, `""` or `-`).
fn unanswered(processor: &Value) -> bool {
    matches!(processor["result"].as_str(), None | Some("" | "-"))
}

fn in_progress(request: &Value) -> bool {
    matches!(
        request["status"]["type"].as_str(),
        Some("UNPROCESSING" | "IN_PROGRESS" | "SENT_BACK")
    )
}

/// Whether `request` waits for `user`: in progress, and `user` an unanswered processor of
/// its current step.
fn waits_for(request: &Value, user: &str) -> bool {
    let step = request["processingStepCode"].as_str().unwrap_or_default();
    in_progress(request)
        && request["steps"][step]["processors"]
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| p["code"] == user && unanswered(p)))
}

/// A request's version: changes whenever a processor answers or the status changes.
fn version(request: &Value) -> u64 {
    let created = request["createdAt"]
        .as_str()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map_or(0, |t| u64::try_from(t.timestamp()).unwrap_or(0));
    let answers = processors(request).filter(|p| !unanswered(p)).count();
    let status = match request["status"]["type"].as_str() {
        Some("UNPROCESSING") => 0,
        Some("IN_PROGRESS") => 1,
        Some("SENT_BACK") => 2,
        Some("APPROVED") => 3,
        Some("REJECTED") => 4,
        Some("WITHDRAWN") => 5,
        Some("CANCELLED") => 6,
        _ => 7,
    };
    created + 10 * answers as u64 + status
}

/// A period of the sent and received folders and the pending-approval list (`start`
/// required, `end` now when absent), matched against the request's creation time.
struct Period {
    start: chrono::DateTime<chrono::FixedOffset>,
    end: Option<chrono::DateTime<chrono::FixedOffset>>,
}

impl Period {
    fn of(parameters: Node<'_, '_>) -> Result<Period, Fault> {
        let bad = Fault(
            "GRN_WRKF_25305",
            "The date range is invalid.",
            "The combination of the start and end dates is not correct.",
        );
        let Some(start) = parameters.attribute("start") else {
            return Err(Fault(
                "GRN_CBPAPI_63004",
                "There are insufficient request parameters.",
                "\"start\" is required.",
            ));
        };
        let at = |t: &str| chrono::DateTime::parse_from_rfc3339(t.trim());
        let start = at(start).map_err(|_| Fault(bad.0, bad.1, bad.2))?;
        let end = match parameters.attribute("end") {
            Some(end) => Some(at(end).map_err(|_| Fault(bad.0, bad.1, bad.2))?),
            None => None,
        };
        if end.is_some_and(|end| start > end) {
            return Err(bad);
        }
        Ok(Period { start, end })
    }

    fn holds(&self, request: &Value) -> bool {
        let Some(created) = request["createdAt"]
            .as_str()
            .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        else {
            return false;
        };
        created >= self.start && self.end.is_none_or(|end| created <= end)
    }
}

/// One of the caller's folders: unprocessed (waiting for the caller now), sent (applied for
/// by the caller) or received (routed to the caller, who has answered), the last two in a
/// period (a version list's; a read by id has none and reads the whole folder).
enum InFolder {
    Unprocessed,
    Sent(Option<Period>),
    Received(Option<Period>),
}

impl InFolder {
    fn of(name: &str, period_of: Option<Node<'_, '_>>) -> Result<InFolder, Fault> {
        let period = || period_of.map(Period::of).transpose();
        Ok(match name {
            "Sent" => InFolder::Sent(period()?),
            "Received" => InFolder::Received(period()?),
            _ => InFolder::Unprocessed,
        })
    }

    fn holds(&self, request: &Value, user: &str) -> bool {
        match self {
            InFolder::Unprocessed => waits_for(request, user),
            InFolder::Sent(period) => {
                request["applicant"]["code"] == user
                    && period.as_ref().is_none_or(|p| p.holds(request))
            }
            InFolder::Received(period) => {
                period.as_ref().is_none_or(|p| p.holds(request))
                    && processors(request).any(|p| p["code"] == user && !unanswered(p))
            }
        }
    }
}

/// Every processor of every step.
fn processors(request: &Value) -> impl Iterator<Item = &Value> {
    request["steps"]
        .as_object()
        .into_iter()
        .flat_map(|steps| steps.values())
        .flat_map(|s| s["processors"].as_array().into_iter().flatten())
}

fn versions(world: &World, user: &str, folder: &InFolder, parameters: Node<'_, '_>) -> String {
    let sent: Vec<(String, String)> = soap::children(parameters, "application_item")
        .map(|n| {
            (
                n.attribute("id").unwrap_or_default().to_string(),
                n.attribute("version").unwrap_or_default().to_string(),
            )
        })
        .collect();
    let mut out = String::new();
    for request in world
        .garoon
        .requests
        .iter()
        .filter(|r| folder.holds(r, user))
    {
        let id = request["id"].as_str().unwrap_or_default();
        let now = version(request).to_string();
        let change = match sent.iter().find(|(sid, _)| sid == id) {
            None => "add",
            Some((_, v)) if *v != now => "modify",
            Some(_) => continue,
        };
        out.push_str(&format!(
            "<application_item id=\"{}\" version=\"{now}\" operation=\"{change}\"/>",
            escape(id)
        ));
    }
    for (id, version) in &sent {
        let still = world
            .garoon
            .requests
            .iter()
            .any(|r| r["id"] == id.as_str() && folder.holds(r, user));
        if !still {
            out.push_str(&format!(
                "<application_item id=\"{}\" version=\"{}\" operation=\"remove\"/>",
                escape(id),
                escape(version)
            ));
        }
    }
    out
}

fn by_id(
    world: &World,
    user: &str,
    folder: &InFolder,
    parameters: Node<'_, '_>,
) -> Result<String, Fault> {
    let mut out = String::new();
    for id in soap::children(parameters, "application_id").filter_map(|n| n.text()) {
        let request = world
            .garoon
            .requests
            .iter()
            .find(|r| r["id"] == id.trim() && folder.holds(r, user))
            .ok_or(NOT_FOUND)?;
        out.push_str(&application(request, user));
    }
    Ok(out)
}

/// The delegator `delegator_id` names, when `user` is their proxy approver.
fn delegator_of(world: &World, user: &str, delegator_id: &str) -> Result<String, Fault> {
    world
        .garoon
        .proxies
        .iter()
        .find(|p| p.proxy == user && p.delegator_id == delegator_id)
        .map(|p| p.delegator.clone())
        .ok_or(Fault(
            "GRN_WRKF_25307",
            "Cannot process the request as a proxy.",
            "You are not a proxy approver of that user.",
        ))
}

/// The requests waiting for the delegator the caller is a proxy approver of, in the period.
fn proxy_approvals(world: &World, user: &str, parameters: Node<'_, '_>) -> Result<String, Fault> {
    let delegator_id = parameters.attribute("delegator_id").ok_or(Fault(
        "GRN_CBPAPI_63004",
        "There are insufficient request parameters.",
        "\"delegator_id\" is required.",
    ))?;
    let delegator = delegator_of(world, user, delegator_id)?;
    let period = Period::of(parameters)?;
    Ok(world
        .garoon
        .requests
        .iter()
        .filter(|r| waits_for(r, &delegator) && period.holds(r))
        .map(|r| application(r, &delegator))
        .collect())
}

/// The requests in progress that will reach `user` at a step after the current one.
fn pending_approvals(world: &World, user: &str, period: &Period) -> String {
    world
        .garoon
        .requests
        .iter()
        .filter(|r| in_progress(r) && period.holds(r) && later_step_of(r, user))
        .map(|r| application(r, user))
        .collect()
}

/// Whether `user` is an unanswered processor of a step after the request's current one.
fn later_step_of(request: &Value, user: &str) -> bool {
    let current = request["processingStepCode"].as_str().unwrap_or_default();
    request["steps"].as_object().is_some_and(|steps| {
        steps
            .iter()
            .skip_while(|(key, _)| key.as_str() != current)
            .skip(1)
            .flat_map(|(_, s)| s["processors"].as_array().into_iter().flatten())
            .any(|p| p["code"] == user && unanswered(p))
    })
}

/// Every handle, all or none.
fn handle_all(world: &mut World, user: &str, parameters: Node<'_, '_>) -> Result<String, Fault> {
    let mut requests = world.garoon.requests.clone();
    // The fake's clock is the server's local time (Asia/Taipei, UTC+8); Garoon stamps UTC.
    let now = (world.now() - chrono::Duration::hours(8))
        .and_utc()
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string();
    let mut handled = Vec::new();
    for handle in soap::children(parameters, "handle") {
        let id = handle.attribute("application_id").unwrap_or_default();
        let index = requests
            .iter()
            .position(|r| r["id"] == id)
            .ok_or(NOT_FOUND)?;
        let operation = soap::child(handle, "operation")
            .and_then(|o| o.children().rfind(|n| n.is_element()))
            .ok_or(Fault(
                "GRN_CBPAPI_63004",
                "There are insufficient request parameters.",
                "\"operation\" is required.",
            ))?;
        // As a proxy: the delegator answers, and the processor records who acted.
        let acting = match handle.attribute("delegator_id") {
            Some(id) => Some(delegator_of(world, user, id)?),
            None => None,
        };
        let comment = handle.attribute("comment").unwrap_or_default();
        let as_user = acting.as_deref().unwrap_or(user);
        apply(&mut requests[index], as_user, operation, comment, &now)?;
        if acting.is_some() {
            mark_proxy(&mut requests[index], as_user, user);
        }
        handled.push(index);
    }
    world.garoon.requests = requests;
    Ok(handled
        .into_iter()
        .map(|i| application(&world.garoon.requests[i], user))
        .collect())
}

fn apply(
    request: &mut Value,
    user: &str,
    operation: Node<'_, '_>,
    comment: &str,
    now: &str,
) -> Result<(), Fault> {
    let tag = operation.tag_name().name();
    if matches!(tag, "withdraw" | "cancel") {
        if request["applicant"]["code"] != user {
            return Err(Fault(
                "GRN_WRKF_25359",
                "Cannot cancel this request.",
                "A user who is not the applicant is attempting to cancel the request.",
            ));
        }
        if !in_progress(request) {
            return Err(Fault(
                "GRN_WRKF_25334",
                "Cannot cancel this request.",
                "The request is no longer in progress (finished, withdrawn or cancelled).",
            ));
        }
        let anyone = processors(request).any(|p| !unanswered(p));
        request["status"] = if anyone {
            json!({"name": "取消", "type": "CANCELLED"})
        } else {
            json!({"name": "取り戻し", "type": "WITHDRAWN"})
        };
        return Ok(());
    }
    if tag == "acknowledge" {
        return if in_progress(request) {
            Err(Fault(
                "GRN_WRKF_25365",
                "Cannot process the request.",
                "Only a finished request is acknowledged.",
            ))
        } else {
            Ok(())
        };
    }
    let (refused, result) = match tag {
        "approve" => ("GRN_WRKF_25330", "承認"),
        "reject" => ("GRN_WRKF_25331", "却下"),
        "sent_back" => ("GRN_WRKF_25332", "差し戻し"),
        "confirm" => ("GRN_WRKF_25330", "確認"),
        _ => {
            return Err(Fault(
                "GRN_WRKF_25365",
                "Cannot process the request.",
                "You are attempting to add invalid data.",
            ))
        }
    };
    if !in_progress(request) {
        return Err(Fault(
            refused,
            "Cannot process this request.",
            "Requests without a status of \"In progress\" or \"Sent back\" cannot be processed.",
        ));
    }
    let step = request["processingStepCode"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let approval = request["steps"][&step]["isApprovalStep"] != 0;
    if approval == (tag == "confirm") {
        return Err(Fault(
            "GRN_WRKF_25362",
            "Cannot process the request.",
            "Approve, reject or send back on an approval step; confirm an acknowledgement step.",
        ));
    }
    let processors = request["steps"][&step]["processors"]
        .as_array_mut()
        .ok_or(NOT_PROCESSOR)?;
    let mine = processors
        .iter_mut()
        .find(|p| p["code"] == user)
        .ok_or(NOT_PROCESSOR)?;
    if !unanswered(mine) {
        return Err(ALREADY);
    }
    mine["result"] = json!(result);
    mine["operatedAt"] = json!(now);
    if !comment.is_empty() {
        mine["comment"] = json!(comment);
    }
    match tag {
        "reject" => request["status"] = json!({"name": "却下", "type": "REJECTED"}),
        "sent_back" => send_back(request, &step, operation)?,
        _ => advance(request, &step),
    }
    Ok(())
}

/// Records on the delegator's answered processor entries that `proxy` acted for them.
fn mark_proxy(request: &mut Value, delegator: &str, proxy: &str) {
    let Some(steps) = request["steps"].as_object_mut() else {
        return;
    };
    for step in steps.values_mut() {
        for p in step["processors"].as_array_mut().into_iter().flatten() {
            if p["code"] == delegator && !unanswered(p) && p.get("proxy").is_none() {
                p["proxy"] = json!({"code": proxy, "name": proxy});
            }
        }
    }
}

/// After an approval or confirmation: the next step once this one is done (all its
/// processors, or any one for `誰か1人`), or approved after the last.
fn advance(request: &mut Value, step: &str) {
    let requirement = request["steps"][step]["requirement"]
        .as_str()
        .unwrap_or_default();
    let any_one = requirement.contains("誰か") || requirement.to_lowercase().contains("any");
    let answers: Vec<bool> = request["steps"][step]["processors"]
        .as_array()
        .map(|ps| ps.iter().map(|p| !unanswered(p)).collect())
        .unwrap_or_default();
    let done = if any_one {
        answers.iter().any(|a| *a)
    } else {
        answers.iter().all(|a| *a)
    };
    if !done {
        request["status"] = json!({"name": "進行中", "type": "IN_PROGRESS"});
        return;
    }
    let keys: Vec<String> = request["steps"]
        .as_object()
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let next = keys.iter().skip_while(|k| *k != step).nth(1).cloned();
    match next {
        Some(next) => {
            request["processingStepCode"] = json!(next);
            request["status"] = json!({"name": "進行中", "type": "IN_PROGRESS"});
        }
        None => {
            request["processingStepCode"] = json!("");
            request["status"] = json!({"name": "承認", "type": "APPROVED"});
        }
    }
}

/// A send-back: to the applicant, or to an earlier step (by its id), whose processors
/// answer again.
fn send_back(request: &mut Value, step: &str, operation: Node<'_, '_>) -> Result<(), Fault> {
    let target = operation.children().rfind(|n| n.is_element());
    let bad_target = Fault(
        "GRN_WRKF_25350",
        "Route step ID is invalid.",
        "Send back to the applicant or to an earlier step.",
    );
    let keys: Vec<String> = request["steps"]
        .as_object()
        .map(|s| s.keys().cloned().collect())
        .unwrap_or_default();
    let earlier: Vec<&String> = keys.iter().take_while(|k| *k != step).collect();
    let to = match target.map(|t| (t.tag_name().name(), t.attribute("step_id"))) {
        Some(("applicant", _)) => String::new(),
        Some(("step", Some(id))) => earlier
            .iter()
            .find(|k| request["steps"][k.as_str()]["id"] == id)
            .map(|k| k.to_string())
            .ok_or(bad_target)?,
        _ => return Err(bad_target),
    };
    if !to.is_empty() {
        if let Some(processors) = request["steps"][&to]["processors"].as_array_mut() {
            for p in processors {
                if let Some(p) = p.as_object_mut() {
                    p.remove("result");
                    p.remove("operatedAt");
                }
            }
        }
    }
    request["processingStepCode"] = json!(to);
    request["status"] = json!({"name": "差し戻し", "type": "SENT_BACK"});
    Ok(())
}

/// A request as `application` (Cybozu's `WorkflowApplicationType`), with what `user` may do.
fn application(request: &Value, user: &str) -> String {
    let text = |v: &Value| {
        v.as_str().map(str::to_string).unwrap_or_else(|| match v {
            Value::Null => String::new(),
            other => other.to_string(),
        })
    };
    let step_key = request["processingStepCode"].as_str().unwrap_or_default();
    let status_type = request["status"]["type"]
        .as_str()
        .unwrap_or_default()
        .to_lowercase()
        .replace("in_progress", "inprogress");
    let mut xml = format!(
        "<application xmlns=\"http://schemas.cybozu.co.jp/workflow/2008\" id=\"{}\" version=\"{}\" name=\"{}\" number=\"{}\" status=\"{}\" status_type=\"{}\" date=\"{}\" processing_step=\"{}\" urgent=\"{}\">",
        escape(&text(&request["id"])),
        version(request),
        escape(&text(&request["name"])),
        escape(&text(&request["number"])),
        escape(&text(&request["status"]["name"])),
        escape(&status_type),
        escape(&text(&request["createdAt"])),
        escape(&text(&request["steps"][step_key]["id"])),
        request["isUrgent"] == true
    );
    xml.push_str(&format!(
        "<applicant id=\"{}\" name=\"{}\"></applicant><items>",
        escape(&text(&request["applicant"]["id"])),
        escape(&text(&request["applicant"]["name"]))
    ));
    for item in request["items"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        xml.push_str(&format!(
            "<item name=\"{}\" value=\"{}\" right_align=\"false\"/>",
            escape(&text(&item["name"])),
            escape(&text(&item["value"]))
        ));
    }
    xml.push_str("</items><steps>");
    for step in request["steps"]
        .as_object()
        .into_iter()
        .flat_map(|m| m.values())
    {
        xml.push_str(&format!(
            "<step id=\"{}\" name=\"{}\" type=\"{}\" is_approval_step=\"{}\">",
            escape(&text(&step["id"])),
            escape(&text(&step["name"])),
            escape(&text(&step["requirement"])),
            if step["isApprovalStep"] == 0 { 0 } else { 1 }
        ));
        for p in step["processors"].as_array().into_iter().flatten() {
            xml.push_str(&format!(
                "<processor id=\"{}\" processor_name=\"{}\"",
                escape(&text(&p["id"])),
                escape(&text(&p["name"]))
            ));
            for (attr, key) in [
                ("result", "result"),
                ("date", "operatedAt"),
                ("comment", "comment"),
            ] {
                if let Some(value) = p[key].as_str().filter(|v| !v.is_empty() && *v != "-") {
                    xml.push_str(&format!(" {attr}=\"{}\"", escape(value)));
                }
            }
            xml.push_str("></processor>");
        }
        xml.push_str("</step>");
    }
    xml.push_str("</steps>");
    if waits_for(request, user) {
        if request["steps"][step_key]["isApprovalStep"] == 0 {
            xml.push_str("<operation><confirm/></operation>");
        } else {
            xml.push_str("<operation><approve/></operation><operation><reject/></operation><operation><sent_back><applicant/>");
            let keys: Vec<&String> = request["steps"]
                .as_object()
                .map(|s| s.keys().collect())
                .unwrap_or_default();
            for key in keys.into_iter().take_while(|k| k.as_str() != step_key) {
                xml.push_str(&format!(
                    "<step step_id=\"{}\"/>",
                    escape(&text(&request["steps"][key.as_str()]["id"]))
                ));
            }
            xml.push_str("</sent_back></operation>");
        }
    }
    xml.push_str("</application>");
    xml
}

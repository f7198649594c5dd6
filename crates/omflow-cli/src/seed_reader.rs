//! `omflow seed from-server`: a seed for the fake, read from a server as far as its REST API
//! shows it to the logged-in user, so `omflow replay --fake SEED` can start from the user's
//! own state.
//!
//! What the API shows: every user (the user list, safe columns only) and their groups; for
//! each flow of the user's missions its names, api_path (the API-format helper, managers
//! only), its start form (View permission) and the form, stop name and quick actions of
//! each stop a mission of the user is at (the ticket-load call). What it does not show is
//! reported, never guessed: passwords (the server holds only hashes), group permissions,
//! how stops connect and what they assign, and the tickets themselves.

use futures::TryStreamExt;
use omflow_client::model::{FlowNames, FlowUuid, FormDesign, LoadedTicket, Mission};
use omflow_client::{Client, Error, UserWithGroups};
use omflow_mock::seed::{
    SeedField, SeedFlow, SeedGroup, SeedItem, SeedOption, SeedQuickAction, SeedStopField, SeedUser,
};
use omflow_mock::Seed;
use std::collections::BTreeMap;

/// A seed and what it could not read.
#[derive(Debug)]
pub struct ReadSeed {
    /// The seed.
    pub seed: Seed,
    /// One line per thing the API did not show (fill them in by hand).
    pub gaps: Vec<String>,
}

fn options(design_choices: &[omflow_client::model::Choice]) -> Vec<SeedOption> {
    design_choices
        .iter()
        .map(|c| SeedOption {
            value: c.value.clone(),
            text: c.text.clone(),
        })
        .collect()
}

fn main_fields(design: &FormDesign) -> Vec<SeedField> {
    design
        .fields()
        .filter_map(|item| {
            let id = item.field_id()?;
            Some(SeedField {
                id: id.to_string(),
                field_type: item.field_type().as_str().to_string(),
                title: item.title().unwrap_or_default().to_string(),
                user_title: None,
                options: options(item.choices()),
                default: None,
                required: item.required(),
                regex: item.regex().filter(|r| !r.is_empty()).map(str::to_string),
            })
        })
        .collect()
}

/// A stop's own fields: those of its form, as the stop requires them.
fn stop_fields(fields: &[SeedField]) -> Vec<SeedStopField> {
    fields
        .iter()
        .map(|field| SeedStopField {
            id: field.id.clone(),
            field_type: field.field_type.clone(),
            required: field.required,
            options: field.options.clone(),
            regex: field.regex.clone(),
        })
        .collect()
}

/// The ticket table's column count: the designer's item counter where a design read shows
/// it (deleted fields keep their columns), else the highest `FORMITM_n` among the fields.
fn column_count(fields: &[SeedField], counters: &[u32]) -> u32 {
    fields
        .iter()
        .filter_map(|f| f.id.strip_prefix("FORMITM_")?.parse::<u32>().ok())
        .chain(counters.iter().copied())
        .max()
        .unwrap_or(0)
}

/// The designer's `form_item_counter` of a design, if it has one.
fn item_counter(design: &FormDesign) -> Option<u32> {
    design
        .extra
        .get("form_item_counter")?
        .as_u64()
        .and_then(|n| u32::try_from(n).ok())
}

/// Reads a seed through `client` (logged in as the user whose view it records).
///
/// # Errors
/// When the user list or the missions cannot be read; a flow's optional parts that the
/// user may not read become gaps instead.
pub async fn read(client: &Client, server: &str, user: &str) -> Result<ReadSeed, Error> {
    let mut gaps = unreadable_by_the_api();
    let users = client.users().await?;
    let (seed_users, groups) = users_and_groups(&users);
    let missions: Vec<Mission> = client.missions().stream().try_collect().await?;
    let mut flows = Vec::new();
    for (flow_uuid, missions) in missions_by_flow(&missions) {
        if let Some(flow) = read_flow(client, flow_uuid, missions, &mut gaps).await {
            flows.push(flow);
        }
    }
    let mut seed = Seed {
        description: format!("read from {server} as {user} by `omflow seed from-server`"),
        users: seed_users,
        groups: groups
            .into_iter()
            .map(|(id, display_name)| SeedGroup {
                id,
                display_name,
                ..SeedGroup::default()
            })
            .collect(),
        flows,
        tickets: Vec::new(),
        garoon: None,
        apps: Vec::new(),
    };
    match crate::seed_apps::read_apps(client, &mut seed).await {
        Ok(apps) => {
            // The apps' exports name every flow's stops, forms and permissions by role, and
            // every group and role is read: those gaps close for the apps' flows.
            let exported: Vec<String> = seed
                .flows
                .iter()
                .filter(|f| f.flowobject.is_some())
                .map(|f| format!("flow {}:", f.flow_name))
                .collect();
            gaps.retain(|g| {
                !g.starts_with("tickets:")
                    && !g.starts_with("groups nobody")
                    && !exported.iter().any(|flow| g.starts_with(flow.as_str()))
            });
            for gap in gaps.iter_mut().filter(|g| g.starts_with("group permissions")) {
                *gap = "group permissions other than those the apps grant (OmFormFlow_Manage, ...): not readable through the REST API; add them to `groups[].permissions`".to_string();
            }
            gaps.push(format!(
                "mission ids: the fake opens its own missions for the tickets waiting at a form stop among the {} ticket rows copied (of {} flows); their ids are not the server's",
                apps.rows, apps.flows
            ));
            gaps.extend(apps.gaps);
        }
        Err(why) if why.status() == Some(302) => gaps.push(
            "apps and tickets: exporting the apps and reading every ticket row needs the flow-management permission (OmFormFlow_Manage), which this user does not hold".to_string(),
        ),
        Err(why) => gaps.push(format!("apps and tickets: not read ({why})")),
    }
    Ok(ReadSeed { seed, gaps })
}

/// The gaps of every seed read: what the REST API never shows.
fn unreadable_by_the_api() -> Vec<String> {
    vec![
        "passwords: the server keeps only hashes; give each user's with `omflow replay --login USER=PASSWORD` or set `password` in the file".to_string(),
        "group permissions (Omdata_<flow>_View/_Add/_Delete, OmFormFlow_Manage): not readable through the REST API; add them to `groups[].permissions`".to_string(),
        "tickets: not copied; the seed starts with none (add `tickets` to create some at start)".to_string(),
        "groups nobody belongs to: the user list shows a group only through its members".to_string(),
    ]
}

/// The seed's users, and the groups they belong to (id and name, by id).
fn users_and_groups(users: &[UserWithGroups]) -> (Vec<SeedUser>, BTreeMap<u64, String>) {
    let mut groups: BTreeMap<u64, String> = BTreeMap::new();
    let seed_users: Vec<SeedUser> = users
        .iter()
        .map(|u| {
            for (id, name) in &u.groups {
                groups.entry(id.get()).or_insert_with(|| name.clone());
            }
            SeedUser {
                id: u.user.id.get(),
                username: u.user.username.clone(),
                password: None,
                email: u.user.email.clone().unwrap_or_default(),
                nick_name: u.user.nick_name.clone().unwrap_or_default(),
                is_superuser: u.user.is_superuser,
                is_staff: u.user.is_staff,
                is_active: u.user.is_active,
                groups: u.groups.iter().map(|(id, _)| id.get()).collect(),
            }
        })
        .collect();
    (seed_users, groups)
}

/// The missions of each flow (those without a flow left out).
fn missions_by_flow(missions: &[Mission]) -> BTreeMap<FlowUuid, Vec<&Mission>> {
    let mut by_flow: BTreeMap<FlowUuid, Vec<&Mission>> = BTreeMap::new();
    for mission in missions {
        if let Some(flow) = mission.flow_uuid {
            by_flow.entry(flow).or_default().push(mission);
        }
    }
    by_flow
}

/// One flow of the user's missions as the API shows it; `None` (and a gap) when its names
/// cannot be read.
async fn read_flow(
    client: &Client,
    flow_uuid: FlowUuid,
    missions: Vec<&Mission>,
    gaps: &mut Vec<String>,
) -> Option<SeedFlow> {
    let hex = flow_uuid.simple();
    let names = match client.flow_names(flow_uuid).await {
        Ok(names) => names,
        Err(err) => {
            gaps.push(format!(
                "flow {hex}: left out, its names could not be read: {err}"
            ));
            return None;
        }
    };
    let api_path = flow_api_path(client, &names, &hex, gaps).await;
    let mut counters = Vec::new();
    let (mut fields, form_object) =
        start_form_fields(client, flow_uuid, &names.flow_name, &mut counters, gaps).await;
    let mut items = stop_items(
        client,
        flow_uuid,
        &names.flow_name,
        missions,
        &mut fields,
        &mut counters,
        gaps,
    )
    .await;
    add_start_item(&mut items, &names.flow_name, gaps);
    fields.sort_by_key(|f| {
        f.id.strip_prefix("FORMITM_")
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or(u32::MAX)
    });
    Some(SeedFlow {
        app_name: names.app_name,
        flow_name: names.flow_name,
        flow_uuid: hex,
        api_path,
        api: true,
        is_active: true,
        mission: true,
        deployed: true,
        column_count: column_count(&fields, &counters),
        fields,
        items,
        form_object,
        ui_config: None,
        flowobject: None,
        rows: Vec::new(),
        flow_logs: Vec::new(),
    })
}

/// A flow's api_path; when the API-format helper does not tell it, a made-up one (and a
/// gap saying why).
async fn flow_api_path(
    client: &Client,
    names: &FlowNames,
    hex: &str,
    gaps: &mut Vec<String>,
) -> String {
    match client.flow_info(&names.app_name, &names.flow_name).await {
        Ok(info) => info.api_path.to_string(),
        Err(err) => {
            let made_up = format!("flow-{}", &hex[..8]);
            let redirected = matches!(
                err.call_error(),
                Some(omflow_client::CallError::Response { raw }) if raw.status() == 302
            );
            let why = match &err {
                _ if redirected => {
                    "is readable only with the flow-management permission".to_string()
                }
                other => format!("could not be read ({other})"),
            };
            gaps.push(format!(
                "flow {}: api_path {why}; `{made_up}` stands in (calls by uuid, path None, are unaffected)",
                names.flow_name
            ));
            made_up
        }
    }
}

/// A flow's fields and design from its start form (its item counter added to `counters`);
/// none (and a gap) when the user may not read it.
async fn start_form_fields(
    client: &Client,
    flow_uuid: FlowUuid,
    flow_name: &str,
    counters: &mut Vec<u32>,
    gaps: &mut Vec<String>,
) -> (Vec<SeedField>, Option<serde_json::Value>) {
    match client.start_form(flow_uuid).await {
        Ok(design) => {
            counters.extend(item_counter(&design));
            (main_fields(&design), serde_json::to_value(&*design).ok())
        }
        Err(_) => {
            gaps.push(format!(
                "flow {flow_name}: the start form needs the flow's View permission; fields are taken from the stops' forms"
            ));
            (Vec::new(), None)
        }
    }
}

/// The form stops the user's open missions of a flow are at, one item each, read by
/// loading a ticket row there; their fields not yet in `fields` are added, their item
/// counters to `counters`. A row that cannot be loaded leaves its stop out (and a gap).
async fn stop_items(
    client: &Client,
    flow_uuid: FlowUuid,
    flow_name: &str,
    missions: Vec<&Mission>,
    fields: &mut Vec<SeedField>,
    counters: &mut Vec<u32>,
    gaps: &mut Vec<String>,
) -> Vec<SeedItem> {
    let mut items: Vec<SeedItem> = Vec::new();
    for mission in missions {
        let (Some(stop), Some(data_id)) = (&mission.stop_uuid, mission.data_id) else {
            continue;
        };
        if mission.history || items.iter().any(|i| &i.id == stop) {
            continue;
        }
        let loaded = match client.load_ticket(flow_uuid, data_id).await {
            Ok(loaded) => loaded,
            Err(err) => {
                gaps.push(format!(
                    "flow {flow_name}: stop {stop} left out, ticket row {data_id} could not be loaded: {err}"
                ));
                continue;
            }
        };
        if !loaded.is_at_form_stop() {
            continue;
        }
        counters.extend(item_counter(&loaded.formobject));
        let at_stop = main_fields(&loaded.formobject);
        for field in &at_stop {
            if !fields.iter().any(|f| f.id == field.id) {
                fields.push(field.clone());
            }
        }
        items.push(stop_item(mission, stop, &loaded, &at_stop));
    }
    items
}

/// The item of a form stop a mission is at, from the loaded ticket row there.
fn stop_item(
    mission: &Mission,
    stop: &str,
    loaded: &LoadedTicket,
    at_stop: &[SeedField],
) -> SeedItem {
    let labels = loaded.quick_actions();
    let action = |label: Option<String>| {
        label.map(|text| SeedQuickAction {
            text,
            inputs: Vec::new(),
        })
    };
    SeedItem {
        id: stop.to_string(),
        item_type: "form".into(),
        text: mission.stop_chart_text.clone().unwrap_or_default(),
        next: None,
        fields: stop_fields(at_stop),
        action1: action(labels.action1),
        action2: action(labels.action2),
        form_object: serde_json::to_value(&loaded.formobject).ok(),
        ..SeedItem::default()
    }
}

/// Puts a start item first: the fake needs one, and the API does not show the flow's (a
/// gap says so, with what else of the flow's wiring is not shown).
fn add_start_item(items: &mut Vec<SeedItem>, flow_name: &str, gaps: &mut Vec<String>) {
    // The fake needs a start item; the API does not show the flow's, so one that leads
    // nowhere stands in (a create in this flow stops there until `next` is filled in).
    let start_id = (1..)
        .map(|n| format!("FITEM_{n}"))
        .find(|id| !items.iter().any(|item| &item.id == id))
        .unwrap_or_default();
    gaps.push(format!(
        "flow {flow_name}: {} stop(s) read from the missions; how stops connect (`next`, switch `rules`), what they assign (`inputs`) and the end item are not shown by the REST API; a start item {start_id} with no `next` stands in for the flow's own",
        items.len()
    ));
    items.insert(
        0,
        SeedItem {
            id: start_id,
            item_type: "start".into(),
            ..SeedItem::default()
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use omflow_client::model::FieldType;

    #[test]
    fn the_column_count_is_the_highest_field_number_or_counter() {
        let field = |id: &str| SeedField {
            id: id.into(),
            field_type: FieldType::Inputbox.as_str().into(),
            title: String::new(),
            user_title: None,
            options: Vec::new(),
            default: None,
            required: false,
            regex: None,
        };
        assert_eq!(
            column_count(&[field("FORMITM_2"), field("FORMITM_11")], &[]),
            11
        );
        assert_eq!(column_count(&[field("FORMITM_2")], &[7, 5]), 7);
        assert_eq!(column_count(&[], &[]), 0);
    }
}

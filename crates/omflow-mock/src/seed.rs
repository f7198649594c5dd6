//! Seeds: what the fake's database holds at start. A seed is a JSON file; `pristine` and
//! `demo` are built in (`crates/omflow-mock/seeds/`, inside the package), and [`SeedBuilder`] writes one in Rust.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A whole seed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Seed {
    /// What the seed is for.
    #[serde(default)]
    pub description: String,
    /// Users.
    pub users: Vec<SeedUser>,
    /// Groups.
    pub groups: Vec<SeedGroup>,
    /// Deployed flows.
    pub flows: Vec<SeedFlow>,
    /// Tickets created (and moved on) when the fake starts or resets.
    #[serde(default)]
    pub tickets: Vec<SeedTicket>,
    /// Garoon workflow data served under `/g/api/v1/workflow/`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub garoon: Option<GaroonSeed>,
    /// The apps loaded from export files, each as exported: what the fake's
    /// `flow-active-app/export/` answers for them (its other apps' exports it writes from
    /// their flows).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub apps: Vec<Value>,
}

/// Garoon workflow data: request objects (REST variant), attached files, OAuth tokens.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GaroonSeed {
    /// Request objects, in creation order.
    #[serde(default)]
    pub requests: Vec<Value>,
    /// Files `{id, contentType, name, size, content}` (content in base64).
    #[serde(default)]
    pub files: Vec<Value>,
    /// Accepted OAuth bearer tokens.
    #[serde(default)]
    pub tokens: Vec<String>,
    /// Form definitions `{id, name, items}`.
    #[serde(default)]
    pub forms: Vec<Value>,
    /// Proxy approvers (代理承認者): who may approve as whom.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub proxies: Vec<GaroonProxy>,
}

/// A proxy approver: `proxy` (a login name) may approve, reject and send back as the user
/// `delegator` (login name) whose Garoon user id is `delegator_id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GaroonProxy {
    /// The delegator's Garoon user id (what `delegator_id` names).
    pub delegator_id: String,
    /// The delegator's login name.
    pub delegator: String,
    /// The proxy's login name.
    pub proxy: String,
}

/// A user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedUser {
    /// Id.
    pub id: u64,
    /// Login name (exact, case-sensitive).
    pub username: String,
    /// Password; `null` means nobody can log in as this user.
    pub password: Option<String>,
    /// Email.
    #[serde(default)]
    pub email: String,
    /// Nick name (what push permission matches).
    #[serde(default)]
    pub nick_name: String,
    /// Superuser.
    #[serde(default)]
    pub is_superuser: bool,
    /// Staff (Django's admin-site flag; `createsuperuser` sets it, the user API never does).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_staff: bool,
    /// Active.
    #[serde(default = "yes")]
    pub is_active: bool,
    /// Group ids.
    #[serde(default)]
    pub groups: Vec<u64>,
}

fn yes() -> bool {
    true
}

/// A group.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SeedGroup {
    /// Id.
    pub id: u64,
    /// Display name.
    pub display_name: String,
    /// Permission codenames (`Omdata_<hex>_Add|Modify|View|Delete`).
    #[serde(default)]
    pub permissions: Vec<String>,
    /// A role (the group list's `functional_flag` `"True"`) rather than a group a field can
    /// be assigned to.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub functional: bool,
    /// Its uuid (32 hex digits; one is derived from the id when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_uuid: Option<String>,
    /// Its description.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
}

/// A flow and its definition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedFlow {
    /// Application name.
    pub app_name: String,
    /// Flow name.
    pub flow_name: String,
    /// 32-hex uuid.
    pub flow_uuid: String,
    /// URL alias.
    pub api_path: String,
    /// API calls allowed.
    #[serde(default = "yes")]
    pub api: bool,
    /// Enabled.
    #[serde(default = "yes")]
    pub is_active: bool,
    /// Writes missions.
    #[serde(default = "yes")]
    pub mission: bool,
    /// Deployed.
    #[serde(default = "yes")]
    pub deployed: bool,
    /// Number of `formitm_N` columns in the ticket table.
    pub column_count: u32,
    /// The merged form: every field with its type, title, options, default and whether the
    /// main form requires it.
    pub fields: Vec<SeedField>,
    /// The flow's items: start, form stops, switches, end.
    pub items: Vec<SeedItem>,
    /// The main form's design exactly as the designer stored it (`formobject`): what
    /// `omdata/load` sends for rows not at a form stop and `form-design/load` for creates.
    /// Without it the fake builds a plain design from `fields`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_object: Option<Value>,
    /// Whether users may see and act on the flow's tickets in the web UI (`config` of
    /// `omdata/load`: `fp_show`, `worklog`, `history`, `attachment`, `relation`); all true
    /// when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ui_config: Option<Value>,
    /// The flow's design exactly as the server stores it (`flowobject`, the text
    /// `flow-object/load` sends): served as is. Without it the fake draws the design from
    /// `items` (the engine always runs on `items`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flowobject: Option<String>,
    /// Ticket rows the flow starts with, each as the query-form list answers it (every
    /// column, history rows included): what `omflow seed from-server` reads from a server.
    /// The fake serves them as stored, numbers new rows and tickets after them, and gives
    /// each current row at a form stop its mission.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rows: Vec<serde_json::Map<String, Value>>,
    /// The flow log of those tickets, each entry as `flow-object/load` lists it with its
    /// ticket's `data_no` added (a subflow's stops by their path, `FITEM_8-FITEM_2`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub flow_logs: Vec<Value>,
}

/// A form field of the merged form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedField {
    /// `FORMITM_n`.
    pub id: String,
    /// Designer type.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Title.
    #[serde(default)]
    pub title: String,
    /// Second title (the user part of `h_group`).
    #[serde(default)]
    pub user_title: Option<String>,
    /// Options `{value, text}`.
    #[serde(default)]
    pub options: Vec<SeedOption>,
    /// Default value text.
    #[serde(default)]
    pub default: Option<String>,
    /// Required on create.
    #[serde(default)]
    pub required: bool,
    /// The pattern a value sent must match from its start (`config.regex`; Python's `re`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

/// An option of a list-like field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedOption {
    /// Stored value.
    pub value: String,
    /// Display text.
    pub text: String,
}

/// A field as a form stop shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedStopField {
    /// `FORMITM_n`.
    pub id: String,
    /// Designer type.
    #[serde(rename = "type")]
    pub field_type: String,
    /// Required to push at this stop.
    #[serde(default)]
    pub required: bool,
    /// Options at this stop.
    #[serde(default)]
    pub options: Vec<SeedOption>,
    /// The pattern a value sent must match from its start, at this stop.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regex: Option<String>,
}

/// An input assignment `{name, value}` (`#(FORMITM_4)`, `#G1(FORMITM_5)`, or a variable).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedInput {
    /// Target.
    pub name: String,
    /// Value (`null` means empty).
    pub value: Option<String>,
}

/// A quick action of a form stop.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedQuickAction {
    /// Label shown in `Mission.action`.
    pub text: String,
    /// What it sets.
    #[serde(default)]
    pub inputs: Vec<SeedInput>,
}

/// A switch rule: the last matching rule wins.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRule {
    /// Left side (a field reference, a variable or a literal).
    pub value1: String,
    /// Right side.
    pub value2: String,
    /// Where to go.
    pub target: String,
    /// The operator (`=`, `!=`, `>`, `<`; text order, as the engine compares).
    #[serde(default = "equals", skip_serializing_if = "is_equals")]
    pub rule: String,
}

fn equals() -> String {
    "=".into()
}

fn is_equals(rule: &str) -> bool {
    rule == "="
}

impl SeedRule {
    /// The rule as the flow chart writes it.
    #[must_use]
    pub fn to_chart(&self) -> omflow_model::chart::SwitchRule {
        omflow_model::chart::SwitchRule::new(&self.value1, &self.rule, &self.value2, &self.target)
    }
}

/// A flow item.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SeedItem {
    /// `FITEM_n`.
    pub id: String,
    /// `start`, `form`, `switch`, `setform`, `python`, `sleep`, `outflow`, `inflow`, `async`,
    /// `collection`, `org1`, `org2` or `end`.
    #[serde(rename = "type")]
    pub item_type: String,
    /// Display name.
    #[serde(default)]
    pub text: String,
    /// Next item (start and form).
    #[serde(default)]
    pub next: Option<String>,
    /// Assignments applied on arrival (form) or at creation (start).
    #[serde(default)]
    pub inputs: Vec<SeedInput>,
    /// The stop's own form (form stops).
    #[serde(default)]
    pub fields: Vec<SeedStopField>,
    /// Quick action 1.
    #[serde(default)]
    pub action1: Option<SeedQuickAction>,
    /// Quick action 2.
    #[serde(default)]
    pub action2: Option<SeedQuickAction>,
    /// Switch rules.
    #[serde(default)]
    pub rules: Vec<SeedRule>,
    /// `calculate` rows (switch, setform), as the design writes them: values computed on
    /// arrival, by the rules the client's prediction uses ([`omflow_model::routing::calculate`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calculate: Vec<omflow_model::chart::Calculation>,
    /// A python stop's code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// An outflow's app (`config.app_name`; an inflow calls a flow of its own app).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_app: Option<String>,
    /// The flow an outflow or inflow opens a ticket in (`config.flow_name`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_flow: Option<String>,
    /// What an outflow or inflow gives the ticket it opens (`config.subflow_input`): `$(x)`
    /// names a start input, `#(FORMITM_n)` / `#G1(...)` a field of its form.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subflow_inputs: Vec<SeedInput>,
    /// What it takes back when that ticket ends (`config.subflow_output`): flow value
    /// `$(name)` = the end's output `$(value)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub subflow_outputs: Vec<SeedInput>,
    /// A subflow stop's subflow (`config.subflow_id`: the `uid` of one of the design's
    /// `subflow`s).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subflow_id: Option<String>,
    /// A subflow's own items (`config.subflow_id` names one of the design's `subflow`s): the
    /// ticket walks them as stops `<this id>-<their id>`, then goes on after this item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_items: Vec<SeedItem>,
    /// A collection's main branch (`config.main`): its row and flow values go on, the
    /// others' fill what it left empty. An async's branches and a collection's expected ones
    /// are its `rules`' targets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub main: Option<String>,
    /// A subflow stop's subflow's own name (the flow's `config.subflow` entry of its uid),
    /// which the flow log of the subflow's level answers with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subflow_name: Option<String>,
    /// A subflow stop's subflow's uuid as deployed (hex): the subflow's own rows' parameters
    /// name it as their flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subflow_uuid: Option<String>,
    /// A python stop's `config.autoinstall` (install the modules its code imports): the
    /// engine keeps the flag in the ticket's parameters while the code runs.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub autoinstall: bool,
    /// A sleep's fixed wait in milliseconds (`config.msec`, a number or its text).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub msec: Option<Value>,
    /// A sleep's wait read from a flow value (`config.value`, `$(name)`), which wins over
    /// `msec` when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wait_value: Option<String>,
    /// `output` rows (form, setform): flow value `$(name)` = the field `value` names
    /// (`#(FORMITM_n)`, `#G1(...)`), written as the ticket leaves the stop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outputs: Vec<SeedInput>,
    /// A form stop's own design exactly as stored (`config.form_object`); without it the fake
    /// builds one from `fields`, or uses the main form when the stop has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form_object: Option<Value>,
}

/// A ticket to create at start, then push or quick-action along.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedTicket {
    /// The flow.
    pub api_path: String,
    /// Who creates (and pushes) it.
    pub user: String,
    /// Create formdata `[{id, type, value}]`.
    pub formdata: Vec<Value>,
    /// Steps after the create.
    #[serde(default)]
    pub then: Vec<SeedStep>,
}

/// One step of a seeded ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedStep {
    /// Push with this formdata.
    Push(Vec<Value>),
    /// Run `action1` or `action2`.
    QuickAction(String),
}

/// For a seed name that is no file: which names are built in.
fn not_a_builtin(name: &str) -> &'static str {
    if name.contains(['/', '\\', '.']) {
        ""
    } else {
        " (the built-in seeds are `pristine` and `demo`, in lower case; any other name is a file)"
    }
}

/// A seed that cannot be used.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SeedError {
    /// Not valid JSON for a seed.
    #[error("invalid seed: {0}")]
    Parse(#[from] serde_json::Error),
    /// The file could not be read.
    #[error("cannot read seed file {path}{}", not_a_builtin(path))]
    Io {
        /// The file.
        path: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A seed file is not valid JSON for a seed.
    #[error("seed file {path} is not a valid seed: {error}")]
    ParseFile {
        /// The file.
        path: String,
        /// What the parser said (in the message: it is the whole cause).
        error: serde_json::Error,
    },
    /// The seed's content is inconsistent.
    #[error("invalid seed: {0}")]
    Invalid(String),
    /// The file given as a seed is an app export (what `flow-active-app/export/` answers):
    /// load it as an app beside a seed ([`Seed::add_app`], [`crate::serve::add_app_file`]).
    #[error("{path} is an app export (what flow-active-app/export/ answers), not a seed; load it as an app beside a seed")]
    AppExportAsSeed {
        /// The file.
        path: String,
    },
    /// An app export could not be loaded (nothing of it was).
    #[error("cannot load app export{}: {error}", path.as_deref().map(|p| format!(" {p}")).unwrap_or_default())]
    App {
        /// The file, when read from one.
        path: Option<String>,
        /// Why (in the message: it is the whole cause).
        error: crate::apps::AppError,
    },
}

const PRISTINE: &str = include_str!("../seeds/pristine.json");
const DEMO: &str = include_str!("../seeds/demo.json");

impl Seed {
    /// What the real server's shipped database holds: admin/admin (in no group), system,
    /// two groups, flow 任務單 at api_path `mission`, no tickets.
    #[must_use]
    pub fn pristine() -> Seed {
        serde_json::from_str(PRISTINE).expect("built-in seed is valid")
    }

    /// `pristine` plus admin and alice in group 2 and a dozen tickets over the stops.
    #[must_use]
    pub fn demo() -> Seed {
        serde_json::from_str(DEMO).expect("built-in seed is valid")
    }

    /// `pristine`, `demo`, or a path to a seed JSON file.
    ///
    /// # Errors
    /// [`SeedError::Io`] for an unreadable file, [`SeedError::AppExportAsSeed`] for an app
    /// export, [`SeedError::ParseFile`] for anything else that is not a seed.
    pub fn load(name_or_path: &str) -> Result<Seed, SeedError> {
        match name_or_path {
            "pristine" => Ok(Seed::pristine()),
            "demo" => Ok(Seed::demo()),
            path => {
                let text = std::fs::read_to_string(path).map_err(|source| SeedError::Io {
                    path: path.to_string(),
                    source,
                })?;
                serde_json::from_str(&text).map_err(|error| {
                    if crate::apps::looks_like_export(&text) {
                        SeedError::AppExportAsSeed {
                            path: path.to_string(),
                        }
                    } else {
                        SeedError::ParseFile {
                            path: path.to_string(),
                            error,
                        }
                    }
                })
            }
        }
    }

    /// Starts from this seed to add users, groups and tickets.
    pub fn builder(self) -> SeedBuilder {
        SeedBuilder {
            seed: self,
            problems: Vec::new(),
        }
    }

    /// Adds the apps of an export file's JSON (what `flow-active-app/export/` answers):
    /// their flows as deployed, and the permissions they grant to the seed's groups by role
    /// name. Nothing is added when any of it cannot be.
    ///
    /// ```
    /// use omflow_mock::Seed;
    /// let mut seed = Seed::demo();
    /// let err = seed.add_app(&serde_json::json!({"app_name": "x"})).unwrap_err();
    /// assert!(err.to_string().contains("not an app export"));
    /// # Ok::<(), omflow_mock::SeedError>(())
    /// ```
    ///
    /// # Errors
    /// [`crate::apps::AppError`]: not an export, a role the seed has no group for, an
    /// api_path taken, or stops the fake does not run.
    pub fn add_app(&mut self, export: &Value) -> Result<(), crate::apps::AppError> {
        use crate::apps::AppError;
        let loaded = crate::apps::read_export(export)?;
        for flow in &loaded.flows {
            if self
                .flows
                .iter()
                .any(|f| f.api_path == flow.api_path && f.deployed)
            {
                return Err(AppError::DuplicateApiPath(flow.api_path.clone()));
            }
        }
        for (role, _) in &loaded.grants {
            if !self.groups.iter().any(|g| &g.display_name == role) {
                let flow = loaded
                    .flows
                    .iter()
                    .find(|f| {
                        loaded
                            .grants
                            .iter()
                            .any(|(r, p)| r == role && p.contains(&f.flow_uuid))
                    })
                    .map(|f| f.flow_name.clone())
                    .unwrap_or_default();
                return Err(AppError::UnknownRole {
                    flow,
                    role: role.clone(),
                });
            }
        }
        for (role, permission) in loaded.grants {
            if let Some(group) = self.groups.iter_mut().find(|g| g.display_name == role) {
                if !group.permissions.contains(&permission) {
                    group.permissions.push(permission);
                }
            }
        }
        self.flows.extend(loaded.flows);
        self.apps
            .extend(export.as_array().into_iter().flatten().cloned());
        Ok(())
    }

    /// The names the seed uses and does not have: a user's group, a ticket's flow or user.
    ///
    /// # Errors
    /// [`SeedError::Invalid`] naming each.
    pub fn check_names(&self) -> Result<(), SeedError> {
        let mut problems = Vec::new();
        for user in &self.users {
            for group in &user.groups {
                if !self.groups.iter().any(|g| g.id == *group) {
                    problems.push(format!(
                        "user {} is in group {group}, which the seed does not have",
                        user.username
                    ));
                }
            }
        }
        for (index, ticket) in self.tickets.iter().enumerate() {
            if !self.flows.iter().any(|f| f.api_path == ticket.api_path) {
                problems.push(format!(
                    "ticket {index}: no flow with api_path {:?}",
                    ticket.api_path
                ));
            }
            if !self.users.iter().any(|u| u.username == ticket.user) {
                problems.push(format!("ticket {index}: no user {:?}", ticket.user));
            }
        }
        problems_to_error(problems)
    }
}

fn problems_to_error(problems: Vec<String>) -> Result<(), SeedError> {
    if problems.is_empty() {
        Ok(())
    } else {
        Err(SeedError::Invalid(problems.join("; ")))
    }
}

/// Adds users, memberships and tickets to a seed, for tests. A name the seed does not have
/// (a user, a group, a flow) is an error of [`SeedBuilder::build`], not a no-op.
///
/// ```
/// use omflow_mock::Seed;
/// let seed = Seed::pristine()
///     .builder()
///     .user("bob", "bob-pass", &[2])
///     .join_group("admin", 2)
///     .ticket("mission", "admin", "Printer jam", "red")
///     .build()?;
/// assert_eq!(seed.tickets.len(), 1);
/// let typo = Seed::pristine().builder().join_group("amdin", 2).build().unwrap_err();
/// assert_eq!(typo.to_string(), "invalid seed: join_group: no user \"amdin\"");
/// # Ok::<(), omflow_mock::SeedError>(())
/// ```
#[derive(Debug, Clone)]
#[must_use = "a seed builder does nothing until built"]
pub struct SeedBuilder {
    seed: Seed,
    problems: Vec<String>,
}

impl SeedBuilder {
    /// Adds an active, non-superuser user in these groups.
    pub fn user(mut self, username: &str, password: &str, groups: &[u64]) -> Self {
        let id = self.seed.users.iter().map(|u| u.id).max().unwrap_or(0) + 1;
        self.seed.users.push(SeedUser {
            id,
            username: username.to_string(),
            password: Some(password.to_string()),
            email: format!("{username}@example.com"),
            nick_name: username.to_string(),
            is_superuser: false,
            is_staff: false,
            is_active: true,
            groups: groups.to_vec(),
        });
        self
    }

    /// Adds a group with these permission codenames (`Omdata_<flow hex>_Add|Modify|View|Delete`),
    /// or gives an existing group of that id these permissions too.
    pub fn group(mut self, id: u64, display_name: &str, permissions: &[&str]) -> Self {
        let permissions = permissions.iter().map(|p| (*p).to_string());
        match self.seed.groups.iter_mut().find(|g| g.id == id) {
            Some(group) => group.permissions.extend(permissions),
            None => self.seed.groups.push(SeedGroup {
                id,
                display_name: display_name.to_string(),
                permissions: permissions.collect(),
                ..SeedGroup::default()
            }),
        }
        self
    }

    /// Puts an existing user in a group.
    pub fn join_group(mut self, username: &str, group: u64) -> Self {
        match self.seed.users.iter_mut().find(|u| u.username == username) {
            Some(user) if !user.groups.contains(&group) => user.groups.push(group),
            Some(_) => {}
            None => self
                .problems
                .push(format!("join_group: no user {username:?}")),
        }
        self
    }

    /// Adds a ticket on the sample flow's shape (title, level; status `dispatch`; group 2).
    pub fn ticket(self, api_path: &str, user: &str, title: &str, level: &str) -> Self {
        self.ticket_with_steps(api_path, user, title, level, Vec::new())
    }

    /// Adds a sample-flow ticket and moves it on with these steps.
    pub fn ticket_with_steps(
        mut self,
        api_path: &str,
        user: &str,
        title: &str,
        level: &str,
        then: Vec<SeedStep>,
    ) -> Self {
        self.seed.tickets.push(SeedTicket {
            api_path: api_path.to_string(),
            user: user.to_string(),
            formdata: sample_formdata(title, level, "dispatch"),
            then,
        });
        self
    }

    /// Adds the apps of an export file's JSON ([`Seed::add_app`]); a file that cannot be
    /// loaded is an error of [`SeedBuilder::build`].
    pub fn app(mut self, export: &Value) -> Self {
        if let Err(error) = self.seed.add_app(export) {
            self.problems.push(error.to_string());
        }
        self
    }

    /// Adds a ticket with explicit formdata.
    pub fn raw_ticket(mut self, ticket: SeedTicket) -> Self {
        self.seed.tickets.push(ticket);
        self
    }

    /// The seed.
    ///
    /// # Errors
    /// [`SeedError::Invalid`] naming every user, group or flow used that the seed does not have.
    pub fn build(self) -> Result<Seed, SeedError> {
        problems_to_error(self.problems)?;
        self.seed.check_names()?;
        Ok(self.seed)
    }
}

/// Formdata for the sample flow 任務單: title, description, level, status, group 2.
#[must_use]
pub fn sample_formdata(title: &str, level: &str, status: &str) -> Vec<Value> {
    serde_json::from_value(serde_json::json!([
        {"id": "FORMITM_1", "type": "h_title", "value": title},
        {"id": "FORMITM_2", "type": "areabox", "value": format!("details: {title}")},
        {"id": "FORMITM_3", "type": "h_level", "value": level},
        {"id": "FORMITM_4", "type": "h_status", "value": status},
        {"id": "FORMITM_5", "type": "h_group", "value": {"group": "2", "user": ""}},
    ]))
    .unwrap_or_default()
}

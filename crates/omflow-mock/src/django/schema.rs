//! The models the real server's list views query, field by field as its Django models
//! declare them (`ommission/models.py`, `omuser/models.py`, `omformmodel/models.py` and
//! Django's `auth.Group`): each field's Django class, the row key holding its value, and
//! where a relation leads.

/// A model a list query can start from or reach through a relation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum ModelId {
    Mission,
    User,
    AuthGroup,
    OmGroup,
    /// The ticket table of one flow (by index in the world's flow list).
    Ticket(usize),
}

/// A Django field class, as far as lookups and value preparation tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Class {
    Auto,
    Integer,
    Boolean,
    Char,
    Text,
    Email,
    DateTime,
    Date,
    Uuid,
    ForeignKey,
    OneToOne,
    ManyToMany,
    /// The reverse side of a foreign key or many-to-many (`ManyToOneRel`, ...).
    Reverse,
}

impl Class {
    /// The class name Django's lookup errors print.
    pub fn name(self) -> &'static str {
        match self {
            Class::Auto => "AutoField",
            Class::Integer => "IntegerField",
            Class::Boolean => "BooleanField",
            Class::Char => "CharField",
            Class::Text => "TextField",
            Class::Email => "EmailField",
            Class::DateTime => "DateTimeField",
            Class::Date => "DateField",
            Class::Uuid => "UUIDField",
            Class::ForeignKey => "ForeignKey",
            Class::OneToOne => "OneToOneField",
            Class::ManyToMany => "ManyToManyField",
            Class::Reverse => "ManyToOneRel",
        }
    }

    pub fn is_relation(self) -> bool {
        matches!(
            self,
            Class::ForeignKey | Class::OneToOne | Class::ManyToMany | Class::Reverse
        )
    }
}

/// How a relation finds its rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Join {
    /// This row's value of the field equals the target row's `remote` key (at most one row).
    Forward { remote: &'static str },
    /// Target rows whose `remote` key equals this row's `local` key (any number).
    Reverse {
        local: &'static str,
        remote: &'static str,
    },
    /// A user's groups, or a group's users.
    UserGroups,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Relation {
    pub target: ModelId,
    pub join: Join,
    /// The class that prepares a compared value: the target field's (`None` = compared as
    /// sent, the rule for a parent-link key).
    pub cast: Option<Class>,
}

#[derive(Debug, Clone)]
pub(crate) struct Field {
    pub name: String,
    /// The row key holding the value (`create_user_id` for `create_user`); `None` for
    /// fields that are not columns of the row (reverse and many-to-many relations).
    pub attname: Option<String>,
    pub class: Class,
    pub relation: Option<Relation>,
}

impl Field {
    fn column(name: &str, class: Class) -> Field {
        Field {
            name: name.into(),
            attname: Some(name.into()),
            class,
            relation: None,
        }
    }

    fn foreign(name: &str, target: ModelId, remote: &'static str, cast: Option<Class>) -> Field {
        Field {
            name: name.into(),
            attname: Some(format!("{name}_id")),
            class: Class::ForeignKey,
            relation: Some(Relation {
                target,
                join: Join::Forward { remote },
                cast,
            }),
        }
    }

    fn reverse(name: &str, target: ModelId, local: &'static str, remote: &'static str) -> Field {
        Field {
            name: name.into(),
            attname: None,
            class: Class::Reverse,
            relation: Some(Relation {
                target,
                join: Join::Reverse { local, remote },
                cast: Some(Class::Auto),
            }),
        }
    }

    /// The many-to-many between users and groups, from either side.
    fn user_groups(name: &str, class: Class, target: ModelId) -> Field {
        Field {
            name: name.into(),
            attname: None,
            class,
            relation: Some(Relation {
                target,
                join: Join::UserGroups,
                cast: Some(Class::Auto),
            }),
        }
    }

    /// The value preparation class of this field when it is compared directly.
    pub fn cast(&self) -> Option<Class> {
        match self.relation {
            Some(relation) => relation.cast,
            None => Some(self.class),
        }
    }
}

/// One model: its fields (forward and reverse) and the names Django lists as choices.
#[derive(Debug, Clone)]
pub(crate) struct Model {
    pub fields: Vec<Field>,
    /// Reverse relations of other apps that Django lists among the choices but the fake
    /// does not follow (they lead to tables it does not keep).
    pub opaque: Vec<String>,
}

impl Model {
    /// `opts.get_field(name)`: by name, by attname (`create_user_id`), or `pk`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        let name = if name == "pk" { "id" } else { name };
        self.fields.iter().find(|f| f.name == name).or_else(|| {
            self.fields
                .iter()
                .find(|f| f.attname.as_deref() == Some(name))
        })
    }

    /// `get_field_names_from_opts`, sorted, as Django's "Choices are:" prints them.
    pub fn choices(&self) -> String {
        let mut names: Vec<&str> = Vec::new();
        for field in &self.fields {
            names.push(&field.name);
            if let Some(attname) = &field.attname {
                if attname != &field.name {
                    names.push(attname);
                }
            }
        }
        names.extend(self.opaque.iter().map(String::as_str));
        names.sort_unstable();
        names.dedup();
        names.join(", ")
    }
}

fn columns(spec: &[(&str, Class)]) -> Vec<Field> {
    spec.iter().map(|(n, c)| Field::column(n, *c)).collect()
}

/// `create_user` and `update_user`: keys to the user table by username.
fn creator_and_updater() -> [Field; 2] {
    ["create_user", "update_user"]
        .map(|name| Field::foreign(name, ModelId::User, "username", Some(Class::Char)))
}

/// `ommission.Missions`.
pub(crate) fn missions() -> Model {
    use Class::*;
    let mut fields = columns(&[
        ("id", Auto),
        ("flow_uuid", Uuid),
        ("flow_name", Text),
        ("status", Text),
        ("level", Text),
        ("title", Text),
        ("data_no", Integer),
        ("data_id", Integer),
        ("history", Boolean),
        ("stop_uuid", Text),
        ("stop_chart_text", Text),
    ]);
    fields.extend(creator_and_updater());
    fields.extend(columns(&[
        ("ticket_createtime", DateTime),
        ("createtime", DateTime),
        ("updatetime", DateTime),
    ]));
    fields.push(Field::foreign("assignee", ModelId::User, "id", Some(Auto)));
    // The group key is OmGroup's parent link: Django does not cast what it is compared with.
    fields.push(Field::foreign("assign_group", ModelId::OmGroup, "id", None));
    fields.extend(columns(&[
        ("action", Text),
        ("attachment", Boolean),
        ("closed", Boolean),
        ("is_active", Boolean),
        ("deploy_flag", Boolean),
    ]));
    Model {
        fields,
        opaque: Vec::new(),
    }
}

/// `omuser.OmUser` (Django's `AbstractUser` plus OMFLOW's columns). `flows` are the hex
/// names of the ticket tables, whose creator and updater keys point here.
pub(crate) fn users(flows: &[String]) -> Model {
    use Class::*;
    let mut fields = columns(&[
        ("id", Auto),
        ("password", Char),
        ("last_login", DateTime),
        ("is_superuser", Boolean),
        ("username", Char),
        ("first_name", Char),
        ("last_name", Char),
        ("email", Email),
        ("is_staff", Boolean),
        ("is_active", Boolean),
        ("date_joined", DateTime),
        ("nick_name", Char),
        ("birthday", Date),
        ("gender", Char),
        ("phone1", Char),
        ("phone2", Char),
        ("department", Char),
        ("company", Char),
        ("ad_flag", Boolean),
        ("ad_sid", Char),
        ("frequency", Integer),
        ("updatetime", DateTime),
        ("user_uuid", Uuid),
        ("delete", Boolean),
        ("default_group", Text),
        ("substitute", Text),
    ]);
    fields.push(Field::user_groups(
        "groups",
        Class::ManyToMany,
        ModelId::AuthGroup,
    ));
    fields.push(Field::reverse(
        "my_mission",
        ModelId::Mission,
        "id",
        "assignee_id",
    ));
    fields.push(Field::reverse(
        "create_ticket",
        ModelId::Mission,
        "username",
        "create_user_id",
    ));
    fields.push(Field::reverse(
        "update_ticket",
        ModelId::Mission,
        "username",
        "update_user_id",
    ));
    for (index, hex) in flows.iter().enumerate() {
        for (prefix, remote) in [("create", "create_user_id"), ("update", "update_user_id")] {
            fields.push(Field::reverse(
                &format!("{prefix}_{hex}"),
                ModelId::Ticket(index),
                "username",
                remote,
            ));
        }
    }
    let opaque = [
        "activeapplication",
        "create_worklog",
        "flowactive",
        "flowworkspace",
        "historymembers",
        "messagebox",
        "messagehistory",
        "omdashboard",
        "omdatarelation",
        "update_omdatefile",
        "user_permissions",
        "workspaceapplication",
    ];
    Model {
        fields,
        opaque: opaque.iter().map(|s| s.to_string()).collect(),
    }
}

/// Django's `auth.Group`.
pub(crate) fn auth_groups() -> Model {
    let mut fields = columns(&[("id", Class::Auto), ("name", Class::Char)]);
    fields.push(Field {
        name: "omgroup".into(),
        attname: None,
        class: Class::Reverse,
        relation: Some(Relation {
            target: ModelId::OmGroup,
            join: Join::Reverse {
                local: "id",
                remote: "id",
            },
            cast: Some(Class::Auto),
        }),
    });
    fields.push(Field::user_groups("user", Class::Reverse, ModelId::User));
    Model {
        fields,
        opaque: vec!["permissions".into()],
    }
}

/// `omuser.OmGroup`, a child of `auth.Group` (its key is the parent link `group_ptr`).
pub(crate) fn om_groups() -> Model {
    use Class::*;
    let mut fields = columns(&[("id", Auto), ("name", Char)]);
    fields.push(Field {
        name: "group_ptr".into(),
        attname: Some("group_ptr_id".into()),
        class: OneToOne,
        relation: Some(Relation {
            target: ModelId::AuthGroup,
            join: Join::Forward { remote: "id" },
            cast: Some(Auto),
        }),
    });
    fields.push(Field::foreign(
        "parent_group",
        ModelId::OmGroup,
        "id",
        Some(Auto),
    ));
    fields.extend(columns(&[
        ("functional_flag", Boolean),
        ("ad_flag", Boolean),
        ("description", Text),
        ("display_name", Char),
        ("updatetime", DateTime),
        ("group_uuid", Uuid),
    ]));
    fields.push(Field::reverse(
        "children_group",
        ModelId::OmGroup,
        "id",
        "parent_group_id",
    ));
    fields.push(Field::reverse(
        "group_mission",
        ModelId::Mission,
        "id",
        "assign_group_id",
    ));
    fields.push(Field::user_groups("user", Class::Reverse, ModelId::User));
    Model {
        fields,
        opaque: vec!["permissions".into()],
    }
}

/// `omformmodel.Omdata_<hex>` with `column_count` form columns.
pub(crate) fn tickets(flow: usize, column_count: u32) -> Model {
    use Class::*;
    let me = ModelId::Ticket(flow);
    let mut fields = columns(&[
        ("id", Auto),
        ("flow_uuid", Uuid),
        ("dataid_header", Char),
        ("data_no", Integer),
        ("history", Boolean),
        ("status", Char),
        ("title", Char),
        ("level", Char),
        ("group", Char),
        ("closed", Boolean),
        ("stop_uuid", Text),
        ("stop_chart_type", Text),
        ("stop_chart_text", Text),
        ("running", Boolean),
        ("error", Boolean),
        ("createtime", DateTime),
        ("updatetime", DateTime),
        ("stoptime", DateTime),
    ]);
    fields.extend(creator_and_updater());
    fields.extend(columns(&[("data_param", Text), ("error_message", Text)]));
    fields.push(Field::foreign("init_data", me, "id", Some(Auto)));
    fields.push(Field::column("is_child", Boolean));
    for n in 1..=column_count {
        fields.push(Field::column(&format!("formitm_{n}"), Text));
    }
    fields.push(Field::reverse("extra_data", me, "id", "init_data_id"));
    Model {
        fields,
        opaque: Vec::new(),
    }
}

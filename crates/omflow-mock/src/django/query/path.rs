//! Column paths resolved against the models, as `Query.names_to_path` and `setup_joins` do.

use std::cell::RefCell;
use std::collections::HashMap;

use super::Tables;
use crate::django::lookup;
use crate::django::schema::{Class, Field, Join, Model, ModelId};
use crate::django::value::py_repr_str;

/// One relation crossed by a column path.
#[derive(Debug, Clone)]
pub(super) struct Hop {
    /// The path up to and including this relation (`create_user__groups`): the join's name.
    pub(super) key: String,
    pub(super) from: ModelId,
    pub(super) field: Field,
}

/// A resolved column path: the relations it crosses, the field it ends on, and the names
/// left over as lookups or transforms.
#[derive(Debug, Clone)]
pub(super) struct Path {
    pub(super) hops: Vec<Hop>,
    pub(super) last: Field,
    pub(super) rest: Vec<String>,
    /// `rest` read as transforms (`values()` and ordering; filters read it as lookups).
    pub(super) transforms: Vec<lookup::Transform>,
}

impl Path {
    /// The joins a value needs: a path ending on a forward key reads the key itself.
    pub(super) fn joins(&self) -> &[Hop] {
        match self.last.relation.map(|r| r.join) {
            Some(Join::Forward { .. }) if self.last.attname.is_some() => {
                &self.hops[..self.hops.len() - 1]
            }
            _ => &self.hops,
        }
    }
}

/// Resolves column paths from a base model, reading each model's schema once.
pub(super) struct Resolver<'t, 'a> {
    tables: &'t dyn Tables<'a>,
    models: RefCell<HashMap<ModelId, std::sync::Arc<Model>>>,
}

impl<'t, 'a> Resolver<'t, 'a> {
    pub(super) fn new(tables: &'t dyn Tables<'a>) -> Self {
        Resolver {
            tables,
            models: RefCell::new(HashMap::new()),
        }
    }

    fn model(&self, id: ModelId) -> std::sync::Arc<Model> {
        self.models
            .borrow_mut()
            .entry(id)
            .or_insert_with(|| self.tables.model(id))
            .clone()
    }

    /// `Query.names_to_path`.
    pub(super) fn names_to_path(
        &self,
        base: ModelId,
        names: &[String],
        fail_on_missing: bool,
    ) -> Result<Path, String> {
        let mut model_id = base;
        let mut hops = Vec::new();
        let mut last: Option<Field> = None;
        let mut consumed = 0;
        for (pos, name) in names.iter().enumerate() {
            let model = self.model(model_id);
            let Some(field) = model.field(name).cloned() else {
                if pos == 0 || fail_on_missing {
                    return Err(format!(
                        "Cannot resolve keyword '{name}' into field. Choices are: {}",
                        model.choices()
                    ));
                }
                break;
            };
            consumed = pos + 1;
            match field.relation {
                Some(relation) => {
                    let key = names[..=pos].join("__");
                    hops.push(Hop {
                        key,
                        from: model_id,
                        field: field.clone(),
                    });
                    model_id = relation.target;
                    last = Some(field);
                }
                None => {
                    if fail_on_missing && pos + 1 != names.len() {
                        return Err(format!(
                            "Cannot resolve keyword {} into field. Join on '{name}' not permitted.",
                            py_repr_str(&names[pos + 1])
                        ));
                    }
                    last = Some(field);
                    break;
                }
            }
        }
        let last = last.ok_or_else(|| "Cannot parse keyword query ''".to_string())?;
        Ok(Path {
            hops,
            last,
            rest: names[consumed..].to_vec(),
            transforms: Vec::new(),
        })
    }

    /// `setup_joins` as `values()` and ordering use it: the longest resolvable prefix, the
    /// rest as transforms (an unknown transform on a concrete field reports the join error).
    pub(super) fn setup_joins(&self, base: ModelId, names: &[String]) -> Result<Path, String> {
        let mut last_error = None;
        for pivot in (1..=names.len()).rev() {
            match self.names_to_path(base, &names[..pivot], true) {
                Err(e) if pivot == 1 => return Err(e),
                Err(e) => last_error = Some(e),
                Ok(mut path) => {
                    path.rest = names[pivot..].to_vec();
                    match lookup::transform_chain(path.last.class, &path.rest) {
                        Ok((transforms, _)) => path.transforms = transforms,
                        Err(e) => {
                            let concrete = path.last.class != Class::Reverse
                                && path.last.class != Class::ManyToMany;
                            return Err(match last_error {
                                Some(join_error) if concrete => join_error,
                                _ => e,
                            });
                        }
                    }
                    return Ok(path);
                }
            }
        }
        Err(format!(
            "Cannot resolve keyword '' into field. Choices are: {}",
            self.model(base).choices()
        ))
    }
}

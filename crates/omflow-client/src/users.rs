//! The user list: every user's safe columns and groups, for tools that map names to ids
//! (and `omflow seed from-server`). The server runs it without a permission check and would
//! return the password hash without a projection; this module always projects.

use crate::client::Client;
use crate::error::Error;
use crate::missions::paged;
use futures::TryStreamExt;
use omflow_model::calls;
use omflow_model::query::Query;
use omflow_model::{GroupId, UserId, UserRow};
use serde::Deserialize;
use std::collections::BTreeMap;

/// A user with the groups it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct UserWithGroups {
    /// The user's columns.
    pub user: UserRow,
    /// Its groups: id and name, by id.
    pub groups: Vec<(GroupId, String)>,
}

/// One membership row of the `groups__id`/`groups__name` projection (a user in no group
/// has one row with nulls).
#[derive(Deserialize)]
struct Membership {
    id: UserId,
    #[serde(rename = "groups__id")]
    group_id: Option<GroupId>,
    #[serde(rename = "groups__name")]
    group_name: Option<String>,
}

const PAGE: u64 = 500;

impl Client {
    /// Every user of the server ([`UserRow::COLUMNS`] only, never the password column),
    /// with its groups, ordered by id. Any logged-in user may read it.
    ///
    /// # Errors
    /// the server's failure ([`Error::api`]) when the server refuses the query; transport errors after the read
    /// retries. Retrying is always safe.
    pub async fn users(&self) -> Result<Vec<UserWithGroups>, Error> {
        let rows: Vec<UserRow> = self.user_pages(&UserRow::COLUMNS)?.try_collect().await?;
        let memberships: Vec<Membership> = self
            .user_pages(&["id", "groups__id", "groups__name"])?
            .try_collect()
            .await?;
        let mut groups: BTreeMap<UserId, Vec<(GroupId, String)>> = BTreeMap::new();
        for membership in memberships {
            if let Some(group) = membership.group_id {
                let entry = groups.entry(membership.id).or_default();
                if !entry.iter().any(|(id, _)| *id == group) {
                    entry.push((group, membership.group_name.unwrap_or_default()));
                }
            }
        }
        Ok(rows
            .into_iter()
            .map(|user| {
                let mut of_user = groups.remove(&user.id).unwrap_or_default();
                of_user.sort();
                UserWithGroups {
                    user,
                    groups: of_user,
                }
            })
            .collect())
    }

    fn user_pages<T: serde::de::DeserializeOwned + Send + 'static>(
        &self,
        columns: &[&str],
    ) -> Result<impl futures::Stream<Item = Result<T, Error>> + Send + 'static, Error> {
        // Ordered by every projected column: a user in several groups has a row per group,
        // and pages must not split ties in a different order each time.
        let query = columns
            .iter()
            .fold(Query::builder(), |b, column| b.order_by(*column))
            .columns(columns.iter().copied())
            .page_size(PAGE)
            .build()
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        Ok(paged(self.clone(), query, |client, query| {
            Box::pin(async move {
                client
                    .call_as::<calls::UsersList, Vec<T>>(None, &query)
                    .await
            })
        }))
    }
}

//! My missions: one page, or every mission as a stream that fetches a page when polled.

use crate::client::Client;
use crate::error::Error;
use futures::stream::{self, Stream, StreamExt, TryStreamExt};
use omflow_model::calls;
use omflow_model::query::Query;
use omflow_model::{ApiErrorKind, Mission, ProjectedRow};
use serde::de::DeserializeOwned;
use std::future::Future;
use std::pin::Pin;

/// A my-missions request; see [`Client::missions`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until sent or streamed"]
pub struct MissionsRequest {
    client: Client,
    query: Query,
}

impl Client {
    /// My missions (`/rest/my-mission/api/my-mission/list/`), filtered and paged by a
    /// [`Query`]. A user with no visible mission at all gets an empty list (the server
    /// answers that case with a 404 quirk).
    ///
    /// ```no_run
    /// # async fn run(client: omflow_client::Client) -> Result<(), omflow_client::Error> {
    /// use futures::TryStreamExt;
    /// use omflow_model::query::{col, Query};
    /// let red = Query::builder().filter(col("level").eq("red")).page_size(50).build().unwrap();
    /// let first_page = client.missions().query(red.clone()).send().await?;
    /// let every_one: Vec<_> = client.missions().query(red).stream().try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn missions(&self) -> MissionsRequest {
        MissionsRequest {
            client: self.clone(),
            query: Query::default(),
        }
    }
}

impl MissionsRequest {
    /// Filters, order, projection and paging.
    pub fn query(mut self, query: Query) -> Self {
        self.query = query;
        self
    }

    /// One page of missions.
    ///
    /// # Errors
    /// the server's failure ([`Error::api`]) for a failed query (unknown column, bad value); transport errors after
    /// the read retries. Retrying is always safe.
    pub async fn send(self) -> Result<Vec<Mission>, Error> {
        fetch_missions(&self.client, &self.query).await
    }

    /// One page of projected rows (the query's `search_columns`).
    ///
    /// # Errors
    /// As [`MissionsRequest::send`].
    pub async fn send_projected(self) -> Result<Vec<ProjectedRow>, Error> {
        fetch_missions(&self.client, &self.query).await
    }

    /// Every matching mission, page after page; the next page is fetched only when the
    /// stream is polled past the current one. The stream ends at the first short page. An
    /// error ends it. The list is live: missions pushed meanwhile leave it and shift later
    /// pages, so collect before pushing.
    pub fn stream(self) -> impl Stream<Item = Result<Mission, Error>> + Send + 'static {
        paged(self.client, self.query, |client, query| {
            Box::pin(async move { fetch_missions(&client, &query).await })
        })
    }

    /// Like [`MissionsRequest::stream`], for projected rows.
    pub fn stream_projected(
        self,
    ) -> impl Stream<Item = Result<ProjectedRow, Error>> + Send + 'static {
        paged(self.client, self.query, |client, query| {
            Box::pin(async move { fetch_missions(&client, &query).await })
        })
    }
}

async fn fetch_missions<T: DeserializeOwned>(
    client: &Client,
    query: &Query,
) -> Result<Vec<T>, Error> {
    tracing::debug!(
        offset = query.offset(),
        page_size = query.page_size(),
        "missions page"
    );
    match client
        .call_as::<calls::MissionsList, Vec<T>>(None, query)
        .await
    {
        Err(err) if err.api_kind() == Some(ApiErrorKind::NoVisibleMissions) => Ok(Vec::new()),
        other => other,
    }
}

type PageFuture<T> = Pin<Box<dyn Future<Output = Result<Vec<T>, Error>> + Send>>;

/// Pages through `query` with `fetch`, lazily.
pub(crate) fn paged<T, F>(
    client: Client,
    query: Query,
    fetch: F,
) -> impl Stream<Item = Result<T, Error>> + Send + 'static
where
    T: Send + 'static,
    F: Fn(Client, Query) -> PageFuture<T> + Send + Sync + 'static,
{
    let fetch = std::sync::Arc::new(fetch);
    stream::try_unfold(Some(query), move |state| {
        let client = client.clone();
        let fetch = fetch.clone();
        async move {
            let Some(query) = state else {
                return Ok::<_, Error>(None);
            };
            let page_size = query.page_size();
            let items = fetch(client, query.clone()).await?;
            let next = if (items.len() as u64) < page_size {
                None
            } else {
                query.next_page()
            };
            Ok(Some((items, next)))
        }
    })
    .map_ok(|items| stream::iter(items.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

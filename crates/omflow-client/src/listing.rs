//! One way to read a paged list, whichever list it is (see [`Listing`]).

use crate::error::Error;
use crate::missions::MissionsRequest;
use crate::tickets::TicketsRequest;
use futures::Stream;
use omflow_model::query::Query;
use omflow_model::{Mission, ProjectedRow, TicketRow};
use std::future::Future;

/// A list the server pages with the query DSL: my missions ([`MissionsRequest`]) or a
/// flow's tickets ([`TicketsRequest`]). Each has the same methods of its own; this trait lets
/// code read either without knowing which: one page, every page as a stream, typed rows or
/// the query's projected columns. It is sealed: only this crate's lists implement it.
///
/// ```no_run
/// use futures::TryStreamExt;
/// use omflow_client::{Client, Error, Listing};
///
/// /// How many rows a list has, whichever list it is.
/// async fn count<L: Listing>(list: L) -> Result<usize, Error> {
///     list.stream().try_fold(0, |n, _| async move { Ok(n + 1) }).await
/// }
///
/// # async fn run(client: Client) -> Result<(), Error> {
/// let mine = count(client.missions()).await?;
/// let tickets = count(client.tickets("mission")).await?;
/// println!("{mine} missions, {tickets} tickets");
/// # Ok(()) }
/// ```
pub trait Listing: sealed::Sealed + Sized + Send + 'static {
    /// A row of the list, typed.
    type Row: Send + 'static;

    /// Filters, order, projection and paging.
    #[must_use]
    fn query(self, query: Query) -> Self;

    /// One page of typed rows.
    fn send(self) -> impl Future<Output = Result<Vec<Self::Row>, Error>> + Send;

    /// One page of projected rows (the query's `search_columns`).
    fn send_projected(self) -> impl Future<Output = Result<Vec<ProjectedRow>, Error>> + Send;

    /// Every matching row, a page fetched when the stream is polled past the last.
    fn stream(self) -> impl Stream<Item = Result<Self::Row, Error>> + Send + 'static;

    /// Every matching projected row, a page fetched when polled.
    fn stream_projected(self) -> impl Stream<Item = Result<ProjectedRow, Error>> + Send + 'static;
}

/// Only this crate's lists implement [`Listing`], so that it can grow methods.
mod sealed {
    pub trait Sealed {}
}

macro_rules! listing {
    ($request:ty, $row:ty) => {
        impl sealed::Sealed for $request {}

        impl Listing for $request {
            type Row = $row;

            fn query(self, query: Query) -> Self {
                <$request>::query(self, query)
            }

            fn send(self) -> impl Future<Output = Result<Vec<$row>, Error>> + Send {
                <$request>::send(self)
            }

            fn send_projected(
                self,
            ) -> impl Future<Output = Result<Vec<ProjectedRow>, Error>> + Send {
                <$request>::send_projected(self)
            }

            fn stream(self) -> impl Stream<Item = Result<$row, Error>> + Send + 'static {
                <$request>::stream(self)
            }

            fn stream_projected(
                self,
            ) -> impl Stream<Item = Result<ProjectedRow, Error>> + Send + 'static {
                <$request>::stream_projected(self)
            }
        }
    };
}

listing!(MissionsRequest, Mission);
listing!(TicketsRequest, TicketRow);

//! The apps a server runs and their export files (`flow-active-app/list/` and `/export/`):
//! for holders of the flow-management permission (`OmFormFlow_Manage`, a superuser); anyone
//! else gets [`crate::CallError::Response`] with status 302 (the server's redirect to its permission-denied
//! page). An export is the file a flow manager
//! downloads, which another server imports and the fake loads (`omflow mock serve --app`).

use crate::client::Client;
use crate::error::Error;
use omflow_model::calls;
use omflow_model::{ActiveApp, AppExport, AppList, AppsAndFlows, ExportApps, ListApps};

impl Client {
    /// The active apps, by id and name.
    ///
    /// # Errors
    /// [`crate::CallError::Response`] with status 302 when the caller lacks the flow-management
    /// permission; transport errors after the read retries.
    pub async fn apps(&self) -> Result<Vec<ActiveApp>, Error> {
        Ok(self.apps_and_flows(false).await?.app)
    }

    /// The active apps and their flows (not subflows), each with the uuid the server
    /// deployed it with.
    ///
    /// # Errors
    /// As [`Client::apps`].
    pub async fn app_flows(&self) -> Result<AppsAndFlows, Error> {
        self.apps_and_flows(true).await
    }

    async fn apps_and_flows(&self, schedule: bool) -> Result<AppsAndFlows, Error> {
        let body = ListApps {
            schedule,
            ..ListApps::default()
        };
        Ok(match self.call::<calls::AppsList>(None, &body).await? {
            AppList::Apps(app) => AppsAndFlows {
                app,
                flow: Vec::new(),
            },
            AppList::AppsAndFlows(both) => both,
        })
    }

    /// Apps `ids` ([`ActiveApp::id`]) as their export file: a list of apps, each with its
    /// flows as deployed. Write it as JSON and the file is what a real server exports.
    ///
    /// # Errors
    /// [`crate::CallError::Response`] with status 302 when the caller lacks the flow-management
    /// permission; the server's failure ([`Error::api`]) (`匯出失敗。`) when an id names no active app (the server
    /// then exports none); transport errors after the read retries.
    pub async fn export_apps(&self, ids: &[u64]) -> Result<Vec<AppExport>, Error> {
        let body = ExportApps {
            app_id_list: ids.to_vec(),
        };
        self.call::<calls::AppsExport>(None, &body).await
    }
}

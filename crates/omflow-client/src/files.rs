//! A ticket's attachments: list, upload and download.
//!
//! The download is the web form's (`GET /api/history-files/download/<file>`), which needs a
//! web session: the client logs in with HTTP Basic at `POST /accounts/api/login/` for a
//! `sessionid` cookie first. **Security note for administrators:** the real server checks no
//! permission on that download (any logged-in user gets any file whose path they know) and
//! joins the path to its media root unchecked. This SDK downloads only paths the ticket's
//! attachment list gave it.

use crate::client::Client;
use crate::desk::TicketHandle;
use crate::error::Error;
use bytes::Bytes;
use http::HeaderValue;
use omflow_model::Access;
use omflow_model::{calls, AttachmentRow, ListFiles, UploadForm};
use omflow_transport::HttpRequest;

/// A multipart form of `fields` then `files` (each under the name `files`), as Django reads
/// it. A name that would break the header (quotes, line breaks, `/`) is refused.
pub(crate) fn multipart(
    boundary: &str,
    fields: &[(&str, String)],
    files: &[(String, Bytes)],
) -> Result<Bytes, Error> {
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    for (name, content) in files {
        if name.is_empty() || name.contains(['"', '\r', '\n', '/', '\\']) {
            return Err(Error::InvalidRequest(format!(
                "cannot upload a file named {name:?}: a name takes no quotes, line breaks or slashes"
            )));
        }
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
        );
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    Ok(Bytes::from(body))
}

impl TicketHandle {
    /// The ticket's attachments, newest first.
    ///
    /// # Errors
    /// [`Error::NoAccess`] when the user may not read them; transport errors (a read).
    pub async fn files(&self) -> Result<Vec<AttachmentRow>, Error> {
        let (flow_uuid, data_id) = self.permission_row().await?;
        let body = ListFiles {
            flow_uuid,
            data_no: self.data_no(),
            data_id,
        };
        self.client()
            .call::<calls::FilesList>(None, &body)
            .await
            .map_err(|err| {
                crate::assignee::no_access(err, || {
                    (
                        format!("list the attachments of ticket {}", self.data_no()),
                        "to be the assignee of its current row, or the flow's View permission"
                            .into(),
                    )
                })
            })
    }

    /// Uploads `content` as file `name` on the ticket's current row (a file of that name on
    /// the row is replaced, as the server does).
    ///
    /// # Errors
    /// [`Error::NoAccess`] when the user may not; [`Error::InvalidRequest`] for a name a form
    /// cannot carry; transport errors (a write: never resent once it may have been applied).
    pub async fn upload(&self, name: &str, content: Bytes) -> Result<(), Error> {
        let (flow_uuid, data_id) = self.permission_row().await?;
        let form = UploadForm {
            flow_uuid,
            data_no: self.data_no(),
            data_id,
        };
        self.client()
            .upload_form::<calls::FilesUpload>(&form, &[(name.to_string(), content)])
            .await
            .map_err(|err| {
                crate::assignee::no_access(err, || {
                    (
                        format!("upload to ticket {}", self.data_no()),
                        "to be the assignee of its current row, or the flow's Modify permission"
                            .into(),
                    )
                })
            })?;
        Ok(())
    }

    /// Downloads `attachment` (from [`TicketHandle::files`]) into `out`; returns the number
    /// of bytes written.
    ///
    /// # Errors
    /// [`Error::InvalidRequest`] for an attachment the ticket's list does not hold; [`crate::CallError::Response`]
    /// when the server answers no file; transport and write errors.
    pub async fn download(
        &self,
        attachment: &AttachmentRow,
        out: &mut (impl std::io::Write + Send),
    ) -> Result<u64, Error> {
        let listed = self.files().await?;
        if !listed.iter().any(|a| a.file == attachment.file) {
            return Err(Error::InvalidRequest(format!(
                "{} is not among the attachments of ticket {}: the SDK downloads only what the ticket's list names",
                attachment.file,
                self.data_no()
            )));
        }
        let bytes = self.client().download_file(&attachment.file).await?;
        out.write_all(&bytes)
            .map_err(|e| Error::InvalidRequest(format!("cannot write the download: {e}")))?;
        Ok(bytes.len() as u64)
    }
}

impl Client {
    /// A web session, then the file at `path` under the media root.
    async fn download_file(&self, path: &str) -> Result<Bytes, Error> {
        // The web paths are not `/rest/` endpoints of the table (`omflow_model::web`).
        let operation = "files.download";
        let mut login = HttpRequest::get(self.url(omflow_model::web::LOGIN)?);
        login.method = http::Method::POST;
        login
            .headers
            .insert(http::header::AUTHORIZATION, self.basic_authorization()?);
        let answer = self.send_checked(operation, login, Access::Read).await?;
        let session = answer
            .headers
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.split(';')
                    .next()?
                    .trim()
                    .strip_prefix("sessionid=")
                    .map(str::to_string)
            })
            .ok_or_else(|| Error::InvalidRequest("the server's web login set no session".into()))?;
        let url = self.url(&omflow_model::web::download_path(path))?;
        let mut request = HttpRequest::get(url);
        let mut cookie = HeaderValue::from_str(&format!("sessionid={session}"))
            .map_err(|e| Error::InvalidRequest(e.to_string()))?;
        cookie.set_sensitive(true);
        request.headers.insert(http::header::COOKIE, cookie);
        let file = self.send_checked(operation, request, Access::Read).await?;
        Ok(file.body)
    }
}

//! Attachments (E9 upload, E10 list) and the multipart bodies that carry them.
//!
//! The fake records each upload's name and size, never its content: the real server's answers
//! only ever show those.

use crate::world::{hyphenate, int_like, text, Caller, Reply, World};
use omflow_model::{Lang, MessageId, Timestamp};
use serde_json::{json, Map, Value};

/// What the real server answers to every upload, whatever happened (spec §9.1, quirk 24).
///
/// The recorded message catalog does not carry this message, so the fake answers the Django
/// msgid (the zh-Hant text) in every language.
pub const UPLOAD_SUCCESS: &str = "上傳成功。";

/// The name Django's file storage gives an `upload_to` path (`Storage.generate_filename`):
/// the last segment through `get_valid_name` (trimmed, spaces to `_`, every character but
/// `-`, word characters and `.` dropped), the whole through `os.path.normpath`.
pub(crate) fn storage_name(path: &str) -> String {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let valid: String = name
        .trim()
        .replace(' ', "_")
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
        .collect();
    let mut segments: Vec<&str> = Vec::new();
    for segment in dir.split('/').chain([valid.as_str()]) {
        match segment {
            "" | "." => {}
            ".." if segments.last().is_some_and(|last| *last != "..") => {
                segments.pop();
            }
            other => segments.push(other),
        }
    }
    if segments.is_empty() {
        ".".to_owned()
    } else {
        segments.join("/")
    }
}

/// One file part named `files` in a multipart body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UploadedFile {
    pub name: String,
    pub size: u64,
    /// The bytes as uploaded (a download gives them back).
    pub content: bytes::Bytes,
}

/// One stored attachment record.
#[derive(Debug, Clone)]
pub(crate) struct Attachment {
    pub id: u64,
    /// The flow's uuid as 32 hex digits.
    pub flow_uuid: String,
    pub data_no: u64,
    pub data_id: u64,
    pub file_name: String,
    pub size: u64,
    pub createtime: String,
    pub upload_user: String,
    /// The file's bytes.
    pub content: bytes::Bytes,
    /// Its path under the media root, as the list names it and the download takes it: made
    /// when it was stored, from the uuid, data_no and data_id *as sent* (Django's
    /// `upload_to` formats the instance's attributes before the fields convert them).
    pub file: String,
}

impl Attachment {
    /// The folder `upload_to` names for a row, from the values as given (Python's `str()`
    /// of each): a file in it is stored under `storage_name` of the folder and its name.
    pub(crate) fn folder(flow_uuid: &Value, data_no: &Value, data_id: &Value) -> String {
        use crate::django::value::py_str;
        format!(
            "omformflow/{}/{}/{}",
            py_str(flow_uuid),
            py_str(data_no),
            py_str(data_id)
        )
    }

    /// The record as E10 lists it.
    fn listed(&self) -> Value {
        json!({
            "id": self.id,
            "file": self.file,
            "size": self.size,
            "delete": false,
            "createtime": self.createtime,
            "file_name": self.file_name,
        })
    }

    /// The record as `omdata/load` lists it under `files`.
    pub(crate) fn loaded(&self, uploader_nick: &str) -> Value {
        json!({
            "file": self.file,
            "size": self.size,
            "createtime": self.createtime,
            "delete": false,
            "file_name": self.file_name,
            "upload_user_id__nick_name": uploader_nick,
        })
    }

    /// The record as `GET /__mock/state` shows it.
    pub(crate) fn dump(&self) -> Value {
        json!({
            "id": self.id,
            "flow_uuid": self.flow_uuid,
            "data_no": self.data_no,
            "data_id": self.data_id,
            "file_name": self.file_name,
            "file": self.file,
            "size": self.size,
            "createtime": self.createtime,
            "upload_user": self.upload_user,
        })
    }
}

/// Parses a `multipart/form-data` body the way Django fills `request.POST` and
/// `request.FILES`: text fields as strings (the last value wins), file parts named `files`.
/// A malformed body keeps whatever parsed before the fault (Django would also stop there).
pub(crate) fn parse_multipart(
    content_type: &str,
    body: &[u8],
) -> (Map<String, Value>, Vec<UploadedFile>) {
    let mut fields = Map::new();
    let mut files = Vec::new();
    let Ok(boundary) = multer::parse_boundary(content_type) else {
        return (fields, files);
    };
    let data = bytes::Bytes::copy_from_slice(body);
    let stream = futures::stream::once(async move { Ok::<_, std::convert::Infallible>(data) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    // The stream is already in memory, so this never waits on I/O.
    futures::executor::block_on(async {
        while let Ok(Some(field)) = multipart.next_field().await {
            let name = field.name().unwrap_or_default().to_string();
            let file_name = field.file_name().map(str::to_string);
            let Ok(content) = field.bytes().await else {
                break;
            };
            match file_name {
                Some(file_name) if name == "files" => files.push(UploadedFile {
                    name: file_name,
                    size: content.len() as u64,
                    content: content.clone(),
                }),
                Some(_) => {}
                None => {
                    fields.insert(
                        name,
                        Value::String(String::from_utf8_lossy(&content).into_owned()),
                    );
                }
            }
        }
    });
    (fields, files)
}

impl World {
    /// The flow whose uuid is these 32 hex digits (deployed or not).
    pub(crate) fn flow_by_hex(&self, hex: &str) -> Option<usize> {
        self.flows.iter().position(|f| f.def.flow_uuid == hex)
    }

    /// The flow a body's `flow_uuid` names, read as a `UUIDField` reads it (any case,
    /// hyphens and braces allowed).
    fn body_flow(&self, body: &Map<String, Value>) -> Option<usize> {
        use crate::django::{schema::Class, value::prepare, value::Sql};
        match prepare(Some(Class::Uuid), body.get("flow_uuid")?, Lang::En) {
            Ok(Sql::Text(hex)) => self.flow_by_hex(&hex),
            _ => None,
        }
    }

    /// The attachment views' check: `checkOmDataPermission(user, flow_uuid, None, data_id,
    /// per_type)` with the body's values (`''` when missing, as `postdata.get` gives).
    fn may_touch_files(&self, caller: &Caller, body: &Map<String, Value>, per_type: &str) -> bool {
        let empty = Value::String(String::new());
        let sent = |key: &str| body.get(key).unwrap_or(&empty);
        self.check_omdata_permission(
            caller,
            sent("flow_uuid"),
            &Value::Null,
            sent("data_id"),
            per_type,
        )
    }

    /// E9: the push permission for `data_id`, then store what can be stored, then always
    /// "upload successful".
    pub(crate) fn upload(
        &mut self,
        body: &Map<String, Value>,
        files: &[UploadedFile],
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        let flow = self.body_flow(body);
        if !self.may_touch_files(caller, body, "_Modify") {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        let data_id = body.get("data_id").and_then(int_like);
        if let (Some(flow), Some(data_no), Some(data_id)) =
            (flow, body.get("data_no").and_then(int_like), data_id)
        {
            // Django's `upload_to` formats the values as sent, before the fields convert them.
            let null = Value::Null;
            let sent = |key: &str| body.get(key).unwrap_or(&null);
            let folder = Attachment::folder(sent("flow_uuid"), sent("data_no"), sent("data_id"));
            self.store_files(flow, (data_no, data_id), &folder, files, &caller.username);
        }
        Reply::ok(UPLOAD_SUCCESS.to_string(), Value::Null)
    }

    /// Stores file records, replacing earlier ones of the same name on the same row, and
    /// flags every mission of the ticket as having attachments.
    /// The row is `(data_no, data_id)` as the fields hold them; `folder` is the folder
    /// `upload_to` named ([`Attachment::folder`]).
    pub(crate) fn store_files(
        &mut self,
        flow: usize,
        (data_no, data_id): (u64, u64),
        folder: &str,
        files: &[UploadedFile],
        username: &str,
    ) {
        let hex = self.flows[flow].def.flow_uuid.clone();
        let now = Timestamp::from_naive(self.now()).as_str().to_string();
        for file in files {
            self.attachments.retain(|a| {
                !(a.flow_uuid == hex
                    && a.data_no == data_no
                    && a.data_id == data_id
                    && a.file_name == file.name)
            });
            self.attachments.push(Attachment {
                id: self.next_attachment_id,
                flow_uuid: hex.clone(),
                data_no,
                data_id,
                file_name: file.name.clone(),
                size: file.size,
                createtime: now.clone(),
                upload_user: username.to_string(),
                content: file.content.clone(),
                file: storage_name(&format!("{folder}/{}", file.name)),
            });
            self.next_attachment_id += 1;
        }
        self.missions.update_ticket(
            &hyphenate(&hex),
            data_no,
            crate::world::MissionRow::mark_attachment,
        );
    }

    /// E10: the ticket's attachments, newest first, one per file name.
    pub(crate) fn list_files(
        &self,
        body: &Map<String, Value>,
        caller: &Caller,
        lang: Lang,
    ) -> Reply {
        let empty = Value::String(String::new());
        let sent = |key: &str| body.get(key).unwrap_or(&empty);
        if !self.may_touch_files(caller, body, "_View") {
            return Reply::fail(403, text(MessageId::NoPermission, lang));
        }
        // `OmdataFiles.objects.filter(flow_uuid=..., data_no=...)` runs outside any error
        // handling: Django's validation of either value is a 500. Keyword filters are built
        // in sorted order (`data_no` first, cast when the filter is built); the uuid is
        // validated only when the SQL is compiled.
        use crate::django::schema::Class;
        use crate::django::value::prepare;
        let data_no = match prepare(Some(Class::Integer), sent("data_no"), lang) {
            Ok(crate::django::value::Sql::Int(n)) => u64::try_from(n).ok(),
            Ok(_) => None,
            Err(error) => return Reply::fail(500, error),
        };
        if let Err(error) = prepare(Some(Class::Uuid), sent("flow_uuid"), lang) {
            return Reply::fail(500, error);
        }
        let flow = self.body_flow(body);
        let mut listed: Vec<&Attachment> = match (flow, data_no) {
            (Some(flow), Some(data_no)) => {
                let hex = &self.flows[flow].def.flow_uuid;
                self.attachments
                    .iter()
                    .filter(|a| &a.flow_uuid == hex && a.data_no == data_no)
                    .collect()
            }
            _ => Vec::new(),
        };
        // Newest first (ids grow with time), then keep the first of each name.
        listed.sort_by_key(|a| std::cmp::Reverse(a.id));
        let mut seen = std::collections::HashSet::new();
        listed.retain(|a| seen.insert(a.file_name.clone()));
        Reply::ok(
            text(MessageId::ReadSuccess, lang),
            Value::Array(listed.into_iter().map(Attachment::listed).collect()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_names_follow_djangos_storage() {
        assert_eq!(
            storage_name("omformflow/ab/1/2/my report #1?.txt"),
            "omformflow/ab/1/2/my_report_1.txt"
        );
        assert_eq!(
            storage_name("omformflow/ab/1/2/報告.txt"),
            "omformflow/ab/1/2/報告.txt"
        );
        assert_eq!(
            storage_name("omformflow/ab/1/../2/./a.txt"),
            "omformflow/ab/2/a.txt"
        );
        assert_eq!(
            storage_name("omformflow/ab/ 1/07/a-b.log"),
            "omformflow/ab/ 1/07/a-b.log"
        );
    }

    #[test]
    fn multipart_fields_and_files_are_split_like_django() {
        let body = "--B\r\nContent-Disposition: form-data; name=\"security\"\r\n\r\nabc\r\n\
                    --B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.txt\"\r\n\
                    Content-Type: text/plain\r\n\r\nhello\r\n\
                    --B\r\nContent-Disposition: form-data; name=\"other\"; filename=\"b.txt\"\r\n\r\nx\r\n\
                    --B\r\nContent-Disposition: form-data; name=\"security\"\r\n\r\nlast\r\n--B--\r\n";
        let (fields, files) = parse_multipart("multipart/form-data; boundary=B", body.as_bytes());
        assert_eq!(fields["security"], "last");
        assert_eq!(
            files,
            vec![UploadedFile {
                name: "a.txt".into(),
                size: 5,
                content: bytes::Bytes::from_static(b"hello")
            }]
        );
    }

    #[test]
    fn a_malformed_multipart_body_keeps_what_parsed() {
        let body = "--B\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--B\r\ngarbage";
        let (fields, files) = parse_multipart("multipart/form-data; boundary=B", body.as_bytes());
        assert_eq!(fields.get("a"), Some(&json!("1")));
        assert!(files.is_empty());
        let (fields, _) = parse_multipart("multipart/form-data", b"anything");
        assert!(fields.is_empty());
    }
}

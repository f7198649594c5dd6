//! Every response body recorded from the real server decodes into its typed form, and every
//! error envelope is classified, in all four languages.

use omflow_model::catalog::recognize;
use omflow_model::*;
use serde_json::Value;
use std::path::PathBuf;

fn session_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/omflow/session")
}

fn exchanges() -> Vec<(String, Value)> {
    let mut files: Vec<_> = std::fs::read_dir(session_dir())
        .expect("fixtures/omflow/session exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 100,
        "expected the recorded session, found {} files",
        files.len()
    );
    files
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                serde_json::from_str(&text).unwrap(),
            )
        })
        .collect()
}

fn projected(request: &Value) -> bool {
    request["body"]["search_columns"]
        .as_array()
        .is_some_and(|c| !c.is_empty())
}

/// Decodes a success result by endpoint; returns the re-serialized typed value when the
/// type is a full record, to check the round trip.
fn decode_success(name: &str, request: &Value, result: Value) -> Option<Value> {
    let path = request["path"].as_str().unwrap();
    let fail = |e: serde_json::Error| -> ! { panic!("{name}: {e}") };
    if path == paths::SECURITY {
        let grant: SecurityGrant = serde_json::from_value(result).unwrap_or_else(|e| fail(e));
        assert_eq!(grant.security.expose().len(), 36, "{name}");
        None
    } else if path.starts_with(paths::MY_MISSIONS) {
        if projected(request) {
            let rows: Vec<ProjectedRow> =
                serde_json::from_value(result.clone()).unwrap_or_else(|e| fail(e));
            Some(serde_json::to_value(rows).unwrap())
        } else {
            let missions: Vec<Mission> = serde_json::from_value(result).unwrap_or_else(|e| fail(e));
            Some(serde_json::to_value(missions).unwrap())
        }
    } else if path.starts_with(paths::TICKET_LIST) {
        if projected(request) {
            let rows: Vec<ProjectedRow> =
                serde_json::from_value(result).unwrap_or_else(|e| fail(e));
            Some(serde_json::to_value(rows).unwrap())
        } else {
            let rows: Vec<TicketRow> = serde_json::from_value(result).unwrap_or_else(|e| fail(e));
            for row in &rows {
                row.group_header().unwrap_or_else(|e| fail(e));
                row.data_param().unwrap_or_else(|e| fail(e));
                assert!(row.fields().count() >= 5, "{name}: formitm columns");
            }
            Some(serde_json::to_value(rows).unwrap())
        }
    } else if path.starts_with(paths::DATA_ID_LOOKUP) {
        let rows: Vec<DataIdEntry> =
            serde_json::from_value(result.clone()).unwrap_or_else(|e| fail(e));
        Some(serde_json::to_value(rows).unwrap())
    } else if path.starts_with(paths::TICKET_EDIT) {
        let got: DataNoResult = serde_json::from_value(result.clone()).unwrap_or_else(|e| fail(e));
        match request["body"]["action"].as_str() {
            Some("delete") => assert_eq!(got, DataNoResult(None), "{name}"),
            _ => assert!(got.0.is_some(), "{name}: create/push returns the data_no"),
        }
        None
    } else if path.starts_with(paths::API_FORMAT) {
        if request["body"]["action"] == "query" {
            let api_path: ApiPath = serde_json::from_value(result).unwrap_or_else(|e| fail(e));
            assert_eq!(api_path.as_str(), "mission");
        } else {
            let format: ApiFormat = serde_json::from_value(result).unwrap_or_else(|e| fail(e));
            assert_eq!(format.input.formdata.len(), 5, "{name}");
            // The example outputs use string statuses, which decode too.
            for (_, example) in format.output.as_object().unwrap() {
                let envelope: Envelope =
                    serde_json::from_value(example.clone()).unwrap_or_else(|e| fail(e));
                assert!(
                    envelope.status.0 == 200 || envelope.status.0 == 404,
                    "{name}"
                );
            }
        }
        None
    } else {
        None // setup calls (users, groups, flow flags): envelope only
    }
}

#[test]
fn every_recorded_response_decodes() {
    let mut decoded = 0;
    for (name, exchange) in exchanges() {
        let body = &exchange["response"]["body"];
        if !body.is_object() {
            continue; // HTML pages and the out-of-band step
        }
        let envelope: Envelope =
            serde_json::from_value(body.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        if envelope.status.is_success() {
            let result = body["result"].clone();
            if let Some(back) = decode_success(&name, &exchange["request"], result.clone()) {
                assert_eq!(back, result, "{name}: typed round trip changed the JSON");
            }
        }
        decoded += 1;
    }
    assert!(decoded >= 130, "decoded {decoded} envelopes");
}

fn expected_kind(message: &str) -> Option<ApiErrorKind> {
    use ApiErrorKind::*;
    Some(match message {
        "OmUser matching query does not exist." => UnknownUser,
        "使用者不存在或未啟用。" => LoginFailed,
        "cannot access local variable 'username_db' where it is not associated with a value" => EmailLoginUnsupported,
        "URL錯誤，請確認後重新發送請求。" => UrlError,
        "缺少參數：omflow_restapi" | "Missing parameter:omflow_restapi" => RestApiFlagMissing,
        "缺少安全碼。" => SecurityMissing,
        "安全碼錯誤，請確認安全碼或重新取得新的安全碼。"
        | "The security code is wrong. Please confirm the security code or obtain a new security code." => SecurityWrong,
        "安全碼過期，請重新取得新的安全碼。" => SecurityExpired,
        "查詢失敗，錯誤訊息如下：'NoneType' object has no attribute 'objects'" => NoVisibleMissions,
        "缺少必填欄位。" | "Missing required fields." => MissingRequiredFields,
        "'NoneType' object has no attribute 'api'" | "找不到流程。" => FlowNotFound,
        "Omdata_dc33fb340034418c8fbb3baf15525e86 matching query does not exist." | "找不到該筆資料。" => TicketNotFound,
        "您沒有權限進行此操作。" => PermissionDenied,
        "缺少必要參數，請確認後重新發送請求。" => MissingParameter,
        "該流程未啟用API呼叫。" => ApiDisabled,
        "get() returned more than one OmUser -- it returned 2!" => AmbiguousUsername,
        m if m.starts_with("查詢失敗，錯誤訊息如下：") => QueryFailed,
        "This QueryDict instance is immutable" => ServerError,
        "'type'" => InvalidFormData,
        m if m.starts_with("string indices must be integers") => InvalidFormData,
        _ => return None,
    })
}

#[test]
fn every_recorded_error_is_classified_in_all_languages() {
    let mut checked = 0;
    for (name, exchange) in exchanges() {
        let body = &exchange["response"]["body"];
        let Ok(envelope) = serde_json::from_value::<Envelope>(body.clone()) else {
            continue;
        };
        if envelope.status.is_success() {
            continue;
        }
        let err = envelope
            .clone()
            .into_result::<Value>()
            .unwrap_err()
            .into_api()
            .unwrap();
        let want = expected_kind(err.message())
            .unwrap_or_else(|| panic!("{name}: no expectation for {:?}", err.message()));
        assert_eq!(err.kind(), want, "{name}: {}", err.message());
        // The same answer in every other language classifies the same.
        if let Some(found) = recognize(err.message()) {
            for lang in Lang::ALL {
                let text = format!("{}{}", found.id.text(lang), found.detail);
                let other = ApiError::from_envelope(envelope.status, text.clone(), Value::Null);
                assert_eq!(other.kind(), want, "{name} in {lang}: {text}");
            }
        }
        checked += 1;
    }
    assert!(checked >= 50, "checked {checked} error envelopes");
}

//! Server base URLs: which a replay or recording accepts, and how a message shows one.

/// `url` as an error message may show it: without a user or password, even when it does
/// not parse (whatever comes before the last `@` is hidden).
pub(crate) fn url_for_messages(url: &str) -> String {
    if let Ok(mut parsed) = url::Url::parse(url) {
        if !parsed.username().is_empty() || parsed.password().is_some() {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            return parsed.to_string();
        }
    }
    match url.rsplit_once('@') {
        Some((head, tail)) => {
            let scheme = head.split_once("://").map_or("", |(s, _)| s);
            if scheme.is_empty() {
                format!("***@{tail}")
            } else {
                format!("{scheme}://***@{tail}")
            }
        }
        None => url.to_string(),
    }
}

/// A server's base URL as `omflow record` and `omflow replay` take it: `http://` or
/// `https://` with a host, no query or fragment; returned without a trailing `/`.
pub(crate) fn server_base_url(url: &str) -> Result<String, String> {
    let parsed = url::Url::parse(url).map_err(|e| match e {
        url::ParseError::RelativeUrlWithoutBase => {
            "it has no scheme: add http:// or https://".to_string()
        }
        other => other.to_string(),
    })?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme {:?} is not http or https",
            parsed.scheme()
        ));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err("it has no host".into());
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(
            "a base URL takes no user or password: the recorded logins carry their own".into(),
        );
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err("a base URL takes no query or fragment".into());
    }
    Ok(url.trim_end_matches('/').to_string())
}

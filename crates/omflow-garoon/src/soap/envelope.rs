//! The request envelope (Cybozu, "Garoon SOAP APIの共通仕様": SOAP 1.2; `Action`,
//! `Security/UsernameToken`, `Timestamp` and `Locale` in the header; the action's element
//! with its `parameters` in the body).

/// A Garoon login for `Security/UsernameToken` (sent in plain text inside the envelope, as
/// the documentation shows: use HTTPS). Its `Debug` never shows the password.
#[derive(Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The login name.
    pub username: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("username", &self.username)
            .field("password", &"<redacted>")
            .finish()
    }
}

/// The envelope's header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    /// The action (`WorkflowHandleApplications`).
    pub action: String,
    /// `Security/UsernameToken`; `None` for a cookie session.
    pub credentials: Option<Credentials>,
    /// `Timestamp/Created` (Garoon does not read it; the documentation's example sends one).
    pub created: String,
    /// `Timestamp/Expires`: required, and a request past it is refused
    /// (`GRN_UTIL_API_65003`).
    pub expires: String,
    /// `Locale` (`ja`, `en`, `zh`): the language of the answer's texts; an unknown one is
    /// ignored by Garoon.
    pub locale: Option<String>,
}

impl Header {
    /// A header for `action` with the documentation's timestamps (created 2010-08-12, expires
    /// 2037-08-12: far enough that no clock skew refuses it).
    #[must_use]
    pub fn new(action: impl Into<String>) -> Self {
        Header {
            action: action.into(),
            credentials: None,
            created: "2010-08-12T14:45:00Z".into(),
            expires: "2037-08-12T14:45:00Z".into(),
            locale: None,
        }
    }
}

/// The whole request: `header`, then `parameters` (the action's `<parameters>` element) in
/// the body.
#[must_use]
pub fn envelope(header: &Header, parameters: &str) -> String {
    let mut xml = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"http://www.w3.org/2003/05/soap-envelope\">\n<soap:Header>\n",
    );
    let action = escape(&header.action);
    xml.push_str(&format!("<Action>{action}</Action>\n"));
    if let Some(credentials) = &header.credentials {
        xml.push_str(&format!(
            "<Security><UsernameToken><Username>{}</Username><Password>{}</Password></UsernameToken></Security>\n",
            escape(&credentials.username),
            escape(&credentials.password)
        ));
    }
    xml.push_str(&format!(
        "<Timestamp><Created>{}</Created><Expires>{}</Expires></Timestamp>\n",
        escape(&header.created),
        escape(&header.expires)
    ));
    if let Some(locale) = &header.locale {
        xml.push_str(&format!("<Locale>{}</Locale>\n", escape(locale)));
    }
    xml.push_str(&format!(
        "</soap:Header>\n<soap:Body>\n<{action}>{parameters}</{action}>\n</soap:Body>\n</soap:Envelope>\n"
    ));
    xml
}

/// Text or an attribute value escaped for XML (`&`, `<`, `>`, `"`, `'`).
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            other => out.push(other),
        }
    }
    out
}

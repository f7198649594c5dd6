//! Logins, security codes and who the caller is.

use super::*;

impl World {
    /// `/accounts/api/security/get/`.
    pub fn login(&mut self, authorization: Option<&str>, lang: Lang) -> Reply {
        use base64::Engine as _;
        let no_user = || Reply::fail(500, "OmUser matching query does not exist.");
        let Some(header) = authorization.filter(|h| h.len() > 7) else {
            return no_user();
        };
        let encoded = header.get(6..).unwrap_or("").trim();
        let decoded = match base64::engine::general_purpose::STANDARD.decode(encoded) {
            Ok(bytes) => bytes,
            Err(_) => return Reply::fail(500, "Incorrect padding"),
        };
        let decoded = match String::from_utf8(decoded) {
            Ok(text) => text,
            Err(error) => {
                return Reply::fail(500, python_utf8_error(error.as_bytes(), error.utf8_error()))
            }
        };
        let parts: Vec<&str> = decoded.split(':').collect();
        let (username, password) = match parts.as_slice() {
            [u, p] => (*u, *p),
            [_] => return Reply::fail(500, "not enough values to unpack (expected 2, got 1)"),
            _ => return Reply::fail(500, "too many values to unpack (expected 2)"),
        };
        let by_email = username
            .split_once('@')
            .is_some_and(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('@'));
        let user = if by_email {
            self.users.iter().find(|u| u.email == username)
        } else {
            self.users.iter().find(|u| u.username == username)
        };
        let Some(user) = user else {
            return no_user();
        };
        if !user.is_active || user.password.as_deref() != Some(password) {
            return Reply::fail(403, text(MessageId::SecurityUserNotFoundOrInactive, lang));
        }
        if by_email {
            return Reply::fail(500, "cannot access local variable 'username_db' where it is not associated with a value");
        }
        let username = user.username.clone();
        let now = self.now();
        self.logins += 1;
        if let Some(token) = self.by_user.get(&username).cloned() {
            if let Some(record) = self.tokens.get_mut(&token) {
                if now < record.updated + self.token_ttl {
                    record.updated = now;
                    return Reply::ok(
                        text(MessageId::SecurityGetSuccess, lang),
                        json!({"security": token}),
                    );
                }
            }
            self.tokens.remove(&token);
        }
        let token = uuid::Uuid::new_v4().to_string();
        self.tokens.insert(
            token.clone(),
            Token {
                username: username.clone(),
                updated: now,
            },
        );
        self.by_user.insert(username, token.clone());
        Reply::ok(
            text(MessageId::SecurityGetSuccess, lang),
            json!({"security": token}),
        )
    }

    /// The `/rest/` wrapper's token checks; returns the caller or the refusal.
    pub(crate) fn authenticate(
        &mut self,
        security: Option<&Value>,
        lang: Lang,
    ) -> Result<Caller, Reply> {
        let wrong = || Reply::fail(403, text(MessageId::RestSecurityWrong, lang));
        let token = match security {
            None => String::new(),
            Some(Value::Null) => {
                return Err(Reply::fail(403, text(MessageId::RestSecurityMissing, lang)))
            }
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(_)) => return Err(Reply::fail(500, "unhashable type: 'list'")),
            Some(Value::Object(_)) => return Err(Reply::fail(500, "unhashable type: 'dict'")),
            Some(_) => return Err(wrong()),
        };
        let now = self.now();
        let ttl = self.token_ttl;
        let Some(record) = self.tokens.get_mut(&token) else {
            return Err(wrong());
        };
        if now >= record.updated + ttl {
            return Err(Reply::fail(403, text(MessageId::RestSecurityExpired, lang)));
        }
        record.updated = now;
        let needle = record.username.to_lowercase();
        let matches: Vec<&User> = self
            .users
            .iter()
            .filter(|u| u.username.to_lowercase().contains(&needle))
            .collect();
        match matches.len() {
            0 => Err(Reply::fail(500, "OmUser matching query does not exist.")),
            1 => Ok(Caller {
                username: matches[0].username.clone(),
            }),
            n => Err(Reply::fail(
                500,
                format!("get() returned more than one OmUser -- it returned {n}!"),
            )),
        }
    }

    // ---------------------------------------------------------------- permissions

    pub(crate) fn has_permission(&self, caller: &Caller, flow: usize, perm: &str) -> bool {
        let Some(user) = self.user(&caller.username) else {
            return false;
        };
        if user.is_superuser {
            return true;
        }
        let codename = format!("Omdata_{}_{}", self.flows[flow].def.flow_uuid, perm);
        self.groups
            .iter()
            .any(|g| user.groups.contains(&g.id) && g.permissions.contains(&codename))
    }

    // ---------------------------------------------------------------- tickets

    /// Removes a user outright (the recorded session's out-of-band step). Its token stays.
    pub fn delete_user(&mut self, username: &str) -> bool {
        let before = self.users.len();
        self.users.retain(|u| u.username != username);
        before != self.users.len()
    }

    /// Marks every token as idle since long ago, so the next use answers "expired".
    pub fn expire_tokens(&mut self) {
        let long_ago = self.now() - self.token_ttl - chrono::Duration::seconds(1);
        for token in self.tokens.values_mut() {
            token.updated = long_ago;
        }
    }

    /// Number of successful logins so far.
    #[must_use]
    pub fn login_count(&self) -> u64 {
        self.logins
    }
}

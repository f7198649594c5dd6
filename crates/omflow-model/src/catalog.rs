//! The server's message catalog: which message a text is, in any of the four languages.
//!
//! OMFLOW localizes `message` by `Accept-Language` (zh-Hant by default, zh-Hans, en, ja). The
//! catalog is data (`fixtures/omflow/messages.json`) turned into [`MessageId`] by
//! `cargo xtask codegen`, so classification never depends on the server's language.

use std::fmt;
use std::str::FromStr;

pub use crate::generated::messages::MessageId;

/// A language the OMFLOW server can answer in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// Traditional Chinese, the server's default (`zh-hant`).
    #[default]
    ZhHant,
    /// Simplified Chinese (`zh-hans`).
    ZhHans,
    /// English (`en`).
    En,
    /// Japanese (`ja`).
    Ja,
}

impl Lang {
    /// Every supported language.
    pub const ALL: [Lang; 4] = [Lang::ZhHant, Lang::ZhHans, Lang::En, Lang::Ja];

    /// The tag the server sends back in `Content-Language`.
    #[must_use]
    pub const fn tag(self) -> &'static str {
        match self {
            Lang::ZhHant => "zh-hant",
            Lang::ZhHans => "zh-hans",
            Lang::En => "en",
            Lang::Ja => "ja",
        }
    }

    /// Picks the language the server would answer in for an `Accept-Language` header value,
    /// as Django's `LocaleMiddleware` does: the first supported entry by preference;
    /// zh-Hant when nothing matches.
    #[must_use]
    pub fn from_accept_language(header: &str) -> Lang {
        let mut entries: Vec<(f32, usize, &str)> = header
            .split(',')
            .enumerate()
            .filter_map(|(index, part)| {
                let mut pieces = part.trim().split(';');
                let tag = pieces.next()?.trim();
                if tag.is_empty() {
                    return None;
                }
                let quality = pieces
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .unwrap_or(1.0);
                Some((quality, index, tag))
            })
            .collect();
        entries.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        entries
            .into_iter()
            .filter(|(quality, _, _)| *quality > 0.0)
            .find_map(|(_, _, tag)| Lang::from_tag(tag))
            .unwrap_or_default()
    }

    /// The language of a POSIX locale (`ja_JP.UTF-8`, `zh_TW`, `en_US@euro`); `None` for
    /// `C`, `POSIX` and languages the server does not speak.
    ///
    /// ```
    /// use omflow_model::Lang;
    /// assert_eq!(Lang::from_locale("ja_JP.UTF-8"), Some(Lang::Ja));
    /// assert_eq!(Lang::from_locale("zh_CN.UTF-8"), Some(Lang::ZhHans));
    /// assert_eq!(Lang::from_locale("C.UTF-8"), None);
    /// ```
    #[must_use]
    pub fn from_locale(locale: &str) -> Option<Lang> {
        let name = locale.split(['.', '@']).next().unwrap_or("");
        Lang::from_tag(name)
    }

    fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.to_ascii_lowercase().replace('_', "-");
        match tag.as_str() {
            "en" | "ja" => Some(if tag == "en" { Lang::En } else { Lang::Ja }),
            "zh-hans" | "zh-cn" | "zh-sg" | "zh-my" => Some(Lang::ZhHans),
            "zh-hant" | "zh-tw" | "zh-hk" | "zh-mo" | "zh" => Some(Lang::ZhHant),
            _ if tag.starts_with("en-") => Some(Lang::En),
            _ if tag.starts_with("ja-") => Some(Lang::Ja),
            _ if tag.starts_with("zh-hans") => Some(Lang::ZhHans),
            _ if tag.starts_with("zh-hant") => Some(Lang::ZhHant),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// A language name that is not one of `zh-Hant`, `zh-Hans`, `en`, `ja`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unsupported language {0:?}: use one of zh-Hant, zh-Hans, en, ja")]
pub struct UnsupportedLang(pub String);

impl FromStr for Lang {
    type Err = UnsupportedLang;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().replace('_', "-").as_str() {
            "zh-hant" | "zh-tw" => Ok(Lang::ZhHant),
            "zh-hans" | "zh-cn" => Ok(Lang::ZhHans),
            "en" => Ok(Lang::En),
            "ja" => Ok(Lang::Ja),
            _ => Err(UnsupportedLang(s.to_string())),
        }
    }
}

/// A server message recognised in the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recognized<'a> {
    /// Which message it is.
    pub id: MessageId,
    /// The language it was written in (the first match when languages share a text).
    pub lang: Lang,
    /// For prefix messages, the untranslated text after the prefix; empty otherwise.
    pub detail: &'a str,
}

/// Finds which catalog message `text` is, in any language. Exact texts win over prefixes.
#[must_use]
pub fn recognize(text: &str) -> Option<Recognized<'_>> {
    for &id in MessageId::ALL.iter().filter(|id| !id.is_prefix()) {
        for lang in Lang::ALL {
            if id.text(lang) == text {
                return Some(Recognized {
                    id,
                    lang,
                    detail: "",
                });
            }
        }
    }
    for &id in MessageId::ALL.iter().filter(|id| id.is_prefix()) {
        for lang in Lang::ALL {
            if let Some(detail) = text.strip_prefix(id.text(lang)) {
                return Some(Recognized { id, lang, detail });
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_language_follows_django() {
        assert_eq!(Lang::from_accept_language("en"), Lang::En);
        assert_eq!(Lang::from_accept_language("zh-TW"), Lang::ZhHant);
        assert_eq!(Lang::from_accept_language("fr"), Lang::ZhHant);
        assert_eq!(
            Lang::from_accept_language("fr, ja;q=0.5, en;q=0.7"),
            Lang::En
        );
        assert_eq!(Lang::from_accept_language("zh-CN"), Lang::ZhHans);
        assert_eq!(Lang::from_accept_language(""), Lang::ZhHant);
    }

    #[test]
    fn every_message_is_recognized_in_every_language() {
        for &id in MessageId::ALL {
            for lang in Lang::ALL {
                let text = if id.is_prefix() {
                    format!("{}detail", id.text(lang))
                } else {
                    id.text(lang).to_string()
                };
                let found = recognize(&text).expect("catalog text is recognized");
                // Some messages share a text across ids (never across kinds that matter).
                assert_eq!(found.id.text(found.lang), id.text(lang), "{id:?} {lang:?}");
            }
        }
    }

    #[test]
    fn parse_lang_names() {
        assert_eq!("zh-Hant".parse::<Lang>(), Ok(Lang::ZhHant));
        assert_eq!("EN".parse::<Lang>(), Ok(Lang::En));
        assert!("fr".parse::<Lang>().is_err());
    }
}

//! Garoon's tokens and localized labels: the wire-token enums (status type, operation, folder
//! type) and the requirement and result kinds matched on their ja, en or zh labels.

use super::context::{Ctx, GaroonParseError};
use super::labels::{REQUIREMENT_LABELS, RESULT_LABELS, STATUS_LABELS};
use std::fmt;

macro_rules! token_enum {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $token:literal),* $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)*
            /// A token this SDK does not know, kept as sent.
            Unknown(String),
        }

        impl $name {
            /// The wire token.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $token,)*
                    $name::Unknown(raw) => raw,
                }
            }

            fn exact(token: &str) -> Option<Self> {
                match token {
                    $($token => Some($name::$variant),)*
                    _ => None,
                }
            }

            /// Reads a token; `None` for an unknown one (see `parse_lenient`).
            pub fn from_token(token: &str) -> Option<Self> {
                Self::exact(token)
            }

            pub(super) fn decode(ctx: &mut Ctx, token: &str, path: &str) -> Result<Self, GaroonParseError> {
                if let Some(known) = Self::exact(token) {
                    return Ok(known);
                }
                if let Some(known) = Self::exact(&token.to_ascii_uppercase()) {
                    ctx.warn(path, format!("token {token:?} is not upper-case; read as {}", known.as_str()))?;
                    return Ok(known);
                }
                ctx.warn(path, format!("unknown token {token:?}; kept as sent"))?;
                Ok($name::Unknown(token.to_string()))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

token_enum!(
    /// `status.type`: the machine value. Never derived from the localized `status.name`.
    StatusType {
        /// Filed, no step has acted yet.
        Unprocessing = "UNPROCESSING",
        /// Approval under way.
        InProgress = "IN_PROGRESS",
        /// Sent back to the applicant or an earlier step.
        SentBack = "SENT_BACK",
        /// The final approval step approved it.
        Approved = "APPROVED",
        /// An approver rejected it.
        Rejected = "REJECTED",
        /// The applicant pulled it back.
        Withdrawn = "WITHDRAWN",
        /// Cancelled.
        Cancelled = "CANCELLED",
        /// Finished, acknowledgements included.
        Completed = "COMPLETED",
    }
);

token_enum!(
    /// An operation the viewer could take next (JS variant).
    Operation {
        /// Send back.
        SentBack = "SENT_BACK",
        /// Approve.
        Approve = "APPROVE",
        /// Reject.
        Reject = "REJECT",
        /// Withdraw (applicant).
        Withdraw = "WITHDRAW",
        /// Cancel.
        Cancel = "CANCEL",
        /// Confirm an acknowledgement step.
        Confirm = "CONFIRM",
        /// Confirm a completed request.
        Acknowledge = "ACKNOWLEDGE",
    }
);

token_enum!(
    /// A folder kind (JS variant).
    FolderType {
        /// Latest items, unprocessed view.
        Unprocessed = "UNPROCESSED",
        /// Sent folder.
        Sent = "SENT",
        /// Received folder.
        Received = "RECEIVED",
        /// Drafts.
        Draft = "DRAFT",
        /// Latest items, completed view.
        Finish = "FINISH",
    }
);

/// A language Garoon labels are documented in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabelLang {
    /// Japanese.
    Ja,
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

impl StatusType {
    /// The documented display label of this status in `lang` (for showing, never parsing).
    /// `UNPROCESSING`, `SENT_BACK` and `WITHDRAWN` have no documented label.
    #[must_use]
    pub fn label(&self, lang: LabelLang) -> Option<&'static str> {
        STATUS_LABELS
            .iter()
            .find(|row| row.0 == self.as_str())
            .map(|row| match lang {
                LabelLang::Ja => row.1,
                LabelLang::En => row.2,
                LabelLang::Zh => row.3,
            })
    }
}

fn normalize_label(label: &str) -> String {
    label
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '（' => '(',
            '）' => ')',
            other => other,
        })
        .collect::<String>()
        .to_lowercase()
}

/// The kind a label names and, when only one language spells it so, that language.
fn match_label(
    table: &[(&'static str, &str, &str, &str)],
    raw: &str,
) -> Option<(&'static str, Option<LabelLang>)> {
    let wanted = normalize_label(raw);
    table.iter().find_map(|row| {
        let langs: Vec<LabelLang> = [
            (LabelLang::Ja, row.1),
            (LabelLang::En, row.2),
            (LabelLang::Zh, row.3),
        ]
        .into_iter()
        .filter(|(_, label)| normalize_label(label) == wanted)
        .map(|(lang, _)| lang)
        .collect();
        match langs.as_slice() {
            [] => None,
            [only] => Some((row.0, Some(*only))),
            _ => Some((row.0, None)),
        }
    })
}

/// A label of a table row by its kind name.
fn label_of(
    table: &[(&'static str, &'static str, &'static str, &'static str)],
    kind: &str,
    lang: LabelLang,
) -> Option<&'static str> {
    table
        .iter()
        .find(|row| row.0 == kind)
        .map(|row| match lang {
            LabelLang::Ja => row.1,
            LabelLang::En => row.2,
            LabelLang::Zh => row.3,
        })
}

impl RequirementKind {
    /// The documented label of this kind in `lang` (`None` for [`RequirementKind::Unknown`]).
    #[must_use]
    pub fn label(&self, lang: LabelLang) -> Option<&'static str> {
        let kind = match self {
            RequirementKind::AllApprovers => "AllApprovers",
            RequirementKind::AnyOneApprover => "AnyOneApprover",
            RequirementKind::Acknowledgment => "Acknowledgment",
            RequirementKind::Unknown(_) => return None,
        };
        label_of(REQUIREMENT_LABELS, kind, lang)
    }
}

impl ResultKind {
    /// The documented label of this kind in `lang` (`None` for [`ResultKind::Unknown`]).
    #[must_use]
    pub fn label(&self, lang: LabelLang) -> Option<&'static str> {
        let kind = match self {
            ResultKind::NoAction => "NoAction",
            ResultKind::Approved => "Approved",
            ResultKind::Rejected => "Rejected",
            ResultKind::Acknowledged => "Acknowledged",
            ResultKind::Unknown(_) => return None,
        };
        label_of(RESULT_LABELS, kind, lang)
    }
}

/// A step's requirement, matched on its label in ja, en or zh.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RequirementKind {
    /// Every approver must approve.
    AllApprovers,
    /// Any one approver suffices.
    AnyOneApprover,
    /// Acknowledgement (circulation).
    Acknowledgment,
    /// A label in no documented language.
    Unknown(String),
}

/// A processor's result, matched on its label in ja, en or zh.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResultKind {
    /// `-`: no action.
    NoAction,
    /// Approved.
    Approved,
    /// Rejected.
    Rejected,
    /// Acknowledged.
    Acknowledged,
    /// A label in no documented language.
    Unknown(String),
}

/// A localized label: the text as sent, what it means, and which documented language it
/// matched (`None` for an unknown label, or one spelt alike in several languages, as `-`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label<K> {
    /// The text as sent.
    pub raw: String,
    /// What it means.
    pub kind: K,
    /// The language whose label it matched.
    pub lang: Option<LabelLang>,
}

pub(super) fn requirement(
    ctx: &mut Ctx,
    raw: String,
    path: &str,
) -> Result<Label<RequirementKind>, GaroonParseError> {
    let matched = match_label(REQUIREMENT_LABELS, &raw);
    let kind = match matched.map(|m| m.0) {
        Some("AllApprovers") => RequirementKind::AllApprovers,
        Some("AnyOneApprover") => RequirementKind::AnyOneApprover,
        Some("Acknowledgment") => RequirementKind::Acknowledgment,
        _ => {
            ctx.warn(
                path,
                format!("unknown requirement label {raw:?}; kept as sent"),
            )?;
            RequirementKind::Unknown(raw.clone())
        }
    };
    Ok(Label {
        raw,
        kind,
        lang: matched.and_then(|m| m.1),
    })
}

pub(super) fn result_label(
    ctx: &mut Ctx,
    raw: String,
    path: &str,
) -> Result<Label<ResultKind>, GaroonParseError> {
    let matched = match_label(RESULT_LABELS, &raw);
    let kind = match matched.map(|m| m.0) {
        Some("NoAction") => ResultKind::NoAction,
        Some("Approved") => ResultKind::Approved,
        Some("Rejected") => ResultKind::Rejected,
        Some("Acknowledged") => ResultKind::Acknowledged,
        _ => {
            ctx.warn(path, format!("unknown result label {raw:?}; kept as sent"))?;
            ResultKind::Unknown(raw.clone())
        }
    };
    Ok(Label {
        raw,
        kind,
        lang: matched.and_then(|m| m.1),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corrected_labels() {
        assert_eq!(StatusType::Approved.label(LabelLang::Ja), Some("承認"));
        assert_eq!(StatusType::Rejected.label(LabelLang::Ja), Some("却下"));
        assert_eq!(StatusType::Cancelled.label(LabelLang::Ja), Some("取消"));
        assert_eq!(StatusType::Cancelled.label(LabelLang::En), Some("Cancel"));
        assert_eq!(StatusType::Completed.label(LabelLang::Zh), Some("完成"));
        assert_eq!(StatusType::SentBack.label(LabelLang::Ja), None);
    }
}

//! The `omflow garoon` arguments: where Garoon is and who you are, the commands, a folder's
//! period and the requests to handle, each checked as it is parsed.

use crate::output::Format;
use clap::{Args, Subcommand};

#[derive(Debug, Args)]
pub(crate) struct GaroonArgs {
    /// Garoon root (https://SUB.cybozu.com/g); without one, the embedded fake's demo data.
    #[arg(long, env = "GAROON_URL", global = true)]
    pub(crate) garoon_url: Option<String>,
    /// Garoon login name (password authentication).
    #[arg(long, env = "GAROON_USER", global = true)]
    pub(crate) garoon_user: Option<String>,
    /// Garoon password.
    #[arg(long, env = "GAROON_PASSWORD", hide_env_values = true, global = true)]
    pub(crate) garoon_password: Option<String>,
    /// OAuth access token instead of a password.
    #[arg(long, env = "GAROON_TOKEN", hide_env_values = true, global = true)]
    pub(crate) garoon_token: Option<String>,
    #[command(subcommand)]
    pub(crate) command: GaroonCommand,
}

#[derive(Debug, Subcommand)]
pub(crate) enum GaroonCommand {
    /// List requests (administrator endpoint), every page.
    #[command(after_help = concat!("Example:\n  omflow garoon requests --status IN_PROGRESS,APPROVED", "\n\nEnvironment: GAROON_URL, GAROON_USER, GAROON_PASSWORD, GAROON_TOKEN. Without GAROON_URL, the embedded demo server answers."))]
    Requests {
        /// Only these statuses (comma-separated, any case: IN_PROGRESS,APPROVED).
        #[arg(long, value_delimiter = ',', value_parser = parse_garoon_status)]
        status: Vec<omflow_garoon::model::StatusType>,
        /// Only this form id.
        #[arg(long)]
        form: Option<String>,
        /// Newest first.
        #[arg(long)]
        newest_first: bool,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        output: Format,
    },
    /// Show one request.
    #[command(after_help = concat!("Example:\n  omflow garoon request 2045 --output json", "\n\nEnvironment: GAROON_URL, GAROON_USER, GAROON_PASSWORD, GAROON_TOKEN. Without GAROON_URL, the embedded demo server answers."))]
    Request {
        /// Request id (digits).
        #[arg(value_parser = parse_request_id)]
        id: String,
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        output: Format,
    },
    /// The requests waiting for you (Garoon's unprocessed folder, over SOAP; any user, with a
    /// password) and what you may do with each.
    #[command(
        after_help = "Example:\n  GAROON_USER=alice GAROON_PASSWORD=alice-pass omflow garoon pending"
    )]
    Pending {
        /// The requests waiting for this user (a Garoon user id), whose proxy approver
        /// (代理承認者) you are, instead of yours.
        #[arg(long, value_name = "USER_ID", value_parser = parse_user_id)]
        proxy_of: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value = "table")]
        output: Format,
    },
    /// The requests you applied for (Garoon's sent folder, over SOAP), created in a period.
    #[command(
        after_help = "Example:\n  GAROON_USER=alice GAROON_PASSWORD=alice-pass omflow garoon sent --since 2025-06-01"
    )]
    Sent(GaroonPeriodArgs),
    /// The requests routed to you that you have answered (Garoon's received folder), created
    /// in a period.
    #[command(
        after_help = "Example:\n  GAROON_USER=alice GAROON_PASSWORD=alice-pass omflow garoon received --since 2025-06-01"
    )]
    Received(GaroonPeriodArgs),
    /// The requests that will reach you at a later step (Garoon's 承認予定 list, "Pending
    /// approval"): not yet yours to handle. Garoon offers it where its settings enable it.
    #[command(
        after_help = "Example:\n  GAROON_USER=alice GAROON_PASSWORD=alice-pass omflow garoon upcoming --since 2025-06-01"
    )]
    Upcoming(GaroonPeriodArgs),
    /// Approve requests waiting for you (checked first: one not waiting for you, or that does
    /// not offer it, is refused without sending).
    #[command(
        after_help = "Example:\n  omflow garoon approve 3101 3102 --comment \"OK\" --dry-run"
    )]
    Approve(GaroonHandleArgs),
    /// Reject requests waiting for you.
    Reject(GaroonHandleArgs),
    /// Send requests back: to the applicant, or to an earlier step (its id).
    SendBack {
        /// `applicant`, or the id of an earlier step the request offers.
        #[arg(long)]
        to: String,
        #[command(flatten)]
        handle: GaroonHandleArgs,
    },
    /// Confirm that you have seen requests waiting for you at an acknowledgement (回覧,
    /// circulation) step: the step's answer, where approval steps take approve.
    Confirm(GaroonHandleArgs),
    /// Take back requests you applied for (取り戻し). Garoon decides what happens: a request no
    /// one has answered yet returns to your drafts (withdrawn); one someone has answered is
    /// cancelled (取消), as `cancel` does.
    Withdraw(GaroonHandleArgs),
    /// Cancel requests you applied for (取消): the same call as withdraw; Garoon decides
    /// between withdrawn and cancelled as described there.
    Cancel(GaroonHandleArgs),
    /// Acknowledge requests that have finished (approved, rejected or cancelled) and wait for
    /// you to take note of the result.
    Acknowledge(GaroonHandleArgs),
}

/// The period of a Garoon folder listing (Garoon needs its start).
#[derive(Debug, Args)]
pub(crate) struct GaroonPeriodArgs {
    /// Requests created from this day (2025-06-01, UTC) or instant (RFC 3339); default: 90
    /// days ago.
    #[arg(long, value_parser = parse_since)]
    pub(crate) since: Option<chrono::DateTime<chrono::Utc>>,
    /// Requests created until this day (included) or instant; default: now.
    #[arg(long, value_parser = parse_until)]
    pub(crate) until: Option<chrono::DateTime<chrono::Utc>>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub(crate) output: Format,
}

/// The requests to handle and how.
#[derive(Debug, Args)]
pub(crate) struct GaroonHandleArgs {
    /// Request ids (digits).
    #[arg(required = true, value_parser = parse_request_id)]
    pub(crate) ids: Vec<String>,
    /// A comment stored with your answer.
    #[arg(long)]
    pub(crate) comment: Option<String>,
    /// Check each request as the run would, and send nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
    /// Act as the proxy approver (代理承認者) of this user (a Garoon user id): approve,
    /// reject or send back what waits for them.
    #[arg(long, value_name = "USER_ID", value_parser = parse_user_id)]
    pub(crate) proxy_of: Option<String>,
    #[command(flatten)]
    pub(crate) report: crate::report::ReportArgs,
}

/// A Garoon status token, in any case (`in_progress` is `IN_PROGRESS`).
fn parse_garoon_status(token: &str) -> Result<omflow_garoon::model::StatusType, String> {
    omflow_garoon::model::StatusType::from_token(&token.trim().to_ascii_uppercase()).ok_or_else(|| {
        "use UNPROCESSING, IN_PROGRESS, SENT_BACK, APPROVED, REJECTED, WITHDRAWN, CANCELLED or COMPLETED".into()
    })
}

/// A Garoon request id: digits.
fn parse_request_id(text: &str) -> Result<String, String> {
    digits(text, "a request id is digits (2045)")
}

/// A day (its first second, UTC) or an RFC 3339 instant.
fn parse_since(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    parse_day_or_instant(text, chrono::NaiveTime::MIN)
}

/// A day (its last second, UTC) or an RFC 3339 instant.
fn parse_until(text: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    let last = chrono::NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(chrono::NaiveTime::MIN);
    parse_day_or_instant(text, last)
}

fn parse_day_or_instant(
    text: &str,
    time_of_day: chrono::NaiveTime,
) -> Result<chrono::DateTime<chrono::Utc>, String> {
    const FORMS: &str =
        "a day (2025-06-01, UTC) or an instant with its offset (2025-06-01T09:00:00+09:00, or Z for UTC)";
    let digits = |range: std::ops::Range<usize>| {
        text.get(range)
            .is_some_and(|part| part.bytes().all(|b| b.is_ascii_digit()))
    };
    let day_shaped = text.len() >= 10
        && digits(0..4)
        && digits(5..7)
        && digits(8..10)
        && text.get(4..5) == Some("-")
        && text.get(7..8) == Some("-");
    if text.len() == 10 && day_shaped {
        return chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map(|day| day.and_time(time_of_day).and_utc())
            .map_err(|_| format!("{text} is not a day of the calendar"));
    }
    chrono::DateTime::parse_from_rfc3339(text)
        .map(|t| t.to_utc())
        .map_err(|_| {
            if day_shaped
                && chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").is_ok()
            {
                format!("{text} has no offset: add Z (UTC) or +09:00; or give the day alone")
            } else {
                FORMS.to_string()
            }
        })
}

/// A Garoon user id: digits.
fn parse_user_id(text: &str) -> Result<String, String> {
    digits(text, "a Garoon user id is digits (9)")
}

/// `text` when it is digits, else `what` it should be.
fn digits(text: &str, what: &str) -> Result<String, String> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        Ok(text.to_owned())
    } else {
        Err(what.into())
    }
}

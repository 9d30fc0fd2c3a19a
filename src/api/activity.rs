//! The API activity log: one entry per request, shown in the activity panel.
//!
//! Only method, path, status and timing are kept; never bodies or headers. Query parameters
//! that could carry a credential are replaced by `[redacted]` before anything is stored.

use leptos::prelude::*;

use super::retry::MAX_ATTEMPTS;
use crate::components::format::one_decimal;

/// How many requests the panel remembers; older ones are dropped first.
pub const ACTIVITY_CAPACITY: usize = 200;

/// Query parameter names (lower-cased) whose values are never shown.
const SECRET_PARAMETERS: &[&str] = &[
    "token",
    "auth_token",
    "x-auth-token",
    "x-subject-token",
    "password",
    "adminpass",
    "admin_pass",
    "secret",
    "signature",
    "sig",
    "key",
    "private_key",
    "access_token",
    "credential",
];

/// Where a request stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RequestState {
    /// Sent, no answer yet.
    InFlight,
    /// Answered with this HTTP status.
    Answered(u16),
    /// The request never got a response (network failure, CORS refusal).
    NoResponse,
    /// Answered with this status, but the body stopped short (the connection dropped).
    CutShort(u16),
    /// Given up because the view that asked for it went away.
    Cancelled,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ActivityEntry {
    pub id: u64,
    pub method: &'static str,
    /// Path and redacted query, without scheme and host.
    pub path: String,
    pub state: RequestState,
    /// Wall-clock start, milliseconds since the epoch.
    pub started_ms: f64,
    /// How long the answer took; `None` while in flight.
    pub duration_ms: Option<u32>,
    /// Which attempt of the request this is (1 unless a read is tried again).
    pub attempt: u32,
    /// Set when this attempt failed and the read is sent again.
    pub retry: Option<RetryNote>,
}

/// A failed read that is sent again: after how long, as which attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RetryNote {
    pub delay_ms: u32,
    pub next_attempt: u32,
}

/// What can change in an entry's row once it is listed: its outcome and its retry note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RowState {
    pub id: u64,
    pub state: RequestState,
    pub retry: Option<RetryNote>,
}

/// The shared log; cheap to copy into closures.
#[derive(Clone, Copy)]
pub struct ActivityLog {
    entries: RwSignal<Vec<ActivityEntry>>,
    next_id: StoredValue<u64>,
}

impl Default for ActivityLog {
    fn default() -> Self {
        Self::new()
    }
}

impl ActivityLog {
    pub fn new() -> Self {
        Self {
            entries: RwSignal::new(Vec::new()),
            next_id: StoredValue::new(0),
        }
    }

    /// Lists attempt `attempt` (from 1) of a request as it is sent; [`ActivityLog::finish`]
    /// records its outcome.
    pub fn start(&self, method: &'static str, url: &str, started_ms: f64, attempt: u32) -> u64 {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let entry = ActivityEntry {
            id,
            method,
            path: redact_url(url),
            state: RequestState::InFlight,
            started_ms,
            duration_ms: None,
            attempt,
            retry: None,
        };
        self.entries.update(|entries| {
            entries.push(entry);
            if entries.len() > ACTIVITY_CAPACITY {
                let excess = entries.len() - ACTIVITY_CAPACITY;
                entries.drain(..excess);
            }
        });
        id
    }

    /// Records how request `id` ended. A request already dropped from the log (cleared, or
    /// pushed out by newer ones) is ignored.
    pub fn finish(&self, id: u64, outcome: RequestState, duration_ms: u32) {
        self.entries.update(|entries| {
            if let Some(entry) = entries.iter_mut().find(|entry| entry.id == id) {
                entry.state = outcome;
                entry.duration_ms = Some(duration_ms);
            }
        });
    }

    /// Notes that the failed request `id` is sent again (ignored once dropped from the log).
    pub fn retrying(&self, id: u64, note: RetryNote) {
        self.entries.update(|entries| {
            if let Some(entry) = entries.iter_mut().find(|entry| entry.id == id) {
                entry.retry = Some(note);
            }
        });
    }

    /// Newest first.
    #[cfg(test)]
    pub fn entries(&self) -> Vec<ActivityEntry> {
        self.entries
            .with(|entries| entries.iter().rev().cloned().collect())
    }

    /// [`RowState`] of each entry, newest first (tracked), without copying paths.
    pub fn row_states(&self) -> Vec<RowState> {
        self.entries.with(|entries| {
            entries
                .iter()
                .rev()
                .map(|entry| RowState {
                    id: entry.id,
                    state: entry.state,
                    retry: entry.retry,
                })
                .collect()
        })
    }

    /// The entry at `position`, newest first (untracked).
    pub fn entry(&self, position: usize) -> Option<ActivityEntry> {
        self.entries
            .with_untracked(|entries| entries.iter().rev().nth(position).cloned())
    }

    pub fn len(&self) -> usize {
        self.entries.with(Vec::len)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn clear(&self) {
        self.entries.set(Vec::new());
    }
}

impl ActivityEntry {
    /// The status column: "503, retrying in 0.6 s (attempt 2 of 3)", "200 (attempt 3 of 3)".
    pub fn status_text(&self) -> String {
        let status = match self.state {
            RequestState::InFlight => "waiting…".to_owned(),
            RequestState::Answered(status) => status.to_string(),
            RequestState::NoResponse => "no response".to_owned(),
            RequestState::CutShort(status) => format!("{status}, cut short"),
            RequestState::Cancelled => "cancelled (page left)".to_owned(),
        };
        match self.retry {
            Some(RetryNote {
                delay_ms,
                next_attempt,
            }) => format!(
                "{status}, retrying in {} s (attempt {next_attempt} of {MAX_ATTEMPTS})",
                one_decimal(f64::from(delay_ms) / 1_000.0)
            ),
            None if self.attempt > 1 => {
                format!("{status} (attempt {} of {MAX_ATTEMPTS})", self.attempt)
            }
            None => status,
        }
    }

    /// True when this attempt failed (its row is marked).
    pub fn failed(&self) -> bool {
        match self.state {
            RequestState::Answered(status) => status >= 400,
            RequestState::NoResponse | RequestState::CutShort(_) => true,
            RequestState::InFlight | RequestState::Cancelled => false,
        }
    }
}

/// Drops scheme, credentials and host, and redacts secret-looking query parameters.
pub fn redact_url(url: &str) -> String {
    let without_fragment = url.split('#').next().unwrap_or_default();
    let path_and_query = match without_fragment.find("://") {
        Some(scheme_end) => {
            let after_scheme = &without_fragment[scheme_end + 3..];
            match after_scheme.find('/') {
                Some(path_start) => &after_scheme[path_start..],
                None => "/",
            }
        }
        None => without_fragment,
    };
    let (path, query) = match path_and_query.split_once('?') {
        Some((path, query)) => (path, Some(query)),
        None => (path_and_query, None),
    };
    let Some(query) = query else {
        return path.to_owned();
    };
    let redacted: Vec<String> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let name = pair.split('=').next().unwrap_or_default();
            if is_secret_parameter(name) {
                format!("{name}=[redacted]")
            } else {
                pair.to_owned()
            }
        })
        .collect();
    if redacted.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{}", redacted.join("&"))
    }
}

fn is_secret_parameter(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_PARAMETERS.contains(&name.as_str()) || name.contains("token") || name.contains("pass")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_is_listed_when_sent_and_completed_when_answered() {
        let owner = Owner::new();
        owner.with(|| {
            let log = ActivityLog::new();
            let answered = log.start("GET", "/servers/detail", 5.0, 1);
            let refused = log.start("POST", "/servers", 6.0, 1);
            let entries = log.entries();
            assert!(
                entries
                    .iter()
                    .all(|entry| entry.state == RequestState::InFlight
                        && entry.duration_ms.is_none())
            );

            log.finish(answered, RequestState::Answered(200), 40);
            log.finish(refused, RequestState::NoResponse, 7);
            // What the panel keys its rows by changes with the outcome.
            assert_eq!(
                log.row_states(),
                [
                    RowState {
                        id: refused,
                        state: RequestState::NoResponse,
                        retry: None
                    },
                    RowState {
                        id: answered,
                        state: RequestState::Answered(200),
                        retry: None
                    },
                ]
            );
            let entries = log.entries();
            assert_eq!(entries[0].state, RequestState::NoResponse);
            assert_eq!(entries[0].duration_ms, Some(7));
            assert_eq!(entries[1].state, RequestState::Answered(200));
            assert_eq!(entries[1].duration_ms, Some(40));

            // A request cleared from the log while in flight finishes quietly.
            let cleared = log.start("GET", "/flavors/detail", 7.0, 1);
            log.clear();
            log.finish(cleared, RequestState::Answered(200), 1);
            assert!(log.is_empty());
        });
    }

    #[test]
    fn each_attempt_of_a_retried_read_says_what_comes_next() {
        let owner = Owner::new();
        owner.with(|| {
            let log = ActivityLog::new();
            let first = log.start("GET", "/servers/detail", 1.0, 1);
            log.finish(first, RequestState::Answered(503), 20);
            log.retrying(
                first,
                RetryNote {
                    delay_ms: 600,
                    next_attempt: 2,
                },
            );
            let second = log.start("GET", "/servers/detail", 700.0, 2);
            assert_eq!(log.entries()[0].status_text(), "waiting… (attempt 2 of 3)");
            log.finish(second, RequestState::CutShort(200), 9);
            log.retrying(
                second,
                RetryNote {
                    delay_ms: 1_140,
                    next_attempt: 3,
                },
            );
            let third = log.start("GET", "/servers/detail", 2_000.0, 3);
            log.finish(third, RequestState::Answered(200), 5);
            let texts: Vec<String> = log
                .entries()
                .iter()
                .map(ActivityEntry::status_text)
                .collect();
            assert_eq!(
                texts,
                [
                    "200 (attempt 3 of 3)",
                    "200, cut short, retrying in 1.1 s (attempt 3 of 3)",
                    "503, retrying in 0.6 s (attempt 2 of 3)",
                ]
            );
            let failed: Vec<bool> = log.entries().iter().map(ActivityEntry::failed).collect();
            assert_eq!(failed, [false, true, true]);

            let lost = log.start("GET", "/flavors/detail", 3_000.0, 1);
            log.finish(lost, RequestState::NoResponse, 3);
            assert_eq!(log.entries()[0].status_text(), "no response");
            assert!(log.entries()[0].failed());
            // A note for an entry cleared meanwhile is ignored.
            log.clear();
            log.retrying(
                lost,
                RetryNote {
                    delay_ms: 500,
                    next_attempt: 2,
                },
            );
            assert!(log.is_empty());
        });
    }

    #[test]
    fn keeps_only_path_and_query() {
        assert_eq!(
            redact_url("https://user:pw@cloud.example:8774/v2.1/p1/servers/detail?limit=5#x"),
            "/v2.1/p1/servers/detail?limit=5"
        );
        assert_eq!(redact_url("http://host"), "/");
        assert_eq!(
            redact_url("/proxy/compute/v2.1/servers"),
            "/proxy/compute/v2.1/servers"
        );
    }

    #[test]
    fn redacts_secret_query_parameters() {
        assert_eq!(
            redact_url("/v3/auth?token=abc&limit=2&X-Auth-Token=def&adminPass=x&my_token=1"),
            "/v3/auth?token=[redacted]&limit=2&X-Auth-Token=[redacted]&adminPass=[redacted]&my_token=[redacted]"
        );
        assert_eq!(redact_url("/a?"), "/a");
    }

    #[test]
    fn keeps_the_newest_entries_up_to_capacity() {
        let owner = Owner::new();
        owner.with(|| {
            let log = ActivityLog::new();
            for n in 0..(ACTIVITY_CAPACITY + 5) {
                let id = log.start("GET", &format!("/servers/{n}?token=t"), 0.0, 1);
                log.finish(id, RequestState::Answered(200), 1);
            }
            assert_eq!(log.len(), ACTIVITY_CAPACITY);
            let newest = &log.entries()[0];
            assert_eq!(
                newest.path,
                format!("/servers/{}?token=[redacted]", ACTIVITY_CAPACITY + 4)
            );
            let oldest = &log.entries()[ACTIVITY_CAPACITY - 1];
            assert_eq!(oldest.path, "/servers/5?token=[redacted]");
        });
    }
}

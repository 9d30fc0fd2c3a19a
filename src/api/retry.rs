//! When a failed request is sent again, and after how long: the policy of the automatic
//! retries of [`super::Api`], in plain Rust.
//!
//! Only reads (GET) are retried: reading twice changes nothing. A write that failed may still
//! have been carried out by the cloud, so its failure is shown word for word and the user
//! decides.

use std::time::Duration;

use serde::de::IgnoredAny;

use super::http::Method;

/// Attempts of one read, the first included.
pub const MAX_ATTEMPTS: u32 = 3;

/// The wait before the first retry; each later retry doubles it (0.5 s, 1 s, 2 s, ...).
const FIRST_DELAY: Duration = Duration::from_millis(500);

/// The longest `Retry-After` waited for. A cloud that asks for longer is in maintenance or
/// limiting hard: rather than keep a list loading for minutes (or retry before it allows),
/// the error is shown at once, with the cloud's wait in its message, and its Retry button.
pub const LONGEST_RETRY_AFTER: Duration = Duration::from_secs(10);

/// How one attempt went wrong.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Failure {
    /// No response at all, or the connection closed before the body ended.
    NoResponse,
    /// Answered with this error status.
    Status(u16),
    /// A success status whose JSON body stops short (the connection dropped mid-body).
    CutShort,
}

impl Failure {
    /// Whether the same read may well succeed a moment later: a dropped connection, a
    /// cut-short body, a proxy's 502 or 504, an overloaded 503, and 500. A 500 is often the
    /// cloud's passing trouble too (a database failover, a restarting worker) and a read is
    /// safe to repeat; a lasting one is still shown after the last attempt. Other statuses
    /// (401, 403, 404, 409, ...) give the same answer every time; 401 has its own path
    /// (sign in again).
    pub fn is_transient(self) -> bool {
        match self {
            Self::NoResponse | Self::CutShort => true,
            Self::Status(status) => matches!(status, 500 | 502 | 503 | 504),
        }
    }
}

/// The wait before attempt `next_attempt` (2 or 3) of a `method` request whose previous
/// attempt failed with `failure`, or `None` when it is not sent again: a write, a failure
/// that lasts, no attempts left, or a `retry_after` beyond [`LONGEST_RETRY_AFTER`].
/// `random` (0 to 1) jitters the wait so that tabs that failed together do not come back
/// together; a `retry_after` the cloud asked for is waited at least.
pub fn delay_before(
    method: Method,
    failure: Failure,
    next_attempt: u32,
    retry_after: Option<Duration>,
    random: f64,
) -> Option<Duration> {
    if method != Method::Get || !failure.is_transient() || next_attempt > MAX_ATTEMPTS {
        return None;
    }
    let backoff = backoff(next_attempt.checked_sub(1)?, random);
    match retry_after {
        Some(asked) if asked > LONGEST_RETRY_AFTER => None,
        Some(asked) => Some(backoff.max(asked)),
        None => Some(backoff),
    }
}

/// The jittered wait before retry number `retry` (1 for the first): 0.5 s, 1 s, 2 s, ...
/// doubling, each between 75 % and 125 % of that as `random` goes from 0 to 1 (a number
/// that is not one counts as the middle).
pub fn backoff(retry: u32, random: f64) -> Duration {
    let doubled = FIRST_DELAY.saturating_mul(1 << retry.saturating_sub(1).min(16));
    let random = if random.is_finite() {
        random.clamp(0.0, 1.0)
    } else {
        0.5
    };
    doubled.mul_f64(0.75 + 0.5 * random)
}

/// True when `body` is the start of a JSON document that stops before its end, as when the
/// connection drops mid-response (an empty body or one that is not JSON at all is not).
pub fn is_cut_short(body: &str) -> bool {
    !body.trim().is_empty()
        && serde_json::from_str::<IgnoredAny>(body).is_err_and(|error| error.is_eof())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NO_JITTER: f64 = 0.5;

    fn millis(duration: Option<Duration>) -> Option<u128> {
        duration.map(|duration| duration.as_millis())
    }

    #[test]
    fn reads_that_failed_in_passing_are_retried_twice() {
        for failure in [
            Failure::NoResponse,
            Failure::CutShort,
            Failure::Status(500),
            Failure::Status(502),
            Failure::Status(503),
            Failure::Status(504),
        ] {
            assert_eq!(
                millis(delay_before(Method::Get, failure, 2, None, NO_JITTER)),
                Some(500),
                "{failure:?}"
            );
            assert_eq!(
                millis(delay_before(Method::Get, failure, 3, None, NO_JITTER)),
                Some(1_000),
                "{failure:?}"
            );
            assert_eq!(
                delay_before(Method::Get, failure, 4, None, NO_JITTER),
                None,
                "three attempts in all: {failure:?}"
            );
        }
    }

    #[test]
    fn writes_and_lasting_failures_are_never_retried() {
        for method in [Method::Post, Method::Put, Method::Delete] {
            for failure in [Failure::NoResponse, Failure::Status(503)] {
                assert_eq!(
                    delay_before(method, failure, 2, None, NO_JITTER),
                    None,
                    "{method:?} {failure:?}"
                );
            }
        }
        for status in [400, 401, 403, 404, 409, 413, 429, 501] {
            assert_eq!(
                delay_before(Method::Get, Failure::Status(status), 2, None, NO_JITTER),
                None,
                "{status}"
            );
        }
    }

    #[test]
    fn the_backoff_doubles_and_is_jittered_by_a_quarter_either_way() {
        assert_eq!(backoff(1, NO_JITTER), Duration::from_millis(500));
        assert_eq!(backoff(2, NO_JITTER), Duration::from_secs(1));
        assert_eq!(backoff(3, NO_JITTER), Duration::from_secs(2));
        assert_eq!(backoff(1, 0.0), Duration::from_millis(375));
        assert_eq!(backoff(1, 1.0), Duration::from_millis(625));
        assert_eq!(backoff(2, 0.0), Duration::from_millis(750));
        assert_eq!(backoff(3, 1.0), Duration::from_millis(2_500));
        // A random number out of range cannot stretch the wait.
        assert_eq!(backoff(1, 7.0), Duration::from_millis(625));
        assert_eq!(backoff(1, f64::NAN), Duration::from_millis(500));
        assert!(backoff(u32::MAX, 1.0) > Duration::ZERO);
    }

    #[test]
    fn retry_after_is_waited_up_to_a_limit() {
        let asked = |seconds| Some(Duration::from_secs(seconds));
        assert_eq!(
            millis(delay_before(
                Method::Get,
                Failure::Status(503),
                2,
                asked(3),
                NO_JITTER
            )),
            Some(3_000)
        );
        // Shorter than the backoff (Cinder sends 0): the backoff still applies.
        assert_eq!(
            millis(delay_before(
                Method::Get,
                Failure::Status(503),
                3,
                asked(0),
                NO_JITTER
            )),
            Some(1_000)
        );
        assert_eq!(
            millis(delay_before(
                Method::Get,
                Failure::Status(503),
                2,
                asked(10),
                NO_JITTER
            )),
            Some(10_000)
        );
        assert_eq!(
            delay_before(Method::Get, Failure::Status(503), 2, asked(11), NO_JITTER),
            None,
            "a wait longer than the limit shows the error instead"
        );
        // A Retry-After does not make a lasting failure worth retrying.
        assert_eq!(
            delay_before(Method::Get, Failure::Status(404), 2, asked(1), NO_JITTER),
            None
        );
    }

    #[test]
    fn a_json_body_that_stops_short_is_told_apart_from_other_bodies() {
        let full = r#"{"flavors": [{"id": "1", "name": "c1.large"}]}"#;
        assert!(!is_cut_short(full));
        for end in [1, 10, full.len() / 2, full.len() - 1] {
            assert!(is_cut_short(&full[..end]), "{:?}", &full[..end]);
        }
        assert!(!is_cut_short(""), "an empty body (204) is complete");
        assert!(!is_cut_short("  \n"));
        assert!(!is_cut_short("<html><body>Bad gateway</body></html>"));
        assert!(!is_cut_short("{\"a\": 1} trailing"), "not JSON, not cut");
    }
}

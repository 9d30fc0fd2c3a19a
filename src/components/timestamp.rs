//! Timestamps from the API as people read them: a UTC time and its age, with the API's own
//! text kept in the `<time>` element's `datetime` and `title`.

use ecs_api::timestamp::{format_utc, parse_unix_seconds};
use leptos::prelude::*;

use super::format::EMPTY;

/// "2018-05-25 01:47:11 UTC"; text that is no timestamp is shown as the API sent it.
pub fn readable_time(text: &str) -> String {
    parse_unix_seconds(text).map_or_else(|| text.to_owned(), format_utc)
}

/// How long before `now_ms` (`Date.now()`) the timestamp `text` was: "just now", "42 s ago",
/// "5 min ago", "3 h ago", "2 days ago". `None` when `text` is no timestamp, or lies more than a
/// minute ahead (the clocks disagree, and a negative age would only confuse).
pub fn time_ago(text: &str, now_ms: f64) -> Option<String> {
    let seconds = (now_ms / 1000.0).floor() as i64 - parse_unix_seconds(text)?;
    Some(match seconds {
        ..=-60 => return None,
        -59..=4 => "just now".to_owned(),
        5..=59 => format!("{seconds} s ago"),
        60..=3599 => format!("{} min ago", seconds / 60),
        3600..=86_399 => format!("{} h ago", seconds / 3600),
        86_400..=172_799 => "1 day ago".to_owned(),
        _ => format!("{} days ago", seconds / 86_400),
    })
}

/// A timestamp field: its readable time and age (following `now`), or a dash when absent.
#[component]
pub fn Timestamp(value: Option<String>, now: ReadSignal<f64>) -> impl IntoView {
    match value.filter(|text| !text.is_empty()) {
        None => EMPTY.into_any(),
        Some(text) => {
            let shown = readable_time(&text);
            let api_text = text.clone();
            let age = move || time_ago(&api_text, now.get()).map(|age| format!(" ({age})"));
            view! {
                <time datetime=text.clone() title=text>{shown}</time>
                <span class="muted">{age}</span>
            }
            .into_any()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2018-05-25T01:47:11Z in milliseconds.
    const THEN_MS: f64 = 1_527_212_831_000.0;

    #[test]
    fn timestamps_read_as_utc_and_other_text_is_kept() {
        assert_eq!(
            readable_time("2018-05-25T01:47:11Z"),
            "2018-05-25 01:47:11 UTC"
        );
        // Nova's launched_at has no zone: it is UTC.
        assert_eq!(
            readable_time("2018-05-25T01:47:55.755922"),
            "2018-05-25 01:47:55 UTC"
        );
        assert_eq!(
            readable_time("2018-05-25T09:47:11+08:00"),
            "2018-05-25 01:47:11 UTC"
        );
        assert_eq!(readable_time("soon"), "soon");
    }

    #[test]
    fn ages_read_naturally() {
        let at = |seconds: f64| time_ago("2018-05-25T01:47:11Z", THEN_MS + seconds * 1000.0);
        assert_eq!(at(0.0).as_deref(), Some("just now"));
        assert_eq!(at(-30.0).as_deref(), Some("just now"));
        assert_eq!(at(42.5).as_deref(), Some("42 s ago"));
        assert_eq!(at(300.0).as_deref(), Some("5 min ago"));
        assert_eq!(at(3.0 * 3600.0 + 59.0).as_deref(), Some("3 h ago"));
        assert_eq!(at(86_400.0).as_deref(), Some("1 day ago"));
        assert_eq!(at(9.0 * 86_400.0).as_deref(), Some("9 days ago"));
        assert_eq!(at(-120.0), None);
        assert_eq!(time_ago("soon", THEN_MS), None);
    }
}

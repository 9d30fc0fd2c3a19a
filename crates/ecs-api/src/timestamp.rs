//! Timestamps as the API sends them: ISO 8601 with a `Z`, an offset, or no time zone at all
//! (Nova's `created_at` on key pairs, `launched_at`); models keep them as text and these
//! helpers parse them on demand. A timestamp without a zone is UTC, as Nova stores them.

/// Seconds since the Unix epoch, or `None` when `text` is not an ISO 8601 date-time.
/// Accepts `YYYY-MM-DD[(T| )hh:mm[:ss[.fraction]]][Z|±hh[:mm]]`.
pub fn parse_unix_seconds(text: &str) -> Option<i64> {
    let text = text.trim();
    let date = text.get(..10)?;
    let (year, month, day) = parse_date(date)?;
    let mut seconds = days_from_civil(year, month, day) * 86_400;
    let rest = &text[10..];
    if rest.is_empty() {
        return Some(seconds);
    }
    let time = rest.strip_prefix(['T', 't', ' '])?;
    let zone_at = time.find(['Z', 'z', '+', '-']).unwrap_or(time.len());
    let (clock, zone) = time.split_at(zone_at);
    seconds += parse_clock(clock)?;
    seconds -= parse_zone_offset(zone)?;
    Some(seconds)
}

/// Seconds since the Unix epoch as people read a UTC time: `YYYY-MM-DD hh:mm:ss UTC`.
pub fn format_utc(seconds: i64) -> String {
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let in_day = seconds.rem_euclid(86_400);
    format!(
        "{year:04}-{month:02}-{day:02} {:02}:{:02}:{:02} UTC",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

fn number(text: &str) -> Option<i64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn parse_date(date: &str) -> Option<(i64, i64, i64)> {
    let mut parts = date.split('-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let (year, month, day) = (number(year)?, number(month)?, number(day)?);
    let valid = (1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month);
    valid.then_some((year, month, day))
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// `hh:mm[:ss[.fraction]]` -> seconds into the day (the fraction is dropped).
fn parse_clock(clock: &str) -> Option<i64> {
    let whole = match clock.split_once('.') {
        Some((whole, fraction))
            if !fraction.is_empty() && fraction.bytes().all(|b| b.is_ascii_digit()) =>
        {
            whole
        }
        Some(_) => return None,
        None => clock,
    };
    let parts: Vec<&str> = whole.split(':').collect();
    if !(2..=3).contains(&parts.len()) || parts.iter().any(|part| part.len() != 2) {
        return None;
    }
    let hours = number(parts[0]).filter(|hours| *hours < 24)?;
    let minutes = number(parts[1]).filter(|minutes| *minutes < 60)?;
    // 60 allows a leap second.
    let seconds = parts.get(2).map_or(Some(0), |part| {
        number(part).filter(|seconds| *seconds <= 60)
    })?;
    Some(hours * 3600 + minutes * 60 + seconds)
}

/// `""`/`Z` -> 0; `+hh[:mm]` / `-hhmm` -> offset in seconds east of UTC.
fn parse_zone_offset(zone: &str) -> Option<i64> {
    let sign = match zone.chars().next() {
        None => return Some(0),
        Some('Z' | 'z') => return (zone.len() == 1).then_some(0),
        Some('+') => 1,
        Some('-') => -1,
        Some(_) => return None,
    };
    let digits: String = zone[1..].chars().filter(|c| *c != ':').collect();
    let (hours, minutes) = match digits.len() {
        2 => (number(&digits)?, 0),
        // `get` rather than indexing: a multi-byte character must not split the offset.
        4 => (number(digits.get(..2)?)?, number(digits.get(2..)?)?),
        _ => return None,
    };
    (hours < 24 && minutes < 60).then_some(sign * (hours * 3600 + minutes * 60))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_index = (month + 9) % 12;
    let day_of_year = (153 * month_index + 2) / 5 + day - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (the inverse of
/// `days_from_civil`, Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let shifted = days + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 {
        month_index + 3
    } else {
        month_index - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_as_people_read_it() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(1_527_212_831), "2018-05-25 01:47:11 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn day_counts_and_dates_round_trip() {
        for days in (-800_000..800_000).step_by(997) {
            let (year, month, day) = civil_from_days(days);
            assert!((1..=12).contains(&month) && day >= 1 && day <= days_in_month(year, month));
            assert_eq!(
                days_from_civil(year, month, day),
                days,
                "{year}-{month}-{day}"
            );
        }
    }

    #[test]
    fn parses_every_shape_nova_sends() {
        assert_eq!(parse_unix_seconds("1970-01-01T00:00:00Z"), Some(0));
        assert_eq!(
            parse_unix_seconds("2018-05-25T01:47:11Z"),
            Some(1_527_212_831)
        );
        assert_eq!(
            parse_unix_seconds("2018-05-25T01:47:55.755922"),
            Some(1_527_212_875)
        );
        assert_eq!(
            parse_unix_seconds("2018-05-25T09:47:11+08:00"),
            Some(1_527_212_831)
        );
        assert_eq!(
            parse_unix_seconds("2018-05-24T20:47:11-0500"),
            Some(1_527_212_831)
        );
        assert_eq!(parse_unix_seconds("2018-05-25 01:47"), Some(1_527_212_820));
        assert_eq!(parse_unix_seconds("2018-05-25"), Some(1_527_206_400));
        assert_eq!(
            parse_unix_seconds("2000-02-29T00:00:00Z"),
            Some(951_782_400)
        );
    }

    #[test]
    fn rejects_garbage_without_panicking() {
        for bad in [
            "",
            "yesterday",
            "2018-13-01",
            "2018-02-30",
            "2018-05-25T25:00:00",
            "2018-05-25T01:47:11Q",
            "2018-05-25T01:47:11+8",
            "2018-05-25T1:47",
            "2018-05-25X",
            "2018-05-25T01:47:11.",
            "é2018-05-25",
            "2018-05-25T01:47:11+1é2",
            "2018-05-25T01:47:11-é12",
        ] {
            assert_eq!(parse_unix_seconds(bad), None, "{bad:?}");
        }
    }
}

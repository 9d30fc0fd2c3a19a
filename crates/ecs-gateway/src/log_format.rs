//! The log line format for journals and files: tracing-subscriber's default plain format
//! (`2026-12-04T03:17:00.123456Z  INFO target: message name=value ...`), written with less work
//! per line. The access log writes one line per request, and the default formatter's date
//! arithmetic, its colour wrappers and its Debug escaping of every string cost a proxy a few per
//! cent of its CPU. Escaping stays: strings are written raw only when printable ASCII without
//! quotes or backslashes, and messages keep terminal control characters escaped.

use std::cell::RefCell;
use std::fmt::{self, Write as _};
use std::time::{SystemTime, UNIX_EPOCH};

use tracing::field::{Field, Visit};
use tracing::{Event, Subscriber};
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::registry::LookupSpan;

pub(crate) struct PlainLine;

impl<S, N> FormatEvent<S, N> for PlainLine
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        _context: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> fmt::Result {
        write_timestamp(&mut writer, SystemTime::now())?;
        let metadata = event.metadata();
        write!(writer, " {:>5} {}: ", metadata.level(), metadata.target())?;
        let mut fields = Fields {
            writer: &mut writer,
            first: true,
            result: Ok(()),
        };
        event.record(&mut fields);
        fields.result?;
        writer.write_char('\n')
    }
}

/// `2026-12-04T03:17:00.123456Z`: the date and time are formatted once per second per thread.
fn write_timestamp(writer: &mut Writer<'_>, now: SystemTime) -> fmt::Result {
    thread_local! {
        static SECOND: RefCell<(u64, String)> = const { RefCell::new((u64::MAX, String::new())) };
    }
    let since_epoch = now.duration_since(UNIX_EPOCH).unwrap_or_default();
    let seconds = since_epoch.as_secs();
    SECOND.with_borrow_mut(|(cached, text)| {
        if *cached != seconds {
            *cached = seconds;
            text.clear();
            let (year, month, day) = civil_from_days(seconds / 86_400);
            let time = seconds % 86_400;
            let _ = write!(
                text,
                "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}",
                time / 3600,
                time / 60 % 60,
                time % 60
            );
        }
        write!(writer, "{text}.{:06}Z", since_epoch.subsec_micros())
    })
}

/// Year, month and day of a day count since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let day_of_era = z % 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 {
        shifted_month + 3
    } else {
        shifted_month - 9
    };
    let year = era * 400 + year_of_era + u64::from(month <= 2);
    (year, month, day)
}

/// The message first as it was written, then ` name=value` per field, as the default format.
struct Fields<'w, 'a> {
    writer: &'w mut Writer<'a>,
    first: bool,
    result: fmt::Result,
}

impl Fields<'_, '_> {
    fn separate(&mut self, field: &Field) -> fmt::Result {
        if !std::mem::take(&mut self.first) {
            self.writer.write_char(' ')?;
        }
        if field.name() != "message" {
            let name = field.name();
            self.writer
                .write_str(name.strip_prefix("r#").unwrap_or(name))?;
            self.writer.write_char('=')?;
        }
        Ok(())
    }
}

impl Visit for Fields<'_, '_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            return self.record_debug(field, &format_args!("{value}"));
        }
        self.result = self.result.and_then(|()| {
            self.separate(field)?;
            // What `{:?}` would write unchanged, without its per-character escaping.
            if value
                .bytes()
                .all(|byte| matches!(byte, b' '..=b'~') && byte != b'"' && byte != b'\\')
            {
                self.writer.write_char('"')?;
                self.writer.write_str(value)?;
                self.writer.write_char('"')
            } else {
                write!(self.writer, "{value:?}")
            }
        });
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        self.result = self.result.and_then(|()| {
            self.separate(field)?;
            write!(self.writer, "{value}")
        });
    }

    fn record_i64(&mut self, field: &Field, value: i64) {
        self.result = self.result.and_then(|()| {
            self.separate(field)?;
            write!(self.writer, "{value}")
        });
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        self.result = self.result.and_then(|()| {
            self.separate(field)?;
            if field.name() == "message" {
                // A message can quote outside input: no terminal control sequences get through.
                write!(
                    TerminalSafe {
                        inner: &mut *self.writer
                    },
                    "{value:?}"
                )
            } else {
                write!(self.writer, "{value:?}")
            }
        });
    }
}

/// Escapes the characters terminals act on (as tracing-subscriber's own escaping does).
struct TerminalSafe<'w, 'a> {
    inner: &'w mut Writer<'a>,
}

impl fmt::Write for TerminalSafe<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        let mut rest = text;
        while let Some(at) = rest.find(|c: char| {
            matches!(
                c,
                '\x1b' | '\x07' | '\x08' | '\x0c' | '\x7f' | '\u{80}'..='\u{9f}'
            )
        }) {
            self.inner.write_str(&rest[..at])?;
            let control = rest[at..].chars().next().unwrap_or_default();
            match control {
                '\u{80}'..='\u{9f}' => write!(self.inner, "\\u{{{:x}}}", u32::from(control))?,
                _ => write!(self.inner, "\\x{:02x}", u32::from(control))?,
            }
            rest = &rest[at + control.len_utf8()..];
        }
        self.inner.write_str(rest)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    /// Every line written, in one buffer.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn emit_samples() {
        let method = axum::http::Method::POST;
        tracing::info!(
            %method,
            path = "/proxy/compute/v2.1/servers",
            status = 202_u16,
            latency_us = 1234_u64,
            upstream = "compute",
            "request"
        );
        tracing::warn!(
            path = "/a \"quoted\" \\ path\twith é and \u{1b}[31m",
            offset = -3_i64,
            ready = true,
            "cannot read; serving it \u{1b}[2J uncompressed \u{85} \u{7}"
        );
        tracing::error!(error = %std::io::Error::other("no \u{1b} space"), "accept failed");
        tracing::debug!(r#type = "raw", "not shown at info");
    }

    /// Each sample line as `format` writes it, without the timestamp.
    fn lines(plain: bool) -> Vec<String> {
        let captured = Captured::default();
        let writer = captured.clone();
        let builder = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::INFO)
            .with_ansi(false)
            .with_writer(move || writer.clone());
        if plain {
            tracing::subscriber::with_default(
                builder.event_format(PlainLine).finish(),
                emit_samples,
            );
        } else {
            tracing::subscriber::with_default(builder.finish(), emit_samples);
        }
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        text.lines()
            .map(|line| line.split_once(' ').expect("a timestamp").1.to_owned())
            .collect()
    }

    #[test]
    fn lines_read_as_the_default_format_writes_them() {
        let default = lines(false);
        assert_eq!(default.len(), 3, "{default:#?}");
        assert_eq!(lines(true), default);
    }

    #[test]
    fn timestamps_are_rfc_3339_in_utc() {
        let mut line = String::new();
        let at = UNIX_EPOCH + std::time::Duration::from_micros(1_796_355_420_123_456);
        write_timestamp(&mut Writer::new(&mut line), at).unwrap();
        write_timestamp(
            &mut Writer::new(&mut line),
            at + std::time::Duration::from_secs(1),
        )
        .unwrap();
        assert_eq!(
            line,
            "2026-12-04T03:37:00.123456Z2026-12-04T03:37:01.123456Z"
        );
    }

    #[test]
    fn days_become_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
        assert_eq!(civil_from_days(20_791), (2026, 12, 4));
        assert_eq!(civil_from_days(20_819), (2027, 1, 1));
    }
}

//! The `os-getConsoleOutput` server action: the guest's serial console log, answered as Nova
//! with its libvirt driver does.

use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::guest::{self, ConsoleState};
use super::{field_fault, python_value};
use crate::Simulator;
use crate::fault::Fault;

/// How much of the log to return: Nova's `length`, which counts `\n`-separated pieces from the
/// end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Length {
    All,
    /// Nova's `log.split('\n')[-n:]`: the last `n` pieces for `n > 0`, nothing for 0, and for
    /// -1 (documented as "unlimited") everything but the first piece.
    Tail(i64),
}

pub async fn get(simulator: &Simulator, id: &str, argument: &Value) -> Result<Response, Fault> {
    let length = parse(argument)?;
    let (console, has_host_keys) = {
        let mut state = simulator.state();
        let now = OffsetDateTime::now_utc();
        state.settle(now);
        let server = state
            .servers
            .get(id)
            .ok_or_else(|| super::servers::not_found(id))?;
        (
            ConsoleState::of(server, now),
            server.guest.host_keys.initialized(),
        )
    };
    if !has_host_keys {
        match console {
            ConsoleState::Running { .. } => {
                guest::host_keys(simulator, id).await.map_err(|error| {
                    Fault::new(
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                        error.to_string(),
                    )
                })?;
            }
            // Someone watches a boot to come: make the keys meanwhile (RSA takes a while), so
            // the log has them when it gets there. A failure here is retried then.
            ConsoleState::NoHost | ConsoleState::NoDomain => {
                let simulator = simulator.clone();
                let id = id.to_owned();
                tokio::spawn(async move {
                    let _ = guest::host_keys(&simulator, &id).await;
                });
            }
            ConsoleState::ShutOff => {}
        }
    }
    let mut state = simulator.state();
    let now = OffsetDateTime::now_utc();
    state.settle(now);
    let server = state
        .servers
        .get(id)
        .ok_or_else(|| super::servers::not_found(id))?;
    let log = match ConsoleState::of(server, now) {
        ConsoleState::NoHost => return Err(not_ready(id)),
        // libvirt has no domain to read: Nova turns InstanceNotFound into a 404.
        ConsoleState::NoDomain => return Err(super::servers::not_found(id)),
        ConsoleState::ShutOff => {
            return Err(Fault::not_found("Guest does not have a console available."));
        }
        ConsoleState::Running { boot_progress } => guest::boot_log(&state, server, boot_progress),
    };
    Ok(axum::Json(json!({"output": as_nova_returns(&log, length)})).into_response())
}

/// Nova's "Instance ... is not ready" (409): the server has no host yet.
pub fn not_ready(id: &str) -> Fault {
    Fault::conflict(format!("Instance {id} is not ready"))
}

/// Nova's schema for the action's argument: an object with an optional `length` that is null,
/// an integer of at least -1 or a string of digits with an optional minus (whose number must
/// be at least -1 too).
fn parse(argument: &Value) -> Result<Length, Fault> {
    let Some(object) = argument.as_object() else {
        return Err(Fault::invalid_field(
            "os-getConsoleOutput",
            argument,
            &format!("{} is not of type 'object'", python_value(argument)),
        ));
    };
    let length = match object.get("length") {
        None | Some(Value::Null) => Length::All,
        Some(Value::Number(number)) => {
            let Some(value) = number
                .as_i64()
                .or_else(|| number.as_u64().map(|_| i64::MAX))
            else {
                return Err(length_fault(
                    &Value::Number(number.clone()),
                    &format!("{number} is not of type 'integer', 'string', 'null'"),
                ));
            };
            checked_tail(value, &Value::Number(number.clone()), &number.to_string())?
        }
        Some(Value::String(text)) => {
            let digits = text.strip_prefix('-').unwrap_or(text);
            if digits.is_empty() || !digits.bytes().all(|byte| byte.is_ascii_digit()) {
                return Err(length_fault(
                    &Value::String(text.clone()),
                    &format!("'{text}' does not match '^-?[0-9]+$'"),
                ));
            }
            // Python's int() has no limit: a longer number is as good as the largest.
            let value = text.parse::<i64>().unwrap_or(if text.starts_with('-') {
                i64::MIN
            } else {
                i64::MAX
            });
            // The minimum's message shows the number Python's int() makes of the text.
            let magnitude = digits.trim_start_matches('0');
            let as_int = match (text.starts_with('-'), magnitude.is_empty()) {
                (_, true) => "0".to_owned(),
                (true, false) => format!("-{magnitude}"),
                (false, false) => magnitude.to_owned(),
            };
            checked_tail(value, &Value::String(text.clone()), &as_int)?
        }
        Some(other) => {
            return Err(length_fault(
                other,
                &format!(
                    "{} is not of type 'integer', 'string', 'null'",
                    python_value(other)
                ),
            ));
        }
    };
    if let Some(extra) = object.keys().find(|key| *key != "length") {
        return Err(Fault::unexpected_property(
            "os-getConsoleOutput",
            argument,
            extra,
        ));
    }
    Ok(length)
}

/// `value` as a tail length unless it is below Nova's minimum of -1 (`as_int`: how Python
/// prints the number).
fn checked_tail(value: i64, original: &Value, as_int: &str) -> Result<Length, Fault> {
    if value < -1 {
        return Err(length_fault(
            original,
            &format!("{as_int} is less than the minimum of -1"),
        ));
    }
    Ok(Length::Tail(value))
}

fn length_fault(value: &Value, reason: &str) -> Fault {
    field_fault("length", value, reason)
}

/// What Nova makes of the log: the tail asked for (split on `\n`), non-ASCII bytes replaced
/// (it decodes as ASCII), then control characters other than tab and line feed removed.
fn as_nova_returns(log: &str, length: Length) -> String {
    let tail = match length {
        Length::All => log.to_owned(),
        Length::Tail(0) => String::new(),
        Length::Tail(count) => {
            let pieces: Vec<&str> = log.split('\n').collect();
            let start = if count > 0 {
                pieces
                    .len()
                    .saturating_sub(usize::try_from(count).unwrap_or(usize::MAX))
            } else {
                // Python's [-n:] with n = -1 starts at index 1.
                pieces.len().min(1)
            };
            pieces[start..].join("\n")
        }
    };
    tail.bytes()
        .filter(|byte| !matches!(byte, 0x00..=0x08 | 0x0b..=0x1f))
        .map(|byte| {
            if byte.is_ascii() {
                char::from(byte)
            } else {
                char::REPLACEMENT_CHARACTER
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault_message(argument: Value) -> String {
        parse(&argument).expect_err("refused").message
    }

    #[test]
    fn lengths_are_read_as_nova_s_schema_reads_them() {
        for (argument, expected) in [
            (json!({}), Length::All),
            (json!({"length": null}), Length::All),
            (json!({"length": 50}), Length::Tail(50)),
            (json!({"length": "007"}), Length::Tail(7)),
            (json!({"length": -1}), Length::Tail(-1)),
            (json!({"length": "-1"}), Length::Tail(-1)),
            (json!({"length": 0}), Length::Tail(0)),
            (
                json!({"length": "99999999999999999999"}),
                Length::Tail(i64::MAX),
            ),
        ] {
            assert_eq!(parse(&argument), Ok(expected), "{argument}");
        }
    }

    #[test]
    fn bad_lengths_get_nova_s_messages() {
        assert_eq!(
            fault_message(json!({"length": "abc"})),
            "Invalid input for field/attribute length. Value: abc. 'abc' does not match '^-?[0-9]+$'"
        );
        assert_eq!(
            fault_message(json!({"length": -2})),
            "Invalid input for field/attribute length. Value: -2. -2 is less than the minimum of -1"
        );
        assert_eq!(
            fault_message(json!({"length": "-2"})),
            "Invalid input for field/attribute length. Value: -2. -2 is less than the minimum of -1"
        );
        assert_eq!(
            fault_message(json!({"length": "-007"})),
            "Invalid input for field/attribute length. Value: -007. -7 is less than the minimum of -1"
        );
        assert_eq!(
            fault_message(json!({"length": 1.5})),
            "Invalid input for field/attribute length. Value: 1.5. 1.5 is not of type 'integer', 'string', 'null'"
        );
        assert_eq!(
            fault_message(json!({"length": true})),
            "Invalid input for field/attribute length. Value: True. True is not of type 'integer', 'string', 'null'"
        );
        assert_eq!(
            fault_message(json!({"length": ""})),
            "Invalid input for field/attribute length. Value: . '' does not match '^-?[0-9]+$'"
        );
        assert_eq!(
            fault_message(json!({"length": 1, "x": 2})),
            "Invalid input for field/attribute os-getConsoleOutput. Value: {'length': 1, 'x': 2}. Additional properties are not allowed ('x' was unexpected)"
        );
        assert_eq!(
            fault_message(json!(null)),
            "Invalid input for field/attribute os-getConsoleOutput. Value: None. None is not of type 'object'"
        );
    }

    #[test]
    fn the_tail_counts_pieces_as_nova_does() {
        let log = "one\r\ntwo\r\nthree\r\n";
        assert_eq!(as_nova_returns(log, Length::All), "one\ntwo\nthree\n");
        // The piece after the last line feed is empty, as on Nova.
        assert_eq!(as_nova_returns(log, Length::Tail(1)), "");
        assert_eq!(as_nova_returns(log, Length::Tail(2)), "three\n");
        assert_eq!(as_nova_returns(log, Length::Tail(-1)), "two\nthree\n");
        assert_eq!(as_nova_returns(log, Length::Tail(0)), "");
        assert_eq!(as_nova_returns(log, Length::Tail(99)), "one\ntwo\nthree\n");
    }

    #[test]
    fn colour_codes_lose_their_escape_and_non_ascii_is_replaced() {
        assert_eq!(
            as_nova_returns("[\u{1b}[0;32m  OK  \u{1b}[0m]\tdone é\n", Length::All),
            "[[0;32m  OK  [0m]\tdone \u{fffd}\u{fffd}\n"
        );
    }
}

//! Tolerant field decoders: Nova and ECS clouds send the same field as a number or a string
//! (`swap: ""`, `volume_size: "40"`, `boot_index: "0"`), booleans as strings (`"True"`, `"yes"`),
//! and `null` where a collection is expected. Each decoder goes through `serde_json::Value`, so
//! a surprising shape becomes a clear error (or a default) instead of a panic.

use std::collections::BTreeMap;

use serde::de::{Deserialize, Deserializer, Error};
use serde_json::Value;

/// Strings Nova's `boolean` parameter type accepts (`nova/api/validation/parameter_types.py`).
const TRUE_WORDS: [&str; 4] = ["true", "1", "on", "yes"];
const FALSE_WORDS: [&str; 4] = ["false", "0", "off", "no"];

/// A non-negative integer given as a number, an integral float or a numeric string.
/// `null` and `""` mean "absent".
pub(crate) fn lenient_u64(value: &Value) -> Result<Option<u64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => number
            .as_u64()
            .or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && *f >= 0.0 && *f < 1.8e19)
                    .map(|f| f as u64)
            })
            .map(Some)
            .ok_or_else(|| format!("expected a non-negative integer, got {number}")),
        Value::String(text) if text.trim().is_empty() => Ok(None),
        Value::String(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("expected a non-negative integer, got {text:?}")),
        other => Err(format!(
            "expected a non-negative integer, got {}",
            kind_of(other)
        )),
    }
}

/// An integer (possibly negative, e.g. `-1` for "unlimited") as a number or numeric string.
pub(crate) fn lenient_i64(value: &Value) -> Result<Option<i64>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Number(number) => number
            .as_i64()
            .or_else(|| {
                number
                    .as_f64()
                    .filter(|f| f.fract() == 0.0 && f.abs() < 9.2e18)
                    .map(|f| f as i64)
            })
            .map(Some)
            .ok_or_else(|| format!("expected an integer, got {number}")),
        Value::String(text) if text.trim().is_empty() => Ok(None),
        Value::String(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| format!("expected an integer, got {text:?}")),
        other => Err(format!("expected an integer, got {}", kind_of(other))),
    }
}

/// A boolean as JSON, a number 0/1, or one of Nova's boolean words in any case.
pub(crate) fn lenient_bool(value: &Value) -> Result<Option<bool>, String> {
    match value {
        Value::Null => Ok(None),
        Value::Bool(flag) => Ok(Some(*flag)),
        Value::Number(number) => match number.as_i64() {
            Some(0) => Ok(Some(false)),
            Some(1) => Ok(Some(true)),
            _ => Err(format!("expected a boolean, got {number}")),
        },
        Value::String(text) => {
            let word = text.trim().to_ascii_lowercase();
            if TRUE_WORDS.contains(&word.as_str()) {
                Ok(Some(true))
            } else if FALSE_WORDS.contains(&word.as_str()) {
                Ok(Some(false))
            } else {
                Err(format!(
                    "expected a boolean such as true/false/yes/no, got {text:?}"
                ))
            }
        }
        other => Err(format!("expected a boolean, got {}", kind_of(other))),
    }
}

/// A string, or a number/boolean rendered as text. `null` is absent.
pub(crate) fn lenient_string(value: &Value) -> Result<Option<String>, String> {
    match value {
        Value::Null => Ok(None),
        Value::String(text) => Ok(Some(text.clone())),
        Value::Number(number) => Ok(Some(number.to_string())),
        Value::Bool(flag) => Ok(Some(flag.to_string())),
        other => Err(format!("expected a string, got {}", kind_of(other))),
    }
}

pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn with<'de, D, T>(
    deserializer: D,
    convert: fn(&Value) -> Result<Option<T>, String>,
) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
{
    let value = Value::deserialize(deserializer)?;
    convert(&value).map_err(D::Error::custom)
}

pub(crate) fn u64_or_zero<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    Ok(with(deserializer, lenient_u64)?.unwrap_or(0))
}

pub(crate) fn opt_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    with(deserializer, lenient_u64)
}

/// A server count (`min_count`, `max_count`). Nova reads them as Python integers, so a count
/// beyond `u32` is no error there: it is more than any quota allows, which `u32::MAX` says too.
pub(crate) fn opt_count<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<u32>, D::Error> {
    with(deserializer, lenient_count)
}

fn lenient_count(value: &Value) -> Result<Option<u32>, String> {
    let saturated = |number: u64| u32::try_from(number).unwrap_or(u32::MAX);
    match value {
        Value::String(text)
            if !text.trim().is_empty() && text.trim().bytes().all(|b| b.is_ascii_digit()) =>
        {
            Ok(Some(text.trim().parse().unwrap_or(u32::MAX)))
        }
        // Integers past u64 arrive as floats.
        Value::Number(number)
            if number
                .as_f64()
                .is_some_and(|f| f.fract() == 0.0 && f >= 1.8e19) =>
        {
            Ok(Some(u32::MAX))
        }
        other => Ok(lenient_u64(other)?.map(saturated)),
    }
}

pub(crate) fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    with(deserializer, lenient_i64)
}

pub(crate) fn opt_i32<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i32>, D::Error> {
    match with(deserializer, lenient_i64)? {
        None => Ok(None),
        Some(number) => i32::try_from(number)
            .map(Some)
            .map_err(|_| D::Error::custom(format!("{number} is out of range"))),
    }
}

pub(crate) fn opt_bool<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<bool>, D::Error> {
    with(deserializer, lenient_bool)
}

pub(crate) fn bool_or_false<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    Ok(with(deserializer, lenient_bool)?.unwrap_or(false))
}

pub(crate) fn opt_f64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<f64>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    match &value {
        Value::Null => Ok(None),
        Value::Number(number) => Ok(number.as_f64()),
        Value::String(text) if text.trim().is_empty() => Ok(None),
        Value::String(text) => text
            .trim()
            .parse()
            .map(Some)
            .map_err(|_| D::Error::custom(format!("expected a number, got {text:?}"))),
        other => Err(D::Error::custom(format!(
            "expected a number, got {}",
            kind_of(other)
        ))),
    }
}

pub(crate) fn opt_string<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    with(deserializer, lenient_string)
}

pub(crate) fn string_or_empty<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<String, D::Error> {
    Ok(with(deserializer, lenient_string)?.unwrap_or_default())
}

/// A JSON object of scalars as text (metadata, extra_specs); `null` is empty, nested values and
/// nulls inside are kept as their JSON text / skipped so one odd key does not sink the decode.
pub(crate) fn string_map<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<BTreeMap<String, String>, D::Error> {
    let value = Value::deserialize(deserializer)?;
    match value {
        Value::Null => Ok(BTreeMap::new()),
        Value::Object(object) => {
            // Inserted one by one: collecting into a map sorts the pairs first, a copy of the
            // standard library's sort in the browser's wasm for this one map type.
            let mut map = BTreeMap::new();
            for (key, value) in object {
                match value {
                    Value::Null => {}
                    Value::String(text) => {
                        map.insert(key, text);
                    }
                    other => {
                        map.insert(key, other.to_string());
                    }
                }
            }
            Ok(map)
        }
        other => Err(D::Error::custom(format!(
            "expected an object, got {}",
            kind_of(&other)
        ))),
    }
}

/// `null` becomes the default (an empty list, usually).
pub(crate) fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn counts_beyond_u32_mean_more_than_any_quota() {
        for huge in [
            json!(5_000_000_000u64),
            json!("99999999999999999999"),
            json!(1e25),
        ] {
            assert_eq!(lenient_count(&huge), Ok(Some(u32::MAX)), "{huge}");
        }
        assert_eq!(lenient_count(&json!("3")), Ok(Some(3)));
        assert_eq!(lenient_count(&json!(null)), Ok(None));
        assert!(lenient_count(&json!("many")).is_err());
        assert!(lenient_count(&json!(-1)).is_err());
    }

    #[test]
    fn numbers_accept_strings_and_empty() {
        assert_eq!(lenient_u64(&json!("40")), Ok(Some(40)));
        assert_eq!(lenient_u64(&json!(" 40 ")), Ok(Some(40)));
        assert_eq!(lenient_u64(&json!(40)), Ok(Some(40)));
        assert_eq!(lenient_u64(&json!(40.0)), Ok(Some(40)));
        assert_eq!(lenient_u64(&json!("")), Ok(None));
        assert_eq!(lenient_u64(&json!(null)), Ok(None));
        assert!(lenient_u64(&json!(-1)).is_err());
        assert!(lenient_u64(&json!(1.5)).is_err());
        assert!(lenient_u64(&json!("forty")).is_err());
        assert!(lenient_u64(&json!([])).is_err());
        assert_eq!(lenient_i64(&json!("-1")), Ok(Some(-1)));
        assert_eq!(lenient_i64(&json!(-1)), Ok(Some(-1)));
    }

    #[test]
    fn booleans_accept_nova_words() {
        for word in ["true", "True", "TRUE", "1", "on", "ON", "yes", "Yes"] {
            assert_eq!(lenient_bool(&json!(word)), Ok(Some(true)), "{word}");
        }
        for word in ["false", "False", "0", "off", "No"] {
            assert_eq!(lenient_bool(&json!(word)), Ok(Some(false)), "{word}");
        }
        assert_eq!(lenient_bool(&json!(1)), Ok(Some(true)));
        assert_eq!(lenient_bool(&json!(0)), Ok(Some(false)));
        assert!(lenient_bool(&json!("maybe")).is_err());
        assert!(lenient_bool(&json!("y")).is_err(), "not in Nova's list");
        assert!(lenient_bool(&json!(2)).is_err());
    }

    #[test]
    fn strings_accept_numbers() {
        assert_eq!(lenient_string(&json!(7)), Ok(Some("7".to_owned())));
        assert_eq!(lenient_string(&json!(null)), Ok(None));
        assert!(lenient_string(&json!({})).is_err());
    }
}

//! The metadata rows as typed, checked with the API's rule (`ecs_api::validate`) and the quota.

use std::collections::BTreeMap;

use ecs_api::models::AbsoluteLimits;
use ecs_api::validate::{self, METADATA_MAX_CHARS};

use crate::create::draft::MetadataEntry;

/// The metadata to send, or what is wrong with the rows. Empty rows are ignored; a problem with
/// a row's key that the user can find by its place (no key, too long) names the row.
pub fn metadata(
    entries: &[MetadataEntry],
    limits: Option<&AbsoluteLimits>,
) -> Result<BTreeMap<String, String>, String> {
    let mut metadata = BTreeMap::new();
    for (index, entry) in entries.iter().enumerate() {
        let row = index + 1;
        if entry.key.is_empty() && entry.value.is_empty() {
            continue;
        }
        if entry.key.is_empty() {
            return Err(format!(
                "Enter a metadata key in row {row}, or remove the row."
            ));
        }
        let length = entry.key.chars().count();
        if length > METADATA_MAX_CHARS {
            return Err(format!(
                "Metadata key {row} is {length} characters long; Nova allows at most {METADATA_MAX_CHARS}."
            ));
        }
        validate::metadata_key(&entry.key)
            .and_then(|()| validate::metadata_value(&entry.key, &entry.value))
            .map_err(|error| error.message)?;
        if metadata
            .insert(entry.key.clone(), entry.value.clone())
            .is_some()
        {
            return Err(format!(
                "Metadata key {:?} is given twice; keep one.",
                entry.key
            ));
        }
    }
    let allowed = limits
        .and_then(|limits| limits.max_server_meta)
        .filter(|max| *max >= 0);
    if let Some(allowed) = allowed
        && metadata.len() as i64 > allowed
    {
        return Err(format!(
            "Your quota allows {allowed} metadata items per server; remove {}.",
            metadata.len() as i64 - allowed
        ));
    }
    Ok(metadata)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(pairs: &[(&str, &str)]) -> Vec<MetadataEntry> {
        pairs
            .iter()
            .map(|(key, value)| MetadataEntry {
                key: (*key).to_owned(),
                value: (*value).to_owned(),
            })
            .collect()
    }

    #[test]
    fn keys_follow_the_apis_rule_and_values_its_length() {
        assert_eq!(
            metadata(&rows(&[("bad/key", "x")]), None),
            Err(validate::metadata_key("bad/key").unwrap_err().message)
        );
        assert_eq!(
            metadata(&rows(&[("role", &"v".repeat(256))]), None),
            Err(validate::metadata_value("role", &"v".repeat(256))
                .unwrap_err()
                .message)
        );
        let sent = metadata(
            &rows(&[("role", "web"), ("", ""), ("a:b. c-d_e", "")]),
            None,
        )
        .expect("valid rows");
        assert_eq!(sent.len(), 2);
        assert_eq!(sent.get("a:b. c-d_e").map(String::as_str), Some(""));
    }

    #[test]
    fn a_quota_that_is_unlimited_allows_any_number() {
        let unlimited = AbsoluteLimits {
            max_server_meta: Some(-1),
            ..AbsoluteLimits::default()
        };
        let many: Vec<(String, String)> =
            (0..5).map(|n| (format!("k{n}"), String::new())).collect();
        let entries: Vec<(&str, &str)> = many
            .iter()
            .map(|(key, value)| (key.as_str(), value.as_str()))
            .collect();
        assert!(metadata(&rows(&entries), Some(&unlimited)).is_ok());
    }
}

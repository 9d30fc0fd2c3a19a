//! The name "Create another server" suggests, so the next server is not a namesake.

use ecs_api::validate::{NAME_MAX_CHARS, server_name};

/// The name after `name`, whose `count` servers were just created: a trailing number goes up
/// by one, keeping its width ("web-2" → "web-3", "web-009" → "web-010"); otherwise "-2" is
/// added, or past the `-1`…`-count` Nova gave the servers of a batch ("web" and 3 → "web-4").
/// A name Nova would refuse is kept as it is, for the field to explain.
pub fn next_server_name(name: &str, count: u32) -> String {
    if server_name(name).is_err() {
        return name.to_owned();
    }
    let numbered = name.rsplit_once('-').and_then(|(base, digits)| {
        let number = digits
            .bytes()
            .all(|byte| byte.is_ascii_digit())
            .then(|| digits.parse::<u64>().ok())
            .flatten()?;
        let next = number.checked_add(1)?;
        Some((base, format!("{next:0width$}", width = digits.len())))
    });
    let (base, suffix) =
        numbered.unwrap_or_else(|| (name, u64::from(count.max(1)).saturating_add(1).to_string()));
    // Within Nova's length: the base gives way to the number (never ending in a space).
    let room = NAME_MAX_CHARS.saturating_sub(suffix.len() + 1);
    let base: String = base.chars().take(room).collect();
    format!("{}-{suffix}", base.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_next_name_counts_on_from_the_last() {
        assert_eq!(next_server_name("web", 1), "web-2");
        assert_eq!(next_server_name("web-2", 1), "web-3");
        assert_eq!(next_server_name("web-009", 1), "web-010");
        assert_eq!(next_server_name("web-99", 1), "web-100");
        assert_eq!(next_server_name("db-1-7", 1), "db-1-8");
        assert_eq!(next_server_name("zttestvm1", 1), "zttestvm1-2");
        assert_eq!(
            next_server_name("web-", 1),
            "web--2",
            "no number after the dash"
        );
        assert_eq!(next_server_name("-5", 1), "-6");
        assert_eq!(next_server_name("web-+5", 1), "web-+5-2", "digits only");
    }

    #[test]
    fn a_batch_is_followed_past_the_names_nova_gave_it() {
        // Nova names a batch of 3 "web" web-1, web-2 and web-3.
        assert_eq!(next_server_name("web", 3), "web-4");
        // A batch of "web-2" is web-2-1…web-2-3: web-3 is free.
        assert_eq!(next_server_name("web-2", 3), "web-3");
    }

    #[test]
    fn the_next_name_keeps_to_novas_rules() {
        let long = "x".repeat(NAME_MAX_CHARS);
        let next = next_server_name(&long, 1);
        assert_eq!(next.chars().count(), NAME_MAX_CHARS);
        assert!(next.ends_with("x-2"));
        server_name(&next).unwrap();
        // Cut where the base had a space: no space before the dash is left dangling.
        let spaced = format!("{} yy", "x".repeat(NAME_MAX_CHARS - 3));
        let next = next_server_name(&spaced, 1);
        server_name(&next).unwrap();
        assert!(next.ends_with("x-2"), "{next}");
        let huge = format!("web-{}", "9".repeat(30));
        server_name(&next_server_name(&huge, 1)).unwrap();
        // What Nova would refuse is left for the field to explain.
        assert_eq!(next_server_name("", 1), "");
        assert_eq!(next_server_name(" web", 1), " web");
    }
}

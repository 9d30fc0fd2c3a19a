//! What the project's quota still allows, in words, and when to ask the cloud again.

use ecs_api::ApiError;
use ecs_api::models::AbsoluteLimits;

use crate::components::format::counted;

/// What the project may still create, under the count: "Your quota allows 2 more servers,
/// 8 more vCPUs and 40 GB more RAM." Unlimited resources are left out.
pub fn quota_left_text(limits: &AbsoluteLimits) -> String {
    let left = |remaining: Option<i64>| remaining.map(|left| left.max(0).unsigned_abs());
    let parts: Vec<String> = [
        left(limits.instances_remaining())
            .map(|servers| counted(servers, "more server", "more servers")),
        left(limits.cores_remaining()).map(|vcpus| counted(vcpus, "more vCPU", "more vCPUs")),
        left(limits.ram_remaining()).map(|mb| format!("{} more RAM", ecs_api::units::ram_text(mb))),
    ]
    .into_iter()
    .flatten()
    .collect();
    match parts.as_slice() {
        [] => "Your quota sets no limit on servers, vCPUs or RAM.".to_owned(),
        [one] => format!("Your quota allows {one}."),
        [first @ .., last] => format!("Your quota allows {} and {last}.", first.join(", ")),
    }
}

/// The cloud refused because of the quota (Nova's 403 "Quota exceeded for cores: ...", or 413
/// `overLimit` from older clouds): the limits on screen were out of date, so load them again.
pub fn is_quota_refusal(error: &ApiError) -> bool {
    matches!(error.status, 403 | 413) && error.message.to_lowercase().contains("quota")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_quota_left_is_worded_without_the_unlimited_parts() {
        let limits = AbsoluteLimits {
            max_total_instances: Some(10),
            total_instances_used: Some(9),
            max_total_cores: Some(20),
            total_cores_used: Some(12),
            max_total_ram_size: Some(51_200),
            total_ram_used: Some(10_240),
            ..AbsoluteLimits::default()
        };
        assert_eq!(
            quota_left_text(&limits),
            "Your quota allows 1 more server, 8 more vCPUs and 40 GB more RAM."
        );
        let servers_only = AbsoluteLimits {
            max_total_instances: Some(10),
            total_instances_used: Some(12),
            ..AbsoluteLimits::default()
        };
        assert_eq!(
            quota_left_text(&servers_only),
            "Your quota allows 0 more servers."
        );
        let one_each = AbsoluteLimits {
            max_total_instances: Some(2),
            total_instances_used: Some(1),
            max_total_cores: Some(4),
            total_cores_used: Some(3),
            ..AbsoluteLimits::default()
        };
        assert_eq!(
            quota_left_text(&one_each),
            "Your quota allows 1 more server and 1 more vCPU."
        );
        assert_eq!(
            quota_left_text(&AbsoluteLimits::default()),
            "Your quota sets no limit on servers, vCPUs or RAM."
        );
    }

    #[test]
    fn only_a_refusal_about_the_quota_asks_for_the_limits_again() {
        let error = |status, message: &str| ApiError::from_response(status, message.as_bytes());
        let nova = r#"{"forbidden": {"code": 403, "message": "Quota exceeded for cores: Requested 4, but already used 20 of 20 cores"}}"#;
        assert!(is_quota_refusal(&error(403, nova)));
        let old_nova = r#"{"overLimit": {"code": 413, "message": "Quota exceeded for instances: Requested 1, but already used 10 of 10 instances"}}"#;
        assert!(is_quota_refusal(&error(413, old_nova)));
        let policy = r#"{"forbidden": {"code": 403, "message": "Policy doesn't allow os_compute_api:servers:create to be performed."}}"#;
        assert!(!is_quota_refusal(&error(403, policy)));
        let invalid = r#"{"badRequest": {"code": 400, "message": "Quota value must be positive"}}"#;
        assert!(!is_quota_refusal(&error(400, invalid)));
    }
}

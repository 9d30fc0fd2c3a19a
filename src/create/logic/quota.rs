//! What the project's quota still allows, in words.

use ecs_api::models::AbsoluteLimits;

/// What the project may still create, under the count: "Your quota allows 2 more servers,
/// 8 more vCPUs and 40 GB more RAM." Unlimited resources are left out.
pub fn quota_left_text(limits: &AbsoluteLimits) -> String {
    let left = |remaining: Option<i64>| remaining.map(|left| left.max(0));
    let parts: Vec<String> = [
        left(limits.instances_remaining()).map(|servers| match servers {
            1 => "1 more server".to_owned(),
            servers => format!("{servers} more servers"),
        }),
        left(limits.cores_remaining()).map(|vcpus| format!("{vcpus} more vCPUs")),
        left(limits.ram_remaining())
            .map(|mb| format!("{} more RAM", ecs_api::units::ram_text(mb.unsigned_abs()))),
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
        assert_eq!(
            quota_left_text(&AbsoluteLimits::default()),
            "Your quota sets no limit on servers, vCPUs or RAM."
        );
    }
}

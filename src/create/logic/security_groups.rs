//! The security group field: which groups the request names, and what the form says about
//! the choice (whether the user will be able to log in).

use ecs_api::connect::{login_port_warning, summarize_ingress};
use ecs_api::models::{Image, SecurityGroup};
use ecs_api::os::ImageProperties;

/// The group a new draft chooses, and the one Nova applies when the request names none.
pub const DEFAULT_GROUP: &str = "default";

/// What the request names `group` by: its name, or its id when another listed group has the
/// same name (Nova resolves either, and a shared name would be ambiguous).
pub fn request_name(group: &SecurityGroup, groups: &[SecurityGroup]) -> String {
    let shared = groups
        .iter()
        .any(|other| other.name == group.name && other.id != group.id);
    if shared || group.name.is_empty() {
        group.id.clone()
    } else {
        group.name.clone()
    }
}

/// The groups the request names, in the listing's order: the chosen ones that are listed.
/// While the list is not loaded (or failed to), the choice as it is: the cloud checks it.
pub fn requested_groups(chosen: &[String], groups: Option<&[SecurityGroup]>) -> Vec<String> {
    match groups {
        None => chosen.to_vec(),
        Some(groups) => groups
            .iter()
            .map(|group| request_name(group, groups))
            .filter(|name| chosen.contains(name))
            .collect(),
    }
}

/// One group as the picker lists it: what the request names it by, its name and what it lets in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupChoice {
    pub key: String,
    pub name: String,
    pub ingress: String,
}

/// The listed groups as the picker offers them.
pub fn group_choices(groups: &[SecurityGroup]) -> Vec<GroupChoice> {
    groups
        .iter()
        .map(|group| GroupChoice {
            key: request_name(group, groups),
            name: if group.name.is_empty() {
                group.id.clone()
            } else {
                group.name.clone()
            },
            ingress: summarize_ingress(group, groups),
        })
        .collect()
}

/// Said next to the field when no group is chosen.
pub const NONE_CHOSEN: &str = "No group chosen: the cloud applies the project's default group.";

/// What the form says next to the field about the chosen groups, once they are listed: that the
/// cloud applies `default` when none is chosen, and whether the way in (SSH, or Remote Desktop
/// for a Windows image) stays closed; empty when there is nothing to say. Advice only: creating
/// the server is still allowed.
pub fn group_advice(chosen: &[String], groups: &[SecurityGroup], image: Option<&Image>) -> String {
    let requested = requested_groups(chosen, Some(groups));
    let none_chosen = requested.is_empty();
    let applied: Vec<&SecurityGroup> = groups
        .iter()
        .filter(|group| {
            if none_chosen {
                group.name == DEFAULT_GROUP
            } else {
                requested.contains(&request_name(group, groups))
            }
        })
        .collect();
    // Without a listed `default` nothing is known about what the cloud will apply.
    let warning = (!applied.is_empty())
        .then(|| login_port_warning(applied, image.is_some_and(|image| image.is_windows())))
        .flatten();
    [none_chosen.then_some(NONE_CHOSEN.to_owned()), warning]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use ecs_api::models::SecurityGroupRule;

    use super::*;

    fn open(port: u64) -> SecurityGroupRule {
        SecurityGroupRule {
            direction: "ingress".to_owned(),
            ethertype: "IPv4".to_owned(),
            protocol: Some("tcp".to_owned()),
            port_range_min: Some(port),
            port_range_max: Some(port),
            remote_ip_prefix: Some("0.0.0.0/0".to_owned()),
            ..SecurityGroupRule::default()
        }
    }

    fn group(id: &str, name: &str, rules: Vec<SecurityGroupRule>) -> SecurityGroup {
        SecurityGroup {
            id: id.to_owned(),
            name: name.to_owned(),
            security_group_rules: rules,
            ..SecurityGroup::default()
        }
    }

    /// The simulator's groups: `default` lets SSH in, `web` HTTP(S), `closed` nothing.
    fn groups() -> Vec<SecurityGroup> {
        vec![
            group("g-default", "default", vec![open(22)]),
            group("g-web", "web", vec![open(80), open(443)]),
            group("g-closed", "closed", Vec::new()),
        ]
    }

    fn chosen(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| (*name).to_owned()).collect()
    }

    fn windows_image() -> Image {
        Image {
            name: "Windows Server 2019 Datacenter 64bit".to_owned(),
            metadata: [("__os_type".to_owned(), "Windows".to_owned())].into(),
            ..Image::default()
        }
    }

    #[test]
    fn the_request_names_the_listed_chosen_groups_in_the_listings_order() {
        let groups = groups();
        assert_eq!(
            requested_groups(&chosen(&["closed", "default", "gone"]), Some(&groups)),
            ["default", "closed"]
        );
        assert_eq!(
            requested_groups(&chosen(&["default", "gone"]), None),
            ["default", "gone"],
            "before the list loads the choice is sent as it is"
        );
        assert!(requested_groups(&[], Some(&groups)).is_empty());
    }

    #[test]
    fn groups_sharing_a_name_are_named_by_id() {
        let mut groups = groups();
        groups.push(group("g-web-2", "web", Vec::new()));
        groups.push(group("g-nameless", "", Vec::new()));
        let keys: Vec<String> = group_choices(&groups)
            .into_iter()
            .map(|choice| choice.key)
            .collect();
        assert_eq!(
            keys,
            ["default", "g-web", "closed", "g-web-2", "g-nameless"]
        );
        assert_eq!(
            requested_groups(&chosen(&["web", "g-web-2"]), Some(&groups)),
            ["g-web-2"],
            "an ambiguous name is not sent"
        );
    }

    #[test]
    fn each_choice_summarizes_what_it_lets_in() {
        let choices = group_choices(&groups());
        assert_eq!(choices[0].name, "default");
        assert_eq!(choices[0].ingress, "SSH (22) from anywhere");
        assert_eq!(choices[1].ingress, "TCP 80, 443 from anywhere");
        assert_eq!(choices[2].ingress, "no inbound rules");
    }

    #[test]
    fn a_choice_that_keeps_ssh_out_is_said_and_default_clears_it() {
        let groups = groups();
        let advice = group_advice(&chosen(&["closed"]), &groups, None);
        assert!(advice.contains("SSH (TCP 22)"), "{advice}");
        assert!(advice.contains("will not be able to log in"));
        assert_eq!(
            group_advice(&chosen(&["web", "closed"]), &groups, None),
            advice
        );
        assert!(group_advice(&chosen(&["closed", "default"]), &groups, None).is_empty());
    }

    #[test]
    fn a_windows_image_needs_remote_desktop_open() {
        let groups = groups();
        let image = windows_image();
        let advice = group_advice(&chosen(&["default"]), &groups, Some(&image));
        assert!(advice.contains("Remote Desktop (TCP 3389)"), "{advice}");
        assert!(!advice.contains("SSH"), "{advice}");
        let mut with_rdp = groups.clone();
        with_rdp.push(group("g-rdp", "rdp", vec![open(3389)]));
        assert!(group_advice(&chosen(&["rdp"]), &with_rdp, Some(&image)).is_empty());
    }

    #[test]
    fn with_no_group_the_cloud_applies_default_and_that_is_said() {
        let groups = groups();
        assert_eq!(group_advice(&[], &groups, None), NONE_CHOSEN);
        let mut closed_default = groups.clone();
        closed_default[0].security_group_rules.clear();
        let advice = group_advice(&[], &closed_default, None);
        assert!(advice.starts_with(NONE_CHOSEN), "{advice}");
        assert!(advice.contains("SSH (TCP 22)"), "{advice}");
        assert_eq!(
            group_advice(&[], &groups[1..], None),
            NONE_CHOSEN,
            "no warning guessed about a default group that is not listed"
        );
    }
}

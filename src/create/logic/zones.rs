//! Availability zones as the form offers them: one entry per name, available ones first.

use ecs_api::order::sorted_by;

use crate::create::draft::CreateDraft;

/// One zone name and whether it can take new servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneChoice {
    pub name: String,
    pub available: bool,
}

impl ZoneChoice {
    /// Why the zone cannot be chosen, shown next to it; `None` when it can.
    pub fn unavailable_reason(&self) -> Option<&'static str> {
        (!self.available).then_some("unavailable: the cloud marks it as not available")
    }
}

/// Merges zones listed more than once (the API lists a zone once per cell or host group, as in
/// the guide's example). A name is available when any of its entries is. Available zones come
/// first, each group in the API's order.
pub fn merge_zones<'a>(zones: impl IntoIterator<Item = (&'a str, bool)>) -> Vec<ZoneChoice> {
    let mut merged: Vec<ZoneChoice> = Vec::new();
    for (name, available) in zones {
        match merged.iter_mut().find(|zone| zone.name == name) {
            Some(zone) => zone.available |= available,
            None => merged.push(ZoneChoice {
                name: name.to_owned(),
                available,
            }),
        }
    }
    // A stable sort keeps the API's order within each group.
    sorted_by(merged, |a, b| b.available.cmp(&a.available))
}

/// The zone to preselect: the only available one, so a single-zone cloud needs no click.
pub fn sole_available_zone(zones: &[ZoneChoice]) -> Option<&str> {
    let mut available = zones.iter().filter(|zone| zone.available);
    match (available.next(), available.next()) {
        (Some(zone), None) => Some(&zone.name),
        _ => None,
    }
}

/// The zone the server goes to: the user's choice, or the only available zone.
pub fn effective_zone(draft: &CreateDraft, zone_choices: Option<&[ZoneChoice]>) -> String {
    if draft.zone.is_empty() {
        zone_choices
            .and_then(sole_available_zone)
            .unwrap_or_default()
            .to_owned()
    } else {
        draft.zone.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicate_names_are_merged_and_available_if_any_entry_is() {
        let zones = merge_zones([
            ("zone_01", true),
            ("zone_01", true),
            ("zone_02", false),
            ("zone_03", false),
            ("zone_03", true),
        ]);
        let summary: Vec<(&str, bool)> = zones
            .iter()
            .map(|z| (z.name.as_str(), z.available))
            .collect();
        assert_eq!(
            summary,
            [("zone_01", true), ("zone_03", true), ("zone_02", false)]
        );
    }

    #[test]
    fn unavailable_zones_carry_a_reason() {
        let zones = merge_zones([("down", false), ("up", true)]);
        assert_eq!(zones[0].unavailable_reason(), None);
        assert!(
            zones[1]
                .unavailable_reason()
                .unwrap()
                .contains("unavailable")
        );
    }

    #[test]
    fn a_single_available_zone_is_preselected_but_not_one_of_several() {
        assert_eq!(
            sole_available_zone(&merge_zones([("a", true), ("b", false)])),
            Some("a")
        );
        assert_eq!(
            sole_available_zone(&merge_zones([("a", true), ("b", true)])),
            None
        );
        assert_eq!(sole_available_zone(&merge_zones([("b", false)])), None);
    }
}

//! The flavor table: which flavors are listed, in what order, and which cannot be chosen.

use std::cmp::Ordering;

use ecs_api::models::{AbsoluteLimits, Flavor, Image};
use ecs_api::order::sorted_by;
use ecs_api::validate;

use super::listing::Searchable;
use crate::create::draft::{FlavorColumn, FlavorSort};

/// Orders two listed flavors by `sort`; `a_name`/`b_name` are their lower-cased names.
fn compare(a: &Flavor, a_name: &str, b: &Flavor, b_name: &str, sort: FlavorSort) -> Ordering {
    let primary = match sort.column {
        FlavorColumn::Name => a_name.cmp(b_name),
        FlavorColumn::Vcpus => a.vcpus.cmp(&b.vcpus),
        FlavorColumn::Ram => a.ram.cmp(&b.ram),
        FlavorColumn::Disk => a.disk.cmp(&b.disk),
        FlavorColumn::Ephemeral => a.ephemeral.cmp(&b.ephemeral),
        FlavorColumn::Public => a
            .is_public
            .unwrap_or(true)
            .cmp(&b.is_public.unwrap_or(true)),
    };
    // Ties fall back to the name, then the id, in reading order whichever way the column
    // sorts, so the order never jumps between renders.
    sort.directed(primary)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| a.id.cmp(&b.id))
}

/// The enabled `flavors`, sorted by `sort`, searchable by name and id. Disabled flavors are never
/// listed (the API refuses to boot them).
pub fn sorted_flavors(flavors: &[Flavor], sort: FlavorSort) -> Searchable {
    let named: Vec<(usize, String)> = flavors
        .iter()
        .enumerate()
        .filter(|(_, flavor)| !flavor.is_disabled())
        .map(|(index, flavor)| (index, flavor.name.to_lowercase()))
        .collect();
    let order = sorted_by(named, |(a, a_name), (b, b_name)| {
        compare(&flavors[*a], a_name, &flavors[*b], b_name, sort)
    })
    .into_iter()
    .map(|(index, _)| index)
    .collect();
    Searchable::new(order, |index| {
        vec![flavors[index].name.clone(), flavors[index].id.clone()]
    })
}

/// Why `flavor` cannot be chosen, if it cannot: too little RAM for the image's `minRam`, or
/// larger than the vCPUs or RAM the quota has left for even one server.
pub fn flavor_unfit_reason(
    flavor: &Flavor,
    image: Option<&Image>,
    limits: Option<&AbsoluteLimits>,
) -> Option<String> {
    let for_image = image.map_or(Ok(()), |image| {
        validate::flavor_ram(flavor.ram, image.min_ram)
    });
    let for_quota = limits.map_or(Ok(()), |limits| {
        validate::flavor_within_quota(flavor.vcpus, flavor.ram, limits)
    });
    for_image.and(for_quota).err().map(|error| error.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flavor(id: &str, name: &str, vcpus: u64, ram: u64, disk: u64) -> Flavor {
        Flavor {
            id: id.to_owned(),
            name: name.to_owned(),
            vcpus,
            ram,
            disk,
            ..Flavor::default()
        }
    }

    fn listed(flavors: &[Flavor], filter: &str, sort: FlavorSort) -> Vec<usize> {
        sorted_flavors(flavors, sort).matching(filter, |_| true)
    }

    fn names(flavors: &[Flavor], listed: &[usize]) -> Vec<String> {
        listed.iter().map(|&i| flavors[i].name.clone()).collect()
    }

    fn sample() -> Vec<Flavor> {
        let mut disabled = flavor("d", "c1.disabled", 1, 512, 1);
        disabled.disabled = Some(true);
        let mut private = flavor("p", "s1.private", 2, 2048, 40);
        private.is_public = Some(false);
        private.ephemeral = 10;
        vec![
            flavor("3", "c1.xlarge", 4, 8192, 80),
            flavor("1", "C1.small", 1, 1024, 20),
            disabled,
            private,
            flavor("2", "m1.medium", 2, 4096, 40),
        ]
    }

    #[test]
    fn disabled_flavors_are_not_listed() {
        let flavors = sample();
        let listed = listed(&flavors, "", FlavorSort::default());
        assert_eq!(
            names(&flavors, &listed),
            ["C1.small", "c1.xlarge", "m1.medium", "s1.private"]
        );
    }

    #[test]
    fn the_filter_matches_name_or_id_ignoring_case() {
        let flavors = sample();
        let sort = FlavorSort::default();
        assert_eq!(
            names(&flavors, &listed(&flavors, "  c1 ", sort)),
            ["C1.small", "c1.xlarge"]
        );
        assert_eq!(
            names(&flavors, &listed(&flavors, "P", sort)),
            ["s1.private"]
        );
        assert!(listed(&flavors, "nothing", sort).is_empty());
    }

    #[test]
    fn every_column_sorts_both_ways() {
        let flavors = sample();
        let by = |column, descending| {
            names(
                &flavors,
                &listed(&flavors, "", FlavorSort { column, descending }),
            )
        };
        assert_eq!(
            by(FlavorColumn::Ram, false),
            ["C1.small", "s1.private", "m1.medium", "c1.xlarge"]
        );
        assert_eq!(
            by(FlavorColumn::Ram, true),
            ["c1.xlarge", "m1.medium", "s1.private", "C1.small"]
        );
        // Ties (2 vCPUs) are broken by name.
        assert_eq!(
            by(FlavorColumn::Vcpus, false),
            ["C1.small", "m1.medium", "s1.private", "c1.xlarge"]
        );
        // ... in reading order whichever way the column sorts.
        assert_eq!(
            by(FlavorColumn::Vcpus, true),
            ["c1.xlarge", "m1.medium", "s1.private", "C1.small"]
        );
        assert_eq!(by(FlavorColumn::Disk, true)[0], "c1.xlarge");
        assert_eq!(by(FlavorColumn::Ephemeral, true)[0], "s1.private");
        assert_eq!(by(FlavorColumn::Public, false)[0], "s1.private");
        assert_eq!(by(FlavorColumn::Name, true)[0], "s1.private");
    }

    #[test]
    fn ten_thousand_flavors_filter_quickly() {
        let flavors: Vec<Flavor> = (0..10_000)
            .map(|i| {
                flavor(
                    &i.to_string(),
                    &format!("gen{}.{}", i % 7, i),
                    i % 64,
                    512 * (i % 32),
                    i % 100,
                )
            })
            .collect();
        let sorted = sorted_flavors(
            &flavors,
            FlavorSort {
                column: FlavorColumn::Ram,
                descending: true,
            },
        );
        // A keystroke only filters the sorted list.
        let started = std::time::Instant::now();
        let listed = sorted.matching("gen3", |_| true);
        let elapsed = started.elapsed();
        assert_eq!(listed.len(), 10_000 / 7 + 1);
        // Native and unoptimised; the browser budget is 50 ms per keystroke.
        assert!(elapsed.as_millis() < 500, "filtering took {elapsed:?}");
    }
}

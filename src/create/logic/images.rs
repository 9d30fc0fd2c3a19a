//! The image list: ACTIVE images, what OS each carries, and the text and OS-type filters.

use std::cmp::Ordering;

use ecs_api::models::Image;
use ecs_api::order::sorted_by;

use super::listing::Searchable;
use crate::create::draft::{ImageColumn, ImageSort};

/// The OS as people read it, from ECS's `__os_type`, `__platform` and `__os_version` metadata:
/// "Linux · EulerOS 2.2 64bit". The version usually names the platform, so the platform is only
/// shown on its own when the version does not mention it. Empty when the image says nothing.
pub fn os_label(image: &Image) -> String {
    let detail = match (image.platform(), image.os_version()) {
        (Some(platform), Some(version)) if version.contains(platform) => Some(version.to_owned()),
        (Some(platform), Some(version)) => Some(format!("{platform} {version}")),
        (Some(platform), None) => Some(platform.to_owned()),
        (None, version) => version.map(str::to_owned),
    };
    [image.os_type().map(str::to_owned), detail]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The distinct OS types (`__os_type`) among the ACTIVE images, sorted, for the OS filter.
pub fn os_types(images: &[Image]) -> Vec<String> {
    let types: Vec<String> = images
        .iter()
        .filter(|image| image.is_active())
        .filter_map(|image| image.os_type().map(str::to_owned))
        .collect();
    let mut types = sorted_by(types, |a, b| a.to_lowercase().cmp(&b.to_lowercase()));
    types.dedup();
    types
}

/// Orders two listed images by `sort`; `a_key`/`b_key` are their lower-cased names and OS labels.
fn compare(a: &Image, a_key: &SortKey, b: &Image, b_key: &SortKey, sort: ImageSort) -> Ordering {
    let primary = match sort.column {
        ImageColumn::Name => a_key.name.cmp(&b_key.name),
        ImageColumn::Os => a_key.os.cmp(&b_key.os),
        ImageColumn::Size => a.size.cmp(&b.size),
        ImageColumn::MinDisk => a.min_disk.cmp(&b.min_disk),
        ImageColumn::MinRam => a.min_ram.cmp(&b.min_ram),
    };
    // Ties fall back to the name, then the id, whichever way the column sorts.
    sort.directed(primary)
        .then_with(|| a_key.name.cmp(&b_key.name))
        .then_with(|| a.id.cmp(&b.id))
}

/// What the text columns sort by, worked out once per image rather than per comparison.
struct SortKey {
    name: String,
    os: String,
}

/// The ACTIVE images sorted by `sort`, searchable by name, id and OS.
pub fn sorted_images(images: &[Image], sort: ImageSort) -> Searchable {
    // Each OS label is worked out once, for both the order and the search.
    let labels: Vec<String> = images.iter().map(os_label).collect();
    let keyed: Vec<(usize, SortKey)> = images
        .iter()
        .enumerate()
        .filter(|(_, image)| image.is_active())
        .map(|(index, image)| {
            let key = SortKey {
                name: image.name.to_lowercase(),
                os: labels[index].to_lowercase(),
            };
            (index, key)
        })
        .collect();
    let order = sorted_by(keyed, |(a, a_key), (b, b_key)| {
        compare(&images[*a], a_key, &images[*b], b_key, sort)
    })
    .into_iter()
    .map(|(index, _)| index)
    .collect();
    Searchable::new(order, |index| {
        let image = &images[index];
        vec![image.name.clone(), image.id.clone(), labels[index].clone()]
    })
}

/// The positions in `images` to list from `sorted`: those whose name, id or OS contains `filter`
/// (ignoring case) and, when `os_type` is not empty, of that OS type.
pub fn listed_images(
    images: &[Image],
    sorted: &Searchable,
    filter: &str,
    os_type: &str,
) -> Vec<usize> {
    sorted.matching(filter, |index| {
        os_type.is_empty() || images[index].os_type() == Some(os_type)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(id: &str, name: &str, status: &str, metadata: &[(&str, &str)]) -> Image {
        Image {
            id: id.to_owned(),
            name: name.to_owned(),
            status: Some(status.to_owned()),
            metadata: metadata
                .iter()
                .map(|(key, value)| ((*key).to_owned(), (*value).to_owned()))
                .collect(),
            ..Image::default()
        }
    }

    fn sample() -> Vec<Image> {
        vec![
            image(
                "e1",
                "EulerOS image",
                "ACTIVE",
                &[
                    ("__os_type", "Linux"),
                    ("__platform", "EulerOS"),
                    ("__os_version", "EulerOS 2.2 64bit"),
                ],
            ),
            image(
                "w1",
                "windows-2019",
                "ACTIVE",
                &[("__os_type", "Windows"), ("__platform", "Windows")],
            ),
            image("q1", "queued-ubuntu", "QUEUED", &[("__os_type", "Linux")]),
            image(
                "u1",
                "Ubuntu 22.04",
                "active",
                &[
                    ("__os_type", "Linux"),
                    ("__platform", "Ubuntu"),
                    ("__os_version", "22.04 server 64bit"),
                ],
            ),
            image("plain", "cirros", "ACTIVE", &[]),
        ]
    }

    /// The listing in the table's first order (by name).
    fn listed_by_name(images: &[Image], filter: &str, os_type: &str) -> Vec<usize> {
        listed_images(
            images,
            &sorted_images(images, ImageSort::default()),
            filter,
            os_type,
        )
    }

    fn names(images: &[Image], listed: &[usize]) -> Vec<String> {
        listed.iter().map(|&i| images[i].name.clone()).collect()
    }

    #[test]
    fn the_os_label_combines_the_huawei_metadata() {
        let images = sample();
        assert_eq!(os_label(&images[0]), "Linux · EulerOS 2.2 64bit");
        assert_eq!(os_label(&images[1]), "Windows · Windows");
        assert_eq!(os_label(&images[3]), "Linux · Ubuntu 22.04 server 64bit");
        assert_eq!(os_label(&images[4]), "");
    }

    #[test]
    fn only_active_images_are_listed_sorted_by_name() {
        let images = sample();
        assert_eq!(
            names(&images, &listed_by_name(&images, "", "")),
            ["cirros", "EulerOS image", "Ubuntu 22.04", "windows-2019"]
        );
    }

    #[test]
    fn text_and_os_type_filters_combine() {
        let images = sample();
        assert_eq!(
            names(&images, &listed_by_name(&images, "", "Linux")),
            ["EulerOS image", "Ubuntu 22.04"]
        );
        assert_eq!(
            names(&images, &listed_by_name(&images, "euler", "Linux")),
            ["EulerOS image"]
        );
        assert_eq!(
            names(&images, &listed_by_name(&images, "64BIT", "")),
            ["EulerOS image", "Ubuntu 22.04"]
        );
        assert!(listed_by_name(&images, "euler", "Windows").is_empty());
    }

    #[test]
    fn every_column_sorts_both_ways_with_ties_by_name() {
        let mut images = sample();
        images[0].size = Some(3_000);
        images[0].min_disk = 40;
        images[1].size = Some(9_000);
        images[1].min_disk = 60;
        images[3].size = Some(2_000);
        images[3].min_disk = 10;
        images[3].min_ram = 1024;
        let sorted = |column, descending| {
            let sort = ImageSort { column, descending };
            names(
                &images,
                &listed_images(&images, &sorted_images(&images, sort), "", ""),
            )
        };
        assert_eq!(
            sorted(ImageColumn::Size, false),
            ["cirros", "Ubuntu 22.04", "EulerOS image", "windows-2019"],
            "an image without a size sorts first"
        );
        assert_eq!(
            sorted(ImageColumn::MinDisk, true),
            ["windows-2019", "EulerOS image", "Ubuntu 22.04", "cirros"]
        );
        assert_eq!(
            sorted(ImageColumn::MinRam, true),
            ["Ubuntu 22.04", "cirros", "EulerOS image", "windows-2019"],
            "equal minimums keep the names in reading order"
        );
        assert_eq!(
            sorted(ImageColumn::Os, false),
            ["cirros", "EulerOS image", "Ubuntu 22.04", "windows-2019"]
        );
    }

    #[test]
    fn os_types_come_from_active_images_once_each() {
        assert_eq!(os_types(&sample()), ["Linux", "Windows"]);
    }
}

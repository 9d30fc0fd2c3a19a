//! How values read in the views: sizes in the words of [`ecs_api::units`] (the form's fields
//! say "GB" too), and a dash where the API left a value empty or a size of 0 means "none".

/// What the pages show for a value the API left empty.
pub const EMPTY: &str = "—";

/// [`EMPTY`] for absent or empty values.
pub fn or_dash(value: Option<&str>) -> String {
    value
        .filter(|text| !text.is_empty())
        .unwrap_or(EMPTY)
        .to_owned()
}

/// `count` and its noun, singular for exactly one: "1 vCPU", "2 vCPUs", "0 more servers".
pub fn counted(count: u64, singular: &str, plural: &str) -> String {
    let noun = if count == 1 { singular } else { plural };
    format!("{count} {noun}")
}

/// RAM given in MB as [`ecs_api::units::ram_text`] words it; "—" for 0 (an image with no
/// minimum).
pub fn ram_text(mb: u64) -> String {
    if mb == 0 {
        EMPTY.to_owned()
    } else {
        ecs_api::units::ram_text(mb)
    }
}

/// "20 GB" for a disk given in GB; "—" for 0 (a flavor that leaves the size to the image or
/// volume, or an image with no minimum).
pub fn disk_text(gb: u64) -> String {
    if gb == 0 {
        EMPTY.to_owned()
    } else {
        format!("{gb} GB")
    }
}

/// An image file's size in bytes ("1.2 GB"); "—" when unknown or 0 (as the guide's sample sends).
pub fn bytes_text(bytes: Option<u64>) -> String {
    const UNITS: [&str; 5] = ["B", "KB", "MB", "GB", "TB"];
    let Some(bytes) = bytes.filter(|bytes| *bytes > 0) else {
        return EMPTY.to_owned();
    };
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    let shown = format!("{value:.1}");
    // "512 MB", not "512.0 MB"; "1.4 GB" keeps its decimal.
    let shown = shown.strip_suffix(".0").unwrap_or(&shown);
    format!("{shown} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_values_read_as_a_dash() {
        assert_eq!(or_dash(None), "—");
        assert_eq!(or_dash(Some("")), "—");
        assert_eq!(or_dash(Some("az1")), "az1");
    }

    #[test]
    fn counts_agree_with_their_noun() {
        assert_eq!(counted(1, "vCPU", "vCPUs"), "1 vCPU");
        assert_eq!(counted(2, "vCPU", "vCPUs"), "2 vCPUs");
        assert_eq!(counted(0, "more server", "more servers"), "0 more servers");
        assert_eq!(counted(1, "thing", "things"), "1 thing");
    }

    #[test]
    fn ram_reads_in_the_largest_whole_unit() {
        assert_eq!(ram_text(0), "—");
        assert_eq!(ram_text(512), "512 MB");
        assert_eq!(ram_text(1536), "1.5 GB");
    }

    #[test]
    fn disks_read_in_gb_and_zero_means_none() {
        assert_eq!(disk_text(0), "—");
        assert_eq!(disk_text(40), "40 GB");
    }

    #[test]
    fn byte_sizes_read_naturally() {
        assert_eq!(bytes_text(None), "—");
        assert_eq!(bytes_text(Some(0)), "—");
        assert_eq!(bytes_text(Some(512)), "512 B");
        assert_eq!(bytes_text(Some(1_288_490_189)), "1.2 GB");
        assert_eq!(bytes_text(Some(512 * 1024 * 1024)), "512 MB");
        assert_eq!(bytes_text(Some(1536)), "1.5 KB");
    }
}

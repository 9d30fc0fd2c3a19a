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
    let shown = one_decimal(value);
    // "512 MB", not "512.0 MB"; "1.4 GB" keeps its decimal.
    let shown = shown.strip_suffix(".0").unwrap_or(&shown);
    format!("{shown} {}", UNITS[unit])
}

/// `format!("{value:.1}")` for a finite `value` from 0 to 2^64, worked out on the float's
/// bits: the float formatting code is several KB of the first page, and this is its only use
/// there. Like it, rounds the exact binary value to the nearest tenth, a tie to the even one.
pub fn one_decimal(value: f64) -> String {
    let bits = value.to_bits();
    let biased = ((bits >> 52) & 0x7ff) as i32;
    let fraction = bits & ((1 << 52) - 1);
    // value = significand * 2^exponent (a subnormal has no implicit leading 1)
    let (significand, exponent) = if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | 1 << 52, biased - 1075)
    };
    if exponent >= 0 {
        // A whole number, exact as an integer below 2^64 (larger ones saturate, never panic).
        return format!("{}.0", value as u64);
    }
    let ten_times = u128::from(significand) * 10;
    let shift = exponent.unsigned_abs();
    let tenths = if shift >= 64 {
        // Below 10 * 2^53 / 2^64 tenths: 0.0.
        0
    } else {
        let whole = ten_times >> shift;
        let rest = ten_times - (whole << shift);
        let half = 1 << (shift - 1);
        whole + u128::from(rest > half || (rest == half && whole % 2 == 1))
    };
    format!("{}.{}", tenths / 10, tenths % 10)
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

    #[test]
    fn one_decimal_reads_as_the_float_formatting_does() {
        // Ties in the binary value (x.x5 exactly) go to the even tenth; a value just above or
        // below a decimal tie goes where its binary value lies.
        let mut values = vec![
            0.0,
            0.04,
            0.05,
            0.05000000000000001,
            0.15,
            0.25,
            0.35,
            0.45,
            0.75,
            0.95,
            0.99,
            1.0,
            1.25,
            1.35,
            2.25,
            9.95,
            9.96,
            1023.95,
            5e-324,
            1e-300,
            1e-20,
            0.049999999999999996,
        ];
        values.extend([
            2f64.powi(52),
            2f64.powi(52) + 1.0,
            2f64.powi(53),
            2f64.powi(60),
            2f64.powi(63) + 2048.0,
        ]);
        // Every size bytes_text divides down and every delay the activity panel shows.
        values.extend((0..200_000u32).map(|ms| f64::from(ms) / 1000.0));
        values.extend((0..100_000u64).map(|n| (n * 7919) as f64 / 1024.0));
        values.extend((0..100_000u64).map(|n| (n * 104_729 + 12_345) as f64 / 1_048_576.0));
        let mut state = 0x9e37_79b9_7f4a_7c15u64;
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            values.push((state >> 11) as f64 / (1u64 << 53) as f64 * 1024.0);
            values.push(f64::from_bits(state >> 2) % 2f64.powi(64));
        }
        for value in values {
            assert_eq!(one_decimal(value), format!("{value:.1}"), "{value:e}");
        }
    }
}

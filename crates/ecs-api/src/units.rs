//! Sizes in the words the cloud's own documents use: Nova counts RAM in MB and disks in GB
//! (binary units under decimal names). Messages and the console's tables use the same words.

/// "512 MB", "2 GB", "1.5 GB" for RAM given in MB.
pub fn ram_text(mb: u64) -> String {
    if mb >= 1024 && mb.is_multiple_of(1024) {
        format!("{} GB", mb / 1024)
    } else if mb >= 1024 {
        // One decimal without floating point: 1536 MB is 1.5 GB.
        let tenths = mb * 10 / 1024;
        format!("{}.{} GB", tenths / 10, tenths % 10)
    } else {
        format!("{mb} MB")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ram_reads_in_the_largest_unit() {
        assert_eq!(ram_text(0), "0 MB");
        assert_eq!(ram_text(512), "512 MB");
        assert_eq!(ram_text(1023), "1023 MB");
        assert_eq!(ram_text(1024), "1 GB");
        assert_eq!(ram_text(1536), "1.5 GB");
        assert_eq!(ram_text(1100), "1.0 GB");
        assert_eq!(ram_text(4096), "4 GB");
    }
}

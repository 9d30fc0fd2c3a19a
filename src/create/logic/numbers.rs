//! Numbers typed in the form's text fields: kept as typed, read as whole numbers, and when they
//! are not, a message that says why.

/// Why a field's text is not a whole number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotWhole {
    Empty,
    Negative,
    Fraction,
    NotDigits,
    /// Digits, but more than the field can hold.
    TooLarge,
}

impl NotWhole {
    /// What to tell the user, for a field asking for `what` (e.g. "the system disk size in GB"),
    /// with `example` as a value that would do. `TooLarge` is worded by each field.
    fn message(self, what: &str, example: u64) -> String {
        let how = match self {
            Self::Empty | Self::TooLarge => "",
            Self::Negative => ", without a minus sign",
            Self::Fraction => ", without a decimal point",
            Self::NotDigits => ", using digits only",
        };
        format!("Enter {what} as a whole number{how}, e.g. {example}.")
    }
}

/// A whole number typed in a field (surrounding spaces allowed), or why the text is not one.
pub fn whole_number(text: &str) -> Result<u64, NotWhole> {
    let text = text.trim();
    if text.is_empty() {
        return Err(NotWhole::Empty);
    }
    if text.starts_with(['-', '\u{2212}']) {
        return Err(NotWhole::Negative);
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        let decimal = text.bytes().any(|b| b.is_ascii_digit())
            && text
                .bytes()
                .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b','));
        return Err(if decimal {
            NotWhole::Fraction
        } else {
            NotWhole::NotDigits
        });
    }
    text.parse().map_err(|_| NotWhole::TooLarge)
}

/// The system disk size field as a number of GB, or what to tell the user.
pub fn disk_size(text: &str, minimum: u64) -> Result<u64, String> {
    whole_number(text).map_err(|problem| match problem {
        NotWhole::TooLarge => {
            "That is larger than any disk the cloud can create. Enter a smaller size.".to_owned()
        }
        problem => problem.message("the system disk size in GB", minimum),
    })
}

/// The count field as a number, or what to tell the user.
pub fn server_count(text: &str) -> Result<u32, String> {
    let too_many =
        || "That is more servers than any quota allows. Enter a smaller number.".to_owned();
    match whole_number(text) {
        Ok(count) => u32::try_from(count).map_err(|_| too_many()),
        Err(NotWhole::TooLarge) => Err(too_many()),
        Err(problem) => Err(problem.message("how many servers to create", 1)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_read_and_other_text_is_explained() {
        assert_eq!(whole_number(" 40 "), Ok(40));
        assert_eq!(whole_number("040"), Ok(40));
        assert_eq!(whole_number(""), Err(NotWhole::Empty));
        assert_eq!(whole_number("-3"), Err(NotWhole::Negative));
        assert_eq!(whole_number("\u{2212}3"), Err(NotWhole::Negative));
        assert_eq!(whole_number("1.5"), Err(NotWhole::Fraction));
        assert_eq!(whole_number("1,5"), Err(NotWhole::Fraction));
        assert_eq!(whole_number("4e1"), Err(NotWhole::NotDigits));
        assert_eq!(whole_number("."), Err(NotWhole::NotDigits));
        assert_eq!(
            whole_number("99999999999999999999"),
            Err(NotWhole::TooLarge)
        );
    }

    #[test]
    fn each_field_words_its_own_problems() {
        assert_eq!(disk_size("60", 40), Ok(60));
        assert_eq!(
            disk_size("", 40),
            Err("Enter the system disk size in GB as a whole number, e.g. 40.".to_owned())
        );
        assert!(
            disk_size("99999999999999999999", 40)
                .unwrap_err()
                .contains("larger than any disk")
        );
        assert_eq!(server_count("3"), Ok(3));
        assert_eq!(
            server_count("1.5"),
            Err(
                "Enter how many servers to create as a whole number, without a decimal point, e.g. 1."
                    .to_owned()
            )
        );
        // Fits in a u64, not in a count.
        assert!(
            server_count("5000000000")
                .unwrap_err()
                .contains("more servers than any quota allows")
        );
    }
}

//! A one-pass JSON scanner: checks that a body is JSON (exactly as serde_json would) and finds
//! the byte ranges of chosen string values, without building a document.

use std::ops::Range;

/// One open object or array while scanning, with the key it sits under in its parent object.
pub(crate) struct Frame<'a> {
    pub(super) is_object: bool,
    pub(super) key: Option<&'a [u8]>,
    /// In an object: the key of the member being read.
    pub(super) current_key: Option<&'a [u8]>,
}

/// The body is not a JSON text (RFC 8259), or nests deeper than `MAX_NESTING`: it is relayed
/// as it is.
pub(crate) struct NotJson;

/// The deepest nesting serde_json accepts: no API nests this deep, and the scanner's stack of
/// open containers stays small whatever the body.
const MAX_NESTING: usize = 127;

/// Checks that `body` is a JSON text and calls `found` with the byte range (quotes included) of
/// every string value at a position `select` picks (given the containers open around it), in
/// order. One pass, no allocation per value; on `Err` the ranges already reported must be dropped.
pub(crate) fn for_each_string_value(
    body: &[u8],
    select: impl Fn(&[Frame<'_>]) -> bool,
    mut found: impl FnMut(Range<usize>),
) -> Result<(), NotJson> {
    std::str::from_utf8(body).map_err(|_| NotJson)?;
    let mut scanner = Scanner { body, index: 0 };
    let mut frames: Vec<Frame<'_>> = Vec::new();
    'value: loop {
        scanner.skip_whitespace();
        let start = scanner.index;
        match scanner.next_byte()? {
            open @ (b'{' | b'[') => {
                let key = frames
                    .last()
                    .and_then(|parent| parent.current_key.filter(|_| parent.is_object));
                if frames.len() == MAX_NESTING {
                    return Err(NotJson);
                }
                let is_object = open == b'{';
                scanner.skip_whitespace();
                if scanner.eat(if is_object { b'}' } else { b']' }) {
                    // An empty container holds no URL; what follows is read as after any value.
                } else {
                    let current_key = if is_object {
                        Some(scanner.member_key()?)
                    } else {
                        None
                    };
                    frames.push(Frame {
                        is_object,
                        key,
                        current_key,
                    });
                    continue 'value;
                }
            }
            b'"' => {
                let end = string_end(body, start)?;
                if select(&frames) {
                    found(start..end);
                }
                scanner.index = end;
            }
            b'-' | b'0'..=b'9' => scanner.index = number_end(body, start)?,
            _ => {
                let literal = [&b"true"[..], b"false", b"null"]
                    .into_iter()
                    .find(|literal| body[start..].starts_with(literal))
                    .ok_or(NotJson)?;
                scanner.index = start + literal.len();
            }
        }
        // After a value: separators and closing brackets until the next value or the end.
        loop {
            scanner.skip_whitespace();
            let Some(frame) = frames.last_mut() else {
                return if scanner.index == body.len() {
                    Ok(())
                } else {
                    Err(NotJson)
                };
            };
            match (scanner.next_byte()?, frame.is_object) {
                (b',', true) => {
                    scanner.skip_whitespace();
                    frame.current_key = Some(scanner.member_key()?);
                    continue 'value;
                }
                (b',', false) => continue 'value,
                (b'}', true) | (b']', false) => {
                    frames.pop();
                }
                _ => return Err(NotJson),
            }
        }
    }
}

struct Scanner<'a> {
    body: &'a [u8],
    index: usize,
}

impl<'a> Scanner<'a> {
    fn skip_whitespace(&mut self) {
        while self
            .body
            .get(self.index)
            .is_some_and(|&byte| byte <= b' ' && matches!(byte, b' ' | b'\t' | b'\n' | b'\r'))
        {
            self.index += 1;
        }
    }

    fn next_byte(&mut self) -> Result<u8, NotJson> {
        let byte = *self.body.get(self.index).ok_or(NotJson)?;
        self.index += 1;
        Ok(byte)
    }

    fn eat(&mut self, expected: u8) -> bool {
        let matched = self.body.get(self.index) == Some(&expected);
        self.index += usize::from(matched);
        matched
    }

    /// A member's key (its content, without quotes) and the colon after it.
    fn member_key(&mut self) -> Result<&'a [u8], NotJson> {
        let start = self.index;
        if !self.eat(b'"') {
            return Err(NotJson);
        }
        let end = string_end(self.body, start)?;
        self.index = end;
        self.skip_whitespace();
        if !self.eat(b':') {
            return Err(NotJson);
        }
        Ok(&self.body[start + 1..end - 1])
    }
}

/// Bytes that end the plain run of a JSON string: the closing quote, an escape, or a control
/// character (which JSON does not allow unescaped).
const ENDS_PLAIN_RUN: [bool; 256] = {
    let mut ends = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        ends[byte] = byte < 0x20 || byte == b'"' as usize || byte == b'\\' as usize;
        byte += 1;
    }
    ends
};

/// The index just past the closing quote of the string opening at `start`.
fn string_end(body: &[u8], start: usize) -> Result<usize, NotJson> {
    let mut index = start + 1;
    loop {
        index = plain_run_end(body, index);
        match body.get(index) {
            Some(b'"') => return Ok(index + 1),
            Some(b'\\') => match body.get(index + 1) {
                Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => index += 2,
                Some(b'u') => index = unicode_escape_end(body, index)?,
                _ => return Err(NotJson),
            },
            _ => return Err(NotJson),
        }
    }
}

/// The index just past the `\uXXXX` escape at `index`, or past the pair of them that a UTF-16
/// surrogate needs: serde_json refuses a lone surrogate.
fn unicode_escape_end(body: &[u8], index: usize) -> Result<usize, NotJson> {
    let code_unit = |at: usize| {
        body.get(at..at + 6)
            .filter(|escape| escape.starts_with(b"\\u"))
            .and_then(|escape| std::str::from_utf8(&escape[2..]).ok())
            .filter(|hex| hex.bytes().all(|byte| byte.is_ascii_hexdigit()))
            .and_then(|hex| u16::from_str_radix(hex, 16).ok())
            .ok_or(NotJson)
    };
    match code_unit(index)? {
        0xD800..=0xDBFF if matches!(code_unit(index + 6), Ok(0xDC00..=0xDFFF)) => Ok(index + 12),
        0xD800..=0xDFFF => Err(NotJson),
        _ => Ok(index + 6),
    }
}

/// The index of the first byte from `index` on that ends a plain run of string content (see
/// `ENDS_PLAIN_RUN`), or `body.len()`. Eight bytes at a time, then byte by byte for the tail.
fn plain_run_end(body: &[u8], mut index: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGH_BITS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `word` below `limit`: exact up to the first such byte, which
    // is the only one read.
    let below =
        |word: u64, limit: u8| word.wrapping_sub(ONES * u64::from(limit)) & !word & HIGH_BITS;
    while let Some(chunk) = body.get(index..index + 8) {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(chunk);
        let word = u64::from_le_bytes(bytes);
        let ends = below(word, 0x20)
            | below(word ^ (ONES * u64::from(b'"')), 1)
            | below(word ^ (ONES * u64::from(b'\\')), 1);
        if ends != 0 {
            return index + (ends.trailing_zeros() / 8) as usize;
        }
        index += 8;
    }
    while body
        .get(index)
        .is_some_and(|&byte| !ENDS_PLAIN_RUN[usize::from(byte)])
    {
        index += 1;
    }
    index
}

/// The index just past the number starting at `start`: `-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?`.
fn number_end(body: &[u8], start: usize) -> Result<usize, NotJson> {
    let digits_from = |from: usize| {
        let count = body[from.min(body.len())..]
            .iter()
            .take_while(|byte| byte.is_ascii_digit())
            .count();
        if count == 0 {
            Err(NotJson)
        } else {
            Ok(from + count)
        }
    };
    let integer_from = start + usize::from(body[start] == b'-');
    let mut index = match body.get(integer_from) {
        Some(b'0') => integer_from + 1,
        _ => digits_from(integer_from)?,
    };
    // Fewer digits than this cannot make a number beyond f64's range without an exponent.
    let mut may_overflow = index - integer_from > MAX_F64_INTEGER_DIGITS;
    if body.get(index) == Some(&b'.') {
        index = digits_from(index + 1)?;
    }
    if matches!(body.get(index), Some(b'e' | b'E')) {
        index += 1;
        if matches!(body.get(index), Some(b'+' | b'-')) {
            index += 1;
        }
        index = digits_from(index)?;
        may_overflow = true;
    }
    // serde_json refuses a number beyond f64's range ("number out of range").
    if may_overflow
        && std::str::from_utf8(&body[start..index])
            .ok()
            .and_then(|number| number.parse::<f64>().ok())
            .is_none_or(f64::is_infinite)
    {
        return Err(NotJson);
    }
    Ok(index)
}

/// The integer digits of f64::MAX (about 1.8e308).
const MAX_F64_INTEGER_DIGITS: usize = 308;

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    /// serde_json's verdict (parsing into a `Value` checks UTF-8 too, as RFC 8259 asks).
    fn is_json(body: &[u8]) -> bool {
        serde_json::from_slice::<Value>(body).is_ok()
    }

    /// The string values of the object under `"links"`.
    fn in_links(frames: &[Frame<'_>]) -> bool {
        frames
            .last()
            .is_some_and(|frame| frame.is_object && frame.key == Some(b"links"))
    }

    #[test]
    fn the_scan_accepts_exactly_the_json_that_serde_json_accepts() {
        let deepest = format!("{}{}", "[".repeat(127), "]".repeat(127));
        let too_deep = format!("{}{}", "[".repeat(128), "]".repeat(128));
        let samples: [&[u8]; 33] = [
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}]}"#,
            b" \t\r\n{ \"a\" : [ 1 , -0.5e+3 , 2E-2 , 0 , true , false , null , { } , [ ] ] } \n",
            br#"[]"#,
            br#""only a string""#,
            br#"-12"#,
            br#"{"a":"\u00e9\n\t\"\\\/\b\f\r"}"#,
            "{\"caf\u{e9}\": \"\u{1f600}\"}".as_bytes(),
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}]"#,
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}],}"#,
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"},]}"#,
            br#"{"links": [{"href": "http://127.0.0.1:9000/compute/a"}]} x"#,
            br#"{"links" [{"href": "http://127.0.0.1:9000/compute/a"}]}"#,
            br#"{"a": 01}"#,
            br#"{"a": 1.}"#,
            br#"{"a": .5}"#,
            br#"{"a": 1e}"#,
            br#"{"a": -}"#,
            br#"{"a": +1}"#,
            br#"{"a": tru}"#,
            br#"{"a": nul}"#,
            br#"{"a": "\x"}"#,
            br#"{"a": "\u12"}"#,
            br#"{"a": "\u12G4"}"#,
            b"{\"a\": \"tab\there\"}",
            b"{\"a\": \"\xff\"}",
            br#"{'a': 1}"#,
            br#"{"a": 1 "b": 2}"#,
            br#"{"a"}"#,
            br#"[1, 2]]"#,
            br#"not json 127.0.0.1"#,
            b"",
            deepest.as_bytes(),
            too_deep.as_bytes(),
        ];
        for sample in samples {
            assert_eq!(
                for_each_string_value(sample, |_| true, |_| {}).is_ok(),
                is_json(sample),
                "{}",
                String::from_utf8_lossy(sample)
            );
        }
    }

    #[test]
    fn strings_end_at_the_right_byte_wherever_quotes_escapes_and_controls_fall() {
        // Runs of every length around the eight-byte steps, with a special byte at each offset.
        for length in 0..20 {
            for position in 0..=length {
                for special in ["\\\"", "\\\\", "\\u0041", "\"", "\u{1}", "\u{1f}", "\u{e9}"] {
                    let mut content = "x".repeat(length);
                    content.insert_str(position, special);
                    let body = format!(r#"{{"links":{{"self":"{content}"}},"after":"y"}}"#);
                    let mut ranges = Vec::new();
                    let scanned = for_each_string_value(body.as_bytes(), in_links, |range| {
                        ranges.push((range.start, range.end));
                    });
                    assert_eq!(scanned.is_ok(), is_json(body.as_bytes()), "{body}");
                    if scanned.is_ok() {
                        let start = body.find(":\"").unwrap() + 1;
                        assert_eq!(ranges, vec![(start, start + content.len() + 2)], "{body}");
                    }
                }
            }
        }
    }
}

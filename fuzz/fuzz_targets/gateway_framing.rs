//! The framing watcher (ambiguous request framing: Content-Length with Transfer-Encoding, more
//! than one Content-Length) against hyper's own reading of the same connection bytes: every
//! request hyper would hand to the router must carry the verdict its headers call for, however
//! the bytes are split into reads. A request that slipped by without its verdict is what a
//! smuggling attempt needs. Input: one byte for the read size, then the connection's bytes.
#![no_main]

use axum::http::{HeaderValue, Method, Uri};
use ecs_gateway::fuzzing::framing_verdicts;
use libfuzzer_sys::fuzz_target;

const BOTH: &str = "Content-Length together with Transfer-Encoding";
const REPEATED: &str = "more than one Content-Length";
/// hyper's default limit on the number of headers.
const MAX_HEADERS: usize = 100;
/// Requests followed per input.
const MAX_REQUESTS: usize = 16;

fuzz_target!(|data: &[u8]| {
    let Some((&piece, stream)) = data.split_first() else {
        return;
    };
    let expected = as_hyper_reads(stream);
    for piece in [usize::from(piece) % 64 + 1, stream.len()] {
        assert_eq!(
            framing_verdicts(stream, piece, expected.len()),
            expected,
            "in reads of {piece} bytes"
        );
    }
});

/// The verdict each request hyper would route should get, in order, as hyper's server reads
/// the stream (hyper 1's `Server::parse` and its body lengths). Stops where hyper refuses or
/// closes the connection, where the guard's refusal closes it, and at chunked bodies.
fn as_hyper_reads(stream: &[u8]) -> Vec<Option<&'static str>> {
    let mut verdicts = Vec::new();
    let mut rest = stream;
    while verdicts.len() < MAX_REQUESTS {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut request = httparse::Request::new(&mut headers);
        let Ok(httparse::Status::Complete(head_length)) = request.parse(rest) else {
            break;
        };
        let (Some(method), Some(path), Some(version)) =
            (request.method, request.path, request.version)
        else {
            break;
        };
        let Ok(method) = Method::from_bytes(method.as_bytes()) else {
            break;
        };
        if Uri::try_from(path).is_err() {
            break;
        }
        let mut transfer_encoding = None;
        let mut lengths = 0;
        let mut length = None;
        let mut closes = false;
        for header in request.headers.iter() {
            if header.name.eq_ignore_ascii_case("transfer-encoding") {
                transfer_encoding = Some(is_chunked(header.value));
            } else if header.name.eq_ignore_ascii_case("content-length") {
                lengths += 1;
                if transfer_encoding.is_some() {
                    continue;
                }
                match (content_length(header.value), length) {
                    (None, _) => return verdicts, // hyper: 400
                    (Some(new), Some(old)) if new != old => return verdicts,
                    (Some(new), _) => length = Some(new),
                }
            } else if header.name.eq_ignore_ascii_case("connection") {
                closes = true;
            }
        }
        let verdict = match (transfer_encoding, lengths) {
            (Some(_), 1..) => Some(BOTH),
            (None, 2..) => Some(REPEATED),
            _ => None,
        };
        // hyper: 400 for Transfer-Encoding in HTTP/1.0, or chunked not the last coding.
        if transfer_encoding.is_some() && version != 1 || transfer_encoding == Some(false) {
            break;
        }
        verdicts.push(verdict);
        // Not followed further: the guard's refusal closes the connection, HTTP/1.0 and
        // Connection headers may close it, CONNECT is refused, and chunked bodies end the model.
        if verdict.is_some()
            || version != 1
            || closes
            || method == Method::CONNECT
            || transfer_encoding.is_some()
        {
            break;
        }
        let body = usize::try_from(length.unwrap_or(0)).unwrap_or(usize::MAX);
        match rest.get(head_length.saturating_add(body)..) {
            Some(next) => rest = next,
            None => break,
        }
    }
    verdicts
}

/// hyper's `headers::is_chunked_`: chunked is the last coding.
fn is_chunked(value: &[u8]) -> bool {
    HeaderValue::from_bytes(value)
        .ok()
        .and_then(|value| value.to_str().ok().map(str::to_owned))
        .and_then(|text| {
            text.rsplit(',')
                .next()
                .map(|last| last.trim().eq_ignore_ascii_case("chunked"))
        })
        .unwrap_or(false)
}

/// hyper's `headers::content_length_parse` for requests: digits only, nothing else.
fn content_length(value: &[u8]) -> Option<u64> {
    if value.is_empty() {
        return None;
    }
    value.iter().try_fold(0_u64, |length, &byte| {
        let digit = char::from(byte).to_digit(10)?;
        length.checked_mul(10)?.checked_add(u64::from(digit))
    })
}

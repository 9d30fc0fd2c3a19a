//! `ApiError::from_response` on any status and body (the first two bytes are the status, big
//! endian; the first line of the rest is also tried as a `Retry-After` header): it never fails,
//! and keeps the status it was given.
#![no_main]

use ecs_api::error::ApiError;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((status, body)) = data.split_first_chunk::<2>() else {
        return;
    };
    let status = u16::from_be_bytes(*status);
    let error = ApiError::from_response(status, body);
    assert_eq!(error.status, status);
    let _ = error.to_string();
    let _ = (error.is_retryable(), error.needs_reauthentication());
    serde_json::to_vec(&error).expect("an ApiError serializes");

    let header = body.split(|&byte| byte == b'\n').next().unwrap_or_default();
    if let Ok(header) = std::str::from_utf8(header) {
        let with_header = ApiError::from_response_with_retry_after(status, body, Some(header));
        assert_eq!(with_header.message, error.message);
        if error.retry_after.is_some() {
            assert_eq!(with_header.retry_after, error.retry_after);
        }
    }
});

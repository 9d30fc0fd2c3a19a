//! Every `decode` kind of ecs-api on any body: the first byte picks the kind, the rest is the
//! body. A decoder answers a value or a `DecodeError`, never a panic; a decoded value is JSON
//! that serializes again.
#![no_main]

use ecs_api::decode::{DecodeKind, decode_kind};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let kind = DecodeKind::ALL[usize::from(selector) % DecodeKind::ALL.len()];
    match decode_kind(kind, body) {
        Ok(value) => {
            serde_json::to_vec(&value).expect("a decoded model serializes");
        }
        Err(error) => {
            // The message names what failed; building it must not panic either.
            let _ = error.to_string();
        }
    }
});

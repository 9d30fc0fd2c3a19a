//! The gateway's one-pass JSON scanner against serde_json: it accepts exactly the bodies
//! serde_json accepts, and every string range it reports is one whole JSON string, in order.
#![no_main]

use ecs_gateway::fuzzing::scan_json_strings;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let scanned = scan_json_strings(data);
    let is_json = serde_json::from_slice::<serde_json::Value>(data).is_ok();
    assert_eq!(
        scanned.is_some(),
        is_json,
        "the scan and serde_json disagree"
    );
    let mut previous_end = 0;
    for range in scanned.unwrap_or_default() {
        assert!(previous_end <= range.start && range.start < range.end);
        serde_json::from_slice::<String>(&data[range.clone()])
            .expect("a reported range is one JSON string");
        previous_end = range.end;
    }
});

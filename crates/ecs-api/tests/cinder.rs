//! Conformance with Cinder's reference samples (`../shared/cinder-api`, or `$ECS_CINDER_API_DIR`,
//! read with `nova_ref::shared`) and Nova's `os-volume_attachments` samples: every response
//! sample decodes, what the models keep equals the sample and survives a round trip, the
//! request bodies decode and re-encode as the samples are. Missing reference data fails the
//! test with the path it tried.

use std::path::Path;

use ecs_api::models::*;
use ecs_api::requests::{AttachVolume, CreateVolume, NovaRequest};
use ecs_api::urls::{ComputeEndpoint, VolumeEndpoint};
use nova_ref::SharedRef;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

fn cinder() -> &'static SharedRef {
    nova_ref::shared("cinder-api")
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}

fn raw(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap())
        .unwrap_or_else(|err| panic!("{} is not JSON: {err}", path.display()))
}

/// Every field the model kept holds the sample's value (objects member by member; keys the
/// model leaves out, or the sample lacks, are skipped).
fn assert_kept_as_in_sample(context: &str, sample: &Value, kept: &Value) {
    match (sample, kept) {
        (Value::Object(sample), Value::Object(kept)) => {
            for (key, value) in kept {
                if let Some(original) = sample.get(key) {
                    assert_kept_as_in_sample(&format!("{context}.{key}"), original, value);
                }
            }
        }
        (Value::Array(sample), Value::Array(kept)) => {
            assert_eq!(sample.len(), kept.len(), "{context}: list length");
            for (index, (original, value)) in sample.iter().zip(kept).enumerate() {
                assert_kept_as_in_sample(&format!("{context}[{index}]"), original, value);
            }
        }
        (original, value) => assert_eq!(value, original, "{context}"),
    }
}

/// Decodes `sample` as `T`, checks the round trip and that what was kept equals the sample.
fn check<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    context: &str,
    sample: &Value,
) -> T {
    let decoded: T = serde_json::from_value(sample.clone()).unwrap_or_else(|err| {
        panic!(
            "{context} does not decode as {}: {err}",
            std::any::type_name::<T>()
        )
    });
    let encoded = serde_json::to_value(&decoded).unwrap();
    let again: T = serde_json::from_value(encoded.clone()).unwrap();
    assert_eq!(again, decoded, "{context} does not round-trip");
    assert_kept_as_in_sample(context, sample, &encoded);
    decoded
}

fn assert_volume_as_in_sample(context: &str, volume: &Volume, sample: &Value) {
    assert_eq!(volume.id, sample["id"].as_str().unwrap(), "{context}");
    assert_eq!(volume.name.as_deref(), sample["name"].as_str(), "{context}");
    if sample.get("size").is_some() {
        assert_eq!(Some(volume.size), sample["size"].as_u64(), "{context}");
        assert_eq!(
            volume.status,
            sample["status"].as_str().unwrap(),
            "{context}"
        );
        assert_eq!(
            volume.volume_type.as_deref(),
            sample["volume_type"].as_str(),
            "{context}"
        );
        assert_eq!(
            volume.bootable,
            sample["bootable"].as_str() == Some("true"),
            "{context}"
        );
        assert_eq!(
            volume.created_at,
            sample["created_at"].as_str().unwrap(),
            "{context}"
        );
        assert_eq!(
            volume.attachments.len(),
            sample["attachments"].as_array().unwrap().len(),
            "{context}"
        );
    }
}

#[test]
fn every_volume_sample_decodes() {
    let mut checked = 0;
    for path in cinder().list("volumes") {
        let name = file_name(&path);
        let sample = raw(&path);
        if name.ends_with("-request.json") {
            continue; // Bodies the client sends: see `volume_request_samples_decode`.
        }
        if let Some(list) = sample.get("volumes") {
            let decoded: VolumeList = check(&name, &sample);
            let list = list.as_array().unwrap();
            assert_eq!(decoded.volumes.len(), list.len(), "{name}");
            for (volume, item) in decoded.volumes.iter().zip(list) {
                assert_volume_as_in_sample(&name, volume, item);
            }
        } else {
            let decoded: VolumeBody = check(&name, &sample);
            assert_volume_as_in_sample(&name, &decoded.volume, &sample["volume"]);
        }
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} volume samples were checked");
}

#[test]
fn volume_request_samples_decode() {
    let sample = cinder().json("volumes/volume-create-request.json");
    let create = CreateVolume::parse_body(sample.to_string().as_bytes()).unwrap();
    assert_eq!(create.size, 10);
    assert_eq!((&create.name, &create.volume_type), (&None, &None));
    assert_eq!(
        create.to_body(),
        serde_json::json!({"volume": {"size": 10}}),
        "the sample's nulls are Cinder's defaults, left out"
    );
    let update = cinder().json("volumes/volume-update-request.json");
    let renamed = CreateVolume::parse_body(update.to_string().as_bytes()).unwrap();
    assert_eq!(renamed.name.as_deref(), Some("vol-003"));
}

#[test]
fn volume_type_samples_decode() {
    let list = cinder().json("volume_type/volume-types-list-response.json");
    let types: VolumeTypeList = check("volume-types-list-response.json", &list);
    let names: Vec<&str> = types
        .volume_types
        .iter()
        .map(|kind| kind.name.as_str())
        .collect();
    assert_eq!(names, ["vol-type-002", "vol-type-001", "__DEFAULT__"]);
    assert!(types.volume_types.iter().all(|kind| kind.is_public));
    assert_eq!(
        types.volume_types[0]
            .extra_specs
            .get("capabilities")
            .map(String::as_str),
        Some("gpu")
    );
    for name in [
        "volume-type-show-response.json",
        "volume-type-default-response.json",
    ] {
        let sample = cinder().json(&format!("volume_type/{name}"));
        let body: VolumeTypeBody = check(name, &sample);
        assert_eq!(body.volume_type.name, "vol-type-001", "{name}");
        assert_eq!(
            body.volume_type.description.as_deref(),
            Some("volume type 0001")
        );
    }
}

#[test]
fn quota_samples_decode_with_and_without_usage() {
    let bare = cinder().json("quota_sets/quotas-show-response.json");
    let bare: VolumeQuotaBody = check("quotas-show-response.json", &bare);
    assert_eq!(bare.quota_set.id, "fake_tenant");
    assert_eq!(bare.quota_set.gigabytes.limit, 1000);
    assert_eq!(bare.quota_set.gigabytes.in_use, None);
    assert_eq!(bare.quota_set.volumes.limit, 10);
    assert_eq!(bare.quota_set.per_volume_gigabytes.finite_limit(), None);

    let usage = cinder().json("quota_sets/quotas-show-usage-response.json");
    let usage: VolumeQuotaBody = check("quotas-show-usage-response.json", &usage);
    assert_eq!(
        usage.quota_set.gigabytes,
        QuotaUsage {
            limit: 1000,
            in_use: Some(0),
            reserved: Some(0)
        }
    );
    assert_eq!(usage.quota_set.largest_new_volume(), Some(1000));
}

#[test]
fn every_reference_file_is_covered() {
    let mut files = Vec::new();
    for dir in ["volumes", "volume_type", "quota_sets"] {
        files.extend(cinder().list(dir).iter().map(|path| file_name(path)));
    }
    // 7 microversion folders x 4 responses, 5 base responses, 2 requests; 3 types; 2 quotas.
    assert_eq!(files.len(), 7 * 4 + 5 + 2 + 3 + 2, "{files:?}");
}

// ---------------------------------------------------------------- Nova's attachments

fn nova() -> &'static nova_ref::NovaRef {
    nova_ref::reference()
}

fn microversion_of(name: &str) -> (u32, u32) {
    name.trim_end_matches(".json")
        .rsplit_once("-v2.")
        .and_then(|(_, minor)| minor.parse().ok())
        .map_or((2, 1), |minor| (2, minor))
}

fn assert_attachment_as_in_sample(context: &str, attachment: &VolumeAttachment, sample: &Value) {
    assert_eq!(
        attachment.volume_id,
        sample["volumeId"].as_str().unwrap(),
        "{context}"
    );
    assert_eq!(
        attachment.server_id,
        sample["serverId"].as_str().unwrap(),
        "{context}"
    );
    assert_eq!(
        attachment.device.as_deref(),
        sample["device"].as_str(),
        "{context}"
    );
    let version = microversion_of(context);
    assert_eq!(
        attachment.delete_on_termination,
        sample["delete_on_termination"].as_bool(),
        "{context}"
    );
    assert_eq!(
        attachment.delete_on_termination.is_some(),
        version >= (2, 79),
        "{context}: delete_on_termination from 2.79 on"
    );
    // The attach answer keeps its 2.79 shape at 2.89; listing and showing change.
    let changed_at_2_89 = version >= (2, 89) && !context.starts_with("attach-");
    assert_eq!(
        attachment.attachment_id.is_some(),
        changed_at_2_89,
        "{context}: attachment_id from 2.89 on"
    );
    assert_eq!(
        attachment.id.is_some(),
        !changed_at_2_89,
        "{context}: id until 2.88"
    );
}

#[test]
fn nova_attachment_responses_decode() {
    let mut checked = 0;
    for path in nova().list("responses/os-volume_attachments") {
        let name = file_name(&path);
        let sample = raw(&path);
        if let Some(list) = sample.get("volumeAttachments") {
            let decoded: VolumeAttachmentList = check(&name, &sample);
            let list = list.as_array().unwrap();
            assert_eq!(decoded.volume_attachments.len(), list.len(), "{name}");
            for (attachment, item) in decoded.volume_attachments.iter().zip(list) {
                assert_attachment_as_in_sample(&name, attachment, item);
            }
        } else {
            let decoded: VolumeAttachmentBody = check(&name, &sample);
            assert_attachment_as_in_sample(
                &name,
                &decoded.volume_attachment,
                &sample["volumeAttachment"],
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 20, "every os-volume_attachments response sample");
}

#[test]
fn nova_attach_requests_decode_and_re_encode_as_sent() {
    let mut checked = 0;
    for path in nova().list("requests/os-volume_attachments") {
        let name = file_name(&path);
        if !name.starts_with("attach-volume-to-server-req") {
            continue; // Swap and delete-flag updates: not something the console sends.
        }
        let sample = raw(&path);
        let attach = AttachVolume::parse_body(sample.to_string().as_bytes())
            .unwrap_or_else(|err| panic!("{name}: {err}"));
        assert_eq!(attach.volume_id, "a07f71dc-8151-4e7d-a0cc-cd24a3f11113");
        assert_eq!(attach.to_body(), sample, "{name}");
        checked += 1;
    }
    assert_eq!(checked, 7);
    // What the console sends is the base body every microversion accepts.
    assert_eq!(
        AttachVolume::volume("a07f71dc-8151-4e7d-a0cc-cd24a3f11113").to_body(),
        serde_json::json!({"volumeAttachment": {"volumeId": "a07f71dc-8151-4e7d-a0cc-cd24a3f11113"}})
    );
}

#[test]
fn attachment_and_volume_urls() {
    let compute = ComputeEndpoint::new("/proxy/compute", "p1").unwrap();
    assert_eq!(
        compute.volume_attachments("s 1"),
        "/proxy/compute/v2.1/p1/servers/s%201/os-volume_attachments"
    );
    assert_eq!(
        compute.volume_attachment("s1", "v1"),
        "/proxy/compute/v2.1/p1/servers/s1/os-volume_attachments/v1"
    );
    let cinder = VolumeEndpoint::new("/proxy/volume/v3/p1", "p1").unwrap();
    assert_eq!(
        cinder.volumes_detail(None),
        "/proxy/volume/v3/p1/volumes/detail"
    );
}

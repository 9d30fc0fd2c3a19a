//! The server actions that carry arguments, with Nova's checks in Nova's order: resize,
//! createImage and rebuild (the plain ones are `State::apply`).

use std::collections::BTreeMap;

use time::{Duration, OffsetDateTime};

use super::{ActionError, QuotaExceeded, Resize, SnapshotImage, State, to_time};
use crate::config::Knobs;
use crate::ids::uuid_from;
use crate::lifecycle::{Phase, Resting, SNAPSHOT_STEPS};

/// Image properties a snapshot does not inherit from its server's image (Nova's
/// NON_INHERITABLE_IMAGE_PROPERTIES, and what Nova sets itself).
const NOT_INHERITED: [&str; 6] = [
    "img_signature",
    "img_signature_hash_method",
    "img_signature_key_type",
    "img_signature_certificate_uuid",
    "cinder_encryption_key_id",
    "cinder_encryption_key_deletion_policy",
];

/// What a rebuild changes besides the image (absent: kept).
#[derive(Debug, Clone, Default)]
pub struct Rebuild {
    pub image_id: String,
    pub name: Option<String>,
    /// Replaces the server's metadata.
    pub metadata: Option<BTreeMap<String, String>>,
    /// `Some(None)` clears it (2.19+).
    pub description: Option<Option<String>>,
    /// `Some(None)` removes the key pair (2.54+).
    pub key_name: Option<Option<String>>,
    pub access_ipv4: Option<String>,
    pub access_ipv6: Option<String>,
    /// `Some(None)` clears it (2.57+).
    pub user_data: Option<Option<String>>,
}

/// The image a createImage made.
pub struct CreatedImage {
    pub image_id: String,
}

impl State {
    /// Nova's resize to flavor `flavor_id`: RESIZE, then VERIFY_RESIZE with the new flavor.
    pub fn resize(&mut self, id: &str, flavor_id: &str, knobs: &Knobs) -> Result<(), ActionError> {
        let now = OffsetDateTime::now_utc();
        self.settle(now);
        let usage = self.usage();
        let server = self.servers.get(id).ok_or(ActionError::NotFound)?;
        if server.locked {
            return Err(ActionError::Locked);
        }
        server.check_state(now, &["active", "stopped"], &[])?;
        let not_found =
            || ActionError::BadRequest(format!("Flavor {flavor_id} could not be found."));
        let new = self.catalogue.flavor(flavor_id).ok_or_else(not_found)?;
        let old = self.catalogue.flavor(&server.spec.flavor_id);
        let same = old.is_some_and(|old| old.id == new.id);
        if let Some(old) = old
            && new.disk_gb == 0
            && old.disk_gb != 0
            && !server.boot_from_volume()
        {
            return Err(ActionError::BadRequest(
                "Server disk was unable to be resized because: Resize to zero disk flavor is not allowed."
                    .to_owned(),
            ));
        }
        if !same && new.disabled {
            return Err(not_found());
        }
        if same {
            return Err(ActionError::BadRequest(
                "When resizing, instances must change flavor!".to_owned(),
            ));
        }
        // Nova's _check_quota_for_upsize: only the increase over the old flavor counts.
        let (old_vcpus, old_ram) = old.map_or((0, 0), |old| (u64::from(old.vcpus), old.ram_mb));
        let over: Vec<QuotaExceeded> = [
            (
                "cores",
                u64::from(new.vcpus).saturating_sub(old_vcpus),
                usage.cores,
                self.quota.cores,
            ),
            (
                "ram",
                new.ram_mb.saturating_sub(old_ram),
                usage.ram_mb,
                self.quota.ram_mb,
            ),
        ]
        .into_iter()
        .filter(|&(_, delta, used, allowed)| delta > 0 && used.saturating_add(delta) > allowed)
        .map(|(resource, requested, used, allowed)| QuotaExceeded {
            resource,
            requested,
            used,
            allowed,
        })
        .collect();
        if !over.is_empty() {
            return Err(ActionError::OverQuota(joined_quota_message(&over)));
        }
        if let Some(image) = server
            .spec
            .image_id
            .as_deref()
            .and_then(|image| self.image(image))
        {
            if new.ram_mb < image.min_ram_mb() {
                return Err(ActionError::BadRequest(
                    "Flavor's memory is too small for requested image.".to_owned(),
                ));
            }
            let root_bytes = new.disk_gb << 30;
            if !server.boot_from_volume() && new.disk_gb > 0 {
                if image.size_bytes(now).unwrap_or(0) > root_bytes {
                    return Err(ActionError::BadRequest(format!(
                        "Flavor's disk is too small for requested image. Flavor disk is {root_bytes} bytes, image is {} bytes.",
                        image.size_bytes(now).unwrap_or(0)
                    )));
                }
                if image.min_disk_gb() > new.disk_gb {
                    return Err(ActionError::BadRequest(format!(
                        "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is {root_bytes} bytes, minimum size is {} bytes.",
                        image.min_disk_gb() << 30
                    )));
                }
            }
        }
        let new_flavor_id = new.id.clone();
        let server = self.servers.get_mut(id).ok_or(ActionError::NotFound)?;
        let from = server.phase.resting().unwrap_or(Resting::Active);
        server.resize = Some(Resize {
            old_flavor_id: server.spec.flavor_id.clone(),
            new_flavor_id,
        });
        server.start(
            Phase::Resizing { from },
            now,
            to_time(knobs.build_duration()),
        );
        Ok(())
    }

    /// Nova's createImage. An image-backed server is snapshotted over the build time (its task
    /// state moves, the image goes queued → saving → active); a volume-backed one gets at once
    /// an active image of size 0 that maps a snapshot of its volume (snapshot_volume_backed).
    pub fn create_image(
        &mut self,
        id: &str,
        name: &str,
        metadata: &BTreeMap<String, String>,
        knobs: &Knobs,
    ) -> Result<CreatedImage, ActionError> {
        let now = OffsetDateTime::now_utc();
        self.settle(now);
        let server = self.servers.get(id).ok_or(ActionError::NotFound)?;
        // Nova does not check the lock here: a lock guards against changes, a snapshot is none.
        server.check_state(now, &["active", "stopped", "paused", "suspended"], &[])?;
        let image_backed = !server.boot_from_volume();
        let duration = to_time(knobs.build_duration());
        let image_id = self.take_snapshot(id, name, metadata, now, duration)?;
        if image_backed {
            let server = self.servers.get_mut(id).ok_or(ActionError::NotFound)?;
            let of = server.phase.resting().unwrap_or(Resting::Active);
            server.start(Phase::Snapshotting { of }, now, duration);
        }
        Ok(CreatedImage { image_id })
    }

    /// Adds the snapshot image of server `id` (Nova's compute_utils.create_image, or
    /// snapshot_volume_backed for a server booted from a volume): an image-backed server's is
    /// uploaded from the middle of `upload` to its end; returns the image's id.
    pub(super) fn take_snapshot(
        &mut self,
        id: &str,
        name: &str,
        metadata: &BTreeMap<String, String>,
        now: OffsetDateTime,
        upload: Duration,
    ) -> Result<String, ActionError> {
        let server = self.servers.get(id).ok_or(ActionError::NotFound)?;
        let source = server
            .spec
            .image_id
            .as_deref()
            .and_then(|image| self.image(image));
        let source_size = source.and_then(|image| image.size_bytes(now)).unwrap_or(0);
        let flavor_disk = self
            .catalogue
            .flavor(&server.spec.flavor_id)
            .map_or(0, |flavor| flavor.disk_gb);
        // Nova keeps the larger of the image's and the flavor's disk as the instance's minimum.
        let (min_disk_gb, min_ram_mb) = source.map_or((flavor_disk, 0), |image| {
            (image.min_disk_gb().max(flavor_disk), image.min_ram_mb())
        });
        let mut properties: Vec<(String, String)> = source
            .map(|image| {
                image
                    .properties()
                    .iter()
                    .filter(|(key, _)| !NOT_INHERITED.contains(&key.as_str()))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let mut set =
            |key: &str, value: String| match properties.iter_mut().find(|(name, _)| name == key) {
                Some(entry) => entry.1 = value,
                None => properties.push((key.to_owned(), value)),
            };
        // Nova's image_ref of a volume-backed server is empty (the image is the volume's).
        let base_image_ref = match (&server.volume, &server.spec.image_id) {
            (None, Some(image_id)) => image_id.clone(),
            _ => String::new(),
        };
        set("base_image_ref", base_image_ref);
        set("owner_project_name", self.account.project_name.clone());
        set("owner_user_name", self.account.user_name.clone());
        set("boot_roles", "reader,member".to_owned());
        let volume = server.volume.clone();
        // Only compute_utils.create_image (image-backed) names the server and the kind;
        // snapshot_volume_backed leaves them out.
        if volume.is_none() {
            set("instance_uuid", server.id.clone());
            set("user_id", self.account.user_id.clone());
            set("image_type", "snapshot".to_owned());
        }
        if let Some(volume) = &volume {
            let snapshot_id = uuid_from(&mut self.rng);
            let mapping = serde_json::json!([{
                "boot_index": 0,
                "delete_on_termination": volume.delete_on_termination,
                "destination_type": "volume",
                "device_name": "/dev/vda",
                "device_type": "disk",
                "disk_bus": "virtio",
                "encrypted": null,
                "encryption_format": null,
                "encryption_options": null,
                "encryption_secret_uuid": null,
                "guest_format": null,
                "image_id": null,
                "no_device": null,
                "snapshot_id": snapshot_id,
                "source_type": "snapshot",
                "tag": null,
                "volume_id": null,
                "volume_size": volume.size_gb,
                "volume_type": null,
            }]);
            set("root_device_name", "/dev/vda".to_owned());
            set("block_device_mapping", mapping.to_string());
            set("bdm_v2", "True".to_owned());
        }
        for (key, value) in metadata {
            set(key, value.clone());
        }
        let image_id = uuid_from(&mut self.rng);
        let image = match volume {
            Some(_) => SnapshotImage {
                id: image_id.clone(),
                name: name.to_owned(),
                created: now,
                upload_started: now,
                active_at: now,
                min_disk_gb,
                min_ram_mb,
                size_bytes: 0,
                formats: ("raw", "bare"),
                properties,
            },
            None => SnapshotImage {
                id: image_id.clone(),
                name: name.to_owned(),
                created: now,
                upload_started: now + upload * upload_start_fraction(),
                active_at: now + upload,
                min_disk_gb,
                min_ram_mb,
                // The disk as the guest left it: at least the image it started from.
                size_bytes: source_size.max(1 << 30),
                formats: ("qcow2", "bare"),
                properties,
            },
        };
        self.snapshots.push(image);
        Ok(image_id)
    }

    /// Nova's rebuild: REBUILD, then ACTIVE (SHUTOFF for a stopped server) on the new image.
    pub fn rebuild(
        &mut self,
        id: &str,
        rebuild: Rebuild,
        knobs: &Knobs,
    ) -> Result<(), ActionError> {
        let now = OffsetDateTime::now_utc();
        self.settle(now);
        let server = self.servers.get(id).ok_or(ActionError::NotFound)?;
        if server.locked {
            return Err(ActionError::Locked);
        }
        server.check_state(now, &["active", "stopped", "error"], &[])?;
        if let Some(Some(key_name)) = &rebuild.key_name
            && !self.key_pairs.contains_key(key_name)
        {
            return Err(ActionError::BadRequest(
                "Invalid key_name provided.".to_owned(),
            ));
        }
        let image = self
            .image(&rebuild.image_id)
            .ok_or_else(|| ActionError::BadRequest("Cannot find image for rebuild".to_owned()))?;
        // Before 2.93 Nova cannot re-image a boot volume: only its own image is accepted.
        if server.boot_from_volume() && server.spec.image_id.as_deref() != Some(image.id()) {
            return Err(ActionError::BadRequest(format!(
                "Image {} is unacceptable: Unable to rebuild with a different image for a volume-backed server.",
                image.id()
            )));
        }
        if image.glance_status(now) != "active" {
            return Err(ActionError::BadRequest(format!(
                "Image {} is not active.",
                image.id()
            )));
        }
        let flavor = self.catalogue.flavor(&server.spec.flavor_id);
        if flavor.is_some_and(|flavor| flavor.ram_mb < image.min_ram_mb()) {
            return Err(ActionError::BadRequest(
                "Flavor's memory is too small for requested image.".to_owned(),
            ));
        }
        if let Some(flavor) = flavor
            && !server.boot_from_volume()
            && flavor.disk_gb > 0
            && image.min_disk_gb() > flavor.disk_gb
        {
            return Err(ActionError::BadRequest(format!(
                "Flavor's disk is smaller than the minimum size specified in image metadata. Flavor disk is {} bytes, minimum size is {} bytes.",
                flavor.disk_gb << 30,
                image.min_disk_gb() << 30
            )));
        }
        let server = self.servers.get_mut(id).ok_or(ActionError::NotFound)?;
        let from = server.phase.resting().unwrap_or(Resting::Active);
        server.spec.image_id = Some(rebuild.image_id);
        if let Some(name) = rebuild.name {
            server.spec.name = name;
        }
        if let Some(metadata) = rebuild.metadata {
            server.spec.metadata = metadata;
        }
        if let Some(description) = rebuild.description {
            server.spec.description = description;
        }
        if let Some(key_name) = rebuild.key_name {
            server.spec.key_name = key_name;
        }
        if let Some(address) = rebuild.access_ipv4 {
            server.spec.access_ipv4 = address;
        }
        if let Some(address) = rebuild.access_ipv6 {
            server.spec.access_ipv6 = address;
        }
        if let Some(user_data) = rebuild.user_data {
            server.spec.user_data = user_data;
        }
        // A rebuilt server boots again; an ERROR server's fault is behind it.
        server.fault = None;
        server.start(
            Phase::Rebuilding { from },
            now,
            to_time(knobs.build_duration()),
        );
        Ok(())
    }
}

/// Where in a snapshot its upload starts (the `image_uploading` task state).
fn upload_start_fraction() -> f64 {
    SNAPSHOT_STEPS
        .iter()
        .find(|(_, name)| *name == "image_uploading")
        .map_or(0.5, |(start, _)| *start)
}

/// Nova's TooManyInstances message for a resize over several quotas: the lists joined.
fn joined_quota_message(over: &[QuotaExceeded]) -> String {
    let join = |part: &dyn Fn(&QuotaExceeded) -> String| {
        over.iter().map(part).collect::<Vec<_>>().join(", ")
    };
    let resources = join(&|item| item.resource.to_owned());
    format!(
        "Quota exceeded for {resources}: Requested {}, but already used {} of {} {resources}",
        join(&|item| item.requested.to_string()),
        join(&|item| item.used.to_string()),
        join(&|item| item.allowed.to_string()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_messages_join_resources_as_nova_does() {
        let cores = QuotaExceeded {
            resource: "cores",
            requested: 2,
            used: 18,
            allowed: 20,
        };
        assert_eq!(
            joined_quota_message(std::slice::from_ref(&cores)),
            cores.message()
        );
        let ram = QuotaExceeded {
            resource: "ram",
            requested: 4096,
            used: 49152,
            allowed: 51200,
        };
        assert_eq!(
            joined_quota_message(&[cores, ram]),
            "Quota exceeded for cores, ram: Requested 2, 4096, but already used 18, 49152 of 20, 51200 cores, ram"
        );
    }

    #[test]
    fn the_upload_starts_with_image_uploading() {
        assert!((upload_start_fraction() - 0.5).abs() < f64::EPSILON);
        assert!(Duration::seconds(2) * upload_start_fraction() == Duration::seconds(1));
    }
}

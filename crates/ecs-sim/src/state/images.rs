//! Images made from servers (Nova's createImage), next to the catalogue's fixed images: one
//! view of both for Glance and Nova's image proxy.

use time::OffsetDateTime;

use super::State;
use crate::catalogue::Image;
use crate::compute::iso_time;

/// A snapshot image. Its Glance status follows the clock: `queued` from `created`, `saving`
/// from `upload_started`, `active` from `active_at`.
#[derive(Debug, Clone)]
pub struct SnapshotImage {
    pub id: String,
    pub name: String,
    pub created: OffsetDateTime,
    pub upload_started: OffsetDateTime,
    pub active_at: OffsetDateTime,
    pub min_disk_gb: u64,
    pub min_ram_mb: u64,
    /// The uploaded data's size once active (0 for a volume-backed server's snapshot).
    pub size_bytes: u64,
    /// Glance's `disk_format`/`container_format`, set by the upload (Nova leaves them out of
    /// a snapshot until then).
    pub formats: (&'static str, &'static str),
    /// Glance's image properties (strings), in the order Glance shows them.
    pub properties: Vec<(String, String)>,
}

impl SnapshotImage {
    pub fn glance_status(&self, now: OffsetDateTime) -> &'static str {
        if now >= self.active_at {
            "active"
        } else if now >= self.upload_started {
            "saving"
        } else {
            "queued"
        }
    }
}

/// Why an image cannot be deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageDeleteError {
    NotFound,
    /// The catalogue's images belong to the cloud, not to the project.
    NotAllowed,
}

/// An image of either kind, as Glance and Nova's proxy show it.
#[derive(Debug, Clone, Copy)]
pub enum ImageRef<'a> {
    Catalogue(&'a Image),
    Snapshot(&'a SnapshotImage),
}

impl<'a> ImageRef<'a> {
    pub fn id(self) -> &'a str {
        match self {
            ImageRef::Catalogue(image) => &image.id,
            ImageRef::Snapshot(image) => &image.id,
        }
    }

    pub fn name(self) -> &'a str {
        match self {
            ImageRef::Catalogue(image) => &image.name,
            ImageRef::Snapshot(image) => &image.name,
        }
    }

    /// Glance's status: queued, saving, active, killed, deleted.
    pub fn glance_status(self, now: OffsetDateTime) -> &'static str {
        match self {
            ImageRef::Catalogue(image) => match image.status {
                "ACTIVE" => "active",
                "SAVING" => "saving",
                "ERROR" => "killed",
                "DELETED" => "deleted",
                _ => "queued",
            },
            ImageRef::Snapshot(image) => image.glance_status(now),
        }
    }

    /// Nova's proxy status and progress for the Glance status (its `_get_status`, `_get_progress`).
    pub fn nova_status(self, now: OffsetDateTime) -> (&'static str, u8) {
        match self {
            ImageRef::Catalogue(image) => (image.status, image.progress),
            ImageRef::Snapshot(image) => match image.glance_status(now) {
                "active" => ("ACTIVE", 100),
                "saving" => ("SAVING", 50),
                _ => ("SAVING", 25),
            },
        }
    }

    pub fn min_disk_gb(self) -> u64 {
        match self {
            ImageRef::Catalogue(image) => image.min_disk_gb,
            ImageRef::Snapshot(image) => image.min_disk_gb,
        }
    }

    pub fn min_ram_mb(self) -> u64 {
        match self {
            ImageRef::Catalogue(image) => image.min_ram_mb,
            ImageRef::Snapshot(image) => image.min_ram_mb,
        }
    }

    /// The data's size as Glance shows it: None until the upload is done.
    pub fn size_bytes(self, now: OffsetDateTime) -> Option<u64> {
        let size = match self {
            ImageRef::Catalogue(image) => image.size_bytes,
            ImageRef::Snapshot(image) => image.size_bytes,
        };
        (self.glance_status(now) == "active").then_some(size)
    }

    /// Nova's proxy `OS-EXT-IMG-SIZE:size`, a number in its schema: the catalogue's file
    /// size, and 0 for a snapshot until its upload is done.
    pub fn proxy_size_bytes(self, now: OffsetDateTime) -> u64 {
        match self {
            ImageRef::Catalogue(image) => image.size_bytes,
            ImageRef::Snapshot(_) => self.size_bytes(now).unwrap_or(0),
        }
    }

    pub fn created(self) -> String {
        match self {
            ImageRef::Catalogue(image) => image.created.to_owned(),
            ImageRef::Snapshot(image) => iso_time(image.created),
        }
    }

    /// The last change: a snapshot changes when its upload starts and ends.
    pub fn updated(self, now: OffsetDateTime) -> String {
        match self {
            ImageRef::Catalogue(image) => image.updated.to_owned(),
            ImageRef::Snapshot(image) => iso_time(
                [image.created, image.upload_started, image.active_at]
                    .into_iter()
                    .filter(|at| *at <= now)
                    .max()
                    .unwrap_or(image.created),
            ),
        }
    }

    /// Glance's image properties.
    pub fn properties(self) -> &'a [(String, String)] {
        match self {
            ImageRef::Catalogue(image) => &image.metadata,
            ImageRef::Snapshot(image) => &image.properties,
        }
    }

    pub fn property(self, key: &str) -> Option<&'a str> {
        self.properties()
            .iter()
            .find(|(name, _)| name == key)
            .map(|(_, value)| value.as_str())
    }

    /// `public` or `private`.
    pub fn visibility(self) -> &'static str {
        match self {
            ImageRef::Catalogue(image) => image.visibility,
            ImageRef::Snapshot(_) => "private",
        }
    }

    /// Glance's disk and container formats; None for a snapshot still being made.
    pub fn formats(self, now: OffsetDateTime) -> Option<(&'static str, &'static str)> {
        match self {
            ImageRef::Catalogue(_) => Some(("qcow2", "bare")),
            ImageRef::Snapshot(image) => {
                (image.glance_status(now) == "active").then_some(image.formats)
            }
        }
    }

    /// The server a snapshot was made from (Nova's `instance_uuid` property).
    pub fn instance_uuid(self) -> Option<&'a str> {
        self.property("instance_uuid")
    }
}

impl State {
    /// Every image: snapshots (newest first), then the catalogue's.
    pub fn images(&self) -> impl Iterator<Item = ImageRef<'_>> {
        self.snapshots
            .iter()
            .rev()
            .map(ImageRef::Snapshot)
            .chain(self.catalogue.images.iter().map(ImageRef::Catalogue))
    }

    /// Deletes a snapshot image (the catalogue's are not the project's to delete).
    pub fn delete_image(&mut self, id: &str) -> Result<(), ImageDeleteError> {
        if let Some(index) = self.snapshots.iter().position(|image| image.id == id) {
            self.snapshots.remove(index);
            Ok(())
        } else if self.catalogue.image(id).is_some() {
            Err(ImageDeleteError::NotAllowed)
        } else {
            Err(ImageDeleteError::NotFound)
        }
    }

    pub fn image(&self, id: &str) -> Option<ImageRef<'_>> {
        self.snapshots
            .iter()
            .find(|image| image.id == id)
            .map(ImageRef::Snapshot)
            .or_else(|| self.catalogue.image(id).map(ImageRef::Catalogue))
    }
}

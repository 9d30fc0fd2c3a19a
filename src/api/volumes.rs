//! Disks: a server's volumes (Nova's `os-volume_attachments`, with Cinder's details when the
//! catalog lists block storage), the cloud's volume types and volume quota, and creating,
//! attaching, detaching and deleting data disks.

use ecs_api::ApiError;
use ecs_api::models::{
    Volume, VolumeAttachment, VolumeAttachmentBody, VolumeAttachmentList, VolumeBody, VolumeLimits,
    VolumeList, VolumeQuotaBody, VolumeQuotaSet, VolumeType, VolumeTypeList,
};
use ecs_api::requests::{AttachVolume, CreateVolume, NovaRequest};
use ecs_api::urls::VolumeEndpoint;

use super::{Api, ApiRequest, Service, client_error};

/// What the cloud says about a server's volumes.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ServerVolumes {
    /// Nova's list: every attached volume with its device.
    pub attachments: Vec<VolumeAttachment>,
    /// Cinder's details of those volumes (size, type, status); `None` on a cloud without
    /// Cinder in its catalog.
    pub details: Option<Vec<Volume>>,
}

/// How large a new volume may be, and why (GiB).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VolumeRoom {
    /// Cinder's quota set.
    Quota(VolumeQuotaSet),
    /// What Nova's limits tell (`maxTotalVolumeGigabytes` - `totalGigabytesUsed`), if anything.
    NovaLimits(Option<u64>),
}

impl VolumeRoom {
    /// The largest new volume allowed, `None` when nothing bounds it.
    pub fn largest_new_volume(&self) -> Option<u64> {
        match self {
            Self::Quota(quota) => quota.largest_new_volume(),
            Self::NovaLimits(left) => *left,
        }
    }
}

impl Api {
    /// The Cinder endpoint of the signed-in project, when the catalog has one.
    pub fn volume_endpoint(&self) -> Result<Option<VolumeEndpoint>, ApiError> {
        let session = self.current_session()?;
        let Some(endpoint) = session.volume_endpoint else {
            return Ok(None);
        };
        VolumeEndpoint::new(&endpoint, &session.project_id)
            .map(Some)
            .map_err(|error| {
                client_error(format!(
                    "The catalog's block storage endpoint is not usable ({error}). Ask your cloud administrator to check it."
                ))
            })
    }

    fn cinder(&self) -> Result<VolumeEndpoint, ApiError> {
        self.volume_endpoint()?.ok_or_else(|| {
            client_error(
                "This cloud's catalog lists no block storage service (Cinder), so volumes cannot be created or listed here."
                    .to_owned(),
            )
        })
    }

    /// `GET /servers/{id}/os-volume_attachments`.
    pub async fn volume_attachments(
        &self,
        server_id: &str,
    ) -> Result<Vec<VolumeAttachment>, ApiError> {
        let url = self.compute_endpoint()?.volume_attachments(server_id);
        let body: VolumeAttachmentList = self
            .fetch("volume attachments", ApiRequest::get(url))
            .await?;
        Ok(body.volume_attachments)
    }

    /// A server's volumes: Nova's attachments and, with Cinder, each one's details (from one
    /// `volumes/detail`, and by id for any it did not list).
    pub async fn server_volumes(&self, server_id: &str) -> Result<ServerVolumes, ApiError> {
        let attachments = self.volume_attachments(server_id).await?;
        if self.volume_endpoint()?.is_none() {
            return Ok(ServerVolumes {
                attachments,
                details: None,
            });
        }
        let mut details: Vec<Volume> = self
            .list_volumes(None)
            .await?
            .into_iter()
            .filter(|volume| {
                attachments
                    .iter()
                    .any(|attachment| attachment.volume_id == volume.id)
            })
            .collect();
        for attachment in &attachments {
            if !details
                .iter()
                .any(|volume| volume.id == attachment.volume_id)
            {
                details.push(self.get_volume(&attachment.volume_id).await?);
            }
        }
        Ok(ServerVolumes {
            attachments,
            details: Some(details),
        })
    }

    /// `GET volumes/detail[?status=...]` (Cinder).
    pub async fn list_volumes(&self, status: Option<&str>) -> Result<Vec<Volume>, ApiError> {
        let url = self.cinder()?.volumes_detail(status);
        let body: VolumeList = self
            .fetch("volumes", ApiRequest::get(url).to(Service::Volume))
            .await?;
        Ok(body.volumes)
    }

    /// The volumes a server can take now: `available` and attached nowhere.
    pub async fn available_volumes(&self) -> Result<Vec<Volume>, ApiError> {
        let mut volumes = self.list_volumes(Some("available")).await?;
        volumes.retain(Volume::is_available);
        Ok(volumes)
    }

    /// `GET volumes/{id}` (Cinder).
    pub async fn get_volume(&self, volume_id: &str) -> Result<Volume, ApiError> {
        let url = self.cinder()?.volume(volume_id);
        let body: VolumeBody = self
            .fetch("volume", ApiRequest::get(url).to(Service::Volume))
            .await?;
        Ok(body.volume)
    }

    /// `GET types`: the cloud's volume types; `None` on a cloud without Cinder.
    pub async fn volume_types(&self) -> Result<Option<Vec<VolumeType>>, ApiError> {
        let Some(cinder) = self.volume_endpoint()? else {
            return Ok(None);
        };
        let request = ApiRequest::get(cinder.volume_types()).to(Service::Volume);
        let body: VolumeTypeList = self.fetch("volume types", request).await?;
        Ok(Some(body.volume_types))
    }

    /// How large a new volume may be: Cinder's `os-quota-sets/{project}?usage=true`, or on a
    /// cloud without Cinder what Nova's limits tell.
    pub async fn volume_room(&self) -> Result<VolumeRoom, ApiError> {
        if let Some(cinder) = self.volume_endpoint()? {
            let request = ApiRequest::get(cinder.quota_usage()).to(Service::Volume);
            let body: VolumeQuotaBody = self.fetch("volume quota", request).await?;
            return Ok(VolumeRoom::Quota(body.quota_set));
        }
        let url = self.compute_endpoint()?.limits();
        let response = self.send(ApiRequest::get(url)).await?;
        let limits = VolumeLimits::from_limits_body(response.body.as_bytes())
            .map_err(|error| client_error(error.to_string()))?;
        Ok(VolumeRoom::NovaLimits(limits.gigabytes_remaining()))
    }

    /// `POST volumes` (Cinder): the new volume, usually still `creating`.
    pub async fn create_volume(&self, request: &CreateVolume) -> Result<Volume, ApiError> {
        let url = self.cinder()?.volumes();
        let request = ApiRequest::post(url, &request.to_body())?.to(Service::Volume);
        let body: VolumeBody = self.fetch("volume", request).await?;
        Ok(body.volume)
    }

    /// `DELETE volumes/{id}` (Cinder): accepted (202), the volume is `deleting` until it is gone.
    /// Cinder refuses (400) a volume that is attached or not available.
    pub async fn delete_volume(&self, volume_id: &str) -> Result<(), ApiError> {
        let url = self.cinder()?.volume(volume_id);
        self.send(ApiRequest::delete(url).to(Service::Volume))
            .await
            .map(drop)
    }

    /// `POST /servers/{id}/os-volume_attachments`.
    pub async fn attach_volume(
        &self,
        server_id: &str,
        volume_id: &str,
    ) -> Result<VolumeAttachment, ApiError> {
        let url = self.compute_endpoint()?.volume_attachments(server_id);
        let request = ApiRequest::post(url, &AttachVolume::volume(volume_id).to_body())?;
        let body: VolumeAttachmentBody = self.fetch("volume attachment", request).await?;
        Ok(body.volume_attachment)
    }

    /// `DELETE /servers/{id}/os-volume_attachments/{volume_id}`: Nova detaches it (202).
    pub async fn detach_volume(&self, server_id: &str, volume_id: &str) -> Result<(), ApiError> {
        let url = self
            .compute_endpoint()?
            .volume_attachment(server_id, volume_id);
        self.send(ApiRequest::delete(url)).await.map(drop)
    }
}

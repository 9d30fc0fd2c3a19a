//! Cinder block storage v3: `{endpoint}/v3/{project_id}/volumes`, `types`, `os-quota-sets`.

use super::{PROJECT_TEMPLATES, QueryString, UrlError, check_endpoint, encode};

/// The block-storage API (Cinder v3) of one project: `{base}/v3/{project_id}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VolumeEndpoint {
    /// Everything before `/v3`.
    base: String,
    project_id: String,
}

impl VolumeEndpoint {
    /// Accepts `https://host:8776`, `http://host/volume` (devstack), a catalog URL that names
    /// the version and project (`.../v3/{project_id}`, also as a `%(project_id)s` template, or
    /// `.../v3` alone) and relative proxy paths such as `/proxy/volume`.
    pub fn new(endpoint: &str, project_id: &str) -> Result<Self, UrlError> {
        let mut endpoint = check_endpoint(endpoint)?.to_owned();
        for template in PROJECT_TEMPLATES {
            endpoint = endpoint.replace(template, project_id);
        }
        let mut base = endpoint.as_str();
        if !project_id.is_empty() {
            base = base
                .strip_suffix(project_id)
                .and_then(|rest| rest.strip_suffix("/v3/"))
                .map_or(base, |rest| rest);
        }
        let base = base.strip_suffix("/v3").unwrap_or(base);
        Ok(Self {
            base: base.to_owned(),
            project_id: project_id.to_owned(),
        })
    }

    /// `{base}/v3/{project_id}` (no trailing slash).
    pub fn root(&self) -> String {
        format!("{}/v3/{}", self.base, encode(&self.project_id))
    }

    fn path(&self, path: &str) -> String {
        format!("{}/{path}", self.root())
    }

    /// `POST`: a new volume.
    pub fn volumes(&self) -> String {
        self.path("volumes")
    }

    /// `GET volumes/detail`, optionally only those in `status` (e.g. `available`).
    pub fn volumes_detail(&self, status: Option<&str>) -> String {
        let mut query = QueryString::default();
        query.push("status", status);
        self.path("volumes/detail") + &query.0
    }

    /// `GET` / `DELETE` one volume.
    pub fn volume(&self, volume_id: &str) -> String {
        self.path(&format!("volumes/{}", encode(volume_id)))
    }

    /// `GET types`: the volume types the project may use.
    pub fn volume_types(&self) -> String {
        self.path("types")
    }

    /// `GET types/default`.
    pub fn default_volume_type(&self) -> String {
        self.path("types/default")
    }

    /// `GET os-quota-sets/{project_id}?usage=true`: limits with what is in use.
    pub fn quota_usage(&self) -> String {
        self.path(&format!(
            "os-quota-sets/{}?usage=true",
            encode(&self.project_id)
        ))
    }

    /// `GET limits`: Cinder's absolute limits (`maxTotalVolumeGigabytes`, ...).
    pub fn limits(&self) -> String {
        self.path("limits")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROJECT: &str = "89afd400-b646-4bbc-b12b-c0a4d63e5bd3";

    #[test]
    fn endpoint_spellings_agree() {
        let expected = format!("https://volume.example.com:8776/v3/{PROJECT}/types");
        for endpoint in [
            "https://volume.example.com:8776".to_owned(),
            "https://volume.example.com:8776/".to_owned(),
            "https://volume.example.com:8776/v3".to_owned(),
            format!("https://volume.example.com:8776/v3/{PROJECT}"),
            format!("https://volume.example.com:8776/v3/{PROJECT}/"),
            "https://volume.example.com:8776/v3/%(project_id)s".to_owned(),
            "https://volume.example.com:8776/v3/$(tenant_id)s".to_owned(),
        ] {
            let cinder = VolumeEndpoint::new(&endpoint, PROJECT).unwrap();
            assert_eq!(cinder.volume_types(), expected, "{endpoint}");
        }
        let devstack = VolumeEndpoint::new("http://10.0.0.5/volume/v3/p1", "p1").unwrap();
        assert_eq!(devstack.volumes(), "http://10.0.0.5/volume/v3/p1/volumes");
        assert!(VolumeEndpoint::new("cinder:8776", "p").is_err());
        assert_eq!(VolumeEndpoint::new("", "p"), Err(UrlError::Empty));
    }

    #[test]
    fn resource_urls() {
        let cinder = VolumeEndpoint::new("/proxy/volume", "p 1").unwrap();
        assert_eq!(cinder.root(), "/proxy/volume/v3/p%201");
        assert_eq!(
            cinder.volumes_detail(None),
            "/proxy/volume/v3/p%201/volumes/detail"
        );
        assert_eq!(
            cinder.volumes_detail(Some("available")),
            "/proxy/volume/v3/p%201/volumes/detail?status=available"
        );
        assert_eq!(cinder.volume("v/1"), "/proxy/volume/v3/p%201/volumes/v%2F1");
        assert_eq!(
            cinder.default_volume_type(),
            "/proxy/volume/v3/p%201/types/default"
        );
        assert_eq!(
            cinder.quota_usage(),
            "/proxy/volume/v3/p%201/os-quota-sets/p%201?usage=true"
        );
        assert_eq!(cinder.limits(), "/proxy/volume/v3/p%201/limits");
    }
}

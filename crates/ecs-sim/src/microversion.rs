//! Nova microversion negotiation (facts/microversion-negotiation.json) over ecs-api's header
//! parsing: the simulator's range is 2.1 to 2.67.

use axum::http::HeaderMap;
use ecs_api::microversion::{
    MIN_MICROVERSION, NOVA_API_VERSION_HEADER, OPENSTACK_API_VERSION_HEADER, RequestedVersion,
};

pub use ecs_api::Microversion;

pub const MIN: Microversion = MIN_MICROVERSION;
pub const MAX: Microversion = Microversion::new(2, 67);

/// Why the requested microversion cannot be served; each maps to Nova's status and message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NegotiationError {
    #[error("API Version String {0} is of invalid format. Must be of format MajorNum.MinorNum.")]
    InvalidFormat(String),
    #[error("Version {0} is not supported by the API. Minimum is {MIN} and maximum is {MAX}.")]
    Unsupported(String),
}

/// Picks the microversion of a request; no header means the minimum, `latest` the maximum.
pub fn negotiate(headers: &HeaderMap) -> Result<Microversion, NegotiationError> {
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    let requested = RequestedVersion::from_headers(
        header(OPENSTACK_API_VERSION_HEADER),
        header(NOVA_API_VERSION_HEADER),
    )
    .map_err(|error| NegotiationError::InvalidFormat(error.0))?;
    let version = requested.map_or(MIN, |requested| requested.resolve(MAX));
    if version < MIN || version > MAX {
        return Err(NegotiationError::Unsupported(version.to_string()));
    }
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(*name, HeaderValue::from_static(value));
        }
        map
    }

    #[test]
    fn no_header_is_the_minimum_and_latest_the_maximum() {
        assert_eq!(negotiate(&HeaderMap::new()), Ok(MIN));
        assert_eq!(
            negotiate(&headers(&[("x-openstack-nova-api-version", "latest")])),
            Ok(MAX)
        );
    }

    #[test]
    fn out_of_range_and_malformed_versions_are_refused() {
        assert_eq!(
            negotiate(&headers(&[("x-openstack-nova-api-version", "2.68")])),
            Err(NegotiationError::Unsupported("2.68".into()))
        );
        assert_eq!(
            negotiate(&headers(&[("openstack-api-version", "compute 3.0")])),
            Err(NegotiationError::Unsupported("3.0".into()))
        );
        assert_eq!(
            negotiate(&headers(&[("x-openstack-nova-api-version", "two")])),
            Err(NegotiationError::InvalidFormat("two".into()))
        );
    }
}

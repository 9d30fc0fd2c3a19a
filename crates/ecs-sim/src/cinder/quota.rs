//! `/v3/{project_id}/os-quota-sets/{project_id}[?usage=true]` and `/limits`: the volume quota
//! and what the project's volumes (boot volumes included) take of it.

use axum::Extension;
use axum::extract::{Path, State};
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::store::VOLUME_TYPES;
use super::{CinderError, Ctx};
use crate::Simulator;
use crate::compute::{query_pairs, query_value};

/// Cinder's `-1`: no limit. The simulator's quota is unsigned; `u64::MAX` means unlimited.
fn limit(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(-1)
}

/// One resource: the bare limit, or with usage `{"limit", "in_use", "reserved"}`.
fn resource(limit: i64, in_use: u64, usage: bool) -> Value {
    if usage {
        json!({"limit": limit, "in_use": in_use, "reserved": 0})
    } else {
        json!(limit)
    }
}

pub async fn show(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    Path((_project, target)): Path<(String, String)>,
    uri: Uri,
) -> Result<Response, CinderError> {
    if target != ctx.project_id {
        return Err(CinderError::new(
            axum::http::StatusCode::FORBIDDEN,
            "Policy doesn't allow volume_extension:quotas:show to be performed.",
        ));
    }
    let query = query_pairs(&uri);
    let usage = match query_value(&query, "usage") {
        None => false,
        Some(text) => match text.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" | "y" | "on" | "t" => true,
            "false" | "0" | "no" | "n" | "off" | "f" => false,
            _ => {
                return Err(CinderError::invalid_input(format!(
                    "Unrecognized value '{text}', acceptable values are: '0', '1', 'f', 'false', 'n', 'no', 'off', 'on', 't', 'true', 'y', 'yes'"
                )));
            }
        },
    };
    let mut state = simulator.state();
    state.settle_volumes(time::OffsetDateTime::now_utc());
    let quota = state.volumes.quota;
    let used = state.volumes.usage();
    let mut set = Map::new();
    set.insert("id".into(), json!(target));
    set.insert("backup_gigabytes".into(), resource(1000, 0, usage));
    set.insert("backups".into(), resource(10, 0, usage));
    set.insert(
        "gigabytes".into(),
        resource(limit(quota.gigabytes), used.gigabytes, usage),
    );
    set.insert("groups".into(), resource(10, 0, usage));
    set.insert(
        "per_volume_gigabytes".into(),
        resource(limit(quota.per_volume_gigabytes), 0, usage),
    );
    set.insert("snapshots".into(), resource(10, 0, usage));
    set.insert(
        "volumes".into(),
        resource(limit(quota.volumes), used.volumes, usage),
    );
    // Cinder adds a per-type line for each type: unlimited unless set.
    for kind in &VOLUME_TYPES {
        let (count, size) = state.volumes.usage_of_type(kind.name);
        set.insert(
            format!("gigabytes_{}", kind.name),
            resource(-1, size, usage),
        );
        set.insert(format!("snapshots_{}", kind.name), resource(-1, 0, usage));
        set.insert(format!("volumes_{}", kind.name), resource(-1, count, usage));
    }
    Ok(axum::Json(json!({"quota_set": set})).into_response())
}

/// `GET limits`: Cinder's absolute limits (no rate limits).
pub async fn limits(State(simulator): State<Simulator>) -> Response {
    let mut state = simulator.state();
    state.settle_volumes(time::OffsetDateTime::now_utc());
    let quota = state.volumes.quota;
    let used = state.volumes.usage();
    axum::Json(json!({"limits": {"rate": [], "absolute": {
        "totalSnapshotsUsed": 0,
        "maxTotalBackups": 10,
        "maxTotalVolumeGigabytes": limit(quota.gigabytes),
        "maxTotalSnapshots": 10,
        "maxTotalBackupGigabytes": 1000,
        "totalBackupGigabytesUsed": 0,
        "maxTotalVolumes": limit(quota.volumes),
        "totalVolumesUsed": used.volumes,
        "totalBackupsUsed": 0,
        "totalGigabytesUsed": used.gigabytes,
    }}}))
    .into_response()
}

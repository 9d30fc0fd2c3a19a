//! `/v3/{project_id}/types[/{id}|/default]`: the cloud's volume types as a member sees them
//! (no QoS id; no sensitive extra specs, and these types have none a member may see).

use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::CinderError;
use super::store::{VOLUME_TYPES, VolumeTypeInfo, default_volume_type, volume_type};

fn view(kind: &VolumeTypeInfo) -> Value {
    json!({
        "id": kind.id,
        "name": kind.name,
        "is_public": true,
        "extra_specs": {},
        "description": kind.description,
        "os-volume-type-access:is_public": true,
    })
}

pub async fn index() -> Response {
    let types: Vec<Value> = VOLUME_TYPES.iter().map(view).collect();
    axum::Json(json!({"volume_types": types})).into_response()
}

/// `types/{id}` by id (or name, as Cinder also finds it), and `types/default`.
pub async fn show(Path((_project, id)): Path<(String, String)>) -> Result<Response, CinderError> {
    let kind = if id == "default" {
        default_volume_type()
    } else {
        volume_type(&id).ok_or_else(|| {
            CinderError::not_found(format!("Volume type {id} could not be found."))
        })?
    };
    Ok(axum::Json(json!({"volume_type": view(kind)})).into_response())
}

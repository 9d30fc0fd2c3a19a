//! `os-keypairs`: list (paged from 2.35), show, delete, create (generated) and import.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::{
    Ctx, PathParam, RequestBody, json_body, limit_param, naive_time, next_link, paginate,
    query_pairs, query_value, schema_object,
};
use crate::Simulator;
use crate::fault::Fault;
use crate::keys;
use crate::state::{KeyPair, State as SimState};
use ecs_api::requests::{KeyPairRequest, NovaRequest};
use ecs_api::validate;

fn list_view(key_pair: &KeyPair, ctx: &Ctx) -> Value {
    let mut view = json!({
        "name": key_pair.name,
        "public_key": key_pair.public_key,
        "fingerprint": key_pair.fingerprint,
    });
    if ctx.since(2) {
        view["type"] = json!(key_pair.key_type);
    }
    json!({"keypair": view})
}

fn show_view(key_pair: &KeyPair, ctx: &Ctx) -> Value {
    let mut view = json!({
        "name": key_pair.name,
        "public_key": key_pair.public_key,
        "fingerprint": key_pair.fingerprint,
        "user_id": ctx.user_id,
        "deleted": false,
        "created_at": naive_time(key_pair.created_at),
        "updated_at": null,
        "deleted_at": null,
        "id": key_pair.id,
    });
    if ctx.since(2) {
        view["type"] = json!(key_pair.key_type);
    }
    view
}

fn not_found(name: &str, ctx: &Ctx) -> Fault {
    Fault::not_found(format!("Keypair {name} not found for user {}", ctx.user_id))
}

pub async fn index(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, Fault> {
    let query = query_pairs(&uri);
    let paged = ctx.since(35);
    let (limit, marker) = if paged {
        (limit_param(&query)?, query_value(&query, "marker"))
    } else {
        (None, None)
    };
    let state = simulator.state();
    let key_pairs: Vec<&KeyPair> = state.key_pairs.values().collect();
    let page = paginate(
        key_pairs,
        |key_pair| key_pair.name.clone(),
        limit,
        marker,
        |marker| Fault::bad_request(format!("Marker {marker} could not be found.")),
    )?;
    let mut body = json!({"keypairs": page.items.iter().map(|key_pair| list_view(key_pair, &ctx)).collect::<Vec<_>>()});
    if paged && let Some(marker) = page.next_marker {
        body["keypairs_links"] = next_link(&ctx, "os-keypairs", &query, &marker);
    }
    Ok(axum::Json(body).into_response())
}

pub async fn show(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(name): PathParam,
) -> Result<Response, Fault> {
    let state = simulator.state();
    let key_pair = state
        .key_pairs
        .get(&name)
        .ok_or_else(|| not_found(&name, &ctx))?;
    Ok(axum::Json(json!({"keypair": show_view(key_pair, &ctx)})).into_response())
}

pub async fn delete(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(name): PathParam,
) -> Result<Response, Fault> {
    simulator
        .state()
        .key_pairs
        .remove(&name)
        .ok_or_else(|| not_found(&name, &ctx))?;
    let status = if ctx.since(2) {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::ACCEPTED
    };
    Ok(status.into_response())
}

/// A create or import request that passed Nova's schema.
struct CreateRequest {
    name: String,
    key_type: String,
    public_key: Option<String>,
}

/// Nova's request schema for the microversion, then ecs-api's decoding and name rule.
fn parse_create(bytes: &[u8], body: &Value, ctx: &Ctx) -> Result<CreateRequest, Fault> {
    let root = schema_object("root", body, &["keypair"], &["keypair"])?;
    let mut allowed = vec!["name", "public_key"];
    if ctx.since(2) {
        allowed.push("type");
    }
    if ctx.since(10) {
        allowed.push("user_id");
    }
    let keypair = &root["keypair"];
    let fields = schema_object("keypair", keypair, &allowed, &["name"])?;
    let name_value = &fields["name"];
    if !name_value.is_string() {
        return Err(Fault::invalid_field(
            "name",
            name_value,
            "is not of type 'string'",
        ));
    }
    match fields.get("type") {
        None => {}
        Some(Value::String(kind)) if kind == "ssh" || kind == "x509" => {}
        Some(other) => {
            return Err(Fault::invalid_field(
                "type",
                other,
                &format!("{other} is not one of ['ssh', 'x509']"),
            ));
        }
    }
    if let Some(other) = fields.get("public_key").filter(|key| !key.is_string()) {
        return Err(Fault::invalid_field(
            "public_key",
            other,
            "is not of type 'string'",
        ));
    }
    let request = KeyPairRequest::parse_body(bytes).map_err(|error| {
        Fault::bad_request(format!(
            "The key pair request is invalid: {}",
            error.message
        ))
    })?;
    if let Err(error) = validate::key_pair_name(&request.name) {
        return Err(Fault::invalid_field("name", name_value, &error.message));
    }
    if request
        .user_id
        .as_ref()
        .is_some_and(|user_id| *user_id != ctx.user_id)
    {
        return Err(Fault::forbidden(
            "Policy doesn't allow os_compute_api:os-keypairs:create to be performed.",
        ));
    }
    Ok(CreateRequest {
        name: request.name,
        key_type: request.key_type.unwrap_or_else(|| "ssh".to_owned()),
        public_key: request.public_key,
    })
}

/// The name is free (the console checks the same rule before sending) and the quota has room.
fn room_for(state: &SimState, name: &str) -> Result<(), Fault> {
    if validate::key_pair_name_free(name, state.key_pairs.keys().map(String::as_str)).is_err() {
        // Nova's words (`KeyPairExists`), not the console's.
        return Err(Fault::conflict(format!(
            "Key pair '{name}' already exists."
        )));
    }
    if state.key_pairs.len() as u64 >= state.quota.key_pairs {
        return Err(Fault::forbidden("Quota exceeded, too many key pairs."));
    }
    Ok(())
}

pub async fn create(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    RequestBody(body): RequestBody,
) -> Result<Response, Fault> {
    let value = json_body(&headers, &body)?;
    let request = parse_create(&body, &value, &ctx)?;
    room_for(&simulator.state(), &request.name)?;
    let (public_key, fingerprint, private_key) = match &request.public_key {
        Some(public_key) => {
            if request.key_type == "x509" {
                return Err(Fault::bad_request(
                    "Keypair data is invalid: failed to generate X509 fingerprint",
                ));
            }
            let fingerprint = validate::public_key(public_key)
                .map(|key| key.fingerprint())
                .map_err(|error| {
                    Fault::bad_request(format!(
                        "Keypair data is invalid: failed to generate fingerprint. {}",
                        error.message
                    ))
                })?;
            (public_key.clone(), fingerprint, None)
        }
        None => {
            if request.key_type == "x509" {
                return Err(Fault::bad_request(
                    "Keypair data is invalid: ecs-sim generates ssh key pairs only; import an x509 certificate instead",
                ));
            }
            let generated = tokio::task::spawn_blocking(keys::generate)
                .await
                .map_err(|_| {
                    Fault::new(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Key pair generation was interrupted.",
                    )
                })?
                .map_err(|error| {
                    Fault::new(StatusCode::INTERNAL_SERVER_ERROR, error.to_string())
                })?;
            (
                generated.public_key,
                generated.fingerprint,
                Some(generated.private_key),
            )
        }
    };
    // Checked again: another request may have taken the name while the key was generated.
    let key_pair = {
        let mut state = simulator.state();
        room_for(&state, &request.name)?;
        state.add_key_pair(
            request.name.clone(),
            request.key_type.clone(),
            public_key,
            fingerprint,
        )
    };
    let mut view = json!({
        "name": key_pair.name,
        "public_key": key_pair.public_key,
        "fingerprint": key_pair.fingerprint,
        "user_id": ctx.user_id,
    });
    if ctx.since(2) {
        view["type"] = json!(key_pair.key_type);
    }
    if let Some(private_key) = private_key {
        view["private_key"] = json!(private_key);
    }
    let status = if ctx.since(2) {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(json!({"keypair": view}))).into_response())
}

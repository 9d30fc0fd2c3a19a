//! `servers`: create, list, detail, show, delete and the os-start, os-stop, reboot and
//! os-getConsoleOutput actions (the day-two actions and rename are in `server_actions`).

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::flavors::extra_specs;
use super::server_query::{Selection, ServerListQuery};
use super::{
    Ctx, PathParam, RequestBody, iso_time, json_body, naive_time, query_pairs, schema_object,
};
use crate::Simulator;
use crate::fault::Fault;
use crate::ids;
use crate::state::{Action, ActionError, NewServer, Server, State as SimState};

const HOST: &str = "ecs-sim-host-01";
const HYPERVISOR: &str = "ecs-sim-node-01";

pub(super) fn not_found(id: &str) -> Fault {
    Fault::not_found(format!("Instance {id} could not be found."))
}

/// The full server representation for `ctx.version`.
pub(super) fn server_view(
    server: &Server,
    state: &SimState,
    ctx: &Ctx,
    now: OffsetDateTime,
) -> Value {
    let fraction = server.fraction(now);
    let view = server
        .phase
        .view(fraction, server.boot_from_volume(), server.before_delete);
    let building = view.status == "BUILD";
    // Addresses and the volume appear once the build has passed those steps. A build that fails
    // ("No valid host was found") never reaches a host, so it never gets an address.
    let scheduled = (!building || fraction >= 0.2) && !server.fails_build;
    // Nova nulls the host of a shelved-offloaded server (its ports and zone stay).
    let on_host = scheduled && server.phase.on_host();
    let volume_attached = !building || fraction >= 0.5;
    let mut addresses = Map::new();
    if scheduled {
        for port in &server.ports {
            let label = state
                .catalogue
                .network(&port.network_id)
                .map_or_else(|| port.network_id.clone(), |network| network.label.clone());
            let address = |addr: String, kind: &str| {
                json!({
                    "version": 4,
                    "addr": addr,
                    "OS-EXT-IPS:type": kind,
                    "OS-EXT-IPS-MAC:mac_addr": port.mac,
                })
            };
            let mut entries = vec![address(port.ip.to_string(), "fixed")];
            // A floating IP associated with the port follows its fixed address, as Nova lists it.
            if let Some(floating) = state.floating_ips.of_port(&port.id) {
                entries.push(address(floating.address.to_string(), "floating"));
            }
            match addresses.get_mut(&label) {
                Some(Value::Array(list)) => list.extend(entries),
                _ => {
                    addresses.insert(label, Value::Array(entries));
                }
            }
        }
    }
    // Every volume Cinder attached to it (the boot volume once the build has made it), in
    // attachment order as Nova lists its block device mappings.
    let mut attached = state.volumes.of_server(&server.id);
    attached.retain(|record| {
        record
            .attachment
            .as_ref()
            .is_some_and(|attachment| volume_attached || !attachment.is_root)
    });
    attached.sort_by_key(|record| {
        record
            .attachment
            .as_ref()
            .map(|attachment| (!attachment.is_root, attachment.attached_at))
    });
    let volumes: Vec<Value> = attached
        .iter()
        .filter_map(|record| {
            let attachment = record.attachment.as_ref()?;
            Some(if ctx.since(3) {
                json!({"id": record.id, "delete_on_termination": attachment.delete_on_termination})
            } else {
                json!({"id": record.id})
            })
        })
        .collect();
    let image = match &server.spec.image_id {
        Some(id) => {
            json!({"id": id, "links": [{"href": ctx.bookmark_link(&format!("images/{id}")), "rel": "bookmark"}]})
        }
        None => json!(""),
    };
    let flavor = state.catalogue.flavor(&server.spec.flavor_id);
    let flavor_view = if ctx.since(47) {
        match flavor {
            Some(flavor) => json!({
                "vcpus": flavor.vcpus,
                "ram": flavor.ram_mb,
                "disk": flavor.disk_gb,
                "ephemeral": flavor.ephemeral_gb,
                "swap": 0,
                "original_name": flavor.name,
                "extra_specs": extra_specs(flavor),
            }),
            None => {
                json!({"vcpus": 0, "ram": 0, "disk": 0, "ephemeral": 0, "swap": 0, "original_name": server.spec.flavor_id})
            }
        }
    } else {
        json!({
            "id": server.spec.flavor_id,
            "links": [{"href": ctx.bookmark_link(&format!("flavors/{}", server.spec.flavor_id)), "rel": "bookmark"}]
        })
    };
    let mut body = json!({
        "id": server.id,
        "name": server.spec.name,
        "status": view.status,
        "tenant_id": ctx.project_id,
        "user_id": ctx.user_id,
        "metadata": server.spec.metadata,
        "hostId": if on_host { host_id(&ctx.project_id) } else { String::new() },
        "image": image,
        "flavor": flavor_view,
        "created": iso_time(server.created),
        "updated": iso_time(server.updated.max(phase_update_time(server, now))),
        "addresses": addresses,
        "accessIPv4": server.spec.access_ipv4,
        "accessIPv6": server.spec.access_ipv6,
        "links": ctx.links(&format!("servers/{}", server.id)),
        "key_name": server.spec.key_name,
        "config_drive": if server.spec.config_drive { "True" } else { "" },
        "security_groups": server.spec.security_groups.iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
        "OS-DCF:diskConfig": server.spec.disk_config,
        "OS-EXT-AZ:availability_zone": if scheduled { server.spec.zone.as_str() } else { "" },
        "OS-EXT-SRV-ATTR:host": if on_host { Some(HOST) } else { None },
        "OS-EXT-SRV-ATTR:hypervisor_hostname": if on_host { Some(HYPERVISOR) } else { None },
        "OS-EXT-SRV-ATTR:instance_name": format!("instance-{:08x}", server.instance_number),
        "OS-EXT-STS:task_state": view.task_state,
        "OS-EXT-STS:vm_state": view.vm_state,
        "OS-EXT-STS:power_state": view.power_state,
        "OS-SRV-USG:launched_at": server.launched_at.map(naive_time),
        "OS-SRV-USG:terminated_at": null,
        "os-extended-volumes:volumes_attached": volumes,
    });
    if let Some(progress) = view.progress {
        body["progress"] = json!(progress);
    }
    if ctx.since(3) {
        body["OS-EXT-SRV-ATTR:hostname"] = json!(server.hostname);
        body["OS-EXT-SRV-ATTR:kernel_id"] = json!("");
        body["OS-EXT-SRV-ATTR:ramdisk_id"] = json!("");
        body["OS-EXT-SRV-ATTR:launch_index"] = json!(server.launch_index);
        body["OS-EXT-SRV-ATTR:reservation_id"] = json!(server.reservation_id);
        body["OS-EXT-SRV-ATTR:root_device_name"] = json!(if server.boot_from_volume() {
            "/dev/vda"
        } else {
            "/dev/sda"
        });
        body["OS-EXT-SRV-ATTR:user_data"] = json!(server.spec.user_data);
    }
    if ctx.since(9) {
        body["locked"] = json!(server.locked);
    }
    if ctx.since(19) {
        body["description"] = json!(server.spec.description);
    }
    if ctx.since(26) {
        body["tags"] = json!(server.spec.tags);
    }
    if ctx.since(63) {
        body["trusted_image_certificates"] = json!(server.spec.trusted_image_certificates);
    }
    if let Some(fault) = &server.fault {
        // Nova hides details of 500 faults from non-admins.
        body["fault"] = json!({"code": fault.code, "created": iso_time(fault.created), "message": fault.message});
    }
    body
}

/// `updated` moves while a build progresses, as Nova's task state updates touch the record.
fn phase_update_time(server: &Server, now: OffsetDateTime) -> OffsetDateTime {
    if server.phase.is_transitional() {
        now.min(server.phase_started + server.phase_duration)
    } else {
        server.updated
    }
}

/// Nova's hostId: a hash of project and host, the same for servers sharing a host.
fn host_id(project_id: &str) -> String {
    ecs_api::validate::md5_fingerprint(format!("{project_id}{HOST}").as_bytes()).replace(':', "")
}

fn summary_view(server: &Server, ctx: &Ctx) -> Value {
    json!({"id": server.id, "name": server.spec.name, "links": ctx.links(&format!("servers/{}", server.id))})
}

fn list(simulator: &Simulator, ctx: &Ctx, uri: &Uri, detailed: bool) -> Result<Response, Fault> {
    let query = query_pairs(uri);
    let list_query = ServerListQuery::parse(&query, ctx)?;
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state.settle(now);
    let body = match list_query.select(&state, now)? {
        Selection::Empty => json!({"servers": []}),
        Selection::Page(page) => page.into_body("servers", ctx, uri.path(), &query, |server| {
            if detailed {
                server_view(server, &state, ctx, now)
            } else {
                summary_view(server, ctx)
            }
        }),
    };
    Ok(axum::Json(body).into_response())
}

pub async fn index(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, Fault> {
    list(&simulator, &ctx, &uri, false)
}

pub async fn detail(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    uri: Uri,
) -> Result<Response, Fault> {
    list(&simulator, &ctx, &uri, true)
}

pub async fn show(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    let now = OffsetDateTime::now_utc();
    let mut state = simulator.state();
    state.settle(now);
    let server = state.servers.get(&id).ok_or_else(|| not_found(&id))?;
    Ok(axum::Json(json!({"server": server_view(server, &state, &ctx, now)})).into_response())
}

pub async fn delete(
    State(simulator): State<Simulator>,
    Extension(_ctx): Extension<Ctx>,
    PathParam(id): PathParam,
) -> Result<Response, Fault> {
    let knobs = simulator.knobs();
    apply(&simulator, &id, Action::Delete, &knobs)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}

fn apply(
    simulator: &Simulator,
    id: &str,
    action: Action,
    knobs: &crate::Knobs,
) -> Result<(), Fault> {
    simulator
        .state()
        .apply(id, action, knobs)
        .map_err(|error| action_fault(id, action.nova_name(), error))
}

/// Nova's answer when action `name` (as its messages name it) is refused on server `id`.
pub(super) fn action_fault(id: &str, name: &str, error: ActionError) -> Fault {
    match error {
        ActionError::NotFound => not_found(id),
        ActionError::Locked => Fault::conflict(format!("Instance {id} is locked")),
        ActionError::Conflict { attribute, state } => Fault::conflict(format!(
            "Cannot '{name}' instance {id} while it is in {attribute} {state}"
        )),
        ActionError::BadRequest(message) => Fault::bad_request(message),
        ActionError::OverQuota(message) => Fault::forbidden(message),
    }
}

pub async fn action(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
    headers: HeaderMap,
    RequestBody(body): RequestBody,
) -> Result<Response, Fault> {
    let body = json_body(&headers, &body)?;
    let object = body
        .as_object()
        .filter(|object| object.len() == 1)
        .ok_or_else(|| Fault::bad_request("There is no such action: None"))?;
    let (name, argument) = object
        .iter()
        .next()
        .ok_or_else(|| Fault::bad_request("There is no such action: None"))?;
    let action = match name.as_str() {
        "os-getConsoleOutput" => {
            return super::console_output::get(&simulator, &id, argument).await;
        }
        "os-start" | "os-stop" if !argument.is_null() => {
            return Err(Fault::invalid_field(
                name,
                argument,
                &format!("{argument} is not of type 'null'"),
            ));
        }
        "os-start" => Action::Start,
        "os-stop" => Action::Stop,
        "reboot" => Action::Reboot {
            hard: reboot_is_hard(argument)?,
        },
        other => {
            return super::server_actions::perform(&simulator, &ctx, &id, other, argument).await;
        }
    };
    if !simulator.state().servers.contains_key(&id) {
        return Err(not_found(&id));
    }
    let knobs = simulator.knobs();
    apply(&simulator, &id, action, &knobs)?;
    simulator.record_server_action(&id, name);
    Ok(StatusCode::ACCEPTED.into_response())
}

fn reboot_is_hard(argument: &Value) -> Result<bool, Fault> {
    let object = schema_object("reboot", argument, &["type"], &["type"])?;
    let kind = &object["type"];
    match kind.as_str() {
        Some("HARD" | "Hard" | "hard") => Ok(true),
        Some("SOFT" | "Soft" | "soft") => Ok(false),
        _ => Err(Fault::invalid_field(
            "type",
            kind,
            &format!("{kind} is not one of ['HARD', 'Hard', 'hard', 'SOFT', 'Soft', 'soft']"),
        )),
    }
}

pub async fn create(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    headers: HeaderMap,
    RequestBody(body): RequestBody,
) -> Result<Response, Fault> {
    let value = json_body(&headers, &body)?;
    let server = super::server_create::parse(&body, &value, &ctx)?;
    let knobs = simulator.knobs();
    let admin_pass = server
        .request
        .admin_pass
        .as_ref()
        .map_or_else(ids::admin_password, |pass| pass.expose().to_owned());
    let (ids, _reservation_id) = {
        let mut state = simulator.state();
        state.settle(OffsetDateTime::now_utc());
        let request: NewServer = super::server_create::resolve(server, &state)?;
        let count = state
            .admissible_count(&request)
            .map_err(|exceeded| Fault::forbidden(exceeded.message()))?;
        let created = state.create_servers(&request, count, &knobs);
        super::server_create::create_boot_volumes(&mut state, &request, &created.0);
        super::guest::provision(&mut state, &created.0);
        created
    };
    let first = ids.first().cloned().unwrap_or_default();
    let security_groups = {
        let state = simulator.state();
        state
            .servers
            .get(&first)
            .map(|server| server.spec.security_groups.clone())
            .unwrap_or_default()
    };
    let disk_config = simulator.state().servers.get(&first).map_or_else(
        || "MANUAL".to_owned(),
        |server| server.spec.disk_config.clone(),
    );
    let body = json!({
        "server": {
            "id": first,
            "links": ctx.links(&format!("servers/{first}")),
            "OS-DCF:diskConfig": disk_config,
            "security_groups": security_groups.iter().map(|name| json!({"name": name})).collect::<Vec<_>>(),
            "adminPass": admin_pass,
        }
    });
    let mut response = (StatusCode::ACCEPTED, axum::Json(body)).into_response();
    if let Ok(location) = HeaderValue::from_str(&ctx.self_link(&format!("servers/{first}"))) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

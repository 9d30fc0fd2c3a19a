//! `POST /servers`: Nova's request schema for the microversion (written here: ecs-api decodes
//! tolerantly and does not carry Nova's wire schema), decoding with ecs-api's `CreateServer`,
//! then ecs-api's validation rules and the checks against the cloud, in Nova's order.

use ecs_api::models::{AvailabilityZone, ZoneState};
use ecs_api::requests::{CreateServer, NetworkChoice, NovaRequest};
use ecs_api::validate;
use serde_json::{Map, Value};

use super::{Ctx, schema_object};
use crate::cinder::{NewVolumeRecord, default_volume_type, volume_type};
use crate::fault::Fault;
use crate::state::{ImageRef, NewServer, NewVolume, ServerSpec, State};

/// A create request that passed the schema, before it is checked against the cloud.
pub struct ParsedServer {
    /// The fields the console sends, decoded by ecs-api.
    pub request: CreateServer,
    pub tags: Vec<String>,
    pub access_ipv4: String,
    pub access_ipv6: String,
    pub disk_config: String,
    pub config_drive: bool,
    pub trusted_image_certificates: Option<Vec<String>>,
}

const BASE_FIELDS: [&str; 18] = [
    "name",
    "imageRef",
    "flavorRef",
    "adminPass",
    "metadata",
    "networks",
    "OS-DCF:diskConfig",
    "accessIPv4",
    "accessIPv6",
    "availability_zone",
    "block_device_mapping",
    "block_device_mapping_v2",
    "config_drive",
    "key_name",
    "min_count",
    "max_count",
    "return_reservation_id",
    "security_groups",
];

const BDM_FIELDS: [&str; 16] = [
    "virtual_name",
    "volume_id",
    "snapshot_id",
    "volume_size",
    "device_name",
    "delete_on_termination",
    "no_device",
    "connection_info",
    "source_type",
    "uuid",
    "image_id",
    "destination_type",
    "guest_format",
    "device_type",
    "disk_bus",
    "boot_index",
];

const TRUE_WORDS: [&str; 8] = ["True", "TRUE", "true", "1", "ON", "On", "on", "YES"];
const BOOL_WORDS: [&str; 22] = [
    "True", "TRUE", "true", "1", "ON", "On", "on", "YES", "Yes", "yes", "False", "FALSE", "false",
    "0", "OFF", "Off", "off", "NO", "No", "no", "y", "n",
];

fn allowed_fields(ctx: &Ctx) -> Vec<&'static str> {
    let mut fields = BASE_FIELDS.to_vec();
    fields.push("user_data");
    if !ctx.since(57) {
        fields.push("personality");
    }
    if ctx.since(19) {
        fields.push("description");
    }
    if ctx.since(52) {
        fields.push("tags");
    }
    if ctx.since(63) {
        fields.push("trusted_image_certificates");
    }
    fields
}

fn schema_error(path: &str, value: &Value, reason: &str) -> Fault {
    Fault::invalid_field(path, value, reason)
}

fn string_field(server: &Map<String, Value>, key: &str) -> Result<Option<String>, Fault> {
    match server.get(key) {
        None => Ok(None),
        Some(Value::String(text)) => Ok(Some(text.clone())),
        Some(other) => Err(schema_error(
            key,
            other,
            &format!("{other} is not of type 'string'"),
        )),
    }
}

/// `min_count` / `max_count` as Nova's schema checks them: an integer, or a string of digits,
/// at least 1 (a count too large for any quota is left to the quota check, as Nova does).
fn count_field(server: &Map<String, Value>, key: &str) -> Result<(), Fault> {
    let Some(value) = server.get(key) else {
        return Ok(());
    };
    let at_least_one = match value {
        Value::Number(number) if number.is_u64() => number.as_u64() != Some(0),
        Value::Number(number) if number.is_i64() => false,
        // Integers past u64 arrive as floats; a fraction is no integer.
        Value::Number(number) if number.as_f64().is_some_and(|f| f.fract() == 0.0) => {
            number.as_f64().is_some_and(|f| f >= 1.0)
        }
        Value::String(text) if text.bytes().all(|b| b.is_ascii_digit()) => {
            text.bytes().any(|b| b != b'0')
        }
        Value::String(text) => {
            return Err(schema_error(
                key,
                value,
                &format!("'{text}' does not match '^[0-9]*$'"),
            ));
        }
        other => {
            return Err(schema_error(
                key,
                other,
                &format!("{other} is not of type 'integer', 'string'"),
            ));
        }
    };
    if at_least_one {
        Ok(())
    } else {
        Err(schema_error(
            key,
            value,
            &format!("{value} is less than the minimum of 1"),
        ))
    }
}

fn bool_value(value: &Value, path: &str) -> Result<bool, Fault> {
    match value {
        Value::Bool(flag) => Ok(*flag),
        Value::String(text) if BOOL_WORDS.contains(&text.as_str()) => Ok(TRUE_WORDS
            .contains(&text.as_str())
            || text == "Yes"
            || text == "yes"
            || text == "y"),
        other => Err(schema_error(
            path,
            other,
            &format!("{other} is not of type 'boolean', 'string'"),
        )),
    }
}

fn integer_like(value: &Value, path: &str) -> Result<i64, Fault> {
    match value {
        Value::Number(number) => number.as_i64().ok_or_else(|| {
            schema_error(
                path,
                value,
                &format!("{value} is not of type 'integer', 'string'"),
            )
        }),
        Value::String(text) => text.trim().parse::<i64>().map_err(|_| {
            schema_error(
                path,
                value,
                &format!("'{text}' does not match '^-?[0-9]+$'"),
            )
        }),
        other => Err(schema_error(
            path,
            other,
            &format!("{other} is not of type 'integer', 'string'"),
        )),
    }
}

fn is_uuid(text: &str) -> bool {
    uuid::Uuid::parse_str(text).is_ok()
}

/// Checks `body` against Nova's request schema and decodes it.
pub fn parse(bytes: &[u8], body: &Value, ctx: &Ctx) -> Result<ParsedServer, Fault> {
    let server = check_schema(body, ctx)?;
    let request = CreateServer::parse_body(bytes).map_err(|error| {
        Fault::bad_request(format!("The server request is invalid: {}", error.message))
    })?;
    if validate::server_name(&request.name).is_err() {
        return Err(Fault::bad_request(
            "An invalid 'name' value was provided. The name must be: printable characters. Can not start or end with whitespace.",
        ));
    }
    if let Some(data) = &request.user_data
        && let Err(error) = validate::user_data(data)
    {
        return Err(schema_error(
            "user_data",
            &Value::String(data.clone()),
            &error.message,
        ));
    }
    if request.min_count.unwrap_or(1) > request.max_count.or(request.min_count).unwrap_or(1) {
        return Err(Fault::bad_request("min_count must be <= max_count"));
    }
    let text = |key: &str| server.get(key).and_then(Value::as_str).map(str::to_owned);
    Ok(ParsedServer {
        tags: server
            .get("tags")
            .and_then(Value::as_array)
            .map(|tags| {
                tags.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default(),
        access_ipv4: text("accessIPv4").unwrap_or_default(),
        access_ipv6: text("accessIPv6").unwrap_or_default(),
        disk_config: text("OS-DCF:diskConfig").unwrap_or_else(|| "MANUAL".to_owned()),
        config_drive: match server.get("config_drive") {
            Some(value) => bool_value(value, "config_drive")?,
            None => false,
        },
        trusted_image_certificates: server
            .get("trusted_image_certificates")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            }),
        request,
    })
}

/// Nova's request schema for `POST /servers` at `ctx.version` (the parts a client can get
/// wrong); returns the `server` object.
fn check_schema<'a>(body: &'a Value, ctx: &Ctx) -> Result<&'a Map<String, Value>, Fault> {
    let root = schema_object(
        "root",
        body,
        &["server", "os:scheduler_hints", "OS-SCH-HNT:scheduler_hints"],
        &["server"],
    )?;
    let mut required = vec!["name", "flavorRef"];
    if ctx.since(37) {
        required.push("networks");
    }
    let server = schema_object("server", &root["server"], &allowed_fields(ctx), &required)?;
    for key in [
        "name",
        "key_name",
        "availability_zone",
        "adminPass",
        "user_data",
        "accessIPv4",
        "accessIPv6",
    ] {
        string_field(server, key)?;
    }
    match server.get("flavorRef") {
        Some(Value::String(text)) if !text.is_empty() => {}
        Some(Value::Number(_)) => {}
        Some(other) => {
            return Err(schema_error(
                "flavorRef",
                other,
                &format!("{other} is too short"),
            ));
        }
        None => {}
    }
    match server.get("imageRef") {
        None => {}
        Some(Value::String(text)) if text.is_empty() || is_uuid(text) => {}
        Some(other) => {
            return Err(schema_error(
                "imageRef",
                other,
                &format!("{other} is not valid under any of the given schemas"),
            ));
        }
    }
    check_networks(server.get("networks"), ctx)?;
    check_block_device_mapping(server.get("block_device_mapping_v2"), ctx)?;
    if let Some(metadata) = server.get("metadata") {
        check_metadata(metadata)?;
    }
    match server.get("description") {
        None | Some(Value::Null) => {}
        Some(Value::String(text)) if text.chars().count() <= 255 => {}
        Some(other) => {
            return Err(schema_error(
                "description",
                other,
                &format!("{other} is too long"),
            ));
        }
    }
    match server.get("tags") {
        None => {}
        Some(Value::Array(items)) if items.len() <= 50 => {
            for item in items {
                if !item.as_str().is_some_and(|tag| {
                    !tag.is_empty() && tag.len() <= 60 && !tag.contains([',', '/'])
                }) {
                    return Err(schema_error(
                        "tags",
                        item,
                        &format!("{item} is not a valid tag"),
                    ));
                }
            }
        }
        Some(other) => {
            return Err(schema_error(
                "tags",
                other,
                &format!("{other} is not of type 'array'"),
            ));
        }
    }
    match server.get("security_groups") {
        None => {}
        Some(Value::Array(items)) => {
            for item in items {
                if item
                    .get("name")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
                {
                    return Err(schema_error(
                        "security_groups",
                        item,
                        "'name' is a required property",
                    ));
                }
            }
        }
        Some(other) => {
            return Err(schema_error(
                "security_groups",
                other,
                &format!("{other} is not of type 'array'"),
            ));
        }
    }
    match server.get("OS-DCF:diskConfig") {
        None => {}
        Some(Value::String(value)) if value == "AUTO" || value == "MANUAL" => {}
        Some(other) => {
            return Err(schema_error(
                "OS-DCF:diskConfig",
                other,
                &format!("{other} is not one of ['AUTO', 'MANUAL']"),
            ));
        }
    }
    if let Some(value) = server.get("config_drive") {
        bool_value(value, "config_drive")?;
    }
    match server.get("trusted_image_certificates") {
        None | Some(Value::Null) => {}
        Some(Value::Array(items))
            if !items.is_empty()
                && items
                    .iter()
                    .all(|item| item.as_str().is_some_and(|text| !text.is_empty())) => {}
        Some(other) => {
            return Err(schema_error(
                "trusted_image_certificates",
                other,
                &format!("{other} is not valid"),
            ));
        }
    }
    count_field(server, "min_count")?;
    count_field(server, "max_count")?;
    Ok(server)
}

fn check_metadata(metadata: &Value) -> Result<(), Fault> {
    let object = metadata.as_object().ok_or_else(|| {
        schema_error(
            "metadata",
            metadata,
            &format!("{metadata} is not of type 'object'"),
        )
    })?;
    for (key, value) in object {
        // Nova's schema has no property matching a bad key: it is an unexpected one.
        if validate::metadata_key(key).is_err() {
            return Err(Fault::unexpected_property("metadata", metadata, key));
        }
        match value.as_str() {
            Some(text) if validate::metadata_value(key, text).is_ok() => {}
            _ => {
                return Err(schema_error(
                    &format!("metadata/{key}"),
                    value,
                    &format!("{value} is not of type 'string'"),
                ));
            }
        }
    }
    Ok(())
}

fn check_networks(value: Option<&Value>, ctx: &Ctx) -> Result<(), Fault> {
    match value {
        None => Ok(()),
        Some(Value::String(word)) if ctx.since(37) && (word == "auto" || word == "none") => Ok(()),
        Some(Value::Array(items)) => {
            for item in items {
                let object = item.as_object().ok_or_else(|| {
                    schema_error("networks", item, &format!("{item} is not of type 'object'"))
                })?;
                if object.contains_key("port") && !object.get("port").is_some_and(Value::is_null) {
                    return Err(Fault::bad_request("Unknown argument: port"));
                }
                match object.get("uuid") {
                    Some(Value::String(id)) if !ctx.since(37) || is_uuid(id) => {}
                    Some(other) => {
                        return Err(schema_error(
                            "networks/uuid",
                            other,
                            &format!("{other} is not a 'uuid'"),
                        ));
                    }
                    None => {
                        return Err(Fault::bad_request(
                            "Bad networks format: network uuid is not in proper format",
                        ));
                    }
                }
            }
            Ok(())
        }
        Some(other) => Err(schema_error(
            "networks",
            other,
            &format!("{other} is not valid under any of the given schemas"),
        )),
    }
}

fn check_block_device_mapping(value: Option<&Value>, ctx: &Ctx) -> Result<(), Fault> {
    let Some(value) = value else {
        return Ok(());
    };
    let items = value.as_array().ok_or_else(|| {
        schema_error(
            "block_device_mapping_v2",
            value,
            &format!("{value} is not of type 'array'"),
        )
    })?;
    for item in items {
        let object = item.as_object().ok_or_else(|| {
            schema_error(
                "block_device_mapping_v2",
                item,
                &format!("{item} is not of type 'object'"),
            )
        })?;
        // ECS accepts volume_type at every microversion (COMMON.md); tags came with 2.32/2.42.
        let tag_allowed = ctx.version.minor == 32 || ctx.since(42);
        if let Some(extra) = object.keys().find(|key| {
            !BDM_FIELDS.contains(&key.as_str())
                && key.as_str() != "volume_type"
                && !(tag_allowed && key.as_str() == "tag")
        }) {
            return Err(Fault::unexpected_property(
                "block_device_mapping_v2",
                item,
                extra,
            ));
        }
        if let Some(index) = object.get("boot_index").filter(|index| !index.is_null()) {
            integer_like(index, "boot_index")?;
        }
        if let Some(size) = object.get("volume_size").filter(|size| !size.is_null()) {
            // Nova's schema: a positive integer no larger than a 32-bit signed one.
            let gb = integer_like(size, "volume_size")?;
            if gb < 1 {
                return Err(schema_error(
                    "volume_size",
                    size,
                    &format!("{size} is less than the minimum of 1"),
                ));
            }
            if gb > i64::from(ecs_api::validate::MAX_VOLUME_SIZE_GB) {
                return Err(schema_error(
                    "volume_size",
                    size,
                    &format!(
                        "{size} is greater than the maximum of {}",
                        ecs_api::validate::MAX_VOLUME_SIZE_GB
                    ),
                ));
            }
        }
        if let Some(flag) = object.get("delete_on_termination") {
            bool_value(flag, "delete_on_termination")?;
        }
    }
    Ok(())
}

/// Checks the request against the cloud and turns it into what the state stores.
/// Checks the request against the cloud (Nova's order) and ecs-api's rules, and turns it into
/// what the state stores.
pub fn resolve(server: ParsedServer, state: &State) -> Result<NewServer, Fault> {
    let ParsedServer {
        request,
        tags,
        access_ipv4,
        access_ipv6,
        disk_config,
        config_drive,
        trusted_image_certificates,
    } = server;
    let request = &request;
    let catalogue = &state.catalogue;
    // Nova accepts a flavor's id or its link and uses the last path segment.
    let flavor_id = request.flavor_ref.rsplit('/').next().unwrap_or_default();
    let flavor = catalogue
        .flavor(flavor_id)
        .filter(|flavor| !flavor.disabled)
        .ok_or_else(|| Fault::bad_request("Invalid flavorRef provided."))?;
    let image_ref = request.image_ref.clone().filter(|image| !image.is_empty());
    let (image_id, volume) = match (request.boot_mapping(), image_ref) {
        (Some(boot), _) => {
            let destination = boot.destination_type.as_deref().unwrap_or("volume");
            if boot.source_type != "image" || destination != "volume" {
                return Err(Fault::bad_request(format!(
                    "Block Device Mapping is Invalid: ecs-sim boots from a new volume made from an image (source_type image, destination_type volume), not {} to {destination}.",
                    boot.source_type
                )));
            }
            let image_id = boot.uuid.clone().ok_or_else(invalid_boot_sequence)?;
            let size = boot.volume_size.filter(|size| *size > 0).ok_or_else(|| {
                Fault::bad_request(
                    "Block Device Mapping is Invalid: Images with destination_type 'volume' need to have a non-zero size specified",
                )
            })?;
            let volume = NewVolume {
                size_gb: size,
                volume_type: boot.volume_type.clone(),
                delete_on_termination: boot.delete_on_termination.unwrap_or(false),
            };
            (image_id, Some(volume))
        }
        (None, Some(image_ref)) => (image_ref, None),
        (None, None) => return Err(invalid_boot_sequence()),
    };
    // The cloud's images and the project's snapshots alike.
    let image = state.image(&image_id).ok_or_else(|| {
        if volume.is_some() {
            Fault::bad_request(format!("Image {image_id} could not be found."))
        } else {
            Fault::bad_request("Can not find requested image")
        }
    })?;
    if image.nova_status(time::OffsetDateTime::now_utc()).0 != "ACTIVE" {
        return Err(Fault::bad_request(format!(
            "Image {image_id} is not active."
        )));
    }
    // A volume-backed server's snapshot carries its root disk as a mapping: Nova boots from a
    // volume made from it, in place of the image root the request may name.
    let volume = match snapshot_root_volume(image)? {
        Some(root) => Some(root),
        None => volume,
    };
    if let Err(error) = validate::flavor_ram(flavor.ram_mb, image.min_ram_mb()) {
        return Err(Fault::bad_request(format!(
            "Flavor's memory is too small for requested image. {}",
            error.message
        )));
    }
    match &volume {
        Some(volume) => {
            if let Some(kind) = &volume.volume_type
                && volume_type(kind).is_none()
            {
                return Err(Fault::bad_request(format!(
                    "Volume type {kind} could not be found."
                )));
            }
            if let Err(error) = validate::volume_size(volume.size_gb, image.min_disk_gb()) {
                let message = if volume.size_gb < image.min_disk_gb() {
                    format!(
                        "Volume is smaller than the minimum size specified in image metadata. Volume size is {} bytes, minimum size is {} bytes. {}",
                        volume.size_gb << 30,
                        image.min_disk_gb() << 30,
                        error.message
                    )
                } else {
                    error.message
                };
                return Err(Fault::bad_request(message));
            }
        }
        None => {
            if flavor.disk_gb == 0 {
                return Err(Fault::forbidden(
                    "Only volume-backed servers are allowed for flavors with zero disk.",
                ));
            }
            if flavor.disk_gb < image.min_disk_gb() {
                return Err(Fault::bad_request(format!(
                    "Flavor's disk is too small for requested image. Flavor disk is {} bytes, image is {} bytes.",
                    flavor.disk_gb << 30,
                    image.min_disk_gb() << 30
                )));
            }
        }
    }
    if let Some(key_name) = &request.key_name
        && !state.key_pairs.contains_key(key_name)
    {
        return Err(Fault::bad_request("Invalid key_name provided."));
    }
    let network_ids = match &request.networks {
        NetworkChoice::Auto => catalogue
            .networks
            .first()
            .map(|network| vec![network.id.clone()])
            .unwrap_or_default(),
        NetworkChoice::None => Vec::new(),
        NetworkChoice::List(networks) => {
            let mut ids = Vec::new();
            for network in networks {
                if network.port.is_some() {
                    return Err(Fault::bad_request("Unknown argument: port"));
                }
                let id = network.uuid.clone().ok_or_else(|| {
                    Fault::bad_request("Bad networks format: network uuid is not in proper format")
                })?;
                if catalogue.network(&id).is_none() {
                    return Err(Fault::bad_request(format!(
                        "Network {id} could not be found."
                    )));
                }
                ids.push(id);
            }
            ids
        }
    };
    let zone = match &request.availability_zone {
        None => catalogue.default_zone().to_owned(),
        Some(name) => {
            let zones: Vec<AvailabilityZone> = catalogue
                .zones
                .iter()
                .map(|zone| AvailabilityZone {
                    name: zone.name.clone(),
                    state: ZoneState {
                        available: zone.available,
                    },
                    hosts: None,
                })
                .collect();
            if let Err(error) = validate::availability_zone(name, &zones) {
                return Err(Fault::bad_request(format!(
                    "The requested availability zone is not available: {}",
                    error.message
                )));
            }
            name.clone()
        }
    };
    // Nova resolves each requested group by id or name through Neutron (listing it once);
    // the server shows the groups' names.
    let mut security_groups: Vec<String> = Vec::new();
    for requested in &request.security_groups {
        let group = catalogue.security_group(&requested.name).ok_or_else(|| {
            Fault::bad_request(format!(
                "Unable to find security_group with name or id '{}'",
                requested.name
            ))
        })?;
        if !security_groups.contains(&group.name) {
            security_groups.push(group.name.clone());
        }
    }
    if security_groups.is_empty() {
        security_groups.push("default".to_owned());
    }
    let min_count = u64::from(request.min_count.unwrap_or(1));
    Ok(NewServer {
        spec: ServerSpec {
            name: request.name.clone(),
            flavor_id: flavor.id.clone(),
            image_id: Some(image.id().to_owned()),
            key_name: request.key_name.clone(),
            zone,
            metadata: request.metadata.clone(),
            description: request.description.clone(),
            tags,
            security_groups,
            user_data: request.user_data.clone(),
            access_ipv4,
            access_ipv6,
            disk_config,
            config_drive,
            trusted_image_certificates,
        },
        network_ids,
        volume,
        min_count,
        max_count: request.max_count.map_or(min_count, u64::from),
    })
}

/// The root volume a snapshot image's `block_device_mapping` property describes (boot index 0,
/// from a volume snapshot), as Nova's `_get_image_defined_bdms` reads it: its size, type and
/// delete_on_termination. None for an image without one.
fn snapshot_root_volume(image: ImageRef<'_>) -> Result<Option<NewVolume>, Fault> {
    let Some(text) = image.property("block_device_mapping") else {
        return Ok(None);
    };
    let invalid = || {
        Fault::bad_request(format!(
            "Block Device Mapping is Invalid: image {} has an unreadable block_device_mapping.",
            image.id()
        ))
    };
    let mappings: Vec<Value> = serde_json::from_str(text).map_err(|_| invalid())?;
    let Some(root) = mappings
        .iter()
        .find(|mapping| mapping.get("boot_index").and_then(Value::as_i64) == Some(0))
    else {
        return Ok(None);
    };
    let size_gb = root
        .get("volume_size")
        .and_then(Value::as_u64)
        .filter(|size| *size > 0)
        .ok_or_else(invalid)?
        .max(image.min_disk_gb());
    Ok(Some(NewVolume {
        size_gb,
        volume_type: root
            .get("volume_type")
            .and_then(Value::as_str)
            .map(str::to_owned),
        delete_on_termination: root
            .get("delete_on_termination")
            .and_then(Value::as_bool)
            .unwrap_or(false),
    }))
}

fn invalid_boot_sequence() -> Fault {
    Fault::bad_request(
        "Block Device Mapping is Invalid: Boot sequence for the instance and image/block device mapping combination is not valid.",
    )
}

/// Makes the boot volumes of the servers just created, as nova-compute asks Cinder while it
/// builds them: each one in use as the server's `/dev/vda`. Cinder refuses one over the volume
/// quota; Nova then aborts that build: the server builds for the build time, then is in ERROR
/// with the fault Nova records (`Build of instance ... aborted: ` and Cinder's 413 message),
/// and no volume is made.
pub fn create_boot_volumes(state: &mut State, request: &NewServer, server_ids: &[String]) {
    let Some(volume) = &request.volume else {
        return;
    };
    let kind = volume
        .volume_type
        .as_deref()
        .and_then(volume_type)
        .unwrap_or_else(default_volume_type);
    for server_id in server_ids {
        let Some(server) = state.servers.get(server_id) else {
            continue;
        };
        let Some(boot) = server.volume.clone() else {
            continue;
        };
        let record = NewVolumeRecord {
            // Nova creates it with an empty name and description.
            name: Some(String::new()),
            description: Some(String::new()),
            size_gb: boot.size_gb,
            volume_type: kind,
            zone: server.spec.zone.clone(),
        };
        let refused =
            state.create_boot_volume(server_id, &boot.id, record, boot.delete_on_termination);
        if let (Err(refusal), Some(server)) = (refused, state.servers.get_mut(server_id)) {
            server.fails_build = true;
            server.build_fault = Some(format!(
                "Build of instance {server_id} aborted: {}",
                refusal.message()
            ));
        }
    }
}

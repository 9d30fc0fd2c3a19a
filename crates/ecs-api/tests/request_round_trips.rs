//! Round-trip properties for every request body the console builds: for generated requests the
//! console could send (values that pass `ecs_api::validate`, as the forms check them), the body
//! is valid against the service's request JSON schema at the microversion the console sends
//! (Nova's schemas from `../shared/nova-api`, read and validated by `nova_ref`), and it
//! deserializes back to the same request. Where a service publishes no request schema (Cinder,
//! Neutron, and Nova's lock, pause/suspend/shelve, console output, attach volume) the body has
//! the shape of the service's own request samples instead. Missing reference data fails the
//! test with the path it tried.
//!
//! The Keystone `AuthRequest` round trip is `properties.rs`'s `other_requests_round_trip`:
//! `../shared` holds no Keystone request schema or sample to check it against.

use ecs_api::CONSOLE_MICROVERSION;
use ecs_api::requests::*;
use ecs_api::{Secret, validate};
use proptest::prelude::*;
use serde_json::Value;

/// The body is valid against Nova's schema for `endpoint` at the console's microversion.
fn valid_for_nova(endpoint: &str, body: &Value) -> Result<(), TestCaseError> {
    let reference = nova_ref::reference();
    let version = CONSOLE_MICROVERSION.to_string();
    let schema = reference
        .schema_for(endpoint, "request body", &version)
        .unwrap_or_else(|| panic!("no Nova schema for {endpoint} at {version}"));
    reference.validate(&schema, body).map_err(|errors| {
        TestCaseError::fail(format!(
            "{endpoint} {body} is invalid against {schema}: {errors:#?}"
        ))
    })
}

/// `body` has the shape of the `samples` (request samples of one endpoint): every member it
/// sends is a member of some sample, holding a value of the same JSON type (objects member by
/// member, list items against the samples' items). A `null` in a sample stands for a value of
/// any scalar type: the service's default, whose type the sample does not show.
fn fits_samples(path: &str, body: &Value, samples: &[&Value]) -> Result<(), String> {
    match body {
        Value::Object(members) => {
            let objects: Vec<_> = samples
                .iter()
                .filter_map(|sample| sample.as_object())
                .collect();
            if objects.is_empty() {
                return Err(format!("{path}: an object, where no sample has one"));
            }
            for (key, value) in members {
                let candidates: Vec<&Value> = objects
                    .iter()
                    .filter_map(|sample| sample.get(key))
                    .collect();
                if candidates.is_empty() {
                    return Err(format!("{path}.{key}: no sample has this member"));
                }
                fits_samples(&format!("{path}.{key}"), value, &candidates)?;
            }
            Ok(())
        }
        Value::Array(items) => {
            if !samples.iter().any(|sample| sample.is_array()) {
                return Err(format!("{path}: a list, where no sample has one"));
            }
            let sample_items: Vec<&Value> = samples
                .iter()
                .filter_map(|sample| sample.as_array())
                .flatten()
                .collect();
            if sample_items.is_empty() && !items.is_empty() {
                return Err(format!("{path}: a list item, where no sample has one"));
            }
            for (index, item) in items.iter().enumerate() {
                fits_samples(&format!("{path}[{index}]"), item, &sample_items)?;
            }
            Ok(())
        }
        scalar => {
            let same_type = |sample: &&Value| match (sample, scalar) {
                (Value::Null, Value::Array(_) | Value::Object(_)) => false,
                (Value::Null, _) => true,
                (Value::Bool(_), Value::Bool(_))
                | (Value::Number(_), Value::Number(_))
                | (Value::String(_), Value::String(_)) => true,
                _ => false,
            };
            if samples.iter().any(same_type) {
                Ok(())
            } else {
                Err(format!("{path}: {scalar} has no sample's type"))
            }
        }
    }
}

/// [`fits_samples`] against the named sample files of a shared reference data set.
fn fits(
    reference: &nova_ref::SharedRef,
    files: &[&str],
    body: &Value,
) -> Result<(), TestCaseError> {
    let samples: Vec<Value> = files.iter().map(|file| reference.json(file)).collect();
    let samples: Vec<&Value> = samples.iter().collect();
    fits_samples("body", body, &samples)
        .map_err(|problem| TestCaseError::fail(format!("{body} vs {files:?}: {problem}")))
}

fn nova_samples() -> &'static nova_ref::SharedRef {
    nova_ref::shared("nova-api")
}

/// The body decodes back to the request it came from.
fn round_trips<T: NovaRequest + PartialEq + std::fmt::Debug>(
    request: &T,
) -> Result<(), TestCaseError> {
    let decoded = T::parse_body(request.to_body_string().as_bytes())
        .map_err(|err| TestCaseError::fail(format!("{}: {err}", request.to_body())))?;
    prop_assert_eq!(&decoded, request);
    Ok(())
}

// ---------------------------------------------------------------- strategies

fn uuid() -> impl Strategy<Value = String> {
    any::<u128>().prop_map(|bits| {
        let hex = format!("{bits:032x}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    })
}

/// A server, image, zone or group name the console lets through (Nova's `name` format).
fn nova_name() -> impl Strategy<Value = String> {
    prop_oneof!["[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,20}", "\\PC{1,24}",]
        .prop_filter("a name Nova accepts", |name| {
            validate::server_name(name).is_ok()
        })
}

fn key_pair_name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_ -]{1,30}".prop_filter("a key pair name", |name| {
        validate::key_pair_name(name).is_ok()
    })
}

fn description() -> impl Strategy<Value = String> {
    "\\PC{0,40}".prop_filter("a description", |text| {
        validate::description_text("description", "description", text).is_ok()
    })
}

fn metadata() -> impl Strategy<Value = std::collections::BTreeMap<String, String>> {
    prop::collection::btree_map("[a-zA-Z0-9_:. -]{1,20}", "\\PC{0,40}", 0..4)
}

fn flavor_id() -> impl Strategy<Value = String> {
    prop_oneof![uuid(), "[a-z0-9][a-z0-9.-]{0,15}"]
}

fn networks() -> impl Strategy<Value = NetworkChoice> {
    prop_oneof![
        Just(NetworkChoice::Auto),
        Just(NetworkChoice::None),
        prop::collection::vec(uuid(), 0..3).prop_map(|ids| {
            NetworkChoice::List(
                ids.into_iter()
                    .map(|uuid| NetworkRequest {
                        uuid: Some(uuid),
                        ..NetworkRequest::default()
                    })
                    .collect(),
            )
        }),
    ]
}

prop_compose! {
    /// A create request as the create form builds it: boot from a new volume made from an image.
    fn create_server()(
        name in nova_name(),
        flavor in flavor_id(),
        image in uuid(),
        size in 1..=u64::from(validate::MAX_VOLUME_SIZE_GB),
        volume_type in proptest::option::of("[A-Za-z0-9_ -]{1,20}"),
        delete_on_termination in any::<bool>(),
        networks in networks(),
        key_name in proptest::option::of(key_pair_name()),
        zone in proptest::option::of(nova_name()),
        groups in prop::collection::vec(nova_name(), 0..3),
        metadata in metadata(),
        script in proptest::option::of(prop::collection::vec(any::<u8>(), 1..300)),
        admin_pass in proptest::option::of("\\PC{1,20}"),
        count in proptest::option::of(1u32..=5),
    ) -> CreateServer {
        let boot = BlockDeviceMapping::boot_volume_from_image(image, size, volume_type, delete_on_termination);
        let mut request = CreateServer::boot_from_volume(name, flavor, boot, networks)
            .with_security_groups(groups);
        request.availability_zone = zone;
        request.key_name = key_name;
        request.metadata = metadata;
        request.user_data = script.map(|script| validate::encode_user_data(&script).unwrap());
        request.admin_pass = admin_pass.map(Secret::new);
        request.min_count = count;
        request.max_count = count;
        request
    }
}

fn public_key() -> impl Strategy<Value = String> {
    (
        "[A-Za-z0-9+/]{40,80}",
        proptest::option::of("[a-z]{1,8}@[a-z]{1,8}"),
    )
        .prop_map(|(key, comment)| match comment {
            Some(comment) => format!("ssh-ed25519 AAAA{key} {comment}"),
            None => format!("ssh-ed25519 AAAA{key}"),
        })
}

// ---------------------------------------------------------------- Nova, with schemas

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn create_server_bodies_validate_and_round_trip(request in create_server()) {
        valid_for_nova("POST /servers", &request.to_body())?;
        round_trips(&request)?;
    }

    #[test]
    fn key_pair_bodies_validate_and_round_trip(
        name in key_pair_name(),
        key_type in prop::sample::select(vec![None, Some("ssh"), Some("x509")]),
        public_key in public_key(),
    ) {
        let key_type = key_type.map(str::to_owned);
        let create = CreateKeyPair { name: name.clone(), key_type: key_type.clone() };
        valid_for_nova("POST /os-keypairs", &create.to_body())?;
        round_trips(&create)?;
        let import = ImportKeyPair { name, public_key: public_key.clone(), key_type };
        valid_for_nova("POST /os-keypairs", &import.to_body())?;
        round_trips(&import)?;
        // The simulator reads either body as one request: import when a key is given.
        let received = KeyPairRequest::parse_body(import.to_body_string().as_bytes()).unwrap();
        prop_assert_eq!(received.public_key, Some(public_key));
    }

    #[test]
    fn start_stop_reboot_bodies_validate_and_round_trip(action in prop::sample::select(vec![
        ServerAction::Start,
        ServerAction::Stop,
        ServerAction::Reboot(RebootType::Soft),
        ServerAction::Reboot(RebootType::Hard),
    ])) {
        let body = action.to_body();
        valid_for_nova(&format!("POST /servers/{{id}}/action ({})", action.key()), &body)?;
        prop_assert_eq!(ServerAction::parse_body(body.to_string().as_bytes()).unwrap(), action);
    }

    #[test]
    fn rename_bodies_validate_and_round_trip(
        name in nova_name(),
        description in proptest::option::of(description()),
    ) {
        let request = UpdateServer::rename(name, description);
        valid_for_nova("PUT /servers/{id}", &request.to_body())?;
        round_trips(&request)?;
    }

    #[test]
    fn resize_snapshot_rebuild_bodies_validate_and_round_trip(
        flavor in flavor_id(),
        image_name in nova_name(),
        metadata in metadata(),
        image in uuid(),
        server_name in proptest::option::of(nova_name()),
        key_name in proptest::option::of(key_pair_name()),
    ) {
        let resize = ResizeServer::to_flavor(flavor);
        valid_for_nova("POST /servers/{id}/action (resize)", &resize.to_body())?;
        round_trips(&resize)?;

        let snapshot = CreateImage { metadata, ..CreateImage::named(image_name) };
        valid_for_nova("POST /servers/{id}/action (createImage)", &snapshot.to_body())?;
        round_trips(&snapshot)?;

        let rebuild = RebuildServer { name: server_name, key_name, ..RebuildServer::from_image(image) };
        valid_for_nova("POST /servers/{id}/action (rebuild)", &rebuild.to_body())?;
        round_trips(&rebuild)?;
    }
}

// ---------------------------------------------------------------- Nova, no schema: the samples

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn lock_bodies_fit_novas_samples_and_round_trip(
        reason in description(),
        supports_reason in any::<bool>(),
    ) {
        let lock = LockServer::new(&reason, supports_reason);
        fits(
            nova_samples(),
            &["requests/os-lock-server/lock-server.json", "requests/os-lock-server/lock-server-with-reason-v2.73.json"],
            &lock.to_body(),
        )?;
        round_trips(&lock)?;
    }

    #[test]
    fn attach_volume_bodies_fit_novas_samples_and_round_trip(
        volume in uuid(),
        device in proptest::option::of("/dev/[a-z]{3}"),
        tag in proptest::option::of("[a-z]{1,10}"),
        delete_on_termination in proptest::option::of(any::<bool>()),
    ) {
        let samples = [
            "requests/os-volume_attachments/attach-volume-to-server-req.json",
            "requests/os-volume_attachments/attach-volume-to-server-req-v2.79.json",
        ];
        let console = AttachVolume::volume(volume);
        fits(nova_samples(), &samples, &console.to_body())?;
        round_trips(&console)?;
        let full = AttachVolume { device, tag, delete_on_termination, ..console };
        fits(nova_samples(), &samples, &full.to_body())?;
        round_trips(&full)?;
    }

    #[test]
    fn console_output_bodies_fit_novas_sample_and_round_trip(lines in proptest::option::of(any::<u32>())) {
        let request = lines.map_or_else(ConsoleOutputRequest::default, ConsoleOutputRequest::last_lines);
        fits(nova_samples(), &["requests/os-console-output/console-output-post-req.json"], &request.to_body())?;
        round_trips(&request)?;
    }
}

/// Nine fixed bodies: every one checked, rather than sampled.
#[test]
fn plain_action_bodies_validate_or_fit_novas_samples_and_round_trip() {
    let samples = [
        (
            PlainAction::Unlock,
            "requests/os-lock-server/unlock-server.json",
        ),
        (
            PlainAction::Pause,
            "requests/os-pause-server/pause-server.json",
        ),
        (
            PlainAction::Unpause,
            "requests/os-pause-server/unpause-server.json",
        ),
        (
            PlainAction::Suspend,
            "requests/os-suspend-server/server-suspend.json",
        ),
        (
            PlainAction::Resume,
            "requests/os-suspend-server/server-resume.json",
        ),
        (PlainAction::Shelve, "requests/os-shelve/os-shelve.json"),
        (PlainAction::Unshelve, "requests/os-shelve/os-unshelve.json"),
    ];
    for action in PlainAction::ALL {
        let body = action.to_body();
        match samples.iter().find(|(sampled, _)| *sampled == action) {
            Some((_, file)) => fits(nova_samples(), &[file], &body),
            None => valid_for_nova(
                &format!("POST /servers/{{id}}/action ({})", action.key()),
                &body,
            ),
        }
        .unwrap_or_else(|err| panic!("{action:?}: {err}"));
        assert_eq!(
            PlainAction::parse_body(body.to_string().as_bytes()).unwrap(),
            action
        );
    }
    let novnc = RemoteConsoleRequest::novnc();
    fits(
        nova_samples(),
        &["requests/os-remote-consoles/create-vnc-console-req-v2.6.json"],
        &novnc.to_body(),
    )
    .unwrap();
    assert_eq!(
        RemoteConsoleRequest::parse_body(novnc.to_body_string().as_bytes()).unwrap(),
        novnc
    );
}

// ---------------------------------------------------------------- Cinder and Neutron: the samples

proptest! {
    #![proptest_config(ProptestConfig::with_cases(96))]

    #[test]
    fn volume_create_bodies_fit_cinders_sample_and_round_trip(
        name in "[a-zA-Z0-9][a-zA-Z0-9 ._-]{0,30}",
        size in 1..=u64::from(validate::MAX_VOLUME_SIZE_GB),
        volume_type in prop_oneof![Just(String::new()), "[A-Za-z0-9_ -]{1,20}"],
        zone in proptest::option::of(nova_name()),
    ) {
        let request = CreateVolume::data_disk(name, size, &volume_type, zone.as_deref());
        fits(nova_ref::shared("cinder-api"), &["volumes/volume-create-request.json"], &request.to_body())?;
        round_trips(&request)?;
    }

    #[test]
    fn floating_ip_bodies_fit_neutrons_samples_and_round_trip(
        network in uuid(),
        port in uuid(),
        associate in any::<bool>(),
    ) {
        let neutron = nova_ref::shared("neutron-api");
        let create = CreateFloatingIp::from_pool(network);
        fits(neutron, &["floatingips/floatingip-create-request.json"], &create.to_body())?;
        round_trips(&create)?;
        let with_port = CreateFloatingIp { port_id: Some(port.clone()), ..create };
        fits(neutron, &["floatingips/floatingip-create-request.json"], &with_port.to_body())?;
        round_trips(&with_port)?;

        let update = if associate { UpdateFloatingIp::associate(port) } else { UpdateFloatingIp::disassociate() };
        let sample = if associate {
            "floatingips/floatingip-update-request.json"
        } else {
            "floatingips/floatingip-disassociate-request.json"
        };
        fits(neutron, &[sample], &update.to_body())?;
        round_trips(&update)?;
    }
}

/// The shape check itself: it refuses what does not fit, so the properties above can fail.
#[test]
fn the_sample_shape_check_refuses_what_does_not_fit() {
    let sample =
        serde_json::json!({"volume": {"size": 10, "name": null, "metadata": {}, "tags": ["a"]}});
    let fits = |body: Value| fits_samples("body", &body, &[&sample]);
    assert_eq!(
        fits(serde_json::json!({"volume": {"size": 1, "name": "n", "tags": ["b"]}})),
        Ok(())
    );
    assert!(
        fits(serde_json::json!({"volume": {"size": "1"}}))
            .unwrap_err()
            .contains("body.volume.size")
    );
    assert!(
        fits(serde_json::json!({"volume": {"sizes": 1}}))
            .unwrap_err()
            .contains("no sample has this member")
    );
    assert!(
        fits(serde_json::json!({"volume": {"name": {}}})).is_err(),
        "null stands for scalars only"
    );
    assert!(fits(serde_json::json!({"volume": {"tags": [1]}})).is_err());
    assert!(fits(serde_json::json!({"volume": {"metadata": {"k": "v"}}})).is_err());
    assert!(fits(serde_json::json!({"volume": []})).is_err());
}

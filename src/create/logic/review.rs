//! The review step: the request body as shown, and the same request as a curl command.

use ecs_api::microversion::CONSOLE_MICROVERSION;
use ecs_api::requests::{CreateServer, NovaRequest};
use serde_json::Value;

use super::curl::curl_command;

/// Stands in for the admin password in what is shown or copied.
pub const HIDDEN_PASSWORD: &str = "<hidden: the admin password you entered>";

/// The body as sent, except that an admin password is replaced by [`HIDDEN_PASSWORD`]: the
/// review is on screen and may be copied, the password is not.
fn shown_body(request: &CreateServer) -> Value {
    let mut body = request.to_body();
    if let Some(password) = body.pointer_mut("/server/adminPass") {
        *password = Value::String(HIDDEN_PASSWORD.to_owned());
    }
    body
}

/// The request body, pretty-printed for reading.
pub fn body_text(request: &CreateServer) -> String {
    serde_json::to_string_pretty(&shown_body(request)).unwrap_or_default()
}

/// `curl` for `POST servers_url` with the console's headers; the token is `$OS_TOKEN`.
pub fn curl_text(servers_url: &str, request: &CreateServer) -> String {
    let microversion = CONSOLE_MICROVERSION.request_headers();
    let mut headers: Vec<(&str, &str)> = vec![
        ("Content-Type", "application/json"),
        ("Accept", "application/json"),
    ];
    headers.extend(
        microversion
            .iter()
            .map(|(name, value)| (*name, value.as_str())),
    );
    curl_command(
        "POST",
        servers_url,
        &headers,
        &shown_body(request).to_string(),
    )
}

/// The review's line for the security groups: those the request names, or what the cloud does
/// when it names none.
pub fn security_groups_text(request: &CreateServer) -> String {
    let names: Vec<&str> = request.security_group_names().collect();
    if names.is_empty() {
        "none chosen: the cloud applies default".to_owned()
    } else {
        names.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use ecs_api::Secret;
    use ecs_api::requests::{BlockDeviceMapping, NetworkChoice};

    use super::*;

    fn request(admin_pass: Option<&str>) -> CreateServer {
        let mut request = CreateServer::boot_from_volume(
            "web-1",
            "c1.large",
            BlockDeviceMapping::boot_volume_from_image("img", 40, Some("SSD".into()), true),
            NetworkChoice::network("net"),
        );
        request.admin_pass = admin_pass.map(Secret::new);
        request
    }

    #[test]
    fn the_body_is_the_request_as_sent() {
        let shown: Value = serde_json::from_str(&body_text(&request(None))).unwrap();
        assert_eq!(shown, request(None).to_body());
    }

    #[test]
    fn the_admin_password_is_hidden_from_body_and_curl() {
        let request = request(Some("s3cret-Pass"));
        let body = body_text(&request);
        let curl = curl_text("https://cloud.example/v2.1/p/servers", &request);
        for text in [&body, &curl] {
            assert!(!text.contains("s3cret-Pass"));
            assert!(text.contains(HIDDEN_PASSWORD));
        }
    }

    #[test]
    fn body_and_curl_show_the_security_groups() {
        let request = request(None).with_security_groups(["default", "web"]);
        let groups = r#"[{"name":"default"},{"name":"web"}]"#;
        assert!(body_text(&request).contains(r#""name": "web""#));
        assert!(curl_text("https://cloud.example/v2.1/p/servers", &request).contains(groups));
        assert_eq!(security_groups_text(&request), "default, web");
        assert_eq!(
            security_groups_text(&request.with_security_groups(Vec::<String>::new())),
            "none chosen: the cloud applies default"
        );
    }

    #[test]
    fn curl_sends_the_microversion_and_leaves_the_token_out() {
        let curl = curl_text("https://cloud.example/v2.1/p/servers", &request(None));
        assert!(curl.contains("-H 'X-OpenStack-Nova-API-Version: 2.67'"));
        assert!(curl.contains("-H 'OpenStack-API-Version: compute 2.67'"));
        assert!(curl.contains("$OS_TOKEN"));
        assert!(curl.contains(r#""volume_type":"SSD""#));
    }
}

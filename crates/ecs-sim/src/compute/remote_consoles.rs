//! `POST /servers/{id}/remote-consoles` (2.6+): a console URL, answered as Nova does on a
//! libvirt cloud with only VNC enabled; and the page that URL leads to, the simulator's stand-in
//! for Nova's noVNC proxy.

use axum::Extension;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use ecs_api::Secret;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::console_output::not_ready;
use super::guest::{CONSOLE_TOKEN_TTL, ConsoleState, ConsoleToken};
use super::{Ctx, PathParam, RequestBody, field_fault, json_body, python_value, query_pairs};
use crate::Simulator;
use crate::fault::Fault;
use crate::lifecycle::Phase;
use crate::state::Server;

/// Where console URLs lead, on the simulator's own address (Nova's noVNC proxy serves
/// `vnc_auto.html?path=%3Ftoken%3D...` on a port of its own).
pub const PAGE_PATH: &str = "/console/vnc_auto.html";

/// Nova's answer to the RDP protocol, which it no longer serves (webob's default text).
const RDP_REMOVED: &str = "The server could not comply with the request since it is either malformed or otherwise incorrect.";

/// A server being deleted: Nova's compute API raises InstanceInvalidState, which this API does
/// not expect, so Nova answers with its generic 500.
const UNEXPECTED_INVALID_STATE: &str = "Unexpected API Error. Please report this at http://bugs.launchpad.net/nova/ and attach the Nova API log if possible.\n<class 'nova.exception.InstanceInvalidState'>";

const PROTOCOLS_2_6: &[&str] = &["vnc", "spice", "serial", "rdp"];
const TYPES_2_6: &[&str] = &["novnc", "xvpvnc", "spice-html5", "serial", "rdp-html5"];
const PROTOCOLS_2_8: &[&str] = &["vnc", "spice", "serial", "rdp", "mks"];
const TYPES_2_8: &[&str] = &[
    "novnc",
    "xvpvnc",
    "spice-html5",
    "serial",
    "rdp-html5",
    "webmks",
];

/// A request that passed Nova's schema.
struct ConsoleRequest {
    protocol: String,
    console_type: String,
}

pub async fn create(
    State(simulator): State<Simulator>,
    Extension(ctx): Extension<Ctx>,
    PathParam(id): PathParam,
    headers: HeaderMap,
    RequestBody(body): RequestBody,
) -> Result<Response, Fault> {
    if !ctx.since(6) {
        return Err(Fault::unknown_resource());
    }
    let body = json_body(&headers, &body)?;
    let request = parse(&body, &ctx)?;
    let token = Secret::new(uuid::Uuid::new_v4().to_string());
    {
        let mut state = simulator.state();
        let now = OffsetDateTime::now_utc();
        state.settle(now);
        let server = state
            .servers
            .get_mut(&id)
            .ok_or_else(|| super::servers::not_found(&id))?;
        if request.protocol == "rdp" {
            return Err(Fault::bad_request(RDP_REMOVED));
        }
        check_available(server, &request, now)?;
        let tokens = &mut server.guest.console_tokens;
        tokens.retain(|live| live.expires > now);
        tokens.push(ConsoleToken {
            token: token.clone(),
            expires: now + CONSOLE_TOKEN_TTL,
        });
    }
    let url = format!("{}{PAGE_PATH}?path=%3Ftoken%3D{}", ctx.base, token.expose());
    Ok(axum::Json(json!({"remote_console": {
        "protocol": request.protocol,
        "type": request.console_type,
        "url": url,
    }}))
    .into_response())
}

/// Nova's checks in its order: a host (compute API), no delete under way, then the compute
/// manager's: the protocol enabled (only VNC here), the type its own, a domain to attach to.
fn check_available(
    server: &Server,
    request: &ConsoleRequest,
    now: OffsetDateTime,
) -> Result<(), Fault> {
    let console = ConsoleState::of(server, now);
    if console == ConsoleState::NoHost {
        return Err(not_ready(&server.id));
    }
    if server.phase == Phase::Deleting {
        return Err(Fault::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            UNEXPECTED_INVALID_STATE,
        ));
    }
    if request.protocol != "vnc" {
        return Err(Fault::bad_request(format!(
            "Unavailable console type {}.",
            request.console_type
        )));
    }
    if request.console_type != "novnc" {
        return Err(Fault::bad_request(format!(
            "Invalid console type {}",
            request.console_type
        )));
    }
    if console == ConsoleState::NoDomain {
        return Err(not_ready(&server.id));
    }
    Ok(())
}

/// Nova's request schema for the microversion, its errors in jsonschema's order (each
/// property, then `required`, then `additionalProperties`).
fn parse(body: &Value, ctx: &Ctx) -> Result<ConsoleRequest, Fault> {
    let (protocols, types) = if ctx.since(8) {
        (PROTOCOLS_2_8, TYPES_2_8)
    } else {
        (PROTOCOLS_2_6, TYPES_2_6)
    };
    let Some(root) = body.as_object() else {
        return Err(Fault::bad_request(format!(
            "{} is not of type 'object'",
            python_value(body)
        )));
    };
    let mut request = None;
    if let Some(console) = root.get("remote_console") {
        let Some(fields) = console.as_object() else {
            return Err(field_fault(
                "remote_console",
                console,
                &format!("{} is not of type 'object'", python_value(console)),
            ));
        };
        for (name, allowed) in [("protocol", protocols), ("type", types)] {
            if let Some(value) = fields.get(name) {
                one_of(name, value, allowed)?;
            }
        }
        let text = |name: &str| {
            fields
                .get(name)
                .and_then(Value::as_str)
                .map(str::to_owned)
                .ok_or_else(|| {
                    field_fault(
                        "remote_console",
                        console,
                        &format!("'{name}' is a required property"),
                    )
                })
        };
        let protocol = text("protocol")?;
        let console_type = text("type")?;
        if let Some(extra) = fields
            .keys()
            .find(|key| *key != "protocol" && *key != "type")
        {
            return Err(Fault::unexpected_property("remote_console", console, extra));
        }
        request = Some(ConsoleRequest {
            protocol,
            console_type,
        });
    }
    let request =
        request.ok_or_else(|| Fault::bad_request("'remote_console' is a required property"))?;
    if let Some(extra) = root.keys().find(|key| *key != "remote_console") {
        return Err(Fault::bad_request(format!(
            "Additional properties are not allowed ('{extra}' was unexpected)"
        )));
    }
    Ok(request)
}

fn one_of(name: &str, value: &Value, allowed: &[&str]) -> Result<(), Fault> {
    let Some(text) = value.as_str() else {
        return Err(field_fault(
            name,
            value,
            &format!("{} is not of type 'string'", python_value(value)),
        ));
    };
    if allowed.contains(&text) {
        return Ok(());
    }
    let listed: Vec<String> = allowed.iter().map(|item| format!("'{item}'")).collect();
    Err(field_fault(
        name,
        value,
        &format!("'{text}' is not one of [{}]", listed.join(", ")),
    ))
}

/// The console page: the server's name and state. The simulator has no screen to show, so the
/// page says so; no script runs on it. An unknown or expired token gets a 404 page.
pub async fn page(State(simulator): State<Simulator>, uri: Uri) -> Response {
    let token = token_of(&uri);
    let found = token.as_deref().and_then(|token| {
        let mut state = simulator.state();
        let now = OffsetDateTime::now_utc();
        state.settle(now);
        state
            .servers
            .values()
            .find(|server| {
                server
                    .guest
                    .console_tokens
                    .iter()
                    .any(|live| live.token.expose() == token && live.expires > now)
            })
            .map(|server| {
                let status = server
                    .phase
                    .view(
                        server.fraction(now),
                        server.boot_from_volume(),
                        server.before_delete,
                    )
                    .status;
                let running = matches!(ConsoleState::of(server, now), ConsoleState::Running { .. });
                (server.spec.name.clone(), server.id.clone(), status, running)
            })
    });
    match found {
        Some((name, id, status, running)) => {
            let name = escape_html(&name);
            let screen = if running {
                "ecs-sim simulates no screen: on a real cloud, the server's VNC console (noVNC) shows here."
            } else {
                "The server is not running, so its console has nothing to show."
            };
            html_page(
                StatusCode::OK,
                &format!("Console of {name}"),
                &format!(
                    "<p>Server <code>{id}</code> is <strong>{status}</strong>.</p>\n<p>{screen}</p>"
                ),
            )
        }
        None => html_page(
            StatusCode::NOT_FOUND,
            "Console link not valid",
            &format!(
                "<p>This console link is not valid or has expired (links last {} minutes). Ask for a new one.</p>",
                CONSOLE_TOKEN_TTL.whole_minutes()
            ),
        ),
    }
}

/// The token in `?path=%3Ftoken%3D...` (noVNC's own query inside `path`).
fn token_of(uri: &Uri) -> Option<String> {
    let query = query_pairs(uri);
    let path = super::query_value(&query, "path")?;
    url::form_urlencoded::parse(path.trim_start_matches('?').as_bytes())
        .find(|(key, _)| key == "token")
        .map(|(_, token)| token.into_owned())
}

fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title} (ecs-sim)</title>\n</head>\n<body>\n<h1>{title}</h1>\n{body}\n</body>\n</html>\n"
    );
    let mut response = (status, html).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
        ),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    // The token is in the URL: never pass it on.
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

fn escape_html(text: &str) -> String {
    text.chars().fold(String::new(), |mut out, c| {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
        out
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(minor: u16) -> Ctx {
        Ctx {
            version: crate::Microversion::new(2, minor),
            project_id: "p".to_owned(),
            user_id: "u".to_owned(),
            base: "http://sim".to_owned(),
            project_in_url: false,
        }
    }

    fn refusal(body: Value, minor: u16) -> String {
        match parse(&body, &ctx(minor)) {
            Ok(_) => panic!("{body} should be refused"),
            Err(fault) => fault.message,
        }
    }

    #[test]
    fn the_schema_refuses_as_nova_does() {
        assert_eq!(
            refusal(
                json!({"remote_console": {"protocol": "foo", "type": "novnc"}}),
                8
            ),
            "Invalid input for field/attribute protocol. Value: foo. 'foo' is not one of ['vnc', 'spice', 'serial', 'rdp', 'mks']"
        );
        assert_eq!(
            refusal(
                json!({"remote_console": {"protocol": "mks", "type": "webmks"}}),
                6
            ),
            "Invalid input for field/attribute protocol. Value: mks. 'mks' is not one of ['vnc', 'spice', 'serial', 'rdp']"
        );
        assert_eq!(
            refusal(
                json!({"remote_console": {"protocol": "vnc", "type": "foo"}}),
                8
            ),
            "Invalid input for field/attribute type. Value: foo. 'foo' is not one of ['novnc', 'xvpvnc', 'spice-html5', 'serial', 'rdp-html5', 'webmks']"
        );
        assert_eq!(
            refusal(json!({"remote_console": {"protocol": "vnc"}}), 8),
            "Invalid input for field/attribute remote_console. Value: {'protocol': 'vnc'}. 'type' is a required property"
        );
        assert_eq!(
            refusal(
                json!({"remote_console": {"protocol": "vnc", "type": "novnc", "x": 1}}),
                8
            ),
            "Invalid input for field/attribute remote_console. Value: {'protocol': 'vnc', 'type': 'novnc', 'x': 1}. Additional properties are not allowed ('x' was unexpected)"
        );
        assert_eq!(
            refusal(json!({"remote_console": null}), 8),
            "Invalid input for field/attribute remote_console. Value: None. None is not of type 'object'"
        );
        assert_eq!(
            refusal(json!({}), 8),
            "'remote_console' is a required property"
        );
        assert_eq!(
            refusal(
                json!({"remote_console": {"protocol": "vnc", "type": "novnc"}, "x": 1}),
                8
            ),
            "Additional properties are not allowed ('x' was unexpected)"
        );
        assert_eq!(
            refusal(
                json!({"remote_console": {"protocol": 5, "type": "novnc"}}),
                8
            ),
            "Invalid input for field/attribute protocol. Value: 5. 5 is not of type 'string'"
        );
    }

    #[test]
    fn the_token_is_read_from_novnc_s_path() {
        let uri: Uri = "/console/vnc_auto.html?path=%3Ftoken%3Dabc-123"
            .parse()
            .expect("uri");
        assert_eq!(token_of(&uri).as_deref(), Some("abc-123"));
        let bare: Uri = "/console/vnc_auto.html".parse().expect("uri");
        assert_eq!(token_of(&bare), None);
    }

    #[test]
    fn names_are_escaped_in_the_page() {
        assert_eq!(
            escape_html("<b>\"a\" & 'b'</b>"),
            "&lt;b&gt;&quot;a&quot; &amp; &#39;b&#39;&lt;/b&gt;"
        );
    }
}

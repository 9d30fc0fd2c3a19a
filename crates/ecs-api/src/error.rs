//! Errors: [`ApiError`] for a non-2xx response (a Nova or Cinder fault, a Keystone, Neutron,
//! Glance or Huawei error, or whatever a proxy sent; [`ErrorShape`] names which),
//! [`DecodeError`] for a 2xx body that does not decode.

use serde_json::{Map, Value};

/// What kind of failure an [`ApiError`] is, from the HTTP status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// No HTTP response at all (connection refused, DNS, CORS, offline).
    Network,
    BadRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    /// 406: the microversion is not supported.
    NotAcceptable,
    Conflict,
    Gone,
    /// 413/429: rate or size limit; see `retry_after`.
    OverLimit,
    UnsupportedMediaType,
    ServerError,
    NotImplemented,
    BadGateway,
    ServiceUnavailable,
    GatewayTimeout,
    Other,
}

impl ErrorKind {
    pub fn from_status(status: u16) -> Self {
        match status {
            0 => Self::Network,
            400 => Self::BadRequest,
            401 => Self::Unauthorized,
            403 => Self::Forbidden,
            404 => Self::NotFound,
            405 => Self::MethodNotAllowed,
            406 => Self::NotAcceptable,
            409 => Self::Conflict,
            410 => Self::Gone,
            413 | 429 => Self::OverLimit,
            415 => Self::UnsupportedMediaType,
            500 => Self::ServerError,
            501 => Self::NotImplemented,
            502 => Self::BadGateway,
            503 => Self::ServiceUnavailable,
            504 => Self::GatewayTimeout,
            _ => Self::Other,
        }
    }
}

/// A failed API call: the HTTP status, the API's own message, and whether retrying can help.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize)]
#[error("{message} (HTTP {status})")]
pub struct ApiError {
    /// HTTP status; 0 when no response arrived.
    pub status: u16,
    /// The API's message, or a description of the unexpected body.
    pub message: String,
    pub kind: ErrorKind,
    /// Seconds to wait before retrying (Nova's `retryAfter` or a `Retry-After` header).
    pub retry_after: Option<u64>,
    /// The fault or error code the cloud named: Nova's and Cinder's fault name (`badRequest`,
    /// `itemNotFound`, `overLimit`, ...), Keystone's or Glance's title, Neutron's `type`, or
    /// Huawei's string code (`Ecs.0605`, `APIGW.0301`); `None` for bodies that name none.
    pub fault: Option<String>,
}

/// Which shape of error body [`ApiError::recognise`] found. Each cloud of this family answers
/// an error in one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorShape {
    /// `{"<faultName>": {"code": 404, "message", "retryAfter"?}}`: Nova's faults, and Cinder's,
    /// which have the same shape and names (`itemNotFound`, `badRequest`, `overLimit`, ...): the
    /// body alone cannot tell the two services apart, so both are this one shape.
    OpenstackFault,
    /// `{"error": {"code": 401, "title", "message"}}` (a numeric code): Keystone, and
    /// keystonemiddleware's 401 in front of every other service.
    KeystoneError,
    /// `{"error": {"code": "Ecs.0605", "message"}}` (a string code): Huawei ECS and the other
    /// Huawei services with their own API.
    HuaweiError,
    /// `{"error_code": "APIGW.0301", "error_msg", "request_id"?}`: Huawei's API gateway, and the
    /// Huawei services that answer in its format (`IAM.0001`, ...).
    HuaweiFlatError,
    /// `{"NeutronError": {"type", "message", "detail"}}`.
    NeutronError,
    /// Glance's (webob's) `{"message", "code": "404 Not Found", "title"}`.
    GlanceError,
    /// An HTML page: from a proxy, a load balancer or a wrong endpoint URL.
    HtmlPage,
    /// Text that is neither JSON nor HTML.
    PlainText,
    /// Nothing but white space.
    Empty,
    /// JSON in none of the shapes above.
    OtherJson,
}

impl ErrorShape {
    pub const ALL: [Self; 10] = [
        Self::OpenstackFault,
        Self::KeystoneError,
        Self::HuaweiError,
        Self::HuaweiFlatError,
        Self::NeutronError,
        Self::GlanceError,
        Self::HtmlPage,
        Self::PlainText,
        Self::Empty,
        Self::OtherJson,
    ];

    /// The shape's name, as serialized and printed by the decode tool.
    pub fn name(self) -> &'static str {
        match self {
            Self::OpenstackFault => "openstack_fault",
            Self::KeystoneError => "keystone_error",
            Self::HuaweiError => "huawei_error",
            Self::HuaweiFlatError => "huawei_flat_error",
            Self::NeutronError => "neutron_error",
            Self::GlanceError => "glance_error",
            Self::HtmlPage => "html_page",
            Self::PlainText => "plain_text",
            Self::Empty => "empty",
            Self::OtherJson => "other_json",
        }
    }
}

impl serde::Serialize for ErrorShape {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// An error response decoded, with the shape of body it had (what the decode tool prints).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RecognisedError {
    pub shape: ErrorShape,
    #[serde(flatten)]
    pub error: ApiError,
}

/// Longest excerpt of an unexpected body quoted in a message.
const EXCERPT_CHARS: usize = 200;
/// Longest cloud message kept whole (Nova's validation errors quote the refused value, which
/// may be 64 KiB of user data).
const MESSAGE_MAX_CHARS: usize = 2000;

impl ApiError {
    /// Decodes an error response body of any shape (see [`ErrorShape`]): the cloud's own
    /// message and fault or code, or for a body in no known shape (an HTML page from a proxy,
    /// plain text, an empty body, other JSON) a description of it. Never fails.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        Self::recognise(status, body).error
    }

    /// [`ApiError::from_response`], also naming the shape of body it recognised.
    pub fn recognise(status: u16, body: &[u8]) -> RecognisedError {
        let body = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        // A fault whose message has a stray non-UTF-8 byte is still that fault.
        let parsed = serde_json::from_slice::<Value>(body).ok().or_else(|| {
            std::str::from_utf8(body)
                .is_err()
                .then(|| serde_json::from_str(&String::from_utf8_lossy(body)).ok())
                .flatten()
        });
        if let Some(value) = &parsed
            && let Some(recognised) = recognise_json(status, value)
        {
            return recognised;
        }
        let (shape, message) = match parsed {
            Some(_) => (
                ErrorShape::OtherJson,
                format!(
                    "{}: {}",
                    status_words(status),
                    excerpt(&lossy_trimmed(body))
                ),
            ),
            None => describe_unexpected_body(status, body),
        };
        RecognisedError {
            shape,
            error: Self {
                status,
                message,
                kind: ErrorKind::from_status(status),
                retry_after: None,
                fault: None,
            },
        }
    }

    /// Like [`ApiError::from_response`], also reading the `Retry-After` header (seconds) when the
    /// body has no `retryAfter`.
    pub fn from_response_with_retry_after(
        status: u16,
        body: &[u8],
        retry_after_header: Option<&str>,
    ) -> Self {
        let mut error = Self::from_response(status, body);
        if error.retry_after.is_none() {
            error.retry_after = retry_after_header.and_then(|value| value.trim().parse().ok());
        }
        error
    }

    /// No HTTP response at all (the request could not be sent or was blocked).
    pub fn network(message: impl Into<String>) -> Self {
        Self {
            status: 0,
            message: message.into(),
            kind: ErrorKind::Network,
            retry_after: None,
            fault: None,
        }
    }

    /// True when the same request may succeed later: rate limits, an overloaded or restarting
    /// service, a gateway timeout, or no response at all.
    pub fn is_retryable(&self) -> bool {
        match self.kind {
            ErrorKind::Network
            | ErrorKind::OverLimit
            | ErrorKind::BadGateway
            | ErrorKind::ServiceUnavailable
            | ErrorKind::GatewayTimeout => true,
            _ => self.status == 408 || self.retry_after.is_some(),
        }
    }

    /// True when the token is missing, expired or revoked: sign in again.
    pub fn needs_reauthentication(&self) -> bool {
        self.kind == ErrorKind::Unauthorized
    }
}

/// What one JSON error shape yields before the status is settled.
struct Found {
    shape: ErrorShape,
    /// The cloud's own message; blank when it gave none.
    message: String,
    fault: Option<String>,
    /// The HTTP status the body states (used only when the response's is unknown).
    code: Option<u16>,
    retry_after: Option<u64>,
}

/// The error shapes, most specific first (Keystone's and Huawei's `{"error": {...}}` would also
/// pass for a fault named `error`).
fn recognise_json(status: u16, value: &Value) -> Option<RecognisedError> {
    let object = value.as_object()?;
    let found = neutron_error(object)
        .or_else(|| error_object(object))
        .or_else(|| huawei_flat_error(object))
        .or_else(|| glance_error(object))
        .or_else(|| openstack_fault(object))?;
    let status = if status == 0 {
        found.code.unwrap_or(0)
    } else {
        status
    };
    let message = if found.message.trim().is_empty() {
        // The cloud named the error but said nothing more: name it with the status.
        match &found.fault {
            Some(fault) => format!("{} ({fault})", status_words(status)),
            None => status_words(status),
        }
    } else {
        shortened(found.message)
    };
    Some(RecognisedError {
        shape: found.shape,
        error: ApiError {
            status,
            message,
            kind: ErrorKind::from_status(status),
            retry_after: found.retry_after,
            fault: found.fault,
        },
    })
}

/// `{"NeutronError": {"type", "message", "detail"}}`: the fault is its `type`.
fn neutron_error(object: &Map<String, Value>) -> Option<Found> {
    let error = object.get("NeutronError")?.as_object()?;
    let fault = text(error, "type")
        .filter(|kind| !kind.trim().is_empty())
        .unwrap_or("NeutronError");
    Some(Found {
        shape: ErrorShape::NeutronError,
        message: message_text(error.get("message")?)?,
        fault: Some(fault.to_owned()),
        code: None,
        retry_after: None,
    })
}

/// `{"error": {"code", "title"?, "message"}}`: Keystone's when `code` is a number (or numeric
/// text), Huawei's when it is a code like `Ecs.0605`, which is kept as the fault and never read
/// as a status.
fn error_object(object: &Map<String, Value>) -> Option<Found> {
    let error = object.get("error")?.as_object()?;
    let message = text(error, "message").unwrap_or_default();
    let title = text(error, "title").filter(|title| !title.trim().is_empty());
    let code = error.get("code");
    let numeric_code = code.and_then(status_code);
    let huawei_code = match code {
        Some(Value::String(code)) if numeric_code.is_none() && !code.trim().is_empty() => {
            Some(code.trim())
        }
        _ => None,
    };
    if let Some(huawei_code) = huawei_code {
        return Some(Found {
            shape: ErrorShape::HuaweiError,
            message: message.to_owned(),
            fault: Some(huawei_code.to_owned()),
            code: None,
            retry_after: None,
        });
    }
    if message.trim().is_empty() && title.is_none() {
        return None;
    }
    Some(Found {
        shape: ErrorShape::KeystoneError,
        message: if message.trim().is_empty() {
            title.unwrap_or_default().to_owned()
        } else {
            message.to_owned()
        },
        fault: title.map(str::to_owned),
        code: numeric_code,
        retry_after: None,
    })
}

/// `{"error_code": "APIGW.0301", "error_msg", "request_id"?}`: the request id, when given, is
/// what the cloud's support asks for, so the message carries it.
fn huawei_flat_error(object: &Map<String, Value>) -> Option<Found> {
    let message = text(object, "error_msg")?;
    let fault = text(object, "error_code")
        .map(str::trim)
        .filter(|code| !code.is_empty());
    let message = match text(object, "request_id").map(str::trim) {
        Some(request_id) if !request_id.is_empty() && !message.trim().is_empty() => {
            format!("{message} (request ID {request_id})")
        }
        _ => message.to_owned(),
    };
    Some(Found {
        shape: ErrorShape::HuaweiFlatError,
        message,
        fault: fault.map(str::to_owned),
        code: None,
        retry_after: None,
    })
}

/// Glance (webob): `{"message", "code": "404 Not Found", "title"}` at the top level; the
/// message may carry webob's `<br />` line breaks.
fn glance_error(object: &Map<String, Value>) -> Option<Found> {
    let message = text(object, "message")?;
    let title = text(object, "title")?;
    let code = text(object, "code").and_then(|code| {
        let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    });
    let message = message
        .replace("<br />", " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    Some(Found {
        shape: ErrorShape::GlanceError,
        message: if message.is_empty() {
            title.to_owned()
        } else {
            message
        },
        fault: Some(title.to_owned()),
        code,
        retry_after: None,
    })
}

/// Nova's and Cinder's `{"<faultName>": {"code", "message", "retryAfter"?}}` (one key naming the
/// fault; the first whose value carries a message counts).
fn openstack_fault(object: &Map<String, Value>) -> Option<Found> {
    object.iter().find_map(|(fault, detail)| {
        let detail = detail.as_object()?;
        let message = message_text(detail.get("message")?)?;
        Some(Found {
            shape: ErrorShape::OpenstackFault,
            message,
            fault: Some(fault.clone()),
            code: detail.get("code").and_then(status_code),
            retry_after: detail
                .get("retryAfter")
                .and_then(|value| crate::de::lenient_u64(value).ok().flatten()),
        })
    })
}

fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str)
}

/// A `message` member: text as it is, another JSON value as its JSON text, `null` as none.
fn message_text(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(message) => Some(message.clone()),
        other => Some(other.to_string()),
    }
}

/// A body's `code` read as an HTTP status (a number or numeric text, 100-599).
fn status_code(code: &Value) -> Option<u16> {
    crate::de::lenient_u64(code)
        .ok()
        .flatten()
        .and_then(|code| u16::try_from(code).ok())
        .filter(|code| (100..600).contains(code))
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        408 => "Request Timeout",
        409 => "Conflict",
        410 => "Gone",
        413 => "Payload Too Large",
        415 => "Unsupported Media Type",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Error",
    }
}

/// The status line: "HTTP 502 Bad Gateway", or "An error response" when the status is unknown.
fn status_words(status: u16) -> String {
    match status {
        0 => "An error response".to_owned(),
        status => format!("HTTP {status} {}", reason_phrase(status)),
    }
}

fn lossy_trimmed(body: &[u8]) -> String {
    String::from_utf8_lossy(body).trim().to_owned()
}

/// A body that is not JSON: empty, an HTML page (its title), or text (an excerpt).
fn describe_unexpected_body(status: u16, body: &[u8]) -> (ErrorShape, String) {
    let status_words = status_words(status);
    let text = lossy_trimmed(body);
    if text.is_empty() {
        return (
            ErrorShape::Empty,
            format!("{status_words} with an empty response body"),
        );
    }
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<body")
    {
        let title = html_title(&text)
            .map(|title| format!(": \"{title}\""))
            .unwrap_or_default();
        return (
            ErrorShape::HtmlPage,
            format!(
                "{status_words}: the server answered with an HTML page instead of an API error \
                 (usually a proxy, load balancer or wrong endpoint URL){title}"
            ),
        );
    }
    (
        ErrorShape::PlainText,
        format!("{status_words}: {}", excerpt(&text)),
    )
}

fn html_title(html: &str) -> Option<String> {
    // ASCII lower-casing keeps every byte offset, so offsets found in `lower` slice `html`.
    let lower = html.to_ascii_lowercase();
    let start = lower.find("<title")?;
    let open_end = start + lower[start..].find('>')? + 1;
    let close = open_end + lower[open_end..].find("</title")?;
    let title = html
        .get(open_end..close)?
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    (!title.is_empty()).then(|| excerpt(&title))
}

/// `message` cut to [`MESSAGE_MAX_CHARS`], line breaks kept.
fn shortened(message: String) -> String {
    match message.char_indices().nth(MESSAGE_MAX_CHARS) {
        Some((cut, _)) => format!("{}…", &message[..cut]),
        None => message,
    }
}

fn excerpt(text: &str) -> String {
    let flat: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if flat.chars().count() <= EXCERPT_CHARS {
        flat
    } else {
        let cut: String = flat.chars().take(EXCERPT_CHARS).collect();
        format!("{cut}…")
    }
}

/// A 2xx body that is not the expected document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot decode the {what} response: {message}")]
pub struct DecodeError {
    /// What was being decoded (`"server"`, `"flavors"`, ...).
    pub what: &'static str,
    pub message: String,
}

impl DecodeError {
    pub fn new(what: &'static str, message: impl Into<String>) -> Self {
        Self {
            what,
            message: message.into(),
        }
    }
}

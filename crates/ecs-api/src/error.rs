//! Errors: [`ApiError`] for a non-2xx response (Nova fault, Keystone error, or whatever a proxy
//! sent), [`DecodeError`] for a 2xx body that does not decode.

use serde_json::Value;

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
    /// The fault name Nova used (`badRequest`, `itemNotFound`, `overLimit`, ...) or Keystone's
    /// error title; `None` for non-JSON bodies.
    pub fault: Option<String>,
}

/// Longest excerpt of an unexpected body quoted in a message.
const EXCERPT_CHARS: usize = 200;

impl ApiError {
    /// Decodes an error response body: a Nova fault `{"<faultName>": {"code", "message",
    /// "retryAfter"?}}`, a Keystone error `{"error": {"code", "title", "message"}}`, a Neutron
    /// error `{"NeutronError": {"type", "message", "detail"}}` (the fault is its `type`), a
    /// Glance error `{"message", "code", "title"}`, or anything else (an HTML page from a
    /// proxy, plain text, an empty body). Never fails.
    pub fn from_response(status: u16, body: &[u8]) -> Self {
        let kind = ErrorKind::from_status(status);
        let parsed = serde_json::from_slice::<Value>(body).ok();
        if let Some(error) = parsed
            .as_ref()
            .and_then(|value| Self::from_json(status, value))
        {
            return error;
        }
        Self {
            status,
            message: describe_unexpected_body(status, body),
            kind,
            retry_after: None,
            fault: None,
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

    fn from_json(status: u16, value: &Value) -> Option<Self> {
        let object = value.as_object()?;
        // Keystone (and keystonemiddleware's 401 in front of Nova).
        if let Some(error) = object.get("error").and_then(Value::as_object) {
            let text = |key: &str| error.get(key).and_then(Value::as_str).map(str::to_owned);
            let message = text("message").or_else(|| text("title"))?;
            let status = status_or_code(status, error.get("code"));
            return Some(Self {
                status,
                message,
                kind: ErrorKind::from_status(status),
                retry_after: None,
                fault: text("title"),
            });
        }
        // Glance (webob): `{"message", "code": "404 Not Found", "title"}` at the top level.
        if let (Some(Value::String(message)), Some(title)) = (
            object.get("message"),
            object.get("title").and_then(Value::as_str),
        ) {
            let code = object.get("code").and_then(Value::as_str).and_then(|code| {
                let digits: String = code.chars().take_while(char::is_ascii_digit).collect();
                digits.parse::<u64>().ok()
            });
            let status = status_or_code(status, code.map(Value::from).as_ref());
            let message = message
                .replace("<br />", " ")
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ");
            return Some(Self {
                status,
                message: if message.is_empty() {
                    title.to_owned()
                } else {
                    message
                },
                kind: ErrorKind::from_status(status),
                retry_after: None,
                fault: Some(title.to_owned()),
            });
        }
        // Nova: exactly one key naming the fault, whose value carries the message. Neutron's
        // `{"NeutronError": {"type", "message", "detail"}}` has the same shape; its `type`
        // names the fault.
        let (fault, detail) = object
            .iter()
            .find(|(_, detail)| detail.get("message").is_some())?;
        let fault = match detail.get("type").and_then(Value::as_str) {
            Some(kind) if fault == "NeutronError" && !kind.is_empty() => kind.to_owned(),
            _ => fault.clone(),
        };
        let message = match detail.get("message") {
            Some(Value::String(message)) => message.clone(),
            Some(other) => other.to_string(),
            None => return None,
        };
        let status = status_or_code(status, detail.get("code"));
        let retry_after = detail
            .get("retryAfter")
            .and_then(|value| crate::de::lenient_u64(value).ok().flatten());
        Some(Self {
            status,
            message,
            kind: ErrorKind::from_status(status),
            retry_after,
            fault: Some(fault),
        })
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

/// The HTTP status, or when unknown (0) the `code` the body states.
fn status_or_code(status: u16, code: Option<&Value>) -> u16 {
    if status != 0 {
        return status;
    }
    code.and_then(|code| crate::de::lenient_u64(code).ok().flatten())
        .and_then(|code| u16::try_from(code).ok())
        .unwrap_or(0)
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

fn describe_unexpected_body(status: u16, body: &[u8]) -> String {
    let phrase = reason_phrase(status);
    let text = String::from_utf8_lossy(body);
    let text = text.trim();
    if text.is_empty() {
        return format!("HTTP {status} {phrase} with an empty response body");
    }
    let lower = text.to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") || lower.contains("<body")
    {
        let title = html_title(text)
            .map(|title| format!(": \"{title}\""))
            .unwrap_or_default();
        return format!(
            "HTTP {status} {phrase}: the server answered with an HTML page instead of an API error \
             (usually a proxy, load balancer or wrong endpoint URL){title}"
        );
    }
    format!("HTTP {status} {phrase}: {}", excerpt(text))
}

fn html_title(html: &str) -> Option<String> {
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

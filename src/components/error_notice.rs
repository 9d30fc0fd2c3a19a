//! Shows an [`ApiError`]: the API's own words, the status, and what to do next.

use ecs_api::{ApiError, ErrorKind};
use leptos::prelude::*;

/// What the user can do about an error of this kind.
pub fn next_step(error: &ApiError) -> String {
    let wait = error
        .retry_after
        .map(|seconds| format!(" The cloud asks to wait {seconds} s."))
        .unwrap_or_default();
    let advice = match error.kind {
        ErrorKind::Network => {
            "Check the network connection. In direct mode the cloud must allow this page's origin (CORS); the proxy mode avoids that."
        }
        ErrorKind::BadRequest => "Correct the value the message names and try again.",
        ErrorKind::Unauthorized => {
            "The cloud did not accept the credentials or the token: check user domain, user name, password and project, then sign in again."
        }
        ErrorKind::Forbidden => {
            "Your account may not do this. Ask the project administrator for the needed role or quota."
        }
        ErrorKind::NotFound => {
            "It no longer exists, or the endpoint is wrong. Go back to the list."
        }
        ErrorKind::Conflict => {
            "The resource is busy or the name is taken. Wait for the current task to end, or pick another name."
        }
        ErrorKind::OverLimit => {
            "A quota or rate limit was reached. Free resources or wait, then retry."
        }
        ErrorKind::NotAcceptable => {
            "The cloud does not support microversion 2.67, which this console needs."
        }
        ErrorKind::ServerError
        | ErrorKind::BadGateway
        | ErrorKind::ServiceUnavailable
        | ErrorKind::GatewayTimeout => "The cloud had a problem. Retry in a moment.",
        _ => "Retry; if it persists, the message above is what to give your cloud's support.",
    };
    format!("{advice}{wait}")
}

/// Status line: "HTTP 400 badRequest" or "No response".
pub fn status_line(error: &ApiError) -> String {
    let status = if error.status == 0 {
        "No response".to_owned()
    } else {
        format!("HTTP {}", error.status)
    };
    match &error.fault {
        Some(fault) => format!("{status} ({fault})"),
        None => status,
    }
}

#[component]
pub fn ErrorNotice(
    error: ApiError,
    /// What was being done, e.g. "Loading servers failed".
    #[prop(into)]
    title: String,
    /// What to do next where the page knows better than the error's kind alone.
    #[prop(default = None)]
    advice: Option<String>,
) -> impl IntoView {
    let status = status_line(&error);
    let advice = advice.unwrap_or_else(|| next_step(&error));
    view! {
        <div class="error" role="alert">
            <strong>{title}</strong>
            " "
            <span class="muted small">{status}</span>
            <p class="api-message">{error.message}</p>
            <p class="small">{advice}</p>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_say_what_to_do() {
        let error = ApiError::from_response(
            413,
            br#"{"overLimit": {"code": 413, "message": "Quota exceeded", "retryAfter": "30"}}"#,
        );
        assert_eq!(status_line(&error), "HTTP 413 (overLimit)");
        assert!(next_step(&error).contains("wait 30 s"));
        let offline = ApiError::network("connection refused");
        assert_eq!(status_line(&offline), "No response");
        assert!(next_step(&offline).contains("CORS"));
    }
}

//! All HTTP of the app. Every call goes through [`Api::send`], which adds the token and the
//! microversion headers (chosen per URL by `ecs-api`), records the request in the activity log,
//! turns a 401 into a trip to sign-in, and decodes errors with `ecs-api` so every failure is an
//! [`ApiError`] carrying the API's own message (network failures included). A read that fails
//! in passing is sent again, as [`retry`] decides; each attempt is listed in the activity log.

pub mod activity;
pub mod compute;
pub mod console;
pub mod create_form;
pub mod gateway;
mod http;
pub mod keypairs;
pub mod keystone;
pub mod network;
mod pages;
mod retry;
pub mod server_actions;
pub mod server_list;
pub mod volumes;

use std::time::Duration;

use ecs_api::error::DecodeError;
use ecs_api::microversion::microversion_for;
use ecs_api::{ApiError, ErrorKind, Microversion};
use leptos::prelude::*;
use serde::de::DeserializeOwned;

use crate::browser::current_location;
use crate::browser::visibility::is_page_visible;
use crate::session::{Session, SessionStore};
use activity::{ActivityLog, RequestState, RetryNote};
pub use http::{Method, RawResponse};
use retry::Failure;
use send_wrapper::SendWrapper;

/// The app's API client (a context; cheap to copy).
#[derive(Clone, Copy)]
pub struct Api {
    session: SessionStore,
    activity: ActivityLog,
}

pub fn use_api() -> Api {
    expect_context::<Api>()
}

/// A request to send: method, absolute or origin-relative URL, optional JSON body.
#[derive(Clone, Debug)]
pub struct ApiRequest {
    pub method: Method,
    pub url: String,
    /// Serialized JSON; never logged.
    pub body: Option<String>,
    /// Compute requests carry microversion headers; Glance and Neutron have none (and a
    /// direct-mode preflight to them would have to allow headers they do not know).
    pub service: Service,
    /// A compute microversion chosen by the caller (who has checked that the cloud serves it)
    /// instead of the one `ecs-api` picks for the URL.
    pub microversion: Option<Microversion>,
}

/// Which API a request is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    Compute,
    Image,
    Network,
    /// Cinder block storage v3: no microversion header (the base 3.0 shapes are enough).
    Volume,
}

impl ApiRequest {
    pub fn get(url: impl Into<String>) -> Self {
        Self::without_body(Method::Get, url.into())
    }

    pub fn delete(url: impl Into<String>) -> Self {
        Self::without_body(Method::Delete, url.into())
    }

    /// A POST with `body` serialized as JSON.
    pub fn post(url: impl Into<String>, body: &impl serde::Serialize) -> Result<Self, ApiError> {
        Self::with_body(Method::Post, url.into(), body)
    }

    /// A PUT with `body` serialized as JSON.
    pub fn put(url: impl Into<String>, body: &impl serde::Serialize) -> Result<Self, ApiError> {
        Self::with_body(Method::Put, url.into(), body)
    }

    /// The same request, to another service than compute.
    pub fn to(self, service: Service) -> Self {
        Self { service, ..self }
    }

    /// The same compute request, at `microversion` instead of the one for its URL.
    pub fn at(self, microversion: Microversion) -> Self {
        Self {
            microversion: Some(microversion),
            ..self
        }
    }

    /// The microversion headers: to compute, the request's microversion or else the one for
    /// its URL (2.67, except the image and network proxy APIs, which Nova serves only up to
    /// 2.35); to the other services, none.
    fn microversion_headers(&self) -> Vec<(&'static str, String)> {
        match self.service {
            Service::Compute => self
                .microversion
                .unwrap_or_else(|| microversion_for(&self.url))
                .request_headers()
                .into_iter()
                .collect(),
            Service::Image | Service::Network | Service::Volume => Vec::new(),
        }
    }

    fn without_body(method: Method, url: String) -> Self {
        Self {
            method,
            url,
            body: None,
            service: Service::Compute,
            microversion: None,
        }
    }

    fn with_body(
        method: Method,
        url: String,
        body: &impl serde::Serialize,
    ) -> Result<Self, ApiError> {
        let body = serde_json::to_string(body)
            .map_err(|error| client_error(format!("the request could not be encoded: {error}")))?;
        Ok(Self {
            body: Some(body),
            ..Self::without_body(method, url)
        })
    }
}

impl Api {
    pub fn new(session: SessionStore, activity: ActivityLog) -> Self {
        Self { session, activity }
    }

    pub fn session(&self) -> SessionStore {
        self.session
    }

    /// The signed-in session, or the 401 error that sends the user to sign-in.
    pub fn current_session(&self) -> Result<Session, ApiError> {
        self.session.get_untracked().ok_or_else(|| ApiError {
            status: 401,
            message: "You are signed out. Sign in to continue.".to_owned(),
            kind: ErrorKind::Unauthorized,
            retry_after: None,
            fault: None,
        })
    }

    /// Sends a request with the session's token and its microversion headers.
    pub async fn send(&self, request: ApiRequest) -> Result<RawResponse, ApiError> {
        let session = self.current_session()?;
        let mut headers = request.microversion_headers();
        headers.push(("X-Auth-Token", session.token.expose().to_owned()));
        let response = self.exchange(&request, &headers).await?;
        if response.status == 401 {
            self.session.expire(
                current_location(),
                "Your session has ended (the cloud answered 401). Sign in again to continue where you were.",
            );
        }
        if response.is_success() {
            Ok(response)
        } else {
            Err(response.error())
        }
    }

    /// True when the cloud's catalog lists Neutron (networks, security groups, public IPs).
    pub fn has_network_service(&self) -> bool {
        self.session.with_untracked(|session| {
            session.is_some_and(|session| session.network_endpoint.is_some())
        })
    }

    /// Sends `request` and decodes a JSON success body as `T` (`what` names it in errors).
    pub async fn fetch<T: DeserializeOwned>(
        &self,
        what: &'static str,
        request: ApiRequest,
    ) -> Result<T, ApiError> {
        self.send(request).await?.json(what)
    }

    /// Sends a request without the session's token (sign-in itself), recording it like any other.
    async fn send_unauthenticated(
        &self,
        request: &ApiRequest,
        headers: &[(&'static str, String)],
    ) -> Result<RawResponse, ApiError> {
        self.exchange(request, headers).await
    }

    /// Sends `request`, and sends a read again while it fails in passing (see [`retry`]):
    /// each attempt is listed in the activity log, with the wait before the next one.
    async fn exchange(
        &self,
        request: &ApiRequest,
        headers: &[(&'static str, String)],
    ) -> Result<RawResponse, ApiError> {
        // One controller for every attempt: a view that goes ends the waiting too.
        let cancel = cancel_read_on_cleanup(request.method);
        let signal = cancel.as_ref().map(web_sys::AbortController::signal);
        let cancelled = || signal.as_ref().is_some_and(web_sys::AbortSignal::aborted);
        let mut attempt = 1;
        loop {
            let started = js_sys::Date::now();
            let entry =
                self.activity
                    .start(request.method.as_str(), &request.url, started, attempt);
            let result = http::exchange(request, headers, signal.as_ref()).await;
            let duration_ms = (js_sys::Date::now() - started).max(0.0) as u32;
            let (outcome, failure) = match &result {
                Ok(response) if response.is_success() => {
                    if request.method == Method::Get && retry::is_cut_short(&response.body) {
                        (
                            RequestState::CutShort(response.status),
                            Some(Failure::CutShort),
                        )
                    } else {
                        (RequestState::Answered(response.status), None)
                    }
                }
                Ok(response) => (
                    RequestState::Answered(response.status),
                    Some(Failure::Status(response.status)),
                ),
                Err(_) if cancelled() => (RequestState::Cancelled, None),
                Err(unanswered) => (
                    unanswered
                        .status
                        .map_or(RequestState::NoResponse, RequestState::CutShort),
                    (unanswered.error.kind == ErrorKind::Network).then_some(Failure::NoResponse),
                ),
            };
            self.activity.finish(entry, outcome, duration_ms);
            let Some(failure) = failure else {
                return result.map_err(|unanswered| unanswered.error);
            };
            let retry_after = match &result {
                Ok(response) if !response.is_success() => {
                    response.error().retry_after.map(Duration::from_secs)
                }
                _ => None,
            };
            let delay = retry::delay_before(
                request.method,
                failure,
                attempt + 1,
                retry_after,
                js_sys::Math::random(),
            );
            let Some(delay) = delay else {
                return given_up(request, failure, result);
            };
            self.activity.retrying(
                entry,
                RetryNote {
                    delay_ms: u32::try_from(delay.as_millis()).unwrap_or(u32::MAX),
                    next_attempt: attempt + 1,
                },
            );
            pause(delay).await;
            // No request from a hidden tab (as polling): the retry waits until it is shown.
            while !is_page_visible() && !cancelled() {
                pause(HIDDEN_TAB_CHECK).await;
            }
            if cancelled() {
                return given_up(request, failure, result);
            }
            attempt += 1;
        }
    }
}

/// How often a retry due in a hidden tab looks whether the tab is shown again.
const HIDDEN_TAB_CHECK: Duration = Duration::from_secs(1);

/// The outcome of the last attempt of a read that failed: its error, or for a success whose
/// body stopped short, a network error that says so (rather than "not the OpenStack API").
fn given_up(
    request: &ApiRequest,
    failure: Failure,
    result: Result<RawResponse, http::Unanswered>,
) -> Result<RawResponse, ApiError> {
    match (failure, result) {
        (Failure::CutShort, Ok(response)) => Err(ApiError::network(format!(
            "the response to {} {} (HTTP {}) was cut short: the connection closed before the \
             end of its body.",
            request.method.as_str(),
            activity::redact_url(&request.url),
            response.status
        ))),
        (_, result) => result.map_err(|unanswered| unanswered.error),
    }
}

/// Resolves after `delay` (a browser timer).
async fn pause(delay: Duration) {
    let (done, elapsed) = futures::channel::oneshot::channel::<()>();
    set_timeout(
        move || {
            let _ = done.send(());
        },
        delay,
    );
    let _ = elapsed.await;
}

/// A read still in flight when the view that asked for it goes is cancelled: its answer is no
/// longer wanted, and it would hold one of the few connections a browser opens to a host while
/// the next page loads its own lists. Changes (POST, DELETE) always run to their end.
fn cancel_read_on_cleanup(method: http::Method) -> Option<web_sys::AbortController> {
    if method != http::Method::Get {
        return None;
    }
    let controller = web_sys::AbortController::new().ok()?;
    // Registered with the reactive owner that is fetching (a resource's, cleaned up when it
    // fetches again or its component goes); aborting a finished request does nothing.
    let on_drop = SendWrapper::new(controller.clone());
    on_cleanup(move || on_drop.abort());
    Some(controller)
}

/// A failure on this side of the wire (a request that could not be built or sent).
fn client_error(message: String) -> ApiError {
    ApiError {
        status: 0,
        message,
        kind: ErrorKind::Other,
        retry_after: None,
        fault: None,
    }
}

/// A success status whose body is not the document the API promises.
fn decode_failure(status: u16, error: &DecodeError) -> ApiError {
    ApiError {
        status,
        message: format!(
            "{error}. The address answered HTTP {status}, but not as the OpenStack API does: \
             check the endpoint (a web page or another service answers like this)."
        ),
        kind: ErrorKind::Other,
        retry_after: None,
        fault: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(request: &ApiRequest, name: &str) -> Option<String> {
        request
            .microversion_headers()
            .into_iter()
            .find(|(header, _)| *header == name)
            .map(|(_, value)| value)
    }

    #[test]
    fn a_compute_request_carries_its_own_microversion_or_the_one_for_its_url() {
        let url = "/proxy/compute/v2.1/p/servers/id-1";
        assert_eq!(
            header(&ApiRequest::get(url), "X-OpenStack-Nova-API-Version").as_deref(),
            Some("2.67")
        );
        let at_2_73 = ApiRequest::get(url).at(Microversion::new(2, 73));
        assert_eq!(
            header(&at_2_73, "X-OpenStack-Nova-API-Version").as_deref(),
            Some("2.73")
        );
        assert_eq!(
            header(&at_2_73, "OpenStack-API-Version").as_deref(),
            Some("compute 2.73")
        );
        let images = ApiRequest::get("/proxy/compute/v2.1/p/images/detail");
        assert_eq!(
            header(&images, "X-OpenStack-Nova-API-Version").as_deref(),
            Some("2.35")
        );
    }

    #[test]
    fn other_services_get_no_microversion_headers() {
        for service in [Service::Image, Service::Network, Service::Volume] {
            let request = ApiRequest::get("/proxy/volume/v3/p/volumes/detail").to(service);
            assert!(request.microversion_headers().is_empty(), "{service:?}");
        }
    }
}

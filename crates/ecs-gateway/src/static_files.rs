//! Serving the trunk output (`--dist`): content types, precompressed or on-the-fly gzip/brotli,
//! immutable caching for hashed assets, `no-cache` for index.html, and the client-route fallback.

use std::convert::Infallible;
use std::path::{Path, PathBuf};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tower::util::BoxCloneSyncService;
use tower::{ServiceBuilder, ServiceExt, service_fn};
use tower_http::compression::CompressionLayer;
use tower_http::services::{ServeDir, ServeFile};
use url::Url;

use crate::GatewayError;
use crate::config::csp_origin;
use crate::proxy::error_response;

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

/// A checked `--dist` directory.
#[derive(Debug, Clone)]
pub(crate) struct Dist {
    root: PathBuf,
}

impl Dist {
    pub(crate) fn open(path: &Path) -> Result<Self, GatewayError> {
        let invalid = |reason: String| GatewayError::InvalidDist {
            path: path.to_owned(),
            reason,
        };
        let root = path.canonicalize().map_err(|e| {
            invalid(format!(
                "{e} (build the app with `trunk build --release` first)"
            ))
        })?;
        if !root.is_dir() {
            return Err(invalid("not a directory".to_owned()));
        }
        let index = std::fs::read_to_string(root.join("index.html"))
            .map_err(|e| invalid(format!("cannot read index.html: {e}")))?;
        for problem in csp_violations(&index) {
            tracing::warn!(
                "{}/index.html has {problem}, which the Content-Security-Policy blocks; \
                 build the app without inline scripts and styles",
                root.display()
            );
        }
        Ok(Self { root })
    }
}

/// The policy on every response: the app's own origin, wasm compilation, and the direct endpoints.
pub(crate) fn content_security_policy(direct_endpoints: &[Url]) -> String {
    let mut connect_src = String::from("'self'");
    for endpoint in direct_endpoints {
        let origin = csp_origin(endpoint);
        if !connect_src.split(' ').any(|source| source == origin) {
            connect_src.push(' ');
            connect_src.push_str(&origin);
        }
    }
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data:; connect-src {connect_src}; object-src 'none'; base-uri 'none'; \
         frame-ancestors 'none'; form-action 'self'"
    )
}

/// Inline scripts, inline style elements and style attributes in index.html.
fn csp_violations(html: &str) -> Vec<&'static str> {
    let lower = html.to_ascii_lowercase();
    let mut problems = Vec::new();
    let tags = |name: &str| {
        let opening = format!("<{name}");
        lower
            .match_indices(&opening)
            .filter_map(|(start, _)| {
                let tag = &lower[start..];
                let after_name = tag.as_bytes().get(opening.len()).copied();
                // `<scripts>` or `<style-x>` are other elements.
                matches!(after_name, Some(b' ' | b'>' | b'\t' | b'\n' | b'\r' | b'/'))
                    .then(|| &tag[..tag.find('>').unwrap_or(tag.len())])
            })
            .collect::<Vec<_>>()
    };
    if tags("script").iter().any(|tag| !tag.contains("src=")) {
        problems.push("an inline <script>");
    }
    if !tags("style").is_empty() {
        problems.push("an inline <style> element");
    }
    if lower.contains(" style=") {
        problems.push("a style= attribute");
    }
    problems
}

type StaticService = BoxCloneSyncService<Request, Response, Infallible>;

/// The fallback service of the router: the dist directory, or a 404 when none is configured.
pub(crate) fn service(dist: Option<&Dist>) -> StaticService {
    let Some(dist) = dist else {
        return BoxCloneSyncService::new(service_fn(|_request: Request| async {
            Ok::<_, Infallible>(
                (
                    StatusCode::NOT_FOUND,
                    "ecs-gateway serves no app: start it with --dist DIR (the trunk output)",
                )
                    .into_response(),
            )
        }));
    };
    let index = dist.root.join("index.html");
    let client_routes = service_fn(move |request: Request| {
        let index = index.clone();
        async move { Ok::<_, Infallible>(client_route(index, request).await) }
    });
    let files = ServeDir::new(&dist.root)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(client_routes);
    let service = ServiceBuilder::new()
        .layer(axum::middleware::from_fn(cache_control))
        .layer(CompressionLayer::new())
        .service(files)
        .map_response(IntoResponse::into_response);
    BoxCloneSyncService::new(service)
}

/// A path with no file extension is a client route: the app's index.html answers it.
async fn client_route(index: PathBuf, request: Request) -> Response {
    let path = request.uri().path();
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    let is_client_route = matches!(*request.method(), Method::GET | Method::HEAD)
        && !last_segment.contains('.')
        && path != "/proxy"
        && !path.starts_with("/proxy/");
    if !is_client_route {
        return error_response(StatusCode::NOT_FOUND, "no such file", None);
    }
    match ServeFile::new(index).oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let status = response.status();
    if status.is_success() || status == StatusCode::NOT_MODIFIED {
        let is_html = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| value.starts_with("text/html"));
        let policy = if hashed && !is_html {
            IMMUTABLE
        } else {
            NO_CACHE
        };
        response.headers_mut().insert(header::CACHE_CONTROL, policy);
    }
    response
}

/// trunk names assets `name-<hex hash>.ext` (and `name-<hash>_bg.wasm`): such content never changes.
fn is_hashed_asset(path: &str) -> bool {
    let file_name = path.rsplit('/').next().unwrap_or_default();
    let Some((stem, _extension)) = file_name.split_once('.') else {
        return false;
    };
    stem.split(['-', '_'])
        .any(|part| part.len() >= 10 && part.bytes().all(|byte| byte.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_asset_names() {
        assert!(is_hashed_asset("/ecs-console-3b5cd16a4c5b0c53_bg.wasm"));
        assert!(is_hashed_asset("/ecs-console-3b5cd16a4c5b0c53.js"));
        assert!(is_hashed_asset("/style-00aa11bb22cc33dd.css"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/favicon.ico"));
        assert!(!is_hashed_asset("/servers/3b5cd16a4c5b0c53"));
    }

    #[test]
    fn inline_scripts_and_styles_are_found() {
        let clean = r#"<html><head><script type="module" src="/app-0123456789abcdef.js"></script>
            <link rel="stylesheet" href="/style-0123456789abcdef.css"></head><body></body></html>"#;
        assert!(csp_violations(clean).is_empty());
        let inline = r#"<script type="module">import init from '/app.js'; init();</script>"#;
        assert_eq!(csp_violations(inline), vec!["an inline <script>"]);
        let styled = r#"<STYLE>body{}</STYLE><div style="color:red"></div>"#;
        assert_eq!(
            csp_violations(styled),
            vec!["an inline <style> element", "a style= attribute"]
        );
    }

    #[test]
    fn policy_lists_direct_endpoint_origins_once() {
        let endpoints = [
            Url::parse("https://iam.example/v3").unwrap(),
            Url::parse("https://iam.example:443/other").unwrap(),
            Url::parse("http://127.0.0.1:9000/identity/v3").unwrap(),
        ];
        let policy = content_security_policy(&endpoints);
        assert!(
            policy.contains("connect-src 'self' https://iam.example http://127.0.0.1:9000;"),
            "{policy}"
        );
        assert!(policy.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval';"));
    }
}

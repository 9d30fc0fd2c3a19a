//! Serving the trunk output (`--dist`) with tower-http's `ServeDir`: content types,
//! Last-Modified, conditional, HEAD and range requests, and the choice between a file and its
//! brotli or gzip copy by `Accept-Encoding` (the copies are made by `copies`). Here: which file a
//! path names (the client-route fallback to index.html), immutable caching for hashed assets,
//! `no-cache` for index.html, and the Content-Security-Policy.

mod copies;

use std::convert::Infallible;
use std::fs::Metadata;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{HeaderValue, Method, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use percent_encoding::percent_decode_str;
use tower::util::BoxCloneSyncService;
use tower::{ServiceBuilder, ServiceExt, service_fn};
use tower_http::services::ServeDir;
use url::Url;

use crate::GatewayError;
use crate::config::csp_origin;
use crate::request_error::RequestError;
use copies::Copies;

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");
/// Copies are read in one piece up to this size (the app's largest, the wasm's, is about 400 KB):
/// each read is a trip to tokio's blocking pool, and ServeDir's default is 64 KiB.
const COPY_READ_BYTES: usize = 1024 * 1024;

/// A checked `--dist` directory and the compressed copies of its files.
#[derive(Debug, Clone)]
pub(crate) struct Dist {
    root: PathBuf,
    /// `None` when no folder for the copies could be made: the files are served as they are.
    copies: Option<Arc<Copies>>,
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
        let copies = match Copies::create(&root) {
            Ok(copies) => Some(Arc::new(copies)),
            Err(error) => {
                tracing::warn!(%error, "cannot make a folder for compressed copies; serving the app's files uncompressed");
                None
            }
        };
        Ok(Self { root, copies })
    }

    /// Compresses the app's files (see `Copies::warm_up`).
    pub(crate) async fn warm_up(&self) {
        if let Some(copies) = &self.copies {
            copies.warm_up().await;
        }
    }

    /// The file a GET or HEAD of `uri_path` is answered with, by ServeDir's rules and the
    /// client-route fallback; `None` when ServeDir answers without a file (a redirect, a 404).
    async fn served_file(&self, uri_path: &str, is_client_route: bool) -> Option<ServedFile> {
        if let Some(mut path) = file_path(&self.root, uri_path) {
            let mut metadata = tokio::fs::metadata(&path).await.ok();
            if metadata.as_ref().is_some_and(Metadata::is_dir) {
                if !uri_path.ends_with('/') {
                    // ServeDir redirects to the path with a slash.
                    return None;
                }
                path.push("index.html");
                metadata = tokio::fs::metadata(&path).await.ok();
            }
            if let Some(metadata) = metadata.filter(Metadata::is_file) {
                return Some(ServedFile {
                    path,
                    metadata,
                    is_client_route: false,
                });
            }
        }
        if !is_client_route {
            return None;
        }
        let index = self.root.join("index.html");
        let metadata = tokio::fs::metadata(&index).await.ok()?;
        Some(ServedFile {
            path: index,
            metadata,
            is_client_route: true,
        })
    }
}

/// The longest file name and path Linux takes (NAME_MAX, PATH_MAX).
const MAX_NAME_BYTES: usize = 255;
const MAX_PATH_BYTES: usize = 4095;

impl Dist {
    /// Whether the system could open a file by this URI path's name under the root.
    fn could_name_a_file(&self, uri_path: &str) -> bool {
        let decoded: Vec<u8> = percent_decode_str(uri_path).collect();
        !decoded.contains(&0)
            && self.root.as_os_str().len() + decoded.len() <= MAX_PATH_BYTES
            && decoded
                .split(|&byte| byte == b'/')
                .all(|name| name.len() <= MAX_NAME_BYTES)
    }
}

struct ServedFile {
    path: PathBuf,
    metadata: Metadata,
    /// The path names no file: the app's index.html answers it.
    is_client_route: bool,
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

pub(crate) type StaticService = BoxCloneSyncService<Request, Response, Infallible>;

/// What answers every path that is neither the proxy nor `/config.json`: the dist directory, or a 404 when none is configured.
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
    let files = serve_dir(ServeDir::new(&dist.root).fallback(service_fn(
        |_request: Request| async { Ok::<_, Infallible>(RequestError::NoSuchFile.into_response()) },
    )));
    // The copies folder mirrors dist: ServeDir answers with `NAME.br` or `NAME.gz` as the
    // request's Accept-Encoding prefers, and with the file itself from dist otherwise.
    let compressed = dist.copies.as_ref().map(|copies| {
        serve_dir(
            ServeDir::new(copies.folder())
                .with_buf_chunk_size(COPY_READ_BYTES)
                .precompressed_br()
                .precompressed_gzip()
                .fallback(files.clone()),
        )
    });
    let app = App {
        dist: dist.clone(),
        files,
        compressed,
    };
    let service = ServiceBuilder::new()
        .layer(axum::middleware::from_fn(cache_control))
        .service(service_fn(move |request: Request| {
            let app = app.clone();
            async move { Ok::<_, Infallible>(app.serve(request).await) }
        }));
    BoxCloneSyncService::new(service)
}

fn serve_dir<S>(service: S) -> StaticService
where
    S: tower::Service<Request, Error = Infallible> + Clone + Send + Sync + 'static,
    S::Response: IntoResponse,
    S::Future: Send + 'static,
{
    BoxCloneSyncService::new(service.map_response(IntoResponse::into_response))
}

/// The app's files: which one a request names, and which representation of it answers.
#[derive(Clone)]
struct App {
    dist: Dist,
    /// The files as they are.
    files: StaticService,
    /// Their copies, then the files as they are.
    compressed: Option<StaticService>,
}

impl App {
    async fn serve(&self, mut request: Request) -> Response {
        let served = if matches!(*request.method(), Method::GET | Method::HEAD) {
            // A `Uri` clone shares the request's bytes (the request itself is not `Sync`).
            let uri = request.uri().clone();
            self.dist
                .served_file(uri.path(), is_client_route(&request))
                .await
        } else {
            None
        };
        let Some(served) = served else {
            // ServeDir answers 500 when the system refuses the name (a NUL, a name too long):
            // no file has such a name.
            if !self.dist.could_name_a_file(request.uri().path()) {
                return RequestError::NoSuchFile.into_response();
            }
            return answer(&self.files, request).await;
        };
        if served.is_client_route {
            *request.uri_mut() = Uri::from_static("/index.html");
        }
        if !copies::is_compressible(&served.path) {
            return answer(&self.files, request).await;
        }
        // Copies only for a client that accepts some encoding, not for a range (answered on the
        // file itself), and only once made from this version of the file.
        let headers = request.headers();
        let compressed = self.compressed.as_ref().zip(self.dist.copies.as_ref());
        let service = match compressed {
            Some((compressed, copies))
                if headers.contains_key(header::ACCEPT_ENCODING)
                    && !headers.contains_key(header::RANGE)
                    && copies.ready(&served.path, &served.metadata) =>
            {
                compressed
            }
            _ => &self.files,
        };
        let mut response = answer(service, request).await;
        let headers = response.headers_mut();
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
        if headers.contains_key(header::CONTENT_ENCODING) {
            // Ranges are offered on the file itself, not on its compressed copy.
            headers.remove(header::ACCEPT_RANGES);
        }
        response
    }
}

async fn answer(service: &StaticService, request: Request) -> Response {
    match service.clone().oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// A path with no file extension is a client route: the app's index.html answers it.
fn is_client_route(request: &Request) -> bool {
    let path = request.uri().path();
    let last_segment = path.rsplit('/').next().unwrap_or_default();
    matches!(*request.method(), Method::GET | Method::HEAD)
        && !last_segment.contains('.')
        && path != "/proxy"
        && !path.starts_with("/proxy/")
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

/// The file a URI path names under `root`, as ServeDir resolves it; `None` for paths that leave it.
fn file_path(root: &Path, uri_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode_str(uri_path.trim_start_matches('/'))
        .decode_utf8()
        .ok()?;
    let mut path = root.to_owned();
    for component in Path::new(&*decoded).components() {
        match component {
            Component::Normal(part) => path.push(part),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    Some(path)
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
    fn uri_paths_stay_inside_the_root() {
        let root = Path::new("/srv/dist");
        assert_eq!(
            file_path(root, "/assets/./app%2Ejs"),
            Some(PathBuf::from("/srv/dist/assets/app.js"))
        );
        assert_eq!(file_path(root, "/"), Some(PathBuf::from("/srv/dist")));
        assert_eq!(file_path(root, "/assets/../../etc/passwd"), None);
        assert_eq!(file_path(root, "/%2E%2E/secret"), None);
        assert_eq!(
            file_path(root, "//etc/passwd"),
            Some(PathBuf::from("/srv/dist/etc/passwd"))
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

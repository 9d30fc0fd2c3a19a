//! Serving the trunk output (`--dist`): content types, gzip/brotli copies made once per file
//! version and kept in memory, immutable caching for hashed assets, `no-cache` for index.html,
//! and the client-route fallback.

use std::collections::HashMap;
use std::convert::Infallible;
use std::fs::{File, Metadata};
use std::io::{Read, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use percent_encoding::percent_decode_str;
use tower::util::BoxCloneSyncService;
use tower::{ServiceBuilder, ServiceExt, service_fn};
use tower_http::services::{ServeDir, ServeFile};
use url::Url;

use crate::GatewayError;
use crate::config::csp_origin;
use crate::proxy::error_response;

const IMMUTABLE: HeaderValue = HeaderValue::from_static("public, max-age=31536000, immutable");
const NO_CACHE: HeaderValue = HeaderValue::from_static("no-cache");

/// Brotli 10 compresses the app's 1.25 MB wasm to 384 KB in 1-1.9 s on two busy cores;
/// 11 takes about 2.8 s for 4% less, 9 takes 0.25 s for 8% more.
const BROTLI_QUALITY: i32 = 10;
/// A 4 MiB window: larger than any file of the app, so the whole file is one context.
const BROTLI_WINDOW_BITS: i32 = 22;
/// Larger files are served as they are rather than held compressed in memory.
const MAX_COMPRESSED_FILE_BYTES: u64 = 32 * 1024 * 1024;
/// How long start-up waits for the first compression (about 1.2 s for the whole app); past it,
/// compression goes on in the background and files are served uncompressed until their copies exist.
const WARM_UP_WAIT: Duration = Duration::from_secs(2);
/// Text and wasm compress well; images and fonts are compressed already.
const COMPRESSIBLE_EXTENSIONS: &[&str] = &[
    "html",
    "htm",
    "js",
    "mjs",
    "css",
    "wasm",
    "json",
    "map",
    "svg",
    "txt",
    "xml",
    "webmanifest",
];

/// A checked `--dist` directory and the compressed copies of its files.
#[derive(Debug, Clone)]
pub(crate) struct Dist {
    root: PathBuf,
    compressed: Arc<CompressedFiles>,
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
        Ok(Self {
            root,
            compressed: Arc::default(),
        })
    }

    /// Compresses every compressible file in the background and waits for it at most
    /// `WARM_UP_WAIT`, so that a small app is compressed from the first request on and a large
    /// one does not hold up start-up.
    pub(crate) async fn warm_up(&self) {
        let root = self.root.clone();
        let compressed = Arc::clone(&self.compressed);
        let job = tokio::task::spawn_blocking(move || compressed.compress_directory(&root));
        match tokio::time::timeout(WARM_UP_WAIT, job).await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                tracing::error!(%error, "compressing the app's files failed; serving them uncompressed");
            }
            Err(_) => tracing::info!(
                "still compressing the app's files; serving them uncompressed until their copies are ready"
            ),
        }
    }

    /// What a request for a compressible file gets; `None` for anything else.
    async fn negotiate(&self, wanted: Wanted) -> Option<Negotiation> {
        let (path, metadata) = self.served_file(&wanted).await?;
        if !is_compressible(&path) {
            return None;
        }
        let copy = match Stamp::of_compressible(&metadata) {
            Some(stamp) if !wanted.encodings.is_empty() => {
                let entry = self.compressed.lookup(&path, stamp);
                wanted.encodings.iter().find_map(|&encoding| {
                    entry.copy(encoding).map(|bytes| StoredCopy {
                        encoding,
                        bytes: bytes.clone(),
                        original_len: stamp.len,
                    })
                })
            }
            _ => None,
        };
        Some(Negotiation {
            copy,
            is_head: wanted.is_head,
        })
    }

    /// The file ServeDir or the client-route fallback answers with, by their rules.
    async fn served_file(&self, wanted: &Wanted) -> Option<(PathBuf, Metadata)> {
        let uri_path = wanted.uri_path.as_str();
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
                return Some((path, metadata));
            }
        }
        if !wanted.is_client_route {
            return None;
        }
        let index = self.root.join("index.html");
        let metadata = tokio::fs::metadata(&index).await.ok()?;
        Some((index, metadata))
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
    // ServeDir answers every request (types, Last-Modified, conditional GET, HEAD, ranges); a
    // stored compressed copy then replaces the body of a full 200 answer.
    let files = ServeDir::new(&dist.root).fallback(client_routes);
    let dist = dist.clone();
    let compressing = service_fn(move |request: Request| {
        let files = files.clone();
        let dist = dist.clone();
        async move {
            let negotiation = dist.negotiate(Wanted::of(&request)).await;
            let response = match files.oneshot(request).await {
                Ok(response) => response.into_response(),
                Err(never) => match never {},
            };
            Ok::<_, Infallible>(apply(negotiation, response))
        }
    });
    let service = ServiceBuilder::new()
        .layer(axum::middleware::from_fn(cache_control))
        .service(compressing);
    BoxCloneSyncService::new(service)
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

async fn client_route(index: PathBuf, request: Request) -> Response {
    if !is_client_route(&request) {
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

/// What the negotiation needs from a request (taken before the request goes to ServeDir).
struct Wanted {
    uri_path: String,
    is_client_route: bool,
    /// Empty for identity: no acceptable encoding, a range, or a method other than GET and HEAD.
    encodings: Vec<Encoding>,
    is_head: bool,
}

impl Wanted {
    fn of(request: &Request) -> Self {
        let method = request.method();
        // Ranges are answered on the identity representation only.
        let encodings = if matches!(*method, Method::GET | Method::HEAD)
            && !request.headers().contains_key(header::RANGE)
        {
            preferred_encodings(request.headers())
        } else {
            Vec::new()
        };
        Self {
            uri_path: request.uri().path().to_owned(),
            is_client_route: is_client_route(request),
            encodings,
            is_head: method == Method::HEAD,
        }
    }
}

/// The answer to a request for a compressible file: `Vary` always, a stored copy when one fits.
struct Negotiation {
    copy: Option<StoredCopy>,
    is_head: bool,
}

struct StoredCopy {
    encoding: Encoding,
    bytes: Bytes,
    /// The size of the file the copy was made from.
    original_len: u64,
}

fn apply(negotiation: Option<Negotiation>, mut response: Response) -> Response {
    let Some(negotiation) = negotiation else {
        return response;
    };
    response
        .headers_mut()
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    let Some(copy) = negotiation.copy else {
        return response;
    };
    let served_len = response
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
    // A 304, an error, or a file replaced since it was looked at keeps ServeDir's own answer.
    if response.status() != StatusCode::OK || served_len != Some(copy.original_len) {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_ENCODING,
        HeaderValue::from_static(copy.encoding.token()),
    );
    headers.insert(header::CONTENT_LENGTH, HeaderValue::from(copy.bytes.len()));
    headers.remove(header::ACCEPT_RANGES);
    *response.body_mut() = if negotiation.is_head {
        Body::empty()
    } else {
        Body::from(copy.bytes)
    };
    response
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

fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            COMPRESSIBLE_EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        })
}

/// One version of a file: a rebuild changes its size or modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
}

impl Stamp {
    /// `None` for what is not kept compressed: no regular file, no modification time, too large.
    fn of_compressible(metadata: &Metadata) -> Option<Self> {
        let stamp = Self {
            len: metadata.len(),
            modified: metadata.modified().ok()?,
        };
        (metadata.is_file() && stamp.len <= MAX_COMPRESSED_FILE_BYTES).then_some(stamp)
    }
}

/// The compressed copies of the dist files, each entry valid for one version of its file.
#[derive(Debug, Default)]
struct CompressedFiles {
    by_path: Mutex<HashMap<PathBuf, Arc<CompressedFile>>>,
}

impl CompressedFiles {
    /// The entry for `path` at `stamp`, and whether it was just made (nobody compresses it yet).
    fn entry(&self, path: &Path, stamp: Stamp) -> (Arc<CompressedFile>, bool) {
        let mut by_path = self.by_path.lock().unwrap_or_else(PoisonError::into_inner);
        match by_path.get(path) {
            Some(entry) if entry.stamp == stamp => (Arc::clone(entry), false),
            _ => {
                let entry = Arc::new(CompressedFile::new(path, stamp));
                by_path.insert(path.to_owned(), Arc::clone(&entry));
                (entry, true)
            }
        }
    }

    /// The entry for a requested file; a version not seen before is compressed in the
    /// background and served uncompressed meanwhile.
    fn lookup(self: &Arc<Self>, path: &Path, stamp: Stamp) -> Arc<CompressedFile> {
        let (entry, is_new) = self.entry(path, stamp);
        if is_new {
            let files = Arc::clone(self);
            let job = Arc::clone(&entry);
            tokio::task::spawn_blocking(move || {
                if let Some(content) = job.read() {
                    job.compress_gzip(&content);
                    job.compress_brotli(&content);
                }
                files.forget_removed();
            });
        }
        entry
    }

    fn compress_directory(&self, root: &Path) {
        let started = Instant::now();
        let mut found = Vec::new();
        collect_compressible(root, &mut found);
        found.sort_by_key(|(_, stamp)| stamp.len);
        let contents: Vec<_> = found
            .into_iter()
            .filter_map(|(path, stamp)| {
                let (entry, is_new) = self.entry(&path, stamp);
                let content = if is_new { entry.read()? } else { return None };
                Some((entry, content))
            })
            .collect();
        // All gzip copies first: they take a fraction of brotli's time, so every file is
        // served compressed sooner.
        for (entry, content) in &contents {
            entry.compress_gzip(content);
        }
        for (entry, content) in &contents {
            entry.compress_brotli(content);
        }
        tracing::info!(
            files = contents.len(),
            elapsed_ms = started.elapsed().as_millis(),
            "compressed the app's files"
        );
    }

    /// Drops the copies of files that are gone (trunk renames hashed assets on every rebuild).
    fn forget_removed(&self) {
        self.by_path
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .retain(|path, _| path.is_file());
    }
}

/// Every compressible file under `directory`, with its version.
fn collect_compressible(directory: &Path, found: &mut Vec<(PathBuf, Stamp)>) {
    let entries = match std::fs::read_dir(directory) {
        Ok(entries) => entries,
        Err(error) => {
            tracing::warn!(directory = %directory.display(), %error, "cannot list; its files are served uncompressed");
            return;
        }
    };
    for entry in entries {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                tracing::warn!(directory = %directory.display(), %error, "cannot list an entry");
                continue;
            }
        };
        let path = entry.path();
        // Symbolic links to directories are not followed: they could loop.
        if entry.file_type().is_ok_and(|kind| kind.is_dir()) {
            collect_compressible(&path, found);
        } else if is_compressible(&path) {
            match std::fs::metadata(&path) {
                Ok(metadata) => found.extend(Stamp::of_compressible(&metadata).map(|s| (path, s))),
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "cannot read; serving it uncompressed");
                }
            }
        }
    }
}

/// Compressed copies of one version of a file. Each copy is set once, to `None` when the
/// encoding does not make the file smaller or the file could not be read.
#[derive(Debug)]
struct CompressedFile {
    path: PathBuf,
    stamp: Stamp,
    gzip: OnceLock<Option<Bytes>>,
    brotli: OnceLock<Option<Bytes>>,
}

impl CompressedFile {
    fn new(path: &Path, stamp: Stamp) -> Self {
        Self {
            path: path.to_owned(),
            stamp,
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
        }
    }

    fn copy(&self, encoding: Encoding) -> Option<&Bytes> {
        let slot = match encoding {
            Encoding::Brotli => &self.brotli,
            Encoding::Gzip => &self.gzip,
        };
        slot.get()?.as_ref()
    }

    /// The content of this version of the file; `None` (and no copies) when it cannot be read or
    /// has changed since, in which case the next request finds the new version.
    fn read(&self) -> Option<Vec<u8>> {
        let content = match read_version(&self.path, self.stamp) {
            Ok(Some(content)) => Some(content),
            Ok(None) => {
                tracing::debug!(path = %self.path.display(), "changed before it was compressed");
                None
            }
            Err(error) => {
                tracing::warn!(path = %self.path.display(), %error, "cannot read; serving it uncompressed");
                None
            }
        };
        if content.is_none() {
            let _ = self.gzip.set(None);
            let _ = self.brotli.set(None);
        }
        content
    }

    fn compress_gzip(&self, content: &[u8]) {
        let _ = self
            .gzip
            .set(self.smaller(content, Encoding::Gzip, gzip(content)));
    }

    fn compress_brotli(&self, content: &[u8]) {
        let _ = self
            .brotli
            .set(self.smaller(content, Encoding::Brotli, brotli(content)));
    }

    fn smaller(
        &self,
        content: &[u8],
        encoding: Encoding,
        compressed: std::io::Result<Vec<u8>>,
    ) -> Option<Bytes> {
        match compressed {
            Ok(compressed) => (compressed.len() < content.len()).then(|| compressed.into()),
            Err(error) => {
                tracing::warn!(path = %self.path.display(), encoding = encoding.token(), %error, "cannot compress; serving it without this encoding");
                None
            }
        }
    }
}

/// The file's content if it still is the version `stamp`, read from one open handle.
fn read_version(path: &Path, stamp: Stamp) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = File::open(path)?;
    if Stamp::of_compressible(&file.metadata()?) != Some(stamp) {
        return Ok(None);
    }
    let mut content = Vec::new();
    file.read_to_end(&mut content)?;
    Ok((content.len() as u64 == stamp.len).then_some(content))
}

fn gzip(content: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(content)?;
    encoder.finish()
}

fn brotli(content: &[u8]) -> std::io::Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_WINDOW_BITS,
        size_hint: content.len(),
        ..Default::default()
    };
    let mut compressed = Vec::new();
    brotli::BrotliCompress(&mut &content[..], &mut compressed, &params)?;
    Ok(compressed)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    Brotli,
    Gzip,
}

impl Encoding {
    fn token(self) -> &'static str {
        match self {
            Self::Brotli => "br",
            Self::Gzip => "gzip",
        }
    }
}

/// The encodings the client prefers to identity, best first (RFC 9110 section 12.5.3): q-values
/// decide, brotli wins ties with gzip and both win ties with identity; `*` stands for every
/// coding not named (identity included); `q=0` refuses; malformed entries count as absent.
fn preferred_encodings(headers: &HeaderMap) -> Vec<Encoding> {
    let (mut brotli, mut gzip, mut identity, mut any) = (None, None, None, None);
    let values = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|value| value.to_str().ok());
    for item in values.flat_map(|value| value.split(',')) {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or_default().trim();
        let Some(quality) = quality(parts) else {
            continue;
        };
        let slot = if coding.eq_ignore_ascii_case("br") {
            &mut brotli
        } else if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            &mut gzip
        } else if coding.eq_ignore_ascii_case("identity") {
            &mut identity
        } else if coding == "*" {
            &mut any
        } else {
            continue;
        };
        *slot = Some(quality);
    }
    let identity = identity.or(any);
    let mut preferred: Vec<(Encoding, u16)> = [
        (Encoding::Brotli, brotli.or(any)),
        (Encoding::Gzip, gzip.or(any)),
    ]
    .into_iter()
    .filter_map(|(encoding, quality)| Some((encoding, quality?)))
    .filter(|&(_, quality)| quality > 0 && identity.is_none_or(|identity| quality >= identity))
    .collect();
    // A stable sort keeps brotli ahead of gzip at equal weight.
    preferred.sort_by_key(|&(_, quality)| std::cmp::Reverse(quality));
    preferred
        .into_iter()
        .map(|(encoding, _)| encoding)
        .collect()
}

/// The weight of one Accept-Encoding entry from its parameters, in thousandths (1 when absent).
fn quality<'a>(parameters: impl Iterator<Item = &'a str>) -> Option<u16> {
    let mut quality = 1000;
    for parameter in parameters {
        let (name, value) = parameter.trim().split_once('=')?;
        if name.trim().eq_ignore_ascii_case("q") {
            quality = parse_qvalue(value.trim())?;
        }
    }
    Some(quality)
}

/// `qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )`, in thousandths.
fn parse_qvalue(text: &str) -> Option<u16> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if fraction.len() > 3 || !fraction.bytes().all(|byte| byte.is_ascii_digit()) {
        return None;
    }
    let thousandths = fraction
        .bytes()
        .chain(std::iter::repeat(b'0'))
        .take(3)
        .fold(0u16, |sum, digit| sum * 10 + u16::from(digit - b'0'));
    match whole {
        "0" => Some(thousandths),
        "1" if thousandths == 0 => Some(1000),
        _ => None,
    }
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

    fn preferred(accept_encoding: &[&str]) -> Vec<Encoding> {
        let mut headers = HeaderMap::new();
        for value in accept_encoding {
            headers.append(
                header::ACCEPT_ENCODING,
                HeaderValue::from_str(value).unwrap(),
            );
        }
        preferred_encodings(&headers)
    }

    #[test]
    fn accept_encoding_weights_order_the_encodings() {
        use Encoding::{Brotli, Gzip};
        assert_eq!(preferred(&["gzip, br"]), vec![Brotli, Gzip]);
        assert_eq!(preferred(&["gzip;q=0.9, br;q=0.8"]), vec![Gzip, Brotli]);
        assert_eq!(preferred(&["gzip", "br;q=0.5"]), vec![Gzip, Brotli]);
        assert_eq!(preferred(&["br ; q=0.5 , gzip;q=0"]), vec![Brotli]);
        assert_eq!(preferred(&["*;q=0.3, br;q=0"]), vec![Gzip]);
        assert_eq!(
            preferred(&["identity;q=0.6, gzip;q=0.7, br;q=0.5"]),
            vec![Gzip]
        );
        assert_eq!(preferred(&["*;q=0.5, identity;q=1"]), vec![]);
        assert_eq!(preferred(&["br;level=5"]), vec![Brotli]);
        assert_eq!(preferred(&["br;q"]), vec![]);
        assert_eq!(preferred(&[]), vec![]);
    }

    #[test]
    fn qvalues_follow_the_grammar() {
        assert_eq!(parse_qvalue("1"), Some(1000));
        assert_eq!(parse_qvalue("1.000"), Some(1000));
        assert_eq!(parse_qvalue("0.5"), Some(500));
        assert_eq!(parse_qvalue("0.05"), Some(50));
        assert_eq!(parse_qvalue("0."), Some(0));
        assert_eq!(parse_qvalue("0"), Some(0));
        for malformed in ["1.001", "2", "0.0001", "-1", ".5", "0.a", "", "1e0"] {
            assert_eq!(parse_qvalue(malformed), None, "{malformed}");
        }
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

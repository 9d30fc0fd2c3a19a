//! Brotli and gzip copies of the app's files for `ServeDir`'s `precompressed_br` and
//! `precompressed_gzip`: `NAME.br` and `NAME.gz` in a folder that mirrors dist.
//!
//! The folder is the gateway's own, made at start-up and deleted when it stops, rather than dist
//! itself: dist may be read-only (a package or an image), it is the build's output (copies left
//! there would go stale when trunk rebuilds), and copies from an earlier run are never trusted.
//! Each file is compressed once per version (all of them at start-up, a rebuilt one on its next
//! request), and its copies are served only while it still is the version they were made from.

use std::collections::HashMap;
use std::fs::{File, Metadata};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use tempfile::{NamedTempFile, TempDir};

/// Brotli 10 compresses the app's 1.25 MB wasm to 384 KB in 1-1.9 s on two busy cores;
/// 11 takes about 2.8 s for 4% less, 9 takes 0.25 s for 8% more.
const BROTLI_QUALITY: i32 = 10;
/// A 4 MiB window: larger than any file of the app, so the whole file is one context.
const BROTLI_WINDOW_BITS: i32 = 22;
/// Larger files are served as they are: compressing one holds all of it in memory.
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

pub(super) fn is_compressible(path: &Path) -> bool {
    path.extension()
        .and_then(|extension| extension.to_str())
        .is_some_and(|extension| {
            COMPRESSIBLE_EXTENSIONS
                .iter()
                .any(|known| extension.eq_ignore_ascii_case(known))
        })
}

/// The copies of the files under one dist root.
#[derive(Debug)]
pub(super) struct Copies {
    root: PathBuf,
    folder: TempDir,
    /// The version of each file (by its path) whose copies exist or are being made.
    versions: Mutex<HashMap<PathBuf, Version>>,
    /// Held while copies are written, so that two versions' copies of a file never interleave.
    writing: Mutex<()>,
}

/// What `Copies::look_up` found.
enum Lookup {
    Ready,
    /// Being compressed.
    Pending,
    /// Not seen before.
    New,
}

#[derive(Debug, Clone, Copy)]
struct Version {
    stamp: Stamp,
    /// ServeDir may serve the copies: they were made from this version (the gzip copy at least;
    /// the brotli one appears whole when it is ready).
    ready: bool,
}

/// One version of a file: a rebuild changes its size or modification time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: SystemTime,
}

impl Stamp {
    /// `None` for what is not compressed: not a regular file, too large, or no modification time.
    fn of(metadata: &Metadata) -> Option<Self> {
        let stamp = Self {
            len: metadata.len(),
            modified: metadata.modified().ok()?,
        };
        (metadata.is_file() && stamp.len <= MAX_COMPRESSED_FILE_BYTES).then_some(stamp)
    }
}

#[derive(Debug, Clone, Copy)]
enum Encoding {
    Gzip,
    Brotli,
}

impl Encoding {
    /// The suffix ServeDir looks for.
    fn suffix(self) -> &'static str {
        match self {
            Self::Gzip => ".gz",
            Self::Brotli => ".br",
        }
    }

    fn compress(self, content: &[u8]) -> std::io::Result<Vec<u8>> {
        match self {
            Self::Gzip => {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                encoder.write_all(content)?;
                encoder.finish()
            }
            Self::Brotli => {
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
        }
    }
}

impl Copies {
    /// An empty folder for the copies of the files under `root`.
    pub(super) fn create(root: &Path) -> std::io::Result<Self> {
        let folder = tempfile::Builder::new()
            .prefix("ecs-gateway-copies-")
            .tempdir()?;
        tracing::debug!(folder = %folder.path().display(), "compressed copies of the app's files");
        Ok(Self {
            root: root.to_owned(),
            folder,
            versions: Mutex::default(),
            writing: Mutex::default(),
        })
    }

    /// The folder ServeDir serves the copies from.
    pub(super) fn folder(&self) -> &Path {
        self.folder.path()
    }

    /// Whether ServeDir may answer from the copies of `path` (of which `metadata` was just read);
    /// a version not seen before is compressed in the background, and served uncompressed meanwhile.
    pub(super) fn ready(self: &Arc<Self>, path: &Path, metadata: &Metadata) -> bool {
        let Some(stamp) = Stamp::of(metadata) else {
            return false;
        };
        match self.look_up(path, stamp) {
            Lookup::Ready => true,
            Lookup::Pending => false,
            Lookup::New => {
                let copies = Arc::clone(self);
                let path = path.to_owned();
                tokio::task::spawn_blocking(move || {
                    copies.compress(&path, stamp);
                    copies.forget_removed();
                });
                false
            }
        }
    }

    /// Compresses every compressible file in the background and waits for it at most
    /// `WARM_UP_WAIT`, so that a small app is compressed from the first request on and a large
    /// one does not hold up start-up.
    pub(super) async fn warm_up(self: &Arc<Self>) {
        let copies = Arc::clone(self);
        let job = tokio::task::spawn_blocking(move || copies.compress_all());
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

    fn compress_all(&self) {
        let started = Instant::now();
        let mut found = Vec::new();
        collect_compressible(&self.root, &mut found);
        // Smallest first: most files are served compressed sooner.
        found.sort_by_key(|(_, stamp)| stamp.len);
        for (path, stamp) in &found {
            // A file requested already is compressed by that request's job.
            if matches!(self.look_up(path, *stamp), Lookup::New) {
                self.compress(path, *stamp);
            }
        }
        tracing::info!(
            files = found.len(),
            elapsed_ms = started.elapsed().as_millis(),
            "compressed the app's files"
        );
    }

    /// The state of the copies of `path` for version `stamp`; `New` records that version (its
    /// copies are the caller's to make) in place of any other.
    fn look_up(&self, path: &Path, stamp: Stamp) -> Lookup {
        let mut versions = self.versions.lock().unwrap_or_else(PoisonError::into_inner);
        match versions.get(path) {
            Some(version) if version.stamp == stamp && version.ready => Lookup::Ready,
            Some(version) if version.stamp == stamp => Lookup::Pending,
            _ => {
                let version = Version {
                    stamp,
                    ready: false,
                };
                versions.insert(path.to_owned(), version);
                Lookup::New
            }
        }
    }

    /// Replaces the copies of `path` by copies of its version `stamp`: gzip first (a fraction of
    /// brotli's time), from which on ServeDir may serve them; the brotli copy follows.
    fn compress(&self, path: &Path, stamp: Stamp) {
        let _writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        let content = match read_version(path, stamp) {
            Ok(Some(content)) => content,
            Ok(None) => {
                tracing::debug!(path = %path.display(), "changed before it was compressed");
                return;
            }
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "cannot read; serving it uncompressed");
                return;
            }
        };
        // The copies of an earlier version are not served meanwhile: this version is not ready.
        self.remove_copies(path);
        self.write_copy(path, Encoding::Gzip, &content, stamp);
        match self
            .versions
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(path)
        {
            Some(version) if version.stamp == stamp => version.ready = true,
            // A newer version was seen meanwhile: its own job replaces these copies.
            _ => return,
        }
        self.write_copy(path, Encoding::Brotli, &content, stamp);
    }

    /// Where the copies of `path` go, without their suffix.
    fn copy_path(&self, path: &Path) -> Option<PathBuf> {
        Some(self.folder.path().join(path.strip_prefix(&self.root).ok()?))
    }

    /// Writes the copy if it is smaller than the file (otherwise ServeDir serves the file itself),
    /// whole or not at all: it appears under its name by a rename.
    fn write_copy(&self, path: &Path, encoding: Encoding, content: &[u8], stamp: Stamp) {
        let compressed = match encoding.compress(content) {
            Ok(compressed) if compressed.len() < content.len() => compressed,
            Ok(_) => return,
            Err(error) => {
                tracing::warn!(path = %path.display(), ?encoding, %error, "cannot compress; serving it without this encoding");
                return;
            }
        };
        let Some(copy) = self.copy_path(path) else {
            return;
        };
        let written = (|| {
            let folder = copy.parent().unwrap_or(self.folder.path());
            std::fs::create_dir_all(folder)?;
            let mut file = NamedTempFile::new_in(folder)?;
            file.write_all(&compressed)?;
            // Last-Modified is the file's own, whichever representation is served.
            file.as_file().set_modified(stamp.modified)?;
            file.persist(with_suffix(&copy, encoding))?;
            Ok::<_, std::io::Error>(())
        })();
        if let Err(error) = written {
            tracing::warn!(path = %path.display(), ?encoding, %error, "cannot store the copy; serving it without this encoding");
        }
    }

    fn remove_copies(&self, path: &Path) {
        let Some(copy) = self.copy_path(path) else {
            return;
        };
        for encoding in [Encoding::Gzip, Encoding::Brotli] {
            match std::fs::remove_file(with_suffix(&copy, encoding)) {
                Err(error) if error.kind() != std::io::ErrorKind::NotFound => {
                    tracing::warn!(path = %path.display(), %error, "cannot remove an old copy");
                }
                _ => {}
            }
        }
    }

    /// Drops the copies of files that are gone (trunk renames hashed assets on every rebuild).
    fn forget_removed(&self) {
        let _writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        let mut versions = self.versions.lock().unwrap_or_else(PoisonError::into_inner);
        versions.retain(|path, _| {
            let exists = path.is_file();
            if !exists {
                self.remove_copies(path);
            }
            exists
        });
    }
}

fn with_suffix(copy: &Path, encoding: Encoding) -> PathBuf {
    let mut name = copy.as_os_str().to_owned();
    name.push(encoding.suffix());
    PathBuf::from(name)
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
                Ok(metadata) => found.extend(Stamp::of(&metadata).map(|stamp| (path, stamp))),
                Err(error) => {
                    tracing::warn!(path = %path.display(), %error, "cannot read; serving it uncompressed");
                }
            }
        }
    }
}

/// The file's content if it still is the version `stamp`, read from one open handle.
fn read_version(path: &Path, stamp: Stamp) -> std::io::Result<Option<Vec<u8>>> {
    let mut file = File::open(path)?;
    if Stamp::of(&file.metadata()?) != Some(stamp) {
        return Ok(None);
    }
    let mut content = Vec::new();
    file.read_to_end(&mut content)?;
    Ok((content.len() as u64 == stamp.len).then_some(content))
}

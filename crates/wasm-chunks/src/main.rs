//! `wasm-chunks`: builds the console's wasm split into a main module and chunks loaded on first
//! use (the code behind Leptos' `#[lazy]` and `#[lazy_route]`), as trunk's `post_build` hook.
//!
//! trunk 0.21 cannot split a wasm module, so it builds the rest (index.html, CSS, copied files,
//! the password worker) and this adds the app itself to its staging folder, the way cargo-leptos
//! does it:
//! 1. cargo builds the app for wasm32 with `--emit-relocs` (the splitter reads the relocations);
//! 2. `wasm_split_cli_support` moves the code only lazy functions reach into chunks, and writes
//!    the JS loader that fetches them;
//! 3. wasm-bindgen generates the JS of the main module, and wasm-opt shrinks every wasm file;
//! 4. every file is named with one hash of the whole output: the main JS and the loader import
//!    each other, so a hash per file would be circular, and any change renames them all;
//! 5. index.html gets the start script and the preload links with `integrity` hashes, as trunk
//!    writes them for a rust asset.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};

use base64::Engine as _;
use clap::Parser;
use sha2::{Digest, Sha256, Sha384};

/// Stands for the build's hash in file names until it is known; as long as the hash, so that
/// replacing it in a wasm file's import names keeps the file valid.
const HASH_PLACEHOLDER: &str = "__ECS_BUILDHASH_";
const HASH_LEN: usize = HASH_PLACEHOLDER.len();
const WASM_TARGET: &str = "wasm32-unknown-unknown";

#[derive(Parser, Debug)]
#[command(
    about = "Builds the app's wasm split into lazily loaded chunks (a trunk post_build hook)"
)]
struct Args {
    /// The package and binary to build.
    #[arg(long)]
    package: String,
    /// Cargo features to build the package with (the one that turns splitting on).
    #[arg(long)]
    features: Option<String>,
    /// Arguments for wasm-opt (release builds only), e.g. `--wasm-opt=-Oz`.
    #[arg(long = "wasm-opt", allow_hyphen_values = true)]
    wasm_opt: Vec<String>,
    /// trunk's staging folder, which becomes dist/.
    #[arg(long, env = "TRUNK_STAGING_DIR")]
    staging_dir: PathBuf,
    /// `release` or `debug`.
    #[arg(long, env = "TRUNK_PROFILE", default_value = "debug")]
    profile: String,
    /// The cargo profile of release builds (the workspace's `release` is the servers').
    #[arg(long, default_value = "release")]
    release_cargo_profile: String,
    /// The URL path the app is served under.
    #[arg(long, env = "TRUNK_PUBLIC_URL", default_value = "/")]
    public_url: String,
}

type Result<T> = std::result::Result<T, String>;

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("wasm-chunks: error: {error}");
            ExitCode::FAILURE
        }
    }
}

fn run(args: &Args) -> Result<()> {
    let release = args.profile == "release";
    let input = build_wasm(args, release)?;
    let work = input
        .parent()
        .ok_or("the built wasm has no folder")?
        .join("wasm-chunks");
    if work.exists() {
        fs::remove_dir_all(&work).map_err(|e| format!("cannot clear {}: {e}", work.display()))?;
    }
    let split_dir = work.join("split");
    let bindgen_dir = work.join("bindgen");
    create_dir(&split_dir)?;
    create_dir(&bindgen_dir)?;

    let name = &args.package;
    let main_js = format!("{name}-{HASH_PLACEHOLDER}.js");
    let loader_js = format!("__wasm_split-{HASH_PLACEHOLDER}.js");
    let main_split_wasm = work.join(format!("{name}_split.wasm"));
    let input_wasm = read(&input)?;
    step("splitting out the lazily loaded code");
    let main_module = format!("./{main_js}");
    let link_name = format!("./{loader_js}");
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input_wasm);
        options.output_dir = &split_dir;
        options.main_out_path = &main_split_wasm;
        options.main_module = &main_module;
        options.link_name = &link_name;
        options
    })
    .map_err(|e| format!("splitting {} failed: {e:?}", input.display()))?;

    step("wasm-bindgen on the main module");
    run_tool(
        Command::new("wasm-bindgen")
            .arg("--target=web")
            .arg("--keep-lld-exports")
            .arg("--no-demangle")
            .arg("--no-typescript")
            .arg(format!("--out-name={name}"))
            .arg("--out-dir")
            .arg(&bindgen_dir)
            .arg(&main_split_wasm),
    )?;
    if bindgen_dir.join("snippets").exists() {
        return Err("wasm-bindgen wrote JS snippets, which this build does not copy yet".into());
    }

    // Output files by their final name (with the placeholder) and their content.
    let mut files = BTreeMap::<String, Vec<u8>>::new();
    let main_wasm = format!("{name}-{HASH_PLACEHOLDER}_bg.wasm");
    let mut js = String::from_utf8(read(&bindgen_dir.join(format!("{name}.js")))?)
        .map_err(|_| "wasm-bindgen's JS is not UTF-8")?;
    js = js.replace(&format!("'{name}_bg.wasm'"), &format!("'{main_wasm}'"));
    files.insert(main_js.clone(), js.into_bytes());
    files.insert(
        main_wasm.clone(),
        optimize(&bindgen_dir.join(format!("{name}_bg.wasm")), release, args)?,
    );
    let mut loader = String::from_utf8(read(&split_dir.join(&loader_js))?)
        .map_err(|_| "the split loader is not UTF-8")?;
    for chunk in &split.split_modules {
        let stem = chunk
            .file_stem()
            .and_then(|stem| stem.to_str())
            .ok_or_else(|| format!("odd chunk file name {}", chunk.display()))?;
        let hashed = format!("{stem}-{HASH_PLACEHOLDER}.wasm");
        let reference = format!("\"./{stem}.wasm\"");
        if !loader.contains(&reference) {
            return Err(format!("the split loader does not name {reference}"));
        }
        loader = loader.replace(&reference, &format!("\"./{hashed}\""));
        files.insert(hashed, optimize(chunk, release, args)?);
    }
    files.insert(loader_js.clone(), loader.into_bytes());

    let hash = build_hash(&files);
    let staging = &args.staging_dir;
    let mut written = Vec::new();
    for (file_name, content) in &files {
        let file_name = file_name.replace(HASH_PLACEHOLDER, &hash);
        let content = replace_bytes(content, HASH_PLACEHOLDER.as_bytes(), hash.as_bytes());
        write(&staging.join(&file_name), &content)?;
        written.push((file_name, content.len()));
    }
    let final_name = |placeholder_name: &str| placeholder_name.replace(HASH_PLACEHOLDER, &hash);
    let (main_js, main_wasm, loader_js) = (
        final_name(&main_js),
        final_name(&main_wasm),
        final_name(&loader_js),
    );
    add_start_tags(staging, &args.public_url, &main_js, &main_wasm, &loader_js)?;
    for (file_name, size) in written {
        step(&format!("{file_name}: {size} bytes"));
    }
    Ok(())
}

/// Builds the app for wasm32 with relocations kept (only the final link gets the flag, so the
/// dependencies' artifacts are shared with other builds); returns the wasm file's path.
fn build_wasm(args: &Args, release: bool) -> Result<PathBuf> {
    step(&format!(
        "building {} for {WASM_TARGET} (--emit-relocs)",
        args.package
    ));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));
    let mut command = Command::new(cargo);
    command
        .args(["rustc", "--package", &args.package, "--bin", &args.package])
        .args([
            "--target",
            WASM_TARGET,
            "--message-format=json-render-diagnostics",
        ]);
    if release {
        command.args(["--profile", &args.release_cargo_profile]);
    }
    if let Some(features) = &args.features {
        command.args(["--features", features]);
    }
    command.args(["--", "-Clink-args=--emit-relocs"]);
    let output = command
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo failed ({})", output.status));
    }
    let wasm = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|message| message["reason"] == "compiler-artifact")
        .filter(|message| message["target"]["name"] == args.package.as_str())
        .flat_map(|message| message["filenames"].as_array().cloned().unwrap_or_default())
        .filter_map(|file| file.as_str().map(PathBuf::from))
        .find(|file| {
            file.extension()
                .is_some_and(|extension| extension == "wasm")
        });
    wasm.ok_or_else(|| format!("cargo built no .wasm file for {}", args.package))
}

/// The wasm file after wasm-opt (release builds), or as it is.
fn optimize(wasm: &Path, release: bool, args: &Args) -> Result<Vec<u8>> {
    if !release || args.wasm_opt.is_empty() {
        return read(wasm);
    }
    let optimized = wasm.with_extension("opt.wasm");
    step(&format!(
        "wasm-opt {}",
        wasm.file_name().unwrap_or_default().to_string_lossy()
    ));
    run_tool(
        Command::new("wasm-opt")
            .args(&args.wasm_opt)
            .arg(wasm)
            .arg("-o")
            .arg(&optimized),
    )?;
    read(&optimized)
}

/// The first hex digits of a SHA-256 over every file's name and content.
fn build_hash(files: &BTreeMap<String, Vec<u8>>) -> String {
    let mut hasher = Sha256::new();
    for (name, content) in files {
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((content.len() as u64).to_le_bytes());
        hasher.update(content);
    }
    let digest = hasher.finalize();
    digest
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect::<String>()[..HASH_LEN]
        .to_owned()
}

/// Replaces every `from` with the same-length `to`.
fn replace_bytes(content: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    debug_assert_eq!(from.len(), to.len());
    let mut result = content.to_vec();
    let mut start = 0;
    while let Some(offset) = result[start..]
        .windows(from.len())
        .position(|window| window == from)
    {
        let at = start + offset;
        result[at..at + to.len()].copy_from_slice(to);
        start = at + to.len();
    }
    result
}

/// Puts in index.html what trunk's `pattern_script` and preload links would: the external
/// start script (the Content-Security-Policy forbids inline ones) pointed at the main JS and
/// wasm, and preloads with Subresource Integrity for the files every page needs.
fn add_start_tags(
    staging: &Path,
    base: &str,
    main_js: &str,
    main_wasm: &str,
    loader_js: &str,
) -> Result<()> {
    let index = staging.join("index.html");
    let html = String::from_utf8(read(&index)?).map_err(|_| "index.html is not UTF-8")?;
    let integrity = |file: &str| -> Result<String> {
        let digest = Sha384::digest(read(&staging.join(file))?);
        Ok(format!(
            "sha384-{}",
            base64::engine::general_purpose::STANDARD.encode(digest)
        ))
    };
    let tags = format!(
        "<script type=\"module\" src=\"{base}boot.js\" data-ecs-js=\"{base}{main_js}\" data-ecs-wasm=\"{base}{main_wasm}\"></script>\
         <link rel=\"modulepreload\" href=\"{base}{main_js}\" crossorigin integrity=\"{}\">\
         <link rel=\"modulepreload\" href=\"{base}{loader_js}\" crossorigin integrity=\"{}\">\
         <link rel=\"preload\" href=\"{base}{main_wasm}\" as=\"fetch\" type=\"application/wasm\" crossorigin integrity=\"{}\">",
        integrity(main_js)?,
        integrity(loader_js)?,
        integrity(main_wasm)?,
    );
    let (start, end) = skipped_rust_link(&html)
        .ok_or("index.html has no <link data-trunk rel=\"rust\" data-trunk-skip> to replace")?;
    let html = format!("{}{tags}{}", &html[..start], &html[end..]);
    write(&index, html.as_bytes())
}

/// Where the app's rust link is in trunk's output: trunk leaves a skipped asset's element in
/// place, which marks where the app's tags go.
fn skipped_rust_link(html: &str) -> Option<(usize, usize)> {
    let mut from = 0;
    while let Some(offset) = html[from..].find("<link") {
        let start = from + offset;
        let end = start + html[start..].find('>')? + 1;
        if html[start..end].contains("data-trunk-skip") {
            return Some((start, end));
        }
        from = end;
    }
    None
}

fn run_tool(command: &mut Command) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let status = command
        .status()
        .map_err(|e| format!("cannot run {program}: {e} (scripts/setup.sh installs it)"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{program} failed ({status})"))
    }
}

fn step(message: &str) {
    eprintln!("wasm-chunks: {message}");
}

fn read(path: &Path) -> Result<Vec<u8>> {
    fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))
}

fn write(path: &Path, content: &[u8]) -> Result<()> {
    fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn create_dir(path: &Path) -> Result<()> {
    fs::create_dir_all(path).map_err(|e| format!("cannot create {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_every_occurrence_in_place() {
        let content = b"a__ECS_BUILDHASH_b__ECS_BUILDHASH_";
        let replaced = replace_bytes(content, HASH_PLACEHOLDER.as_bytes(), b"0123456789abcdef");
        assert_eq!(replaced, b"a0123456789abcdefb0123456789abcdef");
    }

    #[test]
    fn finds_the_skipped_rust_link() {
        let html = "<link href=/a.css rel=stylesheet><link data-trunk data-trunk-id=3 data-trunk-skip rel=rust></head>";
        let (start, end) = skipped_rust_link(html).expect("the link");
        assert_eq!(
            &html[start..end],
            "<link data-trunk data-trunk-id=3 data-trunk-skip rel=rust>"
        );
        assert_eq!(skipped_rust_link("<link href=/a.css rel=stylesheet>"), None);
    }

    #[test]
    fn the_hash_changes_with_any_file() {
        let mut files = BTreeMap::from([("a.js".to_owned(), b"1".to_vec())]);
        let first = build_hash(&files);
        assert_eq!(first.len(), HASH_LEN);
        files.insert("b.wasm".to_owned(), b"2".to_vec());
        assert_ne!(build_hash(&files), first);
    }
}

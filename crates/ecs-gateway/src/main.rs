mod log_format;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

// glibc's malloc took a tenth of the proxy's CPU per request (headers, bodies and futures are
// allocated and freed on different worker threads); mimalloc's thread-local pages cost less.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

// A panic in one request must answer 500 and leave every other request running: with
// `panic = "abort"` it would take the whole gateway down. Any profile that aborts (the wasm's)
// fails here, whichever command builds the binary (`cargo build --release`, `cargo install`).
#[cfg(panic = "abort")]
compile_error!(
    "ecs-gateway must be built with panic = \"unwind\": use the workspace's release profile \
     (`cargo build --release -p ecs-gateway`), not wasm-release"
);

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // Colour codes only for a person at a terminal: a journal or file gets plain lines, in the
    // same format, from a formatter that costs each request's log line less.
    if std::io::stdout().is_terminal() {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    } else {
        tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_ansi(false)
            .event_format(log_format::PlainLine)
            .init();
    }
    // A panic's message can quote the request it was answering (tokens, passwords): the log
    // says where the bug is, not what it said. The request itself gets 500 and the rest go on.
    std::panic::set_hook(Box::new(|panic| {
        let location = panic
            .location()
            .map_or_else(String::new, ToString::to_string);
        tracing::error!(
            location,
            "panic (its message is withheld: it can quote request data)"
        );
    }));
    match ecs_gateway::cli::run(ecs_gateway::cli::Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ecs-gateway: {error}");
            ExitCode::FAILURE
        }
    }
}

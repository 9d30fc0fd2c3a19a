use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        // Colour codes only for a person at a terminal: a journal or file gets plain lines, and
        // each request's log line costs less to format.
        .with_ansi(std::io::stdout().is_terminal())
        .init();
    match ecs_gateway::cli::run(ecs_gateway::cli::Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("ecs-gateway: {error}");
            ExitCode::FAILURE
        }
    }
}

//! `ecs-sim --listen ADDR`: the simulator as a standalone process.

use clap::Parser;
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();
    let args = ecs_sim::SimArgs::parse();
    let config = match args.to_config() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("ecs-sim: {error}");
            return std::process::ExitCode::from(2);
        }
    };
    let listener = match tokio::net::TcpListener::bind(args.listen).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("ecs-sim: cannot listen on {}: {error}", args.listen);
            return std::process::ExitCode::FAILURE;
        }
    };
    let simulator = ecs_sim::Simulator::new(config);
    let running = match ecs_sim::serve_on(listener, simulator).await {
        Ok(running) => running,
        Err(error) => {
            eprintln!("ecs-sim: {error}");
            return std::process::ExitCode::FAILURE;
        }
    };
    println!("ecs-sim listening on {}", running.base_url());
    println!(
        "  identity: {}/identity/v3  (user demo, password demo, domain Default, project demo)",
        running.base_url()
    );
    println!("  compute:  {}/compute/v2.1", running.base_url());
    let unlisted = if args.nova_only {
        "  (not in the catalog: --nova-only)"
    } else {
        ""
    };
    println!("  image:    {}/image{unlisted}", running.base_url());
    println!("  network:  {}/network{unlisted}", running.base_url());
    println!("  volume:   {}/volume/v3{unlisted}", running.base_url());
    wait_for_shutdown_signal().await;
    running.shutdown().await;
    std::process::ExitCode::SUCCESS
}

/// Ctrl-C, or SIGTERM where there are Unix signals.
async fn wait_for_shutdown_signal() {
    #[cfg(unix)]
    {
        let mut terminate =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(signal) => signal,
                Err(_) => {
                    let _ = tokio::signal::ctrl_c().await;
                    return;
                }
            };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = terminate.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

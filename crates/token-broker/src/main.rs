//! `cargo run -p token-broker`: mints short-lived tokens for browsers from every provider whose
//! `<PROVIDER>_API_KEY` is set, on 127.0.0.1:8080 unless `--addr` says otherwise.

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use token_broker::{Config, providers};
use tracing_subscriber::EnvFilter;

/// Mints short-lived tokens for browsers, keeping the providers' API keys on the server.
///
/// A provider is enabled when its API key variable is set: ASSEMBLYAI_API_KEY, DECART_API_KEY,
/// PERPLEXITY_API_KEY, SIMLI_API_KEY, VIDEODB_API_KEY. `<PROVIDER>_BASE_URL` points a provider at
/// another host. The log level follows RUST_LOG (default `info`); keys and tokens are never
/// logged.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// The address to listen on (port 0 picks a free port; the log says which).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// An origin allowed to call the broker from a browser, such as https://app.example.com
    /// (repeat it, or give a comma-separated list). The broker's own page is always allowed.
    #[arg(long = "allow-origin", env = "BROKER_ALLOWED_ORIGINS", value_delimiter = ',')]
    allow_origin: Vec<String>,
    /// The longest token lifetime a caller may ask for, in seconds.
    #[arg(long, default_value_t = 600)]
    max_lifetime_seconds: u64,
    /// Token requests allowed per client address per minute.
    #[arg(long, default_value_t = NonZeroU32::new(30).expect("not zero"))]
    rate_limit_per_minute: NonZeroU32,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")))
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .init();
    let providers = match providers::from_env() {
        Ok(providers) => providers,
        Err(message) => {
            tracing::error!("cannot configure a provider: {message}");
            return ExitCode::FAILURE;
        }
    };
    if providers.is_empty() {
        let variables: Vec<&str> = providers::known().map(|(_, variable)| variable).collect();
        tracing::warn!("no provider is enabled; set one of {}", variables.join(", "));
    }
    let enabled: Vec<&str> = providers.iter().map(|provider| provider.id).collect();
    let config = Config {
        allowed_origins: args.allow_origin.iter().map(|origin| origin.trim_end_matches('/').to_owned()).collect(),
        max_lifetime: Duration::from_secs(args.max_lifetime_seconds),
        rate_limit_per_minute: args.rate_limit_per_minute,
    };
    let listener = match tokio::net::TcpListener::bind(args.addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!("cannot listen on {}: {error}", args.addr);
            return ExitCode::FAILURE;
        }
    };
    let addr = listener.local_addr().unwrap_or(args.addr);
    tracing::info!(
        providers = %enabled.join(","),
        allowed_origins = %config.allowed_origins.join(","),
        max_lifetime_seconds = args.max_lifetime_seconds,
        "token broker listening on http://{addr}"
    );
    let app = token_broker::router(config, providers).into_make_service_with_connect_info::<SocketAddr>();
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    match axum::serve(listener, app).with_graceful_shutdown(shutdown).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("the server stopped: {error}");
            ExitCode::FAILURE
        }
    }
}

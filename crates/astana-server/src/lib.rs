//! `astana serve`: every engine over HTTP for a team — a JSON API (OpenAPI 3.1 at
//! `/api/openapi.json`), a dashboard at `/`, and an embedded SQLite store.
//!
//! ```text
//! request → handler (parse) → engine via astana-query, off the async threads
//!         → astana-store (one transaction per state change)
//!         → the same JSON document the CLI prints with --json
//! ```
//!
//! Handlers only parse, call and serialise. Engine work runs on blocking threads behind a
//! semaphore ([`Config::heavy`] at a time); long work is a job ([`jobs`]) with progress over
//! Server-Sent Events. Errors are RFC 9457 problem details ([`problem`]).

mod api;
mod archive;
pub mod auth;
pub mod jobs;
mod kinds;
mod mediations;
mod pages;
pub mod problem;
mod state;

pub use state::AppState;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// How to run the server.
#[derive(Clone, Debug)]
pub struct Config {
    /// The database file (created and seeded if missing).
    pub db: PathBuf,
    /// `HOST:PORT` to listen on; port 0 picks a free one.
    pub addr: String,
    /// Engine calls run at once (more wait their turn).
    pub heavy: usize,
    /// Jobs run at once (more stay queued).
    pub job_workers: usize,
    /// The largest request body accepted, in bytes.
    pub body_limit: usize,
    /// How long a shutdown waits for running jobs before marking them interrupted.
    pub drain: Duration,
    /// The team's access token; `None` leaves the server open to whoever can reach it.
    pub token: Option<String>,
}

impl Default for Config {
    fn default() -> Self {
        let cpus = std::thread::available_parallelism().map_or(2, usize::from);
        Config {
            db: PathBuf::from("astana.db"),
            addr: "127.0.0.1:8080".into(),
            heavy: cpus,
            job_workers: cpus.div_ceil(2),
            body_limit: 32 << 20,
            drain: Duration::from_secs(5),
            token: None,
        }
    }
}

/// Why the server could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The database could not be opened or seeded.
    #[error("{}: {source}", db.display())]
    Store {
        /// The file.
        db: PathBuf,
        /// Why.
        source: astana_store::StoreError,
    },
    /// The embedded default scenario failed to load (a broken build).
    #[error("the embedded scenario does not load: {0}")]
    Seed(String),
    /// The address is malformed or taken.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// What was asked for.
        addr: String,
        /// Why.
        source: std::io::Error,
    },
    /// The access token is too short or has characters a cookie cannot carry.
    #[error(
        "the access token must be at least {} characters of A–Z, a–z, 0–9 and `-._~+/=`",
        auth::MIN_TOKEN_CHARS
    )]
    Token,
    /// The runtime could not start.
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
}

/// Runs the server until Ctrl-C or SIGTERM: opens (or creates and seeds) the store, binds,
/// calls `on_listening` with the bound address, serves, then shuts down gracefully —
/// in-flight requests finish, running jobs are asked to stop and are marked interrupted if
/// they do not finish within [`Config::drain`], the WAL is checkpointed.
///
/// # Errors
/// See [`ServeError`].
pub fn serve(config: Config, on_listening: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?;
    rt.block_on(run(config, on_listening, shutdown_signal()))
}

/// As [`serve`], inside a running tokio runtime, stopping when `stop` completes instead of
/// on a signal (for tests and embedding).
///
/// # Errors
/// See [`ServeError`].
pub async fn run(
    config: Config,
    on_listening: impl FnOnce(SocketAddr),
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    {
        let state = AppState::open(&config)?;
        let listener = tokio::net::TcpListener::bind(&config.addr)
            .await
            .map_err(|source| ServeError::Listen {
                addr: config.addr.clone(),
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| ServeError::Listen {
            addr: config.addr.clone(),
            source,
        })?;
        on_listening(addr);
        let app = router(state.clone(), &config);
        // Ending the mediations' event streams lets the graceful shutdown finish (they would
        // otherwise stay open as long as their clients).
        let closing = state.inner.closing.clone();
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                stop.await;
                closing.send_replace(true);
            })
            .await;
        state.shutdown(config.drain).await;
        served.map_err(|source| ServeError::Listen {
            addr: addr.to_string(),
            source,
        })
    }
}

/// The whole application: API, dashboard, problem details for every error under `/api`.
pub fn router(state: AppState, config: &Config) -> axum::Router {
    use axum::extract::DefaultBodyLimit;
    axum::Router::new()
        .nest("/api", api::router())
        .merge(pages::router())
        .merge(auth::router())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::require,
        ))
        .layer(axum::middleware::map_response(
            problem::api_errors_as_problems,
        ))
        .layer(tower_http::catch_panic::CatchPanicLayer::custom(
            problem::panic_response,
        ))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(axum::middleware::from_fn(pages::assets::headers))
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        // If the handler cannot be installed, only SIGTERM stops the server.
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

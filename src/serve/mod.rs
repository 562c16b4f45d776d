//! `rapport serve`: the web player, its results store and the cohort view (feature `serve`).
//!
//! Consumes a folder of scenarios (checked once at start by [`crate::check`]) and HTTP
//! requests; produces pages and rows in the results store. Like the REPL it decides no game
//! logic: handlers translate HTTP to the runtime ([`game`]) and the store ([`store`]), which
//! holds all the SQL. One router per concern ([`play`], [`manage`], [`ops`]), one shared
//! state ([`state::App`]), one error type ([`error::Error`]).

pub mod catalog;
pub mod error;
pub mod game;
pub mod key;
pub mod manage;
pub mod ops;
pub mod pages;
pub mod play;
pub mod state;
pub mod store;
pub mod token;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::HeaderValue;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;

use self::catalog::Catalog;
use self::error::Error;
use self::key::Keys;
use self::state::{App, AppState};
use self::store::Store;

/// The largest request body accepted (forms are a token and a number).
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// How long one request may take.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Requests handled at once; more get 503 at once rather than queueing without bound.
pub const MAX_IN_FLIGHT: usize = 1024;

/// How to start a server.
#[derive(Clone, Debug)]
pub struct Options {
    /// The scenario folder.
    pub dir: PathBuf,
    pub addr: String,
    /// `postgres://…`, `sqlite://PATH`, or None for `rapport.sqlite` in `dir`.
    pub database: Option<String>,
    pub base_url: Option<String>,
    pub log_json: bool,
    /// The key file (default `rapport.key` in `dir`).
    pub key_file: Option<PathBuf>,
    /// A file holding the manager token (else `RAPPORT_MANAGER_TOKEN`,
    /// `RAPPORT_MANAGER_TOKEN_FILE`).
    pub manager_token_file: Option<PathBuf>,
}

/// Why the server could not start (exit code 2).
#[derive(Debug)]
pub struct StartError(pub String);

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// The shortest manager token accepted.
pub const MIN_MANAGER_TOKEN: usize = 16;

fn manager_token(file: Option<&Path>) -> Result<Option<String>, StartError> {
    let from_file = |path: &Path| {
        std::fs::read_to_string(path)
            .map(|t| t.trim().to_string())
            .map_err(|e| {
                StartError(format!(
                    "cannot read the manager token file `{}`: {e}",
                    path.display()
                ))
            })
    };
    let token = if let Some(path) = file {
        Some(from_file(path)?)
    } else if let Ok(token) = std::env::var("RAPPORT_MANAGER_TOKEN") {
        Some(token.trim().to_string())
    } else if let Ok(path) = std::env::var("RAPPORT_MANAGER_TOKEN_FILE") {
        Some(from_file(Path::new(&path))?)
    } else {
        None
    };
    match token {
        Some(t) if t.is_empty() => Err(StartError(
            "the manager token is empty; set RAPPORT_MANAGER_TOKEN (for example to the output of `openssl rand -hex 24`), or leave it unset to turn the manager view off".to_string(),
        )),
        Some(t) => {
            // The operator chose the token: a short one is served, with a word of warning.
            if t.len() < MIN_MANAGER_TOKEN {
                eprintln!(
                    "warning: the manager token is {} characters long; use at least {MIN_MANAGER_TOKEN} (for example `openssl rand -hex 24`)",
                    t.len()
                );
            }
            Ok(Some(t))
        }
        None => Ok(None),
    }
}

/// Builds the shared state: scenarios, store (migrated), keys, manager token.
///
/// # Errors
/// When the folder, the database, the key or the manager token is unusable.
pub async fn app(options: &Options) -> Result<AppState, StartError> {
    if !options.dir.is_dir() {
        return Err(StartError(format!(
            "`{}` is not a folder of scenarios",
            options.dir.display()
        )));
    }
    let catalog = Catalog::load(&options.dir).map_err(StartError)?;
    let key_file = options
        .key_file
        .clone()
        .unwrap_or_else(|| key::default_file(&options.dir));
    let keys = Keys::load(
        std::env::var("RAPPORT_SECRET").ok().as_deref(),
        std::env::var("RAPPORT_SECRET_PREVIOUS").ok().as_deref(),
        &key_file,
    )
    .map_err(|e| StartError(format!("bad signing key: {e}")))?;
    let manager_token = manager_token(options.manager_token_file.as_deref())?;
    let store = Store::open(options.database.as_deref(), &options.dir)
        .await
        .map_err(|e| StartError(e.0))?;
    let base_url = options
        .base_url
        .as_ref()
        .map(|u| u.trim_end_matches('/').to_string());
    manage::SECURE_COOKIES.store(
        base_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://")),
        std::sync::atomic::Ordering::Relaxed,
    );
    Ok(Arc::new(App {
        catalog,
        store,
        keys,
        manager_token,
        base_url,
        log_json: options.log_json,
        logins: std::sync::Mutex::new(std::collections::HashMap::new()),
    }))
}

/// Every route, with the limits, security headers and the request log.
pub fn router(app: AppState) -> Router {
    let in_flight = Arc::new(tokio::sync::Semaphore::new(MAX_IN_FLIGHT));
    Router::new()
        .merge(play::router())
        .merge(manage::router())
        .merge(ops::router())
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(middleware::from_fn(headers))
        .layer(middleware::from_fn(move |req, next| {
            limit(Arc::clone(&in_flight), req, next)
        }))
        .layer(middleware::from_fn_with_state(Arc::clone(&app), log))
        .with_state(app)
}

async fn not_found() -> Error {
    Error::NotFound("There is no page at this address.".to_string())
}

/// Security headers on every response: no outside assets, no framing, no referrer (tokens
/// travel in addresses).
async fn headers(req: Request, next: Next) -> Response {
    let mut response = next.run(req).await;
    let h = response.headers_mut();
    h.insert(
        CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// The in-flight limit and the request time limit.
async fn limit(in_flight: Arc<tokio::sync::Semaphore>, req: Request, next: Next) -> Response {
    let Ok(_permit) = in_flight.try_acquire_owned() else {
        return Error::Unavailable("too many requests in flight".to_string()).into_response();
    };
    match tokio::time::timeout(REQUEST_TIMEOUT, next.run(req)).await {
        Ok(response) => response,
        Err(_) => Error::Unavailable("a request took longer than the time limit".to_string())
            .into_response(),
    }
}

/// One line per request on stderr: time, client, method, path (never the query, which
/// carries run tokens), status, duration.
async fn log(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    // The path, never the query: a `Uri` is shared, not copied.
    let uri = req.uri().clone();
    let peer = req
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let response = next.run(req).await;
    let micros = started.elapsed().as_micros();
    let status = response.status().as_u16();
    let (y, mo, d, h, mi, s) = pages::civil(state::now());
    let path = uri.path();
    let line = if app.log_json {
        let time = format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z");
        let client = peer.map(|ip| ip.to_string()).unwrap_or_default();
        serde_json::json!({
            "time": time, "client": client, "method": method.as_str(), "path": path,
            "status": status, "micros": micros,
        })
        .to_string()
    } else {
        let client: &dyn std::fmt::Display = match &peer {
            Some(ip) => ip,
            None => &"",
        };
        format!(
            "{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z {client} {method} {path} {status} {}.{:03}ms",
            micros / 1000,
            micros % 1000
        )
    };
    log_line(line);
    response
}

/// How long the logging thread waits between writes: lines reach stderr at most this late,
/// and the thread wakes at most this often rather than once per request.
const LOG_PERIOD: Duration = Duration::from_millis(20);

enum LogMessage {
    Line(String),
    /// Write everything received so far, then answer.
    Flush(std::sync::mpsc::SyncSender<()>),
}

fn log_sender() -> &'static std::sync::mpsc::Sender<LogMessage> {
    static LOG: std::sync::OnceLock<std::sync::mpsc::Sender<LogMessage>> =
        std::sync::OnceLock::new();
    LOG.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel::<LogMessage>();
        let spawned = std::thread::Builder::new()
            .name("rapport-log".to_string())
            .spawn(move || {
                use std::io::Write as _;
                let mut out = std::io::BufWriter::new(std::io::stderr());
                let write = |message: LogMessage, out: &mut std::io::BufWriter<_>| match message {
                    LogMessage::Line(line) => {
                        let _ = writeln!(out, "{line}");
                    }
                    LogMessage::Flush(done) => {
                        let _ = out.flush();
                        let _ = done.send(());
                    }
                };
                while let Ok(message) = rx.recv() {
                    write(message, &mut out);
                    while let Ok(message) = rx.try_recv() {
                        write(message, &mut out);
                    }
                    let _ = out.flush();
                    // Lines sent while this thread sleeps wait in the channel without waking
                    // it: one write and one wake-up per period under load.
                    std::thread::sleep(LOG_PERIOD);
                }
            });
        if spawned.is_err() {
            eprintln!("rapport serve: cannot start the logging thread; requests are not logged");
        }
        tx
    })
}

/// Hands a log line to the logging thread, which writes to stderr in batches (one write per
/// period of [`LOG_PERIOD`] under load rather than one per request).
fn log_line(line: String) {
    let _ = log_sender().send(LogMessage::Line(line));
}

/// Waits (a second at most) until the logging thread has written every line sent so far.
pub fn flush_log() {
    let (done, wait) = std::sync::mpsc::sync_channel(1);
    if log_sender().send(LogMessage::Flush(done)).is_ok() {
        let _ = wait.recv_timeout(Duration::from_secs(1));
    }
}

/// Waits for SIGTERM or Ctrl-C.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
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
    eprintln!("rapport serve: stopping: finishing the requests in flight");
}

/// Runs the server until SIGTERM or Ctrl-C, then drains in-flight requests and closes the
/// store.
///
/// # Errors
/// A start-up failure: the folder, the database, the key, the address.
pub fn serve(options: &Options) -> Result<(), StartError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| StartError(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let app = app(options).await?;
        let listener = tokio::net::TcpListener::bind(&options.addr)
            .await
            .map_err(|e| {
                let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
                    " (another program uses this port: stop it, or pick another with --addr)"
                } else {
                    ""
                };
                StartError(format!("cannot listen on {}: {e}{hint}", options.addr))
            })?;
        let local = listener
            .local_addr()
            .map_err(|e| StartError(format!("cannot read the listening address: {e}")))?;
        for skipped in &app.catalog.skipped {
            eprintln!("warning: {skipped}");
        }
        eprintln!(
            "rapport serve: {} scenario(s) from {}; results in {} ({}); signing key from {}; manager view {}",
            app.catalog.entries.len(),
            options.dir.display(),
            options
                .database
                .as_deref()
                .map_or_else(|| options.dir.join("rapport.sqlite").display().to_string(), store::redact),
            app.store.backend(),
            app.keys.origin,
            if app.manager_token.is_some() { "on" } else { "off (set RAPPORT_MANAGER_TOKEN)" },
        );
        let url = app
            .base_url
            .clone()
            .unwrap_or_else(|| format!("http://{local}"));
        {
            use std::io::Write as _;
            let mut out = std::io::stdout().lock();
            let _ = writeln!(out, "Listening on {url}/");
            let _ = out.flush();
        }
        let store = app.store.clone();
        let result = axum::serve(
            listener,
            router(app).into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await;
        store.close().await;
        flush_log();
        result.map_err(|e| StartError(format!("the server stopped: {e}")))
    })
}

/// `rapport results delete`: erasure (one learner) or retention (older than some days).
///
/// # Errors
/// When the store cannot be opened or the deletion fails.
pub fn delete_results(
    dir: &Path,
    database: Option<&str>,
    learner: Option<&str>,
    older_than_days: Option<u32>,
) -> Result<String, StartError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| StartError(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let store = Store::open(database, dir)
            .await
            .map_err(|e| StartError(e.0))?;
        let (deleted, what) = match (learner, older_than_days) {
            (Some(learner), None) => (
                store.delete_learner(learner).await,
                format!("of the learner `{learner}`"),
            ),
            (None, Some(days)) => (
                store
                    .delete_before(state::now() - i64::from(days) * 86_400)
                    .await,
                format!("started more than {days} day(s) ago"),
            ),
            _ => {
                return Err(StartError(
                    "give exactly one of --learner ID and --older-than DAYS".to_string(),
                ))
            }
        };
        let deleted = deleted.map_err(|e| StartError(e.0))?;
        store.close().await;
        Ok(format!(
            "Deleted {} run(s) and {} turn(s) {what}.\n",
            deleted.runs, deleted.turns
        ))
    })
}

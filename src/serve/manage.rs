//! The cohort view for team leads: `/manage`.
//!
//! Access: the manager token (from `RAPPORT_MANAGER_TOKEN` or a file, never the command
//! line), sent as `Authorization: Bearer TOKEN` by scripts, or exchanged at the login form
//! for a session cookie (a new signed session id at every login; `HttpOnly`, `SameSite=Strict`,
//! Secure behind https). Forms carry a CSRF token derived from the session; the login form
//! uses a double-submit cookie. Comparisons are constant-time; logins are rate-limited per
//! address.

use std::fmt::Write as _;
use std::net::SocketAddr;

use axum::extract::rejection::FormRejection;
use axum::extract::{ConnectInfo, FromRequestParts, Path, Query, State};
use axum::http::header::{AUTHORIZATION, CONTENT_DISPOSITION, CONTENT_TYPE, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::error::Error;
use super::game;
use super::key::{random_id, same_secret};
use super::pages;
use super::play::form;
use super::state::{now, App, AppState};
use super::store::ExportRow;
use super::token::base64url_encode;
use crate::scenario::Exit;

/// The session cookie.
pub const SESSION_COOKIE: &str = "rapport_manager";
/// The login form's double-submit cookie.
pub const LOGIN_COOKIE: &str = "rapport_login";
/// How long a manager session lasts.
pub const SESSION_SECONDS: i64 = 8 * 60 * 60;

/// The cohort view's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/manage", get(overview))
        .route("/manage/login", get(login_page).post(login))
        .route("/manage/logout", post(logout))
        .route("/manage/scenario/{id}", get(scenario))
        .route("/manage/learners", get(learners))
        .route("/manage/learner", get(learner))
        .route("/manage/learner/delete", post(delete_learner))
        .route("/manage/run/{id}", get(run))
        .route("/manage/export.csv", get(export))
}

/// A signed-in manager; `csrf` is what their forms must carry (empty for bearer requests,
/// which browsers never send on their own).
pub struct Manager {
    pub csrf: String,
}

fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
}

fn csrf_for(app: &App, nonce: &str) -> String {
    base64url_encode(&app.keys.current.sign(format!("csrf|{nonce}").as_bytes()))
}

/// A session cookie value: `NONCE.EXPIRES.KEYID.MAC`.
fn session_value(app: &App, nonce: &str, expires: i64) -> String {
    let signed = format!("{nonce}.{expires}.{}", app.keys.current.id);
    let mac = base64url_encode(
        &app.keys
            .current
            .sign(format!("manager|{signed}").as_bytes()),
    );
    format!("{signed}.{mac}")
}

/// The session's nonce, when the cookie is genuine and current.
fn session_nonce(app: &App, value: &str) -> Option<String> {
    let mut parts = value.split('.');
    let (Some(nonce), Some(expires), Some(kid), Some(mac), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return None;
    };
    let mac = super::token::base64url_decode(mac)?;
    let signed = format!("manager|{nonce}.{expires}.{kid}");
    if !app.keys.verify(kid, signed.as_bytes(), &mac) {
        return None;
    }
    (expires.parse::<i64>().ok()? >= now()).then(|| nonce.to_string())
}

impl FromRequestParts<AppState> for Manager {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Error> {
        let Some(expected) = &app.manager_token else {
            return Err(Error::Unauthorized(
                "Manager access is not set up on this server: start it with RAPPORT_MANAGER_TOKEN (or RAPPORT_MANAGER_TOKEN_FILE) set.".to_string(),
            ));
        };
        if let Some(auth) = parts.headers.get(AUTHORIZATION) {
            let given = auth
                .to_str()
                .ok()
                .and_then(|v| v.strip_prefix("Bearer "))
                .unwrap_or("");
            if same_secret(given.trim(), expected) {
                return Ok(Manager {
                    csrf: String::new(),
                });
            }
            return Err(Error::Unauthorized(
                "The bearer token is not the manager token.".to_string(),
            ));
        }
        if let Some(nonce) =
            cookie(&parts.headers, SESSION_COOKIE).and_then(|v| session_nonce(app, v))
        {
            return Ok(Manager {
                csrf: csrf_for(app, &nonce),
            });
        }
        Err(Error::Unauthorized(String::new()))
    }
}

impl Manager {
    /// Checks a form's CSRF token (cookie sessions only).
    fn check(&self, given: &str) -> Result<(), Error> {
        if self.csrf.is_empty() || same_secret(given, &self.csrf) {
            Ok(())
        } else {
            Err(Error::Forbidden(
                "This form has expired or did not come from this site; reload the page and try again."
                    .to_string(),
            ))
        }
    }
}

/// Whether cookies get `Secure` (set at start from `--base-url`).
pub static SECURE_COOKIES: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// The login form, with a fresh double-submit cookie.
pub fn login_response(_app: &App, status: StatusCode, message: &str) -> Response {
    login_form(status, message)
}

/// The login form with `status`, setting a fresh double-submit cookie.
pub fn login_form(status: StatusCode, message: &str) -> Response {
    let nonce = random_id().unwrap_or_default();
    let secure = if SECURE_COOKIES.load(std::sync::atomic::Ordering::Relaxed) {
        "; Secure"
    } else {
        ""
    };
    (
        status,
        [(
            SET_COOKIE,
            format!("{LOGIN_COOKIE}={nonce}; Path=/manage; HttpOnly; SameSite=Strict{secure}"),
        )],
        pages::login(message, &nonce),
    )
        .into_response()
}

async fn login_page(State(app): State<AppState>) -> Response {
    login_response(&app, StatusCode::OK, "")
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    csrf: String,
}

async fn login(
    State(app): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Result<Form<LoginForm>, FormRejection>,
) -> Result<Response, Error> {
    let body = form(body)?;
    if !app.allow_login(peer.ip()) {
        return Err(Error::TooManyRequests(
            "Too many sign-in attempts from this address; wait a minute and try again.".to_string(),
        ));
    }
    let expected_csrf = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if expected_csrf.is_empty() || !same_secret(expected_csrf, &body.csrf) {
        return Ok(login_response(
            &app,
            StatusCode::FORBIDDEN,
            "The sign-in form expired; enter the token again.",
        ));
    }
    let Some(expected) = &app.manager_token else {
        return Ok(login_response(
            &app,
            StatusCode::UNAUTHORIZED,
            "Manager access is not set up on this server: start it with RAPPORT_MANAGER_TOKEN set.",
        ));
    };
    if !same_secret(body.token.trim(), expected) {
        return Ok(login_response(
            &app,
            StatusCode::UNAUTHORIZED,
            "That is not the manager token.",
        ));
    }
    // A new session id at every login: a session planted before it is worth nothing.
    let nonce = random_id().map_err(Error::Internal)?;
    let value = session_value(&app, &nonce, now() + SESSION_SECONDS);
    let secure = if app.secure() { "; Secure" } else { "" };
    let mut response = Redirect::to("/manage").into_response();
    let headers = response.headers_mut();
    for cookie in [
        format!("{SESSION_COOKIE}={value}; Path=/manage; HttpOnly; SameSite=Strict; Max-Age={SESSION_SECONDS}{secure}"),
        format!("{LOGIN_COOKIE}=; Path=/manage; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    ] {
        if let Ok(v) = cookie.parse() {
            headers.append(SET_COOKIE, v);
        }
    }
    Ok(response)
}

#[derive(Deserialize)]
struct CsrfForm {
    #[serde(default)]
    csrf: String,
}

async fn logout(
    manager: Manager,
    body: Result<Form<CsrfForm>, FormRejection>,
) -> Result<Response, Error> {
    let body = form(body)?;
    manager.check(&body.csrf)?;
    Ok((
        [(
            SET_COOKIE,
            format!("{SESSION_COOKIE}=; Path=/manage; HttpOnly; SameSite=Strict; Max-Age=0"),
        )],
        Redirect::to("/"),
    )
        .into_response())
}

async fn overview(State(app): State<AppState>, manager: Manager) -> Result<Response, Error> {
    let mut rows = Vec::new();
    for (id, entry) in &app.catalog.entries {
        rows.push(pages::Overview {
            id,
            title: &entry.scenario.title,
            stats: app.store.scenario_stats(id).await?,
        });
    }
    Ok(pages::manage_index(&rows, &manager.csrf).into_response())
}

/// Ten score bands and how many graded runs fall in each.
#[must_use]
pub fn buckets(tenths: &[i64]) -> Vec<(String, i64)> {
    let mut counts = [0_i64; 10];
    for t in tenths {
        let band = usize::try_from((t / 100).clamp(0, 9)).unwrap_or(0);
        counts[band] += 1;
    }
    counts
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let label = if i == 9 {
                "90–100%".to_string()
            } else {
                format!("{}–{}%", i * 10, i * 10 + 9)
            };
            (label, *n)
        })
        .collect()
}

async fn scenario(
    State(app): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let entry = app
        .catalog
        .get(&id)
        .ok_or_else(|| Error::NotFound(format!("There is no scenario `{id}` on this server.")))?;
    let stats = app.store.scenario_stats(&id).await?;
    let s = &entry.scenario;
    let endings: Vec<(String, String, i64)> = s
        .endings
        .iter()
        .map(|e| {
            let n = stats
                .endings
                .iter()
                .find(|(id, _)| *id == e.id)
                .map_or(0, |(_, n)| *n);
            (e.id.clone(), e.outcome.as_str().to_string(), n)
        })
        .collect();
    let initial = crate::runtime::State::initial(s);
    let mut scenes = Vec::new();
    for scene in &s.scenes {
        let Exit::Choices { choices, .. } = &scene.exit else {
            continue;
        };
        let mut rows: Vec<(String, i64)> = choices
            .iter()
            .map(|c| {
                let text = initial.render(s, &s.choice(*c).text);
                let n = stats
                    .choices
                    .iter()
                    .filter(|(sc, t, _)| *sc == scene.id && *t == text)
                    .map(|c| c.2)
                    .sum();
                (text, n)
            })
            .collect();
        for (sc, text, n) in &stats.choices {
            if *sc == scene.id && !rows.iter().any(|(t, _)| t == text) {
                rows.push((format!("{text} (no longer offered as written)"), *n));
            }
        }
        scenes.push(pages::SceneChoices {
            scene: scene.id.clone(),
            choices: rows,
        });
    }
    Ok(pages::manage_scenario(
        &s.title,
        &stats,
        &buckets(&stats.tenths),
        &endings,
        &scenes,
        &manager.csrf,
    )
    .into_response())
}

async fn learners(State(app): State<AppState>, manager: Manager) -> Result<Response, Error> {
    let learners = app.store.learners().await?;
    Ok(pages::manage_learners(&learners, &manager.csrf).into_response())
}

#[derive(Deserialize)]
struct LearnerQuery {
    #[serde(default)]
    id: String,
}

async fn learner(
    State(app): State<AppState>,
    manager: Manager,
    Query(query): Query<LearnerQuery>,
) -> Result<Response, Error> {
    let name = super::play::learner_name(&query.id)?;
    let runs = app.store.runs(Some(&name)).await?;
    let rows: Vec<_> = runs
        .into_iter()
        .map(|r| {
            let title = app
                .catalog
                .get(&r.scenario)
                .map_or_else(|| r.scenario.clone(), |e| e.scenario.title.clone());
            (r, title)
        })
        .collect();
    Ok(pages::manage_learner(&name, &rows, &manager.csrf).into_response())
}

#[derive(Deserialize)]
struct DeleteForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    learner: String,
}

async fn delete_learner(
    State(app): State<AppState>,
    manager: Manager,
    body: Result<Form<DeleteForm>, FormRejection>,
) -> Result<Response, Error> {
    let body = form(body)?;
    manager.check(&body.csrf)?;
    let name = super::play::learner_name(&body.learner)?;
    app.store.delete_learner(&name).await?;
    Ok(Redirect::to("/manage/learners").into_response())
}

async fn run(
    State(app): State<AppState>,
    manager: Manager,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let missing = || Error::NotFound(format!("There is no run `{id}`."));
    let row = app.store.run(&id).await?.ok_or_else(missing)?;
    let Some(entry) = app.catalog.get(&row.scenario) else {
        return Err(Error::NotFound(format!(
            "The scenario `{}` of this run is no longer on this server.",
            row.scenario
        )));
    };
    let stored = app.store.picks(&id).await?;
    let resumed = game::replay_by_text(&entry.scenario, &stored);
    let note = resumed.diverged.map(|t| {
        format!("The scenario has changed since this run: its turn {t} no longer replays, so the transcript stops before it.")
    });
    let transcript = game::transcript(&resumed.run);
    let debrief = game::over(&resumed.run).then(|| game::debrief(&resumed.run));
    Ok(pages::manage_run(
        &entry.scenario.title,
        &row,
        &transcript,
        debrief.as_ref(),
        note.as_deref(),
        &manager.csrf,
    )
    .into_response())
}

/// The CSV columns, in order (docs/serve.md describes each).
pub const CSV_COLUMNS: &[&str] = &[
    "run_id",
    "learner",
    "scenario",
    "mode",
    "source_hash",
    "started_at",
    "finished_at",
    "status",
    "ending",
    "earned",
    "total",
    "percent",
    "passed",
    "turn",
    "scene",
    "choice_number",
    "choice_text",
    "tags",
    "emotions_after",
    "undone",
    "recorded_at",
];

/// A CSV cell: quoted when needed, and neutralised when a spreadsheet would read it as a
/// formula (it starts with `=`, `+`, `-`, `@`, a tab or a carriage return).
#[must_use]
pub fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

fn iso(seconds: i64) -> String {
    let (y, m, d, hh, mm, ss) = pages::civil(seconds);
    format!("{y:04}-{m:02}-{d:02}T{hh:02}:{mm:02}:{ss:02}Z")
}

/// The export as CSV text.
#[must_use]
pub fn csv(rows: &[ExportRow]) -> String {
    let mut out = CSV_COLUMNS.join(",");
    out.push_str("\r\n");
    for row in rows {
        let r = &row.run;
        let (earned, total, percent, passed) = match r.score {
            Some(s) => (
                s.earned.to_string(),
                s.total.to_string(),
                format!("{}.{}", s.tenths / 10, s.tenths % 10),
                s.passed.to_string(),
            ),
            None => Default::default(),
        };
        let mut cells = vec![
            r.id.clone(),
            r.learner.clone(),
            r.scenario.clone(),
            r.mode.clone(),
            r.source_hash.clone(),
            iso(r.started_at),
            r.finished_at.map(iso).unwrap_or_default(),
            r.status.clone(),
            r.ending.clone().unwrap_or_default(),
            earned,
            total,
            percent,
            passed,
        ];
        match &row.turn {
            Some(t) => cells.extend([
                t.turn.to_string(),
                t.scene.clone(),
                t.number.to_string(),
                t.text.clone(),
                t.tags.clone(),
                t.emotions.clone(),
                t.undone.to_string(),
                iso(t.recorded_at),
            ]),
            None => cells.extend(std::iter::repeat_n(String::new(), 8)),
        }
        let line: Vec<String> = cells.iter().map(|c| csv_cell(c)).collect();
        let _ = write!(out, "{}\r\n", line.join(","));
    }
    out
}

async fn export(State(app): State<AppState>, _manager: Manager) -> Result<Response, Error> {
    let rows = app.store.export().await?;
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                CONTENT_DISPOSITION,
                "attachment; filename=\"rapport-results.csv\"",
            ),
        ],
        csv(&rows),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralised_and_quoted_cells_escaped() {
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("+1"), "'+1");
        assert_eq!(csv_cell("-2"), "'-2");
        assert_eq!(csv_cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("plain"), "plain");
    }

    #[test]
    fn scores_fall_in_ten_bands() {
        let b = buckets(&[0, 99, 100, 555, 1000]);
        assert_eq!(b[0], ("0–9%".to_string(), 2));
        assert_eq!(b[1].1, 1);
        assert_eq!(b[5].1, 1);
        assert_eq!(b[9], ("90–100%".to_string(), 1));
    }
}

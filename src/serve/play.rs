//! The player's routes: the scenario list, starting a run, each turn, undo and restart,
//! the run list. Each handler checks the request, replays the run from its token, hands
//! the pick to the runtime, records the turn, then redirects (POST, redirect, GET).

use axum::extract::rejection::FormRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;

use super::catalog::Entry;
use super::error::Error;
use super::game::{self, Mode};
use super::key::random_id;
use super::pages;
use super::state::{now, AppState};
use super::store::{NewRun, Recorded};
use super::token::{RunToken, LIFETIME_SECONDS};
use crate::runtime::Run;

/// The player's routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(index))
        .route("/play/{id}", get(start_page).post(start))
        .route("/play/{id}/turn", get(turn))
        .route("/play/{id}/choose", post(choose))
        .route("/play/{id}/undo", post(undo))
        .route("/play/{id}/restart", post(restart))
        .route("/runs", get(runs))
        .route("/resume/{run}", get(resume))
}

/// The longest trainee name accepted, in characters.
pub const MAX_LEARNER_CHARS: usize = 100;

async fn index(State(app): State<AppState>) -> Response {
    let listed: Vec<pages::Listed<'_>> = app
        .catalog
        .entries
        .iter()
        .map(|(id, e)| pages::Listed {
            id,
            title: &e.scenario.title,
            summary: &e.summary,
        })
        .collect();
    pages::index(&listed).into_response()
}

fn entry<'a>(app: &'a AppState, id: &str) -> Result<&'a Entry, Error> {
    app.catalog.get(id).ok_or_else(|| {
        Error::NotFound(format!(
            "There is no scenario `{id}` on this server. The list of scenarios is on the home page."
        ))
    })
}

async fn start_page(
    State(app): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, Error> {
    let entry = entry(&app, &id)?;
    let s = &entry.scenario;
    let state = crate::runtime::State::initial(s);
    let objectives: Vec<String> = s.objectives.iter().map(|o| state.render(s, o)).collect();
    Ok(pages::start(
        &id,
        &s.title,
        &entry.summary,
        &objectives,
        &s.display_name(s.agent),
    )
    .into_response())
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    learner: String,
    #[serde(default)]
    mode: String,
}

/// A trainee name, trimmed; an error says what is wrong with it.
///
/// # Errors
/// When it is empty, too long or has control characters.
pub fn learner_name(text: &str) -> Result<String, Error> {
    let name = text.trim();
    if name.is_empty() {
        return Err(Error::BadRequest("Enter your name to start.".to_string()));
    }
    if name.chars().count() > MAX_LEARNER_CHARS {
        return Err(Error::BadRequest(format!(
            "A name can have at most {MAX_LEARNER_CHARS} characters."
        )));
    }
    if name.chars().any(char::is_control) {
        return Err(Error::BadRequest(
            "A name cannot contain control characters.".to_string(),
        ));
    }
    Ok(name.to_string())
}

/// Maps a form the body limit or the parser refused to a clear 4xx.
///
/// # Errors
/// 413 over the body limit, 400 for a form that does not parse.
pub fn form<T>(form: Result<Form<T>, FormRejection>) -> Result<T, Error> {
    match form {
        Ok(Form(value)) => Ok(value),
        Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => Err(
            Error::TooLarge("The form is larger than this server accepts.".to_string()),
        ),
        Err(rejection) => Err(Error::BadRequest(format!(
            "The form could not be read: {}",
            rejection.body_text()
        ))),
    }
}

fn mint(app: &AppState, token: &RunToken) -> String {
    let mut token = token.clone();
    token.turn = token.picks.len();
    token.expires = now() + LIFETIME_SECONDS;
    token.encode(&app.keys)
}

fn turn_url(id: &str, token: &str, note: Option<&str>) -> String {
    match note {
        Some(note) => format!("/play/{id}/turn?state={token}&note={note}"),
        None => format!("/play/{id}/turn?state={token}"),
    }
}

async fn start(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Result<Form<StartForm>, FormRejection>,
) -> Result<Response, Error> {
    let entry = entry(&app, &id)?;
    let body = form(body)?;
    let learner = learner_name(&body.learner)?;
    let mode = Mode::parse(&body.mode).ok_or_else(|| {
        Error::BadRequest(format!(
            "`{}` is not a mode; choose practice or assessment.",
            body.mode
        ))
    })?;
    let run_id = random_id().map_err(Error::Internal)?;
    let at = now();
    app.store
        .create_run(NewRun {
            id: run_id.clone(),
            learner: learner.clone(),
            scenario: id.clone(),
            source_hash: entry.source_hash.clone(),
            mode: mode.as_str().to_string(),
            started_at: at,
        })
        .await?;
    let run = Run::start(&entry.scenario);
    if game::over(&run) {
        app.store
            .finish_run(&run_id, &game::finish(&run, at))
            .await?;
    }
    let token = RunToken {
        run: run_id,
        learner,
        scenario: id.clone(),
        source_hash: entry.source_hash.clone(),
        mode: mode.as_str().to_string(),
        turn: 0,
        picks: Vec::new(),
        expires: 0,
    };
    Ok(Redirect::to(&turn_url(&id, &mint(&app, &token), None)).into_response())
}

/// Checks a token against the scenario in the URL.
fn verify<'a>(
    app: &'a AppState,
    id: &str,
    text: &str,
) -> Result<(&'a Entry, RunToken, Mode), Error> {
    if text.is_empty() {
        return Err(Error::BadRequest(
            "This request carries no run state; start the scenario from its page.".to_string(),
        ));
    }
    let token = RunToken::decode(text, &app.keys, now())
        .map_err(|e| Error::BadRequest(format!("{}.", capital(&e.to_string()))))?;
    if token.scenario != id {
        return Err(Error::BadRequest(format!(
            "This run belongs to the scenario `{}`, not `{id}`.",
            token.scenario
        )));
    }
    let entry = entry(app, id)?;
    let mode = Mode::parse(&token.mode)
        .ok_or_else(|| Error::BadRequest("The run state names no mode.".to_string()))?;
    Ok((entry, token, mode))
}

/// A message with its first letter in upper case (`Display` texts start in lower case).
fn capital(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| {
        c.to_uppercase().collect::<String>() + chars.as_str()
    })
}

/// A run replayed from its token; when the scenario changed since, from the stored picks
/// by the save rules.
struct Loaded<'s> {
    run: Run<'s>,
    token: RunToken,
    note: Option<String>,
}

async fn load<'s>(
    app: &AppState,
    entry: &'s Entry,
    mut token: RunToken,
) -> Result<Loaded<'s>, Error> {
    if token.source_hash == entry.source_hash {
        let run = game::replay(&entry.scenario, &token.picks).map_err(|turn| {
            Error::BadRequest(format!(
                "The run state does not replay on this scenario (turn {turn})."
            ))
        })?;
        return Ok(Loaded {
            run,
            token,
            note: None,
        });
    }
    let mut stored = app.store.picks(&token.run).await?;
    stored.truncate(token.turn);
    let resumed = game::replay_by_text(&entry.scenario, &stored);
    let note = match resumed.diverged {
        Some(turn) => {
            app.store
                .undo(&token.run, i64::try_from(turn).unwrap_or(i64::MAX))
                .await?;
            format!(
                "The scenario has changed since this run was started. Your choice at turn {turn} is no longer offered, so you continue from turn {turn}."
            )
        }
        None => "The scenario has changed since this run was started: your choices were matched by their text.".to_string(),
    };
    token.picks = resumed.picks;
    token.turn = token.picks.len();
    token.source_hash.clone_from(&entry.source_hash);
    Ok(Loaded {
        run: resumed.run,
        token,
        note: Some(note),
    })
}

#[derive(Deserialize)]
struct TurnQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    note: Option<String>,
}

fn note_text(note: Option<&str>) -> Option<String> {
    let note = note?;
    if note == "changed" {
        return Some("The scenario has changed since this run was started: your choices were matched by their text.".to_string());
    }
    let turn: usize = note.strip_prefix("diverged-")?.parse().ok()?;
    Some(format!(
        "The scenario has changed since this run was started. Your choice at turn {turn} is no longer offered, so you continue from turn {turn}."
    ))
}

async fn turn(
    State(app): State<AppState>,
    Path(id): Path<String>,
    Query(query): Query<TurnQuery>,
) -> Result<Response, Error> {
    let (entry, token, mode) = verify(&app, &id, &query.state)?;
    let loaded = load(&app, entry, token).await?;
    let note = loaded.note.or_else(|| note_text(query.note.as_deref()));
    let text = mint(&app, &loaded.token);
    Ok(render(
        &entry.scenario,
        &loaded.run,
        &loaded.token,
        mode,
        &text,
        note.as_deref(),
    )
    .into_response())
}

fn render(
    scenario: &crate::scenario::Scenario,
    run: &Run<'_>,
    token: &RunToken,
    mode: Mode,
    text: &str,
    note: Option<&str>,
) -> axum::response::Html<String> {
    let transcript = game::transcript(run);
    let new_from = transcript
        .iter()
        .rposition(|s| matches!(s, game::Said::Choice { .. }))
        .map_or(0, |i| i + 1);
    let debrief = game::over(run).then(|| game::debrief(run));
    let meters = if mode == Mode::Practice {
        game::meters(run)
    } else {
        Vec::new()
    };
    pages::turn(&pages::TurnPage {
        id: &scenario.id,
        title: &scenario.title,
        learner: &token.learner,
        mode,
        customer: &scenario.display_name(scenario.customer),
        turn: token.picks.len() + 1,
        transcript: &transcript,
        new_from,
        meters: &meters,
        choices: &game::choice_texts(run),
        token: text,
        notice: note,
        debrief: debrief.as_ref(),
    })
}

#[derive(Deserialize)]
struct ChooseForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    pick: String,
}

async fn choose(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Result<Form<ChooseForm>, FormRejection>,
) -> Result<Response, Error> {
    let body = form(body)?;
    let (entry, token, mode) = verify(&app, &id, &body.state)?;
    let Loaded {
        mut run, mut token, ..
    } = load(&app, entry, token).await?;
    let offered = run.offered().len();
    if offered == 0 {
        return Err(Error::Conflict {
            message: "This conversation is over; no choice can be made.".to_string(),
            continue_to: Some(format!("/resume/{}", token.run)),
        });
    }
    let pick = body.pick.trim();
    let number = pick
        .parse::<usize>()
        .ok()
        .filter(|n| (1..=offered).contains(n))
        .ok_or_else(|| {
            Error::BadRequest(format!(
                "`{pick}` is not a choice offered at turn {}; pick 1 to {offered}.",
                token.picks.len() + 1
            ))
        })?;
    let offered_texts = run.offered_texts();
    run.choose(number)
        .map_err(|e| Error::BadRequest(format!("{e}.")))?;
    let at = now();
    let record = game::turn_record(
        &run,
        &token.run,
        mode,
        &entry.source_hash,
        &offered_texts,
        at,
    )
    .ok_or_else(|| Error::Internal("a chosen turn left no record".to_string()))?;
    let finish = game::over(&run).then(|| game::finish(&run, at));
    let turn_index = record.turn;
    let recorded = app
        .store
        .record_turn(record, finish, mode == Mode::Practice)
        .await?;
    match recorded {
        Recorded::New => {}
        Recorded::Same if mode == Mode::Assessment => {
            return Ok(Redirect::to(&format!("/resume/{}", token.run)).into_response());
        }
        Recorded::Same => {}
        Recorded::Conflict { text, .. } => {
            return Err(Error::Conflict {
                message: format!(
                    "Turn {turn_index} of this assessment was already answered (\"{text}\"). In an assessment the first answer counts."
                ),
                continue_to: Some(format!("/resume/{}", token.run)),
            });
        }
    }
    token.picks.push(number);
    Ok(Redirect::to(&turn_url(&id, &mint(&app, &token), None)).into_response())
}

#[derive(Deserialize)]
struct StateForm {
    #[serde(default)]
    state: String,
}

async fn undo(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Result<Form<StateForm>, FormRejection>,
) -> Result<Response, Error> {
    let body = form(body)?;
    let (entry, token, mode) = verify(&app, &id, &body.state)?;
    if mode == Mode::Assessment {
        return Err(Error::Forbidden(
            "Undo is not available in assessment mode: every choice counts.".to_string(),
        ));
    }
    let Loaded { mut token, .. } = load(&app, entry, token).await?;
    if token.picks.is_empty() {
        return Err(Error::BadRequest(
            "There is nothing to undo yet.".to_string(),
        ));
    }
    app.store
        .undo(
            &token.run,
            i64::try_from(token.picks.len()).unwrap_or(i64::MAX),
        )
        .await?;
    token.picks.pop();
    Ok(Redirect::to(&turn_url(&id, &mint(&app, &token), None)).into_response())
}

async fn restart(
    State(app): State<AppState>,
    Path(id): Path<String>,
    body: Result<Form<StateForm>, FormRejection>,
) -> Result<Response, Error> {
    let body = form(body)?;
    let (_, mut token, mode) = verify(&app, &id, &body.state)?;
    if mode == Mode::Assessment {
        return Err(Error::Forbidden(
            "An assessment cannot be restarted: start a new run from the scenario's page."
                .to_string(),
        ));
    }
    app.store.undo(&token.run, 1).await?;
    token.picks.clear();
    Ok(Redirect::to(&turn_url(&id, &mint(&app, &token), None)).into_response())
}

#[derive(Deserialize)]
struct RunsQuery {
    #[serde(default)]
    learner: String,
}

async fn runs(
    State(app): State<AppState>,
    Query(query): Query<RunsQuery>,
) -> Result<Response, Error> {
    let learner = learner_name(&query.learner)?;
    let runs = app.store.runs(Some(&learner)).await?;
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
    Ok(pages::runs(&learner, &rows).into_response())
}

async fn resume(
    State(app): State<AppState>,
    Path(run_id): Path<String>,
) -> Result<Response, Error> {
    let missing = || Error::NotFound(format!("There is no run `{run_id}` on this server."));
    if run_id.len() > 64 || !run_id.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(missing());
    }
    let run = app.store.run(&run_id).await?.ok_or_else(missing)?;
    let entry = app.catalog.get(&run.scenario).ok_or_else(|| {
        Error::NotFound(format!(
            "The scenario `{}` of this run is no longer on this server.",
            run.scenario
        ))
    })?;
    let stored = app.store.picks(&run.id).await?;
    let resumed = game::replay_by_text(&entry.scenario, &stored);
    let note = if let Some(turn) = resumed.diverged {
        app.store
            .undo(&run.id, i64::try_from(turn).unwrap_or(i64::MAX))
            .await?;
        Some(format!("diverged-{turn}"))
    } else if run.source_hash != entry.source_hash && !stored.is_empty() {
        Some("changed".to_string())
    } else {
        None
    };
    let token = RunToken {
        run: run.id,
        learner: run.learner,
        scenario: run.scenario.clone(),
        source_hash: entry.source_hash.clone(),
        mode: run.mode,
        turn: resumed.picks.len(),
        picks: resumed.picks,
        expires: 0,
    };
    Ok(Redirect::to(&turn_url(
        &run.scenario,
        &mint(&app, &token),
        note.as_deref(),
    ))
    .into_response())
}

//! The cohort view's pages: sign-in, the figures per scenario, trainees, one run.

use axum::response::Html;
use maud::{html, Markup};

use super::{debrief_section, layout, result_text, said, timestamp, urlencode};
use crate::serve::game::{Debrief, Mode, Said};
use crate::serve::store::{RunRow, ScenarioStats};

/// The manager login form (shown with 401).
pub fn login(message: &str, csrf: &str) -> Html<String> {
    layout(
        "Manager sign-in",
        &html! {
            h1 { "Manager sign-in" }
            @if !message.is_empty() { p.error role="alert" { (message) } }
            form method="post" action="/manage/login" {
                input type="hidden" name="csrf" value=(csrf);
                div.field {
                    label for="token" { "Manager token" }
                    input #token type="password" name="token" required autocomplete="current-password";
                }
                button type="submit" { "Sign in" }
            }
            p.hint { "Scripts can send the token as " code { "Authorization: Bearer TOKEN" } " instead." }
        },
    )
}

/// One scenario's figures in the cohort overview.
pub struct Overview<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub stats: ScenarioStats,
}

fn percent(n: i64, of: i64) -> String {
    if of == 0 {
        return "–".to_string();
    }
    let tenths = (n * 1000 + of / 2) / of;
    format!("{}.{}%", tenths / 10, tenths % 10)
}

fn manage_nav(csrf: &str) -> Markup {
    html! {
        nav.manage aria-label="Manager" {
            a href="/manage" { "Scenarios" } " · "
            a href="/manage/learners" { "Trainees" } " · "
            a href="/manage/export.csv" { "Export CSV" } " · "
            form.inline method="post" action="/manage/logout" {
                input type="hidden" name="csrf" value=(csrf);
                button.link type="submit" { "Sign out" }
            }
        }
    }
}

/// `/manage`: every scenario's figures.
pub fn manage_index(rows: &[Overview<'_>], csrf: &str) -> Html<String> {
    layout(
        "Cohort",
        &html! {
            (manage_nav(csrf))
            h1 { "Cohort" }
            div.scroll tabindex="0" role="region" aria-label="Table (scrolls sideways)" {
                table {
                    thead { tr { th scope="col" { "Scenario" } th scope="col" { "Trainees" } th scope="col" { "Runs" } th scope="col" { "Finished" } th scope="col" { "Pass rate" } } }
                    tbody {
                        @for r in rows {
                            tr {
                                th scope="row" { a href={ "/manage/scenario/" (r.id) } { (r.title) } }
                                td { (r.stats.learners) }
                                td { (r.stats.runs) }
                                td { (r.stats.finished) }
                                td { (percent(r.stats.passed, r.stats.graded)) }
                            }
                        }
                    }
                }
            }
            p { a href="/manage/export.csv" { "Download every turn as CSV" } }
        },
    )
}

/// A scene's choices with how often each was picked.
pub struct SceneChoices {
    pub scene: String,
    pub choices: Vec<(String, i64)>,
}

/// `/manage/scenario/ID`.
pub fn manage_scenario(
    title: &str,
    stats: &ScenarioStats,
    buckets: &[(String, i64)],
    endings: &[(String, String, i64)],
    scenes: &[SceneChoices],
    csrf: &str,
) -> Html<String> {
    let max_bucket = buckets.iter().map(|b| b.1).max().unwrap_or(0).max(1);
    layout(
        title,
        &html! {
            (manage_nav(csrf))
            h1 { (title) }
            p { (stats.runs) " runs by " (stats.learners) " trainees; " (stats.finished) " finished; pass rate " (percent(stats.passed, stats.graded)) " (" (stats.passed) " of " (stats.graded) " graded)." }
            h2 #dist-h { "Score distribution" }
            table.bars aria-labelledby="dist-h" {
                thead { tr { th scope="col" { "Score" } th scope="col" { "Runs" } } }
                tbody {
                    @for (label, n) in buckets {
                        tr {
                            th scope="row" { (label) }
                            td {
                                meter.bar min="0" max=(max_bucket) value=(n) aria-hidden="true" {}
                                " " (n)
                            }
                        }
                    }
                }
            }
            h2 { "Rules most often failed" }
            @if stats.rules.is_empty() { p { "No graded run yet." } }
            ol {
                @for r in &stats.rules {
                    li {
                        strong { (r.title) } ": failed in " (r.failed) " of " (r.graded) " runs (" (percent(r.failed, r.graded)) ")"
                        @if let Some(f) = &r.feedback { p.feedback { (f) } }
                    }
                }
            }
            h2 { "Endings reached" }
            table {
                thead { tr { th scope="col" { "Ending" } th scope="col" { "Outcome" } th scope="col" { "Runs" } } }
                tbody {
                    @for (id, outcome, n) in endings {
                        tr { th scope="row" { (id) } td { (outcome) } td { (n) } }
                    }
                }
            }
            h2 { "Choices at each scene" }
            @for s in scenes {
                @let total: i64 = s.choices.iter().map(|c| c.1).sum();
                h3 { "Scene " code { (s.scene) } }
                table {
                    thead { tr { th scope="col" { "Choice" } th scope="col" { "Picked" } th scope="col" { "Share" } } }
                    tbody {
                        @for (text, n) in &s.choices {
                            tr { th scope="row" { (text) } td { (n) } td { (percent(*n, total)) } }
                        }
                    }
                }
            }
        },
    )
}

/// `/manage/learners`.
pub fn manage_learners(learners: &[(String, i64)], csrf: &str) -> Html<String> {
    layout(
        "Trainees",
        &html! {
            (manage_nav(csrf))
            h1 { "Trainees" }
            ul {
                @for (name, n) in learners {
                    li { a href={ "/manage/learner?id=" (urlencode(name)) } { (name) } " (" (n) " runs)" }
                }
            }
        },
    )
}

/// `/manage/learner?id=NAME`: one trainee's runs.
pub fn manage_learner(learner: &str, runs: &[(RunRow, String)], csrf: &str) -> Html<String> {
    layout(
        learner,
        &html! {
            (manage_nav(csrf))
            h1 { "Runs of " (learner) }
            div.scroll tabindex="0" role="region" aria-label="Table (scrolls sideways)" {
                table {
                    thead { tr { th scope="col" { "Scenario" } th scope="col" { "Mode" } th scope="col" { "Started (UTC)" } th scope="col" { "Turns" } th scope="col" { "Result" } } }
                    tbody {
                        @for (run, title) in runs {
                            tr {
                                th scope="row" { a href={ "/manage/run/" (run.id) } { (title) } }
                                td { (run.mode) }
                                td { (timestamp(run.started_at)) }
                                td { (run.turns) }
                                td { (result_text(run)) }
                            }
                        }
                    }
                }
            }
            form method="post" action="/manage/learner/delete" {
                input type="hidden" name="csrf" value=(csrf);
                input type="hidden" name="learner" value=(learner);
                button.danger type="submit" { "Delete every result of " (learner) }
            }
        },
    )
}

/// `/manage/run/ID`: a run's transcript and debrief.
pub fn manage_run(
    title: &str,
    run: &RunRow,
    transcript: &[Said],
    debrief: Option<&Debrief>,
    note: Option<&str>,
    csrf: &str,
) -> Html<String> {
    layout(
        title,
        &html! {
            (manage_nav(csrf))
            h1 { (title) }
            p { (run.learner) " · " (run.mode) " · started " (timestamp(run.started_at)) " UTC · " (result_text(run)) }
            @if let Some(note) = note { p.notice { (note) } }
            h2 { "Transcript" }
            ol.transcript {
                @for item in transcript { (said(item, Mode::Practice, None)) }
            }
            @if let Some(d) = debrief { (debrief_section(d)) }
        },
    )
}

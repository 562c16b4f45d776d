//! The pages, built from typed values with maud: every interpolated string is escaped, so a
//! line containing `<script>` shows as text. Plain forms that POST and are redirected, so
//! the player works without JavaScript; `app.js` only moves focus and adds number keys.

use std::fmt::Write as _;

use axum::http::StatusCode;
use axum::response::Html;
use maud::{html, Markup, DOCTYPE};

use super::game::{Debrief, Meter, Mode, Said, Track};
use super::store::RunRow;

mod manage;

pub use manage::{
    login, manage_index, manage_learner, manage_learners, manage_run, manage_scenario, Overview,
    SceneChoices,
};

/// A scenario in the list.
pub struct Listed<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub summary: &'a str,
}

/// What a turn page shows.
pub struct TurnPage<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub learner: &'a str,
    pub mode: Mode,
    pub customer: &'a str,
    /// The 1-based turn to answer now (turns answered + 1).
    pub turn: usize,
    pub transcript: &'a [Said],
    /// Index in `transcript` of the first thing said since the last pick.
    pub new_from: usize,
    pub meters: &'a [Meter],
    pub choices: &'a [String],
    pub token: &'a str,
    pub notice: Option<&'a str>,
    pub debrief: Option<&'a Debrief>,
}

pub(super) fn layout(title: &str, body: &Markup) -> Html<String> {
    Html(
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " · Rapport" }
                    link rel="stylesheet" href="/assets/app.css";
                    script src="/assets/app.js" defer {}
                }
                body {
                    a.skip href="#main" { "Skip to the content" }
                    header.site {
                        a href="/" { "Rapport" }
                        " "
                        span.tagline { "customer conversations to practise" }
                    }
                    main #main tabindex="-1" { (body) }
                }
            }
        }
        .into_string(),
    )
}

/// `/`: every scenario, and the run list form.
pub fn index(scenarios: &[Listed<'_>]) -> Html<String> {
    layout(
        "Scenarios",
        &html! {
            h1 { "Scenarios" }
            @if scenarios.is_empty() {
                p { "No playable scenario is installed." }
            }
            ul.scenarios {
                @for s in scenarios {
                    li {
                        h2 { a href={ "/play/" (s.id) } { (s.title) } }
                        p { (s.summary) }
                    }
                }
            }
            section aria-labelledby="runs-h" {
                h2 #runs-h { "Your runs" }
                p { "Continue a run you started, on this device or another one." }
                form method="get" action="/runs" {
                    label for="runs-learner" { "Your name" }
                    input #runs-learner type="text" name="learner" required maxlength="100" autocomplete="name";
                    button type="submit" { "Show my runs" }
                }
            }
        },
    )
}

/// `/play/ID`: the brief and the start form.
pub fn start(
    id: &str,
    title: &str,
    summary: &str,
    objectives: &[String],
    you: &str,
) -> Html<String> {
    layout(
        title,
        &html! {
            h1 { (title) }
            p.brief { (summary) }
            @if !objectives.is_empty() {
                h2 { "Objectives" }
                ul { @for o in objectives { li { (o) } } }
            }
            p { "You are " strong { (you) } "." }
            form.start method="post" action={ "/play/" (id) } {
                div.field {
                    label for="learner" { "Your name" }
                    input #learner type="text" name="learner" required maxlength="100" autocomplete="name";
                }
                fieldset {
                    legend { "Mode" }
                    div.field {
                        input #mode-practice type="radio" name="mode" value="practice" checked;
                        label for="mode-practice" { "Practice: emotion meters and coach notes are shown; you can undo a choice." }
                    }
                    div.field {
                        input #mode-assessment type="radio" name="mode" value="assessment";
                        label for="mode-assessment" { "Assessment: no meters, no coach notes, no undo; every choice counts." }
                    }
                }
                button type="submit" { "Start" }
            }
        },
    )
}

pub(super) fn said(item: &Said, mode: Mode, id: Option<&str>) -> Markup {
    html! {
        @match item {
            Said::Line { name, customer, text } => {
                li.line.customer[*customer].other[!*customer] id=[id] tabindex=[id.map(|_| "-1")] {
                    span.speaker { (name) ": " }
                    span.text { (text) }
                }
            }
            Said::Narration(text) => {
                li.narration id=[id] tabindex=[id.map(|_| "-1")] { em { (text) } }
            }
            Said::Choice { turn, name, text, coach } => {
                li.choice id=[id] tabindex=[id.map(|_| "-1")] {
                    span.speaker { (name) " (turn " (turn) "): " }
                    span.text { (text) }
                    @if let (Mode::Practice, Some(coach)) = (mode, coach) {
                        p.coach { strong { "Coach: " } (coach) }
                    }
                }
            }
        }
    }
}

fn meters(customer: &str, meters: &[Meter]) -> Markup {
    html! {
        section.meters aria-labelledby="meters-h" {
            h2 #meters-h { "How " (customer) " feels" }
            ul {
                @for m in meters {
                    li {
                        label for={ "meter-" (m.name) } { (m.name) }
                        meter id={ "meter-" (m.name) } min=(m.lo) max=(m.hi) value=(m.value) { (m.value) "/" (m.hi) }
                        span.value { (m.value) "/" (m.hi) }
                    }
                }
            }
        }
    }
}

/// A turn, or the debrief when the run is over.
pub fn turn(page: &TurnPage<'_>) -> Html<String> {
    let mode_name = match page.mode {
        Mode::Practice => "Practice",
        Mode::Assessment => "Assessment",
    };
    // Focus goes to the customer's first new line (else the first new thing said).
    let new = &page.transcript[page.new_from.min(page.transcript.len())..];
    let focus_at = new
        .iter()
        .position(|s| matches!(s, Said::Line { customer: true, .. }))
        .or(if new.is_empty() { None } else { Some(0) })
        .map_or(page.transcript.len().saturating_sub(1), |i| {
            page.new_from + i
        });
    let action = |what: &str| format!("/play/{}/{what}", page.id);
    layout(
        page.title,
        &html! {
            h1 { (page.title) }
            p.status {
                @if page.debrief.is_some() { "Finished" } @else { "Turn " (page.turn) }
                " · " (mode_name) " mode · " (page.learner)
            }
            @if let Some(notice) = page.notice {
                p.notice role="status" { (notice) }
            }
            section.conversation aria-labelledby="conv-h" {
                h2 #conv-h.visually-hidden { "Conversation" }
                ol.transcript {
                    @for (i, item) in page.transcript.iter().enumerate() {
                        (said(item, page.mode, (i == focus_at && page.debrief.is_none()).then_some("now")))
                    }
                }
            }
            @if let Some(debrief) = page.debrief {
                (debrief_section(debrief))
                p.actions {
                    @if page.mode == Mode::Practice {
                        form.inline method="post" action=(action("restart")) {
                            input type="hidden" name="state" value=(page.token);
                            button type="submit" { "Play it again" }
                        }
                    }
                    " "
                    a href={ "/play/" (page.id) } { "Start a new run" }
                    " · "
                    a href="/" { "All scenarios" }
                }
            } @else {
                @if page.mode == Mode::Practice && !page.meters.is_empty() {
                    (meters(page.customer, page.meters))
                }
                form.choices method="post" action=(action("choose")) {
                    input type="hidden" name="state" value=(page.token);
                    fieldset {
                        legend { "Your answer (turn " (page.turn) ")" }
                        ol {
                            @for (i, text) in page.choices.iter().enumerate() {
                                li {
                                    button type="submit" name="pick" value=(i + 1) data-key=(i + 1) {
                                        span.number aria-hidden="true" { (i + 1) ". " }
                                        (text)
                                    }
                                }
                            }
                        }
                    }
                }
                @if page.mode == Mode::Practice {
                    div.tools {
                        @if page.turn > 1 {
                            form.inline method="post" action=(action("undo")) {
                                input type="hidden" name="state" value=(page.token);
                                button.secondary type="submit" { "Undo my last choice" }
                            }
                        }
                        form.inline method="post" action=(action("restart")) {
                            input type="hidden" name="state" value=(page.token);
                            button.secondary type="submit" { "Restart" }
                        }
                    }
                }
                p.hint #shortcut-hint { "Your progress is saved after every turn. To continue later, open this page again or find the run under " a href={ "/runs?learner=" (urlencode(page.learner)) } { "your runs" } "." }
            }
        },
    )
}

/// The debrief: ending, score, rules, criteria, emotions by turn and their chart.
#[must_use]
pub fn debrief_section(d: &Debrief) -> Markup {
    html! {
        section.debrief aria-labelledby="debrief-h" {
            h2 #debrief-h { "Debrief" }
            p.outcome #now tabindex="-1" { (d.outcome) }
            @if let Some(score) = &d.score {
                p.score {
                    "Score: " (score.text) ", "
                    strong.verdict.passed[score.passed].failed[!score.passed] {
                        @if score.passed { "passed" } @else { "not passed" }
                    }
                    " (pass mark " (score.pass_mark) "%)"
                }
            }
            @if !d.rules.is_empty() {
                h3 { "Rules" }
                ul.rules {
                    @for r in &d.rules {
                        li.passed[r.passed].failed[!r.passed] {
                            span.mark aria-hidden="true" { @if r.passed { "✓ " } @else { "✗ " } }
                            strong { (r.title) }
                            " — " @if r.passed { "passed" } @else { "not passed" }
                            ", " (r.earned) "/" (r.worth)
                            @if let Some(c) = &r.criterion { " · " (c) }
                            @if r.critical { " · critical" }
                            @if let Some(f) = &r.feedback { p.feedback { (f) } }
                        }
                    }
                }
            }
            @if !d.criteria.is_empty() {
                h3 { "Criteria" }
                table {
                    thead { tr { th scope="col" { "Criterion" } th scope="col" { "Points" } } }
                    tbody {
                        @for (name, earned, total) in &d.criteria {
                            tr { th scope="row" { (name) } td { (earned) "/" (total) } }
                        }
                    }
                }
            }
            @if !d.tracks.is_empty() {
                h3 #emotions-h { "Emotions by turn" }
                div.scroll tabindex="0" role="region" aria-labelledby="emotions-h" {
                    table aria-labelledby="emotions-h" {
                        thead {
                            tr {
                                th scope="col" { "Emotion" }
                                th scope="col" { "Start" }
                                @for t in 1..d.tracks[0].values.len() { th scope="col" { "Turn " (t) } }
                            }
                        }
                        tbody {
                            @for t in &d.tracks {
                                tr {
                                    th scope="row" { (t.name) }
                                    @for v in &t.values { td { (v) } }
                                }
                            }
                        }
                    }
                }
                (chart(&d.tracks))
            }
        }
    }
}

/// Line styles: a colour and a dash pattern each, so lines differ without colour too.
const STYLES: [(&str, &str); 6] = [
    ("#1f5fa8", ""),
    ("#a3361b", "8 4"),
    ("#2d6a2d", "2 3"),
    ("#6b3fa0", "10 3 2 3"),
    ("#8a5a00", "4 4"),
    ("#333333", "1 2"),
];

/// The trajectory as an inline SVG line chart, with a text alternative.
#[must_use]
pub fn chart(tracks: &[Track]) -> Markup {
    let turns = tracks.first().map_or(0, |t| t.values.len());
    if turns < 2 {
        return html! {};
    }
    let (w, h, left, right, top, bottom) = (640.0_f64, 260.0_f64, 40.0, 130.0, 16.0, 36.0);
    let lo = tracks.iter().map(|t| t.lo).min().unwrap_or(0);
    let hi = tracks.iter().map(|t| t.hi).max().unwrap_or(10).max(lo + 1);
    #[allow(clippy::cast_precision_loss)]
    let x = |i: usize| left + (w - left - right) * i as f64 / (turns - 1) as f64;
    #[allow(clippy::cast_precision_loss)]
    let y = |v: i64| top + (h - top - bottom) * (hi - v) as f64 / (hi - lo) as f64;
    let mut summary = String::new();
    for t in tracks {
        let first = t.values.first().copied().unwrap_or(0);
        let last = t.values.last().copied().unwrap_or(0);
        let _ = write!(summary, "{} from {first} to {last}; ", t.name);
    }
    let summary = summary.trim_end_matches("; ").to_string();
    html! {
        figure.chart {
            svg role="img" aria-labelledby="chart-title chart-desc" viewBox=(format!("0 0 {w} {h}")) width="100%" {
                title #chart-title { "Emotion trajectory over " (turns - 1) " turns" }
                desc #chart-desc { (summary) ". Every value is in the table above." }
                @for v in [lo, (lo + hi) / 2, hi] {
                    line x1=(left) x2=(w - right) y1=(y(v)) y2=(y(v)) stroke="#ccc" stroke-width="1" {}
                    text x=(left - 6.0) y=(y(v) + 4.0) text-anchor="end" font-size="12" fill="#333" { (v) }
                }
                @for i in 0..turns {
                    text x=(x(i)) y=(h - bottom + 18.0) text-anchor="middle" font-size="12" fill="#333" {
                        @if i == 0 { "start" } @else { (i) }
                    }
                }
                @for (n, t) in tracks.iter().enumerate() {
                    @let (colour, dash) = STYLES[n % STYLES.len()];
                    @let points = t.values.iter().enumerate().map(|(i, v)| format!("{:.1},{:.1}", x(i), y(*v))).collect::<Vec<_>>().join(" ");
                    polyline points=(points) fill="none" stroke=(colour) stroke-width="2.5" stroke-dasharray=(dash) {}
                    @let last = t.values.last().copied().unwrap_or(0);
                    text x=(w - right + 8.0) y=(y(last) + 4.0 + 13.0 * f64::from(u8::try_from(n).unwrap_or(0)) - 6.5 * f64::from(u8::try_from(tracks.len().saturating_sub(1)).unwrap_or(0))) font-size="13" fill=(colour) { (t.name) " " (last) }
                }
            }
            figcaption { "Emotions at the start and after each turn: " (summary) "." }
        }
    }
}

/// `/runs?learner=NAME`: a learner's runs, to continue one.
pub fn runs(learner: &str, runs: &[(RunRow, String)]) -> Html<String> {
    layout(
        "Your runs",
        &html! {
            h1 { "Runs of " (learner) }
            @if runs.is_empty() {
                p { "No run under this name yet. " a href="/" { "Choose a scenario" } " to start one." }
            } @else {
                div.scroll tabindex="0" role="region" aria-label="Table (scrolls sideways)" {
                    table {
                        thead { tr { th scope="col" { "Scenario" } th scope="col" { "Mode" } th scope="col" { "Started (UTC)" } th scope="col" { "Turns" } th scope="col" { "Result" } th scope="col" { span.visually-hidden { "Action" } } } }
                        tbody {
                            @for (run, title) in runs {
                                tr {
                                    th scope="row" { (title) }
                                    td { (run.mode) }
                                    td { (timestamp(run.started_at)) }
                                    td { (run.turns) }
                                    td { (result_text(run)) }
                                    td { a href={ "/resume/" (run.id) } { @if run.status == "in_progress" { "Continue" } @else { "See the debrief" } } }
                                }
                            }
                        }
                    }
                }
            }
        },
    )
}

pub(super) fn result_text(run: &RunRow) -> String {
    match (&run.status[..], run.score) {
        ("in_progress", _) => "in progress".to_string(),
        (_, Some(s)) => format!(
            "{}/{} ({}.{}%), {}",
            s.earned,
            s.total,
            s.tenths / 10,
            s.tenths % 10,
            if s.passed { "passed" } else { "not passed" }
        ),
        (status, None) => run.ending.clone().unwrap_or_else(|| status.to_string()),
    }
}

/// An error page.
pub fn error(status: StatusCode, message: &str, next: Option<&str>) -> Html<String> {
    let reason = status.canonical_reason().unwrap_or("Error");
    layout(
        reason,
        &html! {
            h1 { (reason) }
            p.error role="alert" { (message) }
            p {
                @if let Some(next) = next { a href=(next) { "Continue the run where it was recorded" } " · " }
                a href="/" { "All scenarios" }
            }
        },
    )
}

/// `YYYY-MM-DD HH:MM` from unix seconds (UTC).
#[must_use]
pub fn timestamp(seconds: i64) -> String {
    let (y, m, d, hh, mm, _) = civil(seconds);
    format!("{y:04}-{m:02}-{d:02} {hh:02}:{mm:02}")
}

/// Year, month, day, hour, minute, second of unix seconds (UTC; Howard Hinnant's algorithm).
#[must_use]
pub fn civil(seconds: i64) -> (i64, i64, i64, i64, i64, i64) {
    let days = seconds.div_euclid(86_400);
    let secs = seconds.rem_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d, secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Percent-encodes a query value.
#[must_use]
pub fn urlencode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

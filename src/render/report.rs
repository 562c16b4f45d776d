//! A run's report: JSON (product.md §4) and the text debrief a trainee reads.

use std::fmt::Write as _;

use serde::Serialize;

use super::json::Ordered;
use crate::rubric::{grade, Grade, Trace};
use crate::runtime::{Event, Run, Status, StuckReason, Target};
use crate::scenario::Scenario;

/// Everything a report shows, computed once.
pub struct Report<'r, 's> {
    pub run: &'r Run<'s>,
    pub picks: Vec<usize>,
    pub grade: Option<Grade>,
}

impl<'r, 's> Report<'r, 's> {
    #[must_use]
    pub fn new(run: &'r Run<'s>, picks: Vec<usize>) -> Self {
        let scenario = run.scenario();
        let grade = scenario
            .rubric
            .as_ref()
            .map(|rubric| grade(rubric, &Trace::of(run)));
        Report { run, picks, grade }
    }

    /// `ended`, `stuck` or `in_progress`.
    #[must_use]
    pub fn status(&self) -> &'static str {
        match self.run.status() {
            Status::Ended(_) => "ended",
            Status::Stuck(_) => "stuck",
            Status::Cut(_) => "cut",
            Status::AwaitingChoice { .. } => "in_progress",
        }
    }

    fn feedback(&self, index: usize) -> Option<String> {
        let scenario = self.run.scenario();
        let rule = &scenario.rubric.as_ref()?.rules[index];
        let passed = self.grade.as_ref()?.rules[index].passed;
        rule.feedback(passed)
            .map(|t| self.run.state().render(scenario, t))
    }
}

#[derive(Serialize)]
struct JsonEnding {
    id: String,
    outcome: &'static str,
    summary: String,
}

#[derive(Serialize)]
#[serde(untagged)]
enum JsonValue {
    Int(i64),
    Bool(bool),
}

#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum JsonEvent {
    Line {
        speaker: String,
        name: String,
        text: String,
    },
    Narration {
        text: String,
    },
    Choice {
        turn: u32,
        number: usize,
        speaker: String,
        name: String,
        text: String,
        tags: Vec<String>,
    },
    Effect {
        target: String,
        from: JsonValue,
        to: JsonValue,
        clamped: bool,
    },
    Trigger {
        line: usize,
    },
}

/// Every emotion and flag, in declaration order (`final` in `run` and `paths` JSON).
#[derive(Serialize)]
pub(crate) struct JsonFinal {
    emotions: Ordered<i64>,
    flags: Ordered<bool>,
}

impl JsonFinal {
    pub(crate) fn new(scenario: &Scenario, emotions: &[i64], flags: &[bool]) -> Self {
        JsonFinal {
            emotions: Ordered(
                scenario
                    .emotions
                    .iter()
                    .zip(emotions)
                    .map(|(e, v)| (e.id.clone(), *v))
                    .collect(),
            ),
            flags: Ordered(
                scenario
                    .flags
                    .iter()
                    .zip(flags)
                    .map(|(f, v)| (f.id.clone(), *v))
                    .collect(),
            ),
        }
    }
}

/// A grade in `run` and `paths` JSON.
#[derive(Serialize)]
pub(crate) struct JsonScore {
    earned: i128,
    total: i128,
    percent: f64,
    passed: bool,
}

impl JsonScore {
    pub(crate) fn of(g: &Grade) -> Self {
        JsonScore {
            earned: g.earned,
            total: g.total,
            percent: g.percent(),
            passed: g.passed,
        }
    }
}

#[derive(Serialize)]
struct JsonRule {
    title: String,
    criterion: Option<String>,
    worth: i64,
    earned: i64,
    passed: bool,
    critical: bool,
    feedback: Option<String>,
}

#[derive(Serialize)]
struct JsonReport {
    scenario: String,
    status: &'static str,
    choices: Vec<usize>,
    ending: Option<JsonEnding>,
    transcript: Vec<JsonEvent>,
    #[serde(rename = "final")]
    final_state: JsonFinal,
    score: Option<JsonScore>,
    rules: Vec<JsonRule>,
}

fn json_event(scenario: &Scenario, event: &Event) -> Option<JsonEvent> {
    Some(match event {
        Event::Line { speaker, text } => JsonEvent::Line {
            speaker: scenario.characters[speaker.index()].id.clone(),
            name: scenario.display_name(*speaker),
            text: text.clone(),
        },
        Event::Narration { text } => JsonEvent::Narration { text: text.clone() },
        Event::Choice {
            turn,
            number,
            choice,
            text,
            ..
        } => JsonEvent::Choice {
            turn: *turn,
            number: *number,
            speaker: scenario.characters[scenario.agent.index()].id.clone(),
            name: scenario.display_name(scenario.agent),
            text: text.clone(),
            tags: scenario
                .choice(*choice)
                .tags
                .iter()
                .map(|t| scenario.tags[t.index()].clone())
                .collect(),
        },
        Event::Effect {
            target,
            from,
            to,
            clamped,
        } => match target {
            Target::Emotion(e) => JsonEvent::Effect {
                target: scenario.emotions[e.index()].id.clone(),
                from: JsonValue::Int(*from),
                to: JsonValue::Int(*to),
                clamped: *clamped,
            },
            Target::Flag(f) => JsonEvent::Effect {
                target: scenario.flags[f.index()].id.clone(),
                from: JsonValue::Bool(*from != 0),
                to: JsonValue::Bool(*to != 0),
                clamped: *clamped,
            },
        },
        Event::Trigger { line, .. } => JsonEvent::Trigger { line: *line },
        Event::Ending { .. } => return None,
    })
}

/// The report as JSON (product.md §4).
#[must_use]
pub fn json(report: &Report<'_, '_>) -> String {
    let run = report.run;
    let scenario = run.scenario();
    let state = run.state();
    let ending = run.ending().map(|e| {
        let ending = scenario.ending(e);
        JsonEnding {
            id: ending.id.clone(),
            outcome: ending.outcome.as_str(),
            summary: state.render(scenario, &ending.summary),
        }
    });
    let rules = match (&scenario.rubric, &report.grade) {
        (Some(rubric), Some(grade)) => rubric
            .rules
            .iter()
            .zip(&grade.rules)
            .enumerate()
            .map(|(i, (rule, result))| JsonRule {
                title: rule.title.clone(),
                criterion: rule
                    .criterion
                    .map(|c| rubric.criteria[c.index()].id.clone()),
                worth: rule.worth,
                earned: result.earned,
                passed: result.passed,
                critical: rule.critical,
                feedback: report.feedback(i),
            })
            .collect(),
        _ => Vec::new(),
    };
    super::json::to_string(&JsonReport {
        scenario: scenario.id.clone(),
        status: report.status(),
        choices: report.picks.clone(),
        ending,
        transcript: run
            .events()
            .iter()
            .filter_map(|e| json_event(scenario, e))
            .collect(),
        final_state: JsonFinal::new(scenario, &state.emotions, &state.flags),
        score: report.grade.as_ref().map(JsonScore::of),
        rules,
    })
}

/// One event as a transcript line (None for events not shown to the trainee).
#[must_use]
pub fn event_text(scenario: &Scenario, event: &Event) -> Option<String> {
    match event {
        Event::Line { speaker, text } => {
            Some(format!("{}: {text}", scenario.display_name(*speaker)))
        }
        Event::Narration { text } => Some(format!("({text})")),
        Event::Choice {
            number,
            text,
            choice,
            ..
        } => {
            let tags: Vec<&str> = scenario
                .choice(*choice)
                .tags
                .iter()
                .map(|t| scenario.tags[t.index()].as_str())
                .collect();
            let tags = if tags.is_empty() {
                String::new()
            } else {
                format!("  [{}]", tags.join(" "))
            };
            Some(format!(
                "> {number}. {}: {text}{tags}",
                scenario.display_name(scenario.agent)
            ))
        }
        Event::Effect {
            target,
            from,
            to,
            clamped,
        } => {
            let clamp = if *clamped { " (clamped)" } else { "" };
            Some(match target {
                Target::Emotion(e) => format!(
                    "   {} {from} → {to}{clamp}",
                    scenario.emotions[e.index()].id
                ),
                Target::Flag(f) => format!(
                    "   {} {}",
                    scenario.flags[f.index()].id,
                    if *to != 0 { "set" } else { "cleared" }
                ),
            })
        }
        Event::Trigger { line, .. } => Some(format!("   ! trigger (line {line})")),
        Event::Ending { .. } => None,
    }
}

/// Where a run stands, in words.
#[must_use]
pub fn outcome_text(run: &Run<'_>) -> String {
    let scenario = run.scenario();
    match run.status() {
        Status::Ended(e) => {
            let ending = scenario.ending(*e);
            format!(
                "Ending: {} ({}): {}",
                ending.id,
                ending.outcome.as_str(),
                run.state().render(scenario, &ending.summary)
            )
        }
        Status::Stuck(StuckReason::NoChoice(s)) => format!(
            "Stuck in scene `{}`: no choice is available and the scene has no `otherwise`.",
            scenario.scene(*s).id
        ),
        Status::Stuck(StuckReason::Loop(s)) => format!(
            "Stuck at scene `{}`: more than {} transitions without a choice.",
            scenario.scene(*s).id,
            crate::runtime::MAX_TRANSITIONS_WITHOUT_TURN
        ),
        Status::Cut(reason) => format!(
            "Cut by the exploration bound: {}.",
            cut_text(scenario, *reason)
        ),
        Status::AwaitingChoice { scene, offered } => format!(
            "In progress: after {}, in scene `{}` with {} offered.",
            plural(run.turns().len(), "pick", "picks"),
            scenario.scene(*scene).id,
            plural(offered.len(), "choice", "choices")
        ),
    }
}

/// Why a run without an ending is not graded, or `None` for a run that ended.
#[must_use]
pub fn unfinished(status: &Status) -> Option<&'static str> {
    match status {
        Status::Ended(_) => None,
        Status::AwaitingChoice { .. } => {
            Some("in progress: not graded until the conversation ends")
        }
        Status::Stuck(_) | Status::Cut(_) => Some("not graded: the conversation reached no ending"),
    }
}

/// `1 pick`, `2 picks`.
fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Why a run was cut, in words.
#[must_use]
pub fn cut_text(scenario: &Scenario, reason: crate::runtime::CutReason) -> String {
    match reason {
        crate::runtime::CutReason::Visits(s) => {
            format!(
                "scene `{}` would be entered once more than allowed",
                scenario.scene(s).id
            )
        }
        crate::runtime::CutReason::Turns => {
            "choices would be offered past the turn limit".to_string()
        }
    }
}

/// The grade, rules, criteria and emotion trajectory, as text.
#[must_use]
pub fn debrief(report: &Report<'_, '_>) -> String {
    let run = report.run;
    let scenario = run.scenario();
    let mut out = String::new();
    let _ = writeln!(out, "{}", outcome_text(run));
    if let (Some(rubric), Some(grade)) = (&scenario.rubric, &report.grade) {
        let unfinished = unfinished(run.status());
        if let Some(why) = unfinished {
            // A run without an ending is not graded: say what the score is so far.
            let would = if grade.passed { "pass" } else { "not pass" };
            let _ = writeln!(
                out,
                "Score so far: {}, {why} (if it ended now it would {would}; pass mark {}%)",
                grade.score(),
                rubric.pass_mark
            );
        } else {
            let verdict = if grade.passed { "PASSED" } else { "NOT PASSED" };
            let _ = writeln!(
                out,
                "Score: {}, {verdict} (pass mark {}%)",
                grade.score(),
                rubric.pass_mark
            );
        }
        let _ = writeln!(
            out,
            "\nRules{}",
            if unfinished.is_some() {
                " (so far)"
            } else {
                ""
            }
        );
        for (i, (rule, result)) in rubric.rules.iter().zip(&grade.rules).enumerate() {
            let mark = if result.passed { "✓" } else { "✗" };
            let mut notes = Vec::new();
            if let Some(c) = rule.criterion {
                notes.push(rubric.criteria[c.index()].id.clone());
            }
            if rule.critical {
                notes.push("critical".to_string());
            }
            let notes = if notes.is_empty() {
                String::new()
            } else {
                format!("  [{}]", notes.join(", "))
            };
            let _ = writeln!(
                out,
                "  {mark} {}  {}/{}{notes}",
                rule.title, result.earned, rule.worth
            );
            if let Some(feedback) = report.feedback(i) {
                let _ = writeln!(out, "      {feedback}");
            }
        }
        if grade.subtotals.iter().any(|s| s.criterion.is_some()) {
            let _ = writeln!(out, "\nCriteria");
            for sub in &grade.subtotals {
                let name = rubric.criterion_name(sub.criterion);
                let _ = writeln!(out, "  {name}  {}/{}", sub.earned, sub.total);
            }
        }
    }
    if !scenario.emotions.is_empty() {
        let _ = writeln!(out, "\nEmotions by turn");
        out.push_str(&trajectory(scenario, run.history()));
    }
    out
}

/// A table of emotion values: one row per emotion, one column per turn.
#[must_use]
pub fn trajectory(scenario: &Scenario, history: &[Vec<i64>]) -> String {
    let width = scenario.emotion_name_width();
    let mut out = String::new();
    let _ = write!(out, "  {:width$}  start", "");
    for turn in 1..history.len() {
        let _ = write!(out, " {turn:>3}");
    }
    out.push('\n');
    for (i, emotion) in scenario.emotions.iter().enumerate() {
        let _ = write!(out, "  {:width$}  {:>5}", emotion.id, history[0][i]);
        for values in &history[1..] {
            let _ = write!(out, " {:>3}", values[i]);
        }
        out.push('\n');
    }
    out
}

/// The full text report of `rapport run`: transcript then debrief.
#[must_use]
pub fn text(report: &Report<'_, '_>) -> String {
    let run = report.run;
    let scenario = run.scenario();
    let mut out = String::new();
    let _ = writeln!(out, "{}\n", scenario.title);
    for event in run.events() {
        if let Some(line) = event_text(scenario, event) {
            out.push_str(&line);
            out.push('\n');
        }
        // As in `play`'s practice mode: the note on the choice just taken.
        if let Event::Choice {
            coach: Some(coach), ..
        } = event
        {
            let _ = writeln!(out, "  Coach: {coach}");
        }
    }
    out.push('\n');
    out.push_str(&debrief(report));
    out
}

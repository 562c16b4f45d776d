//! `rapport paths`: the branch tree (text) and every run (JSON), with the calibration
//! summary.
//!
//! The tree reads like the conversation: what is said before the first choice once, then
//! for each choice (numbered as displayed, with its path) the trainee's line, the emotion
//! changes, the customer's reactions and triggers, down to the ending with its score and
//! the rules failed. Shared prefixes are printed once, and every line of dialogue is one
//! line of output, so a one-word content edit is a one-line change per place it is spoken.

use std::fmt::Write as _;

use serde::Serialize;

use super::json::Ordered;
use super::report::{cut_text, event_text, JsonFinal};
use crate::explore::{Dead, Enumeration, Reach, Summary};
use crate::rubric::{grade, Grade, Trace};
use crate::runtime::{Bounds, Event, Run, Status, StuckReason};
use crate::scenario::Scenario;
use crate::source::SourceMap;

/// Renders the branch tree, listing at most `max_runs` runs.
#[must_use]
pub fn tree(scenario: &Scenario, bounds: &Bounds, max_runs: usize) -> (String, bool) {
    let mut out = String::new();
    let _ = writeln!(out, "# {}: {}", scenario.id, scenario.title);
    let mut root = Run::with(scenario, Some(*bounds), false);
    events(&mut out, scenario, root.events(), "");
    let mut leaves = 0;
    if !matches!(root.status(), Status::AwaitingChoice { .. }) {
        leaf(&mut out, &root, "");
        return (out, true);
    }
    root.clear_events();
    // Depth-first, one frame per turn of the current branch: a run awaiting a choice, the
    // next choice to try from it, its path label ("1.2") and depth.
    let offered = root.offered().len();
    let mut stack = vec![TreeFrame {
        run: root,
        next: 1,
        offered,
        label: String::new(),
        depth: 0,
    }];
    while let Some(top) = stack.last_mut() {
        if top.next > top.offered {
            stack.pop();
            continue;
        }
        if leaves >= max_runs {
            let _ = writeln!(
                out,
                "\n… stopped after {max_runs} runs (raise --max-runs to list more)"
            );
            return (out, false);
        }
        let number = top.next;
        top.next += 1;
        let mut run = top.run.clone();
        if run.choose(number).is_err() {
            continue;
        }
        let label = if top.label.is_empty() {
            number.to_string()
        } else {
            format!("{}.{number}", top.label)
        };
        let depth = top.depth;
        let indent = "  ".repeat(depth);
        let body_indent = format!("{indent}    ");
        let mut lines = run.events().iter();
        if let Some(Event::Choice { text, choice, .. }) = lines.next() {
            let tags = tags_text(scenario, *choice);
            let _ = writeln!(
                out,
                "{indent}{label} ▸ {}: {text}{tags}",
                scenario.display_name(scenario.agent)
            );
        }
        events(&mut out, scenario, lines.as_slice(), &body_indent);
        if matches!(run.status(), Status::AwaitingChoice { .. }) {
            run.clear_events();
            let offered = run.offered().len();
            stack.push(TreeFrame {
                run,
                next: 1,
                offered,
                label,
                depth: depth + 1,
            });
        } else {
            leaves += 1;
            leaf(&mut out, &run, &body_indent);
        }
    }
    (out, true)
}

/// A branch point of the tree: a run awaiting a choice and the next choice to try.
struct TreeFrame<'s> {
    run: Run<'s>,
    next: usize,
    offered: usize,
    label: String,
    depth: usize,
}

fn tags_text(scenario: &Scenario, choice: crate::scenario::ChoiceId) -> String {
    let tags: Vec<&str> = scenario
        .choice(choice)
        .tags
        .iter()
        .map(|t| scenario.tags[t.index()].as_str())
        .collect();
    if tags.is_empty() {
        String::new()
    } else {
        format!("  [{}]", tags.join(" "))
    }
}

/// Events after a choice: lines one per line, consecutive effects on one line.
fn events(out: &mut String, scenario: &Scenario, events: &[Event], indent: &str) {
    let mut effects: Vec<String> = Vec::new();
    let flush = |out: &mut String, effects: &mut Vec<String>| {
        if !effects.is_empty() {
            let _ = writeln!(out, "{indent}{}", effects.join(" · "));
            effects.clear();
        }
    };
    for event in events {
        match event {
            Event::Effect { .. } => {
                if let Some(text) = event_text(scenario, event) {
                    effects.push(text.trim().to_string());
                }
            }
            Event::Trigger { line, .. } => {
                flush(out, &mut effects);
                let _ = writeln!(out, "{indent}! trigger (line {line})");
            }
            _ => {
                flush(out, &mut effects);
                if let Some(text) = event_text(scenario, event) {
                    let _ = writeln!(out, "{indent}{text}");
                }
            }
        }
    }
    flush(out, &mut effects);
}

fn leaf(out: &mut String, run: &Run<'_>, indent: &str) {
    let scenario = run.scenario();
    let grade = scenario
        .rubric
        .as_ref()
        .map(|rubric| grade(rubric, &Trace::of(run)));
    let outcome = match run.status() {
        Status::Ended(e) => {
            let ending = scenario.ending(*e);
            format!("■ {} ({})", ending.id, ending.outcome.as_str())
        }
        Status::Stuck(StuckReason::NoChoice(s)) => format!(
            "■ STUCK in `{}`: no choice is available and it has no `otherwise`",
            scenario.scene(*s).id
        ),
        Status::Stuck(StuckReason::Loop(s)) => format!(
            "■ STUCK looping through `{}` without a choice",
            scenario.scene(*s).id
        ),
        Status::Cut(reason) => format!("■ cut: {}", cut_text(scenario, *reason)),
        Status::AwaitingChoice { .. } => "■ in progress".to_string(),
    };
    match &grade {
        Some(g) => {
            let verdict = if super::report::unfinished(run.status()).is_some() {
                "so far, not graded"
            } else if g.passed {
                "passed"
            } else {
                "not passed"
            };
            let _ = writeln!(out, "{indent}{outcome} · {} · {verdict}", g.score());
            let failed = failed_rules(scenario, g);
            if !failed.is_empty() {
                let _ = writeln!(out, "{indent}  failed: {}", failed.join("; "));
            }
        }
        None => {
            let _ = writeln!(out, "{indent}{outcome}");
        }
    }
}

fn failed_rules(scenario: &Scenario, grade: &Grade) -> Vec<String> {
    let Some(rubric) = &scenario.rubric else {
        return Vec::new();
    };
    rubric
        .rules
        .iter()
        .zip(&grade.rules)
        .filter(|(_, r)| !r.passed)
        .map(|(rule, _)| rule.title.clone())
        .collect()
}

/// Content that no run reaches, as `file:line: what` lines (none when the search stopped
/// at its limit: what it did not reach may lie beyond).
#[must_use]
pub fn dead_content(scenario: &Scenario, reach: &Reach, sources: &SourceMap) -> Vec<String> {
    let at = |span: crate::source::Span| {
        let (line, _) = sources.file(span.file).line_col(span.start as usize);
        format!("{}:{line}", sources.path(span.file).display())
    };
    if !reach.complete {
        return Vec::new();
    }
    crate::explore::unreached(scenario, reach)
        .into_iter()
        .filter_map(|(dead, _)| match dead {
            Dead::Scene(span, id) => Some(format!("{}: scene `{id}` is never reached", at(span))),
            Dead::Ending(span, id) => Some(format!("{}: ending `{id}` is never reached", at(span))),
            Dead::Choice(span) => Some(format!("{}: choice is never offered", at(span))),
            Dead::Line(span) => Some(format!("{}: line is never shown", at(span))),
            Dead::Variant(span) => Some(format!("{}: variant is never shown", at(span))),
            Dead::Narration(span) => Some(format!("{}: narration is never shown", at(span))),
            Dead::Clamps(..) => None,
        })
        .collect()
}

fn score_range(lowest: Option<&Grade>, highest: Option<&Grade>) -> String {
    match (lowest, highest) {
        (Some(l), Some(h)) if l.tenths == h.tenths => format!("score {:.1}%", l.percent()),
        (Some(l), Some(h)) => format!("score {:.1}%–{:.1}%", l.percent(), h.percent()),
        _ => String::new(),
    }
}

/// The calibration summary, as text.
#[must_use]
pub fn summary_text(
    scenario: &Scenario,
    summary: &Summary,
    reach: &Reach,
    dead: &[String],
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n## Summary");
    let listed = if summary.complete {
        String::new()
    } else {
        " (listing stopped at --max-runs)".to_string()
    };
    let _ = writeln!(
        out,
        "runs: {} ({} ended, {} stuck, {} cut){listed}",
        summary.runs, summary.ended, summary.stuck, summary.cut
    );
    for stats in &summary.endings {
        let ending = &scenario.endings[stats.ending];
        let _ = writeln!(
            out,
            "ending {} ({}): {} {} {}",
            ending.id,
            ending.outcome.as_str(),
            stats.runs,
            if stats.runs == 1 { "run" } else { "runs" },
            score_range(stats.lowest.as_ref(), stats.highest.as_ref())
        );
    }
    if summary.graded {
        let _ = writeln!(
            out,
            "pass rate: {} of {} runs ({:.1}%); under uniformly random play: {:.1}%",
            summary.passed,
            summary.runs,
            summary.pass_rate() * 100.0,
            summary.random_pass * 100.0
        );
        if summary.random_unfinished > 0.0 {
            let _ = writeln!(
                out,
                "  ({:.1}% of random play is cut by a bound or not listed)",
                summary.random_unfinished * 100.0
            );
        }
    }
    let ranges: Vec<String> = scenario
        .emotions
        .iter()
        .zip(&reach.emotion_range)
        .map(|(e, (lo, hi))| format!("{} {lo}–{hi}", e.id))
        .collect();
    if !ranges.is_empty() {
        let _ = writeln!(out, "emotions seen: {}", ranges.join(" · "));
    }
    let _ = writeln!(out, "states explored: {}", reach.states);
    if !reach.complete {
        let _ = writeln!(
            out,
            "dead content: not listed (the state search stopped at its limit)"
        );
    } else if dead.is_empty() {
        let _ = writeln!(out, "dead content: none");
    } else {
        let _ = writeln!(out, "dead content:");
        for line in dead {
            let _ = writeln!(out, "  {line}");
        }
    }
    out
}

#[derive(Serialize)]
struct JsonScore {
    earned: i128,
    total: i128,
    percent: f64,
    passed: bool,
}

impl JsonScore {
    fn of(g: &Grade) -> Self {
        JsonScore {
            earned: g.earned,
            total: g.total,
            percent: g.percent(),
            passed: g.passed,
        }
    }
}

#[derive(Serialize)]
struct JsonRun {
    choices: Vec<u32>,
    status: &'static str,
    ending: Option<String>,
    score: Option<JsonScore>,
    #[serde(rename = "final")]
    final_state: JsonFinal,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
    probability: f64,
}

#[derive(Serialize)]
struct JsonEndingStats {
    runs: usize,
    lowest: Option<f64>,
    highest: Option<f64>,
}

#[derive(Serialize)]
struct JsonRange {
    lowest: i64,
    highest: i64,
}

#[derive(Serialize)]
struct JsonSummary {
    runs: usize,
    endings: Ordered<usize>,
    stuck: usize,
    cut: usize,
    complete: bool,
    ending_scores: Ordered<JsonEndingStats>,
    pass_rate: Option<f64>,
    random_pass_rate: Option<f64>,
    random_unfinished: f64,
    emotions: Ordered<JsonRange>,
    states: usize,
    /// Present only when the state search stopped at its limit (`dead` is then empty).
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    search_stopped: bool,
    dead: Vec<String>,
}

#[derive(Serialize)]
struct JsonPaths {
    scenario: String,
    runs: Vec<JsonRun>,
    summary: JsonSummary,
}

/// Every run and the summary, as JSON.
#[must_use]
pub fn json(
    scenario: &Scenario,
    enumeration: &Enumeration,
    summary: &Summary,
    reach: &Reach,
    dead: &[String],
) -> String {
    let runs = enumeration
        .runs
        .iter()
        .map(|r| JsonRun {
            choices: r.choices.clone(),
            status: r.status.as_str(),
            ending: match &r.status {
                Status::Ended(e) => Some(scenario.ending(*e).id.clone()),
                _ => None,
            },
            score: r.grade.as_ref().map(JsonScore::of),
            final_state: JsonFinal::new(scenario, &r.emotions, &r.flags),
            reason: match &r.status {
                Status::Cut(reason) => Some(cut_text(scenario, *reason)),
                Status::Stuck(StuckReason::NoChoice(s)) => Some(format!(
                    "no choice is available in `{}` and it has no `otherwise`",
                    scenario.scene(*s).id
                )),
                Status::Stuck(StuckReason::Loop(s)) => Some(format!(
                    "loops through `{}` without a choice",
                    scenario.scene(*s).id
                )),
                _ => None,
            },
            probability: r.probability,
        })
        .collect();
    let graded = summary.graded;
    super::json::to_string(&JsonPaths {
        scenario: scenario.id.clone(),
        runs,
        summary: JsonSummary {
            runs: summary.runs,
            endings: Ordered(
                summary
                    .endings
                    .iter()
                    .map(|s| (scenario.endings[s.ending].id.clone(), s.runs))
                    .collect(),
            ),
            stuck: summary.stuck,
            cut: summary.cut,
            complete: summary.complete,
            ending_scores: Ordered(
                summary
                    .endings
                    .iter()
                    .map(|s| {
                        (
                            scenario.endings[s.ending].id.clone(),
                            JsonEndingStats {
                                runs: s.runs,
                                lowest: s.lowest.as_ref().map(Grade::percent),
                                highest: s.highest.as_ref().map(Grade::percent),
                            },
                        )
                    })
                    .collect(),
            ),
            pass_rate: graded.then(|| summary.pass_rate()),
            random_pass_rate: graded.then_some(summary.random_pass),
            random_unfinished: summary.random_unfinished,
            emotions: Ordered(
                scenario
                    .emotions
                    .iter()
                    .zip(&reach.emotion_range)
                    .map(|(e, (lo, hi))| {
                        (
                            e.id.clone(),
                            JsonRange {
                                lowest: *lo,
                                highest: *hi,
                            },
                        )
                    })
                    .collect(),
            ),
            states: reach.states,
            search_stopped: !reach.complete,
            dead: dead.to_vec(),
        },
    })
}

//! `rapport paths --format json`: every run as the walk finds it, then the summary.

use std::fmt::Write as _;
use std::io;

use serde::Serialize;

use super::{ratio, Sink};
use crate::explore::counts::{Counted, Counts};
#[cfg(test)]
use crate::explore::Enumeration;
use crate::explore::{walk, Reach, RunRecord, Summary, Tally, Visit};
use crate::render::json::Ordered;
use crate::render::report::{cut_text, JsonFinal, JsonScore};
use crate::rubric::Grade;
use crate::runtime::{Bounds, Run, Status, StuckReason};
use crate::scenario::Scenario;

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

impl JsonRun {
    fn of(scenario: &Scenario, r: &RunRecord) -> Self {
        JsonRun {
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
        }
    }
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
    /// Present only when the listing stopped: every run counted over the state graph, or
    /// `null` when there were too many states to count.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[allow(clippy::option_option)]
    counted: Option<Option<JsonCounted>>,
}

/// Every run counted over the state graph; counts are exact decimal strings (they can pass
/// 2^53, or 2^64).
#[derive(Serialize)]
struct JsonCounted {
    runs: String,
    endings: Ordered<String>,
    stuck: String,
    cut: String,
    ending_scores: Ordered<JsonCountedEnding>,
    passed: Option<String>,
    pass_rate: Option<f64>,
    random_pass_rate: Option<f64>,
    random_unfinished: f64,
    states: usize,
}

#[derive(Serialize)]
struct JsonCountedEnding {
    runs: String,
    lowest: Option<f64>,
    highest: Option<f64>,
}

impl JsonCounted {
    fn of(scenario: &Scenario, c: &Counts, graded: bool) -> Self {
        let id = |e: usize| scenario.endings[e].id.clone();
        JsonCounted {
            runs: c.runs.exact(),
            endings: Ordered(
                c.endings
                    .iter()
                    .map(|e| (id(e.ending), e.runs.exact()))
                    .collect(),
            ),
            stuck: c.stuck.exact(),
            cut: c.cut.exact(),
            ending_scores: Ordered(
                c.endings
                    .iter()
                    .map(|e| {
                        (
                            id(e.ending),
                            JsonCountedEnding {
                                runs: e.runs.exact(),
                                lowest: e.lowest.as_ref().map(Grade::percent),
                                highest: e.highest.as_ref().map(Grade::percent),
                            },
                        )
                    })
                    .collect(),
            ),
            passed: graded.then(|| c.passed.exact()),
            pass_rate: graded.then(|| ratio(&c.passed, &c.runs)),
            random_pass_rate: graded.then_some(c.random_pass),
            random_unfinished: c.random_unfinished,
            states: c.states,
        }
    }
}

impl JsonSummary {
    fn of(scenario: &Scenario, summary: &Summary, reach: &Reach, dead: &[String]) -> Self {
        let graded = summary.graded;
        JsonSummary {
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
            counted: summary.counted.as_ref().map(|c| match c {
                Counted::Counts(c) => Some(JsonCounted::of(scenario, c, summary.graded)),
                Counted::TooMany => None,
            }),
        }
    }
}

/// The whole document at once, as `rapport paths --format json` printed it before it
/// streamed: what the streamed output is tested against.
#[cfg(test)]
#[derive(Serialize)]
struct JsonPaths {
    scenario: String,
    runs: Vec<JsonRun>,
    summary: JsonSummary,
}

/// Every run and the summary, as JSON, built as one value (see [`write_json_runs`]).
#[cfg(test)]
#[must_use]
pub(crate) fn json(
    scenario: &Scenario,
    enumeration: &Enumeration,
    summary: &Summary,
    reach: &Reach,
    dead: &[String],
) -> String {
    crate::render::json::to_string(&JsonPaths {
        scenario: scenario.id.clone(),
        runs: enumeration
            .runs
            .iter()
            .map(|r| JsonRun::of(scenario, r))
            .collect(),
        summary: JsonSummary::of(scenario, summary, reach, dead),
    })
}

/// Writes the start of the paths JSON, `{"scenario": …, "runs": [ … ]`, each run as the
/// walk finds it (at most `max_runs`); returns the summary of the runs listed. The bytes
/// are those of the whole document pretty-printed at once: each run is printed on its own
/// and indented to its depth in the document (pretty JSON puts every value on its own
/// lines, and strings never hold a raw newline). [`write_json_summary`] ends the document.
pub fn write_json_runs(
    out: &mut impl io::Write,
    scenario: &Scenario,
    bounds: &Bounds,
    max_runs: usize,
) -> Summary {
    let mut runs = JsonRuns {
        text: Sink::new(out),
        scenario,
        tally: Tally::new(scenario),
        first: true,
    };
    let _ = write!(
        runs.text.buf,
        "{{\n  \"scenario\": {},\n  \"runs\": [",
        json_string(&scenario.id)
    );
    let complete = walk(scenario, bounds, true, max_runs, &mut runs);
    runs.text
        .buf
        .push_str(if runs.first { "]" } else { "\n  ]" });
    runs.text.flush();
    runs.tally.finish(complete)
}

/// Ends the paths JSON with the summary.
///
/// # Errors
/// When writing to `out` fails.
pub fn write_json_summary(
    out: &mut impl io::Write,
    scenario: &Scenario,
    summary: &Summary,
    reach: &Reach,
    dead: &[String],
) -> io::Result<()> {
    let summary = JsonSummary::of(scenario, summary, reach, dead);
    let mut text = String::from(",\n  \"summary\": ");
    indented(&mut text, &crate::render::json::to_string(&summary), "  ");
    text.push_str("\n}\n");
    out.write_all(text.as_bytes())
}

/// Appends pretty JSON (its trailing newline dropped) with every line after the first
/// indented by `indent`: the value as it stands at that depth of a pretty document.
fn indented(out: &mut String, json: &str, indent: &str) {
    for (i, line) in json.trim_end_matches('\n').split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(indent);
        }
        out.push_str(line);
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

/// The runs of the paths JSON as a [`Visit`].
struct JsonRuns<'w, 's, W: io::Write> {
    text: Sink<'w, W>,
    scenario: &'s Scenario,
    tally: Tally,
    first: bool,
}

impl<'s, W: io::Write> Visit<'s> for JsonRuns<'_, 's, W> {
    fn leaf(&mut self, run: &Run<'s>, probability: f64, listed: bool) {
        if !listed {
            return;
        }
        let record = RunRecord::of(run, probability);
        self.tally
            .add(&record.status, record.grade.as_ref(), probability);
        let buf = &mut self.text.buf;
        buf.push_str(if self.first { "\n    " } else { ",\n    " });
        self.first = false;
        indented(
            buf,
            &crate::render::json::to_string(&JsonRun::of(self.scenario, &record)),
            "    ",
        );
        self.text.spill();
    }
}

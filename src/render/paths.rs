//! `rapport paths`: the branch tree (text) and every run (JSON), with the calibration
//! summary.
//!
//! The tree reads like the conversation: what is said before the first choice once, then
//! for each choice (numbered as displayed, with its path) the trainee's line, the emotion
//! changes, the customer's reactions and triggers, down to the ending with its score and
//! the rules failed. Shared prefixes are printed once, and every line of dialogue is one
//! line of output, so a one-word content edit is a one-line change per place it is spoken.

use std::fmt::Write as _;
use std::io;

use serde::Serialize;

use super::json::Ordered;
use super::report::{cut_text, event_text, JsonFinal, JsonScore};
use crate::explore::counts::{Count, Counted, Counts};
#[cfg(test)]
use crate::explore::Enumeration;
use crate::explore::{walk, Dead, Reach, RunRecord, Summary, Tally, Visit};
use crate::rubric::{grade, Grade, Trace};
use crate::runtime::{Bounds, Event, Run, Status, StuckReason};
use crate::scenario::Scenario;
use crate::source::SourceMap;

/// Writes the branch tree as it walks the runs, listing at most `max_runs` of them; returns
/// the summary of the runs listed. Output is written in pieces of about 64 KiB, so memory
/// does not grow with the tree; a write error stops the writing, not the walk.
pub fn write_tree(
    out: &mut impl io::Write,
    scenario: &Scenario,
    bounds: &Bounds,
    max_runs: usize,
) -> Summary {
    let mut tree = Tree {
        text: Sink::new(out),
        scenario,
        max_runs,
        indent: String::new(),
        tally: Tally::new(scenario),
    };
    let complete = walk(scenario, bounds, false, max_runs, &mut tree);
    tree.text.flush();
    tree.tally.finish(complete)
}

/// Text written to `out` in large pieces; the first write error is kept and ends writing.
struct Sink<'w, W: io::Write> {
    buf: String,
    out: &'w mut W,
    error: Option<io::Error>,
}

impl<'w, W: io::Write> Sink<'w, W> {
    const PIECE: usize = 1 << 16;

    fn new(out: &'w mut W) -> Self {
        Sink {
            buf: String::with_capacity(Self::PIECE * 2),
            out,
            error: None,
        }
    }

    /// Writes the buffer out once it holds a piece.
    fn spill(&mut self) {
        if self.buf.len() >= Self::PIECE {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if self.error.is_none() {
            if let Err(e) = self.out.write_all(self.buf.as_bytes()) {
                self.error = Some(e);
            }
        }
        self.buf.clear();
    }
}

/// The branch tree as a [`Visit`]: each choice with its path label, then what follows it.
struct Tree<'w, 's, W: io::Write> {
    text: Sink<'w, W>,
    scenario: &'s Scenario,
    max_runs: usize,
    /// The indent of what follows the last choice printed.
    indent: String,
    tally: Tally,
}

impl<'s, W: io::Write> Visit<'s> for Tree<'_, 's, W> {
    fn start(&mut self, run: &Run<'s>) {
        let out = &mut self.text.buf;
        let _ = writeln!(out, "# {}: {}", self.scenario.id, self.scenario.title);
        events(out, self.scenario, run.events(), "");
    }

    fn step(&mut self, run: &Run<'s>, path: &[usize]) {
        let scenario = self.scenario;
        let out = &mut self.text.buf;
        let depth = path.len() - 1;
        let indent = "  ".repeat(depth);
        let mut lines = run.events().iter();
        if let Some(Event::Choice { text, choice, .. }) = lines.next() {
            let tags = tags_text(scenario, *choice);
            let _ = write!(out, "{indent}");
            for (i, number) in path.iter().enumerate() {
                let _ = write!(out, "{}{number}", if i == 0 { "" } else { "." });
            }
            let _ = writeln!(
                out,
                " ▸ {}: {text}{tags}",
                scenario.display_name(scenario.agent)
            );
        }
        self.indent.clear();
        self.indent.push_str(&indent);
        self.indent.push_str("    ");
        events(out, scenario, lines.as_slice(), &self.indent);
        self.text.spill();
    }

    fn leaf(&mut self, run: &Run<'s>, probability: f64, listed: bool) {
        let grade = self
            .scenario
            .rubric
            .as_ref()
            .map(|rubric| grade(rubric, &Trace::of(run)));
        leaf(&mut self.text.buf, run, grade.as_ref(), &self.indent);
        if listed {
            self.tally.add(run.status(), grade.as_ref(), probability);
        }
        self.text.spill();
    }

    fn stopped(&mut self) {
        let _ = writeln!(
            self.text.buf,
            "\n… stopped after {} runs (raise --max-runs to list more)",
            self.max_runs
        );
    }
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

fn leaf(out: &mut String, run: &Run<'_>, grade: Option<&Grade>, indent: &str) {
    let scenario = run.scenario();
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
    match grade {
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

/// The figures of the text summary: of the runs listed, or, when the listing stopped and
/// the state graph could count them, of every run.
struct Figures<'a> {
    runs: String,
    ended: String,
    stuck: String,
    cut: String,
    /// What follows the run counts: whether the listing stopped, and how runs were counted.
    scope: String,
    endings: Vec<EndingFigures<'a>>,
    passed: String,
    pass_rate: f64,
    random_pass: f64,
    random_unfinished: f64,
    counted: bool,
}

impl<'a> Figures<'a> {
    fn of(summary: &'a Summary) -> Self {
        let stopped = " (listing stopped at --max-runs)";
        match &summary.counted {
            Some(Counted::Counts(c)) => Figures {
                runs: c.runs.short(),
                ended: c.ended.short(),
                stuck: c.stuck.short(),
                cut: c.cut.short(),
                scope: format!(
                    ", counted over {} states by turn; {} listed{stopped}",
                    c.states, summary.runs
                ),
                endings: c
                    .endings
                    .iter()
                    .map(|e| {
                        let one = e.runs.to_u128() == Some(1);
                        EndingFigures {
                            ending: e.ending,
                            runs: e.runs.short(),
                            one,
                            lowest: e.lowest.as_ref(),
                            highest: e.highest.as_ref(),
                        }
                    })
                    .collect(),
                passed: c.passed.short(),
                pass_rate: ratio(&c.passed, &c.runs),
                random_pass: c.random_pass,
                random_unfinished: c.random_unfinished,
                counted: true,
            },
            counted => Figures {
                runs: summary.runs.to_string(),
                ended: summary.ended.to_string(),
                stuck: summary.stuck.to_string(),
                cut: summary.cut.to_string(),
                scope: match counted {
                    None => if summary.complete { String::new() } else { stopped.to_string() },
                    Some(_) => format!(
                        "{stopped}; too many states by turn to count every run (more than --max-states)"
                    ),
                },
                endings: summary
                    .endings
                    .iter()
                    .map(|s| {
                        let one = s.runs == 1;
                        EndingFigures {
                            ending: s.ending,
                            runs: s.runs.to_string(),
                            one,
                            lowest: s.lowest.as_ref(),
                            highest: s.highest.as_ref(),
                        }
                    })
                    .collect(),
                passed: summary.passed.to_string(),
                pass_rate: summary.pass_rate(),
                random_pass: summary.random_pass,
                random_unfinished: summary.random_unfinished,
                counted: false,
            },
        }
    }
}

/// An ending reached: its index, runs, whether that is one run, lowest and highest grade.
struct EndingFigures<'a> {
    ending: usize,
    runs: String,
    one: bool,
    lowest: Option<&'a Grade>,
    highest: Option<&'a Grade>,
}

/// `part / whole` as a float (0 when `whole` is 0).
fn ratio(part: &Count, whole: &Count) -> f64 {
    if whole.is_zero() {
        0.0
    } else {
        part.to_f64() / whole.to_f64()
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
    let view = Figures::of(summary);
    let _ = writeln!(
        out,
        "runs: {} ({} ended, {} stuck, {} cut){}",
        view.runs, view.ended, view.stuck, view.cut, view.scope
    );
    for e in &view.endings {
        let ending = &scenario.endings[e.ending];
        let _ = writeln!(
            out,
            "ending {} ({}): {} {} {}",
            ending.id,
            ending.outcome.as_str(),
            e.runs,
            if e.one { "run" } else { "runs" },
            score_range(e.lowest, e.highest)
        );
    }
    if summary.graded {
        let _ = writeln!(
            out,
            "pass rate: {} of {} runs ({:.1}%); under uniformly random play: {:.1}%",
            view.passed,
            view.runs,
            view.pass_rate * 100.0,
            view.random_pass * 100.0
        );
        if view.random_unfinished > 0.0 {
            let _ = writeln!(
                out,
                "  ({:.1}% of random play is {})",
                view.random_unfinished * 100.0,
                if view.counted {
                    "cut by a bound"
                } else {
                    "cut by a bound or not listed"
                }
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
    super::json::to_string(&JsonPaths {
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
    indented(&mut text, &super::json::to_string(&summary), "  ");
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
            &super::json::to_string(&JsonRun::of(self.scenario, &record)),
            "    ",
        );
        self.text.spill();
    }
}

#[cfg(test)]
mod tests {
    use super::{dead_content, json, write_json_runs, write_json_summary, write_tree};
    use crate::explore::{enumerate, search, Summary};
    use crate::runtime::Bounds;

    /// Every corpus file: the streamed JSON is byte for byte the document serialized at once,
    /// whole or cut short by `--max-runs`, and the tree's summary is the enumeration's.
    #[test]
    fn streamed_json_equals_the_collected_document_on_the_corpus() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "scenario"))
            .collect();
        files.sort();
        assert!(files.len() >= 50, "the corpus is there");
        let bounds = Bounds::default();
        for file in &files {
            let checked = crate::check::check_file(file, Some(&dir)).unwrap();
            let Some(scenario) = &checked.scenario else {
                continue;
            };
            let reach = search(scenario, &bounds);
            let dead = dead_content(scenario, &reach, &checked.sources);
            for max_runs in [0, 1, 7, 2000] {
                let listed = enumerate(scenario, &bounds, max_runs);
                let summary = Summary::of(scenario, &listed);
                let collected = json(scenario, &listed, &summary, &reach, &dead);
                let mut streamed = Vec::new();
                let tallied = write_json_runs(&mut streamed, scenario, &bounds, max_runs);
                write_json_summary(&mut streamed, scenario, &tallied, &reach, &dead).unwrap();
                assert_eq!(
                    String::from_utf8(streamed).unwrap(),
                    collected,
                    "{} with --max-runs {max_runs}",
                    file.display()
                );
                let mut tree = Vec::new();
                let from_tree = write_tree(&mut tree, scenario, &bounds, max_runs);
                assert_eq!(
                    format!("{from_tree:?}"),
                    format!("{summary:?}"),
                    "{} with --max-runs {max_runs}",
                    file.display()
                );
            }
        }
    }
}

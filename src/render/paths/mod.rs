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

mod json;

#[cfg(test)]
use json::json;
pub use json::{write_json_runs, write_json_summary};

use super::report::{cut_text, event_text};
use crate::explore::counts::{Count, Counted};
use crate::explore::{walk, Dead, Reach, Summary, Tally, Visit};
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

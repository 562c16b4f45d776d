//! Run enumeration: every run, depth-first by choice number, within the exploration bounds.
//!
//! Each run is graded, and carries its probability under uniformly random play (each offered
//! choice equally likely): the product of `1 / offered` over its turns, computed exactly from
//! the tree, not sampled.
//!
//! [`walk`] hands each run to a [`Visit`] as it is found, so that `rapport paths` can write
//! it at once: memory is the current branch, whatever the number of runs. [`enumerate`]
//! collects the runs instead (for `check`'s rule verdicts and the tests).

use crate::rubric::{grade, Grade, Trace};
use crate::runtime::{Bounds, Run, Status};
use crate::scenario::Scenario;

/// One finished, stuck or cut run.
#[derive(Clone, Debug)]
pub struct RunRecord {
    pub choices: Vec<u32>,
    pub status: Status,
    pub grade: Option<Grade>,
    pub emotions: Vec<i64>,
    pub flags: Vec<bool>,
    pub probability: f64,
}

impl RunRecord {
    /// The record of a finished run.
    #[must_use]
    pub fn of(run: &Run<'_>, probability: f64) -> Self {
        let scenario = run.scenario();
        RunRecord {
            choices: run
                .turns()
                .iter()
                .map(|t| u32::try_from(t.number).unwrap_or(u32::MAX))
                .collect(),
            status: run.status().clone(),
            grade: scenario
                .rubric
                .as_ref()
                .map(|rubric| grade(rubric, &Trace::of(run))),
            emotions: run.state().emotions.clone(),
            flags: run.state().flags.clone(),
            probability,
        }
    }
}

/// Every run, unless `max_runs` stopped the enumeration first.
#[derive(Clone, Debug, Default)]
pub struct Enumeration {
    pub runs: Vec<RunRecord>,
    /// False when `max_runs` was reached before every run was listed.
    pub complete: bool,
}

/// What a [`walk`] reports, in depth-first order.
pub trait Visit<'s> {
    /// The run at the start, with what is said before the first choice.
    fn start(&mut self, _run: &Run<'s>) {}
    /// A choice was just taken: `path` holds the picks from the start (this one last), and
    /// the run the events since the previous choice.
    fn step(&mut self, _run: &Run<'s>, _path: &[usize]) {}
    /// A run is over (ended, stuck or cut), with its probability under uniformly random
    /// play. `listed` is false only for a run that ends before its first choice when
    /// `max_runs` is 0.
    fn leaf(&mut self, run: &Run<'s>, probability: f64, listed: bool);
    /// `max_runs` runs are listed and more remain.
    fn stopped(&mut self) {}
    /// Whether to give up now (an editor's newer edit); asked every 1,024 steps.
    fn cancelled(&self) -> bool {
        false
    }
}

/// Walks every run depth-first by choice number, handing each to `visit`, until `max_runs`
/// runs are listed; returns whether every run was. `quiet` runs record no events (for
/// visitors that do not print the conversation).
///
/// The stack holds one frame per turn of the current run (a run awaiting a choice, and the
/// next choice to try from it), so its size is the run's length, however many choices each
/// scene offers.
pub fn walk<'s>(
    scenario: &'s Scenario,
    bounds: &Bounds,
    quiet: bool,
    max_runs: usize,
    visit: &mut impl Visit<'s>,
) -> bool {
    let mut root = Run::with(scenario, Some(*bounds), quiet);
    visit.start(&root);
    root.clear_seen();
    root.clear_events();
    let Some(first) = Frame::of(&root, 1.0) else {
        visit.leaf(&root, 1.0, max_runs > 0);
        return max_runs > 0;
    };
    let mut stack = vec![first(root)];
    let mut path: Vec<usize> = Vec::new();
    let mut listed = 0usize;
    let mut steps = 0usize;
    while let Some(top) = stack.last_mut() {
        if top.next > top.offered {
            stack.pop();
            path.pop();
            continue;
        }
        if listed >= max_runs {
            visit.stopped();
            return false;
        }
        steps += 1;
        if steps % 1024 == 0 && visit.cancelled() {
            return false;
        }
        let number = top.next;
        top.next += 1;
        let share = top.share;
        let mut child = top.run.clone();
        if child.choose(number).is_err() {
            continue;
        }
        path.push(number);
        visit.step(&child, &path);
        child.clear_seen();
        child.clear_events();
        if let Some(frame) = Frame::of(&child, share) {
            stack.push(frame(child));
        } else {
            listed += 1;
            visit.leaf(&child, share, true);
            path.pop();
        }
    }
    true
}

/// A run awaiting a choice, and the next choice to try from it.
struct Frame<'s> {
    run: Run<'s>,
    /// The probability of each child: this run's, divided by the choices offered.
    share: f64,
    next: usize,
    offered: usize,
}

impl<'s> Frame<'s> {
    /// For a run awaiting a choice, what makes it a frame; `None` when the run is over.
    fn of(run: &Run<'s>, probability: f64) -> Option<impl FnOnce(Run<'s>) -> Self> {
        let Status::AwaitingChoice { offered, .. } = run.status() else {
            return None;
        };
        let offered = offered.len();
        #[allow(clippy::cast_precision_loss)]
        let share = probability / offered as f64;
        Some(move |run| Frame {
            run,
            share,
            next: 1,
            offered,
        })
    }
}

/// Collects every run listed.
struct Collect<'c> {
    out: Enumeration,
    cancelled: &'c dyn Fn() -> bool,
}

impl<'s> Visit<'s> for Collect<'_> {
    fn leaf(&mut self, run: &Run<'s>, probability: f64, listed: bool) {
        if listed {
            self.out.runs.push(RunRecord::of(run, probability));
        }
    }

    fn cancelled(&self) -> bool {
        (self.cancelled)()
    }
}

/// Lists runs depth-first by choice number, at most `max_runs` of them.
#[must_use]
pub fn enumerate(scenario: &Scenario, bounds: &Bounds, max_runs: usize) -> Enumeration {
    enumerate_until(scenario, bounds, max_runs, &|| false).unwrap_or_default()
}

/// [`enumerate`], given up (`None`) as soon as `cancelled` says so (an editor's newer edit).
#[must_use]
pub fn enumerate_until(
    scenario: &Scenario,
    bounds: &Bounds,
    max_runs: usize,
    cancelled: &dyn Fn() -> bool,
) -> Option<Enumeration> {
    let mut collect = Collect {
        out: Enumeration::default(),
        cancelled,
    };
    collect.out.complete = walk(scenario, bounds, true, max_runs, &mut collect);
    if !collect.out.complete && cancelled() {
        return None;
    }
    Some(collect.out)
}

/// Runs and scores reaching one ending: `runs` is a `usize` for the runs listed, a
/// [`Count`](super::counts::Count) for every run counted.
#[derive(Clone, Debug, PartialEq)]
pub struct EndingStats<N = usize> {
    pub ending: usize,
    pub runs: N,
    /// Lowest and highest grade (by percent) among them.
    pub lowest: Option<Grade>,
    pub highest: Option<Grade>,
}

impl<N: Default> EndingStats<N> {
    /// One entry per ending of the scenario, with no runs yet.
    #[must_use]
    pub fn each(scenario: &Scenario) -> Vec<Self> {
        (0..scenario.endings.len())
            .map(|ending| EndingStats {
                ending,
                runs: N::default(),
                lowest: None,
                highest: None,
            })
            .collect()
    }

    /// Widens the score range to include `g` (the first of equal scores is kept).
    pub fn score(&mut self, g: &Grade) {
        if self.lowest.as_ref().is_none_or(|l| g.tenths < l.tenths) {
            self.lowest = Some(g.clone());
        }
        if self.highest.as_ref().is_none_or(|h| g.tenths > h.tenths) {
            self.highest = Some(g.clone());
        }
    }
}

/// What authors calibrate a scenario with.
#[derive(Clone, Debug, Default)]
pub struct Summary {
    pub runs: usize,
    pub ended: usize,
    pub stuck: usize,
    pub cut: usize,
    pub complete: bool,
    /// Endings reached, in declaration order.
    pub endings: Vec<EndingStats>,
    /// Runs that ended and passed.
    pub passed: usize,
    /// Probability that uniformly random play ends in a pass.
    pub random_pass: f64,
    /// Probability that uniformly random play is cut by a bound (or not listed).
    pub random_unfinished: f64,
    pub graded: bool,
    /// When the listing stopped: every run counted over the state graph (see
    /// [`count`](super::counts::count)).
    pub counted: Option<super::counts::Counted>,
}

/// Builds a [`Summary`] from runs as they are listed.
#[derive(Clone, Debug)]
pub struct Tally {
    summary: Summary,
    per_ending: Vec<EndingStats>,
    /// The probability of the runs listed so far.
    listed: f64,
}

impl Tally {
    #[must_use]
    pub fn new(scenario: &Scenario) -> Self {
        Tally {
            summary: Summary {
                graded: scenario.rubric.is_some(),
                ..Summary::default()
            },
            per_ending: EndingStats::each(scenario),
            listed: 0.0,
        }
    }

    /// Counts one listed run.
    pub fn add(&mut self, status: &Status, grade: Option<&Grade>, probability: f64) {
        let summary = &mut self.summary;
        summary.runs += 1;
        self.listed += probability;
        match status {
            Status::Ended(e) => {
                summary.ended += 1;
                let stats = &mut self.per_ending[e.index()];
                stats.runs += 1;
                if let Some(g) = grade {
                    stats.score(g);
                    if g.passed {
                        summary.passed += 1;
                        summary.random_pass += probability;
                    }
                }
            }
            Status::Stuck(_) => summary.stuck += 1,
            Status::Cut(_) => {
                summary.cut += 1;
                summary.random_unfinished += probability;
            }
            Status::AwaitingChoice { .. } => {}
        }
    }

    /// The summary, once the listing is over (`complete`: every run was listed).
    #[must_use]
    pub fn finish(self, complete: bool) -> Summary {
        let mut summary = self.summary;
        summary.complete = complete;
        summary.random_unfinished += (1.0 - self.listed).max(0.0);
        summary.endings = self.per_ending.into_iter().filter(|s| s.runs > 0).collect();
        summary
    }
}

impl Summary {
    /// Counts every run over the state graph when the listing stopped short of them.
    pub fn count_unlisted(&mut self, scenario: &Scenario, bounds: &Bounds) {
        if !self.complete {
            self.counted = Some(
                super::counts::count(scenario, bounds)
                    .map_or(super::counts::Counted::TooMany, |c| {
                        super::counts::Counted::Counts(Box::new(c))
                    }),
            );
        }
    }

    #[must_use]
    pub fn of(scenario: &Scenario, enumeration: &Enumeration) -> Self {
        let mut tally = Tally::new(scenario);
        for run in &enumeration.runs {
            tally.add(&run.status, run.grade.as_ref(), run.probability);
        }
        tally.finish(enumeration.complete)
    }

    /// Share of listed runs that ended and passed.
    #[must_use]
    pub fn pass_rate(&self) -> f64 {
        if self.runs == 0 {
            0.0
        } else {
            #[allow(clippy::cast_precision_loss)]
            let rate = self.passed as f64 / self.runs as f64;
            rate
        }
    }
}

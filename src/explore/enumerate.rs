//! Run enumeration: every run, depth-first by choice number, within the exploration bounds.
//!
//! Each run is graded, and carries its probability under uniformly random play (each offered
//! choice equally likely): the product of `1 / offered` over its turns, computed exactly from
//! the tree, not sampled.

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

/// Every run, unless `max_runs` stopped the enumeration first.
#[derive(Clone, Debug, Default)]
pub struct Enumeration {
    pub runs: Vec<RunRecord>,
    /// False when `max_runs` was reached before every run was listed.
    pub complete: bool,
}

/// Lists runs depth-first by choice number, at most `max_runs` of them.
///
/// The stack holds one frame per turn of the current run (a run awaiting a choice, and the
/// next choice to try from it), so its size is the run's length, however many choices each
/// scene offers.
#[must_use]
pub fn enumerate(scenario: &Scenario, bounds: &Bounds, max_runs: usize) -> Enumeration {
    enumerate_until(scenario, bounds, max_runs, &|| false).unwrap_or(Enumeration {
        runs: Vec::new(),
        complete: false,
    })
}

/// [`enumerate`], given up (`None`) as soon as `cancelled` says so (an editor's newer edit).
#[must_use]
pub fn enumerate_until(
    scenario: &Scenario,
    bounds: &Bounds,
    max_runs: usize,
    cancelled: &dyn Fn() -> bool,
) -> Option<Enumeration> {
    let mut steps = 0usize;
    let mut out = Enumeration {
        runs: Vec::new(),
        complete: true,
    };
    let mut root = Run::with(scenario, Some(*bounds), true);
    root.clear_seen();
    let mut stack: Vec<Frame<'_>> = Vec::new();
    stack.extend(reach(scenario, root, 1.0, max_runs, &mut out));
    while out.complete {
        let Some(top) = stack.last_mut() else { break };
        if top.next > top.offered {
            stack.pop();
            continue;
        }
        steps += 1;
        if steps % 1024 == 0 && cancelled() {
            return None;
        }
        let number = top.next;
        top.next += 1;
        let share = top.share;
        let mut child = top.run.clone();
        if child.choose(number).is_err() {
            continue;
        }
        child.clear_seen();
        let frame = reach(scenario, child, share, max_runs, &mut out);
        stack.extend(frame);
    }
    Some(out)
}

/// A run awaiting a choice, and the next choice to try from it.
struct Frame<'s> {
    run: Run<'s>,
    /// The probability of each child: this run's, divided by the choices offered.
    share: f64,
    next: usize,
    offered: usize,
}

/// A run reached: a frame to expand if it awaits a choice, else a record (or the end of the
/// enumeration, when `max_runs` runs are already listed).
fn reach<'s>(
    scenario: &Scenario,
    run: Run<'s>,
    probability: f64,
    max_runs: usize,
    out: &mut Enumeration,
) -> Option<Frame<'s>> {
    if let Status::AwaitingChoice { offered, .. } = run.status() {
        let offered = offered.len();
        #[allow(clippy::cast_precision_loss)]
        let share = probability / offered as f64;
        return Some(Frame {
            run,
            share,
            next: 1,
            offered,
        });
    }
    if out.runs.len() >= max_runs {
        out.complete = false;
    } else {
        out.runs.push(record(scenario, &run, probability));
    }
    None
}

fn record(scenario: &Scenario, run: &Run<'_>, probability: f64) -> RunRecord {
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

/// Runs and scores reaching one ending.
#[derive(Clone, Debug, PartialEq)]
pub struct EndingStats {
    pub ending: usize,
    pub runs: usize,
    /// Lowest and highest grade (by percent) among them.
    pub lowest: Option<Grade>,
    pub highest: Option<Grade>,
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
}

impl Summary {
    #[must_use]
    pub fn of(scenario: &Scenario, enumeration: &Enumeration) -> Self {
        let mut summary = Summary {
            complete: enumeration.complete,
            graded: scenario.rubric.is_some(),
            ..Summary::default()
        };
        let mut per_ending: Vec<EndingStats> = (0..scenario.endings.len())
            .map(|ending| EndingStats {
                ending,
                runs: 0,
                lowest: None,
                highest: None,
            })
            .collect();
        let mut listed = 0.0;
        for run in &enumeration.runs {
            summary.runs += 1;
            listed += run.probability;
            match &run.status {
                Status::Ended(e) => {
                    summary.ended += 1;
                    let stats = &mut per_ending[e.index()];
                    stats.runs += 1;
                    if let Some(g) = &run.grade {
                        if stats.lowest.as_ref().is_none_or(|l| g.tenths < l.tenths) {
                            stats.lowest = Some(g.clone());
                        }
                        if stats.highest.as_ref().is_none_or(|h| g.tenths > h.tenths) {
                            stats.highest = Some(g.clone());
                        }
                        if g.passed {
                            summary.passed += 1;
                            summary.random_pass += run.probability;
                        }
                    }
                }
                Status::Stuck(_) => summary.stuck += 1,
                Status::Cut(_) => {
                    summary.cut += 1;
                    summary.random_unfinished += run.probability;
                }
                Status::AwaitingChoice { .. } => {}
            }
        }
        summary.random_unfinished += (1.0 - listed).max(0.0);
        summary.endings = per_ending.into_iter().filter(|s| s.runs > 0).collect();
        summary
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

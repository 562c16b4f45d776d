//! Counts without enumeration: how many runs there are, how many reach each ending and
//! pass, and the pass rate under uniformly random play, from the state graph.
//!
//! The enumeration lists runs one by one; a scenario can have far more runs than anyone
//! could list (the 100-scene benchmark story has about 10^18). Runs that reach the same state
//! at the same turn continue alike, so they are counted together: a forward dynamic
//! programme over the states of each turn in turn, carrying for each state the number of
//! runs that reach it (exactly: [`Count`] has no upper limit) and their total probability.
//! Only two turns' states are held at once.
//!
//! When what follows a state does not depend on its turn (no condition reads `turn` or a
//! tag count, no rule uses `within`), the turn matters only to the turn bound: the graph of
//! states is then found once, as in the state search, and runs are pushed along its edges
//! turn by turn as plain arithmetic (`by_graph`); otherwise every state of every turn is
//! replayed (`by_turns`). Both stop at `--max-states` states, and then say so.
//!
//! What makes two runs alike here is more than what the state search needs:
//! - the turn (the turn bound cuts runs at `--max-turns`), which is the layer;
//! - entries of scenes that a run can enter again and whose visits no condition reads (the
//!   enumeration cuts a run entering any scene a 9th time; other scenes are entered at most
//!   once, and tracked ones are counted in the state already);
//! - what the rubric reads of the history: whether each `always` condition has held so far,
//!   and for each tag predicate a small summary of the tags chosen so far: seen or not
//!   (`ever`, `never`, `within`), which came first (`before`), how far a `sequence` has got,
//!   a `count` capped just above the number it is compared with. With these, the grade of
//!   every run is decided exactly, so the counts equal the enumeration's.

pub use super::count::Count;
use super::history::{judge, reenterable, Tracker, Trackers};
use super::search::{decode, key, key_ranges};
use super::states::{bits_for, Layout, Table};
use crate::rubric::Grade;
use crate::runtime::{Bounds, Run, Seen, State, Status};
use crate::scenario::{Cond, Scenario};

/// What a summary says of the runs it did not list.
#[derive(Clone, Debug, PartialEq)]
pub enum Counted {
    /// Every run, counted over the state graph.
    Counts(Box<Counts>),
    /// More than `--max-states` states by turn: the runs were not counted.
    TooMany,
}

/// Runs and scores reaching one ending, counted.
pub type EndingCount = super::enumerate::EndingStats<Count>;

/// Every run, counted over the state graph.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    pub runs: Count,
    pub ended: Count,
    pub stuck: Count,
    pub cut: Count,
    /// Endings reached, in declaration order.
    pub endings: Vec<EndingCount>,
    /// Runs that ended and passed.
    pub passed: Count,
    /// Probability that uniformly random play ends in a pass.
    pub random_pass: f64,
    /// Probability that uniformly random play is cut by a bound.
    pub random_unfinished: f64,
    /// States counted over (a state at each turn it is reached at).
    pub states: usize,
}

/// The states of one turn, with the runs reaching each: how many, and their probability.
struct Layer {
    table: Table,
    runs: Vec<Count>,
    probability: Vec<f64>,
}

impl Layer {
    fn new(width: usize) -> Self {
        Layer {
            table: Table::new(width),
            runs: Vec::new(),
            probability: Vec::new(),
        }
    }

    /// Adds runs reaching a state (false if the table is full).
    fn add(&mut self, key: &[u64], runs: &Count, probability: f64) -> bool {
        let Some((id, new)) = self.table.entry(key) else {
            return false;
        };
        if new {
            self.runs.push(Count::default());
            self.probability.push(0.0);
        }
        self.runs[id].add(runs);
        self.probability[id] += probability;
        true
    }
}

/// How the counts step from a state: the key layout and the runs that replay steps.
struct Stepper<'s> {
    scenario: &'s Scenario,
    bounds: Bounds,
    trackers: Trackers<'s>,
    always: &'s [Cond],
    /// Per scene: its place among the re-enterable scenes whose entries the key holds.
    watched: Vec<Option<usize>>,
    /// Where the key's fields beyond the state search's start: watched entries, `always`
    /// bits, trackers.
    base: usize,
    always_at: usize,
    trackers_at: usize,
    layout: Layout,
    run: Run<'s>,
    next: Run<'s>,
    state_key: Vec<i64>,
}

/// Where a step leads.
enum Step<'a> {
    /// A state awaiting a choice, with its key's fields.
    State(&'a [i64]),
    /// A finished run: how it finished, and its grade if it ended.
    Over(Outcome),
}

/// How a run finished, as the counts need it.
#[derive(Clone, Debug)]
enum Outcome {
    Ended(usize, Option<Grade>),
    Stuck,
    Cut,
}

impl<'s> Stepper<'s> {
    fn new(scenario: &'s Scenario, bounds: &Bounds) -> Self {
        let trackers = Trackers::of(scenario);
        let always: &[Cond] = scenario.rubric.as_ref().map_or(&[], |r| &r.always);
        let reenter = reenterable(scenario);
        let mut watched = vec![None; scenario.scenes.len()];
        let mut count = 0;
        for (i, slot) in watched.iter_mut().enumerate() {
            if reenter[i] && scenario.counters.visit_slot[i].is_none() {
                *slot = Some(count);
                count += 1;
            }
        }
        // Restored runs bound only tracked scenes; the entries of watched ones are kept in
        // the key. The turn bound applies through the turn set on each restored state.
        let run_bounds = Bounds {
            all_scenes: false,
            turn_limited: true,
            ..*bounds
        };
        let mut ranges = key_ranges(scenario, &run_bounds, false);
        let base = ranges.len();
        let visits = bits_for(Some(i64::from(bounds.max_visits) + 1));
        ranges.extend(std::iter::repeat_n((0, visits), count));
        ranges.extend(std::iter::repeat_n((0, 1), always.len()));
        ranges.extend(trackers.ranges());
        let run = Run::resume(
            scenario,
            Some(run_bounds),
            true,
            scenario.start,
            State::initial(scenario),
        );
        Stepper {
            scenario,
            bounds: *bounds,
            always,
            watched,
            base,
            always_at: base + count,
            trackers_at: base + count + always.len(),
            trackers,
            layout: Layout::new(&ranges),
            next: run.clone(),
            run,
            state_key: Vec::new(),
        }
    }

    /// The fields of the start's state, or how the run finished before its first choice.
    fn root(&self) -> Result<Vec<i64>, Outcome> {
        let mut root = Run::with(self.scenario, Some(self.bounds), true);
        let mut fields = Vec::new();
        key(&root, false, &mut fields);
        fields.resize(self.trackers_at + self.trackers.list.len(), 0);
        for item in root.take_seen() {
            if let Seen::Enter(s) = item {
                if let Some(w) = self.watched[s.index()] {
                    fields[self.base + w] += 1;
                }
            }
        }
        for (i, held) in root.always_held().into_iter().enumerate() {
            fields[self.always_at + i] = i64::from(held);
        }
        if matches!(root.status(), Status::AwaitingChoice { .. }) {
            Ok(fields)
        } else {
            Err(self.outcome(&fields, &root))
        }
    }

    /// Replays each choice offered in the state of `fields` at `turn` (choices taken so
    /// far); returns the number offered.
    fn expand(&mut self, fields: &[i64], turn: u32, mut each: impl FnMut(Step<'_>)) -> usize {
        let scenario = self.scenario;
        let scene = decode(&fields[..self.base], false, self.run.state_mut());
        self.run.state_mut().turn = turn;
        self.run.reoffer(scene);
        self.run.clear_seen();
        let offered = self.run.offered().len();
        let mut child = fields.to_vec();
        for i in 0..offered {
            let choice = self.run.offered()[i];
            self.next.clone_from(&self.run);
            if self.next.choose(i + 1).is_err() {
                continue;
            }
            self.next.clear_turns();
            child.copy_from_slice(fields);
            // A re-enterable scene entered once more than allowed: the enumeration's run is
            // cut there, whatever the restored run did next.
            let mut cut = false;
            for item in self.next.seen() {
                if let Seen::Enter(s) = item {
                    if let Some(w) = self.watched[s.index()] {
                        child[self.base + w] += 1;
                        cut |= child[self.base + w] > i64::from(self.bounds.max_visits);
                    }
                }
            }
            self.next.clear_seen();
            if cut {
                each(Step::Over(Outcome::Cut));
                continue;
            }
            let state = self.next.state();
            for (k, cond) in self.always.iter().enumerate() {
                let held = child[self.always_at + k] == 1 && state.holds(cond);
                child[self.always_at + k] = i64::from(held);
            }
            self.trackers.turn(
                &mut child[self.trackers_at..],
                &scenario.choice(choice).tags,
                i64::from(turn) + 1,
            );
            if matches!(self.next.status(), Status::AwaitingChoice { .. }) {
                key(&self.next, false, &mut self.state_key);
                child[..self.base].copy_from_slice(&self.state_key);
                each(Step::State(&child));
            } else {
                each(Step::Over(self.outcome(&child, &self.next)));
            }
        }
        offered
    }

    /// How a finished run finished, graded from its key's history fields.
    fn outcome(&self, fields: &[i64], run: &Run<'_>) -> Outcome {
        match run.status() {
            Status::Ended(e) => Outcome::Ended(
                e.index(),
                judge(
                    self.scenario,
                    &fields[self.always_at..self.trackers_at],
                    &fields[self.trackers_at..],
                    run,
                ),
            ),
            Status::Stuck(_) => Outcome::Stuck,
            Status::Cut(_) | Status::AwaitingChoice { .. } => Outcome::Cut,
        }
    }
}

/// Counts every run that the enumeration would list, with its bounds; `None` when there
/// are too many states to count (more than `bounds.max_states` states, or, when the turn
/// matters to what follows, state-turn pairs).
#[must_use]
pub fn count(scenario: &Scenario, bounds: &Bounds) -> Option<Counts> {
    count_with(scenario, bounds, true)
}

/// [`count`], over the graph of states only if `graph` allows it.
fn count_with(scenario: &Scenario, bounds: &Bounds, graph: bool) -> Option<Counts> {
    let mut stepper = Stepper::new(scenario, bounds);
    let mut tally = Tally::new(scenario);
    let fields = match stepper.root() {
        Ok(fields) => fields,
        Err(outcome) => {
            tally.add(&outcome, &Count::one(), 1.0);
            return Some(tally.finish(0));
        }
    };
    let turn_free = graph
        && !scenario.counters.reads_turn
        && scenario.counters.tag_slots == 0
        && !stepper
            .trackers
            .list
            .iter()
            .any(|t| matches!(t, Tracker::Within(..)));
    if turn_free {
        by_graph(&mut stepper, &fields, tally)
    } else {
        by_turns(&mut stepper, &fields, tally)
    }
}

/// The counts when what follows a state depends on its turn (conditions read `turn`, or
/// a rule a `within`): every state of each turn is replayed, two turns held at once.
fn by_turns(stepper: &mut Stepper<'_>, root: &[i64], mut tally: Tally) -> Option<Counts> {
    let width = stepper.layout.width();
    let mut packed = vec![0u64; width];
    let mut layer = Layer::new(width);
    if !stepper.layout.pack(root, &mut packed) {
        return None;
    }
    layer.add(&packed, &Count::one(), 1.0);
    let mut states = 0usize;
    let mut turn = 0u32;
    let mut fields = Vec::new();
    let layout = stepper.layout.clone();
    while layer.table.len() > 0 {
        let mut below = Layer::new(width);
        for id in 0..layer.table.len() {
            states += 1;
            if states > stepper.bounds.max_states {
                return None;
            }
            stepper.layout.unpack(layer.table.key(id), &mut fields);
            let runs = &layer.runs[id];
            let probability = layer.probability[id];
            let mut children = Vec::new();
            let offered = stepper.expand(&fields, turn, |step| {
                children.push(match step {
                    Step::State(child) => {
                        let mut words = vec![0u64; width];
                        if layout.pack(child, &mut words) {
                            Ok(words)
                        } else {
                            Err(None)
                        }
                    }
                    Step::Over(outcome) => Err(Some(outcome)),
                });
            });
            #[allow(clippy::cast_precision_loss)]
            let share = probability / offered as f64;
            for child in children {
                match child {
                    Ok(words) => {
                        if !below.add(&words, runs, share) {
                            return None;
                        }
                    }
                    Err(Some(outcome)) => tally.add(&outcome, runs, share),
                    Err(None) => return None,
                }
            }
        }
        layer = below;
        turn += 1;
    }
    Some(tally.finish(states))
}

/// The counts when what follows a state does not depend on its turn: the graph of states
/// (without the turn) is found once, its edges kept as numbers, and runs are then pushed
/// along it turn by turn, as plain arithmetic; the turn bound cuts runs reaching a choice
/// at `--max-turns`.
fn by_graph(stepper: &mut Stepper<'_>, root: &[i64], mut tally: Tally) -> Option<Counts> {
    let width = stepper.layout.width();
    let mut table = Table::new(width);
    let mut packed = vec![0u64; width];
    if !stepper.layout.pack(root, &mut packed) {
        return None;
    }
    table.insert(&packed);
    // Per state: choices offered and where its edges start. An edge is a state's number,
    // or, with the top bit set, an outcome's.
    let mut offered: Vec<u32> = Vec::new();
    let mut starts: Vec<u32> = Vec::new();
    let mut edges: Vec<u32> = Vec::new();
    let mut outcomes: Vec<Outcome> = Vec::new();
    let mut fields = Vec::new();
    let layout = stepper.layout.clone();
    let limit = stepper.bounds.max_states.min(OUTCOME as usize - 1);
    // Breadth-first, so states come in order of the fewest choices that reach them; states
    // that take `--max-turns` choices to reach are never offered a choice (the turn bound
    // cuts runs there), so they are numbered but not expanded.
    let max_turns = stepper.bounds.max_turns;
    let (mut depth, mut depth_end) = (0u32, table.len());
    let mut id = 0;
    while id < table.len() {
        if id == depth_end {
            depth += 1;
            depth_end = table.len();
        }
        if depth >= max_turns {
            break;
        }
        if id >= limit {
            return None;
        }
        stepper.layout.unpack(table.key(id), &mut fields);
        starts.push(u32::try_from(edges.len()).ok()?);
        let mut failed = false;
        let n = stepper.expand(&fields, 0, |step| match step {
            Step::State(child) => {
                if !layout.pack(child, &mut packed) {
                    failed = true;
                    return;
                }
                let (to, _) = table.entry(&packed).unwrap_or((usize::MAX, false));
                edges.push(u32::try_from(to).unwrap_or(u32::MAX));
            }
            Step::Over(outcome) => {
                let at = outcomes
                    .iter()
                    .position(|o| same(o, &outcome))
                    .unwrap_or_else(|| {
                        outcomes.push(outcome);
                        outcomes.len() - 1
                    });
                edges.push(OUTCOME | u32::try_from(at).unwrap_or(OUTCOME - 1));
            }
        });
        if failed || edges.last() == Some(&u32::MAX) {
            return None;
        }
        offered.push(u32::try_from(n).ok()?);
        id += 1;
    }
    let end = u32::try_from(edges.len()).ok()?;
    starts.resize(table.len() + 1, end);
    offered.resize(table.len(), 1);
    drop(table);

    // Runs by turn: (state, runs, probability) for the states reached after `turn` choices.
    let work_limit = stepper.bounds.max_states.saturating_mul(64);
    let mut work = 0usize;
    let mut layer: Vec<(u32, Count, f64)> = vec![(0, Count::one(), 1.0)];
    let mut slot: Vec<u32> = vec![u32::MAX; offered.len()];
    let mut states = 0usize;
    let mut turn = 0u32;
    while !layer.is_empty() {
        states += layer.len();
        let mut below: Vec<(u32, Count, f64)> = Vec::new();
        for (state, runs, probability) in &layer {
            let at = *state as usize;
            #[allow(clippy::cast_precision_loss)]
            let share = probability / f64::from(offered[at]);
            for &edge in &edges[starts[at] as usize..starts[at + 1] as usize] {
                work += 1;
                if work > work_limit {
                    return None;
                }
                if edge & OUTCOME != 0 {
                    tally.add(&outcomes[(edge & !OUTCOME) as usize], runs, share);
                } else if turn + 1 >= max_turns {
                    // Choices would be offered after the turn bound.
                    tally.add(&Outcome::Cut, runs, share);
                } else {
                    let to = edge as usize;
                    if slot[to] == u32::MAX {
                        slot[to] = u32::try_from(below.len()).ok()?;
                        below.push((edge, Count::default(), 0.0));
                    }
                    let entry = &mut below[slot[to] as usize];
                    entry.1.add(runs);
                    entry.2 += share;
                }
            }
        }
        for (state, _, _) in &below {
            slot[*state as usize] = u32::MAX;
        }
        layer = below;
        turn += 1;
    }
    Some(tally.finish(states))
}

/// The top bit of an edge of the counts' graph: the edge leads to an outcome.
const OUTCOME: u32 = 1 << 31;

/// Whether two outcomes count alike (grades of equal ending, score and verdict).
fn same(one: &Outcome, other: &Outcome) -> bool {
    let score = |grade: &Option<Grade>| grade.as_ref().map(|g| (g.tenths, g.passed));
    match (one, other) {
        (Outcome::Ended(ending, grade), Outcome::Ended(ending2, grade2)) => {
            ending == ending2 && score(grade) == score(grade2)
        }
        (Outcome::Stuck, Outcome::Stuck) | (Outcome::Cut, Outcome::Cut) => true,
        _ => false,
    }
}

/// Counts built up outcome by outcome.
struct Tally {
    counts: Counts,
    per_ending: Vec<EndingCount>,
}

impl Tally {
    fn new(scenario: &Scenario) -> Self {
        Tally {
            counts: Counts::default(),
            per_ending: EndingCount::each(scenario),
        }
    }

    /// Adds `runs` runs that finished alike, of total probability `probability`.
    fn add(&mut self, outcome: &Outcome, runs: &Count, probability: f64) {
        let counts = &mut self.counts;
        counts.runs.add(runs);
        match outcome {
            Outcome::Ended(e, grade) => {
                counts.ended.add(runs);
                let stats = &mut self.per_ending[*e];
                stats.runs.add(runs);
                if let Some(g) = grade {
                    if g.passed {
                        counts.passed.add(runs);
                        counts.random_pass += probability;
                    }
                    stats.score(g);
                }
            }
            Outcome::Stuck => counts.stuck.add(runs),
            Outcome::Cut => {
                counts.cut.add(runs);
                counts.random_unfinished += probability;
            }
        }
    }

    fn finish(self, states: usize) -> Counts {
        let mut counts = self.counts;
        counts.states = states;
        counts.endings = self
            .per_ending
            .into_iter()
            .filter(|e| !e.runs.is_zero())
            .collect();
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::{count, count_with, Count};
    use crate::explore::{enumerate, Summary};
    use crate::runtime::Bounds;

    /// Every corpus file and training scenario whose runs can all be listed: the counts from
    /// the state graph are the enumeration's, ending by ending, score range and pass count.
    #[test]
    fn graph_counts_equal_the_enumeration_wherever_it_is_complete() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["tests/corpus", "scenarios", "tests/fixtures/examples"] {
            for entry in std::fs::read_dir(root.join(dir)).unwrap() {
                let path = entry.unwrap().path();
                if path.extension().is_some_and(|e| e == "scenario") {
                    files.push(path);
                }
            }
        }
        files.sort();
        let mut compared = 0;
        for file in &files {
            let dir = file.parent().unwrap();
            let checked = crate::check::check_file(file, Some(dir)).unwrap();
            let Some(scenario) = &checked.scenario else {
                continue;
            };
            for bounds in [
                Bounds::default(),
                Bounds {
                    max_visits: 2,
                    max_turns: 6,
                    ..Bounds::default()
                },
            ] {
                let listed = enumerate(scenario, &bounds, 300_000);
                if !listed.complete {
                    continue;
                }
                compared += 1;
                let summary = Summary::of(scenario, &listed);
                let counts = count(scenario, &bounds).expect("small graphs are counted");
                let by_turns = count_with(scenario, &bounds, false).expect("counted by turns");
                let seen = |c: &super::Counts| {
                    let endings: Vec<_> = c
                        .endings
                        .iter()
                        .map(|e| {
                            (
                                e.ending,
                                e.runs.exact(),
                                e.lowest.as_ref().map(|g| g.tenths),
                            )
                        })
                        .collect();
                    (c.runs.exact(), c.passed.exact(), endings)
                };
                assert_eq!(
                    seen(&by_turns),
                    seen(&counts),
                    "{} {bounds:?}: by turns as over the graph",
                    file.display()
                );
                let name = format!("{} {bounds:?}", file.display());
                let n = |c: &Count| usize::try_from(c.to_u128().unwrap()).unwrap();
                assert_eq!(n(&counts.runs), summary.runs, "{name}");
                assert_eq!(n(&counts.ended), summary.ended, "{name}");
                assert_eq!(n(&counts.stuck), summary.stuck, "{name}");
                assert_eq!(n(&counts.cut), summary.cut, "{name}");
                assert_eq!(n(&counts.passed), summary.passed, "{name}");
                assert_eq!(counts.endings.len(), summary.endings.len(), "{name}");
                for (c, s) in counts.endings.iter().zip(&summary.endings) {
                    assert_eq!(c.ending, s.ending, "{name}");
                    assert_eq!(n(&c.runs), s.runs, "{name}");
                    // Runs of equal score may differ in rules; the score is what is shown.
                    let tenths = |g: &Option<crate::rubric::Grade>| g.as_ref().map(|g| g.tenths);
                    assert_eq!(tenths(&c.lowest), tenths(&s.lowest), "{name}");
                    assert_eq!(tenths(&c.highest), tenths(&s.highest), "{name}");
                }
                assert!(
                    (counts.random_pass - summary.random_pass).abs() < 1e-9,
                    "{name}"
                );
                assert!(
                    (counts.random_unfinished - summary.random_unfinished).abs() < 1e-9,
                    "{name}"
                );
            }
        }
        assert!(compared >= 50, "{compared} comparisons");
    }
}

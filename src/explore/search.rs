//! Reachability: a memoized breadth-first search over the states where choices are offered.
//!
//! A state is the scene plus everything the scenario's conditions can observe: emotions,
//! flags, `once` choices taken, triggers fired, and only those counters (visits of a scene,
//! a tag's count, `turn`) that some condition reads. Two runs that reach the same state
//! behave the same from then on, so each state is expanded once, however many runs lead to
//! it: the search is complete for scenarios with astronomically many runs. Breadth-first
//! order makes the first path to anything the shortest (the witness).

use super::states::{bits_for, Layout, Table, MAX_LEN};
use crate::runtime::{Bounds, Run, Seen, State, Status, StuckReason};
use crate::scenario::{Scenario, SceneId, Stmt};

/// The picks that lead somewhere (1-based, as displayed).
pub type Witness = Vec<usize>;

/// What the search found.
#[derive(Debug, Default)]
pub struct Reach {
    /// Distinct states where choices are offered.
    pub states: usize,
    /// Transitions simulated (one per offered choice of each state).
    pub steps: usize,
    pub scene_entered: Vec<Option<Mark>>,
    pub ending_reached: Vec<Option<Mark>>,
    pub choice_offered: Vec<Option<Mark>>,
    /// Per statement id: a line or narration shown.
    pub shown: Vec<Option<Mark>>,
    /// Per statement id of a line: which texts were shown (0: its own text, k: variant k).
    pub texts_shown: Vec<Vec<bool>>,
    /// Per statement id of an effect: reached (witness), and whether it ever did not clamp.
    pub effect_reached: Vec<Option<Mark>>,
    pub effect_unclamped: Vec<bool>,
    /// Stuck states: the first for each scene, with why.
    pub stuck: Vec<(Mark, StuckReason)>,
    /// Whether some path was cut by a bound on a counter that conditions read.
    pub cut: bool,
    /// Whether every reachable state was expanded (false when `max_states` stopped it).
    pub complete: bool,
    /// Lowest and highest value of each emotion at every offer and end.
    pub emotion_range: Vec<(i64, i64)>,
    /// For each state: the state it was first reached from, and the pick.
    parents: Vec<(u32, u32)>,
}

impl Reach {
    /// The shortest picks that lead to a mark (built on demand: keeping a path for every
    /// sighting would cost memory proportional to states × depth).
    #[must_use]
    pub fn witness(&self, mark: Mark) -> Witness {
        let mut picks = Vec::new();
        if mark.state != u32::MAX {
            witness_into(&self.parents, mark.state, &mut picks);
        }
        if mark.pick != 0 {
            picks.push(mark.pick as usize);
        }
        picks
    }
}

/// The part of a run that decides its future: the scene, emotions, flags, `once` choices
/// taken, triggers fired, the tracked counters, and `turn` when something reads it or tag
/// counts (which grow with turns) are tracked.
pub(super) fn key(run: &Run<'_>, with_turn: bool, out: &mut Vec<i64>) {
    let state = run.state();
    out.clear();
    out.push(i64::from(run.scene().0));
    out.extend_from_slice(&state.emotions);
    let mut word = 0i64;
    let mut bit = 0;
    let bits = state
        .flags
        .iter()
        .chain(&state.once_taken)
        .chain(&state.fired);
    for &b in bits {
        if b {
            word |= 1 << bit;
        }
        bit += 1;
        if bit == 63 {
            out.push(word);
            word = 0;
            bit = 0;
        }
    }
    out.push(word);
    out.extend(state.visits.iter().map(|&v| i64::from(v)));
    out.extend(state.tag_counts.iter().map(|&v| i64::from(v)));
    if with_turn {
        out.push(i64::from(state.turn));
    }
}

/// The range of each field of [`key`], as `(lowest value, bits)` for a [`Layout`]: the
/// scene count, each emotion's range, the flag words, and the bounds on counters and turns.
pub(super) fn key_ranges(scenario: &Scenario, bounds: &Bounds, with_turn: bool) -> Vec<(i64, u32)> {
    let count = |n: usize| i64::try_from(n).ok();
    let mut fields = vec![(0, bits_for(count(scenario.scenes.len())))];
    for e in &scenario.emotions {
        let values = e.hi.checked_sub(e.lo).and_then(|d| d.checked_add(1));
        fields.push((e.lo, bits_for(values)));
    }
    let flags = scenario.flags.len() + scenario.counters.once_slots + scenario.triggers.len();
    let mut left = flags;
    loop {
        let here = left.min(63);
        fields.push((0, u32::try_from(here).unwrap_or(64)));
        left -= here;
        if left == 0 {
            break;
        }
    }
    let visits = bits_for(Some(i64::from(bounds.max_visits) + 1));
    for _ in 0..scenario.counters.visit_slots {
        fields.push((0, visits));
    }
    let most_tags = scenario
        .choices
        .iter()
        .map(|c| c.tags.len())
        .max()
        .unwrap_or(0);
    let tag_max = count(most_tags)
        .and_then(|t| i64::from(bounds.max_turns).checked_mul(t))
        .and_then(|t| t.checked_add(1));
    for _ in 0..scenario.counters.tag_slots {
        fields.push((0, bits_for(tag_max)));
    }
    if with_turn {
        fields.push((0, bits_for(Some(i64::from(bounds.max_turns) + 1))));
    }
    fields
}

/// Writes the state a key encodes into `state` (the inverse of [`key`]); returns the scene.
pub(super) fn decode(key: &[i64], with_turn: bool, state: &mut State) -> SceneId {
    let scene = SceneId(u32::try_from(key[0]).unwrap_or(0));
    let e = state.emotions.len();
    state.emotions.copy_from_slice(&key[1..=e]);
    let mut at = 1 + e;
    let mut bit = 0;
    let mut next_bit = |at: &mut usize| {
        let value = key[*at] & (1 << bit) != 0;
        bit += 1;
        if bit == 63 {
            bit = 0;
            *at += 1;
        }
        value
    };
    for b in state
        .flags
        .iter_mut()
        .chain(state.once_taken.iter_mut())
        .chain(state.fired.iter_mut())
    {
        *b = next_bit(&mut at);
    }
    at += 1;
    for v in state.visits.iter_mut().chain(state.tag_counts.iter_mut()) {
        *v = u32::try_from(key[at]).unwrap_or(u32::MAX);
        at += 1;
    }
    state.turn = if with_turn {
        u32::try_from(key[at]).unwrap_or(u32::MAX)
    } else {
        0
    };
    scene
}

/// The search's work budget per state of `max_states` (see `search`): the benchmark stories,
/// with three choices a scene, use about 11.
const WORK_PER_STATE: usize = 64;

/// Explores every reachable state.
#[must_use]
pub fn search(scenario: &Scenario, bounds: &Bounds) -> Reach {
    search_until(scenario, bounds, &|| false).unwrap_or_default()
}

/// How many states the search expands between two calls of its `cancelled` test.
const CANCEL_EVERY: usize = 1024;

/// [`search`], given up (`None`) as soon as `cancelled` says so (an editor's newer edit).
#[must_use]
pub fn search_until(
    scenario: &Scenario,
    bounds: &Bounds,
    cancelled: &dyn Fn() -> bool,
) -> Option<Reach> {
    let with_turn = scenario.counters.reads_turn || scenario.counters.tag_slots > 0;
    // Bounds apply only to what is part of a state, or memoization would be unsound.
    let bounds = Bounds {
        all_scenes: false,
        turn_limited: with_turn,
        ..*bounds
    };
    let ranges = key_ranges(scenario, &bounds, with_turn);
    let layout = Layout::new(&ranges);
    // Values stay within their declared ranges (emotions are clamped, counters bounded),
    // so the raw layout is only a safety net.
    match explore(scenario, &bounds, with_turn, &layout, cancelled) {
        Ok(reach) => Some(reach),
        Err(Stop::Cancelled) => None,
        Err(Stop::NoFit) => {
            match explore(
                scenario,
                &bounds,
                with_turn,
                &Layout::raw(ranges.len()),
                cancelled,
            ) {
                Ok(reach) => Some(reach),
                Err(Stop::Cancelled) => None,
                Err(Stop::NoFit) => Some(Reach::default()),
            }
        }
    }
}

/// Why a search gave up.
enum Stop {
    /// Some key does not fit the layout.
    NoFit,
    /// `cancelled` said so.
    Cancelled,
}

/// The search with one key layout; [`Stop::NoFit`] if some key does not fit it.
fn explore(
    scenario: &Scenario,
    bounds: &Bounds,
    with_turn: bool,
    layout: &Layout,
    cancelled: &dyn Fn() -> bool,
) -> Result<Reach, Stop> {
    let bounds = *bounds;
    let mut reach = Reach {
        texts_shown: vec![Vec::new(); scenario.stmt_count],
        effect_unclamped: vec![false; scenario.stmt_count],
        emotion_range: scenario
            .emotions
            .iter()
            .map(|e| (e.initial, e.initial))
            .collect(),
        complete: true,
        ..Reach::default()
    };
    for scene in &scenario.scenes {
        for stmt in &scene.body {
            register(&mut reach, stmt);
        }
    }
    for choice in &scenario.choices {
        for stmt in &choice.body {
            register(&mut reach, stmt);
        }
    }
    for trigger in &scenario.triggers {
        for stmt in &trigger.body {
            register(&mut reach, stmt);
        }
    }

    // Parent links: state number → (parent state, pick). The root has no parent.
    let mut parents: Vec<(u32, u32)> = Vec::new();
    // Every state found, as packed keys numbered in the order found. That is breadth-first
    // order, so the states still to expand are simply those numbered from `expanded` on:
    // the table is the frontier too.
    let mut table = Table::new(layout.width());
    let mut packed = vec![0u64; layout.width()];
    let mut scratch = Vec::new();

    let mut marks = Marks::new(scenario);
    let mut root = Run::with(scenario, Some(bounds), true);
    let items = root.take_seen();
    let at_start = Mark {
        state: u32::MAX,
        pick: 0,
    };
    record(&mut marks, &mut reach, &items, at_start);
    if settle(&mut marks, &mut reach, &root, at_start) {
        key(&root, with_turn, &mut scratch);
        if !layout.pack(&scratch, &mut packed) {
            return Err(Stop::NoFit);
        }
        table.insert(&packed);
        parents.push((u32::MAX, 0));
    }

    // Two scratch runs, refilled in place: no allocation per step once they have grown.
    let mut run = Run::resume(
        scenario,
        Some(bounds),
        true,
        scenario.start,
        State::initial(scenario),
    );
    let mut next = run.clone();
    // Work: each choice taken costs one, plus the choices it is offered among (a step copies
    // and re-evaluates them). Bounding it keeps scenes with thousands of choices from taking
    // hours while far fewer than `max_states` states are found.
    let work_limit = bounds.max_states.saturating_mul(WORK_PER_STATE);
    let mut work = 0usize;
    let mut stored = Vec::new();
    let mut expanded = 0usize;
    'search: while expanded < table.len() {
        if reach.states >= bounds.max_states || work >= work_limit || table.len() >= MAX_LEN {
            reach.complete = false;
            break;
        }
        let id = expanded;
        expanded += 1;
        let index = u32::try_from(id).unwrap_or(u32::MAX);
        layout.unpack(table.key(id), &mut stored);
        reach.states += 1;
        if reach.states % CANCEL_EVERY == 0 && cancelled() {
            return Err(Stop::Cancelled);
        }
        let scene = decode(&stored, with_turn, run.state_mut());
        run.reoffer(scene);
        run.clear_seen();
        let here = Mark {
            state: index,
            pick: 0,
        };
        let offered = run.offered().len();
        for (i, &choice) in run.offered().iter().enumerate() {
            let number = i + 1;
            work += 1 + offered;
            if work > work_limit {
                reach.complete = false;
                break 'search;
            }
            marks.choice_offered[choice.index()].get_or_insert(here);
            next.clone_from(&run);
            if next.choose(number).is_err() {
                continue;
            }
            reach.steps += 1;
            next.clear_turns();
            let mark = Mark {
                state: index,
                pick: u32::try_from(number).unwrap_or(u32::MAX),
            };
            record(&mut marks, &mut reach, next.seen(), mark);
            next.clear_seen();
            if settle(&mut marks, &mut reach, &next, mark) {
                key(&next, with_turn, &mut scratch);
                if !layout.pack(&scratch, &mut packed) {
                    return Err(Stop::NoFit);
                }
                if table.insert(&packed).is_some() {
                    parents.push((index, mark.pick));
                }
            }
        }
    }
    reach.scene_entered = marks.scene_entered;
    reach.ending_reached = marks.ending_reached;
    reach.choice_offered = marks.choice_offered;
    reach.shown = marks.shown;
    reach.effect_reached = marks.effect_reached;
    reach.stuck = marks.stuck;
    parents.shrink_to_fit();
    reach.parents = parents;
    Ok(reach)
}

/// Where something was first seen: after taking `pick` (0: none) from state `state`
/// (`u32::MAX`: the start). Turned into a list of picks once the search is over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mark {
    state: u32,
    pick: u32,
}

/// First sightings, kept as marks during the search.
struct Marks {
    scene_entered: Vec<Option<Mark>>,
    ending_reached: Vec<Option<Mark>>,
    choice_offered: Vec<Option<Mark>>,
    shown: Vec<Option<Mark>>,
    effect_reached: Vec<Option<Mark>>,
    stuck: Vec<(Mark, StuckReason)>,
}

impl Marks {
    fn new(scenario: &Scenario) -> Self {
        Marks {
            scene_entered: vec![None; scenario.scenes.len()],
            ending_reached: vec![None; scenario.endings.len()],
            choice_offered: vec![None; scenario.choices.len()],
            shown: vec![None; scenario.stmt_count],
            effect_reached: vec![None; scenario.stmt_count],
            stuck: Vec::new(),
        }
    }
}

fn register(reach: &mut Reach, stmt: &Stmt) {
    if let Stmt::Line(line) = stmt {
        reach.texts_shown[line.id.index()] = vec![false; line.variants.len() + 1];
    }
}

/// The picks that lead to state `index`.
fn witness_into(parents: &[(u32, u32)], mut index: u32, out: &mut Vec<usize>) {
    while let Some(&(parent, pick)) = parents.get(index as usize) {
        if parent == u32::MAX {
            break;
        }
        out.push(pick as usize);
        index = parent;
    }
    out.reverse();
}

/// Records coverage items with the mark of the step that produced them.
fn record(marks: &mut Marks, reach: &mut Reach, items: &[Seen], mark: Mark) {
    for item in items {
        match *item {
            Seen::Enter(scene) => {
                marks.scene_entered[scene.index()].get_or_insert(mark);
            }
            Seen::Line(id, variant) => {
                marks.shown[id.index()].get_or_insert(mark);
                if let Some(texts) = reach.texts_shown.get_mut(id.index()) {
                    let k = variant.map_or(0, |v| usize::from(v) + 1);
                    if let Some(t) = texts.get_mut(k) {
                        *t = true;
                    }
                }
            }
            Seen::Effect(id, clamped) => {
                marks.effect_reached[id.index()].get_or_insert(mark);
                if !clamped {
                    reach.effect_unclamped[id.index()] = true;
                }
            }
        }
    }
}

/// Records where a run stands; returns whether it awaits a choice (a state to expand).
fn settle(marks: &mut Marks, reach: &mut Reach, run: &Run<'_>, mark: Mark) -> bool {
    for (range, value) in reach.emotion_range.iter_mut().zip(&run.state().emotions) {
        range.0 = range.0.min(*value);
        range.1 = range.1.max(*value);
    }
    match run.status() {
        Status::AwaitingChoice { .. } => true,
        Status::Ended(e) => {
            marks.ending_reached[e.index()].get_or_insert(mark);
            false
        }
        Status::Stuck(reason) => {
            let scene = match reason {
                StuckReason::NoChoice(s) | StuckReason::Loop(s) => *s,
            };
            let known = marks.stuck.iter().any(|(_, r)| match r {
                StuckReason::NoChoice(s) | StuckReason::Loop(s) => *s == scene,
            });
            if !known {
                marks.stuck.push((mark, *reason));
            }
            false
        }
        Status::Cut(_) => {
            reach.cut = true;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{key, key_ranges, search};
    use crate::explore::states::Layout;
    use crate::runtime::tests::scenario;
    use crate::runtime::{Bounds, Run};

    #[test]
    fn keys_pack_into_a_word_and_distinct_states_stay_distinct() {
        let s = scenario(
            "flag g\nscene a\n  C: \"{e}\" if visits(a) < 3 and count(t) >= 0\n  choice once \"up\"\n    tags t\n    e +1\n    stay\n  choice \"down\"\n    e -1\n    goto a\n  choice \"end\"\n    set f\n    end x\nending x \"x\"\n",
        );
        let bounds = Bounds::default();
        let layout = Layout::new(&key_ranges(&s, &bounds, true));
        assert_eq!(layout.width(), 1, "small keys pack into one word");
        let mut run = Run::with(&s, Some(bounds), true);
        let (mut k1, mut k2) = (Vec::new(), Vec::new());
        key(&run, true, &mut k1);
        run.choose(1).unwrap();
        key(&run, true, &mut k2);
        let (mut p1, mut p2) = ([0], [0]);
        assert!(layout.pack(&k1, &mut p1) && layout.pack(&k2, &mut p2));
        assert_ne!(p1, p2);
        let mut back = Vec::new();
        layout.unpack(&p2, &mut back);
        assert_eq!(back, k2, "unpacking gives the key back");
        let reach = search(&s, &bounds);
        assert!(reach.states >= 3);
        assert!(reach.ending_reached[0].is_some());
    }
}

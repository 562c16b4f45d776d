//! What the counts keep of a run's history beyond its state: a summary of the tags chosen
//! for each tag predicate of the rubric (so every run's grade is decided exactly), and which
//! scenes a run can enter again (whose entries the enumeration's visit bound counts).

use super::states::bits_for;
use crate::rubric::{grade_by, Grade};
use crate::runtime::{Run, State};
use crate::scenario::{Exit, Pred, Scenario, TagId, Transition};

/// A tag predicate's summary of the history, updated tag by tag.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) enum Tracker {
    /// `ever T`, `never T`: 1 once T occurred.
    Seen(TagId),
    /// `A before B`: 1 when A came first, 2 when B did.
    Before(TagId, TagId),
    /// `T within N turns`: 1 once T occurred in one of the first N turns.
    Within(TagId, i64),
    /// `sequence …`: how many of the tags have occurred in order.
    Sequence(usize),
    /// `count T …`: occurrences, capped at `cap`.
    Count(TagId, i64),
}

/// What the counts need of the rubric: its trackers, in the order the rules name them.
pub(super) struct Trackers<'s> {
    pub(super) list: Vec<Tracker>,
    sequences: Vec<&'s [TagId]>,
}

impl<'s> Trackers<'s> {
    pub(super) fn of(scenario: &'s Scenario) -> Self {
        let mut trackers = Trackers {
            list: Vec::new(),
            sequences: Vec::new(),
        };
        if let Some(rubric) = &scenario.rubric {
            for rule in &rubric.rules {
                trackers.collect(&rule.expect);
            }
        }
        trackers
    }

    fn collect(&mut self, pred: &'s Pred) {
        let tracker = match pred {
            Pred::Or(items) | Pred::And(items) => {
                for p in items {
                    self.collect(p);
                }
                return;
            }
            Pred::Not(inner) => return self.collect(inner),
            Pred::Ever(t) | Pred::Never(t) => Tracker::Seen(*t),
            Pred::Before(a, b) => Tracker::Before(*a, *b),
            Pred::Within(t, n) => Tracker::Within(*t, *n),
            Pred::Sequence(seq) => {
                self.sequences.push(seq);
                Tracker::Sequence(self.sequences.len() - 1)
            }
            Pred::Count(t, _, n) => Tracker::Count(*t, n.saturating_add(1).max(0)),
            Pred::Always(_) | Pred::AtEnd(_) | Pred::Ending(_) => return,
        };
        self.list.push(tracker);
    }

    /// Each tracker's field: lowest value 0, and its bits.
    pub(super) fn ranges(&self) -> Vec<(i64, u32)> {
        self.list
            .iter()
            .map(|t| {
                let values = match t {
                    Tracker::Seen(_) | Tracker::Within(..) => Some(2),
                    Tracker::Before(..) => Some(3),
                    Tracker::Sequence(i) => i64::try_from(self.sequences[*i].len() + 1).ok(),
                    Tracker::Count(_, cap) => cap.checked_add(1),
                };
                (0, bits_for(values))
            })
            .collect()
    }

    /// Updates the values for one turn's tags (`turn` is 1-based).
    pub(super) fn turn(&self, values: &mut [i64], tags: &[TagId], turn: i64) {
        for &tag in tags {
            for (value, tracker) in values.iter_mut().zip(&self.list) {
                match *tracker {
                    Tracker::Seen(t) => {
                        if t == tag {
                            *value = 1;
                        }
                    }
                    Tracker::Before(a, b) => {
                        if *value == 0 && a == tag {
                            *value = 1;
                        } else if *value == 0 && b == tag {
                            *value = 2;
                        }
                    }
                    Tracker::Within(t, n) => {
                        if t == tag && turn <= n {
                            *value = 1;
                        }
                    }
                    Tracker::Sequence(i) => {
                        let seq = self.sequences[i];
                        let at = usize::try_from(*value).unwrap_or(usize::MAX);
                        if seq.get(at) == Some(&tag) {
                            *value += 1;
                        }
                    }
                    Tracker::Count(t, cap) => {
                        if t == tag && *value < cap {
                            *value += 1;
                        }
                    }
                }
            }
        }
    }
}

/// Judges predicates from the trackers' values, walking them in the order `collect` did.
struct Judge<'a> {
    values: &'a [i64],
    always: &'a [bool],
    state: &'a State,
    ending: Option<crate::scenario::EndingId>,
    next: usize,
}

impl Judge<'_> {
    fn holds(&mut self, pred: &Pred) -> bool {
        match pred {
            // Every item is walked (no short cut), so trackers keep their order.
            Pred::Or(items) => items.iter().fold(false, |any, p| self.holds(p) | any),
            Pred::And(items) => items.iter().fold(true, |all, p| self.holds(p) & all),
            Pred::Not(inner) => !self.holds(inner),
            Pred::Always(i) => self.always.get(*i).copied().unwrap_or(true),
            Pred::AtEnd(cond) => self.state.holds(cond),
            Pred::Ending(endings) => self.ending.is_some_and(|e| endings.contains(&e)),
            Pred::Ever(_) => self.take() == 1,
            Pred::Never(_) => self.take() == 0,
            Pred::Before(..) | Pred::Within(..) => self.take() == 1,
            Pred::Sequence(seq) => usize::try_from(self.take()).ok() == Some(seq.len()),
            Pred::Count(_, op, n) => {
                let value = self.take();
                op.eval(value, *n)
            }
        }
    }

    fn take(&mut self) -> i64 {
        let value = self.values.get(self.next).copied().unwrap_or(0);
        self.next += 1;
        value
    }
}

/// Scenes a run can enter more than once: those on a cycle of the scene graph (choices,
/// `goto`s, `otherwise`, and triggers, which can fire in any scene).
pub(super) fn reenterable(scenario: &Scenario) -> Vec<bool> {
    let n = scenario.scenes.len();
    // Node n stands for "a trigger fires": every scene leads to it, it leads to each
    // trigger's target.
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let target = |t: &Transition| match t {
        Transition::Goto(s) => Some(s.index()),
        _ => None,
    };
    for (i, scene) in scenario.scenes.iter().enumerate() {
        match &scene.exit {
            Exit::Goto(s) => edges[i].push(s.index()),
            Exit::End(_) => {}
            Exit::Choices { choices, otherwise } => {
                for c in choices {
                    edges[i].extend(target(&scenario.choice(*c).transition));
                }
                edges[i].extend(otherwise.as_ref().and_then(target));
            }
        }
        if !scenario.triggers.is_empty() {
            edges[i].push(n);
        }
    }
    for trigger in &scenario.triggers {
        edges[n].extend(target(&trigger.transition));
    }
    let component = components(&edges);
    let mut size = vec![0usize; n + 1];
    for &c in &component {
        size[c] += 1;
    }
    (0..n)
        .map(|i| size[component[i]] > 1 || edges[i].contains(&i))
        .collect()
}

/// Strongly connected components (Kosaraju, without recursion): a component number per node.
fn components(edges: &[Vec<usize>]) -> Vec<usize> {
    let n = edges.len();
    let mut order = Vec::with_capacity(n);
    let mut seen = vec![false; n];
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut stack = vec![(start, 0usize)];
        while let Some((node, next)) = stack.last_mut() {
            if let Some(&to) = edges[*node].get(*next) {
                *next += 1;
                if !seen[to] {
                    seen[to] = true;
                    stack.push((to, 0));
                }
            } else {
                order.push(*node);
                stack.pop();
            }
        }
    }
    let mut reverse: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (from, tos) in edges.iter().enumerate() {
        for &to in tos {
            reverse[to].push(from);
        }
    }
    let mut component = vec![usize::MAX; n];
    for (c, &start) in order.iter().rev().enumerate() {
        if component[start] != usize::MAX {
            continue;
        }
        component[start] = c;
        let mut stack = vec![start];
        while let Some(node) = stack.pop() {
            for &from in &reverse[node] {
                if component[from] == usize::MAX {
                    component[from] = c;
                    stack.push(from);
                }
            }
        }
    }
    component
}

/// The grade of a finished run, from the history fields of its key: `always` bits and the
/// trackers' values.
pub(super) fn judge(
    scenario: &Scenario,
    always: &[i64],
    values: &[i64],
    run: &Run<'_>,
) -> Option<Grade> {
    let rubric = scenario.rubric.as_ref()?;
    let always: Vec<bool> = always.iter().map(|&v| v == 1).collect();
    let mut judge = Judge {
        values,
        always: &always,
        state: run.state(),
        ending: run.ending(),
        next: 0,
    };
    Some(grade_by(rubric, |rule| judge.holds(&rule.expect)))
}

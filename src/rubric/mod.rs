//! Rubric: grades a run's trace (language.md §6).
//!
//! Consumes the turns (their tags in written order), whether each `always` condition held at
//! every check point, the final state and the ending; produces a [`Grade`]. Percent is kept
//! in tenths as an integer, so pass/fail is decided exactly and rounding happens once. Points
//! are summed in `i128`: a rule's `worth` is at most `i64::MAX`, so no total of any rubric a
//! file can hold overflows, and a score is never saturated into a false 100%.

use crate::runtime::{Run, State};
use crate::scenario::{ChoiceId, EndingId, Pred, Rubric, Scenario, TagId};

/// The outcome of one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleResult {
    pub passed: bool,
    pub earned: i64,
}

/// A criterion's subtotal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subtotal {
    /// `None` for rules in no criterion.
    pub criterion: Option<usize>,
    pub earned: i128,
    pub total: i128,
}

/// The grade of a run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Grade {
    /// Exact sums of the rules' points (see the module note on `i128`).
    pub earned: i128,
    pub total: i128,
    /// Percent × 10, rounded half up.
    pub tenths: i64,
    pub passed: bool,
    pub rules: Vec<RuleResult>,
    pub subtotals: Vec<Subtotal>,
}

impl Grade {
    /// The percentage, rounded half up to one decimal.
    #[must_use]
    pub fn percent(&self) -> f64 {
        // Tenths of a percent are small integers; the conversion is exact.
        #[allow(clippy::cast_precision_loss)]
        let tenths = self.tenths as f64;
        tenths / 10.0
    }

    /// Points and percentage as reports show them: `7/9 (77.8%)`.
    #[must_use]
    pub fn score(&self) -> String {
        format!("{}/{} ({:.1}%)", self.earned, self.total, self.percent())
    }
}

/// What a rubric reads of a finished (or interrupted) run.
pub struct Trace<'a> {
    /// The tags of each turn, in written order.
    pub turns: Vec<&'a [TagId]>,
    /// For each `always` condition: did it hold at every check point?
    pub always: Vec<bool>,
    pub state: &'a State,
    pub ending: Option<EndingId>,
}

impl<'a> Trace<'a> {
    /// The trace of a run, as if it ended now.
    #[must_use]
    pub fn of(run: &'a Run<'_>) -> Self {
        let scenario = run.scenario();
        Trace {
            turns: run
                .turns()
                .iter()
                .map(|t| scenario.choice(t.choice).tags.as_slice())
                .collect(),
            always: run.always_held(),
            state: run.state(),
            ending: run.ending(),
        }
    }

    /// Builds a trace from choice ids (for the explorer).
    #[must_use]
    pub fn from_choices(
        scenario: &'a Scenario,
        choices: &[ChoiceId],
        always: Vec<bool>,
        state: &'a State,
        ending: Option<EndingId>,
    ) -> Self {
        Trace {
            turns: choices
                .iter()
                .map(|c| scenario.choice(*c).tags.as_slice())
                .collect(),
            always,
            state,
            ending,
        }
    }

    fn tags(&self) -> impl Iterator<Item = TagId> + '_ {
        self.turns.iter().flat_map(|t| t.iter().copied())
    }

    fn position(&self, tag: TagId) -> Option<usize> {
        self.tags().position(|t| t == tag)
    }

    /// Whether a predicate holds.
    #[must_use]
    pub fn holds(&self, pred: &Pred) -> bool {
        match pred {
            Pred::Or(items) => items.iter().any(|p| self.holds(p)),
            Pred::And(items) => items.iter().all(|p| self.holds(p)),
            Pred::Not(inner) => !self.holds(inner),
            Pred::Ever(t) => self.position(*t).is_some(),
            Pred::Never(t) => self.position(*t).is_none(),
            Pred::Before(a, b) => match self.position(*a) {
                Some(first_a) => self.tags().take(first_a).all(|t| t != *b),
                None => false,
            },
            Pred::Within(t, n) => {
                let n = usize::try_from(*n).unwrap_or(0);
                self.turns.iter().take(n).any(|turn| turn.contains(t))
            }
            Pred::Sequence(seq) => {
                let mut want = seq.iter().peekable();
                for tag in self.tags() {
                    if want.peek() == Some(&&tag) {
                        want.next();
                    }
                }
                want.peek().is_none()
            }
            Pred::Count(t, op, n) => {
                let count = self.tags().filter(|x| x == t).count();
                op.eval(i64::try_from(count).unwrap_or(i64::MAX), *n)
            }
            Pred::Always(i) => self.always.get(*i).copied().unwrap_or(true),
            Pred::AtEnd(cond) => self.state.holds(cond),
            Pred::Ending(endings) => self.ending.is_some_and(|e| endings.contains(&e)),
        }
    }
}

/// Grades a trace.
#[must_use]
pub fn grade(rubric: &Rubric, trace: &Trace<'_>) -> Grade {
    grade_by(rubric, |rule| trace.holds(&rule.expect))
}

/// Grades a run whose rules' results `passes` decides (the explorer's counts judge rules
/// from a summary of the history instead of a whole trace).
#[must_use]
pub fn grade_by(rubric: &Rubric, mut passes: impl FnMut(&crate::scenario::Rule) -> bool) -> Grade {
    let mut earned = 0i128;
    let mut total = 0i128;
    let mut critical_failed = false;
    let mut rules = Vec::with_capacity(rubric.rules.len());
    let mut subtotals: Vec<Subtotal> = rubric
        .criteria
        .iter()
        .enumerate()
        .map(|(i, _)| Subtotal {
            criterion: Some(i),
            earned: 0,
            total: 0,
        })
        .collect();
    let mut loose = Subtotal {
        criterion: None,
        earned: 0,
        total: 0,
    };
    for rule in &rubric.rules {
        let passed = passes(rule);
        let got = if passed { rule.worth } else { 0 };
        earned += i128::from(got);
        total += i128::from(rule.worth);
        critical_failed |= rule.critical && !passed;
        let sub = match rule.criterion {
            Some(c) => subtotals.get_mut(c.index()).unwrap_or(&mut loose),
            None => &mut loose,
        };
        sub.earned += i128::from(got);
        sub.total += i128::from(rule.worth);
        rules.push(RuleResult {
            passed,
            earned: got,
        });
    }
    if loose.total > 0 || rubric.rules.iter().any(|r| r.criterion.is_none()) {
        subtotals.push(loose);
    }
    let tenths = if total == 0 {
        1000
    } else {
        let scaled = earned * 1000;
        i64::try_from((2 * scaled + total).div_euclid(2 * total)).unwrap_or(0)
    };
    let passed = !critical_failed && earned * 100 >= i128::from(rubric.pass_mark) * total;
    Grade {
        earned,
        total,
        tenths,
        passed,
        rules,
        subtotals,
    }
}

#[cfg(test)]
mod tests;

//! The state of a run, and evaluation of conditions and text against it.

use crate::scenario::{Cond, Effect, Expr, Operand, Scenario, Segment, Text};

/// Everything conditions can read, and what `once` and triggers remember.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct State {
    pub emotions: Vec<i64>,
    pub flags: Vec<bool>,
    /// Times each tracked scene was entered (see [`Counters`](crate::scenario::Counters)).
    pub visits: Vec<u32>,
    /// Times each tracked tag was chosen (a tag repeated on one line counts twice).
    pub tag_counts: Vec<u32>,
    /// `once` choices already taken, by their `once` slot.
    pub once_taken: Vec<bool>,
    /// Triggers that have fired.
    pub fired: Vec<bool>,
    /// Choices made so far.
    pub turn: u32,
}

/// What an effect did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub from: i64,
    pub to: i64,
    pub clamped: bool,
}

impl Clone for State {
    fn clone(&self) -> Self {
        State {
            emotions: self.emotions.clone(),
            flags: self.flags.clone(),
            visits: self.visits.clone(),
            tag_counts: self.tag_counts.clone(),
            once_taken: self.once_taken.clone(),
            fired: self.fired.clone(),
            turn: self.turn,
        }
    }

    /// Reuses this state's allocations (the explorer copies states millions of times).
    fn clone_from(&mut self, source: &Self) {
        self.emotions.clone_from(&source.emotions);
        self.flags.clone_from(&source.flags);
        self.visits.clone_from(&source.visits);
        self.tag_counts.clone_from(&source.tag_counts);
        self.once_taken.clone_from(&source.once_taken);
        self.fired.clone_from(&source.fired);
        self.turn = source.turn;
    }
}

impl State {
    /// The initial state (§5.1).
    #[must_use]
    pub fn initial(scenario: &Scenario) -> Self {
        State {
            emotions: scenario.emotions.iter().map(|e| e.initial).collect(),
            flags: scenario.flags.iter().map(|f| f.initial).collect(),
            visits: vec![0; scenario.counters.visit_slots],
            tag_counts: vec![0; scenario.counters.tag_slots],
            once_taken: vec![false; scenario.counters.once_slots],
            fired: vec![false; scenario.triggers.len()],
            turn: 0,
        }
    }

    /// Evaluates a condition. Iterative over `and`/`or` lists; nesting is bounded by the
    /// parser's nesting limit.
    #[must_use]
    pub fn holds(&self, cond: &Cond) -> bool {
        match cond {
            Cond::Or(items) => items.iter().any(|c| self.holds(c)),
            Cond::And(items) => items.iter().all(|c| self.holds(c)),
            Cond::Not(inner) => !self.holds(inner),
            Cond::Cmp(a, op, b) => op.eval(self.value(a), self.value(b)),
            Cond::Flag(f) => self.flags[f.index()],
            Cond::Visited(s) => self.visits[s.0 as usize] >= 1,
            Cond::Tagged(t) => self.tag_counts[t.0 as usize] >= 1,
        }
    }

    /// Evaluates arithmetic exactly (in i128: a line holds far fewer than 2^64 operands), so
    /// `e + 1 > e` holds even at the top of the 64-bit range.
    #[must_use]
    pub fn value(&self, expr: &Expr) -> i128 {
        let mut total = i128::from(self.operand(&expr.first));
        for (negate, operand) in &expr.rest {
            let v = i128::from(self.operand(operand));
            total = if *negate {
                total.saturating_sub(v)
            } else {
                total.saturating_add(v)
            };
        }
        total
    }

    fn operand(&self, operand: &Operand) -> i64 {
        match operand {
            Operand::Int(n) => *n,
            Operand::Emotion(e) => self.emotions[e.index()],
            Operand::Turn(()) => i64::from(self.turn),
            Operand::Visits(s) => i64::from(self.visits[s.0 as usize]),
            Operand::Count(t) => i64::from(self.tag_counts[t.0 as usize]),
        }
    }

    /// How often a scene was entered, if its visits are tracked (some condition reads them).
    #[must_use]
    pub fn visits_of(&self, scenario: &Scenario, scene: crate::scenario::SceneId) -> Option<u32> {
        let slot = scenario
            .counters
            .visit_slot
            .get(scene.index())
            .copied()
            .flatten()?;
        self.visits.get(slot.0 as usize).copied()
    }

    /// Applies an effect, clamping emotions to their range.
    pub fn apply(&mut self, scenario: &Scenario, effect: Effect) -> Change {
        match effect {
            Effect::Add(e, n) | Effect::Assign(e, n) => {
                let emotion = &scenario.emotions[e.index()];
                let from = self.emotions[e.index()];
                // Exact in i128: a change past the end of i64 is a clamp like any other,
                // not a saturation that would look unclamped.
                let raw = if matches!(effect, Effect::Add(..)) {
                    i128::from(from) + i128::from(n)
                } else {
                    i128::from(n)
                };
                let clamped = raw.clamp(i128::from(emotion.lo), i128::from(emotion.hi));
                let to = i64::try_from(clamped).unwrap_or(emotion.hi);
                self.emotions[e.index()] = to;
                Change {
                    from,
                    to,
                    clamped: raw != clamped,
                }
            }
            Effect::Set(f) | Effect::Clear(f) => {
                let from = self.flags[f.index()];
                let to = matches!(effect, Effect::Set(_));
                self.flags[f.index()] = to;
                Change {
                    from: i64::from(from),
                    to: i64::from(to),
                    clamped: false,
                }
            }
        }
    }

    /// Shown text with its interpolations filled in from this state.
    #[must_use]
    pub fn render(&self, scenario: &Scenario, text: &Text) -> String {
        let mut out = String::new();
        for segment in &text.segments {
            match segment {
                Segment::Literal(s) => out.push_str(s),
                Segment::Character(c) => out.push_str(&scenario.display_name(*c)),
                Segment::Emotion(e) => out.push_str(&self.emotions[e.index()].to_string()),
            }
        }
        out
    }
}

//! The state of a run, and evaluation of conditions and text against it.

use crate::scenario::{Cond, Effect, Expr, Operand, Scenario, Segment, Text};

/// Everything conditions can read, and what `once` and triggers remember.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct State {
    pub emotions: Vec<i64>,
    pub flags: Vec<bool>,
    /// Times each scene was entered.
    pub visits: Vec<u32>,
    /// Times each tag was chosen (a tag repeated on one line counts twice).
    pub tag_counts: Vec<u32>,
    /// `once` choices already taken.
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

impl State {
    /// The initial state (§5.1).
    #[must_use]
    pub fn initial(scenario: &Scenario) -> Self {
        State {
            emotions: scenario.emotions.iter().map(|e| e.initial).collect(),
            flags: scenario.flags.iter().map(|f| f.initial).collect(),
            visits: vec![0; scenario.scenes.len()],
            tag_counts: vec![0; scenario.tags.len()],
            once_taken: vec![false; scenario.choices.len()],
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
            Cond::Visited(s) => self.visits[s.index()] >= 1,
            Cond::Tagged(t) => self.tag_counts[t.index()] >= 1,
        }
    }

    /// Evaluates arithmetic, saturating instead of overflowing.
    #[must_use]
    pub fn value(&self, expr: &Expr) -> i64 {
        let mut total = self.operand(&expr.first);
        for (negate, operand) in &expr.rest {
            let v = self.operand(operand);
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
            Operand::Turn => i64::from(self.turn),
            Operand::Visits(s) => i64::from(self.visits[s.index()]),
            Operand::Count(t) => i64::from(self.tag_counts[t.index()]),
        }
    }

    /// Applies an effect, clamping emotions to their range.
    pub fn apply(&mut self, scenario: &Scenario, effect: Effect) -> Change {
        match effect {
            Effect::Add(e, n) | Effect::Assign(e, n) => {
                let emotion = &scenario.emotions[e.index()];
                let from = self.emotions[e.index()];
                let raw = if matches!(effect, Effect::Add(..)) {
                    from.saturating_add(n)
                } else {
                    n
                };
                let to = raw.clamp(emotion.lo, emotion.hi);
                self.emotions[e.index()] = to;
                Change {
                    from,
                    to,
                    clamped: raw != to,
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

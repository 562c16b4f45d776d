//! Resolved conditions, predicates, texts and effects, printed back in scenario syntax.

use crate::scenario::{Cond, Effect, Expr, Operand, Pred, Scenario, Segment, Text, Transition};

/// Prints resolved items of one scenario.
pub struct Printer<'s> {
    scenario: &'s Scenario,
}

impl<'s> Printer<'s> {
    #[must_use]
    pub fn new(scenario: &'s Scenario) -> Self {
        Printer { scenario }
    }

    fn scene_of_slot(&self, slot: u32) -> &str {
        let s = self.scenario;
        s.counters
            .visit_slot
            .iter()
            .position(|v| v.is_some_and(|v| v.0 == slot))
            .map_or("?", |i| s.scenes[i].id.as_str())
    }

    fn tag_of_slot(&self, slot: u32) -> &str {
        let s = self.scenario;
        s.counters
            .tag_slot
            .iter()
            .position(|v| v.is_some_and(|v| v.0 == slot))
            .map_or("?", |i| s.tags[i].as_str())
    }

    /// A text as written, with `{name}` for interpolations (braces escaped).
    #[must_use]
    pub fn text(&self, text: &Text) -> String {
        let s = self.scenario;
        let mut out = String::new();
        for segment in &text.segments {
            match segment {
                Segment::Literal(l) => out.push_str(&l.replace('{', "\\{").replace('}', "\\}")),
                Segment::Character(c) => {
                    out.push('{');
                    out.push_str(&s.characters[c.index()].id);
                    out.push('}');
                }
                Segment::Emotion(e) => {
                    out.push('{');
                    out.push_str(&s.emotions[e.index()].id);
                    out.push('}');
                }
            }
        }
        out
    }

    fn operand(&self, operand: &Operand) -> String {
        match operand {
            Operand::Int(n) => n.to_string(),
            Operand::Emotion(e) => self.scenario.emotions[e.index()].id.clone(),
            Operand::Turn(()) => "turn".to_string(),
            Operand::Visits(slot) => format!("visits({})", self.scene_of_slot(slot.0)),
            Operand::Count(slot) => format!("count({})", self.tag_of_slot(slot.0)),
        }
    }

    fn expr(&self, expr: &Expr) -> String {
        let mut out = self.operand(&expr.first);
        for (negate, operand) in &expr.rest {
            out.push_str(if *negate { " - " } else { " + " });
            out.push_str(&self.operand(operand));
        }
        out
    }

    /// A condition, parenthesised where precedence needs it.
    #[must_use]
    pub fn cond(&self, cond: &Cond) -> String {
        self.cond_at(cond, 0)
    }

    /// `level`: 0 inside `or`, 1 inside `and`, 2 under `not`.
    fn cond_at(&self, cond: &Cond, level: u8) -> String {
        let s = self.scenario;
        let (text, own) = match cond {
            Cond::Or(items) => (joined(items, " or ", |c| self.cond_at(c, 1)), 0),
            Cond::And(items) => (joined(items, " and ", |c| self.cond_at(c, 2)), 1),
            Cond::Not(inner) => (format!("not {}", self.cond_at(inner, 2)), 2),
            Cond::Cmp(a, op, b) => (
                format!("{} {} {}", self.expr(a), op.as_str(), self.expr(b)),
                3,
            ),
            Cond::Flag(f) => (s.flags[f.index()].id.clone(), 3),
            Cond::Visited(slot) => (format!("visited {}", self.scene_of_slot(slot.0)), 3),
            Cond::Tagged(slot) => (format!("tagged {}", self.tag_of_slot(slot.0)), 3),
        };
        parenthesized(text, own, level)
    }

    /// A rubric predicate.
    #[must_use]
    pub fn pred(&self, pred: &Pred) -> String {
        self.pred_at(pred, 0)
    }

    fn pred_at(&self, pred: &Pred, level: u8) -> String {
        let s = self.scenario;
        let tag = |t: &crate::scenario::TagId| s.tags.get(t.index()).map_or("?", String::as_str);
        let (text, own) = match pred {
            Pred::Or(items) => (joined(items, " or ", |p| self.pred_at(p, 1)), 0),
            Pred::And(items) => (joined(items, " and ", |p| self.pred_at(p, 2)), 1),
            Pred::Not(inner) => (format!("not {}", self.pred_at(inner, 2)), 2),
            Pred::Ever(t) => (format!("ever {}", tag(t)), 3),
            Pred::Never(t) => (format!("never {}", tag(t)), 3),
            Pred::Before(a, b) => (format!("{} before {}", tag(a), tag(b)), 3),
            Pred::Within(t, n) => (format!("{} within {n} turns", tag(t)), 3),
            Pred::Sequence(ts) => (
                format!(
                    "sequence {}",
                    ts.iter().map(tag).collect::<Vec<_>>().join(", ")
                ),
                3,
            ),
            Pred::Count(t, op, n) => (format!("count {} {} {n}", tag(t), op.as_str()), 3),
            Pred::Always(i) => (
                format!(
                    "always ({})",
                    s.rubric
                        .as_ref()
                        .and_then(|r| r.always.get(*i))
                        .map_or_else(String::new, |c| self.cond(c))
                ),
                3,
            ),
            Pred::AtEnd(c) => (format!("at end ({})", self.cond(c)), 3),
            Pred::Ending(es) => (
                format!(
                    "ending {}",
                    es.iter()
                        .map(|e| s.endings[e.index()].id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                3,
            ),
        };
        parenthesized(text, own, level)
    }

    /// An effect as written (`trust +2`, `set promised`).
    #[must_use]
    pub fn effect(&self, effect: &Effect) -> String {
        let s = self.scenario;
        match effect {
            Effect::Add(e, n) if *n < 0 => format!("{} {n}", s.emotions[e.index()].id),
            Effect::Add(e, n) => format!("{} +{n}", s.emotions[e.index()].id),
            Effect::Assign(e, n) => format!("{} = {n}", s.emotions[e.index()].id),
            Effect::Set(f) => format!("set {}", s.flags[f.index()].id),
            Effect::Clear(f) => format!("clear {}", s.flags[f.index()].id),
        }
    }

    /// A transition as written.
    #[must_use]
    pub fn transition(&self, t: &Transition) -> String {
        let s = self.scenario;
        match t {
            Transition::Goto(scene) => format!("goto {}", s.scene(*scene).id),
            Transition::End(e) => format!("end {}", s.ending(*e).id),
            Transition::Stay => "stay".to_string(),
        }
    }
}

/// Each item printed, joined by `separator`.
fn joined<T>(items: &[T], separator: &str, print: impl Fn(&T) -> String) -> String {
    items.iter().map(print).collect::<Vec<_>>().join(separator)
}

/// `text`, whose operator binds at `own`, in parentheses where the context binds tighter.
fn parenthesized(text: String, own: u8, level: u8) -> String {
    if own < level {
        format!("({text})")
    } else {
        text
    }
}

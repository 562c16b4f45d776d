//! Moving a statement's spans: a line is parsed once relative to its own start, then placed
//! in its file (and, in an editor, reused from the line cache wherever the line moved to).

use super::statement::{Statement, StatementKind};
use crate::ast::{Cond, Expr, Int, Name, Operand, Pred, Str, TextPart, Transition};
use crate::diagnostic::Diagnostic;
use crate::source::{FileId, Span};

/// Where a line goes: its file and the byte offset of its start.
#[derive(Clone, Copy)]
pub(super) struct Place {
    pub file: FileId,
    pub offset: u32,
}

impl Place {
    fn span(self, span: &mut Span) {
        span.file = self.file;
        span.start = span.start.saturating_add(self.offset);
        span.end = span.end.saturating_add(self.offset);
    }

    fn name(self, name: &mut Name) {
        self.span(&mut name.span);
    }

    fn int(self, int: &mut Int) {
        self.span(&mut int.span);
    }

    fn str(self, text: &mut Str) {
        self.span(&mut text.span);
        for part in &mut text.parts {
            if let TextPart::Interpolation(name) = part {
                self.name(name);
            }
        }
    }

    fn transition(self, transition: &mut Transition) {
        match transition {
            Transition::Goto(name) | Transition::End(name) => self.name(name),
            Transition::Stay => {}
        }
    }

    fn operand(self, operand: &mut Operand) {
        match operand {
            Operand::Int(int) => self.int(int),
            Operand::Turn(span) => self.span(span),
            Operand::Visits(name) | Operand::Count(name) | Operand::Emotion(name) => {
                self.name(name);
            }
        }
    }

    fn expr(self, expr: &mut Expr) {
        self.operand(&mut expr.first);
        for (_, operand) in &mut expr.rest {
            self.operand(operand);
        }
    }

    fn cond(self, cond: &mut Cond) {
        match cond {
            Cond::Or(all) | Cond::And(all) => {
                for c in all {
                    self.cond(c);
                }
            }
            Cond::Not(c) => self.cond(c),
            Cond::Cmp(a, _, b) => {
                self.expr(a);
                self.expr(b);
            }
            Cond::Flag(name) | Cond::Visited(name) | Cond::Tagged(name) => self.name(name),
        }
    }

    fn pred(self, pred: &mut Pred) {
        match pred {
            Pred::Or(all) | Pred::And(all) => {
                for p in all {
                    self.pred(p);
                }
            }
            Pred::Not(p) => self.pred(p),
            Pred::Ever(name) | Pred::Never(name) => self.name(name),
            Pred::Before(a, b) => {
                self.name(a);
                self.name(b);
            }
            Pred::Within(name, int) | Pred::Count(name, _, int) => {
                self.name(name);
                self.int(int);
            }
            Pred::Sequence(names) | Pred::Ending(names) => {
                for name in names {
                    self.name(name);
                }
            }
            Pred::Always(cond) | Pred::AtEnd(cond) => self.cond(cond),
        }
    }

    fn opt_cond(self, cond: &mut Option<Cond>) {
        if let Some(cond) = cond {
            self.cond(cond);
        }
    }

    pub fn statement(self, statement: &mut Statement) {
        self.span(&mut statement.span);
        self.span(&mut statement.keyword);
        match &mut statement.kind {
            StatementKind::Scenario { id, title } => {
                self.name(id);
                self.str(title);
            }
            StatementKind::Brief(text)
            | StatementKind::Objective(text)
            | StatementKind::Include(text)
            | StatementKind::PassText(text)
            | StatementKind::Rule(text)
            | StatementKind::FailText(text)
            | StatementKind::Coach(text) => self.str(text),
            StatementKind::Meta { key, value } => {
                self.name(key);
                self.str(value);
            }
            StatementKind::Character { id, display, .. } => {
                self.name(id);
                if let Some(display) = display {
                    self.str(display);
                }
            }
            StatementKind::Emotion { id, initial, range } => {
                self.name(id);
                self.int(initial);
                if let Some((lo, hi)) = range {
                    self.int(lo);
                    self.int(hi);
                }
            }
            StatementKind::Flag { id, .. }
            | StatementKind::Start(id)
            | StatementKind::Scene(id)
            | StatementKind::In(id)
            | StatementKind::Set(id)
            | StatementKind::Clear(id)
            | StatementKind::Effect { target: id, .. } => self.name(id),
            StatementKind::When(cond) => self.cond(cond),
            StatementKind::Ending { id, summary, .. } => {
                self.name(id);
                self.str(summary);
            }
            StatementKind::Rubric | StatementKind::Critical => {}
            StatementKind::PassMark(int) | StatementKind::Worth(int) => self.int(int),
            StatementKind::Criterion { id, title } => {
                self.name(id);
                if let Some(title) = title {
                    self.str(title);
                }
            }
            StatementKind::Expect(pred) => self.pred(pred),
            StatementKind::Choice { text, cond, .. } | StatementKind::Narrate { text, cond } => {
                self.str(text);
                self.opt_cond(cond);
            }
            StatementKind::Otherwise(transition) | StatementKind::Transition(transition) => {
                self.transition(transition);
            }
            StatementKind::Tags(names) => {
                for name in names {
                    self.name(name);
                }
            }
            StatementKind::Guarded { cond, effect } => {
                self.cond(cond);
                self.statement(effect);
            }
            StatementKind::Variant { cond, text } => {
                self.cond(cond);
                self.str(text);
            }
            StatementKind::Speaker {
                speaker,
                text,
                cond,
            } => {
                self.name(speaker);
                self.str(text);
                self.opt_cond(cond);
            }
        }
    }

    pub fn diagnostic(self, diagnostic: &mut Diagnostic) {
        self.span(&mut diagnostic.span);
        for note in &mut diagnostic.notes {
            self.span(&mut note.span);
        }
    }
}

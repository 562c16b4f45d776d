//! Conditions, arithmetic and interpolated text.

use super::{Resolver, Value};
use crate::ast::{self, TextPart};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::scenario::{Cond, Expr, Operand, Segment, Text};

impl Resolver<'_> {
    pub(super) fn cond(&mut self, cond: &ast::Cond) -> Cond {
        match cond {
            ast::Cond::Or(items) => Cond::Or(items.iter().map(|c| self.cond(c)).collect()),
            ast::Cond::And(items) => Cond::And(items.iter().map(|c| self.cond(c)).collect()),
            ast::Cond::Not(inner) => Cond::Not(Box::new(self.cond(inner))),
            ast::Cond::Cmp(a, op, b) => Cond::Cmp(self.expr(a), *op, self.expr(b)),
            ast::Cond::Flag(name) => Cond::Flag(self.flag_ref(name, false)),
            ast::Cond::Visited(name) => {
                let scene = self.scene_ref(name);
                Cond::Visited(self.visit_slot(scene))
            }
            ast::Cond::Tagged(name) => {
                let tag = self.tag_ref(name);
                Cond::Tagged(self.tag_slot(tag))
            }
        }
    }

    pub(super) fn expr(&mut self, expr: &ast::Expr) -> Expr {
        Expr {
            first: self.operand(&expr.first),
            rest: expr
                .rest
                .iter()
                .map(|(neg, o)| (*neg, self.operand(o)))
                .collect(),
        }
    }

    pub(super) fn operand(&mut self, operand: &ast::Operand) -> Operand {
        match operand {
            ast::Operand::Int(i) => Operand::Int(i.value),
            ast::Operand::Turn(_) => {
                self.reads_turn = true;
                Operand::Turn(())
            }
            ast::Operand::Visits(name) => {
                let scene = self.scene_ref(name);
                Operand::Visits(self.visit_slot(scene))
            }
            ast::Operand::Count(name) => {
                let tag = self.tag_ref(name);
                Operand::Count(self.tag_slot(tag))
            }
            ast::Operand::Emotion(name) => Operand::Emotion(self.emotion_ref(name, false)),
        }
    }

    pub(super) fn text(&mut self, s: &ast::Str) -> Text {
        let mut segments = Vec::new();
        for part in &s.parts {
            match part {
                TextPart::Literal(l) => segments.push(Segment::Literal(l.clone())),
                TextPart::Interpolation(name) => match self.values.get(&name.text) {
                    Some((i, Value::Character(c))) => {
                        self.used_values.insert(i);
                        segments.push(Segment::Character(c));
                    }
                    Some((i, Value::Emotion(e))) => {
                        self.used_values.insert(i);
                        segments.push(Segment::Emotion(e));
                    }
                    other => {
                        if !self.library {
                            let (message, help) = if let Some((_, Value::Flag(_))) = other {
                                (
                                    format!("`{{{}}}` names a flag, which cannot be shown", name.text),
                                    Some("only characters and emotions can be interpolated; write `\\{` for a literal brace".to_string()),
                                )
                            } else {
                                (
                                    format!("unknown name `{}` in `{{…}}`", name.text),
                                    did_you_mean(&name.text, self.values.names_where(|v| !matches!(v, Value::Flag(_))))
                                        .or_else(|| Some("only characters and emotions can be interpolated; write `\\{` for a literal brace".to_string())),
                                )
                            };
                            self.push(
                                Diagnostic::new(Code::UnknownInterpolation, name.span, message)
                                    .label("cannot interpolate this")
                                    .help_opt(help),
                            );
                        }
                        segments.push(Segment::Literal(String::new()));
                    }
                },
            }
        }
        Text {
            segments,
            span: s.span,
        }
    }
}

//! Rubric rules and predicates.

use super::references::unknown;
use super::Resolver;
use crate::ast::{self};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::scenario::{CriterionId, Pred, Rule};
use crate::syntax::is_keyword;

impl Resolver<'_> {
    pub(super) fn rule(&mut self, rule: &ast::Rule) -> Option<Rule> {
        let criterion = rule
            .criterion
            .as_ref()
            .map(|name| match self.criteria.get(&name.text) {
                Some((i, ())) => {
                    self.used_criteria.insert(i);
                    CriterionId::from_index(i)
                }
                None => {
                    if !self.library && !is_keyword(&name.text) {
                        let help = did_you_mean(&name.text, self.criteria.names()).or_else(|| {
                            Some(format!(
                                "declare it in the rubric: `criterion {} \"…\"`",
                                name.text
                            ))
                        });
                        self.push(unknown(Code::UnknownCriterion, name, "criterion", help));
                    }
                    CriterionId(0)
                }
            });
        if let Some(worth) = rule.worth {
            if worth.value < 0 {
                self.push(
                    Diagnostic::new(
                        Code::BadValue,
                        worth.span,
                        "a rule cannot be worth negative points",
                    )
                    .label("negative")
                    .help("use `worth 0` or more"),
                );
            }
        }
        let expect = if let Some((pred, _)) = &rule.expect {
            self.pred(pred)
        } else {
            self.push(
                Diagnostic::new(Code::MissingExpect, rule.span, "this rule has no `expect`")
                    .label("nothing to grade")
                    .help("say what the trainee must do, such as `expect ever acknowledge`"),
            );
            return None;
        };
        Some(Rule {
            title: rule.title.as_ref().map(ast::Str::plain).unwrap_or_default(),
            criterion,
            worth: rule.worth.map_or(1, |w| w.value.max(0)),
            critical: rule.critical,
            expect,
            pass: rule.pass.as_ref().map(|t| self.text(t)),
            fail: rule.fail.as_ref().map(|t| self.text(t)),
            span: rule.span,
        })
    }

    pub(super) fn pred(&mut self, pred: &ast::Pred) -> Pred {
        match pred {
            ast::Pred::Or(items) => Pred::Or(items.iter().map(|p| self.pred(p)).collect()),
            ast::Pred::And(items) => Pred::And(items.iter().map(|p| self.pred(p)).collect()),
            ast::Pred::Not(inner) => Pred::Not(Box::new(self.pred(inner))),
            ast::Pred::Ever(t) => Pred::Ever(self.tag_ref(t)),
            ast::Pred::Never(t) => Pred::Never(self.tag_ref(t)),
            ast::Pred::Before(a, b) => Pred::Before(self.tag_ref(a), self.tag_ref(b)),
            ast::Pred::Within(t, n) => Pred::Within(self.tag_ref(t), n.value),
            ast::Pred::Sequence(ts) => Pred::Sequence(ts.iter().map(|t| self.tag_ref(t)).collect()),
            ast::Pred::Count(t, op, n) => Pred::Count(self.tag_ref(t), *op, n.value),
            ast::Pred::Always(c) => {
                let cond = self.cond(c);
                self.always.push(cond);
                Pred::Always(self.always.len() - 1)
            }
            ast::Pred::AtEnd(c) => Pred::AtEnd(self.cond(c)),
            ast::Pred::Ending(es) => Pred::Ending(es.iter().map(|e| self.ending_ref(e)).collect()),
        }
    }
}

//! Names declared and never read: emotions, flags and criteria (W001–W003).

use super::Resolver;
use crate::ast::{Item, RubricItem};
use crate::diagnostic::{Code, Diagnostic};

impl Resolver<'_> {
    pub(super) fn unused(&mut self, items: &[Item]) {
        for item in items {
            let (name, code, what) = match item {
                Item::Emotion { id, .. } => (id, Code::UnusedEmotion, "emotion"),
                Item::Flag { id, .. } => (id, Code::UnusedFlag, "flag"),
                _ => continue,
            };
            if let Some((i, _)) = self.values.get(&name.text) {
                if !self.used_values.contains(&i) {
                    self.push(
                        Diagnostic::new(
                            code,
                            name.span,
                            format!("the {what} `{}` is never used", name.text),
                        )
                        .label("declared here, never referenced")
                        .help("use it in a condition or an effect, or remove it"),
                    );
                }
            }
        }
        for item in items {
            if let Item::Rubric(rubric_items) = item {
                for ri in rubric_items {
                    if let RubricItem::Criterion { id, .. } = ri {
                        if let Some((i, ())) = self.criteria.get(&id.text) {
                            if !self.used_criteria.contains(&i) {
                                self.push(
                                    Diagnostic::new(
                                        Code::UnusedCriterion,
                                        id.span,
                                        format!("no rule is `in {}`", id.text),
                                    )
                                    .label("criterion never used")
                                    .help("put a rule in it with `in`, or remove it"),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
}

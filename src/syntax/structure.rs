//! Statements → items: groups lines into scenes, choices, triggers and rubric rules.
//!
//! Structure comes from keywords: `scene`, `when`, `rubric` and every other top-level
//! statement close what is open; `choice` and `otherwise` close the open choice; `rule`
//! closes the open rule. A statement that fits nowhere is reported where it stands.

use super::statement::{Statement, StatementKind};
use crate::ast::{Choice, File, Item, RubricItem, Rule, Scene, Stmt, StmtKind, Trigger, Variant};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::Span;

#[derive(Default)]
struct Grouper {
    items: Vec<Item>,
    scene: Option<Scene>,
    choice: Option<Choice>,
    trigger: Option<Trigger>,
    /// A `when` written indented inside a scene: its body is taken until its transition,
    /// then the scene goes on (one error at the `when`, not one per line after it).
    nested: Option<Trigger>,
    rubric: Option<Vec<RubricItem>>,
    rule: Option<Rule>,
    diagnostics: Vec<Diagnostic>,
}

/// Groups a file's statements.
pub(super) fn group(
    statements: Vec<Statement>,
    text: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> File {
    let first_statement = statements.first().map(|s| s.span);
    let mut g = Grouper::default();
    for statement in statements {
        let at = (statement.keyword.start as usize).min(text.len());
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let indented = text[line_start..at].chars().any(|c| c == ' ' || c == '\t');
        g.statement(statement, indented);
    }
    g.close_all();
    diagnostics.append(&mut g.diagnostics);
    File {
        items: g.items,
        first_statement,
    }
}

impl Grouper {
    fn close_choice(&mut self) {
        if let Some(choice) = self.choice.take() {
            if let Some(scene) = self.scene.as_mut() {
                scene.choices.push(choice);
            }
        }
    }

    fn close_rule(&mut self) {
        if let Some(rule) = self.rule.take() {
            if let Some(rubric) = self.rubric.as_mut() {
                rubric.push(RubricItem::Rule(Box::new(rule)));
            }
        }
    }

    fn close_all(&mut self) {
        if let Some(trigger) = self.nested.take() {
            self.items.push(Item::Trigger(trigger));
        }
        self.close_choice();
        if let Some(scene) = self.scene.take() {
            self.items.push(Item::Scene(scene));
        }
        if let Some(trigger) = self.trigger.take() {
            self.items.push(Item::Trigger(trigger));
        }
        self.close_rule();
        if let Some(rubric) = self.rubric.take() {
            self.items.push(Item::Rubric(rubric));
        }
    }

    fn misplaced(&mut self, what: &str, keyword: Span, help: &str) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::Misplaced,
                keyword,
                format!("{what} is not allowed here"),
            )
            .label("misplaced")
            .help(help),
        );
    }

    fn duplicate_field(&mut self, what: &str, keyword: Span, whole: &str) {
        self.diagnostics.push(
            Diagnostic::new(
                Code::DuplicateField,
                keyword,
                format!("{what} is given twice in this {whole}"),
            )
            .label("second one")
            .help("keep one of them"),
        );
    }

    fn statement(&mut self, statement: Statement, indented: bool) {
        if let Some(trigger) = self.nested.take() {
            let body = matches!(
                statement.kind,
                StatementKind::Speaker { .. }
                    | StatementKind::Variant { .. }
                    | StatementKind::Narrate { .. }
                    | StatementKind::Effect { .. }
                    | StatementKind::Guarded { .. }
                    | StatementKind::Set(_)
                    | StatementKind::Clear(_)
                    | StatementKind::Transition(_)
            );
            if body {
                let last = matches!(statement.kind, StatementKind::Transition(_));
                let (scene, choice) = (self.scene.take(), self.choice.take());
                self.trigger = Some(trigger);
                self.place(statement);
                let trigger = self.trigger.take();
                (self.scene, self.choice) = (scene, choice);
                match trigger {
                    Some(t) if last => self.items.push(Item::Trigger(t)),
                    other => self.nested = other,
                }
                return;
            }
            self.items.push(Item::Trigger(trigger));
        }
        if let (StatementKind::When(cond), true, Some(scene)) =
            (&statement.kind, indented, self.scene.as_ref())
        {
            self.diagnostics.push(
                Diagnostic::new(
                    Code::Misplaced,
                    statement.keyword,
                    format!(
                        "a trigger belongs at the top level, not inside scene `{}`",
                        scene.name.text
                    ),
                )
                .label("indented inside a scene")
                .help(
                    "a `when` is checked after every scene and choice, wherever it is written: \
                     move this block below the scene, unindented",
                ),
            );
            self.nested = Some(Trigger {
                cond: cond.clone(),
                body: Vec::new(),
                span: statement.keyword,
            });
            return;
        }
        self.place(statement);
    }

    #[allow(clippy::too_many_lines)]
    fn place(&mut self, statement: Statement) {
        let span = statement.span;
        let what = statement.kind.describe();
        let kw = statement.keyword;
        match statement.kind {
            StatementKind::Scenario { id, title } => {
                self.close_all();
                self.items.push(Item::Scenario { id, title, span });
            }
            StatementKind::Brief(text) => {
                self.close_all();
                self.items.push(Item::Brief(text));
            }
            StatementKind::Objective(text) => {
                self.close_all();
                self.items.push(Item::Objective(text));
            }
            StatementKind::Meta { key, value } => {
                self.close_all();
                self.items.push(Item::Meta { key, value });
            }
            StatementKind::Include(path) => {
                self.close_all();
                self.items.push(Item::Include { path, span });
            }
            StatementKind::Character { role, id, display } => {
                self.close_all();
                self.items.push(Item::Character {
                    role,
                    id,
                    display,
                    span,
                });
            }
            StatementKind::Emotion { id, initial, range } => {
                self.close_all();
                self.items.push(Item::Emotion { id, initial, range });
            }
            StatementKind::Flag { id, initial } => {
                self.close_all();
                self.items.push(Item::Flag { id, initial });
            }
            StatementKind::Start(scene) => {
                self.close_all();
                self.items.push(Item::Start(scene));
            }
            StatementKind::Ending {
                id,
                outcome,
                summary,
            } => {
                self.close_all();
                self.items.push(Item::Ending {
                    id,
                    outcome,
                    summary,
                });
            }
            StatementKind::Scene(name) => {
                self.close_all();
                self.scene = Some(Scene {
                    name,
                    body: Vec::new(),
                    choices: Vec::new(),
                    otherwise: None,
                    after_otherwise: Vec::new(),
                });
            }
            StatementKind::When(cond) => {
                self.close_all();
                self.trigger = Some(Trigger {
                    cond,
                    body: Vec::new(),
                    span: statement.keyword,
                });
            }
            StatementKind::Rubric => {
                self.close_all();
                self.rubric = Some(Vec::new());
            }
            StatementKind::PassMark(_)
            | StatementKind::Criterion { .. }
            | StatementKind::Rule(_)
                if self.rubric.is_none() =>
            {
                self.misplaced(what, kw, "this belongs inside a `rubric` block");
            }
            StatementKind::PassMark(mark) => {
                self.close_rule();
                if let Some(r) = self.rubric.as_mut() {
                    r.push(RubricItem::PassMark(mark, statement.keyword.to(span)));
                }
            }
            StatementKind::Criterion { id, title } => {
                self.close_rule();
                if let Some(r) = self.rubric.as_mut() {
                    r.push(RubricItem::Criterion { id, title });
                }
            }
            StatementKind::Rule(title) => {
                self.close_rule();
                self.rule = Some(Rule {
                    title: Some(title),
                    span: statement.keyword,
                    ..Rule::default()
                });
            }
            StatementKind::In(_)
            | StatementKind::Worth(_)
            | StatementKind::Critical
            | StatementKind::Expect(_)
            | StatementKind::PassText(_)
            | StatementKind::FailText(_)
                if self.rule.is_none() =>
            {
                let help = if self.rubric.is_some() {
                    "this belongs under a `rule \"…\"` in the rubric"
                } else {
                    "this belongs under a `rule \"…\"` inside a `rubric` block"
                };
                self.misplaced(what, kw, help);
            }
            StatementKind::In(name) => {
                if self.rule.as_ref().is_some_and(|r| r.criterion.is_some()) {
                    self.duplicate_field(what, kw, "rule");
                } else if let Some(rule) = self.rule.as_mut() {
                    rule.criterion = Some(name);
                }
            }
            StatementKind::Worth(points) => {
                if self.rule.as_ref().is_some_and(|r| r.worth.is_some()) {
                    self.duplicate_field(what, kw, "rule");
                } else if let Some(rule) = self.rule.as_mut() {
                    rule.worth = Some(points);
                }
            }
            StatementKind::Critical => {
                if let Some(rule) = self.rule.as_mut() {
                    rule.critical = true;
                }
            }
            StatementKind::Expect(pred) => {
                if self.rule.as_ref().is_some_and(|r| r.expect.is_some()) {
                    self.duplicate_field(what, kw, "rule");
                } else if let Some(rule) = self.rule.as_mut() {
                    rule.expect = Some((pred, statement.keyword));
                }
            }
            StatementKind::PassText(text) => {
                if self.rule.as_ref().is_some_and(|r| r.pass.is_some()) {
                    self.duplicate_field(what, kw, "rule");
                } else if let Some(rule) = self.rule.as_mut() {
                    rule.pass = Some(text);
                }
            }
            StatementKind::FailText(text) => {
                if self.rule.as_ref().is_some_and(|r| r.fail.is_some()) {
                    self.duplicate_field(what, kw, "rule");
                } else if let Some(rule) = self.rule.as_mut() {
                    rule.fail = Some(text);
                }
            }
            StatementKind::Choice { once, text, cond } => {
                let Some(scene) = self.scene.as_mut() else {
                    let help = if self.trigger.is_some() {
                        "a trigger cannot offer choices; give it a `goto` to a scene that does"
                    } else {
                        "choices belong inside a `scene`"
                    };
                    self.misplaced(what, kw, help);
                    return;
                };
                if scene.otherwise.is_some() {
                    scene.after_otherwise.push(statement.keyword);
                    return;
                }
                self.close_choice();
                self.choice = Some(Choice {
                    keyword: statement.keyword,
                    once,
                    text,
                    cond,
                    body: Vec::new(),
                    span,
                });
            }
            StatementKind::Otherwise(transition) => {
                let Some(scene) = self.scene.as_mut() else {
                    self.misplaced(what, kw, "`otherwise` is the last line of a `scene`");
                    return;
                };
                if scene.otherwise.is_some() {
                    self.duplicate_field(what, kw, "scene");
                    return;
                }
                self.close_choice();
                if let Some(scene) = self.scene.as_mut() {
                    scene.otherwise = Some((transition, span));
                }
            }
            StatementKind::Variant { cond, text } => {
                let body = self.open_body();
                if let Some(Stmt {
                    kind: StmtKind::Line { variants, .. },
                    span: line_span,
                }) = body.and_then(|b| b.last_mut())
                {
                    variants.push(Variant { cond, text, span });
                    *line_span = line_span.to(span);
                } else {
                    self.diagnostics.push(
                        Diagnostic::new(
                            Code::OrphanVariant,
                            statement.keyword,
                            "a variant must come directly under the speaker line it varies",
                        )
                        .label("no speaker line above")
                        .help("put it right after a line such as `Jake: \"…\"`"),
                    );
                }
            }
            kind => self.body_statement(kind, span, statement.keyword),
        }
    }

    /// The body statements go to: the open choice, else the open trigger, else the open
    /// scene (before any `otherwise`).
    fn open_body(&mut self) -> Option<&mut Vec<Stmt>> {
        if let Some(choice) = self.choice.as_mut() {
            return Some(&mut choice.body);
        }
        if let Some(trigger) = self.trigger.as_mut() {
            return Some(&mut trigger.body);
        }
        match self.scene.as_mut() {
            Some(scene) if scene.otherwise.is_none() => Some(&mut scene.body),
            _ => None,
        }
    }

    fn body_statement(&mut self, kind: StatementKind, span: Span, keyword: Span) {
        let stmt_kind = match kind {
            StatementKind::Tags(tags) => StmtKind::Tags(tags),
            StatementKind::Coach(text) => StmtKind::Coach(text),
            StatementKind::Narrate { text, cond } => StmtKind::Narrate { text, cond },
            StatementKind::Set(flag) => StmtKind::Set(flag),
            StatementKind::Clear(flag) => StmtKind::Clear(flag),
            StatementKind::Transition(t) => StmtKind::Transition(t),
            StatementKind::Speaker {
                speaker,
                text,
                cond,
            } => StmtKind::Line {
                speaker,
                text,
                cond,
                variants: Vec::new(),
            },
            StatementKind::Effect { target, op } => StmtKind::Effect { target, op },
            StatementKind::Guarded { cond, effect } => {
                let inner = match effect.kind {
                    StatementKind::Effect { target, op } => StmtKind::Effect { target, op },
                    StatementKind::Set(flag) => StmtKind::Set(flag),
                    StatementKind::Clear(flag) => StmtKind::Clear(flag),
                    other => {
                        self.misplaced(
                            other.describe(),
                            effect.keyword,
                            "only an effect, `set` or `clear` can follow `if …:`",
                        );
                        return;
                    }
                };
                StmtKind::Guarded {
                    cond,
                    effect: Box::new(Stmt {
                        kind: inner,
                        span: effect.span,
                    }),
                }
            }
            other => {
                self.misplaced(
                    other.describe(),
                    keyword,
                    "this statement cannot appear here",
                );
                return;
            }
        };
        let choice_only = matches!(
            stmt_kind,
            StmtKind::Tags(_)
                | StmtKind::Coach(_)
                | StmtKind::Transition(crate::ast::Transition::Stay)
        );
        if choice_only && self.choice.is_none() {
            let what = match &stmt_kind {
                StmtKind::Tags(_) => "`tags`",
                StmtKind::Coach(_) => "`coach`",
                _ => "`stay`",
            };
            let after_otherwise = self.scene.as_ref().is_some_and(|s| s.otherwise.is_some());
            if after_otherwise {
                if let Some(scene) = self.scene.as_mut() {
                    scene.after_otherwise.push(keyword);
                }
                return;
            }
            self.diagnostics.push(
                Diagnostic::new(
                    Code::Misplaced,
                    keyword,
                    format!("{what} is only allowed inside a choice"),
                )
                .label("not inside a choice")
                .help("put it in the body of a `choice \"…\"`"),
            );
            return;
        }
        let stmt = Stmt {
            kind: stmt_kind,
            span,
        };
        if let Some(body) = self.open_body() {
            body.push(stmt);
        } else if let Some(scene) = self.scene.as_mut() {
            scene.after_otherwise.push(keyword);
        } else {
            let what = match &stmt.kind {
                StmtKind::Line { .. } => "a speaker line",
                StmtKind::Narrate { .. } => "`narrate`",
                StmtKind::Effect { .. } => "an effect",
                StmtKind::Set(_) => "`set`",
                StmtKind::Clear(_) => "`clear`",
                _ => "a transition",
            };
            let help = if self.rubric.is_some() {
                "the rubric has ended the scene above; move this into a `scene` or `when` block"
            } else {
                "it belongs inside a `scene`, a `choice` or a `when` trigger"
            };
            self.diagnostics.push(
                Diagnostic::new(
                    Code::Misplaced,
                    keyword,
                    format!("{what} is not allowed outside a scene or trigger"),
                )
                .label("misplaced")
                .help(help),
            );
        }
    }
}

//! Scenes, choices, triggers and bodies: one transition, last; a body that must leave; the
//! counters (`visits`, `count`) that conditions read.

use super::Resolver;
use crate::ast::{self, StmtKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::scenario::{
    ChoiceId, Counters, Effect, Exit, Line, Scene, SceneId, Stmt, TagId, TagSlot, Transition,
    Trigger, VisitSlot,
};
use crate::source::Span;

impl Resolver<'_> {
    pub(super) fn scene(
        &mut self,
        scene: &ast::Scene,
        sid: SceneId,
        choices: &mut Vec<crate::scenario::Choice>,
    ) -> Scene {
        let (body, transition) = self.body(&scene.body, "scene");
        let mut choice_ids = Vec::new();
        for choice in &scene.choices {
            let id = ChoiceId::from_index(choices.len());
            choice_ids.push(id);
            let resolved = self.choice(choice, sid);
            choices.push(resolved);
        }
        let otherwise = scene.otherwise.as_ref().map(|(t, _)| self.transition(t));
        for span in &scene.after_otherwise {
            self.push(
                Diagnostic::new(
                    Code::AfterTransition,
                    *span,
                    "nothing may follow `otherwise`",
                )
                .label("after `otherwise`")
                .help("`otherwise` is the last line of a scene; move this above it"),
            );
        }
        let exit = match (transition, scene.choices.is_empty()) {
            (Some((t, span)), false) => {
                self.push(
                    Diagnostic::new(
                        Code::TransitionWithChoices,
                        span,
                        "a scene with choices cannot also have a scene-level transition",
                    )
                    .label("scene-level transition")
                    .help(
                        "move it into a choice, or use `otherwise` for when no choice is available",
                    ),
                );
                let _ = t;
                Exit::Choices {
                    choices: choice_ids,
                    otherwise,
                }
            }
            (Some((t, span)), true) => {
                if let Some((_, other_span)) = &scene.otherwise {
                    self.push(
                        Diagnostic::new(
                            Code::AfterTransition,
                            *other_span,
                            "`otherwise` is never taken in a scene with a scene-level transition",
                        )
                        .label("unreachable `otherwise`")
                        .note(span, "the scene always leaves here")
                        .help("remove the `otherwise`"),
                    );
                }
                match t {
                    Transition::Goto(s) => Exit::Goto(s),
                    Transition::End(e) => Exit::End(e),
                    Transition::Stay => Exit::Choices {
                        choices: choice_ids,
                        otherwise,
                    },
                }
            }
            (None, _) => {
                if scene.choices.is_empty() && scene.otherwise.is_none() {
                    self.push(
                        Diagnostic::new(
                            Code::NoExit,
                            scene.name.span,
                            format!("the scene `{}` has no way out", scene.name.text),
                        )
                        .label("no choices and no transition")
                        .help("add choices, or end it with `goto <scene>` or `end <ending>`"),
                    );
                }
                Exit::Choices {
                    choices: choice_ids,
                    otherwise,
                }
            }
        };
        Scene {
            id: scene.name.text.clone(),
            body,
            exit,
            span: scene.name.span,
        }
    }

    pub(super) fn choice(
        &mut self,
        choice: &ast::Choice,
        scene: SceneId,
    ) -> crate::scenario::Choice {
        let mut tags = Vec::new();
        let mut coach = None;
        let mut seen_tags: Option<Span> = None;
        let mut seen_coach: Option<Span> = None;
        let mut rest = Vec::new();
        let mut transition_at: Option<Span> = None;
        for stmt in &choice.body {
            if let (StmtKind::Tags(_) | StmtKind::Coach(_), Some(at)) = (&stmt.kind, transition_at)
            {
                // docs/language.md: the transition is last. Kept (its tags still count), so
                // the one mistake gives one error.
                let what = if matches!(stmt.kind, StmtKind::Tags(_)) {
                    "`tags`"
                } else {
                    "`coach`"
                };
                self.push(
                    Diagnostic::new(
                        Code::AfterTransition,
                        stmt.span,
                        format!("{what} comes after the choice's transition"),
                    )
                    .label("after the transition")
                    .note(at, "the transition")
                    .help(format!(
                        "a choice's {what} line comes before its transition; move it above"
                    )),
                );
            }
            if matches!(stmt.kind, StmtKind::Transition(_)) && transition_at.is_none() {
                transition_at = Some(stmt.span);
            }
            match &stmt.kind {
                StmtKind::Tags(names) => {
                    if let Some(first) = seen_tags {
                        self.push(
                            Diagnostic::new(
                                Code::DuplicateField,
                                stmt.span,
                                "a choice has at most one `tags` line",
                            )
                            .label("second `tags`")
                            .note(first, "first `tags`")
                            .help("put all the tags on one line: `tags a b c`"),
                        );
                        continue;
                    }
                    seen_tags = Some(stmt.span);
                    for name in names {
                        if let Some((i, ())) = self.tags.get(&name.text) {
                            tags.push(TagId::from_index(i));
                        }
                    }
                }
                StmtKind::Coach(text) => {
                    if let Some(first) = seen_coach {
                        self.push(
                            Diagnostic::new(
                                Code::DuplicateField,
                                stmt.span,
                                "a choice has at most one `coach` note",
                            )
                            .label("second `coach`")
                            .note(first, "first `coach`")
                            .help("merge the notes into one"),
                        );
                        continue;
                    }
                    seen_coach = Some(stmt.span);
                    coach = Some(self.text(text));
                }
                _ => rest.push(stmt.clone()),
            }
        }
        let (body, transition) = self.body(&rest, "choice");
        let transition = if let Some((t, _)) = transition {
            t
        } else {
            self.push(
                Diagnostic::new(
                    Code::MissingTransition,
                    choice.keyword,
                    "this choice has no transition",
                )
                .label("choice without `goto`, `end` or `stay`")
                .help("end the choice with `goto <scene>`, `end <ending>` or `stay`"),
            );
            Transition::Stay
        };
        crate::scenario::Choice {
            scene,
            once: choice.once,
            text: self.text(&choice.text),
            cond: choice.cond.as_ref().map(|c| self.cond(c)),
            tags,
            coach,
            body,
            transition,
            span: choice.keyword,
        }
    }

    pub(super) fn trigger(&mut self, trigger: &ast::Trigger) -> Option<Trigger> {
        let cond = self.cond(&trigger.cond);
        let (body, transition) = self.body(&trigger.body, "trigger");
        let Some((transition, _)) = transition else {
            self.push(
                Diagnostic::new(
                    Code::MissingTransition,
                    trigger.span,
                    "this trigger has no transition",
                )
                .label("`when` without `goto` or `end`")
                .help("end the trigger with `goto <scene>` or `end <ending>`"),
            );
            return None;
        };
        let (line, _) = self
            .sources
            .file(trigger.span.file)
            .line_col(trigger.span.start as usize);
        Some(Trigger {
            cond,
            body,
            transition,
            line,
            span: trigger.span,
        })
    }

    pub(super) fn visit_slot(&mut self, scene: SceneId) -> VisitSlot {
        let next = u32::try_from(self.visit_slots.len()).unwrap_or(u32::MAX);
        VisitSlot(*self.visit_slots.entry(scene).or_insert(next))
    }

    pub(super) fn tag_slot(&mut self, tag: TagId) -> TagSlot {
        let next = u32::try_from(self.tag_slots.len()).unwrap_or(u32::MAX);
        TagSlot(*self.tag_slots.entry(tag).or_insert(next))
    }

    pub(super) fn counters(
        &self,
        scenes: usize,
        tags: usize,
        choices: &[crate::scenario::Choice],
    ) -> Counters {
        let mut visit_slot = vec![None; scenes];
        for (scene, slot) in &self.visit_slots {
            if let Some(s) = visit_slot.get_mut(scene.index()) {
                *s = Some(VisitSlot(*slot));
            }
        }
        let mut tag_slot = vec![None; tags];
        for (tag, slot) in &self.tag_slots {
            if let Some(s) = tag_slot.get_mut(tag.index()) {
                *s = Some(TagSlot(*slot));
            }
        }
        let mut once_slots = 0;
        let once_slot = choices
            .iter()
            .map(|c| {
                c.once.then(|| {
                    once_slots += 1;
                    u32::try_from(once_slots - 1).unwrap_or(u32::MAX)
                })
            })
            .collect();
        Counters {
            visit_slot,
            tag_slot,
            once_slot,
            visit_slots: self.visit_slots.len(),
            tag_slots: self.tag_slots.len(),
            once_slots,
            reads_turn: self.reads_turn,
        }
    }

    pub(super) fn stmt_id(&mut self) -> crate::scenario::StmtId {
        self.next_stmt += 1;
        crate::scenario::StmtId::from_index(self.next_stmt - 1)
    }

    /// Resolves a body; its transition, if any, must be its last statement.
    pub(super) fn body(
        &mut self,
        stmts: &[ast::Stmt],
        whole: &str,
    ) -> (Vec<Stmt>, Option<(Transition, Span)>) {
        let mut out = Vec::new();
        let mut transition: Option<(Transition, Span)> = None;
        for stmt in stmts {
            if let Some((_, at)) = transition {
                self.push(
                    Diagnostic::new(
                        Code::AfterTransition,
                        stmt.span,
                        format!("this comes after the {whole}'s transition, so it never runs"),
                    )
                    .label("after the transition")
                    .note(at, "the transition")
                    .help("the transition must be the last line; move this above it"),
                );
                continue;
            }
            match &stmt.kind {
                StmtKind::Line {
                    speaker,
                    text,
                    cond,
                    variants,
                } => {
                    let speaker = self.speaker(speaker);
                    let line = Line {
                        id: self.stmt_id(),
                        speaker,
                        text: self.text(text),
                        cond: cond.as_ref().map(|c| self.cond(c)),
                        variants: variants
                            .iter()
                            .map(|v| (self.cond(&v.cond), self.text(&v.text)))
                            .collect(),
                        span: stmt.span,
                    };
                    out.push(Stmt::Line(line));
                }
                StmtKind::Narrate { text, cond } => out.push(Stmt::Narrate {
                    id: self.stmt_id(),
                    text: self.text(text),
                    cond: cond.as_ref().map(|c| self.cond(c)),
                    span: stmt.span,
                }),
                StmtKind::Effect { .. }
                | StmtKind::Set(_)
                | StmtKind::Clear(_)
                | StmtKind::Guarded { .. } => {
                    let (inner, cond) = match &stmt.kind {
                        StmtKind::Guarded { cond, effect } => (&effect.kind, Some(self.cond(cond))),
                        kind => (kind, None),
                    };
                    let effect = match inner {
                        StmtKind::Effect { target, op } => {
                            let e = self.emotion_ref(target, true);
                            match op {
                                ast::EffectOp::Add(n) => Effect::Add(e, *n),
                                ast::EffectOp::Assign(n) => Effect::Assign(e, *n),
                            }
                        }
                        StmtKind::Set(name) => Effect::Set(self.flag_ref(name, true)),
                        StmtKind::Clear(name) => Effect::Clear(self.flag_ref(name, true)),
                        // The grouper lets nothing else follow `if …:`.
                        _ => continue,
                    };
                    let id = self.stmt_id();
                    out.push(Stmt::Effect {
                        id,
                        effect,
                        cond,
                        span: stmt.span,
                    });
                }
                StmtKind::Transition(t) => {
                    transition = Some((self.transition(t), stmt.span));
                }
                StmtKind::Tags(_) | StmtKind::Coach(_) => {}
            }
        }
        (out, transition)
    }

    pub(super) fn transition(&mut self, t: &ast::Transition) -> Transition {
        match t {
            ast::Transition::Goto(name) => Transition::Goto(self.scene_ref(name)),
            ast::Transition::End(name) => Transition::End(self.ending_ref(name)),
            ast::Transition::Stay => Transition::Stay,
        }
    }
}

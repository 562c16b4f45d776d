//! Name resolution and structural checks: merged items → [`Scenario`] + diagnostics.
//!
//! Declarations are collected first (so items may come in any order), then every reference
//! is resolved against its namespace. Unknown names get a "did you mean" from the names of the
//! right kind; names of the wrong kind say what they are. Every diagnostic is collected.

use std::collections::HashSet;

use super::names::Table;
use crate::ast::{self, Item, Role, RubricItem, StmtKind, TextPart};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::scenario::{
    CharId, Character, ChoiceId, Cond, Counters, Criterion, CriterionId, Effect, Emotion,
    EmotionId, Ending, EndingId, Exit, Expr, Flag, FlagId, Line, Operand, Pred, Rubric, Rule,
    Scenario, Scene, SceneId, Segment, Stmt, TagId, TagSlot, Text, Transition, Trigger, VisitSlot,
};
use crate::source::{SourceMap, Span};
use crate::syntax::is_keyword;

/// Characters, emotions and flags share one namespace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Value {
    Character(CharId),
    Emotion(EmotionId),
    Flag(FlagId),
}

impl Value {
    fn describe(self) -> &'static str {
        match self {
            Value::Character(_) => "a character",
            Value::Emotion(_) => "an emotion",
            Value::Flag(_) => "a flag",
        }
    }
}

pub(super) struct Resolver<'a> {
    sources: &'a SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    values: Table<Value>,
    scenes: Table<()>,
    endings: Table<()>,
    criteria: Table<()>,
    tags: Table<()>,
    characters: Vec<Character>,
    emotions: Vec<Emotion>,
    flags: Vec<Flag>,
    used_values: HashSet<usize>,
    used_criteria: HashSet<usize>,
    always: Vec<Cond>,
    next_stmt: usize,
    visit_slots: std::collections::HashMap<SceneId, u32>,
    tag_slots: std::collections::HashMap<TagId, u32>,
    reads_turn: bool,
    /// Library mode: only structure and duplicates are checked.
    library: bool,
}

fn unknown(code: Code, name: &ast::Name, what: &str, help: Option<String>) -> Diagnostic {
    Diagnostic::new(code, name.span, format!("unknown {what} `{}`", name.text))
        .label(format!("no {what} of this name"))
        .help_opt(help)
}

impl<'a> Resolver<'a> {
    pub(super) fn new(sources: &'a SourceMap, library: bool) -> Self {
        Resolver {
            sources,
            diagnostics: Vec::new(),
            values: Table::default(),
            scenes: Table::default(),
            endings: Table::default(),
            criteria: Table::default(),
            tags: Table::default(),
            characters: Vec::new(),
            emotions: Vec::new(),
            flags: Vec::new(),
            used_values: HashSet::new(),
            used_criteria: HashSet::new(),
            always: Vec::new(),
            next_stmt: 0,
            visit_slots: std::collections::HashMap::new(),
            tag_slots: std::collections::HashMap::new(),
            reads_turn: false,
            library,
        }
    }

    fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    fn duplicate(&mut self, what: &str, name: &ast::Name, first: Span) {
        self.push(
            Diagnostic::new(
                Code::Duplicate,
                name.span,
                format!("{what} `{}` is declared twice", name.text),
            )
            .label("second declaration")
            .note(first, "first declared here")
            .help("rename one of them or remove the duplicate"),
        );
    }

    /// Resolves the merged items of a file. `header` is the entry file's header.
    #[allow(clippy::too_many_lines)]
    pub(super) fn resolve(
        &mut self,
        items: &[Item],
        header: Option<(&ast::Name, &ast::Str, Span)>,
    ) -> Option<Scenario> {
        let mut customer: Option<CharId> = None;
        let mut agent: Option<CharId> = None;
        let mut brief: Option<&ast::Str> = None;
        let mut start: Option<&ast::Name> = None;
        let mut pass_mark: Option<(i64, Span)> = None;

        // 1. Declarations, in file order.
        for item in items {
            match item {
                Item::Scenario { id, span, .. } => {
                    if header.is_some_and(|(_, _, h)| h != *span) {
                        self.push(
                            Diagnostic::new(
                                Code::Duplicate,
                                id.span,
                                "a file has exactly one `scenario` header",
                            )
                            .label("second header")
                            .help("remove this line, or split the file in two"),
                        );
                    }
                }
                Item::Brief(text) => {
                    if let Some(first) = brief {
                        self.push(
                            Diagnostic::new(Code::Duplicate, text.span, "`brief` is given twice")
                                .label("second brief")
                                .note(first.span, "first brief")
                                .help("merge them into one `brief`"),
                        );
                    } else {
                        brief = Some(text);
                    }
                }
                Item::Character { role, id, span, .. } => {
                    let cid = CharId::from_index(self.characters.len());
                    match self
                        .values
                        .declare(&id.text, id.span, Value::Character(cid))
                    {
                        Err(first) => self.duplicate("the name", id, first),
                        Ok(_) => {
                            self.characters.push(Character {
                                id: id.text.clone(),
                                display: None,
                                span: *span,
                            });
                            let slot = match role {
                                Role::Customer => Some(&mut customer),
                                Role::Agent => Some(&mut agent),
                                Role::Other => None,
                            };
                            if let Some(slot) = slot {
                                if slot.is_some() {
                                    let word = role.keyword();
                                    self.push(
                                        Diagnostic::new(
                                            Code::Duplicate,
                                            id.span,
                                            format!("a scenario has exactly one {word}"),
                                        )
                                        .label(format!("second {word}"))
                                        .help("declare other speakers with `character`"),
                                    );
                                } else {
                                    *slot = Some(cid);
                                }
                            }
                        }
                    }
                }
                Item::Emotion { id, initial, range } => {
                    let (lo, hi) = range.map_or((0, 10), |(lo, hi)| (lo.value, hi.value));
                    if let Some((lo_int, _)) = range {
                        if lo > hi {
                            self.push(
                                Diagnostic::new(
                                    Code::EmptyRange,
                                    lo_int.span,
                                    format!("the range {lo}..{hi} is empty"),
                                )
                                .label("low bound above the high bound")
                                .help(format!("write `in {hi}..{lo}`")),
                            );
                        }
                    }
                    if lo <= hi && (initial.value < lo || initial.value > hi) {
                        self.push(
                            Diagnostic::new(
                                Code::InitialOutOfRange,
                                initial.span,
                                format!(
                                    "`{}` starts at {}, outside its range {lo}..{hi}",
                                    id.text, initial.value
                                ),
                            )
                            .label("out of range")
                            .help(format!(
                                "start it within {lo}..{hi}, or widen the range with `in`"
                            )),
                        );
                    }
                    let eid = EmotionId::from_index(self.emotions.len());
                    match self.values.declare(&id.text, id.span, Value::Emotion(eid)) {
                        Err(first) => self.duplicate("the name", id, first),
                        Ok(_) => self.emotions.push(Emotion {
                            id: id.text.clone(),
                            initial: initial.value.clamp(lo.min(hi), hi.max(lo)),
                            lo: lo.min(hi),
                            hi: hi.max(lo),
                            span: id.span,
                        }),
                    }
                }
                Item::Flag { id, initial } => {
                    let fid = FlagId::from_index(self.flags.len());
                    match self.values.declare(&id.text, id.span, Value::Flag(fid)) {
                        Err(first) => self.duplicate("the name", id, first),
                        Ok(_) => self.flags.push(Flag {
                            id: id.text.clone(),
                            initial: *initial,
                            span: id.span,
                        }),
                    }
                }
                Item::Start(name) => {
                    if let Some(first) = start {
                        self.push(
                            Diagnostic::new(Code::Duplicate, name.span, "`start` is given twice")
                                .label("second start")
                                .note(first.span, "first start")
                                .help("keep one `start`"),
                        );
                    } else {
                        start = Some(name);
                    }
                }
                Item::Scene(scene) => {
                    if let Err(first) = self.scenes.declare(&scene.name.text, scene.name.span, ()) {
                        self.duplicate("the scene", &scene.name, first);
                    }
                    for choice in &scene.choices {
                        for stmt in &choice.body {
                            if let StmtKind::Tags(tags) = &stmt.kind {
                                for tag in tags {
                                    let _ = self.tags.declare(&tag.text, tag.span, ());
                                }
                            }
                        }
                    }
                }
                Item::Ending { id, .. } => {
                    if let Err(first) = self.endings.declare(&id.text, id.span, ()) {
                        self.duplicate("the ending", id, first);
                    }
                }
                Item::Rubric(rubric_items) => {
                    for ri in rubric_items {
                        match ri {
                            RubricItem::Criterion { id, .. } => {
                                if let Err(first) = self.criteria.declare(&id.text, id.span, ()) {
                                    self.duplicate("the criterion", id, first);
                                }
                            }
                            RubricItem::PassMark(mark, span) => {
                                if let Some((_, first)) = pass_mark {
                                    self.push(
                                        Diagnostic::new(
                                            Code::DuplicatePass,
                                            *span,
                                            "the pass mark is given twice",
                                        )
                                        .label("second pass mark")
                                        .note(first, "first pass mark")
                                        .help("a rubric has one pass mark, even across included files; keep one"),
                                    );
                                } else {
                                    if !(0..=100).contains(&mark.value) {
                                        self.push(
                                            Diagnostic::new(
                                                Code::BadValue,
                                                mark.span,
                                                format!(
                                                    "a pass mark of {}% is impossible",
                                                    mark.value
                                                ),
                                            )
                                            .label("not between 0% and 100%")
                                            .help("use a mark from 0% to 100%"),
                                        );
                                    }
                                    pass_mark = Some((mark.value, *span));
                                }
                            }
                            RubricItem::Rule(_) => {}
                        }
                    }
                }
                Item::Objective(_)
                | Item::Meta { .. }
                | Item::Include { .. }
                | Item::Trigger(_) => {}
            }
        }

        // Display names may interpolate, so resolve them once every name is known.
        for item in items {
            if let Item::Character {
                id,
                display: Some(display),
                ..
            } = item
            {
                if let Some((_, Value::Character(cid))) = self.values.get(&id.text) {
                    let text = self.text(display);
                    if self.characters[cid.index()].display.is_none() {
                        self.characters[cid.index()].display = Some(text);
                    }
                }
            }
        }

        let header_span = header.map(|(_, _, span)| span);
        if let Some(span) = header_span.filter(|_| !self.library) {
            if customer.is_none() {
                self.push(
                    Diagnostic::new(
                        Code::MissingCustomer,
                        span,
                        "this scenario has no `customer`",
                    )
                    .label("no customer declared")
                    .help("declare the customer, such as `customer Jake`"),
                );
            }
            if agent.is_none() {
                self.push(
                    Diagnostic::new(Code::MissingAgent, span, "this scenario has no `agent`")
                        .label("no agent declared")
                        .help("declare the role the trainee plays, such as `agent Natalie`"),
                );
            }
            if self.scenes.is_empty() {
                self.push(
                    Diagnostic::new(Code::NoExit, span, "this scenario has no scenes")
                        .label("nothing to play")
                        .help("add a `scene` with the customer's first line and the trainee's choices"),
                );
            }
        }

        // 2. Structure of scenes, choices, triggers, rules (checked in library mode too).
        let mut scenes = Vec::new();
        let mut choices = Vec::new();
        let mut triggers = Vec::new();
        let mut endings = Vec::new();
        let mut rules = Vec::new();
        let mut criteria = Vec::new();
        let mut objectives = Vec::new();
        let mut meta = Vec::new();
        for item in items {
            match item {
                Item::Scene(scene) => {
                    let sid = SceneId::from_index(scenes.len());
                    let resolved = self.scene(scene, sid, &mut choices);
                    scenes.push(resolved);
                }
                Item::Trigger(trigger) => {
                    if let Some(t) = self.trigger(trigger) {
                        triggers.push(t);
                    }
                }
                Item::Ending {
                    id,
                    outcome,
                    summary,
                } => endings.push(Ending {
                    id: id.text.clone(),
                    outcome: *outcome,
                    summary: self.text(summary),
                    span: id.span,
                }),
                Item::Rubric(rubric_items) => {
                    for ri in rubric_items {
                        match ri {
                            RubricItem::Rule(rule) => {
                                if let Some(r) = self.rule(rule) {
                                    rules.push(r);
                                }
                            }
                            RubricItem::Criterion { id, title } => criteria.push(Criterion {
                                id: id.text.clone(),
                                title: title.as_ref().map(ast::Str::plain),
                            }),
                            RubricItem::PassMark(..) => {}
                        }
                    }
                }
                Item::Objective(text) => objectives.push(self.text(text)),
                Item::Meta { key, value } => meta.push((key.text.clone(), value.plain())),
                _ => {}
            }
        }

        let start_scene = match start {
            Some(name) => self.scene_ref(name),
            None => SceneId(0),
        };

        if self.library {
            return None;
        }
        self.unused(items);
        super::flow::goto_cycles(items, &self.scenes, &mut self.diagnostics);

        let (header_id, header_title, _) = header?;
        let counters = self.counters(self.scenes_len(), self.tags.names().count(), &choices);
        let has_rubric = items.iter().any(|i| matches!(i, Item::Rubric(_)));
        Some(Scenario {
            id: header_id.text.clone(),
            title: header_title.plain(),
            brief: brief.map(|b| self.text(b)),
            objectives,
            meta,
            characters: std::mem::take(&mut self.characters),
            customer: customer.unwrap_or(CharId(0)),
            agent: agent.unwrap_or(CharId(0)),
            emotions: std::mem::take(&mut self.emotions),
            flags: std::mem::take(&mut self.flags),
            tags: self.tags.names().map(str::to_string).collect(),
            scenes,
            choices,
            start: start_scene,
            triggers,
            endings,
            rubric: has_rubric.then(|| Rubric {
                pass_mark: pass_mark.map_or(70, |(m, _)| m),
                criteria,
                rules,
                always: std::mem::take(&mut self.always),
            }),
            stmt_count: self.next_stmt,
            counters,
        })
    }

    fn scenes_len(&self) -> usize {
        self.scenes.names().count()
    }

    fn unused(&mut self, items: &[Item]) {
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

    fn scene(
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

    fn choice(&mut self, choice: &ast::Choice, scene: SceneId) -> crate::scenario::Choice {
        let mut tags = Vec::new();
        let mut coach = None;
        let mut seen_tags: Option<Span> = None;
        let mut seen_coach: Option<Span> = None;
        let mut rest = Vec::new();
        for stmt in &choice.body {
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

    fn trigger(&mut self, trigger: &ast::Trigger) -> Option<Trigger> {
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

    fn visit_slot(&mut self, scene: SceneId) -> VisitSlot {
        let next = u32::try_from(self.visit_slots.len()).unwrap_or(u32::MAX);
        VisitSlot(*self.visit_slots.entry(scene).or_insert(next))
    }

    fn tag_slot(&mut self, tag: TagId) -> TagSlot {
        let next = u32::try_from(self.tag_slots.len()).unwrap_or(u32::MAX);
        TagSlot(*self.tag_slots.entry(tag).or_insert(next))
    }

    fn counters(
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

    fn stmt_id(&mut self) -> crate::scenario::StmtId {
        self.next_stmt += 1;
        crate::scenario::StmtId::from_index(self.next_stmt - 1)
    }

    /// Resolves a body; its transition, if any, must be its last statement.
    fn body(
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
                StmtKind::Effect { target, op } => {
                    let e = self.emotion_ref(target, true);
                    let effect = match op {
                        ast::EffectOp::Add(n) => Effect::Add(e, *n),
                        ast::EffectOp::Assign(n) => Effect::Assign(e, *n),
                    };
                    let id = self.stmt_id();
                    out.push(Stmt::Effect {
                        id,
                        effect,
                        span: stmt.span,
                    });
                }
                StmtKind::Set(name) | StmtKind::Clear(name) => {
                    let f = self.flag_ref(name, true);
                    let effect = if matches!(stmt.kind, StmtKind::Set(_)) {
                        Effect::Set(f)
                    } else {
                        Effect::Clear(f)
                    };
                    let id = self.stmt_id();
                    out.push(Stmt::Effect {
                        id,
                        effect,
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

    fn transition(&mut self, t: &ast::Transition) -> Transition {
        match t {
            ast::Transition::Goto(name) => Transition::Goto(self.scene_ref(name)),
            ast::Transition::End(name) => Transition::End(self.ending_ref(name)),
            ast::Transition::Stay => Transition::Stay,
        }
    }

    fn rule(&mut self, rule: &ast::Rule) -> Option<Rule> {
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

    fn pred(&mut self, pred: &ast::Pred) -> Pred {
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

    fn cond(&mut self, cond: &ast::Cond) -> Cond {
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

    fn expr(&mut self, expr: &ast::Expr) -> Expr {
        Expr {
            first: self.operand(&expr.first),
            rest: expr
                .rest
                .iter()
                .map(|(neg, o)| (*neg, self.operand(o)))
                .collect(),
        }
    }

    fn operand(&mut self, operand: &ast::Operand) -> Operand {
        match operand {
            ast::Operand::Int(i) => Operand::Int(i.value),
            ast::Operand::Turn(_) => {
                self.reads_turn = true;
                Operand::Turn
            }
            ast::Operand::Visits(name) => {
                let scene = self.scene_ref(name);
                Operand::Visits(self.visit_slot(scene))
            }
            ast::Operand::Count(name) => {
                let tag = self.tag_ref(name);
                Operand::Count(self.tag_slot(tag))
            }
            ast::Operand::Var(name) => Operand::Emotion(self.emotion_ref(name, false)),
        }
    }

    fn text(&mut self, s: &ast::Str) -> Text {
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

    fn value_ref(&mut self, name: &ast::Name) -> Option<Value> {
        let (i, v) = self.values.get(&name.text)?;
        self.used_values.insert(i);
        Some(v)
    }

    fn speaker(&mut self, name: &ast::Name) -> CharId {
        match self.value_ref(name) {
            Some(Value::Character(c)) => c,
            other => {
                if !self.library && !is_keyword(&name.text) {
                    let candidates: Vec<&str> = self
                        .values
                        .names_where(|v| matches!(v, Value::Character(_)))
                        .collect();
                    let d = match other {
                        Some(v) => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!(
                                "`{}` is {}, not a character, so it cannot speak",
                                name.text,
                                v.describe()
                            ),
                        )
                        .label("not a speaker"),
                        None => unknown(Code::UnknownSpeaker, name, "speaker", None),
                    };
                    let help = did_you_mean(&name.text, candidates.iter().copied()).or_else(|| {
                        Some(format!(
                            "declare it: `character {} \"Display name\"`",
                            name.text
                        ))
                    });
                    self.push(d.help_opt(help));
                }
                CharId(0)
            }
        }
    }

    fn emotion_ref(&mut self, name: &ast::Name, effect: bool) -> EmotionId {
        match self.value_ref(name) {
            Some(Value::Emotion(e)) => e,
            other => {
                if !self.library && !is_keyword(&name.text) {
                    let d = match other {
                        Some(Value::Flag(_)) if effect => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!(
                                "`{}` is a flag; flags change with `set` and `clear`",
                                name.text
                            ),
                        )
                        .label("not an emotion")
                        .help(format!(
                            "write `set {}` or `clear {}`",
                            name.text, name.text
                        )),
                        Some(v) => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!("`{}` is {}, not an emotion", name.text, v.describe()),
                        )
                        .label("not a number")
                        .help_opt(did_you_mean(
                            &name.text,
                            self.values.names_where(|v| matches!(v, Value::Emotion(_))),
                        )),
                        None => {
                            let help = did_you_mean(
                                &name.text,
                                self.values.names_where(|v| matches!(v, Value::Emotion(_))),
                            )
                            .or_else(|| {
                                Some(format!("declare it: `emotion {} = 0 in 0..10`", name.text))
                            });
                            unknown(Code::UnknownEmotion, name, "emotion", help)
                        }
                    };
                    self.push(d);
                }
                EmotionId(0)
            }
        }
    }

    fn flag_ref(&mut self, name: &ast::Name, effect: bool) -> FlagId {
        match self.value_ref(name) {
            Some(Value::Flag(f)) => f,
            other => {
                if !self.library && !is_keyword(&name.text) {
                    let d = match other {
                        Some(Value::Emotion(_)) if effect => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!(
                                "`{}` is an emotion; `set` and `clear` are for flags",
                                name.text
                            ),
                        )
                        .label("not a flag")
                        .help(format!(
                            "change an emotion with `{} +1`, `{} -1` or `{} = 5`",
                            name.text, name.text, name.text
                        )),
                        Some(Value::Emotion(_)) => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!("`{}` is an emotion; a condition must compare it", name.text),
                        )
                        .label("a number, not true or false")
                        .help(format!("compare it, such as `{} >= 5`", name.text)),
                        Some(v) => Diagnostic::new(
                            Code::WrongKind,
                            name.span,
                            format!("`{}` is {}, not a flag", name.text, v.describe()),
                        )
                        .label("not a flag"),
                        None => {
                            let help = did_you_mean(
                                &name.text,
                                self.values.names_where(|v| matches!(v, Value::Flag(_))),
                            )
                            .or_else(|| did_you_mean(&name.text, self.values.names()))
                            .or_else(|| Some(format!("declare it: `flag {}`", name.text)));
                            unknown(Code::UnknownFlag, name, "flag", help)
                        }
                    };
                    self.push(d);
                }
                FlagId(0)
            }
        }
    }

    fn scene_ref(&mut self, name: &ast::Name) -> SceneId {
        if let Some((i, ())) = self.scenes.get(&name.text) {
            return SceneId::from_index(i);
        }
        if !self.library && !is_keyword(&name.text) {
            let mut help = did_you_mean(&name.text, self.scenes.names());
            if help.is_none() && self.endings.get(&name.text).is_some() {
                help = Some(format!(
                    "`{}` is an ending: write `end {}`",
                    name.text, name.text
                ));
            }
            self.push(unknown(Code::UnknownScene, name, "scene", help));
        }
        SceneId(0)
    }

    fn ending_ref(&mut self, name: &ast::Name) -> EndingId {
        if let Some((i, ())) = self.endings.get(&name.text) {
            return EndingId::from_index(i);
        }
        if !self.library && !is_keyword(&name.text) {
            let mut help = did_you_mean(&name.text, self.endings.names());
            if help.is_none() && self.scenes.get(&name.text).is_some() {
                help = Some(format!(
                    "`{}` is a scene: write `goto {}`",
                    name.text, name.text
                ));
            }
            let help =
                help.or_else(|| Some(format!("declare it: `ending {} good \"…\"`", name.text)));
            self.push(unknown(Code::UnknownEnding, name, "ending", help));
        }
        EndingId(0)
    }

    fn tag_ref(&mut self, name: &ast::Name) -> TagId {
        if let Some((i, ())) = self.tags.get(&name.text) {
            return TagId::from_index(i);
        }
        if !self.library && !is_keyword(&name.text) {
            let help = did_you_mean(&name.text, self.tags.names()).or_else(|| {
                Some("tags exist by being used in some choice's `tags` line".to_string())
            });
            self.push(
                Diagnostic::new(
                    Code::UnknownTag,
                    name.span,
                    format!("no choice is tagged `{}`", name.text),
                )
                .label("unknown tag")
                .help_opt(help),
            );
        }
        TagId(u32::MAX)
    }
}

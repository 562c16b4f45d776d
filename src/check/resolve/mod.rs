//! Name resolution and structural checks: merged items → [`Scenario`] + diagnostics.
//!
//! Declarations are collected first (so items may come in any order), then every reference
//! is resolved against its namespace. Unknown names get a "did you mean" from the names of the
//! right kind; names of the wrong kind say what they are. Every diagnostic is collected.
//!
//! One file per concern, so that a diagnostic's code is found by the file's name:
//! - `declarations`: the header, characters, emotions and their ranges, flags, `start`,
//!   pass marks (E030 duplicates, E040/E041 missing customer or agent, E042 initial value
//!   out of range, E043 empty range, E044 second pass mark, E024 no scenes);
//! - `structure`: scenes, choices, triggers and bodies: where a transition may stand and
//!   what a body must end with (E022–E026);
//! - `expressions`: conditions, arithmetic and interpolated text (E038);
//! - `rubric`: rules and predicates (E027 no `expect`, E037 unknown criterion, E045);
//! - `references`: every reference to a name, with "did you mean" (E031–E036, E039);
//! - `unused`: declared names nothing reads (W001–W003).

mod declarations;
mod expressions;
mod references;
mod rubric;
mod structure;
mod unused;

use declarations::Declared;

use std::collections::HashSet;

use super::names::Table;
use crate::ast::{self, Item, RubricItem};
use crate::diagnostic::{Code, Diagnostic};
use crate::scenario::{
    CharId, Character, Cond, Criterion, Emotion, EmotionId, Ending, Flag, FlagId, Rubric, Scenario,
    SceneId, TagId,
};
use crate::source::{SourceMap, Span};

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

    pub(super) fn push(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
    }

    pub(super) fn duplicate(&mut self, what: &str, name: &ast::Name, first: Span) {
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
    pub(super) fn resolve(
        &mut self,
        items: &[Item],
        header: Option<(&ast::Name, &ast::Str, Span)>,
    ) -> Option<Scenario> {
        // 1. Declarations, in file order.
        let Declared {
            customer,
            agent,
            brief,
            start,
            pass_mark,
        } = self.declarations(items, header);

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

    pub(super) fn scenes_len(&self) -> usize {
        self.scenes.names().count()
    }
}

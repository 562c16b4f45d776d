//! Declarations: the header, characters, emotions and their ranges, flags, `start` and
//! pass marks, each declared once.

use super::{Resolver, Value};
use crate::ast::{self, Item, Role, RubricItem, StmtKind};
use crate::diagnostic::{Code, Diagnostic};
use crate::scenario::{CharId, Character, Emotion, EmotionId, Flag, FlagId};
use crate::source::Span;

impl Resolver<'_> {
    /// Collects every declaration, in file order, with its diagnostics.
    #[allow(clippy::too_many_lines)]
    pub(super) fn declarations<'i>(
        &mut self,
        items: &'i [Item],
        header: Option<(&ast::Name, &ast::Str, Span)>,
    ) -> Declared<'i> {
        let mut customer: Option<CharId> = None;
        let mut agent: Option<CharId> = None;
        let mut brief: Option<&ast::Str> = None;
        let mut start: Option<&ast::Name> = None;
        let mut pass_mark: Option<(i64, Span)> = None;

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
        Declared {
            customer,
            agent,
            brief,
            start,
            pass_mark,
        }
    }
}

/// What the declarations say about the scenario as a whole.
pub(super) struct Declared<'i> {
    pub customer: Option<CharId>,
    pub agent: Option<CharId>,
    pub brief: Option<&'i ast::Str>,
    pub start: Option<&'i ast::Name>,
    pub pass_mark: Option<(i64, Span)>,
}

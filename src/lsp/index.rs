//! Where every name is declared and used, across a file and the files it includes.
//!
//! Built from the syntax tree (`syntax::parse`), so it works on files that do not check:
//! navigation, completion and rename need names and spans, not a resolved scenario. It
//! decides nothing about correctness; the diagnostics all come from `check`.

use std::collections::BTreeSet;
use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::ast::{
    Choice, Cond, Expr, Item, Name, Operand, Outcome, Pred, Role, RubricItem, Rule, Scene, Stmt,
    StmtKind, Str, TextPart, Transition,
};
use crate::source::FileId;

/// What a name names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Scene,
    Ending,
    Emotion,
    Flag,
    Character,
    Criterion,
    Tag,
    /// An include's path string; its name is the included file's path.
    File,
}

impl Kind {
    #[must_use]
    pub fn word(self) -> &'static str {
        match self {
            Kind::Scene => "scene",
            Kind::Ending => "ending",
            Kind::Emotion => "emotion",
            Kind::Flag => "flag",
            Kind::Character => "character",
            Kind::Criterion => "criterion",
            Kind::Tag => "tag",
            Kind::File => "file",
        }
    }
}

/// One written name.
#[derive(Clone, Debug)]
pub struct Occurrence {
    pub kind: Kind,
    pub name: String,
    pub file: usize,
    pub range: Range<usize>,
    /// A declaration (for tags: a use on a `tags` line, which is what makes a tag exist).
    pub def: bool,
}

/// What hover says about a declaration.
#[derive(Clone, Debug)]
pub enum Detail {
    Emotion { initial: i64, lo: i64, hi: i64 },
    Flag { initial: bool },
    Ending { outcome: Outcome, summary: String },
    Character { role: Role, display: Option<String> },
    None,
}

/// A declaration, in file order.
#[derive(Clone, Debug)]
pub struct Decl {
    pub kind: Kind,
    pub name: String,
    pub detail: Detail,
}

/// A rubric rule, for the outline and hover.
#[derive(Clone, Debug)]
pub struct RuleInfo {
    pub title: String,
    pub file: usize,
    /// The `rule` line.
    pub range: Range<usize>,
    /// From the `rule` line to its last field.
    pub extent: Range<usize>,
    pub worth: i64,
    pub critical: bool,
    pub criterion: Option<String>,
    pub expect: Option<Pred>,
}

/// A block for the outline: a scene (with its choices), a trigger, an ending.
#[derive(Clone, Debug)]
pub struct Block {
    pub kind: BlockKind,
    pub name: String,
    pub file: usize,
    /// The name (or keyword) to select.
    pub selection: Range<usize>,
    pub extent: Range<usize>,
    pub children: Vec<Block>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BlockKind {
    Scene,
    Choice,
    Trigger,
    Ending,
}

/// One file of the include graph.
#[derive(Clone, Debug)]
pub struct IndexedFile {
    pub path: PathBuf,
    pub text: String,
}

/// The names of an entry file and everything it includes.
#[derive(Clone, Debug, Default)]
pub struct Index {
    pub files: Vec<IndexedFile>,
    pub occurrences: Vec<Occurrence>,
    pub decls: Vec<Decl>,
    pub rules: Vec<RuleInfo>,
    pub blocks: Vec<Block>,
}

/// Most files one index follows through includes.
const MAX_FILES: usize = 64;

impl Index {
    /// Indexes `path` (whose text is `text`) and the files it includes; `read` gives the text
    /// of any other file (an open document, else the disk).
    #[must_use]
    pub fn build(path: &Path, text: String, read: &dyn Fn(&Path) -> Option<String>) -> Self {
        let mut index = Index::default();
        let mut queue = vec![(path.to_path_buf(), text)];
        let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
        seen.insert(super::documents::canonical(path));
        while let Some((path, text)) = queue.pop() {
            let file = index.files.len();
            let parsed = crate::syntax::parse(FileId(u32::try_from(file).unwrap_or(0)), &text);
            index.files.push(IndexedFile {
                path: path.clone(),
                text,
            });
            let mut walker = Walker {
                index: &mut index,
                file,
            };
            for item in &parsed.file.items {
                walker.item(item);
            }
            // Includes, in reverse so that the first is indexed first.
            let mut included = Vec::new();
            for item in &parsed.file.items {
                if let Item::Include { path: written, .. } = item {
                    let target = crate::check::normalize(
                        &path.parent().unwrap_or(Path::new("")).join(written.plain()),
                    );
                    if seen.insert(super::documents::canonical(&target)) && seen.len() <= MAX_FILES
                    {
                        if let Some(text) = read(&target) {
                            included.push((target, text));
                        }
                    }
                }
            }
            queue.extend(included.into_iter().rev());
        }
        index.classify();
        index
    }

    /// Names that share the character/emotion/flag namespace get the kind of their
    /// declaration (a bare name in a condition may be an emotion or a flag).
    fn classify(&mut self) {
        let declared: Vec<(String, Kind)> = self
            .decls
            .iter()
            .filter(|d| matches!(d.kind, Kind::Emotion | Kind::Flag | Kind::Character))
            .map(|d| (d.name.clone(), d.kind))
            .collect();
        for occurrence in &mut self.occurrences {
            if matches!(
                occurrence.kind,
                Kind::Emotion | Kind::Flag | Kind::Character
            ) && !occurrence.def
            {
                if let Some((_, kind)) = declared.iter().find(|(n, _)| *n == occurrence.name) {
                    occurrence.kind = *kind;
                }
            }
        }
    }

    /// The file index of a path, if it is part of this index.
    #[must_use]
    pub fn file_of(&self, path: &Path) -> Option<usize> {
        let real = super::documents::canonical(path);
        self.files
            .iter()
            .position(|f| f.path == path || super::documents::canonical(&f.path) == real)
    }

    /// The name written at a byte offset of a file (touching its start or end counts).
    #[must_use]
    pub fn at(&self, file: usize, offset: usize) -> Option<&Occurrence> {
        self.occurrences
            .iter()
            .find(|o| o.file == file && o.range.start <= offset && offset <= o.range.end)
    }

    /// Every occurrence of a name of a kind.
    pub fn uses<'a>(&'a self, kind: Kind, name: &'a str) -> impl Iterator<Item = &'a Occurrence> {
        self.occurrences
            .iter()
            .filter(move |o| o.kind == kind && o.name == name)
    }

    /// The declarations of a kind, in file order, each name once.
    #[must_use]
    pub fn names(&self, kind: Kind) -> Vec<&Decl> {
        let mut seen = BTreeSet::new();
        self.decls
            .iter()
            .filter(|d| d.kind == kind && seen.insert(d.name.as_str()))
            .collect()
    }

    /// Every tag used on some `tags` line, sorted.
    #[must_use]
    pub fn tags(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .occurrences
            .iter()
            .filter(|o| o.kind == Kind::Tag && o.def)
            .map(|o| o.name.as_str())
            .collect();
        set.into_iter().collect()
    }
}

struct Walker<'a> {
    index: &'a mut Index,
    file: usize,
}

impl Walker<'_> {
    fn occurrence(&mut self, kind: Kind, name: &Name, def: bool) {
        self.index.occurrences.push(Occurrence {
            kind,
            name: name.text.clone(),
            file: self.file,
            range: name.span.range(),
            def,
        });
    }

    fn decl(&mut self, kind: Kind, name: &Name, detail: Detail) {
        self.occurrence(kind, name, true);
        self.index.decls.push(Decl {
            kind,
            name: name.text.clone(),
            detail,
        });
    }

    fn text(&mut self, text: &Str) {
        for part in &text.parts {
            if let TextPart::Interpolation(name) = part {
                self.occurrence(Kind::Character, name, false);
            }
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Scenario { title, .. } => self.text(title),
            Item::Brief(text) | Item::Objective(text) | Item::Meta { value: text, .. } => {
                self.text(text);
            }
            Item::Include { path, .. } => {
                self.index.occurrences.push(Occurrence {
                    kind: Kind::File,
                    name: path.plain(),
                    file: self.file,
                    range: path.span.range(),
                    def: false,
                });
            }
            Item::Character {
                role, id, display, ..
            } => {
                if let Some(display) = display {
                    self.text(display);
                }
                self.decl(
                    Kind::Character,
                    id,
                    Detail::Character {
                        role: *role,
                        display: display.as_ref().map(Str::plain),
                    },
                );
            }
            Item::Emotion { id, initial, range } => {
                let (lo, hi) = range.map_or((0, 10), |(lo, hi)| (lo.value, hi.value));
                self.decl(
                    Kind::Emotion,
                    id,
                    Detail::Emotion {
                        initial: initial.value,
                        lo,
                        hi,
                    },
                );
            }
            Item::Flag { id, initial } => {
                self.decl(Kind::Flag, id, Detail::Flag { initial: *initial });
            }
            Item::Start(name) => self.occurrence(Kind::Scene, name, false),
            Item::Scene(scene) => self.scene(scene),
            Item::Trigger(trigger) => {
                self.cond(&trigger.cond);
                let mut end = trigger.span.end as usize;
                for stmt in &trigger.body {
                    self.stmt(stmt);
                    end = end.max(stmt.span.end as usize);
                }
                self.index.blocks.push(Block {
                    kind: BlockKind::Trigger,
                    name: format!(
                        "when {}",
                        first_line(&self.index.files[self.file].text, trigger.span.range())
                    ),
                    file: self.file,
                    selection: trigger.span.range(),
                    extent: trigger.span.start as usize..end,
                    children: Vec::new(),
                });
            }
            Item::Ending {
                id,
                outcome,
                summary,
            } => {
                self.text(summary);
                self.decl(
                    Kind::Ending,
                    id,
                    Detail::Ending {
                        outcome: *outcome,
                        summary: summary.plain(),
                    },
                );
                let line = line_around(&self.index.files[self.file].text, id.span.range());
                self.index.blocks.push(Block {
                    kind: BlockKind::Ending,
                    name: id.text.clone(),
                    file: self.file,
                    selection: id.span.range(),
                    extent: line,
                    children: Vec::new(),
                });
            }
            Item::Rubric(items) => {
                for item in items {
                    match item {
                        RubricItem::PassMark(..) => {}
                        RubricItem::Criterion { id, title } => {
                            if let Some(title) = title {
                                self.text(title);
                            }
                            self.decl(Kind::Criterion, id, Detail::None);
                        }
                        RubricItem::Rule(rule) => self.rule(rule),
                    }
                }
            }
        }
    }

    fn rule(&mut self, rule: &Rule) {
        if let Some(criterion) = &rule.criterion {
            self.occurrence(Kind::Criterion, criterion, false);
        }
        let mut end = rule.span.end as usize;
        if let Some((pred, span)) = &rule.expect {
            self.pred(pred);
            end = end.max(span.end as usize);
        }
        for text in [&rule.title, &rule.pass, &rule.fail].into_iter().flatten() {
            self.text(text);
            end = end.max(text.span.end as usize);
        }
        if let Some(worth) = &rule.worth {
            end = end.max(worth.span.end as usize);
        }
        let line = line_around(&self.index.files[self.file].text, rule.span.range());
        self.index.rules.push(RuleInfo {
            title: rule.title.as_ref().map(Str::plain).unwrap_or_default(),
            file: self.file,
            range: line.clone(),
            extent: line.start..end.max(line.end),
            worth: rule.worth.map_or(1, |w| w.value),
            critical: rule.critical,
            criterion: rule.criterion.as_ref().map(|c| c.text.clone()),
            expect: rule.expect.as_ref().map(|(p, _)| p.clone()),
        });
    }

    fn scene(&mut self, scene: &Scene) {
        self.decl(Kind::Scene, &scene.name, Detail::None);
        let text = &self.index.files[self.file].text;
        let start = line_around(text, scene.name.span.range()).start;
        let mut end = scene.name.span.end as usize;
        for stmt in &scene.body {
            self.stmt(stmt);
            end = end.max(stmt.span.end as usize);
        }
        let mut children = Vec::new();
        for choice in &scene.choices {
            let extent = self.choice(choice);
            end = end.max(extent.end);
            children.push(Block {
                kind: BlockKind::Choice,
                name: choice.text.plain(),
                file: self.file,
                selection: choice.text.span.range(),
                extent,
                children: Vec::new(),
            });
        }
        if let Some((transition, span)) = &scene.otherwise {
            self.transition(transition);
            end = end.max(span.end as usize);
        }
        self.index.blocks.push(Block {
            kind: BlockKind::Scene,
            name: scene.name.text.clone(),
            file: self.file,
            selection: scene.name.span.range(),
            extent: start..end,
            children,
        });
    }

    fn choice(&mut self, choice: &Choice) -> Range<usize> {
        self.text(&choice.text);
        if let Some(cond) = &choice.cond {
            self.cond(cond);
        }
        let mut end = choice.span.end as usize;
        for stmt in &choice.body {
            self.stmt(stmt);
            end = end.max(stmt.span.end as usize);
        }
        choice.keyword.start as usize..end
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Line {
                speaker,
                text,
                cond,
                variants,
            } => {
                self.occurrence(Kind::Character, speaker, false);
                self.text(text);
                if let Some(cond) = cond {
                    self.cond(cond);
                }
                for variant in variants {
                    self.cond(&variant.cond);
                    self.text(&variant.text);
                }
            }
            StmtKind::Narrate { text, cond } => {
                self.text(text);
                if let Some(cond) = cond {
                    self.cond(cond);
                }
            }
            StmtKind::Effect { target, .. } => self.occurrence(Kind::Emotion, target, false),
            StmtKind::Set(flag) | StmtKind::Clear(flag) => {
                self.occurrence(Kind::Flag, flag, false);
            }
            StmtKind::Tags(tags) => {
                for tag in tags {
                    self.occurrence(Kind::Tag, tag, true);
                }
            }
            StmtKind::Coach(text) => self.text(text),
            StmtKind::Guarded { cond, effect } => {
                self.cond(cond);
                self.stmt(effect);
            }
            StmtKind::Transition(transition) => self.transition(transition),
        }
    }

    fn transition(&mut self, transition: &Transition) {
        match transition {
            Transition::Goto(scene) => self.occurrence(Kind::Scene, scene, false),
            Transition::End(ending) => self.occurrence(Kind::Ending, ending, false),
            Transition::Stay => {}
        }
    }

    fn cond(&mut self, cond: &Cond) {
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
            Cond::Flag(name) => self.occurrence(Kind::Flag, name, false),
            Cond::Visited(scene) => self.occurrence(Kind::Scene, scene, false),
            Cond::Tagged(tag) => self.occurrence(Kind::Tag, tag, false),
        }
    }

    fn expr(&mut self, expr: &Expr) {
        for operand in std::iter::once(&expr.first).chain(expr.rest.iter().map(|(_, o)| o)) {
            match operand {
                Operand::Int(_) | Operand::Turn(_) => {}
                Operand::Visits(scene) => self.occurrence(Kind::Scene, scene, false),
                Operand::Count(tag) => self.occurrence(Kind::Tag, tag, false),
                Operand::Emotion(name) => self.occurrence(Kind::Emotion, name, false),
            }
        }
    }

    fn pred(&mut self, pred: &Pred) {
        match pred {
            Pred::Or(all) | Pred::And(all) => {
                for p in all {
                    self.pred(p);
                }
            }
            Pred::Not(p) => self.pred(p),
            Pred::Ever(tag) | Pred::Never(tag) | Pred::Within(tag, _) | Pred::Count(tag, ..) => {
                self.occurrence(Kind::Tag, tag, false);
            }
            Pred::Before(a, b) => {
                self.occurrence(Kind::Tag, a, false);
                self.occurrence(Kind::Tag, b, false);
            }
            Pred::Sequence(tags) => {
                for tag in tags {
                    self.occurrence(Kind::Tag, tag, false);
                }
            }
            Pred::Always(cond) | Pred::AtEnd(cond) => self.cond(cond),
            Pred::Ending(endings) => {
                for ending in endings {
                    self.occurrence(Kind::Ending, ending, false);
                }
            }
        }
    }
}

/// The byte range of the line holding `range`'s start (without its line end).
#[must_use]
pub fn line_around(text: &str, range: Range<usize>) -> Range<usize> {
    let at = range.start.min(text.len());
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
    let end = if text[start..end].ends_with('\r') {
        end - 1
    } else {
        end
    };
    start..end
}

/// What follows a keyword on its line, trimmed (for an outline label).
fn first_line(text: &str, keyword: Range<usize>) -> String {
    let line = line_around(text, keyword.clone());
    let rest = text.get(keyword.end.min(line.end)..line.end).unwrap_or("");
    let rest = rest.split(" #").next().unwrap_or(rest);
    rest.trim().to_string()
}

//! The resolved scenario: every name replaced by an index, ready to run.
//!
//! Produced by `check` only when there are no errors; the runtime, rubric and explorer
//! consume it. Indices are dense `u32` newtypes, so state is a handful of small vectors.

use crate::ast::Outcome;
use crate::source::Span;

macro_rules! index {
    ($($name:ident),*) => {$(
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);
        impl $name {
            #[must_use]
            pub fn index(self) -> usize {
                self.0 as usize
            }
            #[must_use]
            pub fn from_index(i: usize) -> Self {
                $name(u32::try_from(i).unwrap_or(u32::MAX))
            }
        }
    )*};
}

index!(
    SceneId,
    EndingId,
    CharId,
    EmotionId,
    FlagId,
    TagId,
    ChoiceId,
    TriggerId,
    CriterionId,
    StmtId
);

#[derive(Clone, Debug)]
pub struct Character {
    pub id: String,
    pub display: Option<Text>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Emotion {
    pub id: String,
    pub initial: i64,
    pub lo: i64,
    pub hi: i64,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Flag {
    pub id: String,
    pub initial: bool,
    pub span: Span,
}

/// A piece of shown text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Segment {
    Literal(String),
    Character(CharId),
    Emotion(EmotionId),
}

/// Shown text with its interpolations resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Text {
    pub segments: Vec<Segment>,
    pub span: Span,
}

impl Text {
    /// The text when it interpolates nothing.
    #[must_use]
    pub fn literal(&self) -> Option<&str> {
        match self.segments.as_slice() {
            [Segment::Literal(s)] => Some(s),
            [] => Some(""),
            _ => None,
        }
    }
}

/// A tracked visit counter: only scenes whose visits some condition reads have one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct VisitSlot(pub u32);

/// A tracked tag counter: only tags whose count some condition reads have one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TagSlot(pub u32);

/// The leaves of resolved conditions and predicates: indices into the scenario's tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved;

impl crate::logic::Leaves for Resolved {
    type Int = i64;
    type Turn = ();
    type Emotion = EmotionId;
    type Flag = FlagId;
    type Visits = VisitSlot;
    type Counter = TagSlot;
    type Tag = TagId;
    type Ending = EndingId;
    /// Index into [`Rubric::always`]: sampled by the runtime at every check point.
    type Always = usize;
}

pub type Operand = crate::logic::Operand<Resolved>;
pub type Expr = crate::logic::Expr<Resolved>;
pub type Cond = crate::logic::Cond<Resolved>;
pub type Pred = crate::logic::Pred<Resolved>;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Add(EmotionId, i64),
    Assign(EmotionId, i64),
    Set(FlagId),
    Clear(FlagId),
}

#[derive(Clone, Debug)]
pub struct Line {
    /// Unique across the scenario (for coverage).
    pub id: StmtId,
    pub speaker: CharId,
    pub text: Text,
    pub cond: Option<Cond>,
    pub variants: Vec<(Cond, Text)>,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Line(Line),
    Narrate {
        id: StmtId,
        text: Text,
        cond: Option<Cond>,
        span: Span,
    },
    Effect {
        id: StmtId,
        effect: Effect,
        /// `if <cond>: <effect>`: made only when this holds.
        cond: Option<Cond>,
        span: Span,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    Goto(SceneId),
    End(EndingId),
    Stay,
}

#[derive(Clone, Debug)]
pub struct Choice {
    pub scene: SceneId,
    pub once: bool,
    pub text: Text,
    pub cond: Option<Cond>,
    pub tags: Vec<TagId>,
    pub coach: Option<Text>,
    pub body: Vec<Stmt>,
    pub transition: Transition,
    pub span: Span,
}

/// How a scene is left after its statements.
#[derive(Clone, Debug)]
pub enum Exit {
    Goto(SceneId),
    End(EndingId),
    Choices {
        choices: Vec<ChoiceId>,
        otherwise: Option<Transition>,
    },
}

#[derive(Clone, Debug)]
pub struct Scene {
    pub id: String,
    pub body: Vec<Stmt>,
    pub exit: Exit,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Trigger {
    pub cond: Cond,
    pub body: Vec<Stmt>,
    pub transition: Transition,
    /// 1-based line of the `when` in its file.
    pub line: usize,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Ending {
    pub id: String,
    pub outcome: Outcome,
    pub summary: Text,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct Criterion {
    pub id: String,
    pub title: Option<String>,
}

#[derive(Clone, Debug)]
pub struct Rule {
    pub title: String,
    pub criterion: Option<CriterionId>,
    pub worth: i64,
    pub critical: bool,
    pub expect: Pred,
    pub pass: Option<Text>,
    pub fail: Option<Text>,
    pub span: Span,
}

impl Rule {
    /// The feedback written for a result: the rule's `pass` or `fail` text.
    #[must_use]
    pub fn feedback(&self, passed: bool) -> Option<&Text> {
        if passed {
            self.pass.as_ref()
        } else {
            self.fail.as_ref()
        }
    }
}

#[derive(Clone, Debug)]
pub struct Rubric {
    /// The pass mark in percent.
    pub pass_mark: i64,
    pub criteria: Vec<Criterion>,
    pub rules: Vec<Rule>,
    /// The conditions of every `always` predicate, in the order they are written.
    pub always: Vec<Cond>,
}

impl Rubric {
    /// A subtotal's heading: its criterion's title (else its id), or "(no criterion)".
    #[must_use]
    pub fn criterion_name(&self, criterion: Option<usize>) -> String {
        criterion.map_or_else(
            || "(no criterion)".to_string(),
            |c| {
                let criterion = &self.criteria[c];
                criterion
                    .title
                    .clone()
                    .unwrap_or_else(|| criterion.id.clone())
            },
        )
    }
}

/// A checked, playable scenario.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub id: String,
    pub title: String,
    pub brief: Option<Text>,
    pub objectives: Vec<Text>,
    pub meta: Vec<(String, String)>,
    pub characters: Vec<Character>,
    pub customer: CharId,
    pub agent: CharId,
    pub emotions: Vec<Emotion>,
    pub flags: Vec<Flag>,
    pub tags: Vec<String>,
    pub scenes: Vec<Scene>,
    pub choices: Vec<Choice>,
    pub start: SceneId,
    pub triggers: Vec<Trigger>,
    pub endings: Vec<Ending>,
    pub rubric: Option<Rubric>,
    /// How many statements (lines, narrations, effects) have a [`StmtId`].
    pub stmt_count: usize,
    /// What conditions can observe (so that state holds only that).
    pub counters: Counters,
}

/// The counters a run keeps: only those some condition reads (language.md §5a's "counters
/// that conditions read"), so that state stays small however large the scenario is.
#[derive(Clone, Debug, Default)]
pub struct Counters {
    /// Per scene: its visit counter, if some condition reads it.
    pub visit_slot: Vec<Option<VisitSlot>>,
    /// Per tag: its counter, if some condition reads it.
    pub tag_slot: Vec<Option<TagSlot>>,
    /// Per choice: its place among the `once` choices, if it is one.
    pub once_slot: Vec<Option<u32>>,
    pub visit_slots: usize,
    pub tag_slots: usize,
    pub once_slots: usize,
    /// Whether some condition reads `turn`.
    pub reads_turn: bool,
}

impl Scenario {
    #[must_use]
    pub fn scene(&self, id: SceneId) -> &Scene {
        &self.scenes[id.index()]
    }

    #[must_use]
    pub fn choice(&self, id: ChoiceId) -> &Choice {
        &self.choices[id.index()]
    }

    #[must_use]
    pub fn ending(&self, id: EndingId) -> &Ending {
        &self.endings[id.index()]
    }

    /// The length of the longest emotion name, to align meters and tables.
    #[must_use]
    pub fn emotion_name_width(&self) -> usize {
        self.emotions
            .iter()
            .map(|e| e.id.chars().count())
            .max()
            .unwrap_or(0)
    }

    /// A character's display name (its id when it has none), without interpolation.
    #[must_use]
    pub fn display_name(&self, id: CharId) -> String {
        let c = &self.characters[id.index()];
        match &c.display {
            Some(text) => text
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(l) => l.clone(),
                    Segment::Character(_) | Segment::Emotion(_) => String::new(),
                })
                .collect(),
            None => c.id.clone(),
        }
    }
}

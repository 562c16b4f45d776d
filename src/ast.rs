//! The syntax tree: what the author wrote, with a span on every node.
//!
//! Produced by `syntax`, consumed by `check`. It keeps the general shape that was written
//! (a choice's statements in order, transitions as statements) so that the checker, not the
//! grammar, says what is misplaced.

use crate::source::Span;

/// A name as written (identifier, or a keyword that the builder already reported).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// Which quotes a string was written with (kept for the formatter).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    Straight,
    Typographic,
}

/// A piece of a string: literal text or `{name}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TextPart {
    Literal(String),
    Interpolation(Name),
}

/// A string literal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Str {
    /// The text between the quotes, exactly as written (escapes included).
    pub raw: String,
    pub quote: Quote,
    pub parts: Vec<TextPart>,
    pub span: Span,
}

impl Str {
    /// The text with escapes resolved and `{name}` left as written.
    #[must_use]
    pub fn plain(&self) -> String {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                TextPart::Literal(s) => out.push_str(s),
                TextPart::Interpolation(n) => {
                    out.push('{');
                    out.push_str(&n.text);
                    out.push('}');
                }
            }
        }
        out
    }
}

/// An integer literal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Int {
    pub value: i64,
    pub span: Span,
}

pub use crate::logic::CmpOp;

/// The leaves of conditions and predicates as written: names with their spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Written;

impl crate::logic::Leaves for Written {
    type Int = Int;
    type Turn = Span;
    type Emotion = Name;
    type Flag = Name;
    type Visits = Name;
    type Counter = Name;
    type Tag = Name;
    type Ending = Name;
    type Always = Cond;
}

/// An arithmetic operand as written.
pub type Operand = crate::logic::Operand<Written>;
/// `a + b - c` as written.
pub type Expr = crate::logic::Expr<Written>;
/// A condition as written (§4).
pub type Cond = crate::logic::Cond<Written>;
/// A rubric predicate as written (§6).
pub type Pred = crate::logic::Pred<Written>;

/// How an effect changes an emotion.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EffectOp {
    Add(i64),
    Assign(i64),
}

/// A transition.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Transition {
    Goto(Name),
    End(Name),
    Stay,
}

/// A variant of a speaker line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Variant {
    pub cond: Cond,
    pub text: Str,
    pub span: Span,
}

/// One statement inside a scene, choice or trigger.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StmtKind {
    Line {
        speaker: Name,
        text: Str,
        cond: Option<Cond>,
        variants: Vec<Variant>,
    },
    Narrate {
        text: Str,
        cond: Option<Cond>,
    },
    Effect {
        target: Name,
        op: EffectOp,
    },
    Set(Name),
    Clear(Name),
    /// `if <cond>: <effect>`: the inner statement (an effect, `set` or `clear`) is made only
    /// when the condition holds.
    Guarded {
        cond: Cond,
        effect: Box<Stmt>,
    },
    Tags(Vec<Name>),
    Coach(Str),
    Transition(Transition),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stmt {
    pub kind: StmtKind,
    pub span: Span,
}

/// `choice [once] "…" [if …]` and its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Choice {
    /// The `choice` keyword.
    pub keyword: Span,
    pub once: bool,
    pub text: Str,
    pub cond: Option<Cond>,
    pub body: Vec<Stmt>,
    pub span: Span,
}

/// `scene <id>`, its statements, its choices and its `otherwise`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scene {
    pub name: Name,
    pub body: Vec<Stmt>,
    pub choices: Vec<Choice>,
    /// The transition and the span of the whole `otherwise` statement.
    pub otherwise: Option<(Transition, Span)>,
    /// Statements written after `otherwise` (reported by the checker).
    pub after_otherwise: Vec<Span>,
}

/// `when <cond>` and its body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub cond: Cond,
    pub body: Vec<Stmt>,
    /// The `when` keyword.
    pub span: Span,
}

/// A rubric rule.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Rule {
    pub title: Option<Str>,
    pub criterion: Option<Name>,
    pub worth: Option<Int>,
    pub critical: bool,
    pub expect: Option<(Pred, Span)>,
    pub pass: Option<Str>,
    pub fail: Option<Str>,
    pub span: Span,
}

/// One item inside a `rubric` block.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RubricItem {
    PassMark(Int, Span),
    Criterion { id: Name, title: Option<Str> },
    Rule(Box<Rule>),
}

/// The outcome of an ending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    Good,
    Neutral,
    Bad,
}

impl Outcome {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Good => "good",
            Outcome::Neutral => "neutral",
            Outcome::Bad => "bad",
        }
    }
}

/// Which kind of character a declaration makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Customer,
    Agent,
    Other,
}

impl Role {
    #[must_use]
    pub fn keyword(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Agent => "agent",
            Role::Other => "character",
        }
    }
}

/// A top-level item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Item {
    Scenario {
        id: Name,
        title: Str,
        span: Span,
    },
    Brief(Str),
    Objective(Str),
    Meta {
        key: Name,
        value: Str,
    },
    Include {
        path: Str,
        span: Span,
    },
    Character {
        role: Role,
        id: Name,
        display: Option<Str>,
        span: Span,
    },
    Emotion {
        id: Name,
        initial: Int,
        range: Option<(Int, Int)>,
    },
    Flag {
        id: Name,
        initial: bool,
    },
    Start(Name),
    Scene(Scene),
    Trigger(Trigger),
    Ending {
        id: Name,
        outcome: Outcome,
        summary: Str,
    },
    Rubric(Vec<RubricItem>),
}

/// A parsed file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct File {
    pub items: Vec<Item>,
    /// Span of the first statement of the file, if any (the header must be it).
    pub first_statement: Option<Span>,
}

impl File {
    /// The `scenario` header, if the file has one.
    #[must_use]
    pub fn header(&self) -> Option<(&Name, &Str, Span)> {
        self.items.iter().find_map(|item| match item {
            Item::Scenario { id, title, span } => Some((id, title, *span)),
            _ => None,
        })
    }
}

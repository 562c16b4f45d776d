//! The shapes of conditions (language.md §4) and rubric predicates (§6), shared by the
//! syntax tree and the resolved scenario.
//!
//! A condition is the same tree before and after name resolution; only its leaves change:
//! in [`crate::ast`] they are names as written (with spans), in [`crate::scenario`] they are
//! indices. Each side names its leaves once, as a [`Leaves`] type, and aliases the generic
//! types here (`ast::Cond = Cond<ast::Written>`, `scenario::Cond = Cond<scenario::Resolved>`),
//! so a new kind of condition is added in one place and both sides must handle it.

use std::fmt::Debug;

/// Comparison operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl CmpOp {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
        }
    }

    #[must_use]
    pub fn eval<T: Ord + Copy>(self, a: T, b: T) -> bool {
        match self {
            CmpOp::Lt => a < b,
            CmpOp::Le => a <= b,
            CmpOp::Gt => a > b,
            CmpOp::Ge => a >= b,
            CmpOp::Eq => a == b,
            CmpOp::Ne => a != b,
        }
    }
}

/// What the leaves of a condition or predicate are on one side of name resolution.
pub trait Leaves: Clone + Debug + PartialEq + Eq {
    /// An integer literal.
    type Int: Clone + Debug + PartialEq + Eq;
    /// The `turn` counter (its span before resolution).
    type Turn: Clone + Debug + PartialEq + Eq;
    /// An emotion read as a number.
    type Emotion: Clone + Debug + PartialEq + Eq;
    /// A flag tested as a condition.
    type Flag: Clone + Debug + PartialEq + Eq;
    /// A scene's visit counter (`visits(s)`, `visited s`).
    type Visits: Clone + Debug + PartialEq + Eq;
    /// A tag's counter in conditions (`count(t)`, `tagged t`).
    type Counter: Clone + Debug + PartialEq + Eq;
    /// A tag in a rubric predicate.
    type Tag: Clone + Debug + PartialEq + Eq;
    /// An ending in a rubric predicate.
    type Ending: Clone + Debug + PartialEq + Eq;
    /// The condition of `always …` (the resolved side keeps an index into a table).
    type Always: Clone + Debug + PartialEq + Eq;
}

/// An arithmetic operand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operand<L: Leaves> {
    Int(L::Int),
    Turn(L::Turn),
    Visits(L::Visits),
    Count(L::Counter),
    Emotion(L::Emotion),
}

/// `a + b - c`: the first operand, then signed operands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Expr<L: Leaves> {
    pub first: Operand<L>,
    /// `(negate, operand)` pairs.
    pub rest: Vec<(bool, Operand<L>)>,
}

/// A condition (§4). `or`/`and` are n-ary, so long chains stay shallow.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond<L: Leaves> {
    Or(Vec<Cond<L>>),
    And(Vec<Cond<L>>),
    Not(Box<Cond<L>>),
    Cmp(Expr<L>, CmpOp, Expr<L>),
    Flag(L::Flag),
    Visited(L::Visits),
    Tagged(L::Counter),
}

/// A rubric predicate (§6).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pred<L: Leaves> {
    Or(Vec<Pred<L>>),
    And(Vec<Pred<L>>),
    Not(Box<Pred<L>>),
    Ever(L::Tag),
    Never(L::Tag),
    Before(L::Tag, L::Tag),
    Within(L::Tag, L::Int),
    Sequence(Vec<L::Tag>),
    Count(L::Tag, CmpOp, L::Int),
    Always(L::Always),
    AtEnd(Cond<L>),
    Ending(Vec<L::Ending>),
}

/// The boolean structure conditions and predicates share: n-ary `or` and `and`, and `not`.
pub trait Junction: Sized {
    fn or(items: Vec<Self>) -> Self;
    fn and(items: Vec<Self>) -> Self;
    fn not(inner: Self) -> Self;
}

impl<L: Leaves> Junction for Cond<L> {
    fn or(items: Vec<Self>) -> Self {
        Cond::Or(items)
    }
    fn and(items: Vec<Self>) -> Self {
        Cond::And(items)
    }
    fn not(inner: Self) -> Self {
        Cond::Not(Box::new(inner))
    }
}

impl<L: Leaves> Junction for Pred<L> {
    fn or(items: Vec<Self>) -> Self {
        Pred::Or(items)
    }
    fn and(items: Vec<Self>) -> Self {
        Pred::And(items)
    }
    fn not(inner: Self) -> Self {
        Pred::Not(Box::new(inner))
    }
}

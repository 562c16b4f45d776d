//! One line's statement, before statements are grouped into blocks.

use crate::ast::{Cond, EffectOp, Int, Name, Outcome, Pred, Role, Str, Transition};
use crate::source::Span;

/// What a statement says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StatementKind {
    Scenario {
        id: Name,
        title: Str,
    },
    Brief(Str),
    Objective(Str),
    Meta {
        key: Name,
        value: Str,
    },
    Include(Str),
    Character {
        role: Role,
        id: Name,
        display: Option<Str>,
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
    Scene(Name),
    When(Cond),
    Ending {
        id: Name,
        outcome: Outcome,
        summary: Str,
    },
    Rubric,
    PassMark(Int),
    PassText(Str),
    Criterion {
        id: Name,
        title: Option<Str>,
    },
    Rule(Str),
    In(Name),
    Worth(Int),
    Critical,
    Expect(Pred),
    FailText(Str),
    Choice {
        once: bool,
        text: Str,
        cond: Option<Cond>,
    },
    Otherwise(Transition),
    Tags(Vec<Name>),
    Coach(Str),
    Narrate {
        text: Str,
        cond: Option<Cond>,
    },
    Set(Name),
    Clear(Name),
    Transition(Transition),
    Variant {
        cond: Cond,
        text: Str,
    },
    /// `if <cond>: <effect>`; the inner statement is an effect, `set` or `clear`.
    Guarded {
        cond: Cond,
        effect: Box<Statement>,
    },
    Speaker {
        speaker: Name,
        text: Str,
        cond: Option<Cond>,
    },
    Effect {
        target: Name,
        op: EffectOp,
    },
}

/// A statement and the span of the whole line's statement (comments excluded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
    /// The span of the statement's first word.
    pub keyword: Span,
}

impl StatementKind {
    /// `if <cond>: "<text>"`.
    pub(super) fn variant(cond: Cond, text: Str) -> Self {
        StatementKind::Variant { cond, text }
    }

    /// `if <cond>: <effect>`.
    pub(super) fn guarded(cond: Cond, effect: Statement) -> Self {
        StatementKind::Guarded {
            cond,
            effect: Box::new(effect),
        }
    }

    /// How the statement is named in messages ("`tags`", "a speaker line").
    #[must_use]
    pub fn describe(&self) -> &'static str {
        match self {
            StatementKind::Scenario { .. } => "`scenario`",
            StatementKind::Brief(_) => "`brief`",
            StatementKind::Objective(_) => "`objective`",
            StatementKind::Meta { .. } => "`meta`",
            StatementKind::Include(_) => "`include`",
            StatementKind::Character { role, .. } => match role {
                Role::Customer => "`customer`",
                Role::Agent => "`agent`",
                Role::Other => "`character`",
            },
            StatementKind::Emotion { .. } => "`emotion`",
            StatementKind::Flag { .. } => "`flag`",
            StatementKind::Start(_) => "`start`",
            StatementKind::Scene(_) => "`scene`",
            StatementKind::When(_) => "`when`",
            StatementKind::Ending { .. } => "`ending`",
            StatementKind::Rubric => "`rubric`",
            StatementKind::PassMark(_) => "`pass` mark",
            StatementKind::PassText(_) => "`pass` feedback",
            StatementKind::Criterion { .. } => "`criterion`",
            StatementKind::Rule(_) => "`rule`",
            StatementKind::In(_) => "`in`",
            StatementKind::Worth(_) => "`worth`",
            StatementKind::Critical => "`critical`",
            StatementKind::Expect(_) => "`expect`",
            StatementKind::FailText(_) => "`fail`",
            StatementKind::Choice { .. } => "`choice`",
            StatementKind::Otherwise(_) => "`otherwise`",
            StatementKind::Tags(_) => "`tags`",
            StatementKind::Coach(_) => "`coach`",
            StatementKind::Narrate { .. } => "`narrate`",
            StatementKind::Set(_) => "`set`",
            StatementKind::Clear(_) => "`clear`",
            StatementKind::Transition(Transition::Goto(_)) => "`goto`",
            StatementKind::Transition(Transition::End(_)) => "`end`",
            StatementKind::Transition(Transition::Stay) => "`stay`",
            StatementKind::Variant { .. } => "a variant (`if …: \"…\"`)",
            StatementKind::Guarded { .. } => "a conditional effect (`if …: …`)",
            StatementKind::Speaker { .. } => "a speaker line",
            StatementKind::Effect { .. } => "an effect",
        }
    }
}

//! pest pairs of one line → a [`Statement`].
//!
//! Error productions of the grammar (unknown statements, keywords used as names, bare
//! conditions in `expect`, unterminated strings, unknown escapes) are reported here, with the
//! statement still built where that lets the rest of the file be checked.

use pest::iterators::Pair;

use super::pairs::Inner;
use super::statement::{Statement, StatementKind};
use super::{statement_words, Rule};
use crate::ast::{
    CmpOp, Cond, EffectOp, Expr, Int, Name, Operand, Outcome, Pred, Quote, Role, Str, TextPart,
    Transition,
};
use crate::diagnostic::{did_you_mean, Code, Diagnostic};
use crate::logic::Junction;
use crate::source::{FileId, Span};

pub(super) struct Builder<'d> {
    file: FileId,
    base: usize,
    diagnostics: &'d mut Vec<Diagnostic>,
}

impl<'d> Builder<'d> {
    pub(super) fn new(file: FileId, base: usize, diagnostics: &'d mut Vec<Diagnostic>) -> Self {
        Builder {
            file,
            base,
            diagnostics,
        }
    }

    fn span(&self, pair: &Pair<'_, Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.file, self.base + s.start(), self.base + s.end())
    }

    fn error(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    /// The statement of a `line` pair, if the line has one.
    pub(super) fn line(&mut self, line: Pair<'_, Rule>) -> Option<Statement> {
        let pair = line.into_inner().find(|p| p.as_rule() != Rule::EOI)?;
        self.statement_pair(pair)
    }

    /// A statement from the pair of its rule.
    pub(super) fn statement_pair(&mut self, pair: Pair<'_, Rule>) -> Option<Statement> {
        let span = self.span(&pair);
        let keyword = pair
            .clone()
            .into_inner()
            .next()
            .map_or(span, |p| self.span(&p));
        let kind = self.statement(pair)?;
        Some(Statement {
            kind,
            span,
            keyword,
        })
    }

    #[allow(clippy::too_many_lines)]
    fn statement(&mut self, pair: Pair<'_, Rule>) -> Option<StatementKind> {
        let rule = pair.as_rule();
        let span = self.span(&pair);
        let mut inner = Inner::new(pair);
        let kind = match rule {
            Rule::scenario_decl => {
                inner.advance();
                let id = self.name(&inner.next()?);
                let title = self.string(inner.next()?);
                StatementKind::Scenario { id, title }
            }
            Rule::brief_decl => StatementKind::Brief(self.string(inner.nth(1)?)),
            Rule::objective_decl => StatementKind::Objective(self.string(inner.nth(1)?)),
            Rule::meta_decl => {
                inner.advance();
                let key = self.plain_name(&inner.next()?);
                StatementKind::Meta {
                    key,
                    value: self.string(inner.next()?),
                }
            }
            Rule::include_decl => StatementKind::Include(self.string(inner.nth(1)?)),
            Rule::customer_decl | Rule::agent_decl | Rule::character_decl => {
                let role = match rule {
                    Rule::customer_decl => Role::Customer,
                    Rule::agent_decl => Role::Agent,
                    _ => Role::Other,
                };
                inner.advance();
                let id = self.name(&inner.next()?);
                let display = inner.next().map(|p| self.string(p));
                StatementKind::Character { role, id, display }
            }
            Rule::emotion_decl => {
                inner.advance();
                let id = self.name(&inner.next()?);
                let initial = self.int(&inner.next()?);
                let range = if inner.next().is_some() {
                    let lo = self.int(&inner.next()?);
                    let hi = self.int(&inner.next()?);
                    Some((lo, hi))
                } else {
                    None
                };
                StatementKind::Emotion { id, initial, range }
            }
            Rule::flag_decl => {
                inner.advance();
                let id = self.name(&inner.next()?);
                let initial = inner.next().is_some_and(|b| {
                    b.into_inner().next().map(|k| k.as_rule()) == Some(Rule::kw_true)
                });
                StatementKind::Flag { id, initial }
            }
            Rule::start_decl => StatementKind::Start(self.name(&inner.nth(1)?)),
            Rule::scene_decl => StatementKind::Scene(self.name(&inner.nth(1)?)),
            Rule::when_decl => StatementKind::When(self.cond(inner.nth(1)?)),
            Rule::ending_decl => {
                inner.advance();
                let id = self.name(&inner.next()?);
                let mut next = inner.next()?;
                let mut outcome = Outcome::Neutral;
                if next.as_rule() == Rule::outcome {
                    outcome = match next.clone().into_inner().next().map(|p| p.as_rule()) {
                        Some(Rule::kw_good) => Outcome::Good,
                        Some(Rule::kw_bad) => Outcome::Bad,
                        _ => Outcome::Neutral,
                    };
                    next = inner.next()?;
                }
                StatementKind::Ending {
                    id,
                    outcome,
                    summary: self.string(next),
                }
            }
            Rule::rubric_decl => StatementKind::Rubric,
            Rule::pass_mark => {
                let percent = inner.nth(1)?;
                StatementKind::PassMark(self.int(&percent.into_inner().next()?))
            }
            Rule::pass_text => StatementKind::PassText(self.string(inner.nth(1)?)),
            Rule::criterion_decl => {
                inner.advance();
                let id = self.name(&inner.next()?);
                let title = inner.next().map(|p| self.string(p));
                StatementKind::Criterion { id, title }
            }
            Rule::rule_decl => StatementKind::Rule(self.string(inner.nth(1)?)),
            Rule::in_decl => StatementKind::In(self.name(&inner.nth(1)?)),
            Rule::worth_decl => StatementKind::Worth(self.int(&inner.nth(1)?)),
            Rule::critical_decl => StatementKind::Critical,
            Rule::expect_decl => StatementKind::Expect(self.pred(inner.nth(1)?)),
            Rule::fail_text => StatementKind::FailText(self.string(inner.nth(1)?)),
            Rule::choice_decl => {
                inner.advance();
                let mut next = inner.next()?;
                let once = next.as_rule() == Rule::once;
                if once {
                    next = inner.next()?;
                }
                let text = self.string(next);
                let cond = inner.nth(1).map(|c| self.cond(c));
                StatementKind::Choice { once, text, cond }
            }
            Rule::otherwise_decl => {
                let target = inner.nth(1)?;
                let transition = self.transition(target)?;
                StatementKind::Otherwise(transition)
            }
            Rule::tags_decl => {
                inner.advance();
                let tags = inner.by_ref().map(|p| self.name(&p)).collect();
                StatementKind::Tags(tags)
            }
            Rule::coach_decl => StatementKind::Coach(self.string(inner.nth(1)?)),
            Rule::narrate_decl => {
                inner.advance();
                let text = self.string(inner.next()?);
                let cond = inner.nth(1).map(|c| self.cond(c));
                StatementKind::Narrate { text, cond }
            }
            Rule::set_decl => StatementKind::Set(self.name(&inner.nth(1)?)),
            Rule::clear_decl => StatementKind::Clear(self.name(&inner.nth(1)?)),
            Rule::goto_decl | Rule::end_decl | Rule::stay_decl => {
                StatementKind::Transition(self.transition(inner.into_pair())?)
            }
            Rule::variant_decl => {
                inner.advance();
                let cond = self.cond(inner.next()?);
                let then = inner.next()?;
                match then.as_rule() {
                    Rule::dq_string | Rule::curly_string => {
                        StatementKind::variant(cond, self.string(then))
                    }
                    _ => StatementKind::guarded(cond, self.statement_pair(then)?),
                }
            }
            Rule::speaker_line => {
                let speaker = self.name(&inner.next()?);
                let text = self.string(inner.next()?);
                let cond = inner.nth(1).map(|c| self.cond(c));
                StatementKind::Speaker {
                    speaker,
                    text,
                    cond,
                }
            }
            Rule::effect_decl => {
                let target = self.name(&inner.next()?);
                let op_pair = inner.next()?;
                let op = match op_pair.as_rule() {
                    Rule::delta => {
                        // The sign belongs to the number, so `-9223372036854775808`, the
                        // smallest i64, is a delta as it is a range bound.
                        let negative = op_pair.as_str().trim_start().starts_with('-');
                        let digits = op_pair.into_inner().next()?;
                        EffectOp::Add(self.signed_int(&digits, negative).value)
                    }
                    _ => EffectOp::Assign(self.int(&op_pair.into_inner().next()?).value),
                };
                StatementKind::Effect { target, op }
            }
            Rule::unknown_statement => {
                let word = inner.next()?;
                let text = word.as_str().to_string();
                let help = did_you_mean(&text, statement_words()).or_else(|| {
                    Some(
                        "a line is a statement such as `choice \"…\"`, `Jake: \"…\"` or \
                         `trust +1`"
                            .to_string(),
                    )
                });
                self.error(
                    Diagnostic::new(
                        Code::UnknownStatement,
                        self.span(&word),
                        format!("unknown statement `{text}`"),
                    )
                    .label("not a statement")
                    .help_opt(help),
                );
                return None;
            }
            _ => {
                self.error(Diagnostic::new(
                    Code::Syntax,
                    span,
                    format!("internal error: unexpected {rule:?} (please report this)"),
                ));
                return None;
            }
        };
        Some(kind)
    }

    fn transition(&mut self, pair: Pair<'_, Rule>) -> Option<Transition> {
        match pair.as_rule() {
            Rule::goto_decl => Some(Transition::Goto(self.name(&pair.into_inner().nth(1)?))),
            Rule::end_decl => Some(Transition::End(self.name(&pair.into_inner().nth(1)?))),
            _ => Some(Transition::Stay),
        }
    }

    /// An identifier, or a keyword used as a name (reported).
    fn name(&mut self, pair: &Pair<'_, Rule>) -> Name {
        let name = self.plain_name(pair);
        if pair.as_rule() == Rule::reserved_name {
            self.error(
                Diagnostic::new(
                    Code::ReservedName,
                    name.span,
                    format!(
                        "`{}` is a reserved word and cannot be used as a name",
                        name.text
                    ),
                )
                .label("reserved word")
                .help(format!(
                    "choose another name, such as `{}_1`; keywords are reserved everywhere",
                    name.text
                )),
            );
        }
        name
    }

    fn plain_name(&self, pair: &Pair<'_, Rule>) -> Name {
        Name {
            text: pair.as_str().to_string(),
            span: self.span(pair),
        }
    }

    fn int(&mut self, pair: &Pair<'_, Rule>) -> Int {
        self.signed_int(pair, false)
    }

    /// An integer whose minus sign, when `negative`, was written before `pair`.
    fn signed_int(&mut self, pair: &Pair<'_, Rule>, negative: bool) -> Int {
        let span = self.span(pair);
        let text = if negative {
            format!("-{}", pair.as_str())
        } else {
            pair.as_str().to_string()
        };
        let value = if let Ok(v) = text.parse::<i64>() {
            v
        } else {
            self.error(
                Diagnostic::new(
                    Code::NumberOutOfRange,
                    span,
                    format!(
                        "the number `{text}` is too {}",
                        if negative { "small" } else { "large" }
                    ),
                )
                .label("out of range")
                .help("numbers must lie between -9223372036854775808 and 9223372036854775807"),
            );
            0
        };
        Int { value, span }
    }

    /// A string literal: escapes resolved, interpolations split out.
    fn string(&mut self, pair: Pair<'_, Rule>) -> Str {
        let span = self.span(&pair);
        let quote = if pair.as_rule() == Rule::curly_string {
            Quote::Typographic
        } else {
            Quote::Straight
        };
        let mut inner = pair.into_inner();
        let text = inner.next();
        let close = inner.next();
        let (raw, text_start) = text.map_or((String::new(), span.start as usize + 1), |t| {
            (t.as_str().to_string(), self.base + t.as_span().start())
        });
        if close.is_some_and(|c| c.as_str().is_empty()) {
            let closing = if quote == Quote::Straight {
                "\""
            } else {
                "”"
            };
            self.error(
                Diagnostic::new(
                    Code::UnterminatedString,
                    span,
                    "this string is never closed",
                )
                .label("unterminated string")
                .help(format!(
                    "add the closing `{closing}` before the end of the line (a string cannot span lines; write `\\n` for a line break)"
                )),
            );
        }
        let parts = self.text_parts(&raw, text_start);
        Str {
            raw,
            quote,
            parts,
            span,
        }
    }

    fn text_parts(&mut self, raw: &str, start: usize) -> Vec<TextPart> {
        let mut parts = Vec::new();
        let mut literal = String::new();
        let mut chars = raw.char_indices().peekable();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    let Some((_, e)) = chars.next() else {
                        self.error(
                            Diagnostic::new(
                                Code::BadEscape,
                                Span::new(self.file, start + i, start + i + 1),
                                "a backslash at the end of a string escapes nothing",
                            )
                            .label("lone backslash")
                            .help("write `\\\\` for a backslash"),
                        );
                        continue;
                    };
                    match e {
                        '"' | '\\' | '{' | '}' | '“' | '”' => literal.push(e),
                        'n' => literal.push('\n'),
                        other => {
                            let end = start + i + 1 + other.len_utf8();
                            self.error(
                                Diagnostic::new(
                                    Code::BadEscape,
                                    Span::new(self.file, start + i, end),
                                    format!("unknown escape `\\{other}`"),
                                )
                                .label("unknown escape")
                                .help(
                                    "the escapes are `\\\"` `\\\\` `\\n` `\\{` `\\}`; write `\\\\` for a backslash",
                                ),
                            );
                        }
                    }
                }
                '{' => {
                    let rest = &raw[i + 1..];
                    let close = rest.find('}');
                    let candidate = close.map(|c| &rest[..c]);
                    match candidate {
                        Some(name) if is_identifier(name.trim()) => {
                            if !literal.is_empty() {
                                parts.push(TextPart::Literal(std::mem::take(&mut literal)));
                            }
                            let lead = name.len() - name.trim_start().len();
                            let name_start = start + i + 1 + lead;
                            parts.push(TextPart::Interpolation(Name {
                                text: name.trim().to_string(),
                                span: Span::new(
                                    self.file,
                                    name_start,
                                    name_start + name.trim().len(),
                                ),
                            }));
                            for _ in 0..=name.chars().count() {
                                chars.next();
                            }
                        }
                        _ => {
                            self.error(
                                Diagnostic::new(
                                    Code::BadBrace,
                                    Span::new(self.file, start + i, start + i + 1),
                                    "`{` must enclose a name, such as `{Jake}` or `{trust}`",
                                )
                                .label("unescaped brace")
                                .help("write `\\{` for a literal brace"),
                            );
                        }
                    }
                }
                '}' => {
                    self.error(
                        Diagnostic::new(
                            Code::BadBrace,
                            Span::new(self.file, start + i, start + i + 1),
                            "`}` without a matching `{`",
                        )
                        .label("unescaped brace")
                        .help("write `\\}` for a literal brace"),
                    );
                }
                other => literal.push(other),
            }
        }
        if !literal.is_empty() || parts.is_empty() {
            parts.push(TextPart::Literal(literal));
        }
        parts
    }

    /// `a or b or c` (with `join` = `or`) and `a and b` (`and`): the operands built by
    /// `each`; a single operand stands for itself.
    fn junction<T: Junction>(
        &mut self,
        pair: Pair<'_, Rule>,
        join: fn(Vec<T>) -> T,
        each: fn(&mut Self, Pair<'_, Rule>) -> T,
    ) -> T {
        let mut items: Vec<T> = pair
            .into_inner()
            .filter(|p| !matches!(p.as_rule(), Rule::kw_or | Rule::kw_and))
            .map(|p| each(self, p))
            .collect();
        if items.len() == 1 {
            items.pop().unwrap_or_else(|| T::and(Vec::new()))
        } else {
            join(items)
        }
    }

    /// `not not a`: the operand built by `each`, negated once per `not`.
    fn negation<T: Junction>(
        &mut self,
        pair: Pair<'_, Rule>,
        each: fn(&mut Self, Pair<'_, Rule>) -> T,
    ) -> T {
        let mut nots = 0;
        let mut atom = None;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::not_op {
                nots += 1;
            } else {
                atom = Some(each(self, p));
            }
        }
        let mut out = atom.unwrap_or_else(|| T::and(Vec::new()));
        for _ in 0..nots {
            out = T::not(out);
        }
        out
    }

    fn cond(&mut self, pair: Pair<'_, Rule>) -> Cond {
        match pair.as_rule() {
            Rule::condition => self.junction(pair, Cond::or, Self::cond),
            Rule::cond_and => self.junction(pair, Cond::and, Self::cond),
            Rule::cond_not => self.negation(pair, Self::cond),
            Rule::paren_cond => match pair.into_inner().next() {
                Some(p) => self.cond(p),
                None => Cond::And(Vec::new()),
            },
            Rule::comparison => {
                let mut inner = pair.into_inner();
                let (Some(lhs), Some(op), Some(rhs)) = (inner.next(), inner.next(), inner.next())
                else {
                    return Cond::And(Vec::new());
                };
                Cond::Cmp(self.expr(lhs), cmp_op(op.as_str()), self.expr(rhs))
            }
            Rule::visited_test => match pair.into_inner().nth(1) {
                Some(p) => Cond::Visited(self.name(&p)),
                None => Cond::And(Vec::new()),
            },
            Rule::tagged_test => match pair.into_inner().nth(1) {
                Some(p) => Cond::Tagged(self.name(&p)),
                None => Cond::And(Vec::new()),
            },
            _ => Cond::Flag(self.plain_name(&pair)),
        }
    }

    fn expr(&mut self, pair: Pair<'_, Rule>) -> Expr {
        let mut first = None;
        let mut rest = Vec::new();
        let mut negate = false;
        for p in pair.into_inner() {
            if p.as_rule() == Rule::arith_op {
                negate = p.as_str() == "-";
                continue;
            }
            let operand = self.operand(p);
            if first.is_none() {
                first = Some(operand);
            } else {
                rest.push((negate, operand));
            }
        }
        Expr {
            first: first.unwrap_or(Operand::Int(Int {
                value: 0,
                span: Span::default(),
            })),
            rest,
        }
    }

    fn operand(&mut self, pair: Pair<'_, Rule>) -> Operand {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::int => Operand::Int(self.int(&pair)),
            Rule::turn_ref => Operand::Turn(span),
            Rule::visits_ref => match pair.into_inner().nth(1) {
                Some(p) => Operand::Visits(self.name(&p)),
                None => Operand::Turn(span),
            },
            Rule::count_ref => match pair.into_inner().nth(1) {
                Some(p) => Operand::Count(self.name(&p)),
                None => Operand::Turn(span),
            },
            _ => Operand::Emotion(self.plain_name(&pair)),
        }
    }

    fn pred(&mut self, pair: Pair<'_, Rule>) -> Pred {
        let span = self.span(&pair);
        match pair.as_rule() {
            Rule::predicate => self.junction(pair, Pred::or, Self::pred),
            Rule::pred_and => self.junction(pair, Pred::and, Self::pred),
            Rule::pred_not => self.negation(pair, Self::pred),
            Rule::paren_pred => match pair.into_inner().next() {
                Some(p) => self.pred(p),
                None => Pred::And(Vec::new()),
            },
            Rule::ever_pred | Rule::never_pred => {
                let ever = pair.as_rule() == Rule::ever_pred;
                match pair.into_inner().nth(1) {
                    Some(p) if ever => Pred::Ever(self.name(&p)),
                    Some(p) => Pred::Never(self.name(&p)),
                    None => Pred::And(Vec::new()),
                }
            }
            Rule::always_pred => match pair.into_inner().nth(1) {
                Some(c) => Pred::Always(self.cond(c)),
                None => Pred::And(Vec::new()),
            },
            Rule::at_end_pred => match pair.into_inner().nth(2) {
                Some(c) => Pred::AtEnd(self.cond(c)),
                None => Pred::And(Vec::new()),
            },
            Rule::ending_pred | Rule::sequence_pred => {
                let ending = pair.as_rule() == Rule::ending_pred;
                let names: Vec<Name> = pair.into_inner().skip(1).map(|p| self.name(&p)).collect();
                if ending {
                    Pred::Ending(names)
                } else {
                    Pred::Sequence(names)
                }
            }
            Rule::count_pred => {
                let mut inner = pair.into_inner().skip(1);
                let (Some(tag), Some(op), Some(n)) = (inner.next(), inner.next(), inner.next())
                else {
                    return Pred::And(Vec::new());
                };
                let tag = self.name(&tag);
                Pred::Count(tag, cmp_op(op.as_str()), self.int(&n))
            }
            Rule::within_pred => {
                let mut inner = pair.into_inner();
                let (Some(tag), Some(_), Some(n)) = (inner.next(), inner.next(), inner.next())
                else {
                    return Pred::And(Vec::new());
                };
                let tag = self.name(&tag);
                Pred::Within(tag, self.int(&n))
            }
            Rule::before_pred => {
                let mut inner = pair.into_inner();
                let (Some(a), Some(_), Some(b)) = (inner.next(), inner.next(), inner.next()) else {
                    return Pred::And(Vec::new());
                };
                Pred::Before(self.name(&a), self.name(&b))
            }
            _ => {
                let text = pair.as_str().trim().to_string();
                self.error(
                    Diagnostic::new(
                        Code::BareCondition,
                        span,
                        "a condition on its own is not a rubric predicate",
                    )
                    .label("bare condition")
                    .help(format!(
                        "say when it must hold: `at end {text}` or `always {text}`"
                    )),
                );
                Pred::And(Vec::new())
            }
        }
    }
}

fn cmp_op(text: &str) -> CmpOp {
    match text {
        "<" => CmpOp::Lt,
        "<=" => CmpOp::Le,
        ">" => CmpOp::Gt,
        ">=" => CmpOp::Ge,
        "==" => CmpOp::Eq,
        _ => CmpOp::Ne,
    }
}

fn is_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphabetic() || c.is_ascii_digit() || c == '_')
}

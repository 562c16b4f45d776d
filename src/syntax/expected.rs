//! pest errors → diagnostics in plain words.
//!
//! Every grammar rule has a phrase in [`phrase`], an exhaustive `match` with no catch-all, so
//! a new rule cannot be added without saying how it reads in an error.

use pest::error::{ErrorVariant, InputLocation};

use super::Rule;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

/// How a rule reads in "expected …"; `None` for rules that never appear there usefully.
#[allow(clippy::too_many_lines)]
fn phrase(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::EOI => "the end of the line",
        Rule::WHITESPACE
        | Rule::COMMENT
        | Rule::ident_start
        | Rule::ident_char
        | Rule::keyword
        | Rule::statement => return None,
        Rule::name => "a name",
        Rule::string => "a string in quotes",
        Rule::cond_atom => "a condition",
        Rule::operand => "a value",
        Rule::pred_atom => "a rubric predicate (`ever`, `never`, `before`, `at end`…)",
        Rule::ident | Rule::reserved_name | Rule::meta_key | Rule::var_ref | Rule::flag_test => {
            "a name"
        }
        Rule::int | Rule::digits => "a number",
        Rule::percent => "a percentage such as `70%`",
        Rule::escape | Rule::dq_text | Rule::curly_text => "text",
        Rule::dq_close => "a closing `\"`",
        Rule::curly_close => "a closing `”`",
        Rule::dq_string | Rule::curly_string => "a string in quotes",
        Rule::kw_scenario => "`scenario`",
        Rule::kw_brief => "`brief`",
        Rule::kw_objective => "`objective`",
        Rule::kw_meta => "`meta`",
        Rule::kw_include => "`include`",
        Rule::kw_customer => "`customer`",
        Rule::kw_agent => "`agent`",
        Rule::kw_character => "`character`",
        Rule::kw_emotion => "`emotion`",
        Rule::kw_flag => "`flag`",
        Rule::kw_in => "`in`",
        Rule::kw_true => "`true`",
        Rule::kw_false => "`false`",
        Rule::kw_start => "`start`",
        Rule::kw_scene => "`scene`",
        Rule::kw_when => "`when`",
        Rule::kw_ending => "`ending`",
        Rule::kw_good => "`good`",
        Rule::kw_neutral => "`neutral`",
        Rule::kw_bad => "`bad`",
        Rule::kw_rubric => "`rubric`",
        Rule::kw_pass => "`pass`",
        Rule::kw_criterion => "`criterion`",
        Rule::kw_rule => "`rule`",
        Rule::kw_worth => "`worth`",
        Rule::kw_critical => "`critical`",
        Rule::kw_expect => "`expect`",
        Rule::kw_fail => "`fail`",
        Rule::kw_choice => "`choice`",
        Rule::kw_once | Rule::once => "`once`",
        Rule::kw_if => "`if`",
        Rule::kw_tags => "`tags`",
        Rule::kw_coach => "`coach`",
        Rule::kw_narrate => "`narrate`",
        Rule::kw_set => "`set`",
        Rule::kw_clear => "`clear`",
        Rule::kw_goto => "`goto`",
        Rule::kw_end => "`end`",
        Rule::kw_stay => "`stay`",
        Rule::kw_otherwise => "`otherwise`",
        Rule::kw_or => "`or`",
        Rule::kw_and => "`and`",
        Rule::kw_not | Rule::not_op => "`not`",
        Rule::kw_turn | Rule::turn_ref => "`turn`",
        Rule::kw_visits | Rule::visits_ref => "`visits(…)`",
        Rule::kw_count | Rule::count_ref => "`count(…)`",
        Rule::kw_visited | Rule::visited_test => "`visited`",
        Rule::kw_tagged | Rule::tagged_test => "`tagged`",
        Rule::kw_ever | Rule::ever_pred => "`ever`",
        Rule::kw_never | Rule::never_pred => "`never`",
        Rule::kw_before => "`before`",
        Rule::kw_within => "`within`",
        Rule::kw_turns => "`turns`",
        Rule::kw_sequence | Rule::sequence_pred => "`sequence`",
        Rule::kw_always | Rule::always_pred => "`always`",
        Rule::kw_at | Rule::at_end_pred => "`at end`",
        Rule::file | Rule::line => "a statement",
        Rule::scenario_decl
        | Rule::brief_decl
        | Rule::objective_decl
        | Rule::meta_decl
        | Rule::include_decl
        | Rule::customer_decl
        | Rule::agent_decl
        | Rule::character_decl
        | Rule::emotion_decl
        | Rule::flag_decl
        | Rule::start_decl
        | Rule::scene_decl
        | Rule::when_decl
        | Rule::ending_decl
        | Rule::rubric_decl
        | Rule::pass_mark
        | Rule::pass_text
        | Rule::criterion_decl
        | Rule::rule_decl
        | Rule::in_decl
        | Rule::worth_decl
        | Rule::critical_decl
        | Rule::expect_decl
        | Rule::fail_text
        | Rule::choice_decl
        | Rule::otherwise_decl
        | Rule::tags_decl
        | Rule::coach_decl
        | Rule::narrate_decl
        | Rule::set_decl
        | Rule::clear_decl
        | Rule::goto_decl
        | Rule::end_decl
        | Rule::stay_decl
        | Rule::variant_decl
        | Rule::speaker_line
        | Rule::effect_decl
        | Rule::unknown_statement
        | Rule::rest => "a statement",
        Rule::bool_lit => "`true` or `false`",
        Rule::outcome => "`good`, `neutral` or `bad`",
        Rule::delta => "`+N` or `-N`",
        Rule::assign => "`= N`",
        Rule::condition | Rule::cond_and | Rule::cond_not | Rule::paren_cond => "a condition",
        Rule::comparison => "a comparison",
        Rule::cmp_op => "a comparison (`<`, `<=`, `>`, `>=`, `==`, `!=`)",
        Rule::arith_op => "`+` or `-`",
        Rule::expr => "a value",
        Rule::predicate
        | Rule::pred_and
        | Rule::pred_not
        | Rule::paren_pred
        | Rule::bare_condition => "a rubric predicate (`ever`, `never`, `before`, `at end`…)",
        Rule::ending_pred => "`ending`",
        Rule::count_pred => "`count`",
        Rule::within_pred => "`within`",
        Rule::before_pred => "`before`",
    })
}

/// Joins phrases as "a, b or c".
fn join(phrases: &[&str]) -> String {
    match phrases {
        [] => String::new(),
        [one] => (*one).to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Turns a pest error on one line into a diagnostic.
pub(super) fn diagnostic(
    file: FileId,
    line_start: usize,
    line: &str,
    error: &pest::error::Error<Rule>,
) -> Diagnostic {
    let at = match error.location {
        InputLocation::Pos(p) | InputLocation::Span((p, _)) => p.min(line.len()),
    };
    let found = describe_found(&line[at..]);
    let end = at + line[at..].chars().next().map_or(0, char::len_utf8);
    let span = Span::new(file, line_start + at, line_start + end);
    let mut phrases: Vec<&str> = match &error.variant {
        ErrorVariant::ParsingError { positives, .. } => {
            positives.iter().filter_map(|r| phrase(*r)).collect()
        }
        ErrorVariant::CustomError { .. } => Vec::new(),
    };
    phrases.sort_unstable();
    phrases.dedup();
    let first_word = line.len() - line.trim_start().len();
    let message = if phrases.is_empty() || (at == first_word && phrases.contains(&"a statement")) {
        format!("expected a statement, found {found}")
    } else {
        format!("expected {}, found {found}", join(&phrases))
    };
    let help = hint(line, at);
    let diagnostic = Diagnostic::new(Code::Syntax, span, message).label("here");
    match help {
        Some(h) => diagnostic.help(h),
        None => diagnostic,
    }
}

fn describe_found(rest: &str) -> String {
    let rest = rest.trim_end();
    if rest.is_empty() {
        return "the end of the line".to_string();
    }
    let token: String = if rest.starts_with(|c: char| c.is_alphanumeric() || c == '_') {
        rest.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    } else {
        rest.chars().take(1).collect()
    };
    format!("`{token}`")
}

/// A likely fix for common shapes.
fn hint(line: &str, at: usize) -> Option<String> {
    let trimmed = line.trim_start();
    let rest = &line[at..];
    if trimmed.starts_with('"') || trimmed.starts_with('“') {
        return Some("a speaker line names its speaker first: `Jake: \"…\"`".to_string());
    }
    if rest.starts_with('\'') {
        return Some("strings use double quotes: `\"…\"`".to_string());
    }
    let opened = line[..at].matches('(').count();
    let closed = line[..at].matches(')').count();
    if opened > closed && !rest.starts_with(')') {
        return Some(format!(
            "{} `(` {} not closed: add `)`",
            opened - closed,
            if opened - closed == 1 { "is" } else { "are" }
        ));
    }
    if rest.starts_with("&&") || rest.starts_with("||") {
        return Some("write `and` / `or`".to_string());
    }
    if rest.starts_with('!') && !rest.starts_with("!=") {
        return Some("write `not`".to_string());
    }
    None
}

//! Syntax: source text → [`ast::File`](crate::ast::File) with spans.
//!
//! The only code that touches pest. A file is split into lines and each line is parsed with
//! the grammar's `line` rule, so every bad line gets its own diagnostic; `build` turns a line's
//! pairs into a [`Statement`], and `structure` groups statements into scenes, choices, triggers
//! and rubric rules by their keywords (indentation is not significant).
//!
//! Design note: nesting is checked on the raw line before pest runs, so no stage (pest, the
//! builder, the checker, `Drop`) ever recurses deeper than [`MAX_NESTING`].

mod build;
mod expected;
mod pairs;
mod shift;
mod statement;
mod structure;

use pest::Parser as _;
use pest_derive::Parser;

use crate::ast;
use crate::diagnostic::{Code, Diagnostic};
use crate::source::{FileId, Span};

pub use statement::{Statement, StatementKind};

/// The pest parser generated from `grammar/scenario.pest`.
#[derive(Parser)]
#[grammar = "grammar/scenario.pest"]
pub(crate) struct ScenarioParser;

/// Deepest nesting of parentheses and `not` a condition or predicate may have.
pub const MAX_NESTING: usize = 64;

/// Most words (names, numbers, operators, punctuation; strings and comments excluded) one
/// line may have. Parsing a line costs memory per word (pest's tokens, then the syntax tree),
/// so a single generated line of millions of `or`s is refused before pest runs, instead of
/// taking a hundred times the file's size (issue 14.13). A hand-written line has a few dozen.
pub const MAX_WORDS: usize = 10_000;

/// Every reserved word of the language, in the grammar's order.
pub const KEYWORDS: &[&str] = &[
    "scenario",
    "brief",
    "objective",
    "meta",
    "include",
    "customer",
    "agent",
    "character",
    "emotion",
    "flag",
    "in",
    "true",
    "false",
    "start",
    "scene",
    "when",
    "ending",
    "good",
    "neutral",
    "bad",
    "rubric",
    "pass",
    "criterion",
    "rule",
    "worth",
    "critical",
    "expect",
    "fail",
    "choice",
    "once",
    "if",
    "tags",
    "coach",
    "narrate",
    "set",
    "clear",
    "goto",
    "end",
    "stay",
    "otherwise",
    "or",
    "and",
    "not",
    "turn",
    "visits",
    "count",
    "visited",
    "tagged",
    "ever",
    "never",
    "before",
    "within",
    "turns",
    "sequence",
    "always",
    "at",
];

/// Words that start a top-level statement (also offered by the language server's completion).
pub const TOP_LEVEL_WORDS: &[&str] = &[
    "scenario",
    "brief",
    "objective",
    "meta",
    "include",
    "customer",
    "agent",
    "character",
    "emotion",
    "flag",
    "start",
    "scene",
    "when",
    "ending",
    "rubric",
];

/// Words that start a statement inside a rubric, scene, choice or trigger.
pub const INNER_WORDS: &[&str] = &[
    "pass",
    "criterion",
    "rule",
    "in",
    "worth",
    "critical",
    "expect",
    "fail",
    "choice",
    "otherwise",
    "tags",
    "coach",
    "narrate",
    "set",
    "clear",
    "goto",
    "end",
    "stay",
    "if",
];

/// Words that may start a statement (for "did you mean" on an unknown statement).
pub fn statement_words() -> impl Iterator<Item = &'static str> {
    TOP_LEVEL_WORDS.iter().chain(INNER_WORDS).copied()
}

#[must_use]
pub fn is_keyword(word: &str) -> bool {
    KEYWORDS.contains(&word)
}

/// The result of parsing one file.
#[derive(Debug, Default)]
pub struct Parsed {
    pub file: ast::File,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// Whether any line failed to parse and was dropped (the checker then reports only the
    /// syntax errors, since the file's structure is unknown).
    #[must_use]
    pub fn has_syntax_errors(&self) -> bool {
        self.diagnostics.iter().any(|d| {
            matches!(
                d.code,
                Code::Syntax | Code::UnknownStatement | Code::TooDeep | Code::TooLong
            )
        })
    }
}

/// Codes produced while reading lines (as opposed to grouping them).
#[must_use]
pub fn is_syntax_code(code: Code) -> bool {
    matches!(
        code,
        Code::Syntax
            | Code::UnknownStatement
            | Code::UnterminatedString
            | Code::BadEscape
            | Code::ReservedName
            | Code::BadBrace
            | Code::TooDeep
            | Code::TooLong
            | Code::NumberOutOfRange
            | Code::BareCondition
    )
}

/// Parses a whole file.
#[must_use]
pub fn parse(file: FileId, text: &str) -> Parsed {
    let mut diagnostics = Vec::new();
    let statements = statements(file, text, &mut diagnostics);
    let ast = structure::group(statements, text, &mut diagnostics);
    Parsed {
        file: ast,
        diagnostics,
    }
}

/// Parses every line of a file into statements, reporting lines that do not parse.
pub fn statements(file: FileId, text: &str, diagnostics: &mut Vec<Diagnostic>) -> Vec<Statement> {
    let mut out = Vec::new();
    let mut offset = 0;
    LINE_CACHE.with_borrow_mut(|cache| {
        for raw in text.split('\n') {
            let start = offset;
            offset += raw.len() + 1;
            let line = raw.strip_suffix('\r').unwrap_or(raw);
            let trimmed = line.trim_start_matches([' ', '\t', '\u{FEFF}']);
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let place = shift::Place {
                file,
                offset: u32::try_from(start).unwrap_or(u32::MAX),
            };
            let parsed = match cache {
                Some(cache) => cache.get_or_parse(line),
                None => parse_line(line),
            };
            let (statement, found) = parsed;
            for mut d in found {
                place.diagnostic(&mut d);
                diagnostics.push(d);
            }
            if let Some(mut statement) = statement {
                place.statement(&mut statement);
                out.push(statement);
            }
        }
    });
    out
}

/// One line's statement and diagnostics, with spans relative to the line's start.
type ParsedLine = (Option<Statement>, Vec<Diagnostic>);

/// Parses one line (without its line end), spans relative to its start in file 0.
fn parse_line(line: &str) -> ParsedLine {
    let file = FileId(0);
    let mut diagnostics = Vec::new();
    let trimmed = line.trim_start_matches([' ', '\t', '\u{FEFF}']);
    if let Some(at) = too_deep(line) {
        diagnostics.push(
            Diagnostic::new(
                Code::TooDeep,
                Span::new(file, at, at + 1),
                format!("this is nested more than {MAX_NESTING} levels deep"),
            )
            .label("too deep")
            .help("split the condition into simpler ones"),
        );
        return (None, diagnostics);
    }
    if let Some((at, c)) = invisible(line) {
        let (name, fix) = invisible_name(c);
        diagnostics.push(
            Diagnostic::new(
                Code::Syntax,
                Span::new(file, at, at + c.len_utf8()),
                format!(
                    "this line contains U+{:04X} {name}, an invisible character that is not a space here",
                    u32::from(c)
                ),
            )
            .label(format!("U+{:04X} {name}", u32::from(c)))
            .help(fix),
        );
        return (None, diagnostics);
    }
    if let Some(at) = too_many_words(line) {
        diagnostics.push(
            Diagnostic::new(
                Code::TooLong,
                Span::new(file, at, at + 1),
                format!("this line has more than {MAX_WORDS} words outside its strings"),
            )
            .label("the limit is reached here")
            .help(
                "a condition this long is unreadable: split it across choices or lines, \
                 or track what it tests with a flag set where it happens",
            ),
        );
        return (None, diagnostics);
    }
    // Fast path: enter the grammar at the statement its first word names.
    let indent = line.len() - trimmed.len();
    if let Some(rule) = entry_rule(trimmed) {
        if let Ok(mut pairs) = ScenarioParser::parse(rule, trimmed) {
            if let Some(pair) = pairs.next() {
                let rest = trimmed[pair.as_span().end()..].trim_start_matches([' ', '\t', '\r']);
                if rest.is_empty() || rest.starts_with('#') {
                    let mut builder = build::Builder::new(file, indent, &mut diagnostics);
                    let statement = builder.statement_pair(pair);
                    return (statement, diagnostics);
                }
            }
        }
    }
    // The whole line rule: for statements without a keyword of their own, and for the
    // error message when the fast path failed.
    match ScenarioParser::parse(Rule::line, line) {
        Ok(mut pairs) => {
            let Some(line_pair) = pairs.next() else {
                return (None, diagnostics);
            };
            let mut builder = build::Builder::new(file, 0, &mut diagnostics);
            let statement = builder.line(line_pair);
            (statement, diagnostics)
        }
        Err(error) => {
            diagnostics.push(
                borrowed_if(line).unwrap_or_else(|| expected::diagnostic(file, 0, line, &error)),
            );
            (None, diagnostics)
        }
    }
}

/// An ink- or Yarn-style `if COND` block line (`if trust >= 4`, `<<if $trust >= 4>>`), which
/// authors coming from those languages write: say what to write instead.
fn borrowed_if(line: &str) -> Option<Diagnostic> {
    let trimmed = line.trim_start_matches([' ', '\t', '\u{FEFF}']);
    let indent = line.len() - trimmed.len();
    let (word, yarn) = if trimmed.starts_with("<<if") {
        ("<<if", true)
    } else if trimmed.starts_with("if ") || trimmed.starts_with("if(") {
        ("if", false)
    } else {
        return None;
    };
    // A variant (`if cond: "text"`) that failed for another reason keeps its own message.
    if !yarn && trimmed.contains(':') {
        return None;
    }
    let span = Span::new(FileId(0), indent, indent + word.len());
    Some(
        Diagnostic::new(
            Code::Syntax,
            span,
            "a condition cannot open a block here: Rapport puts the `if` at the end of the line it guards",
        )
        .label(if yarn { "a Yarn-style condition" } else { "an `if` block, as in ink or Yarn" })
        .help(
            "guard each line itself: an effect with `if trust >= 4: anger -1`, a choice with \
             `choice \"…\" if trust >= 4`, a line with `Jake: \"…\" if trust >= 4`, or a \
             variant under a speaker line with `if trust >= 4: \"…\"`",
        ),
    )
}

/// Parsed lines by their text, for a thread that parses the same file again and again (a
/// language server re-checking after each edit): an unchanged line is not parsed again,
/// wherever it moved. Off unless [`cache_lines`] turned it on for the thread.
#[derive(Default)]
pub struct LineCache {
    lines: rustc_hash::FxHashMap<String, ParsedLine>,
}

/// Most lines the cache keeps; past this it starts afresh.
const LINE_CACHE_LIMIT: usize = 1 << 20;

impl LineCache {
    fn get_or_parse(&mut self, line: &str) -> ParsedLine {
        if let Some(hit) = self.lines.get(line) {
            return hit.clone();
        }
        let parsed = parse_line(line);
        if self.lines.len() >= LINE_CACHE_LIMIT {
            self.lines.clear();
        }
        self.lines.insert(line.to_string(), parsed.clone());
        parsed
    }
}

thread_local! {
    static LINE_CACHE: std::cell::RefCell<Option<LineCache>> =
        const { std::cell::RefCell::new(None) };
}

/// Turns the line cache on (or off) for the calling thread. Results are the same either
/// way; only the time differs.
pub fn cache_lines(on: bool) {
    LINE_CACHE.with_borrow_mut(|cache| {
        *cache = on.then(LineCache::default);
    });
}

/// The statement rule a line's first word selects, when it selects exactly one.
fn entry_rule(line: &str) -> Option<Rule> {
    let word_end = line
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(line.len());
    let word = &line[..word_end];
    Some(match word {
        "scenario" => Rule::scenario_decl,
        "brief" => Rule::brief_decl,
        "objective" => Rule::objective_decl,
        "meta" => Rule::meta_decl,
        "include" => Rule::include_decl,
        "customer" => Rule::customer_decl,
        "agent" => Rule::agent_decl,
        "character" => Rule::character_decl,
        "emotion" => Rule::emotion_decl,
        "flag" => Rule::flag_decl,
        "start" => Rule::start_decl,
        "scene" => Rule::scene_decl,
        "when" => Rule::when_decl,
        "ending" => Rule::ending_decl,
        "rubric" => Rule::rubric_decl,
        "criterion" => Rule::criterion_decl,
        "rule" => Rule::rule_decl,
        "in" => Rule::in_decl,
        "worth" => Rule::worth_decl,
        "critical" => Rule::critical_decl,
        "expect" => Rule::expect_decl,
        "fail" => Rule::fail_text,
        "choice" => Rule::choice_decl,
        "otherwise" => Rule::otherwise_decl,
        "tags" => Rule::tags_decl,
        "coach" => Rule::coach_decl,
        "narrate" => Rule::narrate_decl,
        "set" => Rule::set_decl,
        "clear" => Rule::clear_decl,
        "goto" => Rule::goto_decl,
        "end" => Rule::end_decl,
        "stay" => Rule::stay_decl,
        "if" => Rule::variant_decl,
        "" => return None,
        _ if is_keyword(word) => return None,
        _ => match line[word_end..]
            .trim_start_matches([' ', '\t'])
            .chars()
            .next()
        {
            Some(':') => Rule::speaker_line,
            Some('+' | '-' | '=') => Rule::effect_decl,
            _ => return None,
        },
    })
}

/// The first character outside strings and comments that looks like a space, or like
/// nothing, but is not one the grammar reads (a no-break space pasted from a word
/// processor, a form feed, a zero-width space…), with its byte offset.
fn invisible(line: &str) -> Option<(usize, char)> {
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if let Some(close) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == close {
                quote = None;
            }
            continue;
        }
        match c {
            '"' => quote = Some('"'),
            '“' => quote = Some('”'),
            '#' => return None,
            ' ' | '\t' | '\r' | '\u{FEFF}' => {}
            c if c.is_control() || c.is_whitespace() || is_format(c) => return Some((i, c)),
            _ => {}
        }
    }
    None
}

/// Invisible formatting characters (Unicode category Cf) that are commonly pasted.
fn is_format(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}')
}

/// The Unicode name of an invisible character, and how to fix a line holding it.
fn invisible_name(c: char) -> (&'static str, &'static str) {
    const SPACE: &str = "replace it with a plain space (word processors and web pages insert it)";
    const DELETE: &str = "delete it (it is invisible, and often pasted from a web page)";
    match c {
        '\u{000B}' => (
            "LINE TABULATION",
            "replace it with a plain space or a line break",
        ),
        '\u{000C}' => ("FORM FEED", "delete it, or replace it with a line break"),
        '\u{0085}' => ("NEXT LINE", "replace it with a line break"),
        '\u{00A0}' => ("NO-BREAK SPACE", SPACE),
        '\u{00AD}' => ("SOFT HYPHEN", DELETE),
        '\u{1680}' => ("OGHAM SPACE MARK", SPACE),
        '\u{2000}' => ("EN QUAD", SPACE),
        '\u{2001}' => ("EM QUAD", SPACE),
        '\u{2002}' => ("EN SPACE", SPACE),
        '\u{2003}' => ("EM SPACE", SPACE),
        '\u{2004}' => ("THREE-PER-EM SPACE", SPACE),
        '\u{2005}' => ("FOUR-PER-EM SPACE", SPACE),
        '\u{2006}' => ("SIX-PER-EM SPACE", SPACE),
        '\u{2007}' => ("FIGURE SPACE", SPACE),
        '\u{2008}' => ("PUNCTUATION SPACE", SPACE),
        '\u{2009}' => ("THIN SPACE", SPACE),
        '\u{200A}' => ("HAIR SPACE", SPACE),
        '\u{200B}' => ("ZERO WIDTH SPACE", DELETE),
        '\u{200C}' => ("ZERO WIDTH NON-JOINER", DELETE),
        '\u{200D}' => ("ZERO WIDTH JOINER", DELETE),
        '\u{200E}' => ("LEFT-TO-RIGHT MARK", DELETE),
        '\u{200F}' => ("RIGHT-TO-LEFT MARK", DELETE),
        '\u{2028}' => ("LINE SEPARATOR", "replace it with a line break"),
        '\u{2029}' => ("PARAGRAPH SEPARATOR", "replace it with a line break"),
        '\u{202F}' => ("NARROW NO-BREAK SPACE", SPACE),
        '\u{205F}' => ("MEDIUM MATHEMATICAL SPACE", SPACE),
        '\u{2060}' => ("WORD JOINER", DELETE),
        '\u{3000}' => ("IDEOGRAPHIC SPACE", SPACE),
        c if c.is_whitespace() => ("SPACE CHARACTER", SPACE),
        c if c.is_control() => ("CONTROL CHARACTER", DELETE),
        _ => ("FORMATTING CHARACTER", DELETE),
    }
}

/// The byte offset of the first word past [`MAX_WORDS`] on a line: a word is a run of
/// letters, digits and `_`, or any other character that is not a space, outside strings
/// and comments.
fn too_many_words(line: &str) -> Option<usize> {
    // Cheap exit: a line with fewer bytes than the limit cannot exceed it.
    if line.len() <= MAX_WORDS {
        return None;
    }
    let mut words = 0usize;
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        if let Some(close) = quote {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == close {
                quote = None;
            }
            continue;
        }
        let ident = c.is_alphanumeric() || c == '_';
        match c {
            '"' => quote = Some('"'),
            '“' => quote = Some('”'),
            '#' => return None,
            _ => {}
        }
        if c.is_whitespace() {
            in_word = false;
            continue;
        }
        if !(ident && in_word) {
            words += 1;
            if words > MAX_WORDS {
                return Some(i);
            }
        }
        in_word = ident;
    }
    None
}

/// The byte offset where a line's nesting of `(` and `not` first exceeds [`MAX_NESTING`].
fn too_deep(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut depth = 0usize;
    let mut nots = 0usize;
    let mut quote: Option<&str> = None;
    let mut i = 0;
    while i < bytes.len() {
        let rest = &line[i..];
        if let Some(close) = quote {
            if let Some(escaped) = rest.strip_prefix('\\') {
                i += 1 + escaped.chars().next().map_or(0, char::len_utf8);
                continue;
            }
            if rest.starts_with(close) {
                quote = None;
            }
        } else if rest.starts_with('"') {
            quote = Some("\"");
        } else if rest.starts_with('“') {
            quote = Some("”");
        } else if rest.starts_with('#') {
            break;
        } else if rest.starts_with('(') {
            depth += 1;
        } else if rest.starts_with(')') {
            depth = depth.saturating_sub(1);
        } else if rest.starts_with("not")
            && !line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            && !rest[3..].starts_with(|c: char| c.is_alphanumeric() || c == '_')
        {
            nots += 1;
        }
        if depth + nots > MAX_NESTING {
            return Some(i);
        }
        i += rest.chars().next().map_or(1, char::len_utf8);
    }
    None
}

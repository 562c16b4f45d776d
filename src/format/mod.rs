//! `rapport fmt`: the canonical layout of a scenario file.
//!
//! Consumes source text; produces formatted text, or the diagnostics that make formatting
//! unsafe. The language is one statement per line and whitespace outside strings is never
//! significant, so the formatter works line by line: it re-indents each statement to its
//! nesting level (2 spaces per level, variants under their line), collapses runs of
//! whitespace outside strings to one space, keeps strings byte for byte and every comment
//! where it stands, and normalises blank lines (at most one in a row, exactly one before each
//! `scene`, `when` and `rubric`). Changing only insignificant whitespace is what guarantees
//! it never changes meaning.

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile};
use crate::syntax::{self, StatementKind};

/// The canonical text of a file, or the problems that prevent formatting it.
///
/// # Errors
/// The file's syntax and structure diagnostics, when it has any.
pub fn format(text: &str) -> Result<String, Vec<Diagnostic>> {
    let parsed = syntax::parse(FileId(0), text);
    if !parsed.diagnostics.is_empty() {
        return Err(parsed.diagnostics);
    }
    let mut diagnostics = Vec::new();
    let statements = syntax::statements(FileId(0), text, &mut diagnostics);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    let source = SourceFile::new(std::path::PathBuf::new(), text.to_string());
    // Level and "opens a block" for each line that holds a statement.
    let mut levels: Vec<Option<(usize, bool)>> = vec![None; source.line_count()];
    let mut nesting = Nesting::default();
    for statement in &statements {
        let (line, _) = source.line_col(statement.span.start as usize);
        levels[line - 1] = Some(nesting.level(&statement.kind));
    }
    Ok(layout(text, &levels))
}

/// The block the statements so far have opened.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Block {
    #[default]
    Top,
    Scene,
    Choice,
    Trigger,
    Rubric,
    Rule,
}

/// Where the statements so far have left us.
#[derive(Default)]
struct Nesting {
    block: Block,
    /// Level of the last speaker line (for its variants).
    last_line: usize,
}

impl Nesting {
    /// The level of a statement, and whether it opens a top-level block.
    fn level(&mut self, kind: &StatementKind) -> (usize, bool) {
        match kind {
            StatementKind::Scene(_) | StatementKind::When(_) | StatementKind::Rubric => {
                self.block = match kind {
                    StatementKind::Scene(_) => Block::Scene,
                    StatementKind::When(_) => Block::Trigger,
                    _ => Block::Rubric,
                };
                (0, true)
            }
            StatementKind::Scenario { .. }
            | StatementKind::Brief(_)
            | StatementKind::Objective(_)
            | StatementKind::Meta { .. }
            | StatementKind::Include(_)
            | StatementKind::Character { .. }
            | StatementKind::Emotion { .. }
            | StatementKind::Flag { .. }
            | StatementKind::Start(_)
            | StatementKind::Ending { .. } => {
                self.block = Block::Top;
                (0, false)
            }
            StatementKind::PassMark(_) | StatementKind::Criterion { .. } => {
                self.block = Block::Rubric;
                (1, false)
            }
            StatementKind::Rule(_) => {
                self.block = Block::Rule;
                (1, false)
            }
            StatementKind::In(_)
            | StatementKind::Worth(_)
            | StatementKind::Critical
            | StatementKind::Expect(_)
            | StatementKind::PassText(_)
            | StatementKind::FailText(_) => (2, false),
            StatementKind::Choice { .. } => {
                self.block = Block::Choice;
                (1, false)
            }
            StatementKind::Otherwise(_) => {
                self.block = Block::Scene;
                (1, false)
            }
            StatementKind::Variant { .. } => (self.last_line + 1, false),
            StatementKind::Speaker { .. } => {
                let level = self.body_level();
                self.last_line = level;
                (level, false)
            }
            StatementKind::Tags(_)
            | StatementKind::Coach(_)
            | StatementKind::Narrate { .. }
            | StatementKind::Set(_)
            | StatementKind::Clear(_)
            | StatementKind::Transition(_)
            | StatementKind::Effect { .. }
            | StatementKind::Guarded { .. } => (self.body_level(), false),
        }
    }

    fn body_level(&self) -> usize {
        match self.block {
            Block::Choice => 2,
            Block::Scene | Block::Trigger | Block::Rubric | Block::Rule => 1,
            Block::Top => 0,
        }
    }
}

/// Tracks whether a scan is inside a string (`"…"` or `“…”`, with backslash escapes).
#[derive(Default)]
struct Strings {
    close: Option<char>,
    escaped: bool,
}

impl Strings {
    /// Feeds one character; returns whether it belongs to a string (quotes included).
    fn step(&mut self, c: char) -> bool {
        if let Some(close) = self.close {
            if self.escaped {
                self.escaped = false;
            } else if c == '\\' {
                self.escaped = true;
            } else if c == close {
                self.close = None;
            }
            return true;
        }
        self.close = match c {
            '"' => Some('"'),
            '“' => Some('”'),
            _ => return false,
        };
        true
    }
}

/// Splits a line into its code and its trailing comment (`#` outside strings).
fn split_comment(line: &str) -> (&str, Option<&str>) {
    let mut strings = Strings::default();
    for (i, c) in line.char_indices() {
        if !strings.step(c) && c == '#' {
            return (&line[..i], Some(&line[i..]));
        }
    }
    (line, None)
}

/// Collapses whitespace runs outside strings to one space, and trims.
fn collapse(code: &str) -> String {
    let mut out = String::with_capacity(code.len());
    let mut strings = Strings::default();
    let mut pending_space = false;
    for c in code.trim().chars() {
        if !strings.step(c) && matches!(c, ' ' | '\t' | '\r' | '\u{FEFF}') {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(c);
    }
    out
}

/// One line of output: blank, or text that may open a block (a statement such as `scene`,
/// or a comment that leads directly into one).
enum Row {
    Blank,
    Text { line: String, opens: bool },
}

/// Lays out every line with the levels computed for its statements.
fn layout(text: &str, levels: &[Option<(usize, bool)>]) -> String {
    let lines: Vec<&str> = text
        .split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect();
    let mut rows = Vec::with_capacity(lines.len());
    for (i, raw) in lines.iter().enumerate() {
        let (code, comment) = split_comment(raw);
        let code = collapse(code);
        let comment = comment.map(str::trim_end);
        match (code.is_empty(), comment) {
            (true, None) => rows.push(Row::Blank),
            (true, Some(c)) => {
                // A full-line comment belongs to the statement after it: it takes that
                // statement's level, and leads into its block if no blank line intervenes.
                let mut level = 0;
                let mut opens = false;
                for (j, next) in lines.iter().enumerate().skip(i + 1) {
                    let (next_code, _) = split_comment(next);
                    if next.trim().is_empty() {
                        break;
                    }
                    if !next_code.trim().is_empty() {
                        if let Some((l, o)) = levels.get(j).copied().flatten() {
                            level = l;
                            opens = o;
                        }
                        break;
                    }
                }
                if !opens {
                    level = lines
                        .iter()
                        .enumerate()
                        .skip(i + 1)
                        .find_map(|(j, _)| levels.get(j).copied().flatten())
                        .map_or(0, |(l, _)| l);
                }
                rows.push(Row::Text {
                    line: format!("{}{c}", "  ".repeat(level)),
                    opens,
                });
            }
            (false, comment) => {
                let (level, opens) = levels.get(i).copied().flatten().unwrap_or((0, false));
                let mut line = format!("{}{code}", "  ".repeat(level));
                if let Some(c) = comment {
                    line.push(' ');
                    line.push_str(c);
                }
                rows.push(Row::Text { line, opens });
            }
        }
    }
    let mut out = String::with_capacity(text.len());
    // What the last output row was: nothing yet, a blank, or text that opens a block.
    let mut last: Option<bool> = None;
    let mut blank_pending = false;
    for row in rows {
        match row {
            Row::Blank => blank_pending = last.is_some(),
            Row::Text { line, opens } => {
                // A block opener gets one blank line before it, unless a comment leading
                // into the same block is right above it.
                let continues_lead = last == Some(true);
                if last.is_some() && (blank_pending || (opens && !continues_lead)) {
                    out.push('\n');
                }
                out.push_str(&line);
                out.push('\n');
                blank_pending = false;
                last = Some(opens && line.trim_start().starts_with('#'));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;

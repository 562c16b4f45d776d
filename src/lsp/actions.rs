//! Code actions: the fixes a diagnostic's help names, as text edits.
//!
//! The checker says a fix in words ("did you mean `wants_date`?", "declare it: `ending x good
//! \"…\"`", "widen the range"); this reads those words back into edits, so the editor offers
//! exactly what `rapport check` suggests. The edits travel in the published diagnostic's
//! `data`, and `textDocument/codeAction` hands them back.

use std::ops::Range;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceMap;

/// One edit in one file, in bytes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Edit {
    pub file: crate::source::FileId,
    pub range: Range<usize>,
    pub text: String,
}

/// A fix: a title and its edits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub edits: Vec<Edit>,
}

/// A fix as it travels in a diagnostic's `data` (LSP ranges, one file).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WireFix {
    pub title: String,
    pub edits: Vec<lsp_types::TextEdit>,
    #[serde(default)]
    pub preferred: bool,
}

/// The text between the first pair of backticks after `prefix`.
fn quoted_after<'h>(help: &'h str, prefix: &str) -> Option<&'h str> {
    let rest = help.strip_prefix(prefix)?;
    let rest = rest.strip_prefix('`')?;
    rest.split('`').next()
}

/// Every fix the diagnostic's help names.
#[must_use]
pub fn fixes(sources: &SourceMap, d: &Diagnostic) -> Vec<Fix> {
    let mut out = Vec::new();
    let Some(help) = d.help.as_deref() else {
        return out;
    };
    let text = &sources.file(d.span.file).text;
    if let Some(name) = quoted_after(help, "did you mean ") {
        // A string (an include's path) keeps its quotes: replace what is between them.
        let mut range = d.span.range();
        let written = text.get(range.clone()).unwrap_or("");
        if let (Some(open), Some(close)) = (written.chars().next(), written.chars().last()) {
            if matches!(open, '"' | '“') && matches!(close, '"' | '”') && written.len() > 2 {
                range = range.start + open.len_utf8()..range.end - close.len_utf8();
            }
        }
        out.push(Fix {
            title: format!("Change to `{name}`"),
            edits: vec![Edit {
                file: d.span.file,
                range,
                text: name.to_string(),
            }],
        });
    }
    if let Some(line) = quoted_after(help, "declare it: ")
        .or_else(|| quoted_after(help, "declare it in the rubric: "))
    {
        let at = match d.code {
            Code::UnknownCriterion => after_line_starting(text, "rubric"),
            Code::UnknownEnding => None,
            _ => after_declarations(text),
        };
        let (at, new_text) = match at {
            Some(at) if at == 0 || text[..at].ends_with('\n') => (at, format!("{line}\n")),
            Some(at) => (at, format!("\n{line}")),
            None => {
                let sep = if text.ends_with('\n') || text.is_empty() {
                    ""
                } else {
                    "\n"
                };
                (text.len(), format!("{sep}{line}\n"))
            }
        };
        let keyword = line.split(' ').next().unwrap_or("it");
        out.push(Fix {
            title: format!("Declare the {keyword}: `{line}`"),
            edits: vec![Edit {
                file: d.span.file,
                range: at..at,
                text: new_text,
            }],
        });
    }
    if d.code == Code::AfterTransition && help.contains("move") {
        if let Some(fix) = move_above(text, d) {
            out.push(fix);
        }
    }
    if d.code == Code::InitialOutOfRange {
        if let Some(fix) = widen_range(text, d) {
            out.push(fix);
        }
    }
    out
}

/// The offset just after the last top-level declaration line (customer, agent, character,
/// emotion, flag), else after the `scenario` header, else the file's start.
fn after_declarations(text: &str) -> Option<usize> {
    let mut best = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let word = line.split_whitespace().next().unwrap_or("");
        let top_level = !line.starts_with([' ', '\t']);
        if top_level
            && matches!(
                word,
                "scenario" | "customer" | "agent" | "character" | "emotion" | "flag"
            )
        {
            best = Some(offset + line.len());
        }
        offset += line.len();
    }
    best.or(Some(0))
}

/// The offset just after the first line that starts with `word`.
fn after_line_starting(text: &str, word: &str) -> Option<usize> {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.split_whitespace().next() == Some(word) && line.ends_with('\n') {
            return Some(offset + line.len());
        }
        offset += line.len();
    }
    None
}

/// A line written after a transition, moved to just above it (with the transition's
/// indentation): the fix "move this above it" names.
fn move_above(text: &str, d: &Diagnostic) -> Option<Fix> {
    let transition = d.notes.first().filter(|n| n.span.file == d.span.file)?.span;
    let line = super::index::line_around(text, d.span.range());
    let target = super::index::line_around(text, transition.range());
    if target.start >= line.start {
        return None;
    }
    let moved = text.get(d.span.range())?.trim();
    let indent: String = text[target.clone()]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    // The whole line goes, with its line end.
    let end = (line.end + 1).min(text.len());
    Some(Fix {
        title: "Move it above the transition".to_string(),
        edits: vec![
            Edit {
                file: d.span.file,
                range: target.start..target.start,
                text: format!("{indent}{moved}\n"),
            },
            Edit {
                file: d.span.file,
                range: line.start..end,
                text: String::new(),
            },
        ],
    })
}

/// `emotion x = 15 in 0..10` → `in 0..15`; `emotion x = -2` → `in -2..10`.
fn widen_range(text: &str, d: &Diagnostic) -> Option<Fix> {
    let value: i64 = text.get(d.span.range())?.trim().parse().ok()?;
    let line = super::index::line_around(text, d.span.range());
    let rest_start = d.span.end as usize;
    let rest = text.get(rest_start..line.end)?;
    let code_part = rest.split('#').next().unwrap_or(rest);
    let (range, lo, hi) = match code_part.find("in") {
        Some(i) => {
            let after = &code_part[i + 2..];
            let bounds = after.trim();
            let (lo, hi) = bounds.split_once("..")?;
            let (lo, hi): (i64, i64) = (lo.trim().parse().ok()?, hi.trim().parse().ok()?);
            let start = rest_start + i;
            let end = rest_start + i + 2 + after.trim_end().len();
            (start..end, lo, hi)
        }
        None => {
            let end = rest_start + code_part.trim_end().len();
            (end..end, 0, 10)
        }
    };
    let (lo, hi) = (lo.min(value), hi.max(value));
    let written = if range.is_empty() {
        format!(" in {lo}..{hi}")
    } else {
        format!("in {lo}..{hi}")
    };
    Some(Fix {
        title: format!("Widen the range to {lo}..{hi}"),
        edits: vec![Edit {
            file: d.span.file,
            range,
            text: written,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn fixes_of(text: &str) -> Vec<(String, String)> {
        let checked = crate::check::check_text(Path::new("t.scenario"), text.to_string(), None);
        let mut out = Vec::new();
        for d in &checked.diagnostics {
            for fix in fixes(&checked.sources, d) {
                let mut fixed = text.to_string();
                for edit in fix.edits.iter().rev() {
                    fixed.replace_range(edit.range.clone(), &edit.text);
                }
                out.push((fix.title, fixed));
            }
        }
        out
    }

    const BASE: &str = "scenario s \"S\"\ncustomer Jake\nagent Sam\nemotion trust = 15 in 0..10\n\nscene a\n  trust +1\n  end don\n\nending done good \"D\"\n";

    #[test]
    fn did_you_mean_and_widen_the_range_become_edits() {
        let fixes = fixes_of(BASE);
        let titles: Vec<&str> = fixes.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(titles, ["Widen the range to 0..15", "Change to `done`"]);
        assert!(fixes[0].1.contains("emotion trust = 15 in 0..15\n"));
        assert!(fixes[1].1.contains("  end done\n"));
    }

    #[test]
    fn an_unknown_ending_or_emotion_can_be_declared() {
        let text = BASE
            .replace("end don", "end closed")
            .replace("trust +1", "calm +1")
            .replace("= 15", "= 5");
        let fixes = fixes_of(&text);
        let titles: Vec<&str> = fixes.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Declare the emotion: `emotion calm = 0 in 0..10`",
                "Declare the ending: `ending closed good \"…\"`"
            ]
        );
        assert!(fixes[0]
            .1
            .contains("emotion trust = 5 in 0..10\nemotion calm = 0 in 0..10\n"));
        assert!(fixes[1]
            .1
            .ends_with("ending done good \"D\"\nending closed good \"…\"\n"));
    }

    #[test]
    fn a_near_include_path_is_replaced_inside_its_quotes() {
        let dir = tempfile::tempdir().expect("a folder");
        std::fs::write(dir.path().join("rubric.scenario"), "rubric\n").expect("written");
        let text = "scenario s \"S\"\ninclude \"rubrik.scenario\"\n";
        let path = dir.path().join("s.scenario");
        let checked = crate::check::check_text(&path, text.to_string(), Some(dir.path()));
        let d = checked
            .diagnostics
            .iter()
            .find(|d| d.code == Code::IncludeMissing)
            .expect("E062");
        let fix = &fixes(&checked.sources, d)[0];
        let mut fixed = text.to_string();
        fixed.replace_range(fix.edits[0].range.clone(), &fix.edits[0].text);
        assert_eq!(fixed, "scenario s \"S\"\ninclude \"rubric.scenario\"\n");
    }

    #[test]
    fn tags_after_the_transition_move_above_it() {
        let text = "scenario s \"S\"\ncustomer J\nagent A\n\nscene a\n  choice \"x\"\n    goto a\n    tags t\n  choice \"y\"\n    end e\n\nending e \"E\"\n";
        let fixes = fixes_of(text);
        assert_eq!(fixes[0].0, "Move it above the transition");
        assert!(
            fixes[0]
                .1
                .contains("  choice \"x\"\n    tags t\n    goto a\n  choice"),
            "{}",
            fixes[0].1
        );
    }
}

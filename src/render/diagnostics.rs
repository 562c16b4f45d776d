//! Diagnostics → text (annotate-snippets, rustc's renderer) or JSON (product.md §4).
//!
//! Only the lines a span covers are handed to the renderer, so rendering a diagnostic costs
//! the same in a 50 MB file as in a small one.

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use serde::Serialize;

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::{SourceMap, Span};

/// The lines around a span: their text, the first line number, and the span's range in it.
fn excerpt(sources: &SourceMap, span: Span) -> (String, usize, std::ops::Range<usize>) {
    let file = sources.file(span.file);
    let (first, _) = file.line_col(span.start as usize);
    let (mut last, _) = file.line_col(span.end.saturating_sub(1).max(span.start) as usize);
    last = last.min(first + 5);
    let start = file.line_range(first).start;
    let end = file.line_range(last).end;
    let text = file.text[start..end].to_string();
    let from = (span.start as usize).saturating_sub(start).min(text.len());
    let to = (span.end as usize)
        .saturating_sub(start)
        .clamp(from, text.len());
    (text, first, from..to)
}

/// Renders one diagnostic as rustc does: `error[E031]: …`, `--> file:line:col`, the source
/// line, a marker under the span, then help and notes.
#[must_use]
pub fn render(sources: &SourceMap, diagnostic: &Diagnostic, colour: bool) -> String {
    let level = match diagnostic.severity() {
        Severity::Error => Level::ERROR,
        Severity::Warning => Level::WARNING,
    };
    let path = sources.path(diagnostic.span.file).display().to_string();
    let (text, line, range) = excerpt(sources, diagnostic.span);
    let mut primary = AnnotationKind::Primary.span(range);
    if let Some(label) = &diagnostic.label {
        primary = primary.label(label.as_str());
    }
    let mut group = level
        .primary_title(diagnostic.message.as_str())
        .id(diagnostic.code.as_str())
        .element(
            Snippet::source(text)
                .line_start(line)
                .path(path)
                .annotation(primary),
        );
    for note in &diagnostic.notes {
        let (text, line, range) = excerpt(sources, note.span);
        let path = sources.path(note.span.file).display().to_string();
        group = group.element(
            Snippet::source(text)
                .line_start(line)
                .path(path)
                .annotation(
                    AnnotationKind::Context
                        .span(range)
                        .label(note.label.as_str()),
                ),
        );
    }
    let mut report: Vec<Group<'_>> = vec![group];
    if let Some(help) = &diagnostic.help {
        report.push(Group::with_title(
            Level::HELP.secondary_title(help.as_str()),
        ));
    }
    let witness = diagnostic
        .witness
        .as_ref()
        .map(|w| witness_text(diagnostic.code, w));
    if let Some(w) = &witness {
        report.push(Group::with_title(Level::NOTE.secondary_title(w.as_str())));
    }
    let renderer = if colour {
        Renderer::styled()
    } else {
        Renderer::plain()
    };
    let mut out = renderer.render(&report);
    out.push('\n');
    out
}

/// The witness of a state-based finding, in words.
#[must_use]
pub fn witness_text(code: crate::diagnostic::Code, picks: &[usize]) -> String {
    use crate::diagnostic::Code;
    if picks.is_empty() {
        let what = match code {
            Code::Stuck | Code::EffectAlwaysClamps => {
                return "it happens on every run, before the trainee picks anything".to_string()
            }
            Code::UnreachableScene => "no run reaches it",
            Code::EndingNeverReached => "no run ends here",
            Code::ChoiceNeverAvailable => "no run offers it",
            Code::RuleNeverPasses => "no run passes it",
            _ => "no run shows it",
        };
        return format!("{what}, whatever the trainee picks (every reachable state was explored)");
    }
    let list: Vec<String> = picks.iter().map(ToString::to_string).collect();
    format!(
        "these picks show it: `rapport run FILE --choices {}`",
        list.join(",")
    )
}

/// One diagnostic in `check --format json`.
#[derive(Serialize)]
pub struct JsonDiagnostic {
    pub severity: &'static str,
    pub code: &'static str,
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
    pub help: Option<String>,
    pub witness: Option<Vec<usize>>,
}

impl JsonDiagnostic {
    #[must_use]
    pub fn new(sources: &SourceMap, d: &Diagnostic) -> Self {
        let (line, column) = sources.file(d.span.file).line_col(d.span.start as usize);
        JsonDiagnostic {
            severity: d.severity().as_str(),
            code: d.code.as_str(),
            file: sources.path(d.span.file).display().to_string(),
            line,
            column,
            message: d.message.clone(),
            help: d.help.clone(),
            witness: d.witness.clone(),
        }
    }
}

/// The whole `check --format json` document.
#[derive(Serialize)]
pub struct JsonReport {
    pub diagnostics: Vec<JsonDiagnostic>,
    pub errors: usize,
    pub warnings: usize,
}

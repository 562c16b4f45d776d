//! Diagnostics → GitHub Actions workflow commands (`check --format github`):
//! `::error file=F,line=L,col=C,endLine=…,endColumn=…,title=E031::message`, which a pull
//! request shows on the line under review.

use crate::diagnostic::{Diagnostic, Severity};
use crate::source::SourceMap;

/// Escapes a command's message (GitHub's `escapeData`).
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (GitHub's `escapeProperty`).
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// One diagnostic as one workflow command line (with its line end).
#[must_use]
pub fn annotation(sources: &SourceMap, d: &Diagnostic) -> String {
    let file = sources.file(d.span.file);
    let (line, col) = file.line_col(d.span.start as usize);
    let (end_line, end_col) = file.line_col((d.span.end as usize).max(d.span.start as usize));
    let command = match d.severity() {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let path = file.path.to_string_lossy().replace('\\', "/");
    let path = path.strip_prefix("./").unwrap_or(&path);
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    if let Some(witness) = &d.witness {
        message.push_str("\nnote: ");
        message.push_str(&super::diagnostics::witness_text(d.code, witness));
    }
    format!(
        "::{command} file={},line={line},col={col},endLine={end_line},endColumn={end_col},title={}::{}\n",
        escape_property(path),
        escape_property(&format!("{} {}", d.code.as_str(), d.code.summary())),
        escape_data(&message),
    )
}

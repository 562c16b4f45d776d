//! Check: parsed files → a resolved [`Scenario`] and every diagnostic.
//!
//! Consumes the entry file and its includes (see `includes`), resolves names (`resolve`) and
//! runs the flow checks that need no state exploration (`flow`). The explorer adds
//! state-based diagnostics on top of a [`Checked`] result.

mod flow;
mod includes;
mod names;
mod resolve;

use std::path::Path;

use crate::diagnostic::{Diagnostic, Severity};
use crate::scenario::Scenario;
use crate::source::SourceMap;

pub use includes::{
    default_root, normalize, read_text, LoadError, Overlay, MAX_FILE_BYTES, MAX_INCLUDE_DEPTH,
};

/// The outcome of checking one entry file.
#[derive(Debug)]
pub struct Checked {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// Present when the file is playable and has no errors.
    pub scenario: Option<Scenario>,
    /// The file has no `scenario` header: it can only be included.
    pub library: bool,
}

impl Checked {
    #[must_use]
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .count()
    }

    #[must_use]
    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }
}

/// Loads and checks `path`, with includes bounded by `root` (see [`default_root`]).
///
/// # Errors
/// When the entry file itself cannot be read or is not UTF-8.
pub fn check_file(path: &Path, root: Option<&Path>) -> Result<Checked, LoadError> {
    let text = read_text(path).map_err(|reason| LoadError {
        path: path.to_path_buf(),
        reason,
    })?;
    Ok(check_text(path, text, root))
}

/// Why a file cannot be played, explored or drawn.
#[derive(Debug)]
pub enum Unplayable {
    /// The entry file cannot be read.
    Unreadable(LoadError),
    /// The file has no `scenario` header (and no errors): it can only be included.
    Library,
    /// The file has errors; their diagnostics are in the result.
    Errors(Box<Checked>),
}

/// Loads and checks a file that is to be played: its [`Checked`] result has a scenario.
///
/// # Errors
/// When the file cannot be read, is a library file, or has errors.
pub fn load_playable(path: &Path, root: Option<&Path>) -> Result<Checked, Unplayable> {
    let checked = check_file(path, root).map_err(Unplayable::Unreadable)?;
    if checked.scenario.is_some() {
        Ok(checked)
    } else if checked.library && checked.errors() == 0 {
        Err(Unplayable::Library)
    } else {
        Err(Unplayable::Errors(Box::new(checked)))
    }
}

/// Checks `text` as if it were the contents of `path` (includes resolve from `path`).
#[must_use]
pub fn check_text(path: &Path, text: String, root: Option<&Path>) -> Checked {
    check_text_with(path, text, root, &|_| None)
}

/// [`check_text`], with some included files' texts given rather than read (an editor's
/// unsaved buffers, keyed by real path).
#[must_use]
pub fn check_text_with(
    path: &Path,
    text: String,
    root: Option<&Path>,
    overlay: Overlay<'_>,
) -> Checked {
    let root = default_root(path, root);
    let mut sources = SourceMap::default();
    let mut diagnostics = Vec::new();
    let expanded = includes::expand(path, text, &root, overlay, &mut sources, &mut diagnostics);
    let header = expanded
        .header
        .as_ref()
        .map(|(id, title, span)| (id, title, *span));
    let library = header.is_none();
    let mut scenario = None;
    if !expanded.syntax_errors {
        let mut resolver = resolve::Resolver::new(&sources, library);
        if let (Some((_, _, span)), Some(first)) = (header, expanded.first_statement) {
            if span != first {
                resolver.diagnostics.push(
                    Diagnostic::new(
                        crate::diagnostic::Code::HeaderNotFirst,
                        span,
                        "the `scenario` header must be the first statement of the file",
                    )
                    .label("not first")
                    .note(first, "the file starts here")
                    .help("move the `scenario` line to the top (comments may come before it)"),
                );
            }
        }
        scenario = resolver.resolve(&expanded.items, header);
        diagnostics.append(&mut resolver.diagnostics);
    }
    sort(&mut diagnostics);
    let has_errors = diagnostics.iter().any(|d| d.severity() == Severity::Error);
    Checked {
        sources,
        diagnostics,
        scenario: if has_errors { None } else { scenario },
        library,
    }
}

/// Orders diagnostics by file, position, then code, for stable output.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.start, a.code, &a.message).cmp(&(
            b.span.file,
            b.span.start,
            b.code,
            &b.message,
        ))
    });
}

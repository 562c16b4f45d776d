//! Includes: read the entry file, splice every included file's items in place.
//!
//! Paths are relative to the including file; absolute paths, paths that leave the root,
//! missing or unreadable files, cycles and headers in included files are diagnostics at the
//! path string. The entry file's own I/O problems are a [`LoadError`] (exit code 2).

use std::fmt;
use std::io::Read as _;
use std::path::{Component, Path, PathBuf};

use crate::ast::{Item, Name, Str};
use crate::diagnostic::{Code, Diagnostic};
use crate::source::SourceMap;
use crate::source::Span;
use crate::syntax;

/// How deep includes may nest.
pub const MAX_INCLUDE_DEPTH: usize = 32;

/// The entry file could not be read.
#[derive(Debug)]
pub struct LoadError {
    pub path: PathBuf,
    pub reason: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot read `{}`: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for LoadError {}

/// The largest file Rapport reads (a scenario, an include, a save): a thousand times the
/// largest course scenario, and parsed in a few seconds. Anything larger (or endless, like
/// `/dev/zero`) is refused before it is read whole.
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Reads a file as UTF-8, describing failures in plain words.
///
/// # Errors
/// A plain-words reason when the file cannot be read, is larger than [`MAX_FILE_BYTES`] or is
/// not UTF-8.
pub fn read_text(path: &Path) -> Result<String, String> {
    let describe = |e: std::io::Error| match e.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ if path.is_dir() => "it is a folder, not a file".to_string(),
        _ => e.to_string(),
    };
    let file = std::fs::File::open(path).map_err(describe)?;
    let mut bytes = Vec::new();
    // Reading one byte past the limit tells a file at the limit from a larger one, without
    // trusting the size the file system reports (devices and pipes report none).
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(describe)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!(
            "it is larger than {} MiB, the most Rapport reads from one file",
            MAX_FILE_BYTES / (1024 * 1024)
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "it is not valid UTF-8 text (first bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}

/// The merged items of an entry file and its includes.
pub struct Expanded {
    pub items: Vec<Item>,
    /// The entry file's `scenario` header (id, title, span of the statement).
    pub header: Option<(Name, Str, Span)>,
    /// The span of the entry file's first statement.
    pub first_statement: Option<Span>,
    pub syntax_errors: bool,
}

/// The root that bounds includes: `--root`, else the current directory when the entry file
/// lies inside it, else the entry file's own directory.
#[must_use]
pub fn default_root(entry: &Path, root: Option<&Path>) -> PathBuf {
    if let Some(root) = root {
        return std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    }
    let cwd = std::env::current_dir().unwrap_or_default();
    let cwd = std::fs::canonicalize(&cwd).unwrap_or(cwd);
    let entry_dir = std::fs::canonicalize(entry)
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    match entry_dir {
        Some(dir) if !dir.starts_with(&cwd) => dir,
        _ => cwd,
    }
}

/// The text of an included file that is not to be read from disk (an editor's unsaved
/// buffer), by its real path; `None` reads the file.
pub type Overlay<'a> = &'a dyn Fn(&Path) -> Option<String>;

/// Parses `text` (the contents of `path`) and everything it includes.
pub fn expand(
    path: &Path,
    text: String,
    root: &Path,
    overlay: Overlay<'_>,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Expanded {
    let id = sources.add(path.to_path_buf(), text);
    let parsed = syntax::parse(id, &sources.file(id).text);
    let mut syntax_errors = parsed.has_syntax_errors();
    diagnostics.extend(parsed.diagnostics);
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let mut stack = vec![canonical];
    let mut items = Vec::new();
    let mut ctx = Context {
        root,
        overlay,
        sources,
        diagnostics,
        syntax_errors: &mut syntax_errors,
    };
    let header = parsed
        .file
        .header()
        .map(|(id, title, span)| (id.clone(), title.clone(), span));
    let first_statement = parsed.file.first_statement;
    ctx.splice(parsed.file.items, path, &mut stack, &mut items);
    Expanded {
        items,
        header,
        first_statement,
        syntax_errors,
    }
}

struct Context<'a> {
    root: &'a Path,
    overlay: Overlay<'a>,
    sources: &'a mut SourceMap,
    diagnostics: &'a mut Vec<Diagnostic>,
    syntax_errors: &'a mut bool,
}

impl Context<'_> {
    fn splice(
        &mut self,
        items: Vec<Item>,
        from: &Path,
        stack: &mut Vec<PathBuf>,
        out: &mut Vec<Item>,
    ) {
        for item in items {
            match item {
                Item::Include { path, .. } => self.include(&path, from, stack, out),
                other => out.push(other),
            }
        }
    }

    fn include(&mut self, path: &Str, from: &Path, stack: &mut Vec<PathBuf>, out: &mut Vec<Item>) {
        let written = path.plain();
        let fail = |code, message: String, help: &str| {
            Diagnostic::new(code, path.span, message)
                .label("this include")
                .help(help)
        };
        if Path::new(&written).is_absolute() || written.starts_with('/') {
            self.diagnostics.push(fail(
                Code::IncludeAbsolute,
                format!("include paths must be relative, but `{written}` is absolute"),
                "write the path relative to this file, such as `library/rubric.scenario`",
            ));
            return;
        }
        let shown = normalize(&from.parent().unwrap_or(Path::new("")).join(&written));
        let outside = |code| {
            fail(
                code,
                format!(
                    "`{written}` lies outside the root folder `{}`",
                    self.root.display()
                ),
                "keep included files inside the course folder, or widen it with `--root DIR`",
            )
        };
        // Lexically first, so that nothing outside the root is even looked at.
        let parent = match from.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        let from_dir = std::fs::canonicalize(parent)
            .or_else(|_| std::path::absolute(parent))
            .unwrap_or_default();
        if !normalize(&from_dir.join(&written)).starts_with(self.root) {
            self.diagnostics.push(outside(Code::IncludeOutsideRoot));
            return;
        }
        let Ok(canonical) = std::fs::canonicalize(&shown) else {
            let help = near_file(&shown, &written)
                .unwrap_or_else(|| "the path is relative to the file that includes it".to_string());
            self.diagnostics.push(fail(
                Code::IncludeMissing,
                format!("cannot include `{written}`: no such file"),
                &help,
            ));
            return;
        };
        // Again after resolving links: a symlink must not lead out of the root either.
        if !canonical.starts_with(self.root) {
            self.diagnostics.push(outside(Code::IncludeOutsideRoot));
            return;
        }
        if stack.contains(&canonical) {
            let chain: Vec<String> = stack
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| {
                    p.file_name()
                        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                })
                .collect();
            self.diagnostics.push(fail(
                Code::IncludeCycle,
                format!("include cycle: {}", chain.join(" → ")),
                "remove one of the includes so that no file includes itself",
            ));
            return;
        }
        if stack.len() > MAX_INCLUDE_DEPTH {
            self.diagnostics.push(fail(
                Code::IncludeCycle,
                format!("includes nest more than {MAX_INCLUDE_DEPTH} files deep"),
                "include the files you need from fewer levels",
            ));
            return;
        }
        let text = match (self.overlay)(&canonical).map_or_else(|| read_text(&canonical), Ok) {
            Ok(text) => text,
            Err(reason) => {
                self.diagnostics.push(fail(
                    Code::IncludeMissing,
                    format!("cannot include `{written}`: {reason}"),
                    "check the file",
                ));
                return;
            }
        };
        let id = self.sources.add(shown.clone(), text);
        let parsed = syntax::parse(id, &self.sources.file(id).text);
        *self.syntax_errors |= parsed.has_syntax_errors();
        self.diagnostics.extend(parsed.diagnostics);
        if let Some((_, _, header)) = parsed.file.header() {
            self.diagnostics.push(
                fail(
                    Code::IncludeHeader,
                    format!("`{written}` has a `scenario` header, so it cannot be included"),
                    "only library files (without `scenario`) can be included; remove its header",
                )
                .note(header, "its header"),
            );
            return;
        }
        stack.push(canonical);
        self.splice(parsed.file.items, &shown, stack, out);
        stack.pop();
    }
}

/// "did you mean `library/rubric.scenario`?" for a file beside the missing one whose name is
/// close (a typo, another case, a missing `.scenario`), written the way the include was.
fn near_file(missing: &Path, written: &str) -> Option<String> {
    let dir = missing
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = missing.file_name()?.to_string_lossy().into_owned();
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter(|e| e.path().is_file())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let with_extension = format!("{name}.scenario");
    let found = if names.contains(&with_extension) {
        with_extension
    } else {
        crate::diagnostic::suggest(&name, names.iter().map(String::as_str))?.to_string()
    };
    let prefix = written.rsplit_once('/').map_or("", |(p, _)| p);
    let path = if prefix.is_empty() {
        found
    } else {
        format!("{prefix}/{found}")
    };
    Some(format!("did you mean `{path}`?"))
}

/// Removes `.` and resolvable `..` components without touching the file system.
#[must_use]
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                let last_is_parent =
                    matches!(out.components().next_back(), Some(Component::ParentDir));
                if last_is_parent || !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

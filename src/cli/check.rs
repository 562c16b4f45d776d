//! `rapport check`.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::args::{CheckArgs, Format};
use super::{collect, colour, error, exit, out};
use crate::diagnostic::Severity;
use crate::explore::check_file;
use crate::render::diagnostics::{render, JsonDiagnostic, JsonReport};
use crate::render::json;

pub(super) fn run(args: &CheckArgs) -> i32 {
    let paths = super::paths_or_default(&args.paths);
    let files = match collect(&paths) {
        Ok(files) => files,
        Err(message) => {
            error(&message);
            return exit::USAGE;
        }
    };
    let colour = colour();
    let mut seen = HashSet::new();
    let mut text = String::new();
    let mut json_diagnostics = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    let mut io_failure = false;
    for file in &files {
        let checked = match check_file(file, args.root.as_deref()) {
            Ok(c) => c,
            Err(e) => {
                error(&e.to_string());
                io_failure = true;
                continue;
            }
        };
        for d in &checked.diagnostics {
            let path = checked.sources.path(d.span.file);
            let key = (
                std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
                d.span.start,
                d.code,
                d.message.clone(),
            );
            if !seen.insert(key) {
                continue;
            }
            match d.severity() {
                Severity::Error => errors += 1,
                Severity::Warning => warnings += 1,
            }
            match args.format {
                Format::Text => text.push_str(&render(&checked.sources, d, colour)),
                Format::Json => json_diagnostics.push(JsonDiagnostic::new(&checked.sources, d)),
            }
        }
    }
    match args.format {
        Format::Text => {
            let files_word = if files.len() == 1 { "file" } else { "files" };
            let _ = writeln!(
                text,
                "checked {} {files_word}: {} {}, {} {}",
                files.len(),
                errors,
                if errors == 1 { "error" } else { "errors" },
                warnings,
                if warnings == 1 { "warning" } else { "warnings" },
            );
            out(&text);
        }
        Format::Json => out(&json::to_string(&JsonReport {
            diagnostics: json_diagnostics,
            errors,
            warnings,
        })),
    }
    if io_failure {
        exit::USAGE
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        exit::CONTENT
    } else {
        exit::OK
    }
}

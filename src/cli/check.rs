//! `rapport check`.

use std::collections::HashSet;
use std::fmt::Write as _;

use super::args::{CheckArgs, CheckFormat as Format};
use crate::diagnostic::Severity;
use crate::explore::check_file_within;
use crate::files::collect;
use crate::render::diagnostics::{render, JsonDiagnostic, JsonReport};
use crate::render::json;
use crate::render::{annotations, sarif};
use crate::runtime::Bounds;
use crate::term::{colour, error, exit, out};

pub(super) fn run(args: &CheckArgs) -> i32 {
    let paths = crate::files::paths_or_default(&args.paths);
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
    let mut sarif_results = Vec::new();
    let (mut errors, mut warnings) = (0, 0);
    let mut unreadable = 0;
    let bounds = Bounds {
        max_states: args.max_states,
        ..Bounds::default()
    };
    for file in &files {
        let checked = match check_file_within(file, args.root.as_deref(), &bounds) {
            Ok(c) => c,
            Err(e) => {
                error(&e.to_string());
                unreadable += 1;
                continue;
            }
        };
        // An include checked from several files reports once: key on its real path,
        // resolved once per file rather than once per diagnostic.
        let canonical: Vec<_> = checked
            .sources
            .files()
            .map(|(_, f)| std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone()))
            .collect();
        for d in &checked.diagnostics {
            let key = (
                canonical[d.span.file.0 as usize].clone(),
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
                Format::Sarif => sarif_results.push(sarif::SarifResult::new(&checked.sources, d)),
                Format::Github => text.push_str(&annotations::annotation(&checked.sources, d)),
            }
        }
    }
    match args.format {
        Format::Text => {
            let checked = files.len() - unreadable;
            let _ = write!(
                text,
                "checked {checked} {}: {} {}, {} {}",
                if checked == 1 { "file" } else { "files" },
                errors,
                if errors == 1 { "error" } else { "errors" },
                warnings,
                if warnings == 1 { "warning" } else { "warnings" },
            );
            if unreadable > 0 {
                let _ = write!(text, "; {unreadable} could not be read");
            }
            text.push('\n');
            out(&text);
        }
        Format::Json => out(&json::to_string(&JsonReport {
            diagnostics: json_diagnostics,
            errors,
            warnings,
        })),
        Format::Sarif => out(&json::to_string(&sarif::Log::new(sarif_results))),
        Format::Github => out(&text),
    }
    if unreadable > 0 {
        exit::USAGE
    } else if errors > 0 || (args.deny_warnings && warnings > 0) {
        exit::CONTENT
    } else {
        exit::OK
    }
}

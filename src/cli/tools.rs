//! `rapport graph` and `rapport export`: views of a checked scenario.

use std::path::Path;

use super::args::{ExportArgs, GraphArgs, GraphFormat};
use super::{error, exit, out};
use crate::check::check_file;
use crate::render::diagnostics::render;
use crate::render::graph::{graph as draw, Style};
use crate::scenario::Scenario;

/// Loads a playable scenario, or reports why not (and the exit code).
fn load(file: &Path, root: Option<&Path>, then: impl FnOnce(&Scenario) -> String) -> i32 {
    let checked = match check_file(file, root) {
        Ok(c) => c,
        Err(e) => {
            error(&e.to_string());
            return exit::USAGE;
        }
    };
    let Some(scenario) = &checked.scenario else {
        if checked.library && checked.errors() == 0 {
            error(&format!(
                "`{}` is a library file (it has no `scenario` header); use a scenario that includes it",
                file.display()
            ));
            return exit::CONTENT;
        }
        let text: String = checked
            .diagnostics
            .iter()
            .map(|d| render(&checked.sources, d, super::colour_stderr()))
            .collect();
        let _ = std::io::Write::write_all(&mut anstream::stderr(), text.as_bytes());
        error(&format!(
            "`{}` has {} error(s)",
            file.display(),
            checked.errors()
        ));
        return exit::CONTENT;
    };
    out(&then(scenario));
    exit::OK
}

pub(super) fn graph(args: &GraphArgs) -> i32 {
    let style = match args.format {
        GraphFormat::Dot => Style::Dot,
        GraphFormat::Mermaid => Style::Mermaid,
    };
    load(&args.file, args.root.as_deref(), |s| draw(s, style))
}

pub(super) fn export(args: &ExportArgs) -> i32 {
    load(
        &args.file,
        args.root.as_deref(),
        crate::render::export::export,
    )
}

//! `rapport graph` and `rapport export`: views of a checked scenario.

use std::path::Path;

use super::args::{ExportArgs, GraphArgs, GraphFormat};
use crate::render::graph::{graph as draw, Style};
use crate::scenario::Scenario;
use crate::term::{error, exit, out};

/// Loads a playable scenario, or reports why not (and the exit code).
fn load(file: &Path, root: Option<&Path>, then: impl FnOnce(&Scenario) -> String) -> i32 {
    let checked = match crate::term::load_playable(file, root) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let Some(scenario) = &checked.scenario else {
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
    if args.scorm.is_some() || args.cmi5.is_some() {
        return super::lms::export(args);
    }
    match args.paths.as_slice() {
        [file] => load(file, args.root.as_deref(), crate::render::export::export),
        _ => {
            error(
                "`rapport export FILE` exports one scenario as JSON; to package scenarios for a \
                 learning platform, add `--scorm OUT` or `--cmi5 OUT` with `--url BASE`",
            );
            exit::USAGE
        }
    }
}

//! `rapport paths`: every branch, as a tree (text) or a list of runs (JSON).

use super::args::{Format, PathsArgs};
use super::{error, exit, out};
use crate::check::check_file;
use crate::explore::{enumerate, search, Summary};
use crate::render::diagnostics::render;
use crate::render::paths;
use crate::runtime::Bounds;

pub(super) fn run(args: &PathsArgs) -> i32 {
    let checked = match check_file(&args.file, args.root.as_deref()) {
        Ok(c) => c,
        Err(e) => {
            error(&e.to_string());
            return exit::USAGE;
        }
    };
    let Some(scenario) = &checked.scenario else {
        if checked.library && checked.errors() == 0 {
            error(&format!(
                "`{}` is a library file (it has no `scenario` header): explore a scenario that includes it",
                args.file.display()
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
            "`{}` has {} error(s); fix them before exploring it",
            args.file.display(),
            checked.errors()
        ));
        return exit::CONTENT;
    };
    let bounds = Bounds {
        max_visits: args.max_visits,
        max_turns: args.max_turns,
        ..Bounds::default()
    };
    let enumeration = enumerate(scenario, &bounds, args.max_runs);
    let summary = Summary::of(scenario, &enumeration);
    let reach = search(scenario, &bounds);
    let dead = paths::dead_content(scenario, &reach, &checked.sources);
    match args.format {
        Format::Text => {
            let (tree, _) = paths::tree(scenario, &bounds, args.max_runs);
            out(&tree);
            out(&paths::summary_text(scenario, &summary, &reach, &dead));
        }
        Format::Json => out(&paths::json(
            scenario,
            &enumeration,
            &summary,
            &reach,
            &dead,
        )),
    }
    if summary.stuck > 0 {
        exit::CONTENT
    } else {
        exit::OK
    }
}

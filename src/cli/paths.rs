//! `rapport paths`: every branch, as a tree (text) or a list of runs (JSON).

use super::args::{Format, PathsArgs};
use crate::explore::{enumerate, search, Summary};
use crate::render::paths;
use crate::runtime::Bounds;
use crate::term::{exit, out};

pub(super) fn run(args: &PathsArgs) -> i32 {
    let checked = match crate::term::load_playable(&args.file, args.root.as_deref()) {
        Ok(checked) => checked,
        Err(code) => return code,
    };
    let Some(scenario) = &checked.scenario else {
        return exit::CONTENT;
    };
    let bounds = Bounds {
        max_visits: args.max_visits,
        max_turns: args.max_turns,
        max_states: args.max_states,
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

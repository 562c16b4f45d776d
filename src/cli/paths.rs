//! `rapport paths`: every branch, as a tree (text) or a list of runs (JSON).

use std::io::{BufWriter, Write as _};

use super::args::{Format, PathsArgs};
use crate::explore::search;
use crate::render::paths;
use crate::runtime::Bounds;
use crate::term::exit;

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
    // Runs are written as they are found (write errors, such as a closed pipe, are ignored
    // as everywhere else: the exit code still reflects every run).
    let mut out = BufWriter::new(anstream::stdout().lock());
    let mut summary = match args.format {
        Format::Text => paths::write_tree(&mut out, scenario, &bounds, args.max_runs),
        Format::Json => paths::write_json_runs(&mut out, scenario, &bounds, args.max_runs),
    };
    summary.count_unlisted(scenario, &bounds);
    let reach = search(scenario, &bounds);
    let dead = paths::dead_content(scenario, &reach, &checked.sources);
    let _ = match args.format {
        Format::Text => {
            out.write_all(paths::summary_text(scenario, &summary, &reach, &dead).as_bytes())
        }
        Format::Json => paths::write_json_summary(&mut out, scenario, &summary, &reach, &dead),
    };
    let _ = out.flush();
    if summary.stuck > 0 {
        exit::CONTENT
    } else {
        exit::OK
    }
}

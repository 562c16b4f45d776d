//! `rapport export --scorm OUT` and `--cmi5 OUT`: packages for learning platforms.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::args::ExportArgs;
use crate::check::Checked;
use crate::lms;
use crate::term::{error, exit, out};

pub(super) fn export(args: &ExportArgs) -> i32 {
    let Some(url) = args.url.as_deref() else {
        error("`--scorm` and `--cmi5` need `--url BASE`: the address trainees open `rapport serve` at, such as `--url https://training.example.com`");
        return exit::USAGE;
    };
    if let Err(e) = lms::check_base(url) {
        error(&e);
        return exit::USAGE;
    }
    let files = match crate::files::collect(&crate::files::paths_or_default(&args.paths)) {
        Ok(files) => files,
        Err(e) => {
            error(&e);
            return exit::USAGE;
        }
    };
    let mut loaded: Vec<(PathBuf, Checked)> = Vec::new();
    let mut broken = false;
    for file in files {
        match crate::check::load_playable(&file, args.root.as_deref()) {
            Ok(checked) => loaded.push((file, checked)),
            // Rubric modules and other included files are not scenarios of their own.
            Err(crate::check::Unplayable::Library) => {}
            Err(_) => {
                // Report it the usual way (diagnostics on stderr).
                let _ = crate::term::load_playable(&file, args.root.as_deref());
                broken = true;
            }
        }
    }
    if broken {
        error("nothing was written: fix the scenarios above first");
        return exit::CONTENT;
    }
    let mut by_id: BTreeMap<&str, &Path> = BTreeMap::new();
    let mut scenarios = Vec::new();
    for (file, checked) in &loaded {
        let Some(scenario) = &checked.scenario else {
            continue;
        };
        if let Some(first) = by_id.insert(&scenario.id, file) {
            error(&format!(
                "`{}` and `{}` are both the scenario `{}`: the player serves each id once; rename one",
                first.display(),
                file.display(),
                scenario.id
            ));
            return exit::CONTENT;
        }
        scenarios.push(scenario);
    }
    if scenarios.is_empty() {
        error("no scenario to export (library files are not exported on their own)");
        return exit::CONTENT;
    }
    if let Some(folder) = &args.scorm {
        for scenario in &scenarios {
            let bytes = match lms::scorm::package(url, scenario) {
                Ok(bytes) => bytes,
                Err(e) => {
                    error(&e);
                    return exit::USAGE;
                }
            };
            let path = folder.join(format!("{}.zip", scenario.id));
            if let Err(e) = crate::files::write_atomic_bytes(&path, &bytes) {
                error(&format!("cannot write `{}`: {e}", path.display()));
                return exit::USAGE;
            }
            out(&format!("wrote {}\n", path.display()));
        }
    }
    if let Some(folder) = &args.cmi5 {
        let path = folder.join("cmi5.xml");
        let text = lms::cmi5::course_structure(url, &args.title, &scenarios);
        if let Err(e) = crate::files::write_atomic(&path, &text) {
            error(&format!("cannot write `{}`: {e}", path.display()));
            return exit::USAGE;
        }
        out(&format!("wrote {}\n", path.display()));
    }
    exit::OK
}

//! `rapport fmt`.

use super::args::FmtArgs;
use crate::check::read_text;
use crate::files::write_atomic;
use crate::files::{collect, paths_or_default};
use crate::format::format;
use crate::render::diagnostics::render;
use crate::source::SourceMap;
use crate::term::{colour, error, exit, out};

pub(super) fn run(args: &FmtArgs) -> i32 {
    let files = match collect(&paths_or_default(&args.paths)) {
        Ok(files) => files,
        Err(message) => {
            error(&message);
            return exit::USAGE;
        }
    };
    let (mut changed, mut refused, mut failed) = (0, 0, false);
    for file in &files {
        let text = match read_text(file) {
            Ok(text) => text,
            Err(reason) => {
                error(&format!("cannot read `{}`: {reason}", file.display()));
                failed = true;
                continue;
            }
        };
        let formatted = match format(&text) {
            Ok(formatted) => formatted,
            Err(diagnostics) => {
                let mut sources = SourceMap::default();
                sources.add(file.clone(), text);
                let rendered: String = diagnostics
                    .iter()
                    .map(|d| render(&sources, d, colour()))
                    .collect();
                out(&rendered);
                error(&format!(
                    "`{}` was not formatted: fix its syntax errors first",
                    file.display()
                ));
                refused += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        changed += 1;
        if args.check {
            out(&format!("not formatted: {}\n", file.display()));
        } else if let Err(e) = write_atomic(file, &formatted) {
            error(&format!("cannot write `{}`: {e}", file.display()));
            failed = true;
        } else {
            out(&format!("formatted {}\n", file.display()));
        }
    }
    if failed {
        exit::USAGE
    } else if refused > 0 || (args.check && changed > 0) {
        exit::CONTENT
    } else {
        exit::OK
    }
}

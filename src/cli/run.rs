//! `rapport run`: plays the given picks and prints the report.

use super::args::{Format, RunArgs};
use super::{error, exit, out};
use crate::check::check_file;
use crate::render::diagnostics::render;
use crate::render::report::{self, Report};
use crate::runtime::{Run, RunError, Status};

pub(super) fn run(args: &RunArgs) -> i32 {
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
                "`{}` is a library file (it has no `scenario` header), so it cannot be played; \
                 run a scenario that includes it",
                args.file.display()
            ));
            return exit::CONTENT;
        }
        let mut text = String::new();
        for d in &checked.diagnostics {
            text.push_str(&render(&checked.sources, d, super::colour_stderr()));
        }
        let _ = std::io::Write::write_all(&mut anstream::stderr(), text.as_bytes());
        error(&format!(
            "`{}` has {} error(s); fix them before running it",
            args.file.display(),
            checked.errors()
        ));
        return exit::CONTENT;
    };
    let mut run = Run::start(scenario);
    for (i, &pick) in args.choices.iter().enumerate() {
        let turn = i + 1;
        if let Err(e) = run.choose(pick) {
            match e {
                RunError::NotAwaitingChoice => error(&format!(
                    "pick {turn} ({pick}) comes after the conversation is over: {}",
                    report::outcome_text(&run)
                )),
                RunError::NotOffered { .. } => {
                    let offered: Vec<String> = run
                        .offered()
                        .iter()
                        .enumerate()
                        .map(|(n, c)| {
                            let text = run.state().render(scenario, &scenario.choice(*c).text);
                            format!("  {}. {text}", n + 1)
                        })
                        .collect();
                    error(&format!(
                        "turn {turn}: choice {pick} is not offered; the choices were:\n{}",
                        offered.join("\n")
                    ));
                }
            }
            return exit::CONTENT;
        }
    }
    let report = Report::new(&run, args.choices.clone());
    match args.format {
        Format::Text => out(&report::text(&report)),
        Format::Json => out(&report::json(&report)),
    }
    if matches!(run.status(), Status::Stuck(_)) {
        exit::CONTENT
    } else {
        exit::OK
    }
}

//! The bodies of the fuzz targets (`fuzz/`), here so that ordinary tests can replay every
//! saved input and reproducer without a fuzzer or a nightly toolchain.

use std::path::Path;

use crate::check::check_text;
use crate::runtime::{Bounds, Run};
use crate::source::FileId;

/// Inputs larger than this are skipped: the fuzzer hunts crashes, not throughput.
const MAX_INPUT: usize = 64 * 1024;

/// Parse, check and (for a playable file) analyse; render every diagnostic.
pub fn parse_check(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let text = String::from_utf8_lossy(data).into_owned();
    let checked = check_text(
        Path::new("fuzz.scenario"),
        text,
        Some(Path::new("/nonexistent-root")),
    );
    for d in &checked.diagnostics {
        let _ = crate::render::diagnostics::render(&checked.sources, d, false);
    }
    if let Some(scenario) = &checked.scenario {
        let bounds = Bounds {
            max_visits: 3,
            max_turns: 20,
            ..Bounds::default()
        };
        let _ = crate::explore::dead_content(scenario, &crate::explore::search(scenario, &bounds));
        let _ = crate::explore::enumerate(scenario, &bounds, 200);
    }
}

/// The first bytes are picks, the rest a scenario; play it, render the report.
pub fn run_picks(data: &[u8]) {
    if data.len() > MAX_INPUT || data.is_empty() {
        return;
    }
    let picks = usize::from(data[0] % 32);
    let (picks, rest) = data[1..].split_at(picks.min(data.len() - 1));
    let text = String::from_utf8_lossy(rest).into_owned();
    let checked = check_text(
        Path::new("fuzz.scenario"),
        text,
        Some(Path::new("/nonexistent-root")),
    );
    let Some(scenario) = &checked.scenario else {
        return;
    };
    let mut run = Run::start(scenario);
    for &p in picks {
        let _ = run.choose(usize::from(p % 5));
    }
    let report =
        crate::render::report::Report::new(&run, picks.iter().map(|&p| usize::from(p)).collect());
    let _ = crate::render::report::json(&report);
    let _ = crate::render::report::text(&report);
}

/// Formatting a file that parses keeps its meaning and is idempotent.
///
/// # Panics
/// When formatting changes the meaning of the input or is not idempotent: a bug.
pub fn fmt_roundtrip(data: &[u8]) {
    if data.len() > MAX_INPUT {
        return;
    }
    let text = String::from_utf8_lossy(data);
    let Ok(formatted) = crate::format::format(&text) else {
        return;
    };
    let before = crate::syntax::parse(FileId(0), &text);
    let after = crate::syntax::parse(FileId(0), &formatted);
    assert!(
        after.diagnostics.is_empty(),
        "formatted text does not parse: {formatted:?}"
    );
    assert_eq!(
        without_spans(&format!("{:?}", after.file.items)),
        without_spans(&format!("{:?}", before.file.items)),
        "meaning changed"
    );
    assert_eq!(
        crate::format::format(&formatted).ok().as_deref(),
        Some(formatted.as_str()),
        "not idempotent"
    );
}

fn without_spans(debug: &str) -> String {
    let mut out = String::with_capacity(debug.len());
    let mut rest = debug;
    while let Some(i) = rest.find("Span {") {
        out.push_str(&rest[..i]);
        let end = rest[i..].find('}').map_or(rest.len(), |e| i + e + 1);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

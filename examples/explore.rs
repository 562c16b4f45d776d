//! State-search benchmark: states/s (best of three) and peak memory of the reachability
//! analysis. Runs/s of enumeration are measured by the `peer` example, side by side with
//! inkjs and yarnspinner-rust.
//!
//! ```text
//! python3 ../shared/bench/gen-stories 1000 --out /tmp/stories
//! cargo run --release --example explore -- /tmp/stories/story_1000.scenario
//! ```

// Counts become f64 only to print rates.
#![allow(clippy::cast_precision_loss)]

use std::path::Path;
use std::time::Instant;

use rapport::check::check_file;
use rapport::explore::search;
use rapport::runtime::Bounds;

fn peak_rss_mb() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: explore FILE.scenario…");
        std::process::exit(2);
    }
    for file in &files {
        let checked = check_file(Path::new(file), None).expect("readable file");
        let Some(scenario) = &checked.scenario else {
            eprintln!("{file}: has errors");
            continue;
        };
        if let Some(mb) = peak_rss_mb() {
            println!("{file}: peak memory after loading {mb:.0} MB");
        }
        let bounds = Bounds::default();
        // Best of three: the figure is the search's speed, not the machine's other load.
        let mut secs = f64::MAX;
        let mut reach = None;
        for _ in 0..3 {
            let start = Instant::now();
            let found = search(scenario, &bounds);
            secs = secs.min(start.elapsed().as_secs_f64());
            reach = Some(found);
        }
        let reach = reach.expect("three searches ran");
        println!(
            "{file}: state search (best of 3): {} states, {} steps in {:.3} s = {:.0} states/s ({:.0} steps/s), {} stuck",
            reach.states,
            reach.steps,
            secs,
            reach.states as f64 / secs,
            reach.steps as f64 / secs,
            reach.stuck.len()
        );
        if let Some(mb) = peak_rss_mb() {
            println!("{file}: peak memory after the search {mb:.0} MB");
        }
    }
}

//! Rapport's side of the comparison with inkjs and yarnspinner-rust (`bench/peers/`,
//! docs/performance.md): the same three jobs their harnesses do on the same gen-stories
//! story, printed as the same one-line JSON.
//!
//! ```text
//! python3 ../shared/bench/gen-stories 1000 --out /tmp/stories
//! cargo run --release --example peer -- search    /tmp/stories/story_1000.scenario
//! cargo run --release --example peer -- play      /tmp/stories/story_1000.scenario
//! cargo run --release --example peer -- enumerate /tmp/stories/story_1000.scenario
//! ```
//! - `search`: every reachable state (the state search of `rapport check`);
//! - `play`: long play-throughs for 2 s, even runs always taking the first choice and odd
//!   runs the last;
//! - `enumerate`: runs depth first, first choice first, each finished run recorded with its
//!   choices, grade and final state (`rapport paths`, without its 200-turn bound, which
//!   would cut these long runs short), stopped at 100,000 runs.
//!
//! The counts (states and steps, runs and turns) are printed so that the three engines can
//! be seen to do the same work.

// Counts become f64 only to print rates.
#![allow(clippy::cast_precision_loss)]

use std::path::Path;
use std::time::Instant;

use rapport::check::check_file;
use rapport::explore::{enumerate, search};
use rapport::runtime::{Bounds, Run, Status};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, file] = args.as_slice() else {
        eprintln!("usage: peer search|play|enumerate STORY.scenario");
        std::process::exit(2);
    };
    let started = Instant::now();
    let checked = check_file(Path::new(file), None).expect("readable file");
    let Some(scenario) = &checked.scenario else {
        eprintln!("{file}: has errors");
        std::process::exit(1);
    };
    let compile_ms = started.elapsed().as_secs_f64() * 1e3;

    let started = Instant::now();
    let bounds = Bounds::default();
    let result = match mode.as_str() {
        "search" => {
            let reach = search(scenario, &bounds);
            let secs = started.elapsed().as_secs_f64();
            format!(
                "\"states\":{},\"steps\":{},\"states_per_s\":{:.0}",
                reach.states,
                reach.steps,
                reach.states as f64 / secs
            )
        }
        "play" => {
            let (mut runs, mut turns) = (0u64, 0u64);
            let mut lengths = Vec::new();
            while started.elapsed().as_secs_f64() < 2.0 {
                let mut run = Run::start(scenario);
                while let Status::AwaitingChoice { offered, .. } = run.status() {
                    let pick = if runs % 2 == 0 { 1 } else { offered.len() };
                    run.choose(pick).expect("offered");
                    turns += 1;
                }
                if lengths.len() < 2 {
                    lengths.push(run.turns().len());
                }
                runs += 1;
            }
            let secs = started.elapsed().as_secs_f64();
            format!(
                "\"runs\":{runs},\"turns\":{turns},\"first_runs\":{lengths:?},\"turns_per_s\":{:.0}",
                turns as f64 / secs
            )
        }
        "enumerate" => {
            // The stories are acyclic and their runs long (about 4,000 turns at 10,000
            // scenes): no run may be cut short, or Rapport would do less work than the peers.
            let whole_runs = Bounds {
                max_turns: u32::MAX,
                ..bounds
            };
            let found = enumerate(scenario, &whole_runs, 100_000);
            let secs = started.elapsed().as_secs_f64();
            let turns: usize = found.runs.iter().map(|r| r.choices.len()).sum();
            format!(
                "\"runs\":{},\"turns\":{turns},\"runs_per_s\":{:.0}",
                found.runs.len(),
                found.runs.len() as f64 / secs
            )
        }
        _ => {
            eprintln!("usage: peer search|play|enumerate STORY.scenario");
            std::process::exit(2);
        }
    };
    println!(
        "{{\"engine\":\"rapport\",\"mode\":\"{mode}\",\"file\":\"{file}\",\"compile_ms\":{compile_ms:.1},{result},\"seconds\":{:.3}}}",
        started.elapsed().as_secs_f64()
    );
}

//! Throughput benchmark: parse + check MB/s.
//!
//! ```text
//! python3 ../shared/bench/gen-stories 10000 --out /tmp/stories
//! cargo run --release --example throughput -- /tmp/stories/story_10000.scenario
//! ```
//! For each file: parse + check throughput (best of several rounds), the same for a ~50 MB
//! file made of renamed copies of its scenes. Turns per second of play are measured by the
//! `peer` example, side by side with inkjs and yarnspinner-rust.

// Byte counts become f64 only to print rates.
#![allow(clippy::cast_precision_loss)]

use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

use rapport::check::check_text;

fn best_of<T>(rounds: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut last = None;
    for _ in 0..rounds {
        let start = Instant::now();
        let value = f();
        best = best.min(start.elapsed());
        last = Some(value);
    }
    (best, last.expect("at least one round"))
}

fn mb_per_s(bytes: usize, time: Duration) -> f64 {
    bytes as f64 / 1e6 / time.as_secs_f64()
}

/// About `target` bytes: the header once, then copies of every scene and ending, renamed.
fn concatenation(text: &str, target: usize) -> String {
    let body_start = text.find("\nscene ").map_or(0, |i| i + 1);
    let (header, body) = text.split_at(body_start);
    let mut out = String::from(header);
    let mut copy = 0;
    while out.len() < target {
        // Scenes are renamed per copy; endings are declared once and shared.
        for line in body.lines() {
            if copy > 0 && line.starts_with("ending ") {
                continue;
            }
            out.push_str(&line.replace("scene_", &format!("c{copy}_scene_")));
            out.push('\n');
        }
        copy += 1;
    }
    out
}

fn main() {
    let files: Vec<String> = std::env::args().skip(1).collect();
    if files.is_empty() {
        eprintln!("usage: throughput FILE.scenario…");
        std::process::exit(2);
    }
    let mut report = String::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("readable file");
        let path = Path::new(file);
        let (time, checked) = best_of(5, || check_text(path, text.clone(), None));
        let _ = writeln!(
            report,
            "{file}: parse+check {:.2} MB in {:.1} ms = {:.1} MB/s ({} errors)",
            text.len() as f64 / 1e6,
            time.as_secs_f64() * 1e3,
            mb_per_s(text.len(), time),
            checked.errors()
        );
        let big = concatenation(&text, 50_000_000);
        let (time, big_checked) = best_of(2, || check_text(path, big.clone(), None));
        let _ = writeln!(
            report,
            "{file} ×{}: parse+check {:.1} MB in {:.2} s = {:.1} MB/s ({} errors)",
            big.len() / text.len().max(1),
            big.len() as f64 / 1e6,
            time.as_secs_f64(),
            mb_per_s(big.len(), time),
            big_checked.errors()
        );
    }
    print!("{report}");
}

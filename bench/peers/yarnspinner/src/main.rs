//! The peer side of Rapport's benchmarks (docs/performance.md), with yarnspinner-rust on a
//! gen-stories `.yarn` story: the same work Rapport's benchmark examples do on the same story.
//!
//! ```text
//! cargo run --release -- search    /tmp/stories/story_1000.yarn   # every reachable state
//! cargo run --release -- play      /tmp/stories/story_1000.yarn   # long play-throughs, 2 s
//! cargo run --release -- enumerate /tmp/stories/story_1000.yarn   # the first 100,000 runs
//! cargo run --release -- search /tmp/stories/story_10000.yarn 600  # stop after 600 s
//! ```
//! Prints one JSON line: compile time, the counts that prove it did the same work as Rapport,
//! and the rate. With a time limit, search and enumerate stop when it is reached and print
//! `"finished":false` with the rate so far.
//!
//! Yarn Spinner has no snapshot of its virtual machine, so a state is restored the way a game
//! restores one: set the variables, `set_node`, and run to the options again.
//! Unavailable options (`is_available == false`) are skipped, as Rapport hides choices whose
//! condition fails.

use std::collections::{HashSet, VecDeque};
use std::time::Instant;

use yarnspinner::compiler::Compiler;
use yarnspinner::core::YarnValue;
use yarnspinner::runtime::{
    Dialogue, DialogueEvent, DialogueOption, MemoryVariableStorage, StringTableTextProvider,
    VariableStorage,
};

const VARS: [&str; 3] = ["$frustration", "$trust", "$anxiety"];
const INITIAL: [i64; 3] = [0, 2, 1];
const MAX_RUNS: usize = 100_000;

struct Peer {
    dialogue: Dialogue,
    storage: MemoryVariableStorage,
    started: Instant,
    limit_secs: f64,
    finished: bool,
}

impl Peer {
    /// Runs until options are offered (`Some`, only the available ones) or the dialogue
    /// completes (`None`).
    fn to_options(&mut self) -> Option<Vec<DialogueOption>> {
        loop {
            for event in self.dialogue.continue_().expect("the story runs") {
                match event {
                    DialogueEvent::Options(options) => {
                        return Some(options.into_iter().filter(|o| o.is_available).collect())
                    }
                    DialogueEvent::DialogueComplete => return None,
                    _ => {}
                }
            }
        }
    }

    fn vars(&self) -> [i64; 3] {
        VARS.map(|v| match self.storage.get(v) {
            Ok(YarnValue::Number(n)) => n as i64,
            _ => 0,
        })
    }

    fn restore(&mut self, node: &str, vars: [i64; 3]) -> Vec<DialogueOption> {
        for (name, value) in VARS.iter().zip(vars) {
            self.storage
                .set((*name).to_string(), YarnValue::Number(value as f32))
                .expect("set");
        }
        let _ = self.dialogue.stop();
        self.dialogue.set_node(node).expect("node exists");
        self.to_options().expect("a state offers options")
    }

    fn out_of_time(&mut self) -> bool {
        if self.started.elapsed().as_secs_f64() < self.limit_secs {
            return false;
        }
        self.finished = false;
        true
    }

    fn node(&self) -> String {
        self.dialogue.current_node().expect("a node")
    }

    /// A state is what Rapport's search keys on for the same story: the node and the three
    /// variables.
    fn search(&mut self) -> (u64, u64) {
        let first = (self.node(), self.vars());
        let mut seen: HashSet<(String, [i64; 3])> = HashSet::from([first.clone()]);
        let mut queue = VecDeque::from([first]);
        let (mut states, mut steps) = (0u64, 0u64);
        while let Some((node, vars)) = queue.pop_front() {
            if states % 100 == 0 && self.out_of_time() {
                break;
            }
            states += 1;
            let options = self.restore(&node, vars);
            for option in &options {
                self.restore(&node, vars);
                self.dialogue
                    .set_selected_option(option.id)
                    .expect("option");
                steps += 1;
                if self.to_options().is_some() {
                    let next = (self.node(), self.vars());
                    if seen.insert(next.clone()) {
                        queue.push_back(next);
                    }
                }
            }
        }
        (states, steps)
    }

    /// Rapport's throughput example: even runs always take the first choice, odd runs the last.
    /// Returns runs, turns, and the lengths of the first two runs.
    fn play(&mut self) -> (u64, u64, Vec<u64>) {
        let (mut runs, mut turns) = (0u64, 0u64);
        let mut first_runs = Vec::new();
        while self.started.elapsed().as_secs_f64() < 2.0 {
            let mut options = Some(self.restore("scene_0", INITIAL));
            let mut length = 0;
            while let Some(offered) = options {
                let pick = if runs % 2 == 0 { 0 } else { offered.len() - 1 };
                self.dialogue
                    .set_selected_option(offered[pick].id)
                    .expect("option");
                length += 1;
                options = self.to_options();
            }
            if first_runs.len() < 2 {
                first_runs.push(length);
            }
            turns += length;
            runs += 1;
        }
        (runs, turns, first_runs)
    }

    /// Rapport's enumeration: depth first, first choice first, every finished run recorded
    /// with its choices and final variables, stopped at 100,000 runs.
    fn enumerate(&mut self) -> (usize, usize) {
        enum Entry {
            Open(String, [i64; 3], Vec<usize>),
            Ended(Vec<usize>, [i64; 3]),
        }
        let mut stack = vec![Entry::Open(self.node(), self.vars(), Vec::new())];
        let mut records = Vec::new();
        let mut turns = 0;
        while records.len() < MAX_RUNS {
            if records.len() % 100 == 0 && self.out_of_time() {
                break;
            }
            let Some(entry) = stack.pop() else { break };
            let (node, vars, picks) = match entry {
                Entry::Ended(picks, vars) => {
                    turns += picks.len();
                    records.push((picks, vars));
                    continue;
                }
                Entry::Open(node, vars, picks) => (node, vars, picks),
            };
            let count = self.restore(&node, vars).len();
            for i in (0..count).rev() {
                let options = self.restore(&node, vars);
                self.dialogue
                    .set_selected_option(options[i].id)
                    .expect("option");
                let mut next = picks.clone();
                next.push(i + 1);
                stack.push(match self.to_options() {
                    Some(_) => Entry::Open(self.node(), self.vars(), next),
                    None => Entry::Ended(next, self.vars()),
                });
            }
        }
        (records.len(), turns)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage = || -> ! {
        eprintln!("usage: rapport-peer-yarnspinner search|play|enumerate STORY.yarn [SECONDS]");
        std::process::exit(2);
    };
    let (mode, path, limit_secs) = match args.as_slice() {
        [mode, path] => (mode, path, f64::INFINITY),
        [mode, path, limit] => (mode, path, limit.parse().unwrap_or_else(|_| usage())),
        _ => usage(),
    };
    let started = Instant::now();
    let compilation = Compiler::new()
        .read_file(path)
        .compile()
        .expect("the story compiles");
    let compile_ms = started.elapsed().as_secs_f64() * 1e3;

    let storage = MemoryVariableStorage::new();
    let mut text = StringTableTextProvider::new();
    text.extend_base_language(
        compilation
            .string_table
            .iter()
            .map(|(id, info)| (id.clone(), info.text.clone())),
    );
    let mut dialogue = Dialogue::new(Box::new(storage.clone()), Box::new(text));
    dialogue.add_program(compilation.program.expect("a program"));
    let started = Instant::now();
    let mut peer = Peer {
        dialogue,
        storage,
        started,
        limit_secs,
        finished: true,
    };

    peer.dialogue.set_node("scene_0").expect("scene_0");
    peer.to_options().expect("options at the start");
    // The counts that show the work done, then the rate of `per_s` per second.
    let rate = |counts: String, name: &str, per_s: u64| {
        let secs = started.elapsed().as_secs_f64();
        format!("{counts},\"{name}\":{:.0}", per_s as f64 / secs)
    };
    let result = match mode.as_str() {
        "search" => {
            let (states, steps) = peer.search();
            rate(
                format!("\"states\":{states},\"steps\":{steps}"),
                "states_per_s",
                states,
            )
        }
        "play" => {
            let (runs, turns, first_runs) = peer.play();
            rate(
                format!("\"runs\":{runs},\"turns\":{turns},\"first_runs\":{first_runs:?}"),
                "turns_per_s",
                turns,
            )
        }
        "enumerate" => {
            let (runs, turns) = peer.enumerate();
            rate(
                format!("\"runs\":{runs},\"turns\":{turns}"),
                "runs_per_s",
                runs as u64,
            )
        }
        _ => usage(),
    };
    println!(
        "{{\"engine\":\"yarnspinner-rust\",\"mode\":\"{mode}\",\"file\":\"{path}\",\"compile_ms\":{compile_ms:.1},{result},\"finished\":{},\"seconds\":{:.3}}}",
        peer.finished,
        started.elapsed().as_secs_f64()
    );
}

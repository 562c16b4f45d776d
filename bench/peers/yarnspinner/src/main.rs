//! Explores every reachable state of a gen-stories `.yarn` story with yarnspinner-rust: the
//! peer side of Rapport's state-search benchmark (docs/performance.md).
//!
//! ```text
//! cargo run --release -- /tmp/stories/story_1000.yarn
//! ```
//! A state is what Rapport's search keys on for the same story: the node and the three
//! variables. Yarn Spinner has no snapshot of its virtual machine, so a state is restored the
//! way a game restores one: set the variables, `set_node`, and run to the options again.

use std::collections::{HashSet, VecDeque};
use std::time::Instant;

use yarnspinner::compiler::Compiler;
use yarnspinner::core::YarnValue;
use yarnspinner::runtime::{
    Dialogue, DialogueEvent, DialogueOption, MemoryVariableStorage, StringTableTextProvider,
    VariableStorage,
};

const VARS: [&str; 3] = ["$frustration", "$trust", "$anxiety"];

/// Runs until options are offered (`Some`) or the dialogue completes (`None`).
fn to_options(dialogue: &mut Dialogue) -> Option<Vec<DialogueOption>> {
    loop {
        for event in dialogue.continue_().expect("the story runs") {
            match event {
                DialogueEvent::Options(options) => return Some(options),
                DialogueEvent::DialogueComplete => return None,
                _ => {}
            }
        }
    }
}

fn read(storage: &MemoryVariableStorage) -> [i64; 3] {
    VARS.map(|v| match storage.get(v) {
        Ok(YarnValue::Number(n)) => n as i64,
        _ => 0,
    })
}

fn restore(dialogue: &mut Dialogue, storage: &mut MemoryVariableStorage, node: &str, vars: [i64; 3]) -> Vec<DialogueOption> {
    for (name, value) in VARS.iter().zip(vars) {
        storage.set((*name).to_string(), YarnValue::Number(value as f32)).expect("set");
    }
    let _ = dialogue.stop();
    dialogue.set_node(node).expect("node exists");
    to_options(dialogue).expect("a state offers options")
}

fn main() {
    let path = std::env::args().nth(1).expect("usage: rapport-peer-yarnspinner STORY.yarn");
    let started = Instant::now();
    let compilation = Compiler::new().read_file(&path).compile().expect("the story compiles");
    let compile_ms = started.elapsed().as_secs_f64() * 1e3;

    let mut storage = MemoryVariableStorage::new();
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
    dialogue.set_node("scene_0").expect("scene_0");
    to_options(&mut dialogue).expect("options at the start");
    let first = (dialogue.current_node().expect("a node"), read(&storage));
    let mut seen: HashSet<(String, [i64; 3])> = HashSet::from([first.clone()]);
    let mut queue = VecDeque::from([first]);
    let (mut states, mut steps) = (0u64, 0u64);
    while let Some((node, vars)) = queue.pop_front() {
        states += 1;
        let options = restore(&mut dialogue, &mut storage, &node, vars);
        for option in options.iter().filter(|o| o.is_available) {
            restore(&mut dialogue, &mut storage, &node, vars);
            dialogue.set_selected_option(option.id).expect("option");
            steps += 1;
            if to_options(&mut dialogue).is_some() {
                let next = (dialogue.current_node().expect("a node"), read(&storage));
                if seen.insert(next.clone()) {
                    queue.push_back(next);
                }
            }
        }
    }
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{{\"engine\":\"yarnspinner-rust\",\"file\":\"{path}\",\"compile_ms\":{compile_ms:.1},\"states\":{states},\"steps\":{steps},\"seconds\":{secs:.3},\"states_per_s\":{:.0}}}",
        states as f64 / secs
    );
}

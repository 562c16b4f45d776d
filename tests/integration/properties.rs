//! Property: checking never panics, whatever is done to a valid file; and a checked file
//! never panics at run time, whatever is picked.

use std::path::Path;

use proptest::prelude::*;
use rapport::check::check_text;
use rapport::runtime::Run;

use crate::common::{root, scenarios};

#[derive(Clone, Debug)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, text: &'static str },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
    Truncate { at: usize },
}

const INSERTS: &[&str] = &[
    "(",
    ")",
    "\"",
    "“",
    "”",
    "{",
    "}",
    "\\",
    "#",
    ":",
    "\n",
    "\t",
    " not ",
    " and ",
    " or ",
    "choice ",
    "scene ",
    "goto ",
    "end ",
    "stay\n",
    "otherwise ",
    "if ",
    "tags ",
    "when ",
    "rubric\n",
    "rule \"r\"\n",
    "expect ",
    "include \"x.scenario\"\n",
    "-",
    "+",
    "=",
    "==",
    "99999999999999999999",
    "0..",
    "%",
    "é",
    "\u{0}",
    "scenario z \"z\"\n",
];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), prop::sample::select(INSERTS))
            .prop_map(|(at, text)| Mutation::Insert { at, text }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn boundary(text: &str, at: usize) -> usize {
    let mut at = at % (text.len() + 1);
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(text: &mut String, m: &Mutation) {
    match m {
        Mutation::Delete { at, len } => {
            let a = boundary(text, *at);
            let b = boundary(text, a + len);
            if b > a {
                text.replace_range(a..b, "");
            }
        }
        Mutation::Insert { at, text: t } => {
            let a = boundary(text, *at);
            text.insert_str(a, t);
        }
        Mutation::DuplicateLine { line } | Mutation::SwapLines { a: line, .. }
            if text.lines().count() == 0 => {}
        Mutation::DuplicateLine { line } => {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let i = line % lines.len();
            lines.insert(i, lines[i].clone());
            *text = lines.join("\n");
        }
        Mutation::SwapLines { a, b } => {
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let n = lines.len();
            lines.swap(a % n, b % n);
            *text = lines.join("\n");
        }
        Mutation::Truncate { at } => {
            let a = boundary(text, *at);
            text.truncate(a);
        }
    }
}

fn corpus() -> Vec<String> {
    let mut files = scenarios(&root().join("tests/corpus"));
    files.extend(scenarios(&root().join("tests/fixtures/examples")));
    files
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn check_and_run_never_panic_on_mutated_files(
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..6),
        picks in prop::collection::vec(1usize..5, 0..40),
    ) {
        let files = corpus();
        let mut text = files[file.index(files.len())].clone();
        for m in &mutations {
            apply(&mut text, m);
        }
        let checked = check_text(Path::new("tests/corpus/mutated.scenario"), text, Some(&root()));
        for d in &checked.diagnostics {
            let _ = rapport::render::diagnostics::render(&checked.sources, d, false);
        }
        if let Some(scenario) = &checked.scenario {
            let mut run = Run::start(scenario);
            for p in picks {
                let offered = run.offered().len();
                if offered == 0 {
                    break;
                }
                run.choose((p - 1) % offered + 1).unwrap();
            }
        }
    }
}

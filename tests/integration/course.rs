//! The course content is honest: no answer-picking strategy passes a scenario, the story and
//! the grade agree, and every technique of the course rubric is practised properly.
//!
//! Everything is measured through the `rapport` binary (`run` and `paths`, JSON), so the test
//! holds whatever the engine's internals become.
//!
//! - **Strategies**: always the k-th option where offered (k = 1…the widest scene, so "always
//!   1" and "always 2"), always the last, always the longest: none may pass any scenario.
//! - **Story and grade**: of the runs that reach an ending whose outcome is `good`, at least
//!   [`GOOD_ENDING_PASS_RATE`] pass the grade; no run that reaches a `bad` ending passes.
//! - **Length**: at least [`LONG_SCENARIOS`] scenarios take [`LONG_DECISIONS`] or more
//!   decisions in every passing run.
//! - **Techniques**: every rule of the course rubric's modules (`scenarios/library/`) is graded
//!   in at least [`SCENARIOS_PER_TECHNIQUE`] scenarios (the team lead's rubric, in
//!   [`ROLE_RUBRICS`], is exempt from the count), and in each scenario grading it some run
//!   passes the scenario with that rule passed and some run fails that rule (the latter, and
//!   that every rule can pass, is what `check --deny-warnings` proves over every run).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;

use crate::common::{rapport, root, scenarios, stderr, stdout};

/// Of the runs reaching a good ending, the share that must pass.
const GOOD_ENDING_PASS_RATE: f64 = 0.75;
/// How many scenarios must grade each technique.
const SCENARIOS_PER_TECHNIQUE: usize = 3;
/// A strategy that has not ended after this many turns is looping: it does not pass.
const MAX_TURNS: usize = 60;
/// Rubric modules for another role (the team lead coaching a representative): each rule
/// must still pass and fail where it is graded, but need not be graded in three scenarios.
const ROLE_RUBRICS: &[&str] = &["coaching"];

/// The playable course scenarios, relative to the repository root.
fn course() -> Vec<String> {
    scenarios(&root().join("scenarios"))
        .into_iter()
        .filter(|p| !p.parent().is_some_and(|d| d.ends_with("library")))
        .map(|p| p.strip_prefix(root()).unwrap().to_str().unwrap().to_owned())
        .collect()
}

fn json(args: &[&str]) -> Value {
    let out = rapport(&root(), args);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out)).unwrap()
}

fn picks_arg(picks: &[usize]) -> String {
    picks
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// The graded report of a run with these picks.
fn run(file: &str, picks: &[usize]) -> Value {
    let arg = picks_arg(picks);
    json(&["run", file, "--choices", &arg, "--format", "json"])
}

/// The options offered after these picks (their texts, in display order), or `None` when the
/// conversation is over.
fn offered(file: &str, picks: &[usize]) -> Option<Vec<String>> {
    let mut probe = picks.to_vec();
    probe.push(9999);
    let arg = picks_arg(&probe);
    let out = rapport(&root(), &["run", file, "--choices", &arg]);
    let err = stderr(&out);
    if err.contains("conversation is over") || err.contains("conversation was over") {
        return None;
    }
    assert!(err.contains("is not offered"), "{file} {arg}: {err}");
    let options: Vec<String> = err
        .lines()
        .filter_map(|l| {
            let (n, text) = l.trim_start().split_once(". ")?;
            n.parse::<usize>().ok().map(|_| text.to_owned())
        })
        .collect();
    assert!(!options.is_empty(), "{file} {arg}: {err}");
    Some(options)
}

/// A way of picking: the options offered (their texts) → a 1-based pick.
type Strategy = Box<dyn Fn(&[String]) -> usize>;

/// Plays `strategy` to the end; whether the run passed, and its picks.
fn passes_with(file: &str, strategy: &dyn Fn(&[String]) -> usize) -> (bool, Vec<usize>) {
    let mut picks = Vec::new();
    while let Some(options) = offered(file, &picks) {
        if picks.len() >= MAX_TURNS {
            return (false, picks);
        }
        picks.push(strategy(&options));
    }
    let report = run(file, &picks);
    let passed = report["status"] == "ended" && report["score"]["passed"] == true;
    (passed, picks)
}

fn longest(options: &[String]) -> usize {
    let mut best = 0;
    for (i, o) in options.iter().enumerate() {
        if o.chars().count() > options[best].chars().count() {
            best = i;
        }
    }
    best + 1
}

#[test]
fn no_position_or_length_strategy_passes_a_course_scenario() {
    let mut failures = Vec::new();
    for file in course() {
        let export = json(&["export", &file]);
        let widest = export["scenes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["choices"].as_array().map_or(0, Vec::len))
            .max()
            .unwrap_or(1);
        let mut strategies: Vec<(String, Strategy)> = (1..=widest)
            .map(|k| {
                let s: Strategy = Box::new(move |o| k.min(o.len()));
                (format!("always option {k}"), s)
            })
            .collect();
        strategies.push(("always the last".into(), Box::new(<[String]>::len)));
        strategies.push(("always the longest".into(), Box::new(longest)));
        for (name, strategy) in &strategies {
            let (passed, picks) = passes_with(&file, strategy.as_ref());
            if passed {
                failures.push(format!("{file}: {name} passes ({})", picks_arg(&picks)));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_story_and_the_grade_agree() {
    let mut failures = Vec::new();
    for file in course() {
        let export = json(&["export", &file]);
        let outcome: BTreeMap<String, String> = export["endings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["id"].as_str().unwrap().to_owned(),
                    e["outcome"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        let paths = json(&["paths", &file, "--format", "json"]);
        // ending → (runs, passed)
        let mut tally: BTreeMap<String, (usize, usize)> = BTreeMap::new();
        for r in paths["runs"].as_array().unwrap() {
            let Some(ending) = r["ending"].as_str() else {
                continue;
            };
            let entry = tally.entry(ending.to_owned()).or_default();
            entry.0 += 1;
            if r["score"]["passed"] == true {
                entry.1 += 1;
            }
        }
        for (ending, (runs, passed)) in &tally {
            match outcome[ending].as_str() {
                "good" => {
                    #[allow(clippy::cast_precision_loss)]
                    let rate = *passed as f64 / *runs as f64;
                    if rate < GOOD_ENDING_PASS_RATE {
                        failures.push(format!(
                            "{file}: only {passed} of the {runs} runs reaching the good ending \
                             `{ending}` pass ({:.0}%)",
                            rate * 100.0
                        ));
                    }
                }
                "bad" if *passed > 0 => failures.push(format!(
                    "{file}: {passed} runs reach the bad ending `{ending}` and pass"
                )),
                _ => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The rule titles of every course rubric module, by module file name.
fn techniques() -> BTreeMap<String, Vec<String>> {
    let mut out = BTreeMap::new();
    for path in scenarios(&root().join("scenarios/library")) {
        let text = std::fs::read_to_string(&path).unwrap();
        let rules: Vec<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("rule \""))
            .map(|rest| rest.trim_end().trim_end_matches('"').to_owned())
            .collect();
        let module = Path::new(&path)
            .file_stem()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        out.insert(module, rules);
    }
    out
}

#[test]
fn every_technique_is_practised_in_three_scenarios_with_a_pass_and_a_fail() {
    let modules = techniques();
    let techniques: BTreeSet<String> = modules.values().flatten().cloned().collect();
    let role_rules: BTreeSet<String> = ROLE_RUBRICS
        .iter()
        .filter_map(|m| modules.get(*m))
        .flatten()
        .cloned()
        .collect();
    // technique → scenarios where some passing run passes it and some run fails it
    let mut practised: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut failures = Vec::new();
    for file in course() {
        let export = json(&["export", &file]);
        let graded: BTreeSet<String> = export["rubric"]["rules"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["title"].as_str().unwrap().to_owned())
            .filter(|t| techniques.contains(t))
            .collect();
        // That each rule can fail (and pass) somewhere is what `check --deny-warnings` proves
        // over every run (W014, W015); here, that each passes within a passing run.
        let checked = rapport(&root(), &["check", "--deny-warnings", &file]);
        assert_eq!(checked.status.code(), Some(0), "{}", stdout(&checked));
        let paths = json(&["paths", &file, "--format", "json"]);
        let passing: Vec<Vec<usize>> = paths["runs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["status"] == "ended" && r["score"]["passed"] == true)
            .map(|r| {
                r["choices"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| usize::try_from(c.as_u64().unwrap()).unwrap())
                    .collect()
            })
            .collect();
        let stride = (passing.len() / 50).max(1);
        let mut shown_pass: BTreeSet<String> = BTreeSet::new();
        for picks in passing.iter().step_by(stride).chain(&passing) {
            if shown_pass.len() == graded.len() {
                break;
            }
            let report = run(&file, picks);
            for rule in report["rules"].as_array().unwrap() {
                let title = rule["title"].as_str().unwrap();
                if graded.contains(title) && rule["passed"] == true {
                    shown_pass.insert(title.to_owned());
                }
            }
        }
        for title in &graded {
            if shown_pass.contains(title) {
                practised
                    .entry(title.clone())
                    .or_default()
                    .push(file.clone());
            } else {
                failures.push(format!("{file}: no passing run passes \"{title}\""));
            }
        }
    }
    for technique in techniques.difference(&role_rules) {
        let n = practised.get(technique).map_or(0, Vec::len);
        if n < SCENARIOS_PER_TECHNIQUE {
            failures.push(format!(
                "\"{technique}\" is practised in {n} scenarios ({:?}); at least {SCENARIOS_PER_TECHNIQUE} needed",
                practised.get(technique).cloned().unwrap_or_default()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// How many scenarios must be long, and how many decisions a passing run of one takes.
const LONG_SCENARIOS: usize = 5;
const LONG_DECISIONS: usize = 8;

#[test]
fn at_least_five_scenarios_are_long() {
    let mut long = Vec::new();
    for file in course() {
        let paths = json(&["paths", &file, "--format", "json"]);
        let shortest = paths["runs"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["score"]["passed"] == true)
            .map(|r| r["choices"].as_array().unwrap().len())
            .min();
        if shortest.is_some_and(|n| n >= LONG_DECISIONS) {
            long.push(file);
        }
    }
    assert!(
        long.len() >= LONG_SCENARIOS,
        "only {} scenarios take {LONG_DECISIONS} or more decisions to pass: {long:?}",
        long.len()
    );
}

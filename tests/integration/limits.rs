//! Inputs at the limits give a result or a clean diagnostic: never a stack overflow, a
//! panic or a hang. Each runs on a thread with a 2 MiB stack, as test threads have.

use std::fmt::Write as _;
use std::path::Path;

use rapport::check::check_text;
use rapport::diagnostic::Code;
use rapport::runtime::{Run, Status};

fn on_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(2 * 1024 * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .expect("no panic or overflow")
}

const HEADER: &str = "scenario limits \"Limits\"\ncustomer C\nagent A\nemotion e = 5\nflag f\n";

fn codes(text: String) -> Vec<Code> {
    let checked = check_text(Path::new("limits.scenario"), text, None);
    checked.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn a_condition_nested_100000_parentheses_deep_is_a_diagnostic() {
    let codes = on_small_stack(|| {
        let depth = 100_000;
        let cond = format!("{}f{}", "(".repeat(depth), ")".repeat(depth));
        codes(format!("{HEADER}scene a\n  choice \"x\" if {cond}\n    end x\n  otherwise end x\nending x \"x\"\n"))
    });
    assert_eq!(codes, [Code::TooDeep]);
}

#[test]
fn a_100000_fold_negation_is_a_diagnostic() {
    let codes = on_small_stack(|| {
        let cond = format!("{}f", "not ".repeat(100_000));
        codes(format!("{HEADER}scene a\n  C: \"x\" if {cond}\n  end x\nending x \"x\"\nrubric\n  rule \"r\"\n    expect {}ever t\n", "not ".repeat(100_000)))
    });
    assert_eq!(codes, [Code::TooDeep, Code::TooDeep]);
}

#[test]
fn nesting_just_under_the_limit_parses_and_runs() {
    let status = on_small_stack(|| {
        let depth = rapport::syntax::MAX_NESTING - 1;
        let cond = format!("{}e >= 5{}", "(".repeat(depth), ")".repeat(depth));
        let half = depth / 2;
        let pred = format!(
            "{}always {}e >= 0{}{}",
            "(".repeat(half),
            "(".repeat(depth - half),
            ")".repeat(depth - half),
            ")".repeat(half)
        );
        let text = format!(
            "{HEADER}scene a\n  C: \"deep\" if {cond}\n  choice \"c\"\n    tags t\n    end x\nending x \"x\"\nrubric\n  rule \"r\"\n    expect {pred}\n  rule \"s\"\n    expect {}ever t{}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let checked = check_text(Path::new("deep.scenario"), text, None);
        let scenario = checked.scenario.expect("valid");
        let mut run = Run::start(&scenario);
        run.choose(1).unwrap();
        run.status().as_str()
    });
    assert_eq!(status, "ended");
}

#[test]
fn a_10000_character_line_checks_and_runs() {
    let (errors, status) = on_small_stack(|| {
        let words = "word ".repeat(2_000);
        let long_or = vec!["e == 1"; 1_000].join(" or ");
        let text = format!(
            "{HEADER}scene a\n  C: \"{words}\"\n  C: \"x\" if {long_or}\n  end x\nending x \"x\"\n"
        );
        assert!(text.lines().all(|l| l.len() <= 11_000));
        let checked = check_text(Path::new("long.scenario"), text, None);
        let status = checked
            .scenario
            .as_ref()
            .map(|s| Run::start(s).status().as_str());
        (checked.errors(), status)
    });
    assert_eq!((errors, status), (0, Some("ended")));
}

/// One line holding a generated `or` chain of millions of flags (issue 14.13: 29.7 MB took
/// 3.2 GB to check) is refused before it is parsed; a line just under the word limit checks.
#[test]
fn a_line_with_millions_of_words_is_a_limit_diagnostic() {
    let codes = on_small_stack(|| {
        let chain = vec!["f"; 1_000_000].join(" or ");
        codes(format!(
            "{HEADER}scene a\n  choice \"x\" if {chain}\n    end x\n  otherwise end x\nending x \"x\"\n"
        ))
    });
    assert_eq!(codes, [Code::TooLong]);
    let (errors, status) = on_small_stack(|| {
        // `choice "x" if` is 3 words (a string counts once), `f` and `or` one each.
        let chain = vec!["f"; (rapport::syntax::MAX_WORDS - 3) / 2].join(" or ");
        let text = format!("{HEADER}scene a\n  choice \"x\" if {chain}\n    end x\n  otherwise end x\nending x \"x\"\n");
        let checked = check_text(Path::new("long.scenario"), text, None);
        let status = checked
            .scenario
            .as_ref()
            .map(|s| Run::start(s).status().as_str());
        (checked.errors(), status)
    });
    assert_eq!((errors, status), (0, Some("ended")));
}

#[test]
fn a_long_goto_chain_runs_without_recursion() {
    let status = on_small_stack(|| {
        let mut text = String::from(HEADER);
        text.push_str("emotion n = 0 in 0..100000\n");
        let n = 5_000;
        for i in 0..n {
            let _ = writeln!(text, "scene s{i}\n  n +1\n  goto s{}", i + 1);
        }
        let _ = writeln!(text, "scene s{n}\n  end x\nending x \"x\"");
        let checked = check_text(Path::new("chain.scenario"), text, None);
        assert_eq!(checked.errors(), 0);
        let scenario = checked.scenario.unwrap();
        let run = Run::start(&scenario);
        assert_eq!(run.state().emotions[1], i64::from(n));
        matches!(run.status(), Status::Ended(_))
    });
    assert!(status);
}

#[test]
fn a_goto_cycle_of_many_scenes_is_found_without_recursion() {
    let codes = on_small_stack(|| {
        let mut text = String::from(HEADER);
        let n = 20_000;
        for i in 0..n {
            let _ = writeln!(text, "scene s{i}\n  e +1\n  goto s{}", (i + 1) % n);
        }
        text.push_str("ending x \"x\"\n");
        codes(text)
    });
    assert!(codes.contains(&Code::GotoCycle));
}

#[test]
fn a_large_file_checks() {
    // 4 MB here (debug build); the release benchmark `parse_check` measures 50 MB.
    let (errors, scenes) = on_small_stack(|| {
        let mut text = String::from(HEADER);
        let mut i = 0;
        while text.len() < 4_000_000 {
            let _ = writeln!(
                text,
                "scene s{i}\n  C: \"Line {i}, with some words to make it long enough.\" if e >= 2\n    if f: \"Variant\"\n  choice \"Next\" if e < 9 or turn > 3\n    tags t\n    e +1\n    goto s{}\n  choice \"Stop\"\n    end x",
                i + 1
            );
            i += 1;
        }
        let _ = writeln!(text, "scene s{i}\n  end x\nending x \"x\"");
        let checked = check_text(Path::new("big.scenario"), text, None);
        (
            checked.errors(),
            checked.scenario.map_or(0, |s| s.scenes.len()),
        )
    });
    assert_eq!(errors, 0);
    assert!(scenes > 10_000);
}

#[test]
fn huge_numbers_saturate_instead_of_wrapping() {
    let text = format!(
        "{HEADER}emotion big = 0 in -9223372036854775808..9223372036854775807\nscene a\n  big = 9223372036854775807\n  big +9223372036854775807\n  C: \"x\" if big + 9223372036854775807 > 0 and big - -9223372036854775807 > 0\n  end x\nending x \"x\"\n"
    );
    let checked = check_text(Path::new("numbers.scenario"), text, None);
    let scenario = checked.scenario.expect("valid");
    let run = Run::start(&scenario);
    assert_eq!(run.state().emotions[1], i64::MAX);
    assert_eq!(
        run.events().len(),
        4,
        "two effects, the line and the ending"
    );
}

#[test]
fn the_state_search_stops_at_its_limit_and_says_so() {
    let fixtures = crate::common::root().join("tests/fixtures");
    let whole = crate::common::rapport(&fixtures, &["check", "examples/delayed_order.scenario"]);
    assert!(!crate::common::stdout(&whole).contains("W017"));
    let stopped = crate::common::rapport(
        &fixtures,
        &[
            "check",
            "--max-states",
            "3",
            "examples/delayed_order.scenario",
        ],
    );
    assert_eq!(stopped.status.code(), Some(0), "a warning, not an error");
    insta::assert_snapshot!(crate::common::stdout(&stopped));

    let paths = crate::common::rapport(
        &fixtures,
        &[
            "paths",
            "--max-states",
            "3",
            "--format",
            "json",
            "examples/delayed_order.scenario",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&crate::common::stdout(&paths)).unwrap();
    assert_eq!(json["summary"]["search_stopped"], true);
    assert_eq!(json["summary"]["dead"], serde_json::json!([]));
    let whole = crate::common::rapport(
        &fixtures,
        &[
            "paths",
            "--format",
            "json",
            "examples/delayed_order.scenario",
        ],
    );
    let json: serde_json::Value = serde_json::from_str(&crate::common::stdout(&whole)).unwrap();
    assert!(json["summary"].get("search_stopped").is_none());
    assert_eq!(json["summary"]["dead"].as_array().map(Vec::len), Some(1));
}

/// A scene offering hundreds of choices, each moving a wide emotion: every state offers them
/// all, so states times choices is what costs. The search's work budget (64 per state of
/// `max_states`, a choice costing the choices it is offered among) stops it long before
/// `max_states` states; the listing's stack holds one frame per turn, not one per choice.
#[test]
fn a_scene_with_hundreds_of_choices_is_bounded_work() {
    let mut text = String::from(
        "scenario wide \"Wide\"\ncustomer C\nagent A\nemotion e = 0 in 0..1000000\nscene s\n  C: \"{e}\"\n",
    );
    for i in 1..=300 {
        let _ = writeln!(text, "  choice \"c{i}\"\n    e +{i}\n    stay");
    }
    text.push_str("  choice \"end\"\n    end x\nending x \"X\"\n");
    let checked = check_text(Path::new("wide.scenario"), text, None);
    let scenario = checked.scenario.expect("valid");
    let bounds = rapport::runtime::Bounds {
        max_states: 1000,
        ..rapport::runtime::Bounds::default()
    };
    let reach = rapport::explore::search(&scenario, &bounds);
    assert!(!reach.complete);
    assert!(
        reach.states < 10,
        "the work budget stopped it: {}",
        reach.states
    );
    let codes: Vec<Code> = rapport::explore::analyse(&scenario, &bounds)
        .iter()
        .map(|d| d.code)
        .collect();
    assert_eq!(
        codes,
        [Code::SearchStopped],
        "and nothing is called unreachable"
    );
    let listed = rapport::explore::enumerate(&scenario, &bounds, 2000);
    assert_eq!(listed.runs.len(), 2000);
    assert!(!listed.complete);
}

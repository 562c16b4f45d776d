//! `rapport check`: rendered diagnostics of every error fixture, clean ok fixtures, corpus,
//! examples, and the command line's exit codes and JSON.

use std::collections::BTreeSet;

use rapport::diagnostic::{Code, Severity};

use crate::common::{check, rapport, rendered, root, scenarios, stderr, stdout};

#[test]
fn error_fixtures_render_their_diagnostics() {
    let fixtures = root().join("tests/fixtures");
    let absolute = fixtures.display().to_string();
    insta::glob!("../fixtures/err", "*.scenario", |path| {
        let checked = check(path, &fixtures);
        assert!(
            checked.errors() + checked.warnings() > 0,
            "{path:?} reports nothing"
        );
        insta::assert_snapshot!(rendered(&checked).replace(&absolute, "[FIXTURES]"));
    });
}

#[test]
fn every_diagnostic_kind_has_a_fixture_named_after_its_code() {
    let fixtures = root().join("tests/fixtures");
    let mut seen = BTreeSet::new();
    for path in scenarios(&fixtures.join("err")) {
        if path.parent().is_some_and(|p| p.ends_with("library")) {
            continue;
        }
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let checked = check(&path, &fixtures);
        let codes: BTreeSet<&str> = checked
            .diagnostics
            .iter()
            .map(|d| d.code.as_str())
            .collect();
        for code in name
            .split('_')
            .filter(|w| w.len() == 4 && w[1..].chars().all(|c| c.is_ascii_digit()))
        {
            assert!(
                codes.contains(code),
                "{name} does not report {code}: {codes:?}"
            );
        }
        seen.extend(codes.into_iter().map(str::to_string));
    }
    // State-based findings come from the explorer (`rapport paths`), not the static checker.
    let state_based = [
        Code::Stuck,
        Code::UnreachableScene,
        Code::EndingNeverReached,
        Code::ChoiceNeverAvailable,
        Code::LineNeverShown,
        Code::RuleNeverPasses,
        Code::RuleAlwaysPasses,
        Code::EffectAlwaysClamps,
        // Needs a search stopped early: `limits::the_state_search_stops_at_its_limit_and_says_so`.
        Code::SearchStopped,
    ];
    for code in Code::ALL {
        if !state_based.contains(code) {
            assert!(
                seen.contains(code.as_str()),
                "no fixture reports {}",
                code.as_str()
            );
        }
    }
}

#[test]
fn ok_fixtures_corpus_and_examples_have_no_errors() {
    let mut files = scenarios(&root().join("tests/fixtures/ok"));
    files.extend(scenarios(&root().join("tests/corpus")));
    files.extend(scenarios(&root().join("tests/fixtures/examples")));
    files.extend(scenarios(&root().join("scenarios")));
    assert!(files.len() >= 103, "fixtures are missing: {}", files.len());
    for path in files {
        let checked = check(&path, &root());
        let errors: Vec<_> = checked
            .diagnostics
            .iter()
            .filter(|d| d.severity() == Severity::Error)
            .collect();
        assert!(
            errors.is_empty(),
            "{}:\n{}",
            path.display(),
            rendered(&checked)
        );
    }
}

#[test]
fn check_exit_codes_and_summary() {
    let fixtures = root().join("tests/fixtures");
    let ok = rapport(&fixtures, &["check", "examples"]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    // delayed_order's `if trust <= 2` variant is unreachable: trust only gets that low on
    // the path where frustration boils over into the manager trigger first.
    assert!(
        stdout(&ok).ends_with("checked 3 files: 0 errors, 1 warning\n"),
        "{}",
        stdout(&ok)
    );
    assert!(stdout(&ok).contains("warning[W013]: no run shows this variant"));
    assert!(stdout(&ok).contains("--> examples/delayed_order.scenario:63:20"));

    let bad = rapport(&fixtures, &["check", "err/E031_unknown_scene.scenario"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stdout(&bad).contains("error[E031]: unknown scene `wants_dat`"));
    assert!(stdout(&bad).contains("--> err/E031_unknown_scene.scenario:7:8"));
    assert!(stdout(&bad).contains("help: did you mean `wants_date`?"));

    let warn = rapport(&fixtures, &["check", "err/W001_W002_W003_unused.scenario"]);
    assert_eq!(warn.status.code(), Some(0));
    let denied = rapport(
        &fixtures,
        &[
            "check",
            "--deny-warnings",
            "err/W001_W002_W003_unused.scenario",
        ],
    );
    assert_eq!(denied.status.code(), Some(1));

    let missing = rapport(&fixtures, &["check", "nope.scenario"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        stderr(&missing).contains("nope.scenario"),
        "{}",
        stderr(&missing)
    );
}

#[test]
fn check_reports_unreadable_and_non_utf8_files_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("rapport-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("latin1.scenario"), b"scenario x \"caf\xe9\"\n").unwrap();
    let out = rapport(&dir, &["check", "latin1.scenario"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot read `latin1.scenario`: it is not valid UTF-8"),
        "{}",
        stderr(&out)
    );
    let folder = rapport(&dir, &["check", "--format", "json", "."]);
    assert_eq!(
        folder.status.code(),
        Some(2),
        "an unreadable file in a folder is still an I/O error"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn check_json_lists_diagnostics_with_one_based_character_columns() {
    let fixtures = root().join("tests/fixtures");
    let out = rapport(
        &fixtures,
        &[
            "check",
            "--format",
            "json",
            "err/E038_unknown_interpolation.scenario",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    insta::assert_json_snapshot!(json);
}

#[test]
fn check_sarif_is_sarif_2_1_0_with_every_code_a_rule_and_one_based_regions() {
    let fixtures = root().join("tests/fixtures");
    let out = rapport(
        &fixtures,
        &[
            "check",
            "--format",
            "sarif",
            "err/E030_duplicate.scenario",
            "err/W016_clamps.scenario",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let run = &sarif["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "rapport");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), Code::ALL.len());
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for result in results {
        let index = usize::try_from(result["ruleIndex"].as_u64().unwrap()).unwrap();
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(["error", "warning"].contains(&result["level"].as_str().unwrap()));
        let region = &result["locations"][0]["physicalLocation"]["region"];
        assert!(region["startLine"].as_u64().unwrap() >= 1);
        assert!(region["startColumn"].as_u64().unwrap() >= 1);
    }
    insta::assert_json_snapshot!(results);
}

#[test]
fn check_github_prints_one_workflow_annotation_per_diagnostic() {
    let fixtures = root().join("tests/fixtures");
    let out = rapport(
        &fixtures,
        &[
            "check",
            "--format",
            "github",
            "err/E031_unknown_scene.scenario",
            "err/W010_W011_W012_W013_unreachable.scenario",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    for line in text.lines() {
        assert!(
            line.starts_with("::error file=") || line.starts_with("::warning file="),
            "{line}"
        );
        assert!(line.contains(",line=") && line.contains(",col="), "{line}");
    }
    insta::assert_snapshot!(text);
}

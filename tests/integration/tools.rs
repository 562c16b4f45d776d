//! `rapport graph`, `export`, `completions` and `man`.

use clap::CommandFactory as _;

use crate::common::{rapport, root, stdout};

#[test]
fn the_command_line_is_consistent() {
    rapport::cli::Cli::command().debug_assert();
}

#[test]
fn graphs_of_a_course_scenario_are_pinned() {
    for format in ["dot", "mermaid"] {
        let out = rapport(
            &root(),
            &[
                "graph",
                "scenarios/delayed_order.scenario",
                "--format",
                format,
            ],
        );
        assert_eq!(out.status.code(), Some(0));
        insta::assert_snapshot!(format!("graph_{format}"), stdout(&out));
    }
}

#[test]
fn the_dot_graph_has_every_scene_ending_and_choice() {
    let out = rapport(&root(), &["graph", "scenarios/broken_blender.scenario"]);
    let dot = stdout(&out);
    for scene in [
        "opening",
        "listening",
        "options",
        "last_chance",
        "supervisor",
        "wrap_up",
    ] {
        assert!(dot.contains(&format!("label=\"{scene}")), "{scene}");
    }
    assert!(
        dot.contains("shape=doubleoctagon, style=filled, fillcolor=\"#c8e6c9\""),
        "good ending"
    );
    assert!(dot.contains("style=dotted"), "stay");
    assert!(dot.contains("style=bold, color=gray40"), "otherwise");
    assert!(dot.contains("shape=diamond, style=dashed"), "trigger");
    // 4 + 3 + 4 + 2 + 2 choices, one `otherwise`, the supervisor's `goto`, one trigger.
    assert_eq!(dot.matches(" -> ").count(), 15 + 1 + 1 + 1);
}

#[test]
fn export_is_the_documented_json() {
    let out = rapport(
        &root(),
        &["export", "scenarios/escalate_to_manager.scenario"],
    );
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["format"], 1);
    assert_eq!(json["choices"][0]["id"], "billing/1");
    assert_eq!(json["scenes"][0]["choices"][2], "billing/3");
    assert_eq!(
        json["rubric"]["rules"][0]["expect"],
        "acknowledge before act"
    );
    insta::assert_json_snapshot!(json);
}

#[test]
fn completions_and_man_page_render() {
    for shell in ["bash", "zsh", "fish", "powershell"] {
        let out = rapport(&root(), &["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(
            stdout(&out).contains("paths"),
            "{shell} completes subcommands"
        );
    }
    let man = rapport(&root(), &["man"]);
    assert!(stdout(&man).starts_with(".ie"));
    assert!(stdout(&man).contains(".SH NAME"));
    let bad = rapport(&root(), &["completions", "tcsh"]);
    assert_eq!(bad.status.code(), Some(2));
}

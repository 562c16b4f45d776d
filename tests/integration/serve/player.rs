//! The player: list, start, turns, meters and coach notes, the debrief, undo and restart,
//! assessment integrity, resuming, escaping, an edited scenario.

use super::{state_of, Server, MANAGER};

/// The picks that take Jake's call to the good ending (one of several).
const GOOD_RUN: &[usize] = &[1, 1, 1, 1, 1];

#[test]
fn the_home_page_lists_every_course_scenario_with_a_link_to_play_it() {
    let server = Server::course();
    let r = server.get("/");
    assert_eq!(r.status, 200);
    assert!(
        r.body
            .contains(r#"<a href="/play/delayed_order">Jake's order is late</a>"#),
        "{}",
        r.body
    );
    assert!(r.text().contains("Jake's order has been delayed."));
    for id in ["broken_blender", "internet_chat", "stranded_by_weather"] {
        assert!(r.body.contains(&format!("/play/{id}")), "{id} missing");
    }
    let start = server.get("/play/delayed_order");
    assert_eq!(start.status, 200);
    assert!(start.body.contains(r#"name="learner""#));
    assert!(
        start.body.contains(r#"value="practice""#) && start.body.contains(r#"value="assessment""#)
    );
    assert!(
        start.text().contains("You are Natalie ."),
        "{}",
        start.text()
    );
    // A learning platform's launch parameters (cmi5) are accepted on the same address.
    let launch = server.get(
        "/play/delayed_order?endpoint=http%3A%2F%2Flrs&fetch=x&actor=%7B%7D&registration=r&activityId=a",
    );
    assert_eq!(launch.status, 200);
}

#[test]
fn a_practice_run_shows_meters_and_coach_notes_and_ends_in_the_graded_debrief() {
    let server = Server::course();
    let first = server.start_run("delayed_order", "Ana", "practice");
    let page = server.get(&first);
    assert_eq!(page.status, 200);
    let text = page.text();
    assert!(text.contains("Turn 1 · Practice mode · Ana"), "{text}");
    assert!(
        text.contains("Jake: Yes, I'm really disappointed."),
        "{text}"
    );
    assert!(
        page.body
            .contains(r#"<meter id="meter-frustration" min="0" max="10" value="6">6/10</meter>"#),
        "{}",
        page.body
    );
    assert!(text.contains("frustration 6/10"), "{text}");
    assert!(page.body.contains(r#"name="pick" value="4""#));
    // Focus lands on Jake's line, the first new customer line.
    assert!(
        page.body
            .contains(r#"<li class="line customer" id="now" tabindex="-1">"#),
        "{}",
        page.body
    );

    let second = server.play(first, &[1]);
    let text = server.get(&second).text();
    assert!(
        text.contains("Coach: You named the feeling, then offered to act"),
        "{text}"
    );
    assert!(text.contains("frustration 4/10"), "{text}");
    assert!(text.contains("Turn 2"), "{text}");

    let end = server.play(second, &GOOD_RUN[1..]);
    let page = server.get(&end);
    let text = page.text();
    assert!(text.contains("Debrief"), "{text}");
    assert!(text.contains("Ending: resolved (good)"), "{text}");
    assert!(
        text.contains("Score: 17/19 (89.5%), passed (pass mark 70%)"),
        "{text}"
    );
    assert!(
        text.contains("✓ Acknowledge the feeling before fixing the problem — passed, 3/3"),
        "{text}"
    );
    assert!(
        text.contains("Apologize once, and mean it — not passed, 0/1"),
        "{text}"
    );
    assert!(text.contains("Emotions by turn"), "{text}");
    assert!(page
        .body
        .contains("<svg role=\"img\" aria-labelledby=\"chart-title chart-desc\""));
    assert!(
        text.contains("frustration from 6 to 2; trust from 4 to 10"),
        "{text}"
    );
    // The same debrief as the terminal's `rapport run`.
    let cli = crate::common::rapport(
        &crate::common::root(),
        &[
            "run",
            "tests/fixtures/serve/scenarios/delayed_order.scenario",
            "--choices",
            "1,1,1,1,1",
        ],
    );
    assert!(crate::common::stdout(&cli).contains("Score: 17/19 (89.5%), PASSED (pass mark 70%)"));

    // Every turn and the finished run are in the store.
    let csv = server.get_with(
        "/manage/export.csv",
        &[("Authorization", &format!("Bearer {MANAGER}"))],
    );
    assert_eq!(csv.status, 200);
    let rows: Vec<&str> = csv.body.lines().filter(|l| l.contains(",Ana,")).collect();
    assert_eq!(rows.len(), 5, "{}", csv.body);
    assert!(
        rows[0].contains(",ended,resolved,17,19,89.5,true,1,check_in,1,"),
        "{}",
        rows[0]
    );
    assert!(rows[4].contains(",false,"), "{}", rows[4]);
}

#[test]
fn reloading_or_a_second_tab_shows_the_same_turn_and_the_run_list_resumes_on_another_device() {
    let server = Server::course();
    let at = server.play(server.start_run("delayed_order", "Ravi", "practice"), &[2]);
    let once = server.get(&at).text();
    let again = server.get(&at).text();
    assert!(once.contains("Turn 2"));
    assert_eq!(once, again);

    let list = server.get("/runs?learner=Ravi");
    assert_eq!(list.status, 200);
    let text = list.text();
    assert!(text.contains("Jake's order is late practice"), "{text}");
    let link = list
        .body
        .split("href=\"/resume/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let resumed = server.get(&format!("/resume/{link}"));
    assert_eq!(resumed.status, 303);
    let page = server.get(&resumed.location()).text();
    assert!(page.contains("Turn 2"), "{page}");
    assert!(
        page.contains("Natalie (turn 1): It sounds like this delay has really let you down."),
        "{page}"
    );
}

#[test]
fn undo_and_restart_take_turns_back_in_practice_and_mark_them_undone() {
    let server = Server::course();
    let first = server.start_run("delayed_order", "Uma", "practice");
    let second = server.play(first.clone(), &[1]);
    // Back on turn 1's page, another answer replaces the recorded one (practice only).
    assert_eq!(server.choose(&first, "2").status, 303);
    let at = server.play(second, &[2]);
    let r = server.post("/play/delayed_order/undo", &[("state", &state_of(&at))]);
    assert_eq!(r.status, 303);
    let text = server.get(&r.location()).text();
    assert!(text.contains("Turn 2"), "{text}");
    // A different answer after the undo is recorded; the undone one stays, marked.
    let after = server.play(r.location(), &[1]);
    let r = server.post(
        "/play/delayed_order/restart",
        &[("state", &state_of(&after))],
    );
    assert_eq!(r.status, 303);
    assert!(server.get(&r.location()).text().contains("Turn 1"));
    let csv = server.get_with(
        "/manage/export.csv",
        &[("Authorization", &format!("Bearer {MANAGER}"))],
    );
    let undone: Vec<&str> = csv
        .body
        .lines()
        .filter(|l| l.contains(",Uma,"))
        .map(|l| {
            if l.contains(",true,") {
                "undone"
            } else {
                "live"
            }
        })
        .collect();
    assert_eq!(
        undone,
        ["undone", "undone", "undone", "undone"],
        "{}",
        csv.body
    );
}

#[test]
fn an_assessment_hides_meters_and_coach_and_never_takes_a_second_answer() {
    let server = Server::course();
    let first = server.start_run("delayed_order", "Lee", "assessment");
    let page = server.get(&first);
    let text = page.text();
    assert!(text.contains("Assessment mode"), "{text}");
    assert!(!page.body.contains("<meter"), "meters shown in assessment");
    assert!(!text.contains("Undo"), "{text}");
    let second = server.play(first.clone(), &[1]);
    let text = server.get(&second).text();
    assert!(!text.contains("Coach:"), "{text}");

    // Back, and the same answer again: the recorded turn, not a second record.
    let same = server.choose(&first, "1");
    assert_eq!(same.status, 303);
    assert!(same.location().starts_with("/resume/"));
    let resumed = server.get(&same.location());
    assert!(server.get(&resumed.location()).text().contains("Turn 2"));
    // Back, and another answer: refused.
    let other = server.choose(&first, "3");
    assert_eq!(other.status, 409, "{}", other.body);
    assert!(
        other
            .text()
            .contains("Turn 1 of this assessment was already answered"),
        "{}",
        other.text()
    );
    for action in ["undo", "restart"] {
        let r = server.post(
            &format!("/play/delayed_order/{action}"),
            &[("state", &state_of(&second))],
        );
        assert_eq!(r.status, 403, "{action}");
    }
    let csv = server.get_with(
        "/manage/export.csv",
        &[("Authorization", &format!("Bearer {MANAGER}"))],
    );
    assert_eq!(
        csv.body.lines().filter(|l| l.contains(",Lee,")).count(),
        1,
        "{}",
        csv.body
    );
}

#[test]
fn scenario_text_and_names_are_shown_as_text_never_as_markup() {
    let temp = tempfile::tempdir().unwrap();
    std::fs::write(
        temp.path().join("xss.scenario"),
        r#"scenario xss "<b>Bold</b> title"
brief "A brief with <script>alert(1)</script>"
customer Mo
agent Al
scene opening
  Mo: "I typed <script>alert('x')</script> & left"
  choice "Say <img src=x onerror=alert(1)>"
    end done
ending done good "Over <i>now</i>"
"#,
    )
    .unwrap();
    let server = Server::start(temp.path(), &[]);
    let index = server.get("/");
    assert!(
        index.body.contains("&lt;b&gt;Bold&lt;/b&gt; title"),
        "{}",
        index.body
    );
    assert!(!index.body.contains("<script>alert"));
    let at = server.start_run("xss", "<script>evil()</script>", "practice");
    let page = server.get(&at);
    assert!(
        page.body
            .contains("I typed &lt;script&gt;alert('x')&lt;/script&gt; &amp; left"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Say &lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.body.contains("&lt;script&gt;evil()&lt;/script&gt;"));
    assert!(!page.body.contains("<script>evil"));
    assert!(!page.body.contains("<img"));
    let end = server.play(at, &[1]);
    let page = server.get(&end);
    assert!(page.body.contains("Over &lt;i&gt;now&lt;/i&gt;"));
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("script-src 'self'"));
}

#[test]
fn an_edited_scenario_resumes_by_the_save_rules() {
    let temp = tempfile::tempdir().unwrap();
    let file = temp.path().join("edit.scenario");
    let v1 = r#"scenario edit "Edits"
customer Mo
agent Al
scene one
  Mo: "First?"
  choice "Alpha"
    goto two
  choice "Beta"
    goto two
scene two
  Mo: "Second?"
  choice "Gamma"
    end done
ending done good "Done."
"#;
    std::fs::write(&file, v1).unwrap();
    let server = Server::start(temp.path(), &[]);
    let at = server.play(server.start_run("edit", "Eve", "practice"), &[2]);
    drop(server);
    // The author inserts a choice before "Beta": picks match by text, not position.
    std::fs::write(
        &file,
        v1.replace(
            "  choice \"Beta\"",
            "  choice \"New\"\n    goto two\n  choice \"Beta\"",
        ),
    )
    .unwrap();
    let server = Server::start(temp.path(), &[]);
    let page = server.get(&at);
    assert_eq!(page.status, 200, "{}", page.body);
    let text = page.text();
    assert!(
        text.contains("your choices were matched by their text"),
        "{text}"
    );
    assert!(text.contains("Al (turn 1): Beta"), "{text}");
    assert!(text.contains("Turn 2"), "{text}");
    drop(server);
    // The author rewords "Beta": the clearly similar new text is taken (the save rules use
    // the texts that were offered at the turn, which the store keeps).
    std::fs::write(&file, v1.replace("\"Beta\"", "\"Beta, please\"")).unwrap();
    let server = Server::start(temp.path(), &[]);
    let text = server.get(&at).text();
    assert!(text.contains("Al (turn 1): Beta, please"), "{text}");
    drop(server);
    // The author removes "Beta": the run continues from the turn that diverged.
    std::fs::write(&file, v1.replace("  choice \"Beta\"\n    goto two\n", "")).unwrap();
    let server = Server::start(temp.path(), &[]);
    let text = server.get(&at).text();
    assert!(
        text.contains("Your choice at turn 1 is no longer offered"),
        "{text}"
    );
    assert!(text.contains("Turn 1"), "{text}");
}

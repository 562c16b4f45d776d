//! The cohort view: access, the figures, one trainee's runs, the CSV export, erasure.

use super::{command, course, Server, MANAGER};

fn bearer() -> (&'static str, String) {
    ("Authorization", format!("Bearer {MANAGER}"))
}

fn cookie_value<'a>(set_cookie: &'a str, name: &str) -> &'a str {
    set_cookie
        .strip_prefix(&format!("{name}="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
}

#[test]
fn without_the_token_the_cohort_view_is_401_with_a_login_form() {
    let server = Server::course();
    for path in [
        "/manage",
        "/manage/export.csv",
        "/manage/learners",
        "/manage/scenario/delayed_order",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 401, "{path}");
        assert!(r.body.contains(r#"action="/manage/login""#), "{path}");
    }
    for token in ["wrong", "", MANAGER.trim_end_matches('9')] {
        let r = server.get_with("/manage", &[("Authorization", &format!("Bearer {token}"))]);
        assert_eq!(r.status, 401, "{token:?}");
        assert!(r
            .text()
            .contains("The bearer token is not the manager token."));
    }
    let (name, value) = bearer();
    let r = server.get_with("/manage", &[(name, &value)]);
    assert_eq!(r.status, 200);
    assert!(r.body.contains(r#"href="/manage/export.csv""#));
}

#[test]
fn the_login_form_gives_a_rotated_httponly_samesite_session_with_csrf_on_forms() {
    let server = Server::course();
    let form = server.get("/manage/login");
    assert_eq!(form.status, 200);
    let set = form.header("set-cookie").unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let login_nonce = cookie_value(&set, "rapport_login").to_string();
    let cookie = format!("rapport_login={login_nonce}");
    // Without the form's CSRF value: refused.
    let r = server.post_with(
        "/manage/login",
        &[("token", MANAGER), ("csrf", "nope")],
        &[("Cookie", &cookie)],
    );
    assert_eq!(r.status, 403);
    let r = server.post_with(
        "/manage/login",
        &[("token", "wrong"), ("csrf", &login_nonce)],
        &[("Cookie", &cookie)],
    );
    assert_eq!(r.status, 401);
    assert!(r.text().contains("That is not the manager token."));
    let r = server.post_with(
        "/manage/login",
        &[("token", MANAGER), ("csrf", &login_nonce)],
        &[("Cookie", &cookie)],
    );
    assert_eq!(r.status, 303, "{}", r.body);
    let session_cookie = r
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("rapport_manager="))
        .unwrap()
        .to_string();
    assert!(session_cookie.contains("HttpOnly") && session_cookie.contains("SameSite=Strict"));
    let session = cookie_value(&session_cookie, "rapport_manager").to_string();
    let jar = format!("rapport_manager={session}");
    let page = server.get_with("/manage/learners", &[("Cookie", &jar)]);
    assert_eq!(page.status, 200);
    let csrf = page
        .body
        .split(r#"name="csrf" value=""#)
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    // A second login gets another session id.
    let form = server.get("/manage/login");
    let nonce = cookie_value(form.header("set-cookie").unwrap(), "rapport_login").to_string();
    let again = server.post_with(
        "/manage/login",
        &[("token", MANAGER), ("csrf", &nonce)],
        &[("Cookie", &format!("rapport_login={nonce}"))],
    );
    let second = again
        .headers_named("set-cookie")
        .into_iter()
        .find(|c| c.starts_with("rapport_manager="))
        .unwrap()
        .to_string();
    assert_ne!(cookie_value(&second, "rapport_manager"), session);
    // A tampered session cookie is nothing.
    let tampered = format!("rapport_manager={}x", &session[..session.len() - 1]);
    assert_eq!(
        server.get_with("/manage", &[("Cookie", &tampered)]).status,
        401
    );
    // A form without the session's CSRF token is refused; with it, it works.
    let r = server.post_with(
        "/manage/learner/delete",
        &[("learner", "Nobody"), ("csrf", "forged")],
        &[("Cookie", &jar)],
    );
    assert_eq!(r.status, 403);
    let r = server.post_with(
        "/manage/learner/delete",
        &[("learner", "Nobody"), ("csrf", &csrf)],
        &[("Cookie", &jar)],
    );
    assert_eq!(r.status, 303);
}

#[test]
fn login_attempts_are_rate_limited() {
    let server = Server::course();
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(
            server
                .post("/manage/login", &[("token", "guess"), ("csrf", "x")])
                .status,
        );
    }
    assert_eq!(&statuses[..5], &[403; 5]);
    assert_eq!(&statuses[5..], &[429, 429]);
}

#[test]
fn the_cohort_view_shows_pass_rate_scores_failed_rules_choices_endings_and_a_trainee() {
    let server = Server::course();
    server.play(
        server.start_run("delayed_order", "Ana", "assessment"),
        &[1, 1, 1, 1, 1],
    );
    server.play(
        server.start_run("delayed_order", "Ben", "assessment"),
        &[1, 1, 1, 2, 1],
    );
    server.start_run("delayed_order", "=HYPERLINK(\"http://x\")", "practice");
    let (name, value) = bearer();
    let h = [(name, value.as_str())];
    let r = server.get_with("/manage", &h);
    let text = r.text();
    assert!(text.contains("Jake's order is late 3 3 2 50.0%"), "{text}");
    let r = server.get_with("/manage/scenario/delayed_order", &h);
    assert_eq!(r.status, 200);
    let text = r.text();
    assert!(text.contains("3 runs by 3 trainees; 2 finished"), "{text}");
    assert!(text.contains("Score distribution"), "{text}");
    assert!(
        text.contains("50–59% 1 60–69% 0 70–79% 0 80–89% 1"),
        "{text}"
    );
    assert!(text.contains("Rules most often failed"), "{text}");
    assert!(
        text.contains("Apologize once, and mean it : failed in 2 of 2 runs (100.0%)"),
        "{text}"
    );
    assert!(
        text.contains("One sincere apology belongs in every recovery"),
        "{text}"
    );
    assert!(text.contains("Scene check_in"), "{text}");
    assert!(
        text.contains("and see how we can resolve it quickly. 2 100.0%"),
        "{text}"
    );
    assert!(
        text.contains("Delays happen this time of year. There's not much I can do. 0 0.0%"),
        "{text}"
    );
    assert!(text.contains("resolved good 2"), "{text}");
    let learners = server.get_with("/manage/learners", &h);
    assert!(learners.text().contains("Ana (1 runs)"));
    let ana = server.get_with("/manage/learner?id=Ana", &h);
    let run = ana
        .body
        .split("href=\"/manage/run/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap();
    let page = server.get_with(&format!("/manage/run/{run}"), &h);
    let text = page.text();
    assert!(
        text.contains("Natalie (turn 1): I completely understand your frustration"),
        "{text}"
    );
    assert!(text.contains("Score: 17/19 (89.5%), passed"), "{text}");
    // The export: formulas neutralised, quoted.
    let csv = server.get_with("/manage/export.csv", &h);
    assert_eq!(csv.header("content-type"), Some("text/csv; charset=utf-8"));
    assert!(csv.body.starts_with("run_id,learner,scenario,mode,"));
    assert!(
        csv.body
            .contains(",\"'=HYPERLINK(\"\"http://x\"\")\",delayed_order,practice,"),
        "{}",
        csv.body
    );
    assert!(!csv.body.contains(",=HYPERLINK"));
}

#[test]
fn results_delete_erases_a_learner_and_old_runs() {
    let (_temp, dir) = course();
    let server = Server::start(&dir, &[]);
    server.play(
        server.start_run("delayed_order", "Erase Me", "practice"),
        &[1, 1],
    );
    server.start_run("delayed_order", "Keep Me", "practice");
    drop(server);
    let dir_text = dir.to_string_lossy().into_owned();
    let out = command(&["results", "delete", &dir_text, "--learner", "Erase Me"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Deleted 1 run(s) and 2 turn(s) of the learner `Erase Me`.\n"
    );
    let out = command(&["results", "delete", &dir_text, "--older-than", "1"])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Deleted 0 run(s) and 0 turn(s) started more than 1 day(s) ago.\n"
    );
    let out = command(&["results", "delete", &dir_text]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let server = Server::start(&dir, &[]);
    let (name, value) = bearer();
    let csv = server.get_with("/manage/export.csv", &[(name, &value)]);
    assert!(!csv.body.contains("Erase Me"));
    assert!(csv.body.contains("Keep Me"));
}

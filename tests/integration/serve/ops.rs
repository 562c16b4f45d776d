//! Operations: health, readiness, the request log, clear start-up errors, SIGTERM, the
//! key file.

use std::process::Stdio;

use super::{command, course, Server};

#[test]
fn health_and_readiness_answer_and_assets_are_served_by_the_server_itself() {
    let server = Server::course();
    let r = server.get("/healthz");
    assert_eq!((r.status, r.body.as_str()), (200, "ok\n"));
    let r = server.get("/readyz");
    assert_eq!((r.status, r.body.as_str()), (200, "ready\n"));
    let js = server.get("/assets/app.js");
    assert_eq!(js.status, 200);
    assert!(js.body.contains("Number keys pick an answer"));
    assert_eq!(server.get("/assets/app.css").status, 200);
    let page = server.get("/");
    let outside: Vec<&str> = page
        .body
        .split(['"', '\''])
        .filter(|s| s.starts_with("http"))
        .collect();
    assert!(outside.is_empty(), "outside assets: {outside:?}");
}

fn start_error(dir: &str, extra: &[&str], env: &[(&str, &str)]) -> (Option<i32>, String) {
    let mut cmd = command(&["serve", dir]);
    cmd.args(extra).stdout(Stdio::null());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn start_up_errors_are_clear_and_exit_2() {
    let (_temp, dir) = course();
    let dir_text = dir.to_string_lossy().into_owned();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let (code, err) = start_error(&dir_text, &["--addr", &port], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&format!("cannot listen on {port}"))
            && err.contains("another program uses this port"),
        "{err}"
    );

    let (code, err) = start_error(
        &dir_text,
        &["--database", "postgres://rapport:secret@127.0.0.1:1/none"],
        &[],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("cannot reach the database postgres://rapport:***@127.0.0.1:1/none"),
        "{err}"
    );
    assert!(!err.contains("secret"), "{err}");

    // A short secret or manager token is the operator's choice: a warning, not a refusal
    // (the server then stops only because its port is taken).
    let (code, err) = start_error(
        &dir_text,
        &["--addr", &port],
        &[
            ("RAPPORT_SECRET", "short"),
            ("RAPPORT_MANAGER_TOKEN", "abc"),
        ],
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("warning: RAPPORT_SECRET is 5 bytes long"),
        "{err}"
    );
    assert!(
        err.contains("warning: the manager token is 3 characters long"),
        "{err}"
    );
    assert!(err.contains(&format!("cannot listen on {port}")), "{err}");
    let (code, err) = start_error(&dir_text, &[], &[("RAPPORT_SECRET", "")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("RAPPORT_SECRET is empty"), "{err}");

    let (code, err) = start_error(&dir_text, &[], &[("RAPPORT_MANAGER_TOKEN", "")]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the manager token is empty"), "{err}");

    let (code, err) = start_error("/no/such/folder", &[], &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("`/no/such/folder` is not a folder of scenarios"),
        "{err}"
    );

    let key = dir.join("empty.key");
    std::fs::write(&key, "\n").unwrap();
    let mut cmd = command(&["serve", &dir_text, "--key-file", &key.to_string_lossy()]);
    let out = cmd
        .env_remove("RAPPORT_SECRET")
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no key"));
}

#[test]
fn without_a_secret_a_key_file_is_generated_once_and_kept() {
    let (_temp, dir) = course();
    let mut cmd = command(&[]);
    cmd.env_remove("RAPPORT_SECRET");
    let server = Server::start_with(&dir, &[], cmd);
    let at = server.start_run("delayed_order", "Kim", "practice");
    drop(server);
    let key = std::fs::read_to_string(dir.join("rapport.key")).unwrap();
    assert_eq!(key.trim().len(), 64);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(dir.join("rapport.key"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the key file is readable by others");
    }
    // A restarted server has the same key: the page still works.
    let mut cmd = command(&[]);
    cmd.env_remove("RAPPORT_SECRET");
    let server = Server::start_with(&dir, &[], cmd);
    assert_eq!(server.get(&at).status, 200);
    assert_eq!(
        std::fs::read_to_string(dir.join("rapport.key")).unwrap(),
        key
    );
    assert!(dir.join("rapport.sqlite").exists());
}

#[test]
fn sigterm_stops_the_server_cleanly_and_every_acknowledged_turn_is_stored() {
    let (_temp, dir) = course();
    let mut server = Server::start(&dir, &[]);
    let at = server.play(
        server.start_run("delayed_order", "Sig", "assessment"),
        &[1, 1],
    );
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    let server = Server::start(&dir, &[]);
    let text = server.get(&at).text();
    assert!(text.contains("Turn 3"), "{text}");
    let csv = server.get_with(
        "/manage/export.csv",
        &[("Authorization", &format!("Bearer {}", super::MANAGER))],
    );
    assert_eq!(csv.body.lines().filter(|l| l.contains(",Sig,")).count(), 2);
}

#[test]
fn every_acknowledged_turn_survives_kill_9() {
    let (_temp, dir) = course();
    let mut server = Server::start(&dir, &[]);
    let mut ats = Vec::new();
    for i in 0..8 {
        let learner = format!("Kill{i}");
        ats.push(server.play(
            server.start_run("delayed_order", &learner, "assessment"),
            &[1, 1],
        ));
    }
    server.kill_hard();
    let server = Server::start(&dir, &[]);
    for at in &ats {
        let text = server.get(at).text();
        assert!(text.contains("Turn 3"), "{text}");
    }
    let csv = server.get_with(
        "/manage/export.csv",
        &[("Authorization", &format!("Bearer {}", super::MANAGER))],
    );
    assert_eq!(
        csv.body.lines().filter(|l| l.contains(",Kill")).count(),
        16,
        "{}",
        csv.body
    );
}

#[test]
fn the_request_log_has_one_line_per_request_without_tokens() {
    let (_temp, dir) = course();
    let dir_text = dir.to_string_lossy().into_owned();
    let mut child = command(&["serve", &dir_text, "--addr", "127.0.0.1:0", "--log-json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let addr = line
        .trim()
        .trim_start_matches("Listening on http://")
        .trim_end_matches('/')
        .to_string();
    let at = {
        let r = super::request(
            &addr,
            "POST",
            "/play/delayed_order",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            "learner=Log&mode=practice",
        );
        r.location()
    };
    super::request(&addr, "GET", &at, &[], "");
    super::request(&addr, "GET", "/healthz", &[], "");
    let _ = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = err
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3, "{err}");
    assert_eq!(lines[0]["method"], "POST");
    assert_eq!(lines[0]["status"], 303);
    assert_eq!(lines[1]["path"], "/play/delayed_order/turn");
    assert!(!err.contains("state="), "a token in the log: {err}");
}

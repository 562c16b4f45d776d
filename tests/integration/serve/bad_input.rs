//! Bad input gets a 4xx with a clear message, never a 500 or a panic.

use rapport::serve::key::Keys;
use rapport::serve::token::RunToken;

use super::{raw, state_of, Server, SECRET};

#[test]
fn unknown_scenarios_and_paths_are_404_with_a_message() {
    let server = Server::course();
    for path in [
        "/play/no_such_scenario",
        "/play/..%2F..%2Fetc%2Fpasswd",
        "/play/../../etc/passwd",
        "/play/%2e%2e/%2e%2e/etc/passwd",
        "/nothing/here",
        "/resume/abc",
        "/resume/..%2F..%2Fetc%2Fpasswd",
    ] {
        let r = server.get(path);
        assert_eq!(r.status, 404, "{path}: {}", r.body);
        assert!(!r.body.contains("root:"), "{path}");
    }
    let r = server.get("/play/..%2F..%2Fetc%2Fpasswd");
    assert!(
        r.text()
            .contains("There is no scenario `../../etc/passwd` on this server."),
        "{}",
        r.text()
    );
    let r = server.post("/play/nope", &[("learner", "A"), ("mode", "practice")]);
    assert_eq!(r.status, 404);
}

#[test]
fn a_pick_that_is_not_offered_is_a_400_that_says_which_are() {
    let server = Server::course();
    let at = server.start_run("delayed_order", "Ana", "practice");
    for pick in ["0", "99", "-1", "two", "", "1.5", "18446744073709551616"] {
        let r = server.choose(&at, pick);
        assert_eq!(r.status, 400, "pick {pick:?}: {}", r.body);
        assert!(
            r.text().contains("pick 1 to 4"),
            "pick {pick:?}: {}",
            r.text()
        );
    }
    // Nothing was recorded: the first real pick is turn 1.
    assert_eq!(server.choose(&at, "1").status, 303);
}

#[test]
fn bad_start_forms_are_400() {
    let server = Server::course();
    for (learner, mode, says) in [
        ("", "practice", "Enter your name"),
        ("   ", "practice", "Enter your name"),
        ("Ana", "cheat", "is not a mode"),
        ("Ana", "", "is not a mode"),
        ("a\u{7}b", "practice", "control characters"),
    ] {
        let r = server.post(
            "/play/delayed_order",
            &[("learner", learner), ("mode", mode)],
        );
        assert_eq!(r.status, 400, "{learner:?} {mode:?}");
        assert!(r.text().contains(says), "{}", r.text());
    }
    let long = "x".repeat(101);
    let r = server.post(
        "/play/delayed_order",
        &[("learner", &long), ("mode", "practice")],
    );
    assert_eq!(r.status, 400);
}

fn keys() -> Keys {
    Keys::single(SECRET.as_bytes())
}

fn token(scenario: &str, expires: i64) -> RunToken {
    RunToken {
        run: "0".repeat(32),
        learner: "Ana".into(),
        scenario: scenario.into(),
        source_hash: "0".into(),
        mode: "practice".into(),
        turn: 0,
        picks: vec![],
        expires,
    }
}

#[test]
fn forged_truncated_expired_and_swapped_tokens_are_refused() {
    let server = Server::course();
    let at = server.start_run("delayed_order", "Ana", "practice");
    let good = state_of(&at);
    let (signed, _) = good.rsplit_once('.').unwrap();
    // A changed payload under the old MAC.
    let mut parts: Vec<String> = good.split('.').map(str::to_string).collect();
    let forged_payload = token("delayed_order", i64::MAX).encode(&keys());
    parts[2] = forged_payload.split('.').nth(2).unwrap().to_string();
    let forged = parts.join(".");
    let other_key =
        token("delayed_order", i64::MAX).encode(&Keys::single(b"some other server's key"));
    let expired = token("delayed_order", 1).encode(&keys());
    let cases = [
        (forged.as_str(), "was altered"),
        (&good[..good.len() - 5], "was altered"),
        (&good[..good.len() / 2], "incomplete or damaged"),
        (signed, "incomplete or damaged"),
        ("garbage", "incomplete or damaged"),
        ("", "carries no run state"),
        (other_key.as_str(), "a key this server does not have"),
        (expired.as_str(), "this page has expired"),
    ];
    for (state, says) in cases {
        for r in [
            server.post(
                "/play/delayed_order/choose",
                &[("state", state), ("pick", "1")],
            ),
            server.get(&format!("/play/delayed_order/turn?state={state}")),
        ] {
            assert_eq!(r.status, 400, "{state}: {}", r.body);
            assert!(
                r.text().to_lowercase().contains(&says.to_lowercase()),
                "{state}: {}",
                r.text()
            );
        }
    }
    // A genuine token of another scenario, posted to this one.
    let swapped = server.post(
        "/play/broken_blender/choose",
        &[("state", &good), ("pick", "1")],
    );
    assert_eq!(swapped.status, 400);
    assert!(
        swapped
            .text()
            .contains("This run belongs to the scenario `delayed_order`, not `broken_blender`."),
        "{}",
        swapped.text()
    );
}

#[test]
fn an_oversized_body_is_413_and_a_malformed_one_400() {
    let server = Server::course();
    let big = "x".repeat(64 * 1024);
    let r = server.post(
        "/play/delayed_order",
        &[("learner", &big), ("mode", "practice")],
    );
    assert_eq!(r.status, 413, "{}", r.body);
    assert!(
        r.text().contains("larger than this server accepts"),
        "{}",
        r.text()
    );
    let r = raw(
        &server.addr,
        b"POST /play/delayed_order HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: 3\r\n\r\nabc",
    );
    assert_eq!(r.status, 400, "{}", r.body);
    let r = raw(&server.addr, b"NONSENSE\r\n\r\n");
    assert_eq!(r.status, 400);
}

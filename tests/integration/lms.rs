//! `rapport export --scorm OUT --url BASE` and `--cmi5 OUT`: packages a learning platform
//! imports (product.md §7).

use std::io::Read as _;
use std::path::Path;

use crate::common::{rapport, root, stderr, stdout};

fn unzip(path: &Path) -> Vec<(String, String)> {
    let file = std::fs::File::open(path).unwrap();
    let mut archive = zip::ZipArchive::new(file).unwrap();
    let mut out = Vec::new();
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).unwrap();
        let mut text = String::new();
        entry.read_to_string(&mut text).unwrap();
        out.push((entry.name().to_string(), text));
    }
    out
}

#[test]
fn scorm_and_cmi5_packages_cover_every_course_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let scorm = dir.path().join("scorm");
    let cmi5 = dir.path().join("cmi5");
    let args = [
        "export",
        "--scorm",
        scorm.to_str().unwrap(),
        "--cmi5",
        cmi5.to_str().unwrap(),
        "--url",
        "https://training.example.com/rapport/",
        "scenarios",
    ];
    let output = rapport(&root(), &args);
    assert!(output.status.success(), "{}", stderr(&output));
    let scenarios: Vec<String> = std::fs::read_dir(root().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "scenario"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert!(scenarios.len() >= 9);
    let structure = std::fs::read_to_string(cmi5.join("cmi5.xml")).unwrap();
    assert!(structure.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<courseStructure xmlns=\"https://w3id.org/xapi/profiles/cmi5/v1/CourseStructure.xsd\">"));
    for id in &scenarios {
        // Each course file is named after its scenario id.
        let zip = scorm.join(format!("{id}.zip"));
        assert!(
            stdout(&output).contains(&format!("{}", zip.display())),
            "{id}"
        );
        let files = unzip(&zip);
        let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["imsmanifest.xml", "launch.html"]);
        let manifest = &files[0].1;
        assert!(manifest.contains("<schemaversion>1.2</schemaversion>"));
        assert!(manifest.contains(&format!("identifier=\"res-{id}\" type=\"webcontent\" adlcp:scormtype=\"sco\" href=\"launch.html\"")));
        assert!(
            manifest.contains("<adlcp:masteryscore>"),
            "{id} has a rubric"
        );
        let launch = &files[1].1;
        assert!(launch.contains(&format!(
            "var PLAYER = \"https://training.example.com/rapport/play/{id}\";"
        )));
        for call in [
            "LMSInitialize",
            "cmi.core.student_id",
            "cmi.core.student_name",
            "cmi.core.lesson_status",
            "cmi.core.score.raw",
            "cmi.core.session_time",
            "LMSCommit",
            "LMSFinish",
            "event.origin !== ORIGIN",
        ] {
            assert!(launch.contains(call), "{id}: {call}");
        }
        assert!(structure.contains(&format!(
            "<au id=\"https://training.example.com/rapport/scenarios/{id}\" launchMethod=\"AnyWindow\" moveOn=\"CompletedAndPassed\" masteryScore=\"0.7\">"
        )), "{id}");
        assert!(structure.contains(&format!(
            "<url>https://training.example.com/rapport/play/{id}</url>"
        )));
    }
    // Library modules are not scenarios of their own.
    assert!(!scorm.join("compensation.zip").exists());
    // The same scenarios give the same bytes.
    let first = std::fs::read(scorm.join("delayed_order.zip")).unwrap();
    let again = rapport(&root(), &args);
    assert!(again.status.success());
    assert_eq!(
        std::fs::read(scorm.join("delayed_order.zip")).unwrap(),
        first
    );
}

#[test]
fn package_text_is_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("odd.scenario");
    std::fs::write(
        &file,
        "scenario odd \"Tom & <b>Jerry</b> </script><script>alert(1)</script>\"\n\
         customer Tom\nagent Ann\n\
         scene a\n  Tom: \"Hi\"\n  choice \"Bye\"\n    end done\n\
         ending done good \"Done\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let output = rapport(
        dir.path(),
        &[
            "export",
            "--scorm",
            "out",
            "--cmi5",
            "out",
            "--url",
            "http://127.0.0.1:8080",
            "odd.scenario",
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let files = unzip(&out.join("odd.zip"));
    for (name, text) in &files {
        assert!(!text.contains("<b>Jerry"), "{name} escapes the title");
        assert!(!text.contains("</script><script>alert"), "{name}");
    }
    assert!(files[0]
        .1
        .contains("<title>Tom &amp; &lt;b&gt;Jerry&lt;/b&gt;"));
    // No rubric: completion is enough, and the manifest gives no mastery score.
    assert!(!files[0].1.contains("masteryscore"));
    let structure = std::fs::read_to_string(out.join("cmi5.xml")).unwrap();
    assert!(structure.contains("moveOn=\"Completed\""));
    assert!(!structure.contains("masteryScore"));
}

#[test]
fn bad_requests_write_nothing_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let o = out.to_str().unwrap();
    let cases: &[(&[&str], i32, &str)] = &[
        (
            &["export", "--scorm", o, "scenarios"],
            2,
            "need `--url BASE`",
        ),
        (
            &[
                "export",
                "--cmi5",
                o,
                "--url",
                "training.example.com",
                "scenarios",
            ],
            2,
            "is not an http(s) address",
        ),
        (
            &[
                "export",
                "--cmi5",
                o,
                "--url",
                "https://x.org/?a",
                "scenarios",
            ],
            2,
            "plain address",
        ),
        (
            &[
                "export",
                "--scorm",
                o,
                "--url",
                "https://x.org",
                "tests/fixtures/err/E031_unknown_scene.scenario",
            ],
            1,
            "nothing was written",
        ),
        (
            &[
                "export",
                "--scorm",
                o,
                "--url",
                "https://x.org",
                "no/such/folder",
            ],
            2,
            "no such file or folder",
        ),
        (
            &[
                "export",
                "scenarios/delayed_order.scenario",
                "scenarios/broken_blender.scenario",
            ],
            2,
            "exports one scenario as JSON",
        ),
    ];
    for (args, code, message) in cases {
        let output = rapport(&root(), args);
        assert_eq!(
            output.status.code(),
            Some(*code),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(message),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(!out.exists(), "{args:?} wrote nothing");
    }
}

/// Whether a test that needs an outside tool may skip: locally yes (with a message saying how
/// to install it), under `CI=true` never.
fn skip(reason: &str) -> bool {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "CI=true and {reason}; .ci/run installs it"
    );
    eprintln!("skipped: {reason}");
    true
}

/// Runs Learning Locker's validator on a JSON array of statements: (all valid, its report).
fn validate(statements: &[u8]) -> (bool, String) {
    use std::io::Write as _;
    let mut child = std::process::Command::new("node")
        .arg("validate.cjs")
        .current_dir(root().join("tests/lms"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("node runs");
    child.stdin.take().unwrap().write_all(statements).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
    )
}

#[test]
fn every_statement_passes_learning_lockers_validator() {
    use rapport::lms::xapi::{self, Decision, Launch};
    use serde_json::json;
    let folder = root().join("tests/lms");
    if !folder.join("node_modules/xapi-validation").is_dir() {
        skip("the xAPI validator is not installed (run `npm install` in tests/lms)");
        return;
    }
    let launch = Launch {
        actor: xapi::agent_for("https://t.example", "learner-7", "Ann Lee"),
        registration: "9e4a7b4c-1f34-4a1b-9d2e-2b6c3f3e4d5a".into(),
        activity_id: "https://t.example/scenarios/delayed_order".into(),
        context_template: json!({
            "contextActivities": {"grouping": [{"id": "https://lms.example/course/1"}]},
            "extensions": {"https://w3id.org/xapi/cmi5/context/extensions/sessionid": "s-1"}
        }),
        session_id: "s-1".into(),
        mastery_score: Some(0.7),
    };
    let id = |n: u8| xapi::uuid([n; 16]);
    let at = "2026-12-03T10:00:00.000Z";
    let offered = vec![
        (
            "1".to_string(),
            "That's disappointing. Let me find out where it is.".to_string(),
        ),
        ("2".to_string(), "It's in the outbound queue.".to_string()),
    ];
    let tags = vec!["acknowledge".to_string()];
    let emotions = vec![("frustration".to_string(), 4), ("trust".to_string(), 6)];
    let decision = Decision {
        turn: 1,
        scene: "opening",
        prompt: "My order is late. Again.",
        offered: &offered,
        chosen: "1",
        tags: &tags,
        emotions: &emotions,
    };
    let statements = json!([
        xapi::initialized(&launch, &id(1), at),
        xapi::answered(&launch, "https://t.example", &decision, &id(2), at),
        xapi::completed(&launch, &id(3), at, 95_250),
        xapi::judged(&launch, &id(4), at, 95_250, 0.85, true),
        xapi::judged(&launch, &id(5), at, 95_250, 0.4, false),
        xapi::terminated(&launch, &id(6), at, 96_000),
    ]);
    let (ok, text) = validate(statements.to_string().as_bytes());
    assert!(ok, "{text}");
    assert!(text.contains("6 valid, 0 invalid"), "{text}");
}

#[test]
fn the_validator_rejects_a_broken_statement() {
    // The check above proves something only if the validator can say no.
    let folder = root().join("tests/lms");
    if !folder.join("node_modules/xapi-validation").is_dir() {
        skip("the xAPI validator is not installed (run `npm install` in tests/lms)");
        return;
    }
    let (ok, text) = validate(
        br#"[{"actor": {"mbox": "not-a-mailto"}, "verb": {"id": "passed"}, "object": {"id": "x"}}]"#,
    );
    assert!(!ok);
    assert!(text.contains("0 valid, 1 invalid"), "{text}");
}

//! Limits and durability: include depth, links out of the root, kills during writes, the
//! save format, and every saved fuzz input.

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use rapport::diagnostic::Code;

use crate::common::{rapport, root, scenarios};

fn codes(dir: &Path, file: &str) -> Vec<Code> {
    let checked = rapport::check::check_file(&dir.join(file), Some(dir)).unwrap();
    checked.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn includes_nested_too_deep_are_a_diagnostic() {
    let dir = tempfile::tempdir().unwrap();
    let depth = rapport::check::MAX_INCLUDE_DEPTH + 5;
    for i in 0..depth {
        std::fs::write(
            dir.path().join(format!("lib{i}.scenario")),
            format!("include \"lib{}.scenario\"\n", i + 1),
        )
        .unwrap();
    }
    std::fs::write(
        dir.path().join(format!("lib{depth}.scenario")),
        "# the bottom\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.scenario"),
        "scenario m \"M\"\ninclude \"lib0.scenario\"\ncustomer C\nagent A\nscene s\n  end e\nending e \"E\"\n",
    )
    .unwrap();
    assert!(codes(dir.path(), "main.scenario").contains(&Code::IncludeCycle));
}

#[cfg(unix)]
#[test]
fn a_link_that_leads_out_of_the_root_is_refused() {
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(
        outside.path().join("secret.scenario"),
        "rubric\n  pass 10%\n",
    )
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret.scenario"),
        dir.path().join("lib.scenario"),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("main.scenario"),
        "scenario m \"M\"\ninclude \"lib.scenario\"\ncustomer C\nagent A\nscene s\n  end e\nending e \"E\"\n",
    )
    .unwrap();
    assert_eq!(
        codes(dir.path(), "main.scenario"),
        [Code::IncludeOutsideRoot]
    );
}

#[test]
fn a_file_over_the_size_limit_is_refused_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    // Sparse: the limit plus one byte, without writing 32 MiB.
    let big = std::fs::File::create(dir.path().join("big.scenario")).unwrap();
    big.set_len(rapport::check::MAX_FILE_BYTES + 1).unwrap();
    let output = rapport(dir.path(), &["check", "big.scenario"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        crate::common::stderr(&output).contains("big.scenario")
            && crate::common::stderr(&output).contains("larger than 32 MiB"),
        "{}",
        crate::common::stderr(&output)
    );

    // An include over the limit is a diagnostic at the include.
    std::fs::write(
        dir.path().join("main.scenario"),
        "scenario m \"M\"\ninclude \"big.scenario\"\ncustomer C\nagent A\nscene s\n  end e\nending e \"E\"\n",
    )
    .unwrap();
    let output = rapport(dir.path(), &["check", "main.scenario"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(crate::common::stdout(&output).contains("larger than 32 MiB"));
}

#[cfg(target_os = "linux")]
#[test]
fn an_endless_file_is_refused_not_read_forever() {
    let output = rapport(&root(), &["check", "/dev/zero"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(crate::common::stderr(&output).contains("larger than 32 MiB"));
}

#[test]
fn a_kill_during_a_write_leaves_the_old_file_or_the_new_one() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.scenario");
    let mut text = String::from("scenario big \"Big\"\ncustomer C\nagent A\n");
    let mut i = 0;
    while text.len() < 3_000_000 {
        let _ = write!(
            text,
            "scene s{i}\n      C:    \"Line {i}\"\n   goto s{}\n",
            i + 1
        );
        i += 1;
    }
    let _ = write!(text, "scene s{i}\n  end e\nending e \"E\"\n");
    let formatted = rapport::format::format(&text).unwrap();
    for delay in [5, 40, 120, 300, 700] {
        std::fs::write(&path, &text).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .args(["fmt", path.to_str().unwrap()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(delay));
        let _ = child.kill();
        let _ = child.wait();
        let now = std::fs::read_to_string(&path).unwrap();
        assert!(
            now == text || now == formatted,
            "a partial file after a kill at {delay} ms"
        );
    }
}

#[test]
fn the_save_format_is_pinned() {
    let state = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
        .args([
            "play",
            "delayed_order.scenario",
            "--save",
            state.path().join("s.json").to_str().unwrap(),
        ])
        .current_dir(root().join("tests/fixtures/examples"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), b"2\n1\n").unwrap();
    drop(child.stdin.take());
    child.wait().unwrap();
    let save: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(state.path().join("s.json")).unwrap())
            .unwrap();
    insta::assert_json_snapshot!(save);
}

/// One fuzz target's body on every seed (the generated corpus, the course scenarios, the
/// examples), every reproducer of a fixed crash, and the target's committed corpus
/// (`fuzz/corpus/<target>`, minimized after its million-execution runs). One test per
/// target, so that they run in parallel.
fn replay(name: &str, target: fn(&[u8])) {
    let read_all = |dir: &str| -> Vec<Vec<u8>> {
        let Ok(entries) = std::fs::read_dir(root().join(dir)) else {
            return Vec::new();
        };
        let mut paths: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        paths.sort();
        // A fuzzer running alongside may remove files while they are listed.
        paths.iter().filter_map(|p| std::fs::read(p).ok()).collect()
    };
    let mut seeds: Vec<Vec<u8>> = Vec::new();
    for dir in ["tests/corpus", "scenarios", "tests/fixtures/examples"] {
        for path in scenarios(&root().join(dir)) {
            seeds.push(std::fs::read(path).unwrap());
        }
    }
    let corpus = read_all(&format!("fuzz/corpus/{name}"));
    for data in seeds
        .iter()
        .chain(&read_all("fuzz/reproducers"))
        .chain(&corpus)
    {
        target(data);
    }
    assert!(seeds.len() > 100, "only {} seeds", seeds.len());
    assert!(
        corpus.len() > 1000,
        "the {name} corpus has {} inputs",
        corpus.len()
    );
}

#[test]
fn the_parse_check_fuzz_corpus_and_reproducers_replay_without_a_panic() {
    replay("parse_check", rapport::fuzzing::parse_check);
}

#[test]
fn the_run_picks_fuzz_corpus_and_reproducers_replay_without_a_panic() {
    replay("run_picks", rapport::fuzzing::run_picks);
}

#[test]
fn the_fmt_roundtrip_fuzz_corpus_and_reproducers_replay_without_a_panic() {
    replay("fmt_roundtrip", rapport::fuzzing::fmt_roundtrip);
}

#[test]
fn a_truncated_save_is_refused_and_kept() {
    let state = tempfile::tempdir().unwrap();
    let save = state.path().join("s.json");
    std::fs::write(
        &save,
        "{\"format\": 1, \"scenario\": \"delayed_order\", \"picks\": [{\"num",
    )
    .unwrap();
    let out = rapport(
        &root().join("tests/fixtures/examples"),
        &[
            "play",
            "delayed_order.scenario",
            "--resume",
            save.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid JSON"));
    assert!(std::fs::read_to_string(&save).unwrap().ends_with("{\"num"));
}

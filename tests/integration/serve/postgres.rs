//! The same player and store against a real PostgreSQL server: a throwaway cluster made in
//! a temporary folder (Debian's `postgresql` package), or the server named by
//! `RAPPORT_TEST_POSTGRES_URL`. Skipped with a message when neither is there, except under
//! `CI=true`, where that is a failure.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{command, course, in_ci, Server, MANAGER};

/// A PostgreSQL server for one test; the cluster is stopped and removed when dropped.
pub struct Postgres {
    pub url: String,
    cluster: Option<(PathBuf, PathBuf, tempfile::TempDir)>,
}

fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .map(|e| e.path().join("bin"))
        .filter(|b| b.join("initdb").exists() && b.join("pg_ctl").exists())
        .collect();
    versions.sort();
    versions.pop()
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Runs a PostgreSQL tool, as the `postgres` user when we are root (initdb refuses root).
fn pg(tool: &Path, args: &[&str]) -> std::process::Output {
    let mut cmd = if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(tool);
        c
    } else {
        Command::new(tool)
    };
    cmd.args(args).stdin(Stdio::null()).output().unwrap()
}

impl Postgres {
    /// A server with a fresh database, or None (skip) when PostgreSQL is not installed.
    pub fn start(test: &str) -> Option<Postgres> {
        if let Ok(url) = std::env::var("RAPPORT_TEST_POSTGRES_URL") {
            return Some(Postgres { url, cluster: None });
        }
        let Some(bin) = bin_dir() else {
            let message = "PostgreSQL is not installed (apt-get install postgresql), and RAPPORT_TEST_POSTGRES_URL is not set";
            assert!(!in_ci(), "{message}: under CI=true this test must run");
            eprintln!("skipping {test}: {message}");
            return None;
        };
        let temp = tempfile::tempdir().unwrap();
        let data = temp.path().join("data");
        std::fs::create_dir(&data).unwrap();
        if is_root() {
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres", &temp.path().to_string_lossy()])
                .status()
                .unwrap()
                .success();
            assert!(ok, "cannot give the cluster folder to the postgres user");
        }
        let data_text = data.to_string_lossy().into_owned();
        let out = pg(
            &bin.join("initdb"),
            &[
                "-D",
                &data_text,
                "-A",
                "trust",
                "-U",
                "rapport",
                "--no-sync",
            ],
        );
        assert!(
            out.status.success(),
            "initdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let options =
            format!("-k {data_text} -c listen_addresses=127.0.0.1 -p {port} -c fsync=off");
        let log = data.join("log").to_string_lossy().into_owned();
        let out = pg(
            &bin.join("pg_ctl"),
            &["-D", &data_text, "-o", &options, "-l", &log, "-w", "start"],
        );
        assert!(
            out.status.success(),
            "pg_ctl start: {}{}",
            String::from_utf8_lossy(&out.stderr),
            std::fs::read_to_string(&log).unwrap_or_default()
        );
        let out = pg(
            &bin.join("createdb"),
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port.to_string(),
                "-U",
                "rapport",
                "results",
            ],
        );
        assert!(
            out.status.success(),
            "createdb: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Some(Postgres {
            url: format!("postgres://rapport@127.0.0.1:{port}/results"),
            cluster: Some((bin, data, temp)),
        })
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if let Some((bin, data, _temp)) = &self.cluster {
            let _ = pg(
                &bin.join("pg_ctl"),
                &[
                    "-D",
                    &data.to_string_lossy(),
                    "-m",
                    "immediate",
                    "-w",
                    "stop",
                ],
            );
        }
    }
}

#[test]
fn the_player_and_the_cohort_view_work_on_postgresql_and_both_stores_get_one_schema() {
    let Some(pg) = Postgres::start("postgres") else {
        return;
    };
    let (_temp, dir) = course();
    let server = Server::start(&dir, &["--database", &pg.url]);
    let r = server.get("/readyz");
    assert_eq!(r.status, 200);
    let end = server.play(
        server.start_run("delayed_order", "Pia", "practice"),
        &[1, 1, 1, 1, 1],
    );
    let text = server.get(&end).text();
    assert!(text.contains("Score: 17/19 (89.5%), passed"), "{text}");

    // Assessment integrity holds on PostgreSQL too.
    let first = server.start_run("delayed_order", "Quinn", "assessment");
    server.play(first.clone(), &[2]);
    assert_eq!(server.choose(&first, "2").status, 303);
    assert_eq!(server.choose(&first, "3").status, 409);

    // Undo marks turns undone; the cohort view reads the same figures.
    let at = server.play(
        server.start_run("delayed_order", "Ray", "practice"),
        &[1, 2],
    );
    let r = server.post(
        "/play/delayed_order/undo",
        &[("state", &super::state_of(&at))],
    );
    assert_eq!(r.status, 303);
    let h = [("Authorization", format!("Bearer {MANAGER}"))];
    let h: Vec<(&str, &str)> = h.iter().map(|(a, b)| (*a, b.as_str())).collect();
    let stats = server.get_with("/manage/scenario/delayed_order", &h).text();
    assert!(
        stats.contains("3 runs by 3 trainees; 1 finished"),
        "{stats}"
    );
    assert!(stats.contains("resolved good 1"), "{stats}");
    let csv = server.get_with("/manage/export.csv", &h).body;
    let ray: Vec<&str> = csv.lines().filter(|l| l.contains(",Ray,")).collect();
    assert_eq!(ray.len(), 2);
    assert!(ray[1].contains(",true,"), "{}", ray[1]);
    drop(server);

    // Erasure on PostgreSQL.
    let out = command(&[
        "results",
        "delete",
        &dir.to_string_lossy(),
        "--database",
        &pg.url,
        "--learner",
        "Pia",
    ])
    .output()
    .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Deleted 1 run(s) and 5 turn(s) of the learner `Pia`.\n"
    );

    // One schema: the same tables, columns and nullability on both backends.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let pg_store = rapport::serve::store::Store::open(Some(&pg.url), &dir)
            .await
            .unwrap();
        let sqlite_dir = tempfile::tempdir().unwrap();
        let sqlite = rapport::serve::store::Store::open(None, sqlite_dir.path())
            .await
            .unwrap();
        let a = pg_store.schema().await.unwrap();
        let b = sqlite.schema().await.unwrap();
        assert!(a.len() > 20, "{a:?}");
        assert_eq!(a, b);
        pg_store.close().await;
        sqlite.close().await;
    });
}

//! Load benchmark of `rapport serve` (not a timed test): an open-loop load on loopback only.
//!
//! `cargo run --release --example serve_load -- [--rates 500,1000,2000] [--seconds 10]
//! [--think-ms 500] [--database URL] [--dir scenarios]`
//!
//! The server runs in this process (the real router, the real store: a fresh SQLite file in a
//! temporary folder unless `--database` names a PostgreSQL one) on 127.0.0.1 and shares the
//! machine's cores with the load generator. For each target rate of turns per second,
//! simulated trainees arrive at a fixed rate (the target divided by the mean run length),
//! each on its own keep-alive connection: start a run, then at each turn think, pick a
//! random offered choice (POST), follow the redirect (GET), until the debrief. A turn's
//! latency runs from when it was due (after the think time) to the next page read, so a
//! slow server is not hidden by a late sender. Every rate step is bounded in time and in
//! trainees and stops by itself; at the end the store's counts of runs and turns are
//! compared with those the server acknowledged.

// A benchmark's rates and percentiles are float arithmetic on small counts.
#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss,
    clippy::cast_possible_wrap,
    clippy::format_push_string
)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt as _, AsyncReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::TcpStream;

struct Args {
    rates: Vec<u64>,
    seconds: u64,
    think_ms: u64,
    database: Option<String>,
    dir: std::path::PathBuf,
}

fn args() -> Args {
    let mut out = Args {
        rates: vec![250, 500, 1000, 2000, 3000],
        seconds: 10,
        think_ms: 500,
        database: None,
        dir: std::path::PathBuf::from("scenarios"),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let v = it.next().unwrap_or_default();
        match a.as_str() {
            "--rates" => out.rates = v.split(',').filter_map(|r| r.parse().ok()).collect(),
            "--seconds" => out.seconds = v.parse().unwrap_or(10).clamp(1, 120),
            "--think-ms" => out.think_ms = v.parse().unwrap_or(500),
            "--database" => out.database = Some(v),
            "--dir" => out.dir = v.into(),
            other => panic!("unknown argument {other}"),
        }
    }
    out
}

/// One keep-alive HTTP/1.1 connection.
struct Conn {
    reader: BufReader<TcpStream>,
}

struct Reply {
    status: u16,
    location: String,
    body: String,
}

impl Conn {
    async fn open(addr: &str) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            reader: BufReader::new(stream),
        })
    }

    async fn send(&mut self, method: &str, path: &str, body: &str) -> std::io::Result<Reply> {
        let mut request = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n");
        if method == "POST" {
            request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
            request.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        request.push_str("\r\n");
        request.push_str(body);
        self.reader.get_mut().write_all(request.as_bytes()).await?;
        let mut line = String::new();
        self.reader.read_line(&mut line).await?;
        let status = line
            .split_whitespace()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let mut length = 0;
        let mut location = String::new();
        loop {
            line.clear();
            self.reader.read_line(&mut line).await?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                if name.eq_ignore_ascii_case("content-length") {
                    length = value.trim().parse().unwrap_or(0);
                } else if name.eq_ignore_ascii_case("location") {
                    location = value.trim().to_string();
                }
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await?;
        Ok(Reply {
            status,
            location,
            body: String::from_utf8(body)
                .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        })
    }
}

#[derive(Default)]
struct Counters {
    runs: AtomicU64,
    turns: AtomicU64,
    errors: AtomicU64,
}

/// The token and the number of choices on a turn page (no choice at the debrief).
fn read_turn(page: &str) -> Option<(String, usize)> {
    let choices = page.matches("name=\"pick\" value=\"").count();
    if choices == 0 {
        return Some((String::new(), 0));
    }
    let token = page
        .split("name=\"state\" value=\"")
        .nth(1)?
        .split('"')
        .next()?
        .to_string();
    Some((token, choices))
}

/// One trainee: start, play to the end with think time; latencies in microseconds.
async fn trainee(
    addr: String,
    scenario: String,
    seed: u64,
    think: Duration,
    deadline: Instant,
    counters: Arc<Counters>,
) -> Vec<(Instant, u64)> {
    let mut latencies = Vec::new();
    let mut rng = seed.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
    let result: std::io::Result<()> = async {
        let mut conn = Conn::open(&addr).await?;
        let start = conn
            .send(
                "POST",
                &format!("/play/{scenario}"),
                &format!("learner=load-{seed}&mode=assessment"),
            )
            .await?;
        if start.status != 303 {
            return Err(std::io::Error::other(format!("start: {}", start.status)));
        }
        counters.runs.fetch_add(1, Ordering::Relaxed);
        let mut page = conn.send("GET", &start.location, "").await?;
        loop {
            let Some((token, choices)) = read_turn(&page.body) else {
                return Err(std::io::Error::other("a page without a token"));
            };
            if choices == 0 {
                return Ok(());
            }
            let due = Instant::now() + think;
            if due > deadline {
                return Ok(());
            }
            tokio::time::sleep_until(due.into()).await;
            rng = rng
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let pick = (rng >> 33) as usize % choices + 1;
            let posted = conn
                .send(
                    "POST",
                    &format!("/play/{scenario}/choose"),
                    &format!("state={token}&pick={pick}"),
                )
                .await?;
            if posted.status != 303 {
                return Err(std::io::Error::other(format!("choose: {}", posted.status)));
            }
            counters.turns.fetch_add(1, Ordering::Relaxed);
            page = conn.send("GET", &posted.location, "").await?;
            if page.status != 200 {
                return Err(std::io::Error::other(format!("turn page: {}", page.status)));
            }
            latencies.push((
                Instant::now(),
                u64::try_from(due.elapsed().as_micros()).unwrap_or(u64::MAX),
            ));
        }
    }
    .await;
    if result.is_err() {
        counters.errors.fetch_add(1, Ordering::Relaxed);
    }
    latencies
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss
    )]
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    #[allow(clippy::cast_precision_loss)]
    let ms = sorted[i] as f64 / 1000.0;
    ms
}

fn main() {
    let args = args();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    runtime.block_on(async move {
        let temp = tempfile::tempdir().expect("a temporary folder");
        // The store and the key live in a copy-free temporary folder: the scenarios are read
        // from --dir, the SQLite file goes beside a throwaway key.
        let options = rapport::serve::Options {
            dir: args.dir.clone(),
            addr: "127.0.0.1:0".to_string(),
            database: Some(
                args.database
                    .clone()
                    .unwrap_or_else(|| format!("sqlite://{}", temp.path().join("load.sqlite").display())),
            ),
            base_url: None,
            log_json: false,
            key_file: Some(temp.path().join("rapport.key")),
            manager_token_file: None,
        };
        let app = rapport::serve::app(&options).await.expect("the server starts");
        let store = app.store.clone();
        let (runs_before, turns_before) = store.counts().await.expect("counts");
        let scenarios: Vec<String> = app.catalog.entries.keys().cloned().collect();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a port");
        let addr = listener.local_addr().expect("an address").to_string();
        let router = rapport::serve::router(app);
        tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
            )
            .await;
        });
        println!(
            "rapport serve load: {} on {addr}, {} scenarios, think {} ms, {} s per rate",
            store.backend(),
            scenarios.len(),
            args.think_ms,
            args.seconds
        );
        // The mean run length, measured by a warm-up of 100 runs without think time (not
        // counted), sets the arrival rate for each target.
        let warm = Arc::new(Counters::default());
        let mut handles = Vec::new();
        for i in 0..100_u64 {
            let scenario = scenarios[(i as usize) % scenarios.len()].clone();
            let far = Instant::now() + Duration::from_secs(60);
            handles.push(tokio::spawn(trainee(addr.clone(), scenario, 1_000_000 + i, Duration::ZERO, far, Arc::clone(&warm))));
        }
        for h in handles {
            let _ = h.await;
        }
        let mean_turns = (warm.turns.load(Ordering::Relaxed) as f64 / warm.runs.load(Ordering::Relaxed).max(1) as f64).max(1.0);
        let mut acknowledged = (warm.runs.load(Ordering::Relaxed), warm.turns.load(Ordering::Relaxed));
        println!("warm-up: {} runs, {:.2} turns per run on average, errors {}", warm.runs.load(Ordering::Relaxed), mean_turns, warm.errors.load(Ordering::Relaxed));
        let mut seed = 0_u64;
        for rate in &args.rates {
            let counters = Arc::new(Counters::default());
            #[allow(clippy::cast_precision_loss)]
            let arrivals = (*rate as f64 / mean_turns).max(1.0);
            let gap = Duration::from_secs_f64(1.0 / arrivals);
            let started = Instant::now();
            let stop_arrivals = started + Duration::from_secs(args.seconds);
            let deadline = stop_arrivals + Duration::from_secs(5);
            let mut handles = Vec::new();
            let mut next = started;
            // Bounded in count as well as time.
            let max_trainees = (arrivals * args.seconds as f64).ceil() as u64 + 1;
            while next < stop_arrivals && (handles.len() as u64) < max_trainees {
                tokio::time::sleep_until(next.into()).await;
                seed += 1;
                let scenario = scenarios[(seed as usize) % scenarios.len()].clone();
                handles.push(tokio::spawn(trainee(
                    addr.clone(),
                    scenario,
                    seed,
                    Duration::from_millis(args.think_ms),
                    deadline,
                    Arc::clone(&counters),
                )));
                next += gap;
            }
            let mut latencies = Vec::new();
            for h in handles {
                if let Ok(mut l) = h.await {
                    latencies.append(&mut l);
                }
            }
            let elapsed = started.elapsed().as_secs_f64();
            // The sustained rate: turns completed after the ramp-up (one mean run) and before
            // arrivals stop, over that window.
            let ramp = (Duration::from_millis(args.think_ms) * (mean_turns.ceil() as u32))
                .min(Duration::from_secs(args.seconds) / 2);
            let window_start = started + ramp;
            let steady = latencies
                .iter()
                .filter(|(at, _)| *at >= window_start && *at <= stop_arrivals)
                .count();
            let achieved = steady as f64 / (stop_arrivals - window_start).as_secs_f64();
            let mut latencies: Vec<u64> = latencies.into_iter().map(|(_, l)| l).collect();
            latencies.sort_unstable();
            let turns = counters.turns.load(Ordering::Relaxed);
            acknowledged.0 += counters.runs.load(Ordering::Relaxed);
            acknowledged.1 += turns;
            println!(
                "target {rate:>5} turns/s: achieved {achieved:>7.1} turns/s ({turns} turns, {} runs in {elapsed:.1} s), p50 {:.2} ms, p99 {:.2} ms, p99.9 {:.2} ms, errors {}",
                counters.runs.load(Ordering::Relaxed),
                percentile(&latencies, 0.50),
                percentile(&latencies, 0.99),
                percentile(&latencies, 0.999),
                counters.errors.load(Ordering::Relaxed),
            );
        }
        let (runs, turns) = store.counts().await.expect("counts");
        let stored = ((runs - runs_before) as u64, (turns - turns_before) as u64);
        println!(
            "stored: {} runs (acknowledged {}), {} turns (acknowledged {}): {}",
            stored.0,
            acknowledged.0,
            stored.1,
            acknowledged.1,
            if stored.0 >= acknowledged.0 && stored.1 >= acknowledged.1 {
                "nothing lost"
            } else {
                "ACKNOWLEDGED TURNS MISSING"
            }
        );
        store.close().await;
    });
}

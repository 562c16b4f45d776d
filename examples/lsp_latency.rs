//! Language-server latency: from an edit to its diagnostics, on a large file.
//!
//! ```text
//! python3 ../shared/bench/gen-stories 1000 --out /tmp/stories
//! cargo run --release --example lsp_latency -- /tmp/stories/story_1000.scenario
//! ```
//! Runs the real server (`rapport::lsp::serve`) over an in-memory connection, opens the file,
//! then makes edits one at a time as an editor sends them (one incremental change that
//! breaks a `goto`, the next that mends it) and measures, for each, the time until the
//! server publishes the diagnostics of that version: `check` (syntax, structure and names)
//! is published first; the state search follows later. Then an edit made while the search
//! of the previous one runs: its diagnostics must not wait for that search.

use std::path::Path;
use std::time::{Duration, Instant};

use lsp_server::{Connection, Message, Notification, Request, RequestId};
use serde_json::{json, Value};

fn notify(client: &Connection, method: &str, params: Value) {
    let _ = client.sender.send(Message::Notification(Notification::new(
        method.into(),
        params,
    )));
}

/// Waits for the next diagnostics of `version`; returns them and how long it took.
fn diagnostics_of(client: &Connection, version: i64, since: Instant) -> (Vec<Value>, Duration) {
    loop {
        let Ok(message) = client.receiver.recv_timeout(Duration::from_secs(600)) else {
            eprintln!("no diagnostics for version {version}");
            std::process::exit(1);
        };
        if let Message::Notification(n) = message {
            if n.method == "textDocument/publishDiagnostics" && n.params["version"] == version {
                let list = n.params["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
                return (list, since.elapsed());
            }
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: lsp_latency FILE.scenario");
        std::process::exit(2);
    };
    let path = std::fs::canonicalize(Path::new(&path)).unwrap_or_else(|_| path.clone().into());
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        eprintln!("cannot read {}: {e}", path.display());
        std::process::exit(2);
    });
    let uri = format!("file://{}", path.display());
    let (server, client) = Connection::memory();
    let thread = std::thread::spawn(move || rapport::lsp::serve(&server, None));
    let _ = client.sender.send(Message::Request(Request::new(
        RequestId::from(1),
        "initialize".into(),
        json!({"capabilities": {}}),
    )));
    let _ = client.receiver.recv();
    notify(&client, "initialized", json!({}));

    let started = Instant::now();
    notify(
        &client,
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "rapport", "version": 1, "text": text}}),
    );
    let (_, open) = diagnostics_of(&client, 1, started);

    // The last `goto` of the file, as a line and UTF-16 column.
    let all: Vec<&str> = text.lines().collect();
    let Some((line, column)) = all.iter().enumerate().rev().find_map(|(i, l)| {
        l.find("goto ")
            .map(|c| (i, l[..c + 5].encode_utf16().count()))
    }) else {
        eprintln!("the file has no `goto`");
        std::process::exit(2);
    };
    let lines = text.lines().count();
    let mut fast = Vec::new();
    for version in 2..=21i64 {
        // Even versions break the goto (`goto Xscene_…`: E031), odd ones mend it.
        let change = if version % 2 == 0 {
            json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}, "text": "X"})
        } else {
            json!({"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 1}}, "text": ""})
        };
        let edited = Instant::now();
        notify(
            &client,
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}),
        );
        let (list, took) = diagnostics_of(&client, version, edited);
        assert_eq!(
            list.is_empty(),
            version % 2 == 1,
            "version {version}: {list:?}"
        );
        fast.push(ms(took));
    }
    // `check` alone, and the state search alone, on the clean text.
    let mut alone = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        let _ = rapport::check::check_text(&path, text.clone(), None);
        alone.push(ms(start.elapsed()));
    }
    let mut parse = Vec::new();
    for _ in 0..10 {
        let start = Instant::now();
        let _ = rapport::syntax::parse(rapport::source::FileId(0), &text);
        parse.push(ms(start.elapsed()));
    }
    let checked = rapport::check::check_text(&path, text.clone(), None);
    let search = checked.scenario.as_ref().map(|scenario| {
        let start = Instant::now();
        let found = rapport::explore::analyse(scenario, &rapport::runtime::Bounds::default());
        (start.elapsed(), found.len())
    });
    // An edit while the previous version's search is running.
    let edited = Instant::now();
    notify(
        &client,
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 22}, "contentChanges": [{"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column}}, "text": "X"}]}),
    );
    notify(
        &client,
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 23}, "contentChanges": [{"range": {"start": {"line": line, "character": column}, "end": {"line": line, "character": column + 1}}, "text": ""}]}),
    );
    let (_, during) = diagnostics_of(&client, 23, edited);

    let _ = client.sender.send(Message::Request(Request::new(
        RequestId::from(2),
        "shutdown".into(),
        Value::Null,
    )));
    notify(&client, "exit", Value::Null);
    drop(client);
    let _ = thread.join();

    println!(
        "file: {} ({} lines, {} KB)",
        path.display(),
        lines,
        text.len() / 1024
    );
    println!("open → first diagnostics: {:.1} ms", ms(open));
    println!(
        "edit → diagnostics of that version (check: syntax, structure, names), 20 edits: median {:.1} ms, worst {:.1} ms",
        median(fast.clone()),
        fast.iter().copied().fold(0.0, f64::max)
    );
    println!(
        "check alone: median {:.1} ms (of which parsing {:.1} ms)",
        median(alone),
        median(parse)
    );
    if let Some((took, found)) = search {
        println!(
            "state search of the whole file (published after): {:.1} ms, {found} finding(s)",
            ms(took)
        );
    }
    println!(
        "two quick edits → diagnostics of the second: {:.1} ms",
        ms(during)
    );
}

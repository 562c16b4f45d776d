//! `rapport lsp`: the language server, driven over JSON-RPC through the real binary
//! (Content-Length framing on stdin/stdout), as an editor would.

// JSON values are built inline at each call; taking them by value reads better there.
#![allow(clippy::needless_pass_by_value)]

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const WAIT: Duration = Duration::from_secs(30);

struct Client {
    child: Child,
    stdin: ChildStdin,
    inbox: mpsc::Receiver<Value>,
    next_id: i64,
    /// Notifications seen while waiting for something else.
    pending: Vec<Value>,
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(n) = line.strip_prefix("Content-Length: ") {
            length = n.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    fn start(dir: &Path, capabilities: Value) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_rapport"))
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("rapport lsp starts");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, inbox) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin,
            inbox,
            next_id: 0,
            pending: Vec::new(),
        };
        let root = uri(dir);
        let init = client.request(
            "initialize",
            json!({"processId": null, "rootUri": root, "capabilities": capabilities,
                   "workspaceFolders": [{"uri": root, "name": "course"}]}),
        );
        assert!(
            init["capabilities"]["completionProvider"].is_object(),
            "{init}"
        );
        client.notify("initialized", json!({}));
        client
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its whole response (result or error).
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + WAIT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let message = self
                .inbox
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no answer to {method}"));
            if message["id"] == json!(id) {
                return message;
            }
            self.pending.push(message);
        }
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.call(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// Waits for diagnostics of `uri` that satisfy `test`; returns them.
    fn diagnostics_until(&mut self, uri: &str, test: impl Fn(&[Value]) -> bool) -> Vec<Value> {
        let deadline = Instant::now() + WAIT;
        let mut last = None;
        loop {
            let pending = std::mem::take(&mut self.pending);
            for message in pending {
                if message["method"] == "textDocument/publishDiagnostics"
                    && message["params"]["uri"] == uri
                {
                    let list = message["params"]["diagnostics"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    if test(&list) {
                        return list;
                    }
                    last = Some(list);
                }
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match self.inbox.recv_timeout(left) {
                Ok(message) => self.pending.push(message),
                Err(e) => panic!("diagnostics of {uri} never matched ({e}); last: {last:?}"),
            }
        }
    }

    fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "rapport", "version": 1, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    fn stop(mut self) {
        let shutdown = self.call("shutdown", Value::Null);
        assert!(shutdown.get("error").is_none());
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + WAIT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                assert!(status.success(), "rapport lsp exited with {status}");
                return;
            }
            assert!(Instant::now() < deadline, "rapport lsp did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

fn course() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = std::fs::canonicalize(dir.path()).unwrap();
    (dir, dir_path)
}

const SCENARIO: &str = "scenario late \"Late order\"
customer Jake
agent Natalie
emotion trust = 4 in 0..10
flag promised

scene greeting
  Jake: \"Where is my order?\"
  choice \"Let me check.\" if trust >= 3
    tags acknowledge
    trust +1
    set promised
    goto wrap_up
  choice \"No idea.\"
    end churned

scene wrap_up
  Jake: \"Thanks.\"
  end resolved

ending resolved good \"Resolved.\"
ending churned bad \"Churned.\"

rubric
  rule \"Acknowledge\"
    worth 2
    expect ever acknowledge
";

fn codes(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|d| d["code"].as_str().unwrap_or("").to_string())
        .collect()
}

#[test]
fn a_diagnostic_appears_on_an_incremental_edit_and_clears_when_fixed() {
    let (_keep, dir) = course();
    let path = dir.join("late.scenario");
    std::fs::write(&path, SCENARIO).unwrap();
    let uri = uri(&path);
    let mut client = Client::start(&dir, json!({}));
    client.open(&uri, SCENARIO);
    client.diagnostics_until(&uri, <[Value]>::is_empty);
    // `goto wrap_up` → `goto wrap_u` (line 12, the `p` at UTF-16 column 15).
    client.change(
        &uri,
        2,
        json!([{"range": {"start": {"line": 12, "character": 15}, "end": {"line": 12, "character": 16}}, "text": ""}]),
    );
    let list = client.diagnostics_until(&uri, |l| !l.is_empty());
    assert_eq!(codes(&list), ["E031"]);
    assert_eq!(
        list[0]["range"],
        json!({"start": {"line": 12, "character": 9}, "end": {"line": 12, "character": 15}})
    );
    assert_eq!(
        list[0]["message"],
        "unknown scene `wrap_u`\nhelp: did you mean `wrap_up`?"
    );
    // The fix the help names is a code action.
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": list[0]["range"],
               "context": {"diagnostics": [list[0]]}}),
    );
    assert_eq!(actions[0]["title"], "Change to `wrap_up`");
    assert_eq!(actions[0]["edit"]["changes"][&uri][0]["newText"], "wrap_up");
    client.change(
        &uri,
        3,
        json!([{"range": {"start": {"line": 12, "character": 15}, "end": {"line": 12, "character": 15}}, "text": "p"}]),
    );
    client.diagnostics_until(&uri, <[Value]>::is_empty);
    client.stop();
}

#[test]
fn state_aware_diagnostics_carry_their_witness() {
    let (_keep, dir) = course();
    let path = dir.join("late.scenario");
    let text = SCENARIO.replace("if trust >= 3", "if trust >= 11");
    let uri = uri(&path);
    let mut client = Client::start(&dir, json!({}));
    client.open(&uri, &text);
    let list = client.diagnostics_until(&uri, |l| codes(l).contains(&"W012".to_string()));
    let w012 = list.iter().find(|d| d["code"] == "W012").unwrap();
    assert_eq!(w012["range"]["start"], json!({"line": 8, "character": 2}));
    assert!(
        w012["message"]
            .as_str()
            .unwrap()
            .ends_with("\nnote: no run offers it, whatever the trainee picks (every reachable state was explored)"),
        "{w012}"
    );
    assert!(codes(&list).contains(&"W014".to_string()), "{list:?}");
    client.stop();
}

#[test]
fn positions_count_utf16_units_unless_the_client_takes_utf8() {
    let (_keep, dir) = course();
    let path = dir.join("emoji.scenario");
    let uri = uri(&path);
    let text = SCENARIO.replace(
        "  Jake: \"Thanks.\"\n  end resolved",
        "  Jake: \"Merci 😀 é\" if nope >= 1\n  end resolved",
    );
    // `nope` follows `  Jake: "Merci 😀 é" if ` on line 17: 24 UTF-16 units, 27 bytes.
    for (capabilities, column) in [
        (json!({}), 24),
        (
            json!({"general": {"positionEncodings": ["utf-8", "utf-16"]}}),
            27,
        ),
    ] {
        let mut client = Client::start(&dir, capabilities);
        client.open(&uri, &text);
        let list = client.diagnostics_until(&uri, |l| !l.is_empty());
        assert_eq!(codes(&list), ["E034"], "{list:?}");
        assert_eq!(
            list[0]["range"]["start"],
            json!({"line": 17, "character": column})
        );
        assert_eq!(
            list[0]["range"]["end"],
            json!({"line": 17, "character": column + 4})
        );
        // An incremental edit after the emoji lands on the right characters.
        client.change(
            &uri,
            2,
            json!([{"range": {"start": {"line": 17, "character": column}, "end": {"line": 17, "character": column + 4}}, "text": "trust"}]),
        );
        client.diagnostics_until(&uri, <[Value]>::is_empty);
        client.stop();
    }
}

#[test]
fn completion_definition_references_rename_hover_symbols_and_formatting() {
    let (_keep, dir) = course();
    let path = dir.join("late.scenario");
    let uri = uri(&path);
    let mut client = Client::start(&dir, json!({}));
    let text = SCENARIO.replace("    goto wrap_up", "    goto ");
    client.open(&uri, &text);
    let at = |line: u32, character: u32| json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}});
    let items = client.request("textDocument/completion", at(12, 9));
    let labels: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["label"].as_str().unwrap())
        .collect();
    assert_eq!(labels, ["greeting", "wrap_up"]);
    let items = client.request("textDocument/completion", at(8, 31));
    let trust = &items.as_array().unwrap()[0];
    assert_eq!(trust["label"], "trust");
    assert_eq!(trust["detail"], "emotion 0..10, starts at 4");
    client.change(
        &uri,
        2,
        json!([{"range": {"start": {"line": 12, "character": 9}, "end": {"line": 12, "character": 9}}, "text": "wrap_up"}]),
    );
    // Definition of `wrap_up` in `goto wrap_up`: the scene line.
    let defs = client.request("textDocument/definition", at(12, 11));
    assert_eq!(
        defs[0]["range"]["start"],
        json!({"line": 16, "character": 6})
    );
    let refs = client.request(
        "textDocument/references",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 9},
               "context": {"includeDeclaration": true}}),
    );
    let lines: Vec<u64> = refs
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["range"]["start"]["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [3, 8, 10]);
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 9}, "newName": "rapport"}),
    );
    assert_eq!(edit["changes"][&uri].as_array().unwrap().len(), 3);
    let bad = client.call(
        "textDocument/rename",
        json!({"textDocument": {"uri": uri}, "position": {"line": 3, "character": 9}, "newName": "goto"}),
    );
    assert!(bad["error"]["message"]
        .as_str()
        .unwrap()
        .contains("keyword"));
    let hover = client.request("textDocument/hover", at(16, 8));
    assert_eq!(
        hover["contents"]["value"],
        "**scene** `wrap_up`: 1 incoming `goto` (from `greeting`)"
    );
    let hover = client.request("textDocument/hover", at(25, 5));
    assert_eq!(
        hover["contents"]["value"],
        "**rule** \"Acknowledge\": worth 2\n\npasses when `acknowledge` is chosen at least once"
    );
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    let names: Vec<&str> = symbols
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        ["greeting", "wrap_up", "resolved", "churned", "Acknowledge"]
    );
    assert_eq!(symbols[0]["children"].as_array().unwrap().len(), 2);
    // Formatting: the whole file, as `rapport fmt` writes it.
    client.change(
        &uri,
        3,
        json!([{"text": SCENARIO.replace("  Jake: \"Where", "      Jake:   \"Where")}]),
    );
    let edits = client.request(
        "textDocument/formatting",
        json!({"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": true}}),
    );
    assert_eq!(edits[0]["newText"], SCENARIO);
    client.stop();
}

#[test]
fn names_and_diagnostics_follow_includes_and_open_buffers() {
    let (_keep, dir) = course();
    std::fs::create_dir_all(dir.join("library")).unwrap();
    let library = dir.join("library/endings.scenario");
    std::fs::write(&library, "ending resolved good \"Resolved.\"\n").unwrap();
    let main = dir.join("late.scenario");
    let text = SCENARIO
        .replace("ending resolved good \"Resolved.\"\n", "")
        .replace(
            "agent Natalie\n",
            "agent Natalie\ninclude \"library/endings.scenario\"\n",
        );
    std::fs::write(&main, &text).unwrap();
    let (main_uri, library_uri) = (uri(&main), uri(&library));
    let mut client = Client::start(&dir, json!({}));
    client.open(&main_uri, &text);
    client.diagnostics_until(&main_uri, <[Value]>::is_empty);
    // `end resolved` (line 19) goes to the library's declaration.
    let defs = client.request(
        "textDocument/definition",
        json!({"textDocument": {"uri": main_uri}, "position": {"line": 19, "character": 7}}),
    );
    assert_eq!(defs[0]["uri"], library_uri);
    // An unsaved edit of the open library counts, and its problem shows in the library.
    client.open(&library_uri, "ending resolved good \"Resolved.\"\n");
    client.change(
        &library_uri,
        2,
        json!([{"text": "ending resolved good \"Resolved {Jak}.\"\n"}]),
    );
    let list = client.diagnostics_until(&library_uri, |l| !l.is_empty());
    assert_eq!(codes(&list), ["E038"], "{list:?}");
    // Renaming the ending from the library renames its uses in the scenario too.
    let edit = client.request(
        "textDocument/rename",
        json!({"textDocument": {"uri": library_uri}, "position": {"line": 0, "character": 8}, "newName": "settled"}),
    );
    assert_eq!(edit["changes"][&main_uri].as_array().unwrap().len(), 1);
    assert_eq!(edit["changes"][&library_uri].as_array().unwrap().len(), 1);
    client.stop();
}

#[test]
fn half_typed_and_hostile_input_never_crashes_it() {
    let (_keep, dir) = course();
    let path = dir.join("draft.scenario");
    let uri = uri(&path);
    let mut client = Client::start(&dir, json!({}));
    client.open(&uri, "");
    let mut text = String::new();
    // Type the scenario one character at a time, asking for completion and hover as we go.
    for (i, c) in SCENARIO.chars().take(400).enumerate() {
        let (line, character) = {
            let lines: Vec<&str> = text.split('\n').collect();
            (
                lines.len() - 1,
                lines.last().unwrap().encode_utf16().count(),
            )
        };
        let version = i32::try_from(i).unwrap() + 2;
        let position = json!({"line": line, "character": character});
        client.change(
            &uri,
            version,
            json!([{"range": {"start": position, "end": position}, "text": c.to_string()}]),
        );
        text.push(c);
        if i % 20 == 0 {
            let at = json!({"textDocument": {"uri": uri}, "position": position});
            client.request("textDocument/completion", at.clone());
            client.request("textDocument/hover", at.clone());
            client.request("textDocument/definition", at);
        }
    }
    // Positions past the end, a range that ends before it starts, unknown methods, bad params.
    client.change(
        &uri,
        1000,
        json!([{"range": {"start": {"line": 99, "character": 99}, "end": {"line": 0, "character": 0}}, "text": "é"}]),
    );
    let unknown = client.call("textDocument/semanticTokens/full", json!({}));
    assert!(unknown["error"].is_object());
    let bad = client.call("textDocument/hover", json!({"nonsense": true}));
    assert!(bad["error"].is_object());
    let symbols = client.request(
        "textDocument/documentSymbol",
        json!({"textDocument": {"uri": uri}}),
    );
    assert!(symbols.is_array());
    client.stop();
}

#[test]
fn the_line_cache_parses_every_file_exactly_as_a_fresh_parse_does() {
    use rapport::source::FileId;
    let mut files = crate::common::scenarios(&crate::common::root().join("tests"));
    files.extend(crate::common::scenarios(
        &crate::common::root().join("scenarios"),
    ));
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let fresh = rapport::syntax::parse(FileId(3), &text);
        rapport::syntax::cache_lines(true);
        // Twice: the second parse takes every line from the cache, moved by an edit above.
        let _ = rapport::syntax::parse(FileId(3), &text);
        let moved = format!("# a new first line\n{text}");
        let cached = rapport::syntax::parse(FileId(3), &moved);
        rapport::syntax::cache_lines(false);
        let again = rapport::syntax::parse(FileId(3), &moved);
        assert_eq!(cached.file, again.file, "{}", path.display());
        assert_eq!(cached.diagnostics, again.diagnostics, "{}", path.display());
        assert_eq!(fresh.diagnostics.len(), again.diagnostics.len());
    }
}

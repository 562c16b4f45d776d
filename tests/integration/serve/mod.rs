//! `rapport serve` end to end: the real binary on a free loopback port, a real SQLite file
//! in a temporary folder or a real PostgreSQL server in a throwaway cluster, and a small
//! HTTP client (plain HTTP/1.1 over a socket, so the test sees exactly what a browser gets).

mod bad_input;
mod browser;
mod manage;
mod ops;
mod player;
mod postgres;

use std::fmt::Write as _;
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::common::root;

/// The signing secret the test servers use, so tests can make tokens of their own.
pub const SECRET: &str = "test-secret-0123456789abcdef";
/// The manager token of the test servers.
pub const MANAGER: &str = "manager-token-0123456789";

/// A running `rapport serve`; stopped (SIGTERM, then kill) when dropped.
pub struct Server {
    child: Option<Child>,
    pub addr: String,
    temp: Option<tempfile::TempDir>,
}

/// A copy of the server tests' scenarios (the course as it was when these tests were
/// written, kept in `tests/fixtures/serve/` so that content edits do not move them) in a
/// fresh temporary folder.
pub fn course() -> (tempfile::TempDir, PathBuf) {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("scenarios");
    copy_dir(&root().join("tests/fixtures/serve/scenarios"), &dir);
    (temp, dir)
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap();
        let name_text = name.to_string_lossy();
        if name_text.starts_with("rapport.") {
            continue;
        }
        if path.is_dir() {
            copy_dir(&path, &to.join(name));
        } else {
            std::fs::copy(&path, to.join(name)).unwrap();
        }
    }
}

/// The `rapport` command with the test environment.
pub fn command(args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rapport"));
    cmd.args(args)
        .env("NO_COLOR", "1")
        .env("RAPPORT_SECRET", SECRET)
        .env("RAPPORT_MANAGER_TOKEN", MANAGER)
        .env_remove("RAPPORT_SECRET_PREVIOUS")
        .env_remove("RAPPORT_MANAGER_TOKEN_FILE");
    cmd
}

impl Server {
    /// Serves the course scenarios from a fresh folder with a fresh SQLite store.
    pub fn course() -> Server {
        let (temp, dir) = course();
        let mut server = Server::start(&dir, &[]);
        server.temp = Some(temp);
        server
    }

    /// Starts `rapport serve DIR --addr 127.0.0.1:0 EXTRA…` and waits for its address.
    pub fn start(dir: &Path, extra: &[&str]) -> Server {
        Self::start_with(dir, extra, command(&[]))
    }

    /// Like [`Server::start`] with a prepared command (its environment).
    pub fn start_with(dir: &Path, extra: &[&str], mut cmd: Command) -> Server {
        let dir_text = dir.to_string_lossy().into_owned();
        let mut args = vec!["serve", &dir_text, "--addr", "127.0.0.1:0"];
        args.extend_from_slice(extra);
        let mut child = cmd
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let Some(addr) = line
            .trim()
            .strip_prefix("Listening on http://")
            .map(|a| a.trim_end_matches('/').to_string())
        else {
            let mut err = String::new();
            let _ = child.stderr.take().unwrap().read_to_string(&mut err);
            let _ = child.kill();
            panic!("the server did not start: {line}{err}");
        };
        // Drain the request log so the server never blocks on a full pipe.
        let stderr = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            let mut sink = String::new();
            let _ = BufReader::new(stderr).read_to_string(&mut sink);
        });
        Server {
            child: Some(child),
            addr,
            temp: None,
        }
    }

    pub fn get(&self, path: &str) -> Response {
        request(&self.addr, "GET", path, &[], "")
    }

    pub fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Response {
        request(&self.addr, "GET", path, headers, "")
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.post_with(path, form, &[])
    }

    pub fn post_with(
        &self,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> Response {
        let body = encode(form);
        let mut all = vec![("Content-Type", "application/x-www-form-urlencoded")];
        all.extend_from_slice(headers);
        request(&self.addr, "POST", path, &all, &body)
    }

    /// Starts a run; returns the first turn's address.
    pub fn start_run(&self, id: &str, learner: &str, mode: &str) -> String {
        let r = self.post(
            &format!("/play/{id}"),
            &[("learner", learner), ("mode", mode)],
        );
        assert_eq!(r.status, 303, "{}", r.body);
        r.location()
    }

    /// Picks `pick` on the page at `at`; returns the response (a redirect when it worked).
    pub fn choose(&self, at: &str, pick: &str) -> Response {
        let id = scenario_of(at);
        self.post(
            &format!("/play/{id}/choose"),
            &[("state", &state_of(at)), ("pick", pick)],
        )
    }

    /// Picks each of `picks` in turn from `at`; returns the last address.
    pub fn play(&self, mut at: String, picks: &[usize]) -> String {
        for pick in picks {
            let r = self.choose(&at, &pick.to_string());
            assert_eq!(r.status, 303, "pick {pick}: {}", r.body);
            at = r.location();
        }
        at
    }

    /// Stops the server with SIGTERM and returns its exit status.
    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let mut child = self.child.take().unwrap();
        let _ = Command::new("kill")
            .args(["-TERM", &child.id().to_string()])
            .status();
        for _ in 0..100 {
            if let Some(status) = child.try_wait().unwrap() {
                return status;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = child.kill();
        panic!("the server did not stop within 5 s of SIGTERM");
    }

    /// Kills the server with SIGKILL (no drain, no clean-up) and waits until it is gone.
    pub fn kill_hard(&mut self) {
        let mut child = self.child.take().unwrap();
        child.kill().unwrap();
        let _ = child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// The run token in a turn address.
pub fn state_of(at: &str) -> String {
    let state = at.split("state=").nth(1).unwrap_or("");
    state.split('&').next().unwrap_or("").to_string()
}

/// The scenario id in a `/play/ID/…` address.
pub fn scenario_of(at: &str) -> String {
    at.split("/play/")
        .nth(1)
        .unwrap()
        .split('/')
        .next()
        .unwrap()
        .to_string()
}

/// An HTTP response.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn headers_named(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    pub fn location(&self) -> String {
        self.header("location")
            .unwrap_or_else(|| panic!("no Location in a {}: {}", self.status, self.body))
            .to_string()
    }

    /// The body with tags removed and spaces collapsed, as a person reads it.
    pub fn text(&self) -> String {
        text(&self.body)
    }
}

/// Markup without tags, entities decoded, spaces collapsed.
pub fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let out = out
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `application/x-www-form-urlencoded`.
pub fn encode(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", percent(k), percent(v)))
        .collect::<Vec<_>>()
        .join("&")
}

pub fn percent(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// One request over a fresh connection (`Connection: close`).
pub fn request(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Response {
    raw(addr, &{
        let mut text = format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n");
        for (name, value) in headers {
            let _ = write!(text, "{name}: {value}\r\n");
        }
        if method == "POST" {
            let _ = write!(text, "Content-Length: {}\r\n", body.len());
        }
        text.push_str("\r\n");
        text.push_str(body);
        text.into_bytes()
    })
}

/// Sends raw bytes and reads the response.
pub fn raw(addr: &str, bytes: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // The server may answer (413) before it has read everything.
    let _ = stream.write_all(bytes);
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response);
    parse(&response)
}

fn parse(bytes: &[u8]) -> Response {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_string(), v.trim().to_string()))
        .collect();
    let chunked = headers
        .iter()
        .any(|(n, v)| n.eq_ignore_ascii_case("transfer-encoding") && v.contains("chunked"));
    let body = if chunked {
        dechunk(body)
    } else {
        body.to_string()
    };
    Response {
        status,
        headers,
        body,
    }
}

fn dechunk(mut body: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = body.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        body = rest[n..].trim_start_matches("\r\n");
    }
    out
}

/// Whether a failure to find a tool must fail the test (CI) rather than skip it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true")
}

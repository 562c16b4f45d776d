//! Diagnostics in a worker thread: `check` first (syntax, structure, names: fast), published
//! at once; then the state search (`explore::analyse_until`), published when it finishes and
//! given up as soon as a newer edit arrives.
//!
//! Every open document is checked as an entry file, with the open documents' texts standing
//! in for the files on disk (so an unsaved include counts). A diagnostic is published for the
//! file its span lies in, so a problem in an included library shows in the library; when
//! several open files include one file, its diagnostics are merged and each shown once.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};

use crossbeam_channel::Sender;
use lsp_server::{Message, Notification};
use lsp_types::{
    DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    PublishDiagnosticsParams, TextEdit, Uri,
};

use super::actions::{fixes, WireFix};
use super::documents::{canonical, path_to_uri, Document};
use super::position::{Encoding, LineIndex};
use crate::check::Checked;
use crate::diagnostic::{Diagnostic, Severity};
use crate::runtime::Bounds;
use crate::source::SourceMap;

/// What the worker checks: the open documents as of one edit.
pub struct Job {
    pub generation: u64,
    pub docs: BTreeMap<PathBuf, Document>,
}

/// Settings fixed for the session.
#[derive(Clone)]
pub struct Settings {
    pub encoding: Encoding,
    pub root: Option<PathBuf>,
}

/// The worker's handle: send jobs, bump `latest` first so a running search stops.
pub struct Worker {
    pub jobs: mpsc::Sender<Job>,
    pub latest: Arc<AtomicU64>,
    pub thread: std::thread::JoinHandle<()>,
}

/// Starts the worker; it publishes through `out` and ends when the job sender is dropped.
#[must_use]
pub fn spawn(out: Sender<Message>, settings: Settings) -> Worker {
    let (jobs, inbox) = mpsc::channel::<Job>();
    let latest = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&latest);
    let thread = std::thread::Builder::new()
        .name("rapport-lsp-analysis".into())
        // The checker and the search are iterative, but give them the stack a main thread has.
        .stack_size(8 * 1024 * 1024)
        .spawn(move || {
            crate::syntax::cache_lines(true);
            let mut published: BTreeSet<String> = BTreeSet::new();
            while let Ok(mut job) = inbox.recv() {
                while let Ok(newer) = inbox.try_recv() {
                    job = newer;
                }
                // A bug in one analysis must not end the diagnostics of the session.
                let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    analyse(&job, &settings, &seen, &out, &mut published);
                }));
                if result.is_err() {
                    eprintln!("rapport lsp: the analysis of an edit failed; waiting for the next");
                }
            }
        })
        .unwrap_or_else(|_| std::thread::spawn(|| {}));
    Worker {
        jobs,
        latest,
        thread,
    }
}

/// One published file: its URI, version, and diagnostics keyed for de-duplication.
struct Outgoing {
    uri: Uri,
    version: Option<i32>,
    diagnostics: Vec<lsp_types::Diagnostic>,
    keys: BTreeSet<(u32, crate::diagnostic::Code, String)>,
}

/// The result of checking every open document.
pub struct Checks {
    pub entries: Vec<(PathBuf, Checked)>,
}

/// `check` of every open document (the fast part).
#[must_use]
pub fn check_all(docs: &BTreeMap<PathBuf, Document>, root: Option<&Path>) -> Checks {
    let overlay: BTreeMap<PathBuf, String> = docs
        .iter()
        .map(|(path, doc)| (canonical(path), doc.text.clone()))
        .collect();
    let read = |path: &Path| overlay.get(path).cloned();
    let entries = docs
        .iter()
        .map(|(path, doc)| {
            let checked = crate::check::check_text_with(path, doc.text.clone(), root, &read);
            (path.clone(), checked)
        })
        .collect();
    Checks { entries }
}

fn analyse(
    job: &Job,
    settings: &Settings,
    latest: &AtomicU64,
    out: &Sender<Message>,
    published: &mut BTreeSet<String>,
) {
    let mut checks = check_all(&job.docs, settings.root.as_deref());
    if latest.load(Ordering::SeqCst) != job.generation {
        return;
    }
    publish(&checks, &job.docs, settings.encoding, out, published);
    let cancelled = || latest.load(Ordering::SeqCst) != job.generation;
    let mut any = false;
    for (_, checked) in &mut checks.entries {
        let Some(scenario) = &checked.scenario else {
            continue;
        };
        let Some(found) = crate::explore::analyse_until(scenario, &Bounds::default(), &cancelled)
        else {
            return;
        };
        any |= !found.is_empty();
        checked.diagnostics.extend(found);
        crate::check::sort(&mut checked.diagnostics);
    }
    if any && !cancelled() {
        publish(&checks, &job.docs, settings.encoding, out, published);
    }
}

/// Publishes every file's diagnostics, and empty lists for files that had some before.
fn publish(
    checks: &Checks,
    docs: &BTreeMap<PathBuf, Document>,
    encoding: Encoding,
    out: &Sender<Message>,
    published: &mut BTreeSet<String>,
) {
    let files = collect(checks, docs, encoding);
    let now: BTreeSet<String> = files
        .values()
        .filter(|f| !f.diagnostics.is_empty())
        .map(|f| f.uri.as_str().to_string())
        .collect();
    for file in files.values() {
        let open = file.version.is_some();
        if file.diagnostics.is_empty() && !open && !published.contains(file.uri.as_str()) {
            continue;
        }
        send(
            out,
            file.uri.clone(),
            file.version,
            file.diagnostics.clone(),
        );
    }
    for gone in published.difference(&now) {
        let reported = files.values().any(|f| f.uri.as_str() == gone);
        if !reported {
            if let Ok(uri) = gone.parse::<Uri>() {
                send(out, uri, None, Vec::new());
            }
        }
    }
    *published = now;
}

fn send(
    out: &Sender<Message>,
    uri: Uri,
    version: Option<i32>,
    diagnostics: Vec<lsp_types::Diagnostic>,
) {
    let params = PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    let _ = out.send(Message::Notification(Notification::new(
        "textDocument/publishDiagnostics".to_string(),
        params,
    )));
}

/// The LSP diagnostics of every file the checks touched, by real path.
fn collect(
    checks: &Checks,
    docs: &BTreeMap<PathBuf, Document>,
    encoding: Encoding,
) -> BTreeMap<PathBuf, Outgoing> {
    let open: BTreeMap<PathBuf, &Document> = docs.iter().map(|(p, d)| (canonical(p), d)).collect();
    let mut files: BTreeMap<PathBuf, Outgoing> = BTreeMap::new();
    for (_, checked) in &checks.entries {
        let sources = &checked.sources;
        let reals: Vec<PathBuf> = sources.files().map(|(_, f)| canonical(&f.path)).collect();
        let uris: Vec<Option<Uri>> = sources
            .files()
            .zip(&reals)
            .map(|((_, f), real)| {
                open.get(real)
                    .map(|d| d.uri.clone())
                    .or_else(|| path_to_uri(&f.path))
            })
            .collect();
        let indexes: Vec<LineIndex<'_>> = sources
            .files()
            .map(|(_, f)| LineIndex::new(&f.text, encoding))
            .collect();
        // Every file of the load is listed, so a fixed problem clears.
        for (i, real) in reals.iter().enumerate() {
            if let Some(uri) = &uris[i] {
                files.entry(real.clone()).or_insert_with(|| Outgoing {
                    uri: uri.clone(),
                    version: open.get(real).map(|d| d.version),
                    diagnostics: Vec::new(),
                    keys: BTreeSet::new(),
                });
            }
        }
        for d in &checked.diagnostics {
            let file = d.span.file.0 as usize;
            let Some(entry) = files.get_mut(&reals[file]) else {
                continue;
            };
            if !entry.keys.insert((d.span.start, d.code, d.message.clone())) {
                continue;
            }
            entry.diagnostics.push(convert(sources, d, &indexes, &uris));
        }
    }
    files
}

/// One diagnostic in LSP terms: the same code, span, message, help, notes and witness as
/// `rapport check`, with the fixes its help names in `data`.
fn convert(
    sources: &SourceMap,
    d: &Diagnostic,
    indexes: &[LineIndex<'_>],
    uris: &[Option<Uri>],
) -> lsp_types::Diagnostic {
    let index = &indexes[d.span.file.0 as usize];
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    if let Some(witness) = &d.witness {
        message.push_str("\nnote: ");
        message.push_str(&crate::render::diagnostics::witness_text(d.code, witness));
    }
    let related: Vec<DiagnosticRelatedInformation> = d
        .notes
        .iter()
        .filter_map(|note| {
            let file = note.span.file.0 as usize;
            Some(DiagnosticRelatedInformation {
                location: Location {
                    uri: uris.get(file)?.clone()?,
                    range: indexes[file].range(note.span.start as usize, note.span.end as usize),
                },
                message: note.label.clone(),
            })
        })
        .collect();
    let wire: Vec<WireFix> = fixes(sources, d)
        .into_iter()
        .filter(|fix| fix.edits.iter().all(|e| e.file == d.span.file))
        .enumerate()
        .map(|(i, fix)| WireFix {
            title: fix.title,
            edits: fix
                .edits
                .iter()
                .map(|e| TextEdit {
                    range: index.range(e.range.start, e.range.end),
                    new_text: e.text.clone(),
                })
                .collect(),
            preferred: i == 0,
        })
        .collect();
    lsp_types::Diagnostic {
        range: index.range(d.span.start as usize, d.span.end as usize),
        severity: Some(match d.severity() {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
        }),
        code: Some(NumberOrString::String(d.code.as_str().to_string())),
        code_description: None,
        source: Some("rapport".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: (!wire.is_empty()).then(|| serde_json::to_value(&wire).unwrap_or_default()),
    }
}

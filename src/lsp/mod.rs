//! `rapport lsp`: the language server, over stdio (lsp-server + lsp-types).
//!
//! Another front door over the same library: diagnostics come from `check` and the
//! explorer (in `analysis`, a worker thread, so a newer edit cancels older work); names come
//! from the syntax tree (`index`); formatting is `rapport fmt`'s `format`. The main loop
//! reads messages, keeps the open documents (text plus version), and dispatches each request
//! by method to a typed handler. It never imports the command line or the REPL.

mod actions;
mod analysis;
mod complete;
mod documents;
mod hover;
mod index;
mod position;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CompletionParams,
    CompletionResponse, DidChangeTextDocumentParams, DidCloseTextDocumentParams,
    DidOpenTextDocumentParams, DocumentFormattingParams, DocumentSymbol, DocumentSymbolParams,
    DocumentSymbolResponse, GotoDefinitionParams, GotoDefinitionResponse, Hover, HoverContents,
    HoverParams, Location, MarkupContent, MarkupKind, Position, PositionEncodingKind, Range,
    ReferenceParams, RenameParams, SymbolKind, TextDocumentPositionParams, TextEdit, Uri,
    WorkspaceEdit,
};
use serde_json::{json, Value};

pub use position::{Encoding, LineIndex};

use analysis::{Job, Settings, Worker};
use documents::{path_to_uri, uri_to_path, Document, Documents};
use index::{BlockKind, Index, Kind};

/// Runs the server on stdin/stdout until the client says `exit`; returns the exit code.
#[must_use]
pub fn run(root: Option<&Path>) -> i32 {
    let (connection, io) = Connection::stdio();
    let code = match serve(&connection, root) {
        Ok(()) => 0,
        Err(message) => {
            eprintln!("rapport lsp: {message}");
            1
        }
    };
    drop(connection);
    let _ = io.join();
    code
}

/// The capabilities this server has.
fn capabilities(encoding: Encoding) -> Value {
    json!({
        "positionEncoding": match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        },
        "textDocumentSync": {"openClose": true, "change": 2, "save": {"includeText": false}},
        "completionProvider": {"triggerCharacters": [" ", "(", "{", ","]},
        "definitionProvider": true,
        "referencesProvider": true,
        "renameProvider": {"prepareProvider": true},
        "documentSymbolProvider": true,
        "hoverProvider": true,
        "documentFormattingProvider": true,
        "codeActionProvider": {"codeActionKinds": ["quickfix"]},
    })
}

/// UTF-8 when the client offers it, else UTF-16 (LSP's default).
fn negotiate(params: &Value) -> Encoding {
    let offered = params["capabilities"]["general"]["positionEncodings"]
        .as_array()
        .is_some_and(|all| all.iter().any(|e| e.as_str() == Some("utf-8")));
    if offered {
        Encoding::Utf8
    } else {
        Encoding::Utf16
    }
}

/// The folder includes may not leave: `--root`, else the editor's workspace folder.
fn workspace_root(params: &Value) -> Option<PathBuf> {
    let uri = params["workspaceFolders"][0]["uri"]
        .as_str()
        .or_else(|| params["rootUri"].as_str())?;
    uri_to_path(&uri.parse().ok()?)
}

/// Serves one client over `connection`.
///
/// # Errors
/// When the handshake fails or the connection breaks.
pub fn serve(connection: &Connection, root: Option<&Path>) -> Result<(), String> {
    let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
    let encoding = negotiate(&params);
    let root = root
        .map(Path::to_path_buf)
        .or_else(|| workspace_root(&params));
    connection
        .initialize_finish(
            id,
            json!({
                "capabilities": capabilities(encoding),
                "serverInfo": {"name": "rapport", "version": env!("CARGO_PKG_VERSION")},
            }),
        )
        .map_err(|e| e.to_string())?;
    // Completion and navigation parse the open files again on each request.
    crate::syntax::cache_lines(true);
    let worker = analysis::spawn(
        connection.sender.clone(),
        Settings {
            encoding,
            root: root.clone(),
        },
    );
    let mut server = Server {
        docs: Documents::default(),
        encoding,
        worker,
        generation: 0,
    };
    for message in &connection.receiver {
        match message {
            Message::Request(request) => {
                if connection
                    .handle_shutdown(&request)
                    .map_err(|e| e.to_string())?
                {
                    break;
                }
                let response = server.request(request);
                connection
                    .sender
                    .send(Message::Response(response))
                    .map_err(|e| e.to_string())?;
            }
            Message::Notification(notification) => server.notification(notification),
            Message::Response(_) => {}
        }
    }
    let Server { worker, .. } = server;
    drop(worker.jobs);
    let _ = worker.thread.join();
    Ok(())
}

/// One place a name occurs.
struct Found {
    location: Location,
    def: bool,
    kind: Kind,
}

struct Server {
    docs: Documents,
    encoding: Encoding,
    worker: Worker,
    generation: u64,
}

/// A request's outcome: a result, or an error code and message.
type Reply = Result<Value, (ErrorCode, String)>;

fn params<P: serde::de::DeserializeOwned>(value: Value) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(value).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value<T: serde::Serialize>(value: &T) -> Reply {
    serde_json::to_value(value).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

impl Server {
    fn request(&mut self, request: Request) -> Response {
        let Request { id, method, params } = request;
        // A handler bug must not take the editor's server down: answer with an error.
        let reply = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            self.dispatch(&method, params)
        }))
        .unwrap_or_else(|_| {
            Err((
                ErrorCode::InternalError,
                format!("rapport lsp failed on `{method}`"),
            ))
        });
        match reply {
            Ok(result) => Response::new_ok(id, result),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    fn dispatch(&mut self, method: &str, value: Value) -> Reply {
        match method {
            "textDocument/completion" => self.completion(&params(value)?),
            "textDocument/definition" => self.definition(&params(value)?),
            "textDocument/references" => self.references(&params(value)?),
            "textDocument/prepareRename" => self.prepare_rename(&params(value)?),
            "textDocument/rename" => self.rename(&params(value)?),
            "textDocument/documentSymbol" => self.symbols(&params(value)?),
            "textDocument/hover" => self.hover(&params(value)?),
            "textDocument/formatting" => self.formatting(&params(value)?),
            "textDocument/codeAction" => Self::code_actions(&params(value)?),
            _ => Err((
                ErrorCode::MethodNotFound,
                format!("rapport lsp does not handle `{method}`"),
            )),
        }
    }

    fn notification(&mut self, notification: Notification) {
        let Notification { method, params } = notification;
        let changed = match method.as_str() {
            "textDocument/didOpen" => serde_json::from_value::<DidOpenTextDocumentParams>(params)
                .ok()
                .and_then(|p| {
                    let path = uri_to_path(&p.text_document.uri)?;
                    self.docs.open.insert(
                        path,
                        Document {
                            uri: p.text_document.uri,
                            text: p.text_document.text,
                            version: p.text_document.version,
                        },
                    );
                    Some(())
                })
                .is_some(),
            "textDocument/didChange" => {
                serde_json::from_value::<DidChangeTextDocumentParams>(params)
                    .ok()
                    .and_then(|p| {
                        let path = uri_to_path(&p.text_document.uri)?;
                        let doc = self.docs.open.get_mut(&path)?;
                        doc.apply(p.content_changes, self.encoding);
                        doc.version = p.text_document.version;
                        Some(())
                    })
                    .is_some()
            }
            "textDocument/didClose" => serde_json::from_value::<DidCloseTextDocumentParams>(params)
                .ok()
                .and_then(|p| self.docs.open.remove(&uri_to_path(&p.text_document.uri)?))
                .is_some(),
            // Included files on disk may have changed.
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" => true,
            _ => false,
        };
        if changed {
            self.generation += 1;
            self.worker.latest.store(self.generation, Ordering::SeqCst);
            let _ = self.worker.jobs.send(Job {
                generation: self.generation,
                docs: self.docs.open.clone(),
            });
        }
    }

    /// The path and text of a document (open, else on disk).
    fn document(&self, uri: &Uri) -> Result<(PathBuf, String), (ErrorCode, String)> {
        let path = uri_to_path(uri).ok_or((
            ErrorCode::InvalidParams,
            format!("not a file URI: {}", uri.as_str()),
        ))?;
        let text = self.docs.text(&path).ok_or((
            ErrorCode::InvalidParams,
            format!("cannot read {}", path.display()),
        ))?;
        Ok((path, text))
    }

    fn read(&self) -> impl Fn(&Path) -> Option<String> + '_ {
        |path: &Path| self.docs.text(path)
    }

    /// The indexes that hold a file: every open document's that includes it (so a library's
    /// names are seen with the scenarios that use them), else the file's own.
    fn indexes(&self, path: &Path, text: &str) -> Vec<Index> {
        let read = self.read();
        let own = Index::build(path, text.to_string(), &read);
        let mut out = Vec::new();
        let real = documents::canonical(path);
        for (other, doc) in &self.docs.open {
            if documents::canonical(other) == real {
                continue;
            }
            let index = Index::build(other, doc.text.clone(), &read);
            if index.file_of(path).is_some() {
                out.push(index);
            }
        }
        out.insert(0, own);
        out
    }

    fn uri_of(&self, index: &Index, file: usize) -> Option<Uri> {
        let path = &index.files.get(file)?.path;
        let real = documents::canonical(path);
        self.docs
            .open
            .iter()
            .find(|(p, _)| documents::canonical(p) == real)
            .map(|(_, d)| d.uri.clone())
            .or_else(|| path_to_uri(path))
    }

    fn location(
        &self,
        index: &Index,
        file: usize,
        range: &std::ops::Range<usize>,
    ) -> Option<Location> {
        let text = &index.files.get(file)?.text;
        Some(Location {
            uri: self.uri_of(index, file)?,
            range: LineIndex::new(text, self.encoding).range(range.start, range.end),
        })
    }

    /// The document's text, its index, and the byte offset of a position.
    fn at(
        &self,
        at: &TextDocumentPositionParams,
    ) -> Result<(Vec<Index>, usize, usize), (ErrorCode, String)> {
        let (path, text) = self.document(&at.text_document.uri)?;
        let offset = LineIndex::new(&text, self.encoding).offset(at.position);
        let indexes = self.indexes(&path, &text);
        let file = 0;
        Ok((indexes, file, offset))
    }

    fn completion(&self, p: &CompletionParams) -> Reply {
        let (indexes, _, offset) = self.at(&p.text_document_position)?;
        // Names come from the scenario that includes this file when there is one.
        let mut items = complete::complete(&indexes[0], offset);
        if let Some(wider) = indexes.get(1) {
            let own = &indexes[0];
            let merged = Index {
                files: own.files.clone(),
                occurrences: own
                    .occurrences
                    .iter()
                    .chain(&wider.occurrences)
                    .cloned()
                    .collect(),
                decls: own.decls.iter().chain(&wider.decls).cloned().collect(),
                rules: Vec::new(),
                blocks: Vec::new(),
            };
            items = complete::complete(&merged, offset);
        }
        to_value(&CompletionResponse::Array(items))
    }

    /// The name under the cursor and every place it occurs, across the include graph.
    fn occurrences(
        &self,
        at: &TextDocumentPositionParams,
    ) -> Result<Vec<Found>, (ErrorCode, String)> {
        let (indexes, _, offset) = self.at(at)?;
        let Some(here) = indexes[0].at(0, offset).cloned() else {
            return Ok(Vec::new());
        };
        let mut out: Vec<Found> = Vec::new();
        if here.kind == Kind::File {
            let from = &indexes[0].files[0].path;
            let target =
                crate::check::normalize(&from.parent().unwrap_or(Path::new("")).join(&here.name));
            if let Some(uri) = path_to_uri(&target) {
                out.push(Found {
                    location: Location {
                        uri,
                        range: Range::new(Position::new(0, 0), Position::new(0, 0)),
                    },
                    def: true,
                    kind: Kind::File,
                });
            }
            return Ok(out);
        }
        for index in &indexes {
            for o in index.uses(here.kind, &here.name) {
                if let Some(location) = self.location(index, o.file, &o.range) {
                    let seen = out.iter().any(|f| f.location == location);
                    if !seen {
                        out.push(Found {
                            location,
                            def: o.def,
                            kind: here.kind,
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    fn definition(&self, p: &GotoDefinitionParams) -> Reply {
        let found = self.occurrences(&p.text_document_position_params)?;
        let defs: Vec<Location> = found
            .into_iter()
            .filter(|f| f.def)
            .map(|f| f.location)
            .collect();
        if defs.is_empty() {
            return Ok(Value::Null);
        }
        to_value(&GotoDefinitionResponse::Array(defs))
    }

    fn references(&self, p: &ReferenceParams) -> Reply {
        let found = self.occurrences(&p.text_document_position)?;
        let refs: Vec<Location> = found
            .into_iter()
            .filter(|Found { def, kind, .. }| {
                p.context.include_declaration || !*def || *kind == Kind::Tag
            })
            .map(|f| f.location)
            .collect();
        to_value(&refs)
    }

    fn prepare_rename(&self, p: &TextDocumentPositionParams) -> Reply {
        let (indexes, _, offset) = self.at(p)?;
        match indexes[0].at(0, offset) {
            Some(o) if o.kind != Kind::File => {
                let text = &indexes[0].files[0].text;
                let range = LineIndex::new(text, self.encoding).range(o.range.start, o.range.end);
                to_value(&json!({"range": range, "placeholder": o.name}))
            }
            _ => Ok(Value::Null),
        }
    }

    fn rename(&self, p: &RenameParams) -> Reply {
        let new = p.new_name.as_str();
        let valid = new
            .chars()
            .next()
            .is_some_and(|c| c.is_alphabetic() || c == '_')
            && new.chars().all(|c| c.is_alphanumeric() || c == '_')
            && !crate::syntax::is_keyword(new);
        if !valid {
            return Err((
                ErrorCode::InvalidParams,
                format!("`{new}` is not a name: a letter or `_`, then letters, digits or `_`, and not a keyword"),
            ));
        }
        let found = self.occurrences(&p.text_document_position)?;
        if found.iter().any(|f| f.kind == Kind::File) {
            return Err((
                ErrorCode::InvalidParams,
                "an include path cannot be renamed".into(),
            ));
        }
        // lsp-types' `WorkspaceEdit` is keyed by `Uri`, which clippy thinks mutable.
        #[allow(clippy::mutable_key_type)]
        let mut changes: HashMap<Uri, Vec<TextEdit>> = HashMap::new();
        for Found { location, .. } in found {
            changes.entry(location.uri).or_default().push(TextEdit {
                range: location.range,
                new_text: new.to_string(),
            });
        }
        to_value(&WorkspaceEdit {
            changes: Some(changes),
            ..WorkspaceEdit::default()
        })
    }

    fn symbols(&self, p: &DocumentSymbolParams) -> Reply {
        let (path, text) = self.document(&p.text_document.uri)?;
        let index = Index::build(&path, text.clone(), &|_| None);
        let lines = LineIndex::new(&text, self.encoding);
        #[allow(deprecated)]
        let symbol = |name: String,
                      detail: Option<String>,
                      kind,
                      extent: &std::ops::Range<usize>,
                      selection: &std::ops::Range<usize>,
                      children: Option<Vec<DocumentSymbol>>| DocumentSymbol {
            name: if name.is_empty() {
                " ".to_string()
            } else {
                name
            },
            detail,
            kind,
            tags: None,
            deprecated: None,
            range: lines.range(extent.start, extent.end.max(selection.end)),
            selection_range: lines.range(selection.start, selection.end),
            children,
        };
        let mut out: Vec<(usize, DocumentSymbol)> = Vec::new();
        for block in index.blocks.iter().filter(|b| b.file == 0) {
            let children: Vec<DocumentSymbol> = block
                .children
                .iter()
                .map(|c| {
                    symbol(
                        c.name.clone(),
                        Some("choice".into()),
                        SymbolKind::METHOD,
                        &c.extent,
                        &c.selection,
                        None,
                    )
                })
                .collect();
            let (kind, detail) = match block.kind {
                BlockKind::Scene => (SymbolKind::MODULE, "scene"),
                BlockKind::Trigger => (SymbolKind::EVENT, "trigger"),
                BlockKind::Ending => (SymbolKind::ENUM_MEMBER, "ending"),
                BlockKind::Choice => (SymbolKind::METHOD, "choice"),
            };
            out.push((
                block.extent.start,
                symbol(
                    block.name.clone(),
                    Some(detail.into()),
                    kind,
                    &block.extent,
                    &block.selection,
                    (!children.is_empty()).then_some(children),
                ),
            ));
        }
        for rule in index.rules.iter().filter(|r| r.file == 0) {
            out.push((
                rule.range.start,
                symbol(
                    rule.title.clone(),
                    Some("rule".into()),
                    SymbolKind::FUNCTION,
                    &rule.extent,
                    &rule.range,
                    None,
                ),
            ));
        }
        out.sort_by_key(|(start, _)| *start);
        to_value(&DocumentSymbolResponse::Nested(
            out.into_iter().map(|(_, s)| s).collect(),
        ))
    }

    fn hover(&self, p: &HoverParams) -> Reply {
        let (indexes, _, offset) = self.at(&p.text_document_position_params)?;
        // A library's names are described by the scenario that includes it, when one is open.
        let words = indexes
            .iter()
            .skip(1)
            .find_map(|index| {
                let file = index.file_of(&indexes[0].files[0].path)?;
                let found = hover::hover(index, file, offset)?;
                (!found.ends_with("(not declared)")).then_some(found)
            })
            .or_else(|| hover::hover(&indexes[0], 0, offset));
        match words {
            Some(value) => to_value(&Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value,
                }),
                range: None,
            }),
            None => Ok(Value::Null),
        }
    }

    fn formatting(&self, p: &DocumentFormattingParams) -> Reply {
        let (_, text) = self.document(&p.text_document.uri)?;
        let Ok(formatted) = crate::format::format(&text) else {
            // A file with syntax errors is left alone; its diagnostics say why.
            return Ok(Value::Null);
        };
        if formatted == text {
            return to_value(&Vec::<TextEdit>::new());
        }
        let lines = LineIndex::new(&text, self.encoding);
        to_value(&vec![TextEdit {
            range: lines.range(0, text.len()),
            new_text: formatted,
        }])
    }

    fn code_actions(p: &CodeActionParams) -> Reply {
        let mut out = Vec::new();
        for diagnostic in &p.context.diagnostics {
            let Some(data) = &diagnostic.data else {
                continue;
            };
            let Ok(fixes) = serde_json::from_value::<Vec<actions::WireFix>>(data.clone()) else {
                continue;
            };
            for fix in fixes {
                #[allow(clippy::mutable_key_type)]
                let mut changes = HashMap::new();
                changes.insert(p.text_document.uri.clone(), fix.edits);
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(WorkspaceEdit {
                        changes: Some(changes),
                        ..WorkspaceEdit::default()
                    }),
                    is_preferred: Some(fix.preferred),
                    ..CodeAction::default()
                }));
            }
        }
        to_value(&out)
    }
}

//! The open documents: text plus version, edited by full or incremental changes, and the
//! `file://` URIs that name them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{TextDocumentContentChangeEvent, Uri};

use super::position::{Encoding, LineIndex};

/// One open document.
#[derive(Clone, Debug)]
pub struct Document {
    /// The URI the editor named it by (diagnostics are published under it).
    pub uri: Uri,
    pub text: String,
    pub version: i32,
}

impl Document {
    /// Applies changes in order; a change with a range replaces that range (positions in
    /// `encoding`, measured on the text as the previous changes left it).
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        for change in changes {
            match change.range {
                Some(range) => {
                    let index = LineIndex::new(&self.text, encoding);
                    let start = index.offset(range.start);
                    let end = index.offset(range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
                None => self.text = change.text,
            }
        }
    }
}

/// Open documents by path (ordered, so every walk over them is deterministic).
#[derive(Default)]
pub struct Documents {
    pub open: BTreeMap<PathBuf, Document>,
}

impl Documents {
    /// The text of a file: the open document, else the file on disk.
    #[must_use]
    pub fn text(&self, path: &Path) -> Option<String> {
        if let Some(doc) = self.open.get(path) {
            return Some(doc.text.clone());
        }
        let real = canonical(path);
        self.open
            .iter()
            .find(|(p, _)| canonical(p) == real)
            .map(|(_, d)| d.text.clone())
            .or_else(|| crate::check::read_text(path).ok())
    }
}

/// The real path of a file, or the path itself when it does not exist.
#[must_use]
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The path a `file://` URI names (percent-decoded), if it is one.
#[must_use]
pub fn uri_to_path(uri: &Uri) -> Option<PathBuf> {
    let text = uri.as_str();
    let rest = text.strip_prefix("file://")?;
    // `file:///home/x` (empty authority) or `file://localhost/home/x`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    let mut bytes = Vec::with_capacity(path.len());
    let raw = path.as_bytes();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 2 < raw.len() + 1 {
            let hex = path
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(byte) = hex {
                bytes.push(byte);
                i += 3;
                continue;
            }
        }
        bytes.push(raw[i]);
        i += 1;
    }
    let decoded = String::from_utf8(bytes).ok()?;
    // `file:///C:/x` on Windows.
    #[cfg(windows)]
    let decoded = decoded.trim_start_matches('/').to_string();
    Some(PathBuf::from(decoded))
}

/// The `file://` URI of a path (absolute, percent-encoded).
#[must_use]
pub fn path_to_uri(path: &Path) -> Option<Uri> {
    let absolute = std::path::absolute(path).ok()?;
    let text = absolute.to_string_lossy().replace('\\', "/");
    let mut out = String::from("file://");
    if !text.starts_with('/') {
        out.push('/');
    }
    out.push_str(&crate::render::sarif::percent_encode(&text));
    out.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::{Position, Range};

    #[test]
    fn uris_and_paths_round_trip_with_spaces_and_accents() {
        let path = Path::new("/tmp/my course/scène.scenario");
        let uri = path_to_uri(path).expect("a uri");
        assert_eq!(uri.as_str(), "file:///tmp/my%20course/sc%C3%A8ne.scenario");
        assert_eq!(uri_to_path(&uri).as_deref(), Some(path));
    }

    #[test]
    fn incremental_changes_apply_in_order_on_utf16_positions() {
        let mut doc = Document {
            uri: "file:///t.scenario".parse().expect("a uri"),
            text: "Zoë: \"😀\" x\nend\n".to_string(),
            version: 1,
        };
        let change = |l1, c1, l2, c2, text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.to_string(),
        };
        // `x` is at UTF-16 column 10 (the emoji counts two).
        doc.apply(
            vec![change(0, 10, 0, 11, "y"), change(1, 3, 1, 3, " done")],
            Encoding::Utf16,
        );
        assert_eq!(doc.text, "Zoë: \"😀\" y\nend done\n");
    }
}

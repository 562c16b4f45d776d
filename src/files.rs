//! Files: writing so that nothing is ever half-written, and finding the scenario files
//! under the paths a user gave.

use std::path::{Path, PathBuf};

/// Writes a file atomically: a temporary file in the same folder, then a rename, so a crash
/// mid-write leaves the previous file intact.
///
/// # Errors
/// When the folder cannot be created or the file cannot be written.
pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    write_atomic_bytes(path, contents.as_bytes())
}

/// [`write_atomic`] for bytes that are not text (a zip).
///
/// # Errors
/// When the folder cannot be created or the file cannot be written.
pub fn write_atomic_bytes(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(contents)?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// The paths given, or `scenarios` (else `.`) when none are.
#[must_use]
pub fn paths_or_default(paths: &[PathBuf]) -> Vec<PathBuf> {
    if paths.is_empty() {
        let default = PathBuf::from("scenarios");
        vec![if default.is_dir() {
            default
        } else {
            PathBuf::from(".")
        }]
    } else {
        paths.to_vec()
    }
}

/// Expands files and folders (recursively, `*.scenario`) into a sorted list of files.
///
/// # Errors
/// When a path does not exist or a folder cannot be read.
pub fn collect(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            walk(path, &mut files).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
        } else if path.exists() {
            files.push(path.clone());
        } else {
            return Err(format!(
                "cannot read `{}`: no such file or folder",
                path.display()
            ));
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .is_some_and(|n| n.to_string_lossy().starts_with('.'));
        if hidden {
            continue;
        }
        if entry.is_dir() {
            walk(&entry, files)?;
        } else if entry.extension().is_some_and(|e| e == "scenario") {
            files.push(entry);
        }
    }
    Ok(())
}

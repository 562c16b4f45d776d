//! Files: writing so that nothing is ever half-written, and finding the scenario files
//! under the paths a user gave.

use std::path::{Path, PathBuf};

/// Writes a file atomically: a temporary file in the same folder, then a rename, so a crash
/// mid-write leaves the previous file intact.
///
/// An existing file keeps what the rename would lose: a symbolic link is followed and its
/// target is written (the link stays a link), and the file's permissions and owner are given
/// to the new contents. When the owner cannot be given (another user's file that we may
/// write), or the file has other hard links, it is rewritten in place instead, which keeps
/// both.
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
    let path = follow_links(path)?;
    let existing = std::fs::metadata(&path)
        .ok()
        .filter(std::fs::Metadata::is_file);
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    if existing.as_ref().is_some_and(|m| links(m) > 1) {
        return std::fs::write(&path, contents);
    }
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(contents)?;
    if let Some(meta) = &existing {
        file.as_file().set_permissions(meta.permissions())?;
        if !give_owner(file.as_file(), meta) {
            drop(file);
            return std::fs::write(&path, contents);
        }
    }
    file.as_file().sync_all()?;
    file.persist(&path).map_err(|e| e.error)?;
    Ok(())
}

/// Whether a file can be written at `path` (by [`write_atomic`]), without touching it: `Err`
/// says what is wrong in words ("`notes.txt` is a file, not a folder"). The missing folders
/// on the way are created, as the first write would create them.
///
/// # Errors
/// When the path is a folder, passes through a file, or its folder cannot be created or
/// written.
pub fn writable(path: &Path) -> Result<(), String> {
    let path = follow_links(path).map_err(|e| in_words(&e))?;
    if path.is_dir() {
        return Err(format!(
            "`{}` is a folder; give the path of a file in it, such as `{}`",
            path.display(),
            path.join("session.json").display()
        ));
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // The nearest folder on the way that exists must be a folder, not a file.
    for ancestor in dir.ancestors() {
        if ancestor.as_os_str().is_empty() {
            break;
        }
        match std::fs::metadata(ancestor) {
            Ok(meta) if meta.is_dir() => break,
            Ok(_) => {
                return Err(format!(
                    "`{}` is a file, not a folder, so nothing can be saved under it",
                    ancestor.display()
                ))
            }
            Err(_) => {}
        }
    }
    std::fs::create_dir_all(&dir).map_err(|e| {
        format!(
            "the folder `{}` cannot be created ({})",
            dir.display(),
            in_words(&e)
        )
    })?;
    tempfile::NamedTempFile::new_in(&dir).map_err(|e| {
        format!(
            "nothing can be written in the folder `{}` ({})",
            dir.display(),
            in_words(&e)
        )
    })?;
    Ok(())
}

/// Why a write to `path` failed, in words: what [`writable`] finds wrong, else the error.
#[must_use]
pub fn why_not_written(path: &Path, error: &std::io::Error) -> String {
    writable(path).err().unwrap_or_else(|| in_words(error))
}

/// An I/O error in plain words, without the OS error number.
#[must_use]
pub fn in_words(error: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match error.kind() {
        ErrorKind::NotFound => "no such file or folder".to_string(),
        ErrorKind::PermissionDenied => "permission denied".to_string(),
        ErrorKind::AlreadyExists => "something else already has that name".to_string(),
        ErrorKind::ReadOnlyFilesystem => "the disk is read-only".to_string(),
        ErrorKind::StorageFull => "the disk is full".to_string(),
        ErrorKind::NotADirectory => "a part of the path is a file, not a folder".to_string(),
        ErrorKind::IsADirectory => "it is a folder".to_string(),
        _ => {
            let text = error.to_string();
            match text.find(" (os error") {
                Some(i) => text[..i].to_string(),
                None => text,
            }
        }
    }
}

/// The file a path finally names, following symbolic links (also dangling ones, so that
/// writing creates the link's target rather than replacing the link).
fn follow_links(path: &Path) -> std::io::Result<PathBuf> {
    let mut path = path.to_path_buf();
    for _ in 0..40 {
        match std::fs::symlink_metadata(&path) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let target = std::fs::read_link(&path)?;
                path = match path.parent() {
                    Some(parent) if target.is_relative() => parent.join(target),
                    _ => target,
                };
            }
            _ => return Ok(path),
        }
    }
    Err(std::io::Error::other(format!(
        "`{}`: too many levels of symbolic links",
        path.display()
    )))
}

#[cfg(unix)]
fn links(meta: &std::fs::Metadata) -> u64 {
    std::os::unix::fs::MetadataExt::nlink(meta)
}

#[cfg(not(unix))]
fn links(_meta: &std::fs::Metadata) -> u64 {
    1
}

/// Gives the new file the old one's owner and group; false when that is not allowed.
#[cfg(unix)]
fn give_owner(file: &std::fs::File, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    let Ok(new) = file.metadata() else {
        return false;
    };
    if new.uid() == meta.uid() && new.gid() == meta.gid() {
        return true;
    }
    std::os::unix::fs::fchown(file, Some(meta.uid()), Some(meta.gid())).is_ok()
}

#[cfg(not(unix))]
fn give_owner(_file: &std::fs::File, _meta: &std::fs::Metadata) -> bool {
    true
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

//! Writing files so that nothing is ever half-written.

use std::path::Path;

/// Writes a file atomically: a temporary file in the same folder, then a rename, so a crash
/// mid-write leaves the previous file intact.
///
/// # Errors
/// When the folder cannot be created or the file cannot be written.
pub fn write_atomic(path: &Path, contents: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut file = tempfile::NamedTempFile::new_in(dir)?;
    file.write_all(contents.as_bytes())?;
    file.as_file().sync_all()?;
    file.persist(path).map_err(|e| e.error)?;
    Ok(())
}

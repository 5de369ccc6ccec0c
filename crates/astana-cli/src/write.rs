//! Writing one output file safely: into a temporary file beside it, renamed over the target
//! only once complete. An interrupted or failed run leaves the previous file as it was,
//! never a truncated one; readers see either the old file or the new, whole.

use std::io::Write;
use std::path::Path;

/// Writes `path` with what `fill` writes, atomically (see the module docs).
pub(crate) fn atomically(
    path: &Path,
    fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".astana-").suffix(".tmp");
    // tempfile creates 0600 files; an output file gets the usual mode (umask applies).
    #[cfg(unix)]
    let mode = {
        use std::os::unix::fs::PermissionsExt;
        std::fs::Permissions::from_mode(0o666)
    };
    #[cfg(unix)]
    builder.permissions(mode);
    // Dropped on error: the temporary file is removed, the target untouched.
    let mut tmp = builder.tempfile_in(dir)?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        fill(&mut w)?;
        w.flush()?;
    }
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::atomically;

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("brief.html");
        std::fs::write(&path, "old brief").expect("write");
        let r = atomically(&path, |w| {
            w.write_all(b"half a bri")?;
            Err(std::io::Error::other("interrupted"))
        });
        assert!(r.is_err());
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "old brief");
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("list")
            .map(|e| e.expect("entry").file_name())
            .collect();
        assert_eq!(names, ["brief.html"]);
        atomically(&path, |w| w.write_all(b"new brief")).expect("write");
        assert_eq!(std::fs::read_to_string(&path).expect("read"), "new brief");
    }
}

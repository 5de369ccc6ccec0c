//! Scenario folders in and out: an upload is a zip or a tar.gz of the folder (with or without
//! one top-level directory); a download is a zip. Unpacking is bounded (entries, bytes,
//! path shape) so a hostile archive cannot exhaust memory or write outside its folder.

use crate::problem::Problem;
use std::io::{Cursor, Read, Write};

/// The most files an uploaded scenario may hold.
pub(crate) const MAX_ENTRIES: usize = 1000;
/// The most bytes its files may hold once unpacked.
pub(crate) const MAX_UNPACKED: u64 = 256 << 20;

/// A zip or a gzip stream, by its first bytes.
pub(crate) fn is_archive(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
        || bytes.starts_with(b"PK\x05\x06")
        || bytes.starts_with(&[0x1f, 0x8b])
}

/// Unpacks an uploaded archive into (relative path, content), sorted by path, with a single
/// top-level folder removed if every file sits in it.
pub(crate) fn unpack(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, Problem> {
    let mut files = if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        unzip(bytes)?
    } else if bytes.starts_with(&[0x1f, 0x8b]) {
        untar(flate2::read::GzDecoder::new(bytes))?
    } else {
        return Err(Problem::new(
            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "upload the scenario folder as a .zip or a .tar.gz archive",
        ));
    };
    if files.is_empty() {
        return Err(Problem::invalid("the archive holds no files"));
    }
    // `kazakhstan/scenario.toml` → `scenario.toml` when everything sits in one folder.
    let top = files[0].0.split_once('/').map(|(t, _)| t.to_string());
    if let Some(top) = top {
        let prefix = format!("{top}/");
        if files.iter().all(|(p, _)| p.starts_with(&prefix)) {
            for (p, _) in &mut files {
                *p = p[prefix.len()..].to_string();
            }
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    if let Some(w) = files.windows(2).find(|w| w[0].0 == w[1].0) {
        return Err(Problem::invalid(format!(
            "the archive holds `{}` twice",
            w[0].0
        )));
    }
    Ok(files)
}

/// A path inside the folder: relative, `/`-separated, no `..`, no empty or hidden parts
/// (macOS `__MACOSX` and `.DS_Store` entries are skipped by the caller).
fn clean_path(raw: &str) -> Result<Option<String>, Problem> {
    let p = raw.replace('\\', "/");
    let p = p.trim_start_matches("./");
    if p.starts_with("__MACOSX/") || p.ends_with(".DS_Store") {
        return Ok(None);
    }
    let bad = p.starts_with('/')
        || p.split('/').any(|s| s.is_empty() || s == "." || s == "..")
        || p.contains(':')
        || p.chars().any(char::is_control);
    if bad {
        return Err(Problem::invalid(format!(
            "the archive entry `{}` is not a plain relative path inside the folder",
            raw.escape_debug()
        )));
    }
    Ok(Some(p.to_string()))
}

struct Budget {
    entries: usize,
    bytes: u64,
}

impl Budget {
    fn take(&mut self, name: &str, reader: impl Read) -> Result<Vec<u8>, Problem> {
        self.entries += 1;
        if self.entries > MAX_ENTRIES {
            return Err(Problem::too_large(format!(
                "the archive holds more than {MAX_ENTRIES} files"
            )));
        }
        let left = MAX_UNPACKED.saturating_sub(self.bytes);
        let mut buf = Vec::new();
        reader
            .take(left + 1)
            .read_to_end(&mut buf)
            .map_err(|e| Problem::invalid(format!("cannot read `{name}` from the archive: {e}")))?;
        self.bytes += buf.len() as u64;
        if self.bytes > MAX_UNPACKED {
            return Err(Problem::too_large(format!(
                "the archive unpacks to more than {} MiB",
                MAX_UNPACKED >> 20
            )));
        }
        Ok(buf)
    }
}

fn unzip(bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, Problem> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| Problem::invalid(format!("the zip archive is damaged: {e}")))?;
    let mut budget = Budget {
        entries: 0,
        bytes: 0,
    };
    let mut files = Vec::new();
    for i in 0..zip.len() {
        let entry = zip
            .by_index(i)
            .map_err(|e| Problem::invalid(format!("the zip archive is damaged: {e}")))?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name().to_string();
        let Some(path) = clean_path(&name)? else {
            continue;
        };
        let content = budget.take(&name, entry)?;
        files.push((path, content));
    }
    Ok(files)
}

fn untar(reader: impl Read) -> Result<Vec<(String, Vec<u8>)>, Problem> {
    let mut tar = tar::Archive::new(reader);
    let mut budget = Budget {
        entries: 0,
        bytes: 0,
    };
    let mut files = Vec::new();
    let damaged =
        |e: std::io::Error| Problem::invalid(format!("the tar.gz archive is damaged: {e}"));
    for entry in tar.entries().map_err(damaged)? {
        let entry = entry.map_err(damaged)?;
        let kind = entry.header().entry_type();
        if kind.is_dir() || kind.is_pax_global_extensions() || kind.is_pax_local_extensions() {
            continue;
        }
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        if !kind.is_file() {
            return Err(Problem::invalid(format!(
                "the archive entry `{}` is a link or device, not a file",
                name.escape_debug()
            )));
        }
        let Some(path) = clean_path(&name)? else {
            continue;
        };
        let content = budget.take(&name, entry)?;
        files.push((path, content));
    }
    Ok(files)
}

/// The files as a zip archive under the folder `top`.
pub(crate) fn zip_folder(top: &str, files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, Problem> {
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let fail = |e: zip::result::ZipError| Problem::internal(format!("cannot write the zip: {e}"));
    for (path, content) in files {
        out.start_file(format!("{top}/{path}"), options)
            .map_err(fail)?;
        out.write_all(content)
            .map_err(|e| Problem::internal(format!("cannot write the zip: {e}")))?;
    }
    Ok(out.finish().map_err(fail)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zip_round_trip_strips_the_top_folder() {
        let files = vec![
            ("power/unsc.toml".to_string(), b"x".to_vec()),
            ("scenario.toml".to_string(), b"name = 'a'".to_vec()),
        ];
        let z = zip_folder("demo", &files).expect("zip");
        assert_eq!(unpack(&z).expect("unpack"), files);
    }

    #[test]
    fn hostile_paths_are_refused() {
        for bad in ["../etc/passwd", "/abs", "a//b", "c:/x", "a/./b"] {
            assert!(clean_path(bad).is_err(), "{bad}");
        }
        assert_eq!(
            clean_path("./a/b.csv").expect("ok").as_deref(),
            Some("a/b.csv")
        );
        assert_eq!(clean_path("__MACOSX/x").expect("ok"), None);
    }

    #[test]
    fn not_an_archive_is_415() {
        let p = unpack(b"hello").expect_err("refused");
        assert_eq!(p.status, 415);
    }

    #[test]
    fn a_zip_bomb_stops_at_the_budget() {
        // 300 MiB of zeros compresses to a few hundred KiB.
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        out.start_file("bomb.csv", o).expect("start");
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..300 {
            out.write_all(&zeros).expect("write");
        }
        let z = out.finish().expect("finish").into_inner();
        assert!(z.len() < 4 << 20);
        let p = unpack(&z).expect_err("refused");
        assert_eq!(p.status, 413, "{}", p.detail);
    }
}

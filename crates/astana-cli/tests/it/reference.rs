//! The reference folder (`$ASTANA_REFERENCE_DIR`, else `../shared/reference`): the tests
//! that need it fail when it is missing, under `CI` always, elsewhere unless
//! `ASTANA_SKIP_REFERENCE=1` asks to skip them; the sentinel below then shows as ignored
//! with the reason, so a skipped validation is never an anonymous `ok`.

use std::path::PathBuf;

/// The reference folder, or `None` when it is missing and skipping was asked for.
pub(crate) fn reference_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("ASTANA_REFERENCE_DIR").map_or_else(
        || crate::workspace_root().join("../shared/reference"),
        PathBuf::from,
    );
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var_os("CI").is_some();
    if !ci && std::env::var_os("ASTANA_SKIP_REFERENCE").is_some_and(|v| v == "1") {
        eprintln!(
            "skipped (ASTANA_SKIP_REFERENCE=1): {} not found",
            dir.display()
        );
        return None;
    }
    panic!(
        "reference directory {} not found: set ASTANA_REFERENCE_DIR to it{}",
        dir.display(),
        if ci {
            " (CI is set: validation cannot be skipped)"
        } else {
            ", or ASTANA_SKIP_REFERENCE=1 to skip the validation tests"
        }
    )
}

/// The validation tests of every crate (published power indices, GENIUS domains, UN
/// votes, hostile reproducers) have their data.
#[test]
#[cfg_attr(
    astana_skip_reference,
    ignore = "ASTANA_SKIP_REFERENCE=1: validation tests whose reference data is missing pass without checking"
)]
fn reference_data_is_present() {
    let dir = reference_dir().expect("not skipped");
    for sub in [
        "power",
        "negotiation",
        "balance/unvotes",
        "corridor",
        "hostile",
    ] {
        assert!(
            dir.join(sub).is_dir(),
            "{} is incomplete: no {sub}/",
            dir.display()
        );
    }
}

//! Reads a scenario folder into validated [`astana_model::Scenario`] values.
//!
//! # Brief overview
//!
//! A scenario is a folder with `scenario.toml` (name, focal country, blocs, file list) and
//! CSV files (`sources.csv`, `flows.csv`, `memberships.csv`, `alignment.csv`) that a person
//! can edit in a spreadsheet. [`load_dir`] parses and validates it and returns either the
//! scenario plus any warnings, or [`Diagnostics`] listing *every* problem with its file,
//! line, field and a hint. [`load_embedded`] does the same for the default Kazakhstan
//! scenario compiled into the binary, and [`load_flows`] reads a bare flows CSV.
//!
//! ```
//! let (scenario, warnings) = astana_scenario::load_embedded()?;
//! assert_eq!(scenario.focal, "KAZ");
//! assert!(scenario.sources.iter().any(|s| s.url.starts_with("https://")));
//! # let _ = warnings;
//! # Ok::<(), astana_scenario::Diagnostics>(())
//! ```
#![deny(missing_docs)]

mod corridor;
mod keys;
mod products;
mod skeleton;
mod tenure;
mod unvotes;
mod validate;

// The diagnostics and the CSV reader live in `astana-diag`, below this crate and the engines
// (the forum scheduler reads its folder with them); re-exported so every path stays valid.
use astana_diag as diag;
use astana_diag::decode;
pub use astana_diag::{read_text, table};
pub use astana_diag::{Diagnostic, Diagnostics, Locator, Severity, SHOWN};
pub use skeleton::{export_files, init_files, write_files, WriteError, UNVOTES_ALIGNMENT};
pub use unvotes::{read_unvotes, UnVotesError};

use astana_model::Scenario;
use std::path::{Path, PathBuf};

/// Where the files of a scenario come from.
enum Files {
    Embedded,
    Dir(PathBuf),
    Memory(Vec<(String, String)>),
}

const EMBEDDED: &[(&str, &str)] = &[
    (
        "scenario.toml",
        include_str!("../../../data/scenarios/kazakhstan/scenario.toml"),
    ),
    (
        "sources.csv",
        include_str!("../../../data/scenarios/kazakhstan/sources.csv"),
    ),
    (
        "flows.csv",
        include_str!("../../../data/scenarios/kazakhstan/flows.csv"),
    ),
    (
        "products.csv",
        include_str!("../../../data/scenarios/kazakhstan/products.csv"),
    ),
    (
        "memberships.csv",
        include_str!("../../../data/scenarios/kazakhstan/memberships.csv"),
    ),
    (
        "alignment.csv",
        include_str!("../../../data/scenarios/kazakhstan/alignment.csv"),
    ),
    (
        "power/unsc.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc.toml"),
    ),
    (
        "power/unsc-au-2005-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-au-2005-q15.toml"),
    ),
    (
        "power/unsc-au-2005-q16.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-au-2005-q16.toml"),
    ),
    (
        "power/unsc-g4-2005-q14.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-g4-2005-q14.toml"),
    ),
    (
        "power/unsc-g4-2005-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-g4-2005-q15.toml"),
    ),
    (
        "power/unsc-g4-2005-review-veto-q14.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-g4-2005-review-veto-q14.toml"),
    ),
    (
        "power/unsc-g4-2005-review-veto-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-g4-2005-review-veto-q15.toml"),
    ),
    (
        "power/unsc-g4-2024-25-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-g4-2024-25-q15.toml"),
    ),
    (
        "power/unsc-g4-2024-26-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-g4-2024-26-q15.toml"),
    ),
    (
        "power/unsc-g4-2024-26-q16.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-g4-2024-26-q16.toml"),
    ),
    (
        "power/unsc-hlp-a-q14.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-hlp-a-q14.toml"),
    ),
    (
        "power/unsc-hlp-a-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-hlp-a-q15.toml"),
    ),
    (
        "power/unsc-hlp-b-q14.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-hlp-b-q14.toml"),
    ),
    (
        "power/unsc-hlp-b-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-hlp-b-q15.toml"),
    ),
    (
        "power/unsc-ufc-2005-q14.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-ufc-2005-q14.toml"),
    ),
    (
        "power/unsc-ufc-2005-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-ufc-2005-q15.toml"),
    ),
    (
        "power/unsc-ufc-2024-q15.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-ufc-2024-q15.toml"),
    ),
    (
        "power/unsc-ufc-2024-q16.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-ufc-2024-q16.toml"),
    ),
    (
        "power/sco.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/sco.toml"),
    ),
    (
        "power/cica.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/cica.toml"),
    ),
    (
        "power/ots.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/ots.toml"),
    ),
    (
        "power/tenure.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/tenure.toml"),
    ),
    (
        "negotiation/trans-caspian.toml",
        include_str!("../../../data/scenarios/kazakhstan/negotiation/trans-caspian.toml"),
    ),
    (
        "corridor/nodes.csv",
        include_str!("../../../data/scenarios/kazakhstan/corridor/nodes.csv"),
    ),
    (
        "corridor/links.csv",
        include_str!("../../../data/scenarios/kazakhstan/corridor/links.csv"),
    ),
    (
        "corridor/volumes.csv",
        include_str!("../../../data/scenarios/kazakhstan/corridor/volumes.csv"),
    ),
    (
        "forum/forum.toml",
        include_str!("../../../data/scenarios/kazakhstan/forum/forum.toml"),
    ),
    (
        "forum/rooms.csv",
        include_str!("../../../data/scenarios/kazakhstan/forum/rooms.csv"),
    ),
    (
        "forum/participants.csv",
        include_str!("../../../data/scenarios/kazakhstan/forum/participants.csv"),
    ),
    (
        "forum/requests.csv",
        include_str!("../../../data/scenarios/kazakhstan/forum/requests.csv"),
    ),
    (
        "forum/panels.csv",
        include_str!("../../../data/scenarios/kazakhstan/forum/panels.csv"),
    ),
];

impl Files {
    fn read(&self, name: &str) -> Result<String, Diagnostic> {
        match self {
            Files::Embedded => EMBEDDED
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, t)| (*t).to_string())
                .ok_or_else(|| {
                    Diagnostic::error(name, "not part of the embedded scenario")
                        .hint("use --scenario DIR to load a scenario folder")
                }),
            Files::Memory(files) => files
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, t)| t.clone())
                .ok_or_else(|| Diagnostic::error(name, "file not found")),
            Files::Dir(dir) => read_text(&dir.join(name), name),
        }
    }
}

/// A scenario that loaded, with the warnings found on the way.
pub type Loaded = (Scenario, Diagnostics);

/// Loads and validates the scenario in folder `dir`.
///
/// # Errors
/// Every problem found, errors and warnings alike, when at least one is an error.
pub fn load_dir(dir: &Path) -> Result<Loaded, Diagnostics> {
    validate::load(&Files::Dir(dir.to_path_buf()))
}

/// Loads the default Kazakhstan scenario compiled into the binary.
///
/// # Errors
/// As [`load_dir`]; the embedded scenario is checked by the test suite, so this fails only
/// if the build embedded a broken file.
pub fn load_embedded() -> Result<Loaded, Diagnostics> {
    validate::load(&Files::Embedded)
}

/// Reads a bare flows CSV (`--flows FILE`): the columns `year,reporter,partner,flow,
/// value_usd,source` and optionally `period,estimate,note`. Its `source` is free text.
///
/// # Errors
/// Every problem found, with line and field.
pub fn load_flows(path: &Path) -> Result<Loaded, Diagnostics> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path)
        .map_err(|e| Diagnostics(vec![Diagnostic::error(&name, format!("cannot read: {e}"))]))?;
    let text = decode(&name, bytes).map_err(|d| Diagnostics(vec![d]))?;
    validate::load_bare_flows(&name, &text)
}

/// [`load_flows`] on text already in memory (e.g. a DataFrame written as CSV by the Python
/// package); `name` is how errors name it.
///
/// # Errors
/// As [`load_flows`].
pub fn load_flows_text(name: &str, text: &str) -> Result<Loaded, Diagnostics> {
    validate::load_bare_flows(name, text)
}

/// The files of the embedded default scenario (relative path → text), e.g. to seed a
/// server's store or to write them out for editing.
pub fn embedded_files() -> &'static [(&'static str, &'static str)] {
    EMBEDDED
}

/// Loads a scenario from uploaded files (relative path → bytes): invalid UTF-8 is a
/// located error, like in a folder.
///
/// # Errors
/// As [`load_dir`].
pub fn load_from_bytes(files: &[(String, Vec<u8>)]) -> Result<Loaded, Diagnostics> {
    let mut texts = Vec::with_capacity(files.len());
    let mut bad = Vec::new();
    for (name, bytes) in files {
        match decode(name, bytes.clone()) {
            Ok(t) => texts.push((name.clone(), t)),
            Err(d) => bad.push(d),
        }
    }
    if !bad.is_empty() {
        return Err(Diagnostics(bad));
    }
    validate::load(&Files::Memory(texts))
}

/// Loads a scenario from in-memory files (name → text), for tests and tools.
///
/// # Errors
/// As [`load_dir`].
pub fn load_from_memory(files: &[(&str, &str)]) -> Result<Loaded, Diagnostics> {
    let files = files
        .iter()
        .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
        .collect();
    validate::load(&Files::Memory(files))
}

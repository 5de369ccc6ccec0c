//! Multi-issue negotiation for mediators: GENIUS/ANAC XML and native TOML domains with
//! additive utilities, the Pareto frontier of the rational outcomes, the Nash,
//! Kalai–Smorodinsky, egalitarian and welfare settlements, and two protocols: stacked
//! alternating offers between time-dependent agents, and a mediator's single negotiating
//! text for any number of parties.

pub mod analysis;
pub mod count;
pub mod domain;
pub mod error;
pub mod genius;
pub mod native;
pub mod protocol;
pub mod search;

pub use analysis::{
    analyze, analyze_with, pareto, Analysis, Limits, Method, Point, Progress, Settlement,
};
pub use count::Count;
pub use domain::{Issue, Negotiation, Profile};
pub use error::{DomainError, DomainErrors};
pub use protocol::{
    alternating_offers, single_text, single_text_cost, Session, Strategy, TextStep,
};

use std::path::Path;

fn read_text(path: &Path) -> Result<String, DomainErrors> {
    std::fs::read_to_string(path).map_err(|e| {
        DomainErrors(vec![DomainError::new(
            &path.display().to_string(),
            (0, 0),
            "file",
            format!("cannot read: {e}"),
        )])
    })
}

/// Opens a negotiation: a native TOML domain (`.toml`, no profiles), a GENIUS domain XML
/// with its profile XMLs, or a GENIUS folder (the domain and profiles told apart by their
/// root elements, `*pareto.xml` skipped, profiles in file-name order).
///
/// # Errors
/// Every problem in every file, located.
pub fn open(domain: &Path, profiles: &[&Path]) -> Result<Negotiation, DomainErrors> {
    let name = domain.display().to_string();
    if domain.is_dir() {
        if !profiles.is_empty() {
            return Err(DomainErrors(vec![DomainError::new(
                &name,
                (0, 0),
                "--profile",
                "a folder brings its own profiles; give --profile only with a domain file".into(),
            )]));
        }
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(domain)
            .map_err(|e| {
                DomainErrors(vec![DomainError::new(
                    &name,
                    (0, 0),
                    "folder",
                    format!("cannot read: {e}"),
                )])
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x.eq_ignore_ascii_case("xml"))
                    && !p.to_string_lossy().to_lowercase().ends_with("pareto.xml")
            })
            .collect();
        files.sort();
        let mut domain_file = None;
        let mut profile_files = Vec::new();
        for f in files {
            let text = read_text(&f)?;
            if text.contains("<negotiation_template") {
                domain_file = Some((f, text));
            } else if text.contains("<utility_space") {
                profile_files.push((f, text));
            }
        }
        let Some((df, dt)) = domain_file else {
            return Err(DomainErrors(vec![DomainError::new(
                &name,
                (0, 0),
                "folder",
                "no domain file (root element <negotiation_template>) in the folder".into(),
            )]));
        };
        let dn = df.display().to_string();
        let names: Vec<String> = profile_files
            .iter()
            .map(|(p, _)| p.display().to_string())
            .collect();
        let refs: Vec<(&str, &str)> = names
            .iter()
            .zip(&profile_files)
            .map(|(n, (_, t))| (n.as_str(), t.as_str()))
            .collect();
        let mut neg = genius::read((&dn, &dt), &refs)?;
        if let Some(folder) = domain.file_name().and_then(|s| s.to_str()) {
            neg.name = folder.to_string();
        }
        return Ok(neg);
    }
    let text = read_text(domain)?;
    if domain
        .extension()
        .is_some_and(|x| x.eq_ignore_ascii_case("toml"))
    {
        if !profiles.is_empty() {
            return Err(DomainErrors(vec![DomainError::new(
                &name,
                (0, 0),
                "--profile",
                "a TOML domain holds its parties; give --profile only with a GENIUS domain XML"
                    .into(),
            )]));
        }
        return native::read(&name, &text);
    }
    let mut texts = Vec::new();
    for p in profiles {
        texts.push((p.display().to_string(), read_text(p)?));
    }
    let refs: Vec<(&str, &str)> = texts
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    genius::read((&name, &text), &refs)
}

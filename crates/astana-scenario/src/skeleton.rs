//! `scenario export` (the embedded scenario as files) and `scenario init` (a skeleton for
//! any country, pre-filled from the data astana holds), and writing either to a folder.

use crate::diag::{Diagnostic, Diagnostics};
use astana_model::iso;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Files of the default scenario's folder that the loader does not read: its README and
/// the examples next to the listed files. Exported with [`crate::embedded_files`], so the
/// export is the whole folder.
const EXTRA: &[(&str, &str)] = &[
    (
        "README.md",
        include_str!("../../../data/scenarios/kazakhstan/README.md"),
    ),
    (
        "power/README.md",
        include_str!("../../../data/scenarios/kazakhstan/power/README.md"),
    ),
    (
        "power/eu27.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/eu27.toml"),
    ),
    (
        "power/unsc-procedural.toml",
        include_str!("../../../data/scenarios/kazakhstan/power/unsc-procedural.toml"),
    ),
    (
        "negotiation/README.md",
        include_str!("../../../data/scenarios/kazakhstan/negotiation/README.md"),
    ),
];

/// Every UN member's per-year voting counts against a fixed set of partners (CHN, DEU,
/// RUS, USA), derived from the roll-call data by `scripts/unvotes-alignment.sh`; sorted by
/// country, then year and partner. The roll calls themselves are not part of the project.
pub const UNVOTES_ALIGNMENT: &str = include_str!("../../../data/unvotes/alignment.csv");

/// The source id of the derived alignment rows (the brief cites it by this id).
const UNVOTES_SOURCE: &str = "unvotes-voeten";

/// The files of `astana scenario export`: the embedded default scenario's whole folder
/// (relative path → text), README included.
pub fn export_files() -> Vec<(String, String)> {
    crate::EMBEDDED
        .iter()
        .chain(EXTRA)
        .map(|(n, t)| ((*n).to_string(), (*t).to_string()))
        .collect()
}

/// The files of `astana scenario init --country ISO3`: a skeleton scenario for `country`
/// that loads without errors, its warnings naming what is missing.
///
/// Pre-filled from the data astana holds: the country's name; the blocs and memberships of
/// the default scenario that list it (every member of those organisations, so counts stay
/// right); its UN voting alignment rows from [`UNVOTES_ALIGNMENT`]; the `sources.csv` rows
/// these use. `flows.csv` is empty, with a comment per column, and `README.md` is a
/// checklist of what to fill in.
///
/// # Errors
/// `country` is not an ISO 3166-1 alpha-3 code (the hint suggests close ones).
pub fn init_files(country: &str) -> Result<Vec<(String, String)>, Diagnostic> {
    let code = country.trim().to_ascii_uppercase();
    let Some(c) = iso::country(&code) else {
        let typed = country.trim();
        // A country's name is a common slip: suggest its code ("Indonesia" → IDN).
        let by_name: Vec<&str> = iso::countries()
            .iter()
            .filter(|c| {
                typed.len() >= 3
                    && [c.name, c.short_name()]
                        .iter()
                        .any(|n| n.to_lowercase().contains(&typed.to_lowercase()))
            })
            .map(|c| c.alpha3)
            .collect();
        let close = if typed.is_empty() {
            Vec::new()
        } else if by_name.is_empty() {
            iso::suggestions(typed)
        } else {
            by_name
        };
        let hint = match close.as_slice() {
            [] => "use an ISO 3166-1 alpha-3 code such as IDN, BRA or KOR".to_string(),
            s => format!(
                "did you mean {}?",
                s.iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(" or ")
            ),
        };
        return Err(Diagnostic::error(
            "--country",
            format!("unknown ISO3 code `{}`", shown(country)),
        )
        .hint(hint));
    };
    let (base, _) = crate::load_embedded().map_err(|d| {
        Diagnostic::error(
            "scenario.toml",
            format!("the embedded scenario is broken: {d}"),
        )
    })?;
    let name = c.short_name();
    let mut used: Vec<&str> = Vec::new();

    // Blocs: the EU (a vector) and every bloc of the default scenario that lists the country.
    let blocs: Vec<_> = base
        .blocs
        .iter()
        .filter(|b| b.id == "EU27" || b.members.contains(&code))
        .collect();
    used.extend(blocs.iter().map(|b| b.source.as_str()));

    // Memberships: every row of the organisations that list the country.
    let mut orgs: Vec<&str> = Vec::new();
    for m in base.memberships.iter().filter(|m| m.iso3 == code) {
        if !orgs.contains(&m.organization.as_str()) {
            orgs.push(&m.organization);
        }
    }
    let mut memberships = csv_writer();
    write_row(
        &mut memberships,
        &[
            "organization",
            "country",
            "iso3",
            "status",
            "since",
            "until",
            "source",
        ],
    );
    for m in base
        .memberships
        .iter()
        .filter(|m| orgs.contains(&m.organization.as_str()))
    {
        write_row(
            &mut memberships,
            &[
                &m.organization,
                &m.country,
                &m.iso3,
                &m.status,
                &m.since,
                &m.until,
                &m.source,
            ],
        );
        used.push(&m.source);
    }

    // UN voting alignment: the country's rows of the derived table.
    let mut alignment = String::from("year,country,partner,roll_calls,identical,half,source\n");
    let mut partners: Vec<&str> = Vec::new();
    for line in UNVOTES_ALIGNMENT.lines().skip(1) {
        let mut f = line.split(',');
        if f.nth(1) == Some(code.as_str()) {
            if let Some(p) = f.next() {
                if !partners.contains(&p) {
                    partners.push(p);
                }
            }
            let _ = writeln!(alignment, "{line},{UNVOTES_SOURCE}");
        }
    }
    partners.sort_unstable();
    if !partners.is_empty() {
        used.push(UNVOTES_SOURCE);
    }

    // Sources: the rows used, in the default scenario's order.
    let mut sources = csv_writer();
    write_row(
        &mut sources,
        &["id", "title", "publisher", "url", "published", "note"],
    );
    for s in base
        .sources
        .iter()
        .filter(|s| used.contains(&s.id.as_str()))
    {
        let note = if s.id == UNVOTES_SOURCE {
            format!(
                "Derived table: counts per year of roll calls where both countries voted, identical votes, and votes where exactly one abstained. The rows of {code} in astana's data/unvotes/alignment.csv (regenerated by scripts/unvotes-alignment.sh); recompute with: astana balance alignment --country {code} --with {} --from 1946 --to 2019 --unvotes DIR --write-table alignment.csv",
                partners.join(",")
            )
        } else {
            s.note.clone()
        };
        write_row(
            &mut sources,
            &[&s.id, &s.title, &s.publisher, &s.url, &s.published, &note],
        );
    }

    let vectors: Vec<String> = ["CHN", "RUS", "EU27", "USA"]
        .iter()
        .filter(|v| **v != code)
        .map(|v| format!("\"{v}\""))
        .collect();
    let rollup: Vec<String> = blocs.iter().map(|b| format!("\"{}\"", b.id)).collect();
    let mut toml = format!(
        r#"# A skeleton scenario for {name}, written by `astana scenario init --country {code}`.
# Pre-filled from the data astana holds: the blocs and memberships that list {code}, and its
# UN General Assembly voting alignment. README.md lists what to fill in; run
# `astana scenario check DIR` after every change (its warnings name what is still missing).

name = {name_q}
focal = "{code}"
# The year of the brief's balance section: set it to the latest year of your flows.
default_year = {year}
description = """
A skeleton scenario for {name}: memberships and UN voting alignment are pre-filled from \
the data astana holds; trade flows, voting games, a negotiation domain, a forum and a \
corridor network are still to be added."""

# The country's main partners, shown first in charts and tables.
vectors = [{vectors}]

# Bloc ids whose members are merged, in this order, for the bloc roll-up.
rollup = [{rollup}]

[files]
sources = "sources.csv"
flows = "flows.csv"
memberships = "memberships.csv"
alignment = "alignment.csv"
# Add these as you write them (`astana scenario export DIR` gives complete examples):
# power = ["power/unsc.toml"]                 # voting games (astana power FILE)
# tenure = "power/tenure.toml"                # regional groups and seats per rule
# negotiation = ["negotiation/domain.toml"]   # negotiation domains (astana mediate)
# corridor_nodes = "corridor/nodes.csv"       # the freight corridor network
# corridor_links = "corridor/links.csv"
# volumes = "corridor/volumes.csv"
# forum = "forum"                             # an example forum (astana forum)
"#,
        name_q = toml_string(name),
        year = base.default_year,
        vectors = vectors.join(", "),
        rollup = rollup.join(", "),
    );
    for b in &blocs {
        // Twelve members a line, as in the default scenario.
        let members: Vec<String> = b
            .members
            .chunks(12)
            .map(|c| {
                c.iter()
                    .map(|m| format!("\"{m}\""))
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .collect();
        let _ = write!(
            toml,
            "\n[blocs.{}]\nname = {}\nsource = {}\nmembers = [{}]\n",
            b.id,
            toml_string(&b.name),
            toml_string(&b.source),
            members.join(",\n           ")
        );
    }

    let mut files = vec![
        ("scenario.toml".to_string(), toml),
        ("sources.csv".to_string(), finish(sources)),
        ("flows.csv".to_string(), flows_template(&code)),
        ("memberships.csv".to_string(), finish(memberships)),
        ("alignment.csv".to_string(), alignment),
    ];
    // The checklist is what the loader warns about: the same list, worded for a reader.
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let gaps = match crate::load_from_memory(&texts) {
        Ok((s, _)) => s.gaps(),
        Err(d) => {
            return Err(Diagnostic::error(
                "scenario.toml",
                format!("the skeleton for {code} does not load: {d}"),
            ))
        }
    };
    let readme = checklist(name, &code, &partners, &orgs, &gaps);
    files.push(("README.md".to_string(), readme));
    Ok(files)
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new().from_writer(Vec::new())
}

fn write_row(w: &mut csv::Writer<Vec<u8>>, fields: &[&str]) {
    // Writing to memory cannot fail.
    let _ = w.write_record(fields);
}

fn finish(w: csv::Writer<Vec<u8>>) -> String {
    w.into_inner()
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .unwrap_or_default()
}

/// A TOML basic string.
fn toml_string(s: &str) -> String {
    let mut out = String::from('"');
    for ch in s.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// An empty flows table: the header, then a comment per column.
fn flows_template(code: &str) -> String {
    format!(
        "year,period,reporter,partner,flow,value_usd,estimate,source,note
# One published figure per row; lines starting with # are comments. Columns:
# year: the calendar year of the figure, e.g. 2023
# period: FY for the full year; Q1..Q4, H1, H2, or a month range such as Jan-Sep
# reporter: whose statistics these are: {code} for its own; the partner's ISO3 for a mirror figure
# partner: an ISO3 code, a bloc id of scenario.toml (e.g. EU27), or WLD for the reporter's world total
# flow: exports, imports, turnover, fdi_inflow (gross) or fdi_net_inflow
# value_usd: the value in current US dollars, a plain number, never negative
# estimate: yes when you derived the value (say how in note), else no
# source: the id of the row of sources.csv that publishes the figure
# note: free text: how an estimate was made, caveats
"
    )
}

fn checklist(
    name: &str,
    code: &str,
    partners: &[&str],
    orgs: &[&str],
    gaps: &[astana_model::Gap],
) -> String {
    let mut s = format!(
        "# {name} ({code}): a skeleton astana scenario

Written by `astana scenario init --country {code}`. Use it with `--scenario DIR`, e.g.
`astana brief --scenario DIR`; run `astana scenario check DIR` after every change.

## Pre-filled from the data astana holds

- `scenario.toml`: name, focal country, vectors (CHN, RUS, EU27, USA), and the blocs of the
  default scenario that list {code} (with the EU, a vector).
- `memberships.csv`: {}.
- `alignment.csv`: {}.
- `sources.csv`: the rows these cite.

Check them: the default scenario's tables cover the organisations of its own region.

## To fill in

",
        if orgs.is_empty() {
            "none: no organisation in astana's tables lists this country".to_string()
        } else {
            format!("the organisations that list {code}: {}", orgs.join(", "))
        },
        if partners.is_empty() {
            "none: the country has no roll calls in the UN voting data (1946–2019)".to_string()
        } else {
            format!(
                "UN General Assembly voting against {} per year, derived from the roll-call data (source `unvotes-voeten`)",
                partners.join(", ")
            )
        },
    );
    for g in gaps {
        let _ = writeln!(
            s,
            "- [ ] **{}** (`{}`, `{}`): {}. To do: {}.",
            g.title, g.file, g.field, g.why, g.fill
        );
    }
    s.push_str(
        "- [ ] `description` and `default_year` in `scenario.toml`.
- [ ] Every new row names a source: add it to `sources.csv` (id, title, publisher, URL,
  publication date, note); mark derived values `estimate = yes` and say how in the note.

`astana scenario export DIR` writes the default scenario, a complete example of every file.
",
    );
    s
}

/// Why [`write_files`] failed.
#[derive(Debug)]
pub enum WriteError {
    /// Files that already exist (the caller did not ask to overwrite): bad usage.
    Exists(Diagnostics),
    /// The folder or a file could not be written.
    Io(Diagnostic),
}

/// Writes `files` (relative path → text) under `dir`, creating folders. Without `force`,
/// writes nothing if any of them exists, and names every one that does.
///
/// # Errors
/// [`WriteError::Exists`] for existing files without `force`; [`WriteError::Io`] when a
/// folder or file cannot be written.
pub fn write_files(
    dir: &Path,
    files: &[(String, String)],
    force: bool,
) -> Result<Vec<PathBuf>, WriteError> {
    let paths: Vec<PathBuf> = files.iter().map(|(n, _)| dir.join(n)).collect();
    if !force {
        let existing: Vec<Diagnostic> = paths
            .iter()
            .filter(|p| p.exists())
            .map(|p| {
                Diagnostic::error(&p.display().to_string(), "already exists")
                    .hint("pass --force to overwrite it, or choose another folder")
            })
            .collect();
        if !existing.is_empty() {
            return Err(WriteError::Exists(Diagnostics(existing)));
        }
    }
    for (path, (_, text)) in paths.iter().zip(files) {
        let io = |e: std::io::Error| {
            WriteError::Io(Diagnostic::error(
                &path.display().to_string(),
                format!("cannot write: {e}"),
            ))
        };
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io)?;
        }
        std::fs::write(path, text).map_err(io)?;
    }
    Ok(paths)
}

/// The code as the message shows it: control characters escaped (a CR/LF must not rewrite
/// the terminal line) and clipped to 40 characters.
fn shown(code: &str) -> String {
    let mut out: String = code.chars().take(40).flat_map(char::escape_debug).collect();
    if code.chars().count() > 40 {
        out.push('…');
    }
    out
}

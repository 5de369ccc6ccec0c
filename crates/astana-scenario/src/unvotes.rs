//! Reader for UN General Assembly roll-call data in the layout of the R package `unvotes`
//! (`roll_calls.csv`, `votes.csv`; ISO alpha-2 codes, converted here to alpha-3).

use crate::diag::{Diagnostic, Diagnostics};
use crate::table;
use astana_model::iso;
use astana_model::unvotes::{RollCall, UnVotes, Vote, VoteRecord};
use std::collections::BTreeMap;
use std::path::Path;

/// The error of [`read_unvotes`]: every problem found, with file and line.
pub type UnVotesError = Diagnostics;

/// Reads `roll_calls.csv` and `votes.csv` from `dir`.
///
/// # Errors
/// A missing file, or every malformed row with its line and field.
pub fn read_unvotes(dir: &Path) -> Result<UnVotes, UnVotesError> {
    let mut diags = Diagnostics::default();
    let read = |name: &str| {
        let bytes = std::fs::read(dir.join(name)).map_err(|e| {
            Diagnostics(vec![Diagnostic::error(
                name,
                format!("cannot read `{}`: {e}", dir.join(name).display()),
            )
            .hint(
                "pass --unvotes DIR with the unvotes CSV files, or set ASTANA_REFERENCE_DIR",
            )])
        })?;
        crate::decode(name, bytes).map_err(|d| Diagnostics(vec![d]))
    };
    let rc_text = read("roll_calls.csv")?;
    let votes_text = read("votes.csv")?;

    let mut roll_calls = Vec::new();
    table::read(
        "roll_calls.csv",
        &rc_text,
        &["rcid", "date"],
        &[
            "session",
            "importantvote",
            "unres",
            "amend",
            "para",
            "short",
            "descr",
        ],
        &mut diags,
        |row, diags| {
            let rcid = row.get("rcid").parse::<u32>();
            let year = row.get("date").get(..4).and_then(|y| y.parse::<i32>().ok());
            match (rcid, year) {
                (Ok(rcid), Some(year)) => roll_calls.push(RollCall {
                    rcid,
                    year,
                    important: row.get("importantvote") == "1",
                }),
                (Err(_), _) => diags.push(
                    Diagnostic::error("roll_calls.csv", "not a roll-call id")
                        .at_line(row.line)
                        .field("rcid"),
                ),
                (_, None) => diags.push(
                    Diagnostic::error("roll_calls.csv", "not a date (YYYY-MM-DD)")
                        .at_line(row.line)
                        .field("date"),
                ),
            }
        },
    );

    // votes.csv is large (~870k rows): byte records and a table of alpha-2 codes.
    let mut alpha3_of: Vec<Option<Option<&'static str>>> = vec![None; 26 * 26];
    let mut skipped: BTreeMap<String, usize> = BTreeMap::new();
    let mut votes = Vec::new();
    let mut rdr = csv::Reader::from_reader(votes_text.as_bytes());
    match rdr.headers() {
        Ok(h) if h.iter().eq(["rcid", "country_code", "vote"]) => {}
        _ => {
            diags.push(
                Diagnostic::error("votes.csv", "expected the header `rcid,country_code,vote`")
                    .at_line(1),
            );
            return Err(diags);
        }
    }
    let mut rec = csv::ByteRecord::new();
    loop {
        match rdr.read_byte_record(&mut rec) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, |p| p.line() as usize);
                diags.push(Diagnostic::error("votes.csv", e.to_string()).at_line(line));
                break;
            }
        }
        let line = rec.position().map_or(0, |p| p.line() as usize);
        let field = |i| std::str::from_utf8(rec.get(i).unwrap_or(b"")).unwrap_or("");
        let Ok(rcid) = field(0).parse::<u32>() else {
            diags.push(
                Diagnostic::error("votes.csv", "not a roll-call id")
                    .at_line(line)
                    .field("rcid"),
            );
            continue;
        };
        let code = field(1);
        let alpha3 = match code.as_bytes() {
            [a @ b'A'..=b'Z', b @ b'A'..=b'Z'] => {
                let i = usize::from(a - b'A') * 26 + usize::from(b - b'A');
                *alpha3_of[i].get_or_insert_with(|| iso::alpha2_to_alpha3(code))
            }
            _ => None,
        };
        let vote = match field(2) {
            "yes" => Vote::Yes,
            "no" => Vote::No,
            "abstain" => Vote::Abstain,
            other => {
                diags.push(
                    Diagnostic::error("votes.csv", format!("unknown vote `{other}`"))
                        .at_line(line)
                        .field("vote")
                        .hint("expected yes, no or abstain"),
                );
                continue;
            }
        };
        match alpha3 {
            Some(country) => votes.push(VoteRecord {
                rcid,
                country,
                vote,
            }),
            None => *skipped.entry(code.to_string()).or_default() += 1,
        }
    }
    if diags.errors() > 0 {
        return Err(diags);
    }
    Ok(UnVotes {
        roll_calls,
        votes,
        skipped_codes: skipped.into_iter().collect(),
    })
}

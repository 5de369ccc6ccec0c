//! Integration tests for the scenario loader: the embedded scenario, a minimal valid
//! fixture, one broken fixture per kind of error (with the Display text of the diagnostics
//! snapshotted), a fixture with many errors across files, and inputs that must not panic.

use astana_scenario::{load_dir, load_embedded, load_from_memory, Diagnostic, Diagnostics};
use std::path::{Path, PathBuf};

mod flows_text;
mod forum;
mod hostile;
mod products;
mod skeleton;
mod turkiye;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Loads a broken fixture and returns its diagnostics; fails if it loads.
fn broken(name: &str) -> Diagnostics {
    match load_dir(&fixture(name)) {
        Ok((s, w)) => panic!(
            "fixture `{name}` loaded ({} flows), warnings:\n{w}",
            s.flows.len()
        ),
        Err(d) => d,
    }
}

/// The errors as (file, line, field) for compact assertions.
fn places(d: &Diagnostics) -> Vec<(String, Option<usize>, Option<String>)> {
    d.0.iter()
        .filter(|x| x.is_error())
        .map(|x| (x.file.clone(), x.line, x.field.clone()))
        .collect()
}

fn only_error(d: &Diagnostics) -> &Diagnostic {
    assert_eq!(d.errors(), 1, "expected exactly one error:\n{d}");
    d.0.iter()
        .find(|x| x.is_error())
        .expect("one error was counted")
}

fn place(file: &str, line: usize, field: &str) -> (String, Option<usize>, Option<String>) {
    (file.to_string(), Some(line), Some(field.to_string()))
}

// ---------------------------------------------------------------------------------------
// Scenarios that load

#[test]
fn embedded_scenario_loads_without_errors() {
    let (s, warnings) = match load_embedded() {
        Ok(x) => x,
        Err(d) => panic!("{d}"),
    };
    assert_eq!(warnings.errors(), 0);
    assert_eq!(s.focal, "KAZ");
    assert!(s.flows.len() > 50);
    assert!(!s.alignment.is_empty());
    // Every data row resolves its source.
    for f in &s.flows {
        assert!(s.source(&f.source).is_some(), "{f:?}");
    }
}

#[test]
fn kazakhstan_folder_equals_embedded_scenario() {
    let dir = workspace_root().join("data/scenarios/kazakhstan");
    let from_dir = match load_dir(&dir) {
        Ok(x) => x,
        Err(d) => panic!("{d}"),
    };
    let embedded = match load_embedded() {
        Ok(x) => x,
        Err(d) => panic!("{d}"),
    };
    assert_eq!(from_dir, embedded);
}

#[test]
fn valid_fixture_loads() {
    let (s, warnings) = match load_dir(&fixture("valid")) {
        Ok(x) => x,
        Err(d) => panic!("{d}"),
    };
    // Minimal: the only warnings are the parts of the brief it has no data for.
    let parts: Vec<&str> = s.gaps().iter().map(|g| g.part).collect();
    assert_eq!(
        parts,
        ["products", "power", "negotiation", "forum", "corridor"]
    );
    assert_eq!(warnings.errors(), 0, "{warnings}");
    assert_eq!(warnings.warnings(), parts.len(), "{warnings}");
    assert_eq!(s.name, "Minimal");
    assert_eq!(s.focal, "KAZ");
    assert_eq!(s.default_year, 2023);
    assert_eq!(s.sources.len(), 2);
    assert_eq!(s.flows.len(), 6);
    assert_eq!(s.blocs.len(), 1);
    assert_eq!(s.blocs[0].members, ["DEU", "FRA", "ITA"]);
    assert_eq!(s.rollup, ["EU27"]);
    assert_eq!(s.vectors, ["CHN", "RUS", "EU27"]);
    assert_eq!(s.memberships.len(), 2);
    assert_eq!(s.alignment.len(), 2);
    let total = s
        .flows
        .iter()
        .find(|f| f.partner == "WLD")
        .expect("a world total");
    assert!(total.estimate);
    assert_eq!(total.value_usd, 120e9);
    assert_eq!(total.note, "ESTIMATE: test total");
    let q1 = s
        .flows
        .iter()
        .find(|f| f.partner == "EU27")
        .expect("a bloc row");
    assert_eq!(q1.period.to_string(), "Q1");
}

// ---------------------------------------------------------------------------------------
// One broken fixture per kind of error. Each asserts the place of the error, then
// snapshots the whole Display text a user sees.

#[test]
fn unknown_iso3_in_reporter_and_partner() {
    let d = broken("unknown_iso3");
    assert_eq!(
        places(&d),
        [
            place("flows.csv", 2, "partner"),
            place("flows.csv", 4, "reporter")
        ]
    );
    let text = d.to_string();
    assert!(text.contains("unknown ISO3 code `CHA`"), "{text}");
    assert!(text.contains("unknown ISO3 code `KZX`"), "{text}");
    insta::assert_snapshot!("unknown_iso3", text);
}

#[test]
fn unresolved_source_id() {
    let d = broken("unresolved_source");
    let e = only_error(&d);
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_deref()),
        ("flows.csv", Some(5), Some("source"))
    );
    assert!(e.message.contains("stats-office"));
    insta::assert_snapshot!("unresolved_source", d.to_string());
}

#[test]
fn negative_value() {
    let d = broken("negative_value");
    let e = only_error(&d);
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_deref()),
        ("flows.csv", Some(4), Some("value_usd"))
    );
    assert!(e.message.contains("negative"));
    insta::assert_snapshot!("negative_value", d.to_string());
}

#[test]
fn duplicate_row() {
    let d = broken("duplicate_row");
    let e = only_error(&d);
    assert_eq!((e.file.as_str(), e.line), ("flows.csv", Some(5)));
    assert!(e.message.contains("duplicate row"));
    assert!(
        e.hint.as_deref().is_some_and(|h| h.contains("line 4")),
        "the hint names the first line: {e}"
    );
    insta::assert_snapshot!("duplicate_row", d.to_string());
}

#[test]
fn unknown_bloc_member_has_line_column_and_caret() {
    let d = broken("unknown_bloc_member");
    let e = only_error(&d);
    assert_eq!(e.file, "scenario.toml");
    assert_eq!(e.field.as_deref(), Some("blocs.EU27.members"));
    assert_eq!(e.line, Some(18));
    let col = e.column.expect("a column");
    let (line_text, width) = e.snippet.clone().expect("a snippet");
    assert_eq!(line_text, r#"members = ["DEU", "FRX", "ITA"]"#);
    // The caret points at the offending value.
    let pointed: String = line_text.chars().skip(col - 1).take(width).collect();
    assert!(pointed.contains("FRX"), "caret under `{pointed}`");
    let text = d.to_string();
    assert!(text.contains("scenario.toml:18:"), "{text}");
    assert!(text.contains('^'), "{text}");
    insta::assert_snapshot!("unknown_bloc_member", text);
}

#[test]
fn malformed_toml() {
    let d = broken("malformed_toml");
    let e = only_error(&d);
    assert_eq!(e.file, "scenario.toml");
    assert!(e.message.starts_with("malformed TOML"), "{e}");
    assert_eq!(e.line, Some(3));
    assert!(e.column.is_some() && e.snippet.is_some(), "{e}");
    insta::assert_snapshot!("malformed_toml", d.to_string());
}

#[test]
fn unknown_toml_field() {
    let d = broken("unknown_toml_field");
    let e = only_error(&d);
    assert_eq!(e.file, "scenario.toml");
    assert_eq!(e.field.as_deref(), Some("colour"), "{e}");
    assert_eq!(e.line, Some(5));
    insta::assert_snapshot!("unknown_toml_field", d.to_string());
}

#[test]
fn unknown_csv_column() {
    let d = broken("unknown_csv_column");
    let e = only_error(&d);
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_deref()),
        ("flows.csv", Some(1), Some("comment"))
    );
    assert!(e.hint.as_deref().is_some_and(|h| h.contains("value_usd")));
    insta::assert_snapshot!("unknown_csv_column", d.to_string());
}

#[test]
fn non_numeric_value() {
    let d = broken("non_numeric_value");
    let e = only_error(&d);
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_deref()),
        ("flows.csv", Some(5), Some("value_usd"))
    );
    assert!(e.message.contains("16.1bn"));
    insta::assert_snapshot!("non_numeric_value", d.to_string());
}

#[test]
fn bad_period() {
    let d = broken("bad_period");
    let e = only_error(&d);
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_deref()),
        ("flows.csv", Some(7), Some("period"))
    );
    assert!(e.message.contains("Q5"));
    insta::assert_snapshot!("bad_period", d.to_string());
}

#[test]
fn bad_year() {
    let d = broken("bad_year");
    let e = only_error(&d);
    assert_eq!(
        (e.file.as_str(), e.line, e.field.as_deref()),
        ("flows.csv", Some(5), Some("year"))
    );
    insta::assert_snapshot!("bad_year", d.to_string());
}

/// Errors in every file of one scenario are all reported in one pass, each with its
/// file, line and field.
#[test]
fn many_errors_are_all_reported_at_once() {
    let d = broken("many_errors");
    let mut got = places(&d);
    got.sort();
    let mut want = vec![
        place("scenario.toml", 18, "blocs.EU27.members"),
        place("sources.csv", 3, "url"),
        place("flows.csv", 2, "partner"),
        place("flows.csv", 4, "value_usd"),
        place("flows.csv", 5, "source"),
        place("flows.csv", 7, "period"),
        place("memberships.csv", 3, "iso3"),
        place("alignment.csv", 3, "identical"),
    ];
    want.sort();
    assert_eq!(got, want, "{d}");
    assert_eq!(d.errors(), 8);
    let text = d.to_string();
    assert!(text.ends_with("8 errors, 0 warnings"), "{text}");
    insta::assert_snapshot!("many_errors", text);
}

/// A corridor network with a malformed coordinate, a negative capacity, a link to an
/// unknown node and a node with no links: all four reported, each with file, line and
/// field.
#[test]
fn broken_corridor_network_is_reported_at_once() {
    let d = broken("broken_corridor");
    let mut got = places(&d);
    got.sort();
    let mut want = vec![
        place("corridor/nodes.csv", 3, "lon"),
        place("corridor/links.csv", 3, "capacity_teu_year"),
        place("corridor/links.csv", 4, "to"),
        place("corridor/nodes.csv", 5, "id"),
    ];
    want.sort();
    assert_eq!(got, want, "{d}");
    insta::assert_snapshot!("broken_corridor", d.to_string());
}

// ---------------------------------------------------------------------------------------
// Inputs that must produce diagnostics, never a panic.

const VALID_FILES: [&str; 5] = [
    "scenario.toml",
    "sources.csv",
    "flows.csv",
    "memberships.csv",
    "alignment.csv",
];

fn valid_files() -> Vec<(&'static str, String)> {
    VALID_FILES
        .iter()
        .map(|n| {
            let text = std::fs::read_to_string(fixture("valid").join(n)).expect("fixture file");
            (*n, text)
        })
        .collect()
}

/// Loads the valid fixture from memory with `name` replaced by `text`.
fn load_with(name: &str, text: &str) -> Result<astana_scenario::Loaded, Diagnostics> {
    let files = valid_files();
    let files: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (*n, if *n == name { text } else { t.as_str() }))
        .collect();
    load_from_memory(&files)
}

fn assert_reported(name: &str, r: &Result<astana_scenario::Loaded, Diagnostics>) {
    if let Err(d) = r {
        assert!(d.errors() > 0, "{name}: failed without an error");
        assert!(!d.to_string().is_empty());
        for e in &d.0 {
            // Every diagnostic names a file.
            assert!(!e.file.is_empty(), "{name}: {e}");
        }
    }
}

#[test]
fn load_from_memory_matches_load_dir() {
    let files = valid_files();
    let files: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let mem = load_from_memory(&files).expect("valid fixture from memory");
    let dir = load_dir(&fixture("valid")).expect("valid fixture");
    assert_eq!(mem, dir);
}

#[test]
fn empty_files_do_not_panic() {
    for name in VALID_FILES {
        let r = load_with(name, "");
        assert_reported(name, &r);
    }
    // An empty scenario.toml misses required keys.
    let d = load_with("scenario.toml", "").expect_err("empty scenario.toml");
    assert_eq!(d.0[0].file, "scenario.toml");
    // An empty sources.csv has no header at all.
    let d = load_with("sources.csv", "").expect_err("empty sources.csv");
    assert!(d.0.iter().any(|e| e.file == "sources.csv"), "{d}");
}

#[test]
fn header_only_files_do_not_panic() {
    for name in &VALID_FILES[1..] {
        let header = valid_files()
            .into_iter()
            .find(|(n, _)| n == name)
            .map(|(_, t)| t.lines().next().unwrap_or("").to_string() + "\n")
            .expect("fixture file");
        let r = load_with(name, &header);
        assert_reported(name, &r);
    }
    // With no flows the scenario still loads: there is nothing wrong in it.
    let (s, _) = load_with("flows.csv", "year,reporter,partner,flow,value_usd,source\n")
        .expect("a header-only flows file is valid");
    assert!(s.flows.is_empty());
    // With no sources, the bloc and every row lose their source.
    let d = load_with("sources.csv", "id,title,publisher,url,published\n").expect_err("no sources");
    assert!(d.errors() >= 6, "{d}");
}

#[test]
fn binary_garbage_does_not_panic() {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("astana-scenario-garbage-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in valid_files() {
        std::fs::write(dir.join(name), text).unwrap();
    }
    // Deterministic pseudo-random bytes, including invalid UTF-8 and NULs.
    let mut seed = 0x2545_f491_4f6c_dd1d_u64;
    let garbage: Vec<u8> = (0..4096)
        .map(|_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed >> 24) as u8
        })
        .collect();
    for name in VALID_FILES {
        std::fs::write(dir.join(name), &garbage).unwrap();
        let d = load_dir(&dir).expect_err("garbage must not load");
        assert!(d.errors() > 0);
        assert!(d.0.iter().any(|e| e.file == name), "{name}: {d}");
        // Restore the file for the next round.
        let good = std::fs::read(fixture("valid").join(name)).unwrap();
        std::fs::write(dir.join(name), good).unwrap();
    }
    // Valid UTF-8 but meaningless text in every file at once.
    let lossy = String::from_utf8_lossy(&garbage).into_owned();
    for name in VALID_FILES {
        assert_reported(name, &load_with(name, &lossy));
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn too_many_fields_in_a_row() {
    let mut flows = valid_files()
        .into_iter()
        .find(|(n, _)| *n == "flows.csv")
        .map(|(_, t)| t)
        .unwrap();
    flows.push_str("2023,FY,KAZ,DEU,turnover,4000000000,no,stat,note,extra,more\n");
    let d = load_with("flows.csv", &flows).expect_err("too many fields");
    let e = only_error(&d);
    assert_eq!((e.file.as_str(), e.line), ("flows.csv", Some(8)));
    assert!(e.message.contains("11 fields"), "{e}");
}

#[test]
fn missing_file_is_reported_with_its_key() {
    let files = valid_files();
    let files: Vec<(&str, &str)> = files
        .iter()
        .filter(|(n, _)| *n != "flows.csv")
        .map(|(n, t)| (*n, t.as_str()))
        .collect();
    let d = load_from_memory(&files).expect_err("no flows.csv");
    let e = only_error(&d);
    assert_eq!(e.file, "flows.csv");
    assert_eq!(e.field.as_deref(), Some("files.flows"));
}

#[test]
fn bare_flows_file_loads() {
    let path = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("astana-scenario-bare-{}.csv", std::process::id()));
    std::fs::write(
        &path,
        "year,reporter,partner,flow,value_usd,source\n\
         2023,KAZ,CHN,turnover,31400000000,BNS\n\
         2023,KAZ,RUS,turnover,26000000000,free text is fine here\n",
    )
    .unwrap();
    let (s, w) = astana_scenario::load_flows(&path).expect("bare flows");
    assert_eq!(w.errors(), 0);
    assert_eq!(s.flows.len(), 2);
    assert!(s.focal.is_empty());
    assert_eq!(s.flows[1].source, "free text is fine here");
    let _ = std::fs::remove_file(&path);
}

/// Random byte-level damage to every file of the real scenario never panics the loader,
/// and whatever it reports names a file (a deterministic stand-in for a fuzzer).
#[test]
fn damaged_scenarios_never_panic() {
    let root =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/kazakhstan");
    let names = [
        "scenario.toml",
        "sources.csv",
        "flows.csv",
        "memberships.csv",
        "alignment.csv",
    ];
    let originals: Vec<Vec<u8>> = names
        .iter()
        .map(|n| std::fs::read(root.join(n)).expect("scenario file"))
        .collect();
    let mut seed = 0x9e37_79b9_7f4a_7c15_u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let alphabet = b",\"\n-0123456789.;xyzKAZWLD \t=[]{}#";
    for _ in 0..300 {
        let victim = (next() % names.len() as u64) as usize;
        let mut bytes = originals[victim].clone();
        for _ in 0..1 + next() % 8 {
            let at = (next() % bytes.len() as u64) as usize;
            match next() % 3 {
                0 => bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize],
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, alphabet[(next() % alphabet.len() as u64) as usize]),
            }
        }
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let files: Vec<(&str, String)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| {
                let t = if i == victim {
                    text.clone()
                } else {
                    String::from_utf8_lossy(&originals[i]).into_owned()
                };
                (*n, t)
            })
            .collect();
        let borrowed: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
        if let Err(d) = astana_scenario::load_from_memory(&borrowed) {
            assert!(d.0.iter().all(|x| !x.file.is_empty()));
        }
    }
}

/// A scenario's voting game files are validated with the rest, errors located.
#[test]
fn broken_game_file_is_reported_with_its_line() {
    let toml = "name = \"g\"\nfocal = \"KAZ\"\ndefault_year = 2023\n[files]\nsources = \"sources.csv\"\nflows = \"flows.csv\"\npower = [\"power/bad.toml\"]\n";
    let sources = "id,title,publisher,url,published,note\ns,t,p,https://example.org,2024,\n";
    let flows = "year,reporter,partner,flow,value_usd,source\n2023,KAZ,CHN,exports,1,s\n";
    let game = "rule = \"votes >= 2\"\n[[player]]\nid = \"A\"\nseats = 1\n";
    let errs = astana_scenario::load_from_memory(&[
        ("scenario.toml", toml),
        ("sources.csv", sources),
        ("flows.csv", flows),
        ("power/bad.toml", game),
    ])
    .expect_err("the game names an unknown weight");
    let shown = errs.to_string();
    assert!(shown.contains("power/bad.toml:1:9"), "{shown}");
    assert!(shown.contains("unknown weight `votes`"), "{shown}");
}

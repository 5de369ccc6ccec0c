//! `scenario export` and `scenario init` (issue 18): the exported folder is the default
//! scenario's folder, byte for byte; a skeleton for any country loads without errors and
//! its warnings name what is missing; existing files are not overwritten without `force`.

use astana_scenario::{
    export_files, init_files, load_dir, load_embedded, write_files, WriteError, UNVOTES_ALIGNMENT,
};
use std::collections::BTreeMap;
use std::path::Path;

/// Every file under `dir`, relative path → text.
fn folder(dir: &Path) -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for e in std::fs::read_dir(dir).expect("read folder") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p.strip_prefix(root).expect("under root");
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.insert(rel, std::fs::read_to_string(&p).expect("text"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

#[test]
fn export_is_the_default_scenario_folder_byte_for_byte() {
    let repo = super::workspace_root().join("data/scenarios/kazakhstan");
    let exported: BTreeMap<String, String> = export_files().into_iter().collect();
    let on_disk = folder(&repo);
    assert_eq!(
        exported.keys().collect::<Vec<_>>(),
        on_disk.keys().collect::<Vec<_>>(),
        "the export must hold every file of the folder, README included"
    );
    for (name, text) in &on_disk {
        assert!(exported[name] == *text, "{name} differs from the folder");
    }
    assert!(exported.contains_key("README.md"));
}

#[test]
fn an_exported_folder_loads_as_the_embedded_scenario() {
    let dir = tempfile::tempdir().expect("tempdir");
    let written = write_files(dir.path(), &export_files(), false).expect("export");
    assert_eq!(written.len(), export_files().len());
    let (from_dir, warnings) = load_dir(dir.path()).expect("the export loads");
    let (embedded, _) = load_embedded().expect("embedded");
    assert_eq!(from_dir, embedded);
    assert_eq!(warnings.errors(), 0);
    assert_eq!(warnings.warnings(), 0, "{warnings}");
}

#[test]
fn existing_files_are_refused_without_force_and_named() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("flows.csv"), "mine\n").expect("write");
    let Err(WriteError::Exists(d)) = write_files(dir.path(), &export_files(), false) else {
        panic!("an existing flows.csv must be refused");
    };
    assert_eq!(d.errors(), 1, "{d}");
    let text = d.to_string();
    assert!(text.contains("flows.csv: already exists"), "{text}");
    assert!(text.contains("--force"), "{text}");
    // Nothing was written, and the user's file is untouched.
    assert!(!dir.path().join("scenario.toml").exists());
    assert_eq!(
        std::fs::read_to_string(dir.path().join("flows.csv")).expect("read"),
        "mine\n"
    );
    write_files(dir.path(), &export_files(), true).expect("--force overwrites");
    assert!(load_dir(dir.path()).is_ok());
}

/// Loads the skeleton for `country` from a folder; returns its warnings' text.
fn init_and_check(country: &str) -> (astana_model::Scenario, String) {
    let dir = tempfile::tempdir().expect("tempdir");
    let files = init_files(country).expect("a known country");
    write_files(dir.path(), &files, false).expect("write");
    let (s, w) = load_dir(dir.path()).unwrap_or_else(|d| panic!("{country}: {d}"));
    assert_eq!(w.errors(), 0);
    (s, w.to_string())
}

#[test]
fn init_idn_bra_kor_load_with_warnings_naming_what_is_missing() {
    for country in ["IDN", "BRA", "KOR"] {
        let (s, w) = init_and_check(country);
        assert_eq!(s.focal, country);
        assert!(s.flows.is_empty());
        for needle in [
            &format!("warning: flows.csv: field `reporter`: Multi-vector balance: no flow rows with reporter {country}")[..],
            "warning: scenario.toml: field `files.power`: Voice in councils: no Security Council game",
            "warning: scenario.toml: field `files.negotiation`: Mediation: no negotiation domain",
            "warning: scenario.toml: field `files.forum`: Convening: no forum folder",
            "warning: scenario.toml: field `files.corridor_nodes`: Connectivity: no corridor network",
        ] {
            assert!(w.contains(needle), "{country}: missing `{needle}` in\n{w}");
        }
        // UN voting alignment is pre-filled against the fixed partners, with its source.
        let partners: std::collections::BTreeSet<&str> =
            s.alignment.iter().map(|r| r.partner.as_str()).collect();
        assert_eq!(
            partners.into_iter().collect::<Vec<_>>(),
            ["CHN", "DEU", "RUS", "USA"]
        );
        assert!(s
            .alignment
            .iter()
            .all(|r| r.country == country && r.source == "unvotes-voeten"));
        assert!(s.source("unvotes-voeten").is_some());
    }
    // Names from the ISO table; memberships from the default scenario's tables: Indonesia
    // is a CICA observer, Korea a member; astana holds none for Brazil, which is a warning.
    assert_eq!(init_and_check("KOR").0.name, "South Korea");
    let (idn, _) = init_and_check("idn");
    assert!(idn
        .memberships
        .iter()
        .any(|m| m.iso3 == "IDN" && m.organization == "CICA" && m.status == "observer"));
    // Every member of the organisation comes along, so "members listed" stays right.
    assert_eq!(idn.memberships.len(), 37);
    let (bra, w) = init_and_check("BRA");
    assert!(bra.memberships.is_empty());
    assert!(
        w.contains(
            "warning: memberships.csv: field `iso3`: Memberships: no organisation lists BRA"
        ),
        "{w}"
    );
    // 1946–2019: Brazil voted in every session.
    assert_eq!(bra.alignment.iter().map(|r| r.year).min(), Some(1946));
    assert_eq!(bra.alignment.iter().map(|r| r.year).max(), Some(2019));
}

#[test]
fn init_prefills_the_blocs_that_list_the_country() {
    let (tur, _) = init_and_check("TUR");
    let blocs: Vec<&str> = tur.blocs.iter().map(|b| b.id.as_str()).collect();
    assert_eq!(blocs, ["EU27", "OTS"]);
    assert_eq!(tur.rollup, ["EU27", "OTS"]);
    assert_eq!(tur.vectors, ["CHN", "RUS", "EU27", "USA"]);
    let (rus, _) = init_and_check("RUS");
    assert_eq!(
        rus.vectors,
        ["CHN", "EU27", "USA"],
        "the focal is not its own vector"
    );
    assert!(rus.alignment.iter().all(|r| r.partner != "RUS"));
}

#[test]
fn the_skeleton_readme_is_the_checklist_and_flows_explain_every_column() {
    let files: BTreeMap<String, String> = init_files("KOR").expect("KOR").into_iter().collect();
    let readme = &files["README.md"];
    for needle in [
        "- [ ] **Multi-vector balance** (`flows.csv`, `reporter`)",
        "- [ ] **Voice in councils**",
        "- [ ] **Mediation**",
        "- [ ] **Convening**",
        "- [ ] **Connectivity**",
        "the organisations that list KOR: CICA",
        "against CHN, DEU, RUS, USA",
    ] {
        assert!(readme.contains(needle), "missing `{needle}` in\n{readme}");
    }
    let flows = &files["flows.csv"];
    let header = flows.lines().next().expect("header");
    assert_eq!(
        header,
        "year,period,reporter,partner,flow,value_usd,estimate,source,note"
    );
    for col in header.split(',') {
        assert!(
            flows.lines().any(|l| l.starts_with(&format!("# {col}: "))),
            "no comment for column {col}"
        );
    }
}

#[test]
fn an_unknown_country_is_an_error_with_did_you_mean() {
    let d = init_files("IDX").expect_err("IDX is not a country");
    let text = d.to_string();
    assert!(text.contains("unknown ISO3 code `IDX`"), "{text}");
    assert_eq!(d.hint.as_deref(), Some("did you mean `IDN`?"));
    assert_eq!(
        init_files("Indonesia").expect_err("a name").hint.as_deref(),
        Some("did you mean `IDN`?")
    );
    assert_eq!(
        init_files("").expect_err("empty").hint.as_deref(),
        Some("use an ISO 3166-1 alpha-3 code such as IDN, BRA or KOR")
    );
}

#[test]
fn the_derived_alignment_table_is_small_and_sorted_by_country() {
    // Committed and compiled in: keep it under a megabyte.
    assert!(
        UNVOTES_ALIGNMENT.len() < 800_000,
        "{}",
        UNVOTES_ALIGNMENT.len()
    );
    let mut lines = UNVOTES_ALIGNMENT.lines();
    assert_eq!(
        lines.next(),
        Some("year,country,partner,roll_calls,identical,half")
    );
    let keys: Vec<(String, i32, String)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            assert_eq!(f.len(), 6, "{l}");
            (
                f[1].to_string(),
                f[0].parse().expect("year"),
                f[2].to_string(),
            )
        })
        .collect();
    assert!(
        keys.windows(2).all(|w| w[0] < w[1]),
        "sorted, no duplicates"
    );
    assert!(keys.len() > 30_000);
}

#[test]
fn a_hostile_country_code_is_escaped_and_clipped_in_the_message() {
    let d = init_files("TU\r\nR").expect_err("not a code");
    assert!(
        d.message.contains("unknown ISO3 code `TU\\r\\nR`"),
        "{}",
        d.message
    );
    let long = "A".repeat(100_000);
    let d = init_files(&long).expect_err("not a code");
    assert!(d.message.len() < 100, "{} bytes", d.message.len());
    assert!(d.message.ends_with("…`"), "{}", d.message);
}

//! The second scenario (Türkiye) and the `[brief]` / `[corridor]` tables that carry the
//! brief's country-specific texts.

use super::workspace_root;
use astana_scenario::{embedded_files, load_dir, load_embedded, load_from_memory};

#[test]
fn the_turkiye_scenario_loads_with_shared_files_and_no_error() {
    let (s, _warnings) = load_dir(&workspace_root().join("data/scenarios/turkiye"))
        .unwrap_or_else(|d| panic!("{d}"));
    assert_eq!(s.focal, "TUR");
    // The corridor network and the Security Council games are the kazakhstan folder's files.
    let (kz, _) = load_embedded().expect("embedded");
    assert_eq!(s.corridor_nodes, kz.corridor_nodes);
    assert_eq!(s.corridor_links, kz.corridor_links);
    assert!(s
        .games
        .iter()
        .any(|(p, _)| p == "../kazakhstan/power/unsc.toml"));
    assert_eq!(s.corridor_focus.to, "KAPIKULE");
    assert_eq!(s.corridor_focus.family, "middle-turkiye");
    assert_eq!(s.forum_dir, "forum");
    // Its only trade rows are Kazakhstan's statistics: a mirror series for Türkiye.
    assert!(s
        .flows
        .iter()
        .all(|f| f.reporter == "KAZ" && f.partner == "TUR"));
    // Alignment with the same partners and years as the Kazakhstan table.
    assert!(s.alignment.iter().all(|r| r.country == "TUR"));
    assert_eq!(
        s.alignment.len(),
        kz.alignment.len(),
        "TUR and KAZ tables cover the same partners and years"
    );
}

#[test]
fn the_kazakhstan_scenario_names_its_corridor_and_texts() {
    let (s, _) = load_embedded().expect("embedded");
    assert_eq!(s.corridor_focus.name, "Middle Corridor");
    assert_eq!(s.corridor_focus.from, ["ALTYNKOL", "DOSTYK"]);
    assert_eq!(s.brief.fdi_reporter, "the National Bank");
    assert!(s
        .brief
        .alignment_note
        .contains("Kazakhstan votes most often"));
}

/// A `[corridor]` place the network lacks is a warning at its line (a replaced network
/// leaves the scenario usable); a place given by the start of its name ("Xi'an") is found
/// as the corridor engine finds it.
#[test]
fn corridor_places_not_in_the_network_are_located_warnings() {
    let mut files: Vec<(&str, String)> = embedded_files()
        .iter()
        .map(|(n, t)| (*n, (*t).to_string()))
        .collect();
    let toml = &mut files
        .iter_mut()
        .find(|(n, _)| *n == "scenario.toml")
        .expect("toml")
        .1;
    assert!(toml.contains("to = \"POTI\""));
    *toml = toml
        .replace("to = \"POTI\"", "to = \"Atlantis\"")
        .replace("routes_from = \"Xi'an\"", "routes_from = \"xi'an\"");
    let line = toml
        .lines()
        .position(|l| l.starts_with("to = "))
        .expect("line")
        + 1;
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let (_, warnings) = load_from_memory(&refs).unwrap_or_else(|d| panic!("{d}"));
    let w: Vec<_> = warnings
        .0
        .iter()
        .filter(|d| {
            d.field
                .as_deref()
                .is_some_and(|f| f.starts_with("corridor."))
        })
        .collect();
    assert_eq!(w.len(), 1, "{warnings}");
    assert!(!w[0].is_error());
    assert_eq!(w[0].field.as_deref(), Some("corridor.to"));
    assert_eq!(w[0].line, Some(line));
    assert!(w[0].message.contains("`Atlantis` is not a place"));
}

/// `[brief] un_group` must be a group of the tenure file.
#[test]
fn the_un_group_must_be_a_tenure_group() {
    let mut files: Vec<(&str, String)> = embedded_files()
        .iter()
        .map(|(n, t)| (*n, (*t).to_string()))
        .collect();
    let toml = &mut files
        .iter_mut()
        .find(|(n, _)| *n == "scenario.toml")
        .expect("toml")
        .1;
    *toml = toml.replace("[brief]\n", "[brief]\nun_group = \"WEOC\"\n");
    let refs: Vec<(&str, &str)> = files.iter().map(|(n, t)| (*n, t.as_str())).collect();
    let err = load_from_memory(&refs).expect_err("unknown group");
    let errors: Vec<_> = err.0.iter().filter(|d| d.is_error()).collect();
    assert_eq!(errors.len(), 1, "{err}");
    assert_eq!(errors[0].field.as_deref(), Some("brief.un_group"));
    assert!(
        errors[0].hint.as_deref().unwrap_or("").contains("WEOG"),
        "{err}"
    );
}

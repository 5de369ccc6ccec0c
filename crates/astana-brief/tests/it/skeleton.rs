//! Briefs of an exported scenario (the default brief, byte for byte) and of skeletons from
//! `astana scenario init` (every section with data rendered, a notice for every part
//! without, saying why) — issue 18.

use astana_brief::{parse_date, render, Options};

fn options() -> Options {
    Options {
        date: Some(parse_date("2026-11-30").expect("date")),
        ..Options::default()
    }
}

/// A scenario from in-memory files (relative path → text).
fn load(files: &[(String, String)]) -> astana_model::Scenario {
    let texts: Vec<(&str, &str)> = files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    astana_scenario::load_from_memory(&texts)
        .unwrap_or_else(|d| panic!("{d}"))
        .0
}

#[test]
fn the_exported_scenario_renders_the_default_brief_byte_for_byte() {
    let (embedded, _) = astana_scenario::load_embedded().expect("embedded");
    let exported = load(&astana_scenario::export_files());
    let a = render(&embedded, &options()).expect("default brief");
    let b = render(&exported, &options()).expect("exported brief");
    assert!(a.html == b.html, "the briefs differ");
    assert_eq!(a.summary, b.summary);
    // The complete scenario has nothing missing: no notice.
    assert!(!a.html.contains("Not in this scenario"));
}

#[test]
fn skeleton_briefs_render_what_they_have_and_name_what_is_missing() {
    for country in ["IDN", "BRA", "KOR"] {
        let s = load(&astana_scenario::init_files(country).expect("init"));
        let b = render(&s, &options()).unwrap_or_else(|e| panic!("{country}: {e}"));
        let html = &b.html;
        // Data it has: UN voting alignment with its source.
        assert!(
            html.contains("Voting with the vectors: UN General Assembly, "),
            "{country}: no alignment section"
        );
        assert!(html.contains("https://cran.r-project.org/package=unvotes"));
        // A notice, with its reason and file, for every part without data.
        for (id, why) in [
            ("", &format!("no flow rows with reporter {country}")[..]),
            ("", &format!("no product rows with reporter {country}")[..]),
            (
                "gap-power",
                "no Security Council game (power/unsc.toml) in [files] power",
            ),
            (
                "gap-negotiation",
                "no negotiation domain in [files] negotiation",
            ),
            ("gap-forum", "no forum folder in [files] forum"),
            (
                "gap-corridor",
                "no corridor network in [files] corridor_nodes and corridor_links",
            ),
        ] {
            assert!(
                html.contains(&format!("<b>Not in this scenario:</b> {why}.")),
                "{country}: no notice `{why}`"
            );
            if !id.is_empty() {
                assert!(html.contains(&format!(r#"<section id="{id}" class="gap">"#)));
            }
        }
        assert!(b
            .summary
            .iter()
            .any(|l| l == "not in this scenario (notices in the brief): Multi-vector balance, Export concentration by product, Mediation, Voice in councils, Convening, Connectivity"
                || l == "not in this scenario (notices in the brief): Multi-vector balance, Export concentration by product, Memberships, Mediation, Voice in councils, Convening, Connectivity"),
            "{country}: {:?}", b.summary);
        assert!(html
            .contains("<b>Not covered.</b> This scenario has no data for: Multi-vector balance;"));
    }
    // Brazil is in none of the organisations astana's tables hold: a notice, not a table.
    let s = load(&astana_scenario::init_files("BRA").expect("init"));
    let html = render(&s, &options()).expect("brief").html;
    assert!(html.contains(r#"<h3 id="gap-memberships">Memberships</h3>"#));
    assert!(html.contains("<b>Not in this scenario:</b> no organisation lists BRA as a member."));
    // Korea's CICA membership is a table.
    let s = load(&astana_scenario::init_files("KOR").expect("init"));
    let html = render(&s, &options()).expect("brief").html;
    assert!(html.contains("Where South Korea has a seat"));
}

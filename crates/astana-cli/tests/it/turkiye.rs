//! The second scenario end to end (issue 18): `scenario check` finds no error (two warnings: no
//! trade figures of its own, none by product), and the brief renders from the folder, saying what it could not
//! source.

use super::{exit_code, json, scratch, stdout, workspace_root};

fn dir() -> String {
    workspace_root()
        .join("data/scenarios/turkiye")
        .display()
        .to_string()
}

#[test]
fn the_turkiye_scenario_checks_clean() {
    let v = json(&["scenario", "check", &dir(), "--json"]);
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["errors"], 0, "{v}");
    // Two warnings, and true ones: the scenario holds no trade figures of Türkiye's own,
    // neither by partner nor by product.
    assert_eq!(v["warnings"], 2, "{v}");
    assert_eq!(v["problems"][0]["file"], "flows.csv", "{v}");
    assert_eq!(v["problems"][0]["field"], "reporter", "{v}");
    assert_eq!(v["problems"][1]["file"], "products.csv", "{v}");
    assert_eq!(v["problems"][1]["field"], "reporter", "{v}");
}

#[test]
fn the_turkiye_brief_renders_and_names_the_gap() {
    let out = scratch("turkiye-brief").join("tr.html");
    let o = exit_code(
        &[
            "brief",
            "--scenario",
            &dir(),
            "--date",
            "2026-11-30",
            "--out",
            &out.display().to_string(),
        ],
        0,
    );
    let text = stdout(&o);
    assert!(text.starts_with("Türkiye brief"), "{text}");
    assert!(
        text.contains("own trade statistics by partner not sourced"),
        "{text}"
    );
    assert!(
        text.contains("Middle Corridor bottleneck Altynkol / KTZE-Khorgos Gateway dry port → Kapikule (TR-BG border): 249700 TEU/yr"),
        "{text}"
    );
    let html = std::fs::read_to_string(&out).expect("brief written");
    assert!(html.contains("TurkStat's foreign trade statistics by country"));
    assert!(html.contains("Uniting for Consensus (UNSC reform group)"));
}

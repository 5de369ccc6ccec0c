//! Integration tests for the brief: it renders the embedded scenario into one
//! self-contained file whose every footnote resolves to a source.

use astana_brief::{render, Options};

fn brief() -> (astana_model::Scenario, astana_brief::Brief) {
    let (s, _) = astana_scenario::load_embedded().expect("embedded scenario");
    let b = render(&s, &Options::default()).expect("brief renders");
    (s, b)
}

#[test]
fn has_the_balance_section_map_and_footnotes() {
    let (_, b) = brief();
    for needle in [
        r#"<section id="balance">"#,
        r#"<svg class="map""#,
        r#"<svg class="chart""#,
        r#"<ol class="notes">"#,
        "Voting with the vectors",
        "Asymmetric dependence",
        "Shock example",
    ] {
        assert!(b.html.contains(needle), "missing {needle}");
    }
    assert!(b.footnotes > 10);
    assert!(!b.summary.is_empty());
}

#[test]
fn is_self_contained() {
    let (_, b) = brief();
    for banned in ["<script", "<link", "@import", "src=\"http", "url(http"] {
        assert!(!b.html.contains(banned), "brief contains {banned}");
    }
}

#[test]
fn every_citation_resolves_to_a_listed_source() {
    let (s, b) = brief();
    let cited: Vec<usize> = b
        .html
        .match_indices("href=\"#fn")
        .filter_map(|(i, _)| {
            let rest = &b.html[i + 9..];
            rest[..rest.find('"')?].parse().ok()
        })
        .collect();
    assert!(!cited.is_empty());
    for n in &cited {
        assert!(
            b.html.contains(&format!("<li id=\"fn{n}\">")),
            "footnote {n} has no entry"
        );
    }
    assert_eq!(cited.iter().max().copied(), Some(b.footnotes));
    // Each entry carries the URL of a source in the scenario.
    let notes = &b.html[b.html.find("<ol class=\"notes\">").expect("notes")..];
    for entry in notes.split("<li id=\"fn").skip(1) {
        assert!(
            s.sources
                .iter()
                .any(|src| entry.contains(&src.url.replace('&', "&amp;"))),
            "footnote without a source URL: {entry}"
        );
    }
}

#[test]
fn no_data_year_is_an_error_not_a_placeholder() {
    let (s, _) = brief();
    assert!(render(&s, &Options { year: Some(1990) }).is_err());
}

#[test]
fn has_the_security_council_section() {
    let (_, b) = brief();
    assert!(b.html.contains(r#"<section id="power">"#));
    // UN Security Council today: an elected member's Shapley–Shubik index is 4/2145.
    assert!(b.html.contains("0.1865%"));
    assert!(b.summary.iter().any(|l| l.contains("Security Council")));
}

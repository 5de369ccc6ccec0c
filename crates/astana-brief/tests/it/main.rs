//! Integration tests for the brief: it renders the embedded scenario into one
//! self-contained file whose every footnote resolves to a source.

mod charts;
mod look;
mod maps;
mod page;
mod products;
mod scenarios;
mod skeleton;

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
            b.html.contains(&format!("<li id=\"fn{n}\">"))
                || b.html.contains(&format!("<li id=\"fn{n}\" class=\"own\">")),
            "footnote {n} has no entry"
        );
    }
    assert_eq!(cited.iter().max().copied(), Some(b.footnotes));
    // Each entry carries the URL of a source in the scenario, or is the team's own note
    // (a model's data and assumptions).
    let notes = &b.html[b.html.find("<ol class=\"notes\">").expect("notes")..];
    for entry in notes.split("<li id=\"fn").skip(1) {
        assert!(
            entry.contains(r#"class="own""#)
                || s.sources
                    .iter()
                    .any(|src| entry.contains(&src.url.replace('&', "&amp;"))),
            "footnote without a source URL: {entry}"
        );
    }
}

#[test]
fn no_data_year_is_an_error_not_a_placeholder() {
    let (s, _) = brief();
    assert!(render(
        &s,
        &Options {
            year: Some(1990),
            ..Default::default()
        }
    )
    .is_err());
}

#[test]
fn has_the_security_council_section() {
    let (_, b) = brief();
    assert!(b.html.contains(r#"<section id="power">"#));
    // UN Security Council today: an elected member's Shapley–Shubik index is 4/2145.
    assert!(b.html.contains("0.1865%"));
    assert!(b.summary.iter().any(|l| l.contains("Security Council")));
}

/// A scenario domain too big to draw gets a section that says so and why (issue 11.7): the
/// brief must neither run for minutes on it nor drop the section without a word.
#[test]
fn a_negotiation_too_big_to_draw_says_so() {
    let (mut s, _) = astana_scenario::load_embedded().expect("embedded scenario");
    let mut toml = String::from("name = \"big\"\ndescription = \"d\"\nsource = \"s\"\n");
    let issues: Vec<String> = (0..6).map(|i| format!("i{i}")).collect();
    for i in &issues {
        toml += &format!("[[issue]]\nname = \"{i}\"\nvalues = [\"0\",\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\"]\n");
    }
    for p in ["A", "B"] {
        let w: Vec<String> = issues.iter().map(|i| format!("{i} = 1")).collect();
        let e: Vec<String> = issues
            .iter()
            .map(|i| format!("{i} = [1,2,3,4,5,6,7,8,9,10]"))
            .collect();
        toml += &format!(
            "[[party]]\nid = \"{p}\"\nname = \"{p}\"\nreservation = 0\nweights = {{ {} }}\n[party.evaluations]\n{}\n",
            w.join(", "),
            e.join("\n")
        );
    }
    let path = s.negotiations[0].0.clone();
    s.negotiations[0] = (path, toml);
    let b = render(&s, &Options::default()).expect("brief renders");
    assert!(
        b.html
            .contains("Not drawn: 1000000 outcomes, more than the brief draws (20000)"),
        "no 'not drawn' note in the mediation section"
    );
}

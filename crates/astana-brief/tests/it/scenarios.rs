//! Two scenarios, one code: every country-specific text of the brief comes from the
//! scenario, so the Kazakhstan brief never speaks of Türkiye and the Türkiye brief never
//! names Kazakhstan where it speaks of its own country (issue 18, part 4).

use astana_brief::{render, Brief, Options};
use std::path::Path;

fn date() -> Option<astana_brief::Date> {
    Some(astana_brief::parse_date("2026-11-30").expect("date"))
}

fn kazakhstan() -> Brief {
    let (s, _) = astana_scenario::load_embedded().expect("embedded scenario");
    let options = Options {
        date: date(),
        ..Options::default()
    };
    render(&s, &options).expect("Kazakhstan brief")
}

fn turkiye() -> Brief {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/turkiye");
    let (s, _) = astana_scenario::load_dir(&dir).unwrap_or_else(|d| panic!("{d}"));
    let options = Options {
        date: date(),
        scenario_dir: Some("data/scenarios/turkiye".into()),
        ..Options::default()
    };
    render(&s, &options).expect("Türkiye brief")
}

/// The text between `start` and the next `end` (or the end of the page).
fn part<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let Some(i) = html.find(start) else {
        return "";
    };
    let rest = &html[i..];
    &rest[..rest.find(end).unwrap_or(rest.len())]
}

/// The parts of a brief that speak of its own country: title and lede, the summary, every
/// heading, the voting and mediation texts, and the terminal summary.
fn own_voice(b: &Brief) -> String {
    let h = &b.html;
    let mut v = vec![
        part(h, "<title>", "</title>").to_string(),
        part(h, "<header>", "</header>").to_string(),
        part(h, r#"<section id="summary">"#, "</section>").to_string(),
        part(h, "<h3>Voting with the vectors", "</p>").to_string(),
        part(h, r#"<section id="mediation">"#, "</section>").to_string(),
        part(h, r#"<section id="power">"#, "<table>").to_string(),
        b.summary.join("\n"),
    ];
    for tag in ["<h2>", "<h3>"] {
        v.extend(
            h.split(tag)
                .skip(1)
                .map(|x| x[..x.find("</").unwrap_or(0)].to_string()),
        );
    }
    v.join("\n")
}

#[test]
fn neither_brief_speaks_of_the_other_country() {
    let kz = own_voice(&kazakhstan());
    // A partner named with its trade figure is data, not the brief speaking of itself (the
    // only trade held for Türkiye is Kazakhstan's mirror series).
    let tr = own_voice(&turkiye()).replace("with Kazakhstan at $", "$");
    for other in ["Kazakhstan", "Kazakh", "Astana", "Trans-Caspian transit"] {
        assert!(
            !tr.contains(other),
            "the Türkiye brief says {other:?}:\n{tr}"
        );
    }
    for other in ["Türkiye", "Turkiye", "TurkStat", "grain", "Antalya"] {
        assert!(
            !kz.contains(other),
            "the Kazakhstan brief says {other:?}:\n{kz}"
        );
    }
    // Each speaks of its own.
    assert!(tr.contains("Türkiye: a middle power"), "{tr}");
    assert!(tr.contains("Mediating a grain corridor"), "{tr}");
    assert!(
        kz.contains("Kazakhstan votes most often with China"),
        "{kz}"
    );
    assert!(kz.contains("Mediating a transit agreement"), "{kz}");
}

#[test]
fn the_turkiye_brief_renders_every_section_or_says_what_is_missing() {
    let b = turkiye();
    for id in [
        "balance",
        "mediation",
        "power",
        "forum",
        "corridor",
        "sources",
    ] {
        assert!(
            b.html.contains(&format!(r#"<section id="{id}">"#)),
            "no {id} section"
        );
    }
    // No own trade statistics: said, with the publication that would fill the gap, and the
    // mirror series that is held ($6.0bn in 2023, Kazakhstan's statistics).
    assert!(b
        .html
        .contains("Not sourced: Türkiye's own trade by partner"));
    assert!(b
        .html
        .contains("TurkStat's foreign trade statistics by country"));
    assert!(b
        .html
        .contains(r#"<td>2023</td><td>Kazakhstan</td><td class="n">$6.0bn"#));
    // The Middle Corridor seen from Türkiye, and commands that run from the repository.
    let corridor = part(&b.html, r#"<section id="corridor">"#, "</section>");
    assert!(corridor.contains("--from Altynkol --to Kapikule --corridor middle-turkiye"));
    assert!(corridor.contains("--to Mersin"));
    assert!(corridor.contains("--scenario data/scenarios/turkiye"));
    assert!(b
        .html
        .contains("astana power compare data/scenarios/kazakhstan/power/unsc*.toml"));
    assert!(b
        .html
        .contains("--domain data/scenarios/turkiye/negotiation/black-sea-grain.toml"));
    assert!(b
        .html
        .contains("astana forum schedule data/scenarios/turkiye/forum --out"));
    // Its seat is counted in its own electoral group (WEOG: 2 seats for 26 eligible).
    assert!(b
        .html
        .contains("A member of Türkiye's electoral group, the Western European and Others Group (WEOG), is on the Council about 7.7% of years"));
    // Every footnote resolves: a source row or a note of the team's own.
    let notes = part(&b.html, r#"<ol class="notes">"#, "</ol>");
    assert_eq!(notes.matches("<li ").count(), b.footnotes);
    assert!(!notes.contains(r#"<li id="fn1"></li>"#));
}

#[test]
fn the_kazakhstan_brief_keeps_its_texts_from_its_scenario() {
    let b = kazakhstan();
    for needle in [
        "Connectivity: the Middle Corridor and its rivals",
        "The Trans-Caspian route carried",
        "--from Altynkol --to Poti --corridor middle-caspian",
        r#"<code>astana corridor routes --from "Xi'an" --to Duisburg</code>"#,
        "Gross inflows as reported by the National Bank",
        "In the illustrative Trans-Caspian transit negotiation",
        "astana mediate analyze --domain data/scenarios/kazakhstan/negotiation/trans-caspian.toml",
        "astana forum schedule data/scenarios/kazakhstan/forum --out",
    ] {
        assert!(b.html.contains(needle), "missing {needle:?}");
    }
}

/// A `[corridor]` naming places the network lacks (a replaced network) renders, and says
/// why no bottleneck is shown.
#[test]
fn a_bottleneck_outside_the_network_is_explained() {
    let (mut s, _) = astana_scenario::load_embedded().expect("embedded scenario");
    s.corridor_focus.to = "Atlantis".into();
    let b = render(
        &s,
        &Options {
            date: date(),
            ..Options::default()
        },
    )
    .expect("brief");
    assert!(b.html.contains(
        "bottleneck places (ALTYNKOL or DOSTYK → Atlantis) are not in its corridor network"
    ));
}

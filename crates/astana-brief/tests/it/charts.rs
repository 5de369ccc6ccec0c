//! `astana_brief::charts` is the brief's own chart code (the dashboard draws with it): its
//! views are byte for byte the parts of the brief.

use astana_brief::charts;
use astana_model::FlowKind;
use astana_partner_balance as bal;

#[test]
fn chart_views_are_the_briefs_own_parts() {
    let (s, _) = astana_scenario::load_embedded().expect("embedded");
    let brief = astana_brief::render(
        &s,
        &astana_brief::Options {
            year: Some(2023),
            ..Default::default()
        },
    )
    .expect("brief");
    let b = bal::analyze(&s, &bal::Query::new(&s.focal, 2023, FlowKind::Turnover)).expect("2023");
    // The brief puts each chart and table in a box and lists hover values after a chart;
    // the views are the same parts without them.
    let page = unboxed(&brief.html);
    let map = charts::balance_map(&s, &b);
    assert!(map.contains(r#"aria-label="Map of trade partners""#));
    assert!(page.contains(&map));
    // The power view numbers its own notes from 1 and lists them after the section.
    let power = charts::power_section(&s);
    assert!(!power.is_empty());
    let section = &power[..power.find(r#"<ol class="notes">"#).expect("its notes")];
    assert!(without_notes(&page).contains(&without_notes(section)));
    // Footnotes: the same numbering the brief gives, in order of first citation.
    let mut notes = charts::Notes::new(&s);
    let shares = charts::balance_shares(&s, &b, &mut notes);
    assert!(shares.contains(r#"aria-label="Partner shares of trade turnover""#));
    assert!(notes
        .render()
        .starts_with(r#"<ol class="notes"><li id="fn1">"#));
}

#[test]
fn a_routes_map_frames_its_routes() {
    use astana_freight_corridor::{k_best, By, Filter, Network, Weights};
    let (s, _) = astana_scenario::load_embedded().expect("embedded");
    let net = Network::new(&s.corridor_nodes, &s.corridor_links);
    let (a, b) = (
        net.find("Altynkol").expect("a"),
        net.find("Poti").expect("b"),
    );
    let w = Weights {
        by: By::Time,
        value_of_time: 2.0,
    };
    let routes = k_best(&net, a, b, 2, &w, &Filter::default()).expect("routes");
    let svg = charts::routes_map(&net, &routes, "Routes");
    // One overlay path per leg, on an 868-px-wide map framed around them.
    assert!(svg.starts_with(r#"<svg class="map" viewBox="0 0 868 "#));
    assert_eq!(
        svg.matches("<path d=\"M").count(),
        routes.iter().map(|r| r.links.len()).sum::<usize>()
    );
    let empty = charts::routes_map(&net, &[], "None");
    assert!(empty.contains(r#"aria-label="None""#));
}

/// `html` without the brief's boxes around charts and tables and its hover-value lists.
fn unboxed(html: &str) -> String {
    let mut out = html
        .replace(r#"<div class="fig">"#, "")
        .replace(r#"<div class="tbl">"#, "")
        .replace("</svg></div>", "</svg>")
        .replace("</table></div>", "</table>");
    while let Some(i) = out.find(r#"<details class="hover"><summary class="small">Values shown"#) {
        let j = i + out[i..].find("</details>").expect("end") + "</details>".len();
        out.replace_range(i..j, "");
    }
    out
}

/// `html` without its footnote marks (numbered differently in a view and in the brief).
fn without_notes(html: &str) -> String {
    let mut out = html.to_string();
    while let Some(i) = out.find(r#"<sup class="fn">"#) {
        let j = i + out[i..].find("</sup>").expect("end") + "</sup>".len();
        out.replace_range(i..j, "");
    }
    out
}

//! The product-concentration panel (issue 15, part 5): Kazakhstan's latest full year with a
//! total, oil's share called out, the product HHI as a bound; Türkiye, without
//! `products.csv`, shows the gaps notice instead of an empty panel.

use astana_brief::products::{hhi_bounds, product_years};
use astana_brief::{render, Options};
use std::path::Path;

fn panel(html: &str) -> &str {
    let start = html.find(r#"<h3 id="products">"#).expect("the panel");
    let rest = &html[start..];
    let end = rest[1..].find("<h3").map_or(rest.len(), |e| e + 1);
    &rest[..end]
}

#[test]
fn the_kazakhstan_brief_shows_oil_share_and_the_hhi_bound() {
    let (s, _) = astana_scenario::load_embedded().expect("embedded");
    let b = render(&s, &Options::default()).expect("brief");
    let p = panel(&b.html);
    assert!(p.contains("Export concentration by product, 2022"), "{p}");
    // Oil and gas: the published 61 % of 2022 exports, called out as derived (its dollar
    // value rests on the estimated total).
    assert!(p.contains(r#"<div class="big">61.0%</div><div class="cap">Oil and gas (HS 27) share of Kazakhstan's exports, 2022"#), "{p}");
    assert!(p.contains("(derived)"), "{p}");
    // The HHI is an interval and says it is a bound: 0.61² and 0.61² + 0.39².
    assert!(p.contains(r#"<div class="big">3721–5242</div>"#), "{p}");
    assert!(
        p.contains("so the product HHI is a <b>bound</b>: 0.3721 (3721 points)"),
        "{p}"
    );
    assert!(
        p.contains("0.5242 (5242 points) with the rest as one line"),
        "{p}"
    );
    // The part-year series is listed apart, with its own (wide) bound.
    assert!(p.contains("<td>2023 Jan-May</td>"), "{p}");
    assert!(p.contains(r#"<td class="n">12–9336</td>"#), "{p}");
    // Every figure is footnoted.
    assert!(p.matches(r#"<sup class="fn">"#).count() >= 4, "{p}");
    assert!(b
        .summary
        .iter()
        .any(|l| l == "Kazakhstan exports by product 2022: Oil and gas (HS 27) 61.0%; HHI 3721–5242 points (a bound: named groups cover 61.0%)"), "{:?}", b.summary);
    assert!(b
        .html
        .contains("<b>Products.</b> Oil and gas (HS 27) make up <b>61.0%</b> of exports"));
}

#[test]
fn product_years_use_top_level_groups_and_prefer_crude_oil() {
    let (mut s, _) = astana_scenario::load_embedded().expect("embedded");
    // A year with fuels (27), crude oil inside them (2709) and copper (74) against 100.
    let base = s.products[0].clone();
    let row = |product: &str, value: f64| astana_model::ProductRecord {
        year: 2030,
        period: astana_model::Period::FULL_YEAR,
        product: product.to_string(),
        product_name: String::new(),
        value_usd: value,
        estimate: false,
        ..base.clone()
    };
    s.products = vec![
        row("total", 100.0),
        row("27", 60.0),
        row("2709", 50.0),
        row("74", 10.0),
    ];
    let years = product_years(&s);
    assert_eq!(years.len(), 1);
    let y = &years[0];
    let groups: Vec<&str> = y.groups.iter().map(|g| g.product.as_str()).collect();
    assert_eq!(groups, ["27", "74"]);
    assert!((y.rest - 0.3).abs() < 1e-12);
    assert_eq!(y.oil.as_ref().map(|o| o.product.as_str()), Some("2709"));
    let (lo, hi) = hhi_bounds(&[0.6, 0.1], 0.3);
    assert!((y.hhi.0 - lo).abs() < 1e-12 && (y.hhi.1 - hi).abs() < 1e-12);
    assert!((lo - 0.37).abs() < 1e-12 && (hi - 0.46).abs() < 1e-12);
}

#[test]
fn the_turkiye_brief_shows_the_notice_not_an_empty_panel() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenarios/turkiye");
    let (s, _) = astana_scenario::load_dir(&dir).unwrap_or_else(|d| panic!("{d}"));
    assert!(s.products.is_empty());
    let b = render(&s, &Options::default()).expect("brief");
    assert!(!b.html.contains(r#"<h3 id="products">"#));
    assert!(b.html.contains(r#"<h3 id="gap-products">Export concentration by product</h3><p class="caveat"><b>Not in this scenario:</b> no product rows with reporter TUR."#));
    assert!(b
        .html
        .contains("has no data for: Export concentration by product."));
}

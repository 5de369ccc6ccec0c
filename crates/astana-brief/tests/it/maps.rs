//! Issue 17 items 1–2: the brief's charts label their axes honestly (gridlines exactly at
//! the labelled 1-2-5 values, units on every axis) and carry a text alternative.

use astana_brief::{render, Options};

fn html() -> String {
    let (s, _) = astana_scenario::load_embedded().expect("embedded scenario");
    render(&s, &Options::default()).expect("brief renders").html
}

/// Every `<svg ...>...</svg>` of a class in the page, with its aria-label.
fn svgs<'a>(html: &'a str, class: &str) -> Vec<(String, &'a str)> {
    let open = format!(r#"<svg class="{class}""#);
    html.match_indices(&open)
        .map(|(i, _)| {
            let s = &html[i..];
            let s = &s[..s.find("</svg>").expect("closed") + 6];
            let label = attr(s, "aria-label").unwrap_or_default();
            (label, s)
        })
        .collect()
}

fn attr(tag: &str, name: &str) -> Option<String> {
    let k = format!(r#" {name}=""#);
    let i = tag.find(&k)? + k.len();
    Some(tag[i..i + tag[i..].find('"')?].to_string())
}

/// The y-axis gridlines (horizontal `grid` lines) and the value printed at each, as
/// (pixel y, number in the label).
fn y_grid(svg: &str) -> Vec<(f64, f64)> {
    let ticks: Vec<(f64, String)> = svg
        .split("<text ")
        .skip(1)
        .filter(|t| t.contains(r#"class="tick""#) && t.contains(r#"text-anchor="end""#))
        .filter_map(|t| {
            let y: f64 = attr(&format!(" {t}"), "y")?.parse().ok()?;
            let text = t[t.find('>')? + 1..t.find("</text>")?].to_string();
            Some((y, text))
        })
        .collect();
    svg.split("<line ")
        .skip(1)
        .filter(|l| l.starts_with(r#"class="grid""#))
        .filter_map(|l| {
            let l = format!(" {l}");
            let (y1, y2): (f64, f64) =
                (attr(&l, "y1")?.parse().ok()?, attr(&l, "y2")?.parse().ok()?);
            (y1 == y2).then_some(y1)
        })
        .map(|y| {
            let (_, text) = ticks
                .iter()
                .find(|(ty, _)| (ty - 4.0 - y).abs() < 0.2)
                .unwrap_or_else(|| panic!("no label at gridline y={y} in {svg}"));
            let num: String = text
                .chars()
                .filter(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
                .collect();
            (y, num.parse().unwrap_or_else(|_| panic!("label {text:?}")))
        })
        .collect()
}

/// Today the volumes chart draws gridlines at 3.25, 6.5 and 9.75 Mt labelled 3, 6 and 10.
#[test]
fn gridlines_sit_at_their_labelled_values() {
    let page = html();
    let charts = svgs(&page, "chart");
    let mut checked = 0;
    for (label, svg) in &charts {
        let grid = y_grid(svg);
        if grid.len() < 2 {
            continue;
        }
        checked += 1;
        // Pixels per unit constant from gridline to gridline: labels are the true values.
        let (y0, v0) = grid[0];
        let (yn, vn) = grid[grid.len() - 1];
        let k = (yn - y0) / (vn - v0);
        for &(y, v) in &grid {
            assert!(
                (y0 + (v - v0) * k - y).abs() < 0.6,
                "{label}: gridline at y={y} labelled {v}, expected y={:.1}",
                y0 + (v - v0) * k
            );
        }
        // Steps of 1, 2 or 5 times a power of ten.
        let step = (grid[1].1 - grid[0].1).abs();
        let m = step / 10f64.powf(step.log10().floor());
        assert!(
            [1.0, 2.0, 5.0].iter().any(|x| (m - x).abs() < 1e-6),
            "{label}: step {step}"
        );
    }
    assert!(checked >= 5, "{checked} charts with gridlines");
    let volumes = charts
        .iter()
        .find(|(l, _)| l == "Middle Corridor volumes")
        .expect("volumes chart");
    let values: Vec<f64> = y_grid(volumes.1).iter().map(|g| g.1).collect();
    assert_eq!(values, vec![0.0, 2.0, 4.0, 6.0, 8.0, 10.0, 12.0]);
    assert!(volumes.1.contains(">million tonnes (Mt)</text>"));
}

#[test]
fn every_chart_and_map_has_a_title_and_a_text_alternative() {
    let page = html();
    let all: Vec<_> = svgs(&page, "chart")
        .into_iter()
        .chain(svgs(&page, "map"))
        .collect();
    assert!(all.len() >= 10);
    for (label, svg) in &all {
        assert!(!label.is_empty(), "chart without a name: {}", &svg[..80]);
        assert!(
            svg.contains(&format!("<title>{label}</title><desc>")),
            "{label}: no <title>/<desc>"
        );
        let desc = &svg[svg.find("<desc>").expect("desc") + 6..svg.find("</desc>").expect("/desc")];
        assert!(
            desc.len() > label.len() + 10,
            "{label}: empty description {desc:?}"
        );
    }
    // Key values in the alternatives: the volumes' capacity, the routes' days.
    let volumes = all
        .iter()
        .find(|(l, _)| l == "Middle Corridor volumes")
        .expect("volumes");
    assert!(volumes.1.contains("capacity 5.8 Mt: 5.8 Mt at"));
    let map = all
        .iter()
        .find(|(l, _)| l == "Corridor families China–Europe")
        .expect("corridor map");
    assert!(map.1.contains("sea-cape: "), "{}", &map.1[..600]);
}

/// Line charts name what each axis measures, with its unit.
#[test]
fn line_charts_title_both_axes() {
    let page = html();
    for (label, want) in [
        ("Middle Corridor volumes", ["year", "million tonnes (Mt)"]),
        (
            "Share of trains delivered within x days",
            ["transit time, days", "share of trains, %"],
        ),
    ] {
        let (_, svg) = svgs(&page, "chart")
            .into_iter()
            .find(|(l, _)| l == label)
            .unwrap_or_else(|| panic!("no {label}"));
        for w in want {
            assert!(
                svg.contains(&format!(">{w}</text>")),
                "{label}: no axis title {w}"
            );
        }
    }
}

/// The balance map's country labels (centred, 11 px) never overlap.
#[test]
fn balance_map_labels_do_not_overlap() {
    let page = html();
    let (_, map) = svgs(&page, "map")
        .into_iter()
        .find(|(l, _)| l == "Map of trade partners")
        .expect("balance map");
    let boxes: Vec<(String, astana_brief::charts::LabelBox)> = map
        .split("<text ")
        .skip(1)
        .filter(|t| t.starts_with(r#"class="maplbl""#))
        .map(|t| {
            let t = format!(" {t}");
            let text = t[t.find('>').expect(">") + 1..t.find("</text>").expect("end")].to_string();
            let n = |k: &str| attr(&t, k).and_then(|v| v.parse::<f64>().ok()).expect(k);
            let b = astana_brief::charts::text_box(&text, 11.0, n("x"), n("y"), "middle");
            (text, b)
        })
        .collect();
    for want in ["China", "Russia", "Kazakhstan"] {
        assert!(
            boxes.iter().any(|(t, _)| t.starts_with(want)),
            "{want}: {boxes:?}"
        );
    }
    for (i, a) in boxes.iter().enumerate() {
        for b in &boxes[i + 1..] {
            assert!(
                !astana_brief::charts::overlaps(a.1, b.1),
                "{a:?} overlaps {b:?}"
            );
        }
    }
}

/// Tick labels are rounded to the tick step, data values are not: the 2023 volume
/// (2.764 Mt) once read "3 Mt" on hover because both used the ticks' format.
#[test]
fn hover_values_keep_their_precision() {
    let (_, b) = crate::brief();
    assert!(
        b.html.contains("TITR volume, Mt: 2.764 Mt (2023)"),
        "the 2023 volume's hover value is rounded"
    );
    assert!(b.html.contains(">2 Mt</text>"), "ticks stay short");
}

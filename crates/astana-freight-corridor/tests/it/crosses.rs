//! 10.6: the countries a link crosses (`crosses` in links.csv) checked against the Natural
//! Earth outlines the brief draws (`data/geo/countries-110m.json`). The column is the
//! source of truth, since railways do not follow straight lines; this test catches a long
//! link that runs ≥ 300 km through a country it does not list, unless the railway is known
//! to run elsewhere (listed below with the reason).

use astana_freight_corridor::Network;

/// (link, country, why the railway does not enter it although the straight line does).
const RAILWAY_RUNS_ELSEWHERE: [(&str, &str, &str); 3] = [
    (
        "L009",
        "MNG",
        "Xi'an–Manzhouli runs via Beijing and Harbin, inside China",
    ),
    (
        "L044",
        "ROU",
        "Kapıkule–Budapest runs via Sofia and Belgrade",
    ),
    (
        "L050",
        "ROU",
        "Burgas–Budapest runs via Belgrade (news.az 2024-09-24)",
    ),
];

struct Country {
    iso3: String,
    rings: Vec<Vec<(f64, f64)>>,
}

fn outlines() -> Vec<Country> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../data/geo/countries-110m.json"
    );
    let text = std::fs::read_to_string(path).expect("the bundled outlines");
    let v: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let features = v["features"].as_array().expect("features");
    features
        .iter()
        .map(|f| Country {
            iso3: f["iso3"].as_str().unwrap_or_default().to_string(),
            rings: f["rings"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|r| {
                    r.as_array()
                        .into_iter()
                        .flatten()
                        .map(|p| (p[0].as_f64().unwrap_or(0.0), p[1].as_f64().unwrap_or(0.0)))
                        .collect()
                })
                .collect(),
        })
        .collect()
}

/// Even-odd rule over all rings of a country (holes included).
fn inside(c: &Country, (x, y): (f64, f64)) -> bool {
    let mut odd = false;
    for ring in &c.rings {
        for (i, &(x1, y1)) in ring.iter().enumerate() {
            let (x2, y2) = ring[(i + 1) % ring.len()];
            if (y1 > y) != (y2 > y) && x < (x2 - x1) * (y - y1) / (y2 - y1) + x1 {
                odd = !odd;
            }
        }
    }
    odd
}

#[test]
fn long_links_list_the_countries_they_cross() {
    let (s, _) = astana_scenario::load_embedded().expect("default scenario");
    let net = Network::new(&s.corridor_nodes, &s.corridor_links);
    let world = outlines();
    let known: Vec<&str> = world.iter().map(|c| c.iso3.as_str()).collect();
    let mut missing = Vec::new();
    for (l, link) in net.links.iter().enumerate() {
        for c in &link.crosses {
            assert!(
                known.contains(&c.as_str()),
                "{}: {c} has no outline",
                link.id
            );
        }
        if matches!(link.mode.as_str(), "sea" | "ferry") {
            continue;
        }
        let (a, b) = net.ends[l];
        let (p, q) = (&net.nodes[a], &net.nodes[b]);
        let steps = (link.km / 10.0).ceil().max(2.0) as usize;
        let mut km: Vec<(String, f64)> = Vec::new();
        for i in 0..=steps {
            let t = i as f64 / steps as f64;
            let pt = (p.lon + (q.lon - p.lon) * t, p.lat + (q.lat - p.lat) * t);
            if let Some(c) = world.iter().find(|c| !c.iso3.is_empty() && inside(c, pt)) {
                match km.iter_mut().find(|x| x.0 == c.iso3) {
                    Some(x) => x.1 += link.km / steps as f64,
                    None => km.push((c.iso3.clone(), link.km / steps as f64)),
                }
            }
        }
        for (c, along) in km {
            let listed = c == p.country || c == q.country || link.crosses.contains(&c);
            let excused = RAILWAY_RUNS_ELSEWHERE
                .iter()
                .any(|(id, x, _)| *id == link.id && *x == c);
            if along >= 300.0 && !listed && !excused {
                missing.push(format!(
                    "{} {}–{}: {c} ({along:.0} km)",
                    link.id, p.id, q.id
                ));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "links crossing unlisted countries: {missing:#?}"
    );
}

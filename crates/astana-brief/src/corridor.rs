//! The connectivity section: corridor families China→Europe on the map, the route
//! comparison, the scenario's corridor (its `[corridor]` table: volumes against capacity and
//! potential, the bottleneck), and the simulated transit-time distribution.

use crate::svg::{self, esc, Series};
use crate::{Notes, Options};
use astana_freight_corridor::{flow, k_best, sim, By, Filter, Network, Route, Weights};
use astana_model::corridor::FAMILIES;
use astana_model::Scenario;
use std::collections::HashMap;
use std::fmt::Write;

const COLORS: [(&str, &str); 7] = [
    ("northern", "#c0392b"),
    ("middle-caspian", "#00a3c4"),
    ("middle-turkiye", "#1f5f99"),
    ("southern", "#d68910"),
    ("sea-suez", "#7f8c8d"),
    ("sea-cape", "#34495e"),
    ("other", "#95a5a6"),
];

pub(crate) fn color(f: &str) -> &'static str {
    COLORS
        .iter()
        .find(|(x, _)| *x == f)
        .map_or("#95a5a6", |(_, c)| c)
}

/// The fastest route of each family, between the first origin and destination pair (in
/// file order, Duisburg and Rotterdam first) that the family connects.
fn family_routes(net: &Network) -> Vec<Route> {
    let w = Weights {
        by: By::Time,
        value_of_time: 2.0,
    };
    let kind = |k: &str| -> Vec<usize> {
        (0..net.nodes.len())
            .filter(|&v| net.nodes[v].kind == k)
            .collect()
    };
    let mut dests = kind("destination");
    dests.sort_by_key(|&v| !matches!(net.nodes[v].id.as_str(), "DUISBURG" | "ROTTERDAM"));
    let origins = kind("origin");
    let mut out = Vec::new();
    for f in FAMILIES.iter().rev() {
        let filter = Filter {
            corridor: Some((*f).to_string()),
            ..Filter::default()
        };
        'pairs: for &t in &dests {
            for &s in &origins {
                if let Ok(mut r) = k_best(net, s, t, 1, &w, &filter) {
                    if let Some(r) = r.pop() {
                        out.push(r);
                        break 'pairs;
                    }
                }
            }
        }
    }
    out
}

/// Gap between routes drawn side by side where they share track, px.
const GAP: f64 = 2.6;

/// The track of each leg in (lon, lat): sea and ferry legs along the maritime network
/// (straight when a port is off it, e.g. the Caspian if the network lacked it), land legs
/// straight. Each distinct leg is routed once.
pub(crate) fn leg_tracks(net: &Network, routes: &[Route]) -> HashMap<usize, Vec<(f64, f64)>> {
    let mut out = HashMap::new();
    for r in routes {
        for (leg, pair) in r.links.iter().zip(r.nodes.windows(2)) {
            out.entry(*leg).or_insert_with(|| {
                let at = |v: usize| (net.nodes[v].lon, net.nodes[v].lat);
                let (a, b) = (at(pair[0]), at(pair[1]));
                let water = matches!(net.links[*leg].mode.as_str(), "sea" | "ferry");
                water
                    .then(|| crate::geo::sea_path(a, b))
                    .flatten()
                    .map_or_else(|| vec![a, b], |p| p.points)
            });
        }
    }
    out
}

/// Short place name for a map label: the name before any parenthesis, without "port".
fn short_name(name: &str) -> &str {
    let n = name.split(" (").next().unwrap_or(name).trim();
    n.strip_suffix(" ferry port")
        .or_else(|| n.strip_suffix(" port"))
        .unwrap_or(n)
}

/// The places labelled on the map, most important first: origins and destinations, then
/// ports, then the ends of sea legs (Singapore, Suez, the Cape), of the drawn routes; then
/// the other marked places.
pub(crate) fn labelled_places(net: &Network, routes: &[Route]) -> Vec<usize> {
    let mut v: Vec<(u8, usize)> = Vec::new();
    for r in routes {
        for (leg, pair) in r.links.iter().zip(r.nodes.windows(2)) {
            let water = matches!(net.links[*leg].mode.as_str(), "sea" | "ferry");
            for &n in pair {
                let rank = match net.nodes[n].kind.as_str() {
                    "origin" | "destination" => 0,
                    "port" => 1,
                    _ if water => 2,
                    _ => continue,
                };
                v.push((rank, n));
            }
        }
    }
    // Then the other marked places (origins and ports no drawn route uses), if room is left.
    for (n, node) in net.nodes.iter().enumerate() {
        if matches!(node.kind.as_str(), "origin" | "destination" | "port") {
            v.push((3, n));
        }
    }
    v.sort_unstable();
    let mut seen = std::collections::HashSet::new();
    v.into_iter()
        .filter(|(_, n)| seen.insert(*n))
        .map(|(_, n)| n)
        .collect()
}

/// Font size of place labels on the corridor map.
const LABEL_PX: f64 = 11.0;
/// Marker radius.
const MARK_R: f64 = 2.6;

/// The place labels of the map, placed without overlaps (see [`svg::place_labels`]).
pub(crate) fn place_labels(
    net: &Network,
    routes: &[Route],
    p: svg::Project<'_>,
    size: (f64, f64),
) -> Vec<svg::Placed> {
    let places = labelled_places(net, routes);
    let marks: Vec<(f64, f64)> = places
        .iter()
        .map(|&n| p(net.nodes[n].lon, net.nodes[n].lat))
        .collect();
    let avoid: Vec<svg::LabelBox> = marks
        .iter()
        .map(|&(x, y)| (x - MARK_R, y - MARK_R, x + MARK_R, y + MARK_R))
        .collect();
    let requests: Vec<_> = places
        .iter()
        .zip(&marks)
        .map(|(&n, &(x, y))| {
            (
                short_name(&net.nodes[n].name).to_string(),
                svg::around(x, y, MARK_R, LABEL_PX),
            )
        })
        .collect();
    svg::place_labels(&requests, LABEL_PX, (0.0, 0.0, size.0, size.1), &avoid)
}

/// Routes drawn over the country outlines, coloured by family: land legs solid, sea and
/// ferry legs dashed along the sea lanes; where routes share track they run side by side,
/// [`GAP`] px apart; origins, destinations and ports marked, the main places labelled.
pub(crate) fn routes_map(
    net: &Network,
    routes: &[Route],
    window: (f64, f64, f64, f64),
    title: &str,
) -> String {
    let width = 868.0;
    let tracks = leg_tracks(net, routes);
    // Widen the window to the sea lanes (the Cape route's swings west into the Atlantic).
    let window = tracks
        .values()
        .flatten()
        .fold(window, |(a, b, c, d), &(x, y)| {
            (
                a.min(x - 2.0),
                b.max(x + 2.0),
                c.min(y - 2.0),
                d.max(y + 2.0),
            )
        });
    let (lon0, lon1, lat0, lat1) = window;
    let height = (lat1 - lat0) * width / ((lon1 - lon0) * ((lat0 + lat1) / 2.0).to_radians().cos());
    let overlay = |p: svg::Project<'_>| {
        // Which routes use each segment (its ends rounded to 0.1 px, either direction).
        let tenth = |q: (f64, f64)| ((q.0 * 10.0).round() as i64, (q.1 * 10.0).round() as i64);
        let key = |a: (f64, f64), b: (f64, f64)| {
            let (a, b) = (tenth(a), tenth(b));
            if a <= b {
                (a, b)
            } else {
                (b, a)
            }
        };
        let projected: HashMap<usize, Vec<(f64, f64)>> = tracks
            .iter()
            .map(|(l, t)| (*l, t.iter().map(|q| p(q.0, q.1)).collect()))
            .collect();
        let mut users: HashMap<_, Vec<usize>> = HashMap::new();
        for (i, r) in routes.iter().enumerate() {
            for leg in &r.links {
                for w in projected[leg].windows(2) {
                    let u = users.entry(key(w[0], w[1])).or_default();
                    if !u.contains(&i) {
                        u.push(i);
                    }
                }
            }
        }
        let mut s = String::new();
        for (i, r) in routes.iter().enumerate() {
            for (leg, pair) in r.links.iter().zip(r.nodes.windows(2)) {
                let water = matches!(net.links[*leg].mode.as_str(), "sea" | "ferry");
                let mut d = String::new();
                for w in projected[leg].windows(2) {
                    let k = key(w[0], w[1]);
                    let u = &users[&k];
                    let slot = u.iter().position(|&j| j == i).unwrap_or(0) as f64;
                    let off = (slot - (u.len() as f64 - 1.0) / 2.0) * GAP;
                    // The normal of the segment's canonical direction, the same for every
                    // route on it, so slots do not cross.
                    let (a, b) = if tenth(w[0]) <= tenth(w[1]) {
                        (w[0], w[1])
                    } else {
                        (w[1], w[0])
                    };
                    let len = ((b.0 - a.0).powi(2) + (b.1 - a.1).powi(2)).sqrt().max(1e-9);
                    let (nx, ny) = (-(b.1 - a.1) / len * off, (b.0 - a.0) / len * off);
                    let _ = write!(
                        d,
                        "{}{:.1} {:.1}L{:.1} {:.1}",
                        if d.is_empty() { "M" } else { "L" },
                        w[0].0 + nx,
                        w[0].1 + ny,
                        w[1].0 + nx,
                        w[1].1 + ny
                    );
                }
                // The leg's countries, those crossed without a node of their own included.
                let through = net.link_countries(*leg, pair[0]).join("–");
                let _ = write!(
                    s,
                    r#"<path d="{d}" fill="none" stroke="{}" stroke-width="{}" stroke-linecap="round" stroke-linejoin="round"{} opacity="0.9"><title>{}: {:.1} days; {} → {} through {}</title></path>"#,
                    color(&r.corridor),
                    if water { "1.8" } else { "2.6" },
                    if water {
                        r#" stroke-dasharray="6 4""#
                    } else {
                        ""
                    },
                    esc(&r.corridor),
                    r.days,
                    esc(&net.nodes[pair[0]].name),
                    esc(&net.nodes[pair[1]].name),
                    esc(&through)
                );
            }
        }
        for n in &net.nodes {
            if matches!(n.kind.as_str(), "origin" | "destination" | "port") {
                let (x, y) = p(n.lon, n.lat);
                let _ = write!(
                    s,
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="{MARK_R}" fill="#222"><title>{}</title></circle>"##,
                    esc(&n.name)
                );
            }
        }
        s.push_str(&svg::labels_svg(
            &place_labels(net, routes, p, (width, height)),
            LABEL_PX,
            "place",
        ));
        s
    };
    let desc: Vec<String> = routes
        .iter()
        .filter_map(|r| {
            Some(format!(
                "{}: {} → {}, {:.1} days, {:.0} km",
                r.corridor,
                short_name(&net.nodes[*r.nodes.first()?].name),
                short_name(&net.nodes[*r.nodes.last()?].name),
                r.days,
                r.km
            ))
        })
        .collect();
    svg::map_described(
        crate::geo::shapes(),
        window,
        width,
        &|_| None,
        title,
        &desc.join("; "),
        &overlay,
    )
}

pub(crate) fn section(
    scenario: &Scenario,
    options: &Options,
    notes: &mut Notes,
    summary: &mut Vec<String>,
    lead: &mut Vec<String>,
) -> String {
    if scenario.corridor_nodes.is_empty() {
        return String::new();
    }
    let focus = &scenario.corridor_focus;
    let name = if focus.name.is_empty() {
        "corridor network"
    } else {
        focus.name.as_str()
    };
    let net = Network::new(&scenario.corridor_nodes, &scenario.corridor_links);
    let routes = family_routes(&net);
    let map = routes_map(
        &net,
        &routes,
        (-12.0, 125.0, -37.0, 60.0),
        "Corridor families China–Europe",
    );
    let legend: String = COLORS
        .iter()
        .filter(|(f, _)| routes.iter().any(|r| r.corridor == *f))
        .map(|(f, c)| format!(r#"<span><i style="background:{c}"></i>{f}</span>"#))
        .collect();
    let mut table = String::new();
    // Each route cites the rows of its links and places (derived figures: sums over them).
    let route_sources = |r: &Route| -> Vec<String> {
        r.legs
            .iter()
            .filter_map(|l| net.link_index(&l.link))
            .map(|l| net.links[l].source.clone())
            .chain(r.nodes.iter().map(|&v| net.nodes[v].source.clone()))
            .collect()
    };
    for r in &routes {
        let (from, to) = (r.nodes[0], r.nodes[r.nodes.len() - 1]);
        let _ = write!(
            table,
            r#"<tr><td><i class="sw" style="background:{}"></i>{}{}</td><td>{} → {}</td><td class="n">{:.1}</td><td class="n">{:.0}</td><td class="n">{:.0}</td><td class="n">{}</td><td class="small">{}</td></tr>"#,
            color(&r.corridor),
            esc(&r.corridor),
            notes.cite(&route_sources(r)),
            esc(&net.nodes[from].name),
            esc(&net.nodes[to].name),
            r.days,
            r.km,
            r.cost_usd_feu,
            r.transshipments,
            esc(&r.countries.join("–"))
        );
    }
    if let (Some(fast), Some(slow)) = (
        routes.iter().min_by(|a, b| a.days.total_cmp(&b.days)),
        routes.iter().max_by(|a, b| a.days.total_cmp(&b.days)),
    ) {
        // One note for the summary: the route table cites each link's row.
        let cite = notes.cite_note(
            "computed:corridor-routes",
            "Fastest route of each corridor family computed by astana over the scenario's corridor network (corridor/nodes.csv, corridor/links.csv; the route table cites each route's rows). Days are modelled, not observed.",
        );
        lead.push(format!(
            "<b>Corridors.</b> The fastest modelled China–Europe route runs by the {} corridor in <b>{:.1} days</b>, the slowest by the {} corridor in {:.1} days{cite}; days include dwell at borders, gauge changes and ports.",
            esc(&fast.corridor),
            fast.days,
            esc(&slow.corridor),
            slow.days
        ));
        summary.push(format!(
            "Corridors: fastest modelled route {} ({:.1} days), slowest {} ({:.1} days)",
            fast.corridor, fast.days, slow.corridor, slow.days
        ));
    }
    // Volumes.
    let vol_id = focus.volumes.as_str();
    let mut vol_rows: Vec<_> = scenario
        .volumes
        .iter()
        .filter(|v| !vol_id.is_empty() && v.corridor == vol_id)
        .collect();
    vol_rows.sort_by_key(|v| v.year);
    let capacity = vol_rows
        .iter()
        .filter(|v| v.kind == "capacity")
        .max_by_key(|v| v.year)
        .map(|v| v.tonnes / 1e6);
    let report =
        astana_freight_corridor::volumes::report(&scenario.volumes, vol_id, 3, 2030, capacity)
            .unwrap_or_else(|_| astana_freight_corridor::volumes::VolumeReport {
                corridor: vol_id.into(),
                series: Vec::new(),
                cagr: None,
                capacity_mt: capacity,
                projection: Vec::new(),
            });
    let pts = |pred: &dyn Fn(&astana_model::corridor::Volume) -> bool| -> Vec<(f64, f64)> {
        vol_rows
            .iter()
            .filter(|v| pred(v))
            .map(|v| (f64::from(v.year), v.tonnes / 1e6))
            .collect()
    };
    let actual = pts(&|v| v.kind == "actual" && v.period == "FY");
    let mut projected: Vec<(f64, f64)> = actual.last().copied().into_iter().collect();
    projected.extend(report.projection.iter().map(|y| (f64::from(y.year), y.mt)));
    let potential = pts(&|v| v.kind == "potential");
    let partial = pts(&|v| v.kind == "actual" && v.period != "FY");
    let top = vol_rows
        .iter()
        .map(|v| v.tonnes / 1e6)
        .chain(projected.iter().map(|p| p.1))
        .fold(1.0f64, f64::max);
    let mut series = vec![
        Series {
            name: "TITR volume, Mt".into(),
            color: "#00a3c4",
            dashed: false,
            points: actual.clone(),
        },
        Series {
            name: "projection, capped".into(),
            color: "#00a3c4",
            dashed: true,
            points: projected.clone(),
        },
        Series {
            name: "part-year figures".into(),
            color: "#7f8c8d",
            dashed: true,
            points: partial,
        },
        Series {
            name: "World Bank potential".into(),
            color: "#c0392b",
            dashed: true,
            points: potential.clone(),
        },
    ];
    if let (Some(c), Some(first)) = (capacity, actual.first()) {
        series.push(Series {
            name: format!("capacity {c:.1} Mt"),
            color: "#555",
            dashed: true,
            points: vec![(first.0, c), (2030.0, c)],
        });
    }
    let volume_chart = svg::lines_axes(
        &series,
        &[],
        (868.0, 260.0),
        (0.0, top),
        &|y| format!("{} Mt", svg::num(y)),
        &format!("{name} volumes"),
        ("year", "million tonnes (Mt)"),
    );
    let vol_notes: Vec<String> = vol_rows
        .iter()
        .map(|v| {
            format!(
                "{} {} {:.3} Mt {}",
                v.year,
                v.period,
                v.tonnes / 1e6,
                if v.estimate {
                    format!("(estimate) {}", notes.cite(&[&v.source]))
                } else {
                    notes.cite(&[&v.source])
                }
            )
        })
        .collect();
    // Bottleneck of the scenario's corridor between the places its `[corridor]` names.
    let find = |q: &str| net.find(q).ok();
    let ends = (
        focus.from.iter().find_map(|q| find(q)),
        (!focus.to.is_empty()).then(|| find(&focus.to)).flatten(),
    );
    let bottleneck = match ends {
        (Some(s), Some(t)) => {
            let cap: Vec<f64> = net
                .links
                .iter()
                .map(|l| l.capacity_teu_year.unwrap_or(f64::INFINITY))
                .collect();
            // No family network (a search too large, say): no bottleneck line, not a 0.
            let b = flow::family_links(&net, s, t, &focus.family, 30)
                .and_then(|ok| flow::max_flow(&net, s, t, &cap, &ok))
                .unwrap_or(flow::Bottleneck {
                    max_flow_teu_year: None,
                    cut: Vec::new(),
                    flows: Vec::new(),
                });
            let cut: Vec<String> = b
                .cut
                .iter()
                .map(|c| {
                    format!(
                        "{} {} → {} ({}, {:.0} TEU/yr)",
                        c.link,
                        net.find(&c.from)
                            .map_or(c.from.clone(), |v| net.nodes[v].name.clone()),
                        net.find(&c.to)
                            .map_or(c.to.clone(), |v| net.nodes[v].name.clone()),
                        c.mode,
                        c.capacity_teu_year
                    )
                })
                .collect();
            b.max_flow_teu_year.map_or(String::new(), |m| {
                summary.push(format!(
                    "{name} bottleneck {} → {}: {:.0} TEU/yr, bound by {}",
                    net.nodes[s].name,
                    net.nodes[t].name,
                    m,
                    cut.join("; ")
                ));
                format!(
                    "<p>From {} to {} the {} carries at most <b>{:.0} TEU a year</b> (maximum flow over the links' stated capacities); the binding links are {}{}.</p>",
                    esc(&net.nodes[s].name),
                    esc(&net.nodes[t].name),
                    esc(name),
                    m,
                    esc(&cut.join("; ")),
                    notes.cite(
                        &b.cut
                            .iter()
                            .filter_map(|c| net.link_index(&c.link))
                            .map(|l| net.links[l].source.clone())
                            .collect::<Vec<_>>()
                    )
                )
            })
        }
        _ if focus.from.is_empty() || focus.to.is_empty() => "<p>The scenario names no bottleneck to compute (its <code>[corridor]</code> table's <code>from</code> and <code>to</code>).</p>".to_string(),
        _ => format!(
            "<p>The scenario's bottleneck places ({} → {}) are not in its corridor network, so no bottleneck is computed.</p>",
            esc(&focus.from.join(" or ")),
            esc(&focus.to)
        ),
    };
    // The commands that reproduce the section, from the scenario's places.
    let bottleneck_cmd = match (
        focus.from.iter().find(|q| find(q).is_some()),
        focus.to.as_str(),
    ) {
        (Some(f), t) if !t.is_empty() => format!(
            ", <code>astana corridor bottleneck --from {} --to {}{}</code>",
            esc_text(&place_word(f)),
            esc_text(&place_word(t)),
            if focus.family.is_empty() {
                String::new()
            } else {
                format!(" --corridor {}", esc_text(&focus.family))
            }
        ),
        _ => String::new(),
    };
    let first_of = |kind: &str, preferred: &str| {
        if preferred.is_empty() {
            net.nodes
                .iter()
                .find(|n| n.kind == kind)
                .map_or(String::new(), |n| place_word(&n.id))
        } else {
            place_word(preferred)
        }
    };
    let routes_cmd = format!(
        "<code>astana corridor routes --from {} --to {}</code>",
        esc_text(&first_of("origin", &focus.routes_from)),
        esc_text(&first_of("destination", &focus.routes_to))
    );
    // Simulation: the default demand between every origin and destination.
    let demand = 120_000.0;
    let streams =
        sim::streams(&net, &net.od_pairs(), demand, &Filter::default()).unwrap_or_default();
    let result = sim::simulate(
        &net,
        &streams,
        &sim::Settings {
            days: 365.0,
            seed: 1,
            teu_per_shipment: 82.0,
            caspian_closure: 0.08,
        },
        &mut |_| {},
    );
    // An overloaded network has no steady state: say why instead of drawing a transient.
    let (result, sim_note) = match result {
        Ok(r) => (r, String::new()),
        Err(e) => (
            sim::SimResult::default(),
            format!("<p>The simulation did not run: {}</p>", esc(&e.to_string())),
        ),
    };
    let cdf: Vec<Series> = result
        .transit
        .iter()
        .filter(|(_, v)| v.len() >= 20)
        .map(|(f, v)| {
            let n = v.len() as f64;
            Series {
                name: format!("{f} ({} trains)", v.len()),
                color: color(f),
                dashed: false,
                points: (0..=20)
                    .map(|i| {
                        let k = ((n - 1.0) * f64::from(i) / 20.0).round() as usize;
                        (v[k.min(v.len() - 1)], f64::from(i) / 20.0)
                    })
                    .collect(),
            }
        })
        .collect();
    let transit_chart = svg::lines_axes(
        &cdf,
        &[],
        (868.0, 240.0),
        (0.0, 1.0),
        &|y| format!("{}%", svg::num((y * 1000.0).round() / 10.0)),
        "Share of trains delivered within x days",
        ("transit time, days", "share of trains, %"),
    );
    let mut sim_table = String::new();
    for (f, s) in &result.corridors {
        let _ = write!(
            sim_table,
            r#"<tr><td><i class="sw" style="background:{}"></i>{}</td><td class="n">{}</td><td class="n">{:.1}</td><td class="n">{:.1}</td><td class="n">{:.1}</td></tr>"#,
            color(f),
            esc(f),
            s.shipments,
            s.mean_days,
            s.p50_days,
            s.p95_days
        );
    }
    let worst_queue = result
        .nodes
        .iter()
        .max_by(|a, b| a.1.mean_wait_hours.total_cmp(&b.1.mean_wait_hours))
        .map(|(id, s)| {
            let name = net.find(id).map_or_else(
                |_| {
                    net.link_index(id).map_or(id.clone(), |l| {
                        format!("the sailing {} → {}", net.links[l].from, net.links[l].to)
                    })
                },
                |v| net.nodes[v].name.clone(),
            );
            let util = if s.utilisation > 0.0 {
                format!(", utilisation {:.0}%", s.utilisation * 100.0)
            } else {
                String::new()
            };
            format!(
                "The longest mean wait is for {} ({:.1} hours{util}).",
                esc(&name),
                s.mean_wait_hours
            )
        })
        .unwrap_or_default();
    let sources: Vec<String> = {
        let mut ids: Vec<&str> = scenario
            .corridor_links
            .iter()
            .map(|l| l.source.as_str())
            .chain(scenario.corridor_nodes.iter().map(|n| n.source.as_str()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        vec![notes.cite(&ids)]
    };
    let estimated = scenario
        .corridor_links
        .iter()
        .filter(|l| l.note.contains("ESTIMATE"))
        .count();
    format!(
        r#"<section id="corridor"><h2>Connectivity: the {name} and its rivals</h2>
<p>The network holds {nodes} places and {links} links from China to Europe, each with its source ({estimated} link rows carry at least one figure the team estimated, and say how; sea and ferry legs are dashed, drawn along the shipping lanes of Eurostat’s SeaRoute network; routes that share track run side by side). For each corridor family the map draws the fastest modelled route; days include dwell at borders, gauge changes and ports.</p>
<div class="legendbar">{legend}</div>
{map}
<table><tr><th>Corridor</th><th>Route</th><th class="n">Days</th><th class="n">km</th><th class="n">USD/FEU</th><th class="n">Transfers</th><th>Countries</th></tr>{table}</table>
{volumes}
<h3>Bottleneck</h3>
{bottleneck}
<h3>Simulated transit times</h3>
<p>One simulated year: {demand:.0} TEU a year between every origin and destination, split by a logit model on generalised cost; trains of 82 TEU; border stations and ports queue; Caspian sailings follow their timetables and are cancelled on 8% of sailings for weather (an assumption from the reported ~50% closures at Kuryk in November–December){sim_cite}. {worst_queue}</p>
{sim_note}{transit_chart}
<table><tr><th>Corridor</th><th class="n">Trains</th><th class="n">Mean days</th><th class="n">Median</th><th class="n">95th percentile</th></tr>{sim_table}</table>
<p class="small">Network sources: {sources}. Run it{scenario_flag}: {routes_cmd}{bottleneck_cmd}, <code>astana corridor simulate</code>.</p>
</section>"#,
        nodes = net.nodes.len(),
        links = net.links.len(),
        name = esc(name),
        volumes = if vol_rows.is_empty() {
            String::new()
        } else {
            format!(
                r#"<h3>Volumes</h3>
<p>The {route} carried {last_mt} in {last_year}{cagr}. The dashed line extrapolates the last three years' growth, capped at the route's stated capacity; the World Bank puts the corridor's potential at {potential} by 2030.</p>
{volume_chart}
<p class="small">Figures: {vol_notes}.</p>"#,
                route = esc(if focus.volumes_name.is_empty() {
                    name
                } else {
                    &focus.volumes_name
                }),
                last_mt = actual
                    .last()
                    .map_or("—".to_string(), |p| format!("{:.2} Mt", p.1)),
                last_year = actual.last().map_or(0.0, |p| p.0),
                cagr = report.cagr.map_or(String::new(), |g| format!(
                    ", {:+.0}% a year over the last three years",
                    g * 100.0
                )),
                potential = potential
                    .last()
                    .map_or("—".to_string(), |p| format!("{:.0} Mt", p.1)),
                vol_notes = vol_notes.join("; "),
            )
        },
        // The embedded scenario needs no flag; another one is named as the reader gave it.
        scenario_flag = options
            .scenario_dir
            .as_deref()
            .map(|d| format!(" (with <code>--scenario {}</code>)", esc(&crate::shell_word(d))))
            .unwrap_or_default(),
        sim_cite = notes.cite_note(
            "computed:corridor-simulation",
            &format!("Simulated by astana over the scenario's corridor network (corridor/nodes.csv, corridor/links.csv, each row sourced): one year, seed 1, a demand of {demand:.0} TEU a year per origin–destination pair (an assumption), trains of 82 TEU, 8% of Caspian sailings cancelled (an assumption); an estimate, not a forecast."),
        ),
        sources = sources.join(" "),
    )
}

/// Escapes text content (not an attribute): quotes stay as typed in a command.
fn esc_text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A place as typed on a command line: an id in title case (`ALTYNKOL` → `Altynkol`), a
/// name as given, quoted when it holds anything a shell would split or interpret.
fn place_word(q: &str) -> String {
    let word = if q.bytes().all(|b| b.is_ascii_uppercase() || b == b'_') {
        let lower = q.to_ascii_lowercase();
        let mut c = lower.chars();
        c.next().map_or(String::new(), |f| {
            f.to_ascii_uppercase().to_string() + c.as_str()
        })
    } else {
        q.to_string()
    };
    if word
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_".contains(&b))
    {
        word
    } else {
        format!("\"{}\"", word.replace('"', "\\\""))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brief_map() -> (Network, Vec<Route>, String) {
        let (s, _) = astana_scenario::load_embedded().expect("embedded scenario");
        let net = Network::new(&s.corridor_nodes, &s.corridor_links);
        let routes = family_routes(&net);
        let map = routes_map(&net, &routes, (-12.0, 125.0, -37.0, 60.0), "Corridor");
        (net, routes, map)
    }

    fn attr(tag: &str, name: &str) -> String {
        let k = format!(r#" {name}=""#);
        let i = tag
            .find(&k)
            .map(|i| i + k.len())
            .unwrap_or_else(|| panic!("{name} in {tag}"));
        tag[i..i + tag[i..].find('"').expect("quote")].to_string()
    }

    /// The (text, box) of each place label in the drawn map.
    fn labels(map: &str) -> Vec<(String, svg::LabelBox)> {
        map.split("<text ")
            .skip(1)
            .filter(|t| t.starts_with(r#"class="place""#))
            .map(|t| {
                let t = format!(" {t}");
                let text =
                    t[t.find('>').expect(">") + 1..t.find("</text>").expect("end")].to_string();
                let n = |k: &str| attr(&t, k).parse::<f64>().expect("number");
                let b = svg::text_box(
                    &text,
                    n("font-size"),
                    n("x"),
                    n("y"),
                    &attr(&t, "text-anchor"),
                );
                (text, b)
            })
            .collect()
    }

    #[test]
    fn the_main_places_are_labelled_without_overlaps() {
        let (_, _, map) = brief_map();
        let l = labels(&map);
        for want in [
            "Rotterdam",
            "Duisburg",
            "Xi'an",
            "Shanghai",
            "Singapore",
            "Suez Canal",
            "Cape of Good Hope",
            "Aktau",
            "Poti",
            "Port of Baku",
        ] {
            assert!(
                l.iter().any(|(t, _)| t == want),
                "{want} not labelled: {l:?}"
            );
        }
        for (i, a) in l.iter().enumerate() {
            for b in &l[i + 1..] {
                assert!(!svg::overlaps(a.1, b.1), "{a:?} overlaps {b:?}");
            }
        }
    }

    /// The points of the drawn path whose tooltip contains `needle`.
    fn path_points(map: &str, needle: &str) -> Vec<Vec<(f64, f64)>> {
        map.split("<path d=\"")
            .skip(1)
            .filter(|p| p[..p.find("</path>").unwrap_or(p.len())].contains(needle))
            .map(|p| {
                p[..p.find('"').expect("d")]
                    .split(['M', 'L'])
                    .filter(|s| !s.is_empty())
                    .map(|xy| {
                        let (x, y) = xy.split_once(' ').expect("x y");
                        (x.parse().expect("x"), y.parse().expect("y"))
                    })
                    .collect()
            })
            .collect()
    }

    /// Today's map draws each sea leg as one straight segment.
    #[test]
    fn sea_legs_follow_the_lanes() {
        let (_, _, map) = brief_map();
        for leg in [
            "Singapore (sea waypoint) → Suez Canal",
            "Singapore (sea waypoint) → Cape of Good Hope",
            "Cape of Good Hope (sea waypoint) → Rotterdam",
        ] {
            let paths = path_points(&map, leg);
            assert_eq!(paths.len(), 1, "{leg}");
            assert!(paths[0].len() > 20, "{leg}: {} points", paths[0].len());
        }
    }

    /// The sea-suez and sea-cape routes share Shanghai → Singapore: drawn side by side, not
    /// one over the other.
    #[test]
    fn routes_sharing_track_run_side_by_side() {
        let (_, routes, map) = brief_map();
        assert!(routes.iter().any(|r| r.corridor == "sea-suez"));
        assert!(routes.iter().any(|r| r.corridor == "sea-cape"));
        let suez = path_points(&map, "sea-suez: ");
        let cape = path_points(&map, "sea-cape: ");
        let leg = |ps: &[Vec<(f64, f64)>]| {
            ps.iter()
                .find(|p| p.len() > 5 && p[0].1 < p[p.len() - 1].1 - 100.0)
                .cloned()
                .expect("the Shanghai–Singapore leg, southward")
        };
        let (a, b) = (leg(&suez), leg(&cape));
        // Each point of one lies ~GAP px from the other's, never on it.
        for (p, q) in a.iter().zip(&b) {
            let d = ((p.0 - q.0).powi(2) + (p.1 - q.1).powi(2)).sqrt();
            assert!(d > GAP * 0.5 && d < GAP * 3.0, "{p:?} vs {q:?}: {d:.1} px");
        }
    }

    /// The maritime network's distances against the corridor data's sea-leg km (printed
    /// with `--nocapture` for data/geo/README.md): legs over 1000 km agree within 6%.
    #[test]
    fn sea_distances_agree_with_the_links() {
        let (s, _) = astana_scenario::load_embedded().expect("embedded scenario");
        let net = Network::new(&s.corridor_nodes, &s.corridor_links);
        println!("| link | from → to | links.csv km | network km | difference |\n|---|---|---:|---:|---:|");
        let mut worst = Vec::new();
        for l in s
            .corridor_links
            .iter()
            .filter(|l| matches!(l.mode.as_str(), "sea" | "ferry"))
        {
            let at = |id: &str| {
                let v = net.find(id).expect("node");
                (net.nodes[v].lon, net.nodes[v].lat)
            };
            let Some(p) = crate::geo::sea_path(at(&l.from), at(&l.to)) else {
                println!(
                    "| {} | {} → {} | {:.0} | off the network | |",
                    l.id, l.from, l.to, l.km
                );
                continue;
            };
            let diff = p.km / l.km - 1.0;
            println!(
                "| {} | {} → {} | {:.0} | {:.0} | {:+.1}% |",
                l.id,
                l.from,
                l.to,
                l.km,
                p.km,
                diff * 100.0
            );
            // Short Caspian legs differ most: the network has one sparse Caspian lane, which
            // Kuryk joins about 60 km north, at Aktau.
            if l.km > 1000.0 {
                worst.push((diff.abs(), l.id.clone()));
            }
        }
        assert!(worst.len() >= 9, "{} long legs on the network", worst.len());
        worst.sort_by(|a, b| b.0.total_cmp(&a.0));
        assert!(worst[0].0 < 0.06, "{worst:?}");
    }
}

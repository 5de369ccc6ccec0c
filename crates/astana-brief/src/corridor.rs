//! The connectivity section: corridor families China→Europe on the map, the route
//! comparison, the Middle Corridor's volumes against capacity and the 2030 potential, the
//! bottleneck, and the simulated transit-time distribution.

use crate::svg::{self, esc, Series};
use crate::Notes;
use astana_freight_corridor::{flow, k_best, sim, By, Filter, Network, Route, Weights};
use astana_model::corridor::FAMILIES;
use astana_model::Scenario;
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

/// Routes drawn over the country outlines, coloured by family: land legs solid, sea and
/// ferry legs dashed; origins, destinations and ports marked.
pub(crate) fn routes_map(
    net: &Network,
    routes: &[Route],
    window: (f64, f64, f64, f64),
    title: &str,
) -> String {
    let overlay = |p: svg::Project<'_>| {
        let mut s = String::new();
        for r in routes {
            // Land legs solid; sea and ferry legs dashed (drawn straight: schematic).
            for (leg, pair) in r.links.iter().zip(r.nodes.windows(2)) {
                let (x0, y0) = p(net.nodes[pair[0]].lon, net.nodes[pair[0]].lat);
                let (x1, y1) = p(net.nodes[pair[1]].lon, net.nodes[pair[1]].lat);
                let water = matches!(net.links[*leg].mode.as_str(), "sea" | "ferry");
                // The leg's countries, those crossed without a node of their own included.
                let through = net.link_countries(*leg, pair[0]).join("–");
                let _ = write!(
                    s,
                    r#"<path d="M{x0:.1} {y0:.1}L{x1:.1} {y1:.1}" fill="none" stroke="{}" stroke-width="{}" stroke-linecap="round"{} opacity="0.9"><title>{}: {:.1} days; {} → {} through {}</title></path>"#,
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
                    r##"<circle cx="{x:.1}" cy="{y:.1}" r="2.6" fill="#222"><title>{}</title></circle>"##,
                    esc(&n.name)
                );
            }
        }
        s
    };
    svg::map_with(
        crate::geo::shapes(),
        window,
        868.0,
        &|_| None,
        title,
        &overlay,
    )
}

pub(crate) fn section(
    scenario: &Scenario,
    notes: &mut Notes,
    summary: &mut Vec<String>,
    lead: &mut Vec<String>,
) -> String {
    if scenario.corridor_nodes.is_empty() {
        return String::new();
    }
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
    let mut vol_rows: Vec<_> = scenario
        .volumes
        .iter()
        .filter(|v| v.corridor == "middle")
        .collect();
    vol_rows.sort_by_key(|v| v.year);
    let capacity = vol_rows
        .iter()
        .filter(|v| v.kind == "capacity")
        .max_by_key(|v| v.year)
        .map(|v| v.tonnes / 1e6);
    let report =
        astana_freight_corridor::volumes::report(&scenario.volumes, "middle", 3, 2030, capacity)
            .unwrap_or_else(|_| astana_freight_corridor::volumes::VolumeReport {
                corridor: "middle".into(),
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
    let volume_chart = svg::lines(
        &series,
        &[],
        868.0,
        260.0,
        (0.0, (top * 1.1).ceil()),
        &|y| format!("{y:.0} Mt"),
        "Middle Corridor volumes",
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
    // Bottleneck on the Middle Corridor via the Caspian, from the Kazakh border to Georgia.
    let find = |q: &str| net.find(q).ok();
    let bottleneck = match (find("ALTYNKOL").or_else(|| find("DOSTYK")), find("POTI")) {
        (Some(s), Some(t)) => {
            let cap: Vec<f64> = net
                .links
                .iter()
                .map(|l| l.capacity_teu_year.unwrap_or(f64::INFINITY))
                .collect();
            // No family network (a search too large, say): no bottleneck line, not a 0.
            let b = flow::family_links(&net, s, t, "middle-caspian", 30)
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
                    "Middle Corridor bottleneck {} → {}: {:.0} TEU/yr, bound by {}",
                    net.nodes[s].name,
                    net.nodes[t].name,
                    m,
                    cut.join("; ")
                ));
                format!(
                    "<p>From {} to {} the Middle Corridor carries at most <b>{:.0} TEU a year</b> (maximum flow over the links' stated capacities); the binding links are {}{}.</p>",
                    esc(&net.nodes[s].name),
                    esc(&net.nodes[t].name),
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
        _ => String::new(),
    };
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
    let transit_chart = svg::lines(
        &cdf,
        &[],
        868.0,
        240.0,
        (0.0, 1.0),
        &|y| format!("{:.0}%", y * 100.0),
        "Share of trains delivered within x days",
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
        r#"<section id="corridor"><h2>Connectivity: the Middle Corridor and its rivals</h2>
<p>The network holds {nodes} places and {links} links from China to Europe, each with its source ({estimated} link rows carry at least one figure the team estimated, and say how; sea legs are drawn straight, dashed). For each corridor family the map draws the fastest modelled route; days include dwell at borders, gauge changes and ports.</p>
<div class="legendbar">{legend}</div>
{map}
<table><tr><th>Corridor</th><th>Route</th><th class="n">Days</th><th class="n">km</th><th class="n">USD/FEU</th><th class="n">Transfers</th><th>Countries</th></tr>{table}</table>
<h3>Volumes</h3>
<p>The Trans-Caspian route carried {last_mt} in {last_year}{cagr}. The dashed line extrapolates the last three years' growth, capped at the route's stated capacity; the World Bank puts the corridor's potential at {potential} by 2030.</p>
{volume_chart}
<p class="small">Figures: {vol_notes}.</p>
<h3>Bottleneck</h3>
{bottleneck}
<h3>Simulated transit times</h3>
<p>One simulated year: {demand:.0} TEU a year between every origin and destination, split by a logit model on generalised cost; trains of 82 TEU; border stations and ports queue; Caspian sailings follow their timetables and are cancelled on 8% of sailings for weather (an assumption from the reported ~50% closures at Kuryk in November–December){sim_cite}. {worst_queue}</p>
{sim_note}{transit_chart}
<table><tr><th>Corridor</th><th class="n">Trains</th><th class="n">Mean days</th><th class="n">Median</th><th class="n">95th percentile</th></tr>{sim_table}</table>
<p class="small">Network sources: {sources}. Run it: <code>astana corridor routes --from "Xi'an" --to Duisburg</code>, <code>astana corridor bottleneck --from Altynkol --to Poti --corridor middle-caspian</code>, <code>astana corridor simulate</code>.</p>
</section>"#,
        nodes = net.nodes.len(),
        links = net.links.len(),
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
        sim_cite = notes.cite_note(
            "computed:corridor-simulation",
            &format!("Simulated by astana over the scenario's corridor network (corridor/nodes.csv, corridor/links.csv, each row sourced): one year, seed 1, a demand of {demand:.0} TEU a year per origin–destination pair (an assumption), trains of 82 TEU, 8% of Caspian sailings cancelled (an assumption); an estimate, not a forecast."),
        ),
        sources = sources.join(" "),
    )
}

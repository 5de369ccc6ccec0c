//! The corridor network files: `nodes.csv`, `links.csv` and `volumes.csv`. Every bad field
//! is reported with its line; then the network as a whole is checked (unknown node in a
//! link, a node with no links, duplicate ids).

use crate::diag::{Diagnostic, Diagnostics};
use crate::table::{self, Row};
use astana_model::corridor::{Link, Node, Volume, FAMILIES, MAX_SERVERS};
use astana_model::iso;
use foldhash::{HashMap, HashMapExt};
use std::collections::hash_map::Entry;

/// Most sailings a week a scheduled link may have (one every ~10 minutes).
const MAX_DEPARTURES_WEEK: f64 = 1_000.0;

/// Source-id check shared with the other tables.
pub(crate) type CheckSource<'a> = &'a dyn Fn(&str, usize, &str, &mut Diagnostics);

fn number(
    file: &str,
    row: &Row<'_>,
    col: &str,
    optional: bool,
    diags: &mut Diagnostics,
) -> Option<f64> {
    let v = row.get(col);
    if v.is_empty() {
        if !optional {
            diags.push(
                Diagnostic::error(file, "empty value")
                    .at_line(row.line)
                    .field(col),
            );
        }
        return None;
    }
    match v.parse::<f64>() {
        Ok(x) if x.is_finite() => Some(x),
        _ => {
            diags.push(
                Diagnostic::error(file, format!("`{v}` is not a number"))
                    .at_line(row.line)
                    .field(col),
            );
            None
        }
    }
}

fn non_negative(file: &str, row: &Row<'_>, col: &str, x: Option<f64>, diags: &mut Diagnostics) {
    if let Some(x) = x {
        if x < 0.0 {
            diags.push(
                Diagnostic::error(file, format!("{col} {x} is negative"))
                    .at_line(row.line)
                    .field(col),
            );
        }
    }
}

fn one_of(file: &str, row: &Row<'_>, col: &str, allowed: &[&str], diags: &mut Diagnostics) {
    let v = row.get(col);
    if !allowed.contains(&v) {
        diags.push(
            Diagnostic::error(
                file,
                format!("{col} `{v}` is not one of {}", allowed.join(", ")),
            )
            .at_line(row.line)
            .field(col),
        );
    }
}

pub(crate) fn read_nodes(
    file: &str,
    text: &str,
    check_source: CheckSource<'_>,
    diags: &mut Diagnostics,
) -> Vec<(Node, usize)> {
    let mut out = Vec::new();
    table::read(
        file,
        text,
        &["id", "name", "country", "lat", "lon", "kind", "source"],
        &["dwell_hours", "handling_usd_feu", "servers", "note"],
        diags,
        |row, diags| {
            let id = row.get("id");
            if id.is_empty() {
                diags.push(
                    Diagnostic::error(file, "empty value")
                        .at_line(row.line)
                        .field("id"),
                );
            }
            let country = row.get("country");
            if !iso::is_alpha3(country) {
                diags.push(
                    Diagnostic::error(
                        file,
                        format!("country `{country}` is not an ISO 3166 alpha-3 code"),
                    )
                    .at_line(row.line)
                    .field("country")
                    .hint("use e.g. KAZ, CHN, AZE"),
                );
            }
            let lat = number(file, row, "lat", false, diags);
            let lon = number(file, row, "lon", false, diags);
            if lat.is_some_and(|x| !(-90.0..=90.0).contains(&x)) {
                diags.push(
                    Diagnostic::error(
                        file,
                        format!("latitude {} is outside -90..90", row.get("lat")),
                    )
                    .at_line(row.line)
                    .field("lat"),
                );
            }
            if lon.is_some_and(|x| !(-180.0..=180.0).contains(&x)) {
                diags.push(
                    Diagnostic::error(
                        file,
                        format!("longitude {} is outside -180..180", row.get("lon")),
                    )
                    .at_line(row.line)
                    .field("lon"),
                );
            }
            one_of(
                file,
                row,
                "kind",
                &["origin", "border", "port", "hub", "destination"],
                diags,
            );
            let dwell = number(file, row, "dwell_hours", true, diags);
            non_negative(file, row, "dwell_hours", dwell, diags);
            let handling = number(file, row, "handling_usd_feu", true, diags);
            non_negative(file, row, "handling_usd_feu", handling, diags);
            let servers = match row.get("servers") {
                "" => None,
                s => {
                    match s.parse::<u32>() {
                        // Bounded: the simulation allocates one slot per server.
                        Ok(c) if (1..=MAX_SERVERS).contains(&c) => Some(c),
                        _ => {
                            diags.push(
                            Diagnostic::error(
                                file,
                                format!("servers `{s}` is not a whole number from 1 to {MAX_SERVERS}"),
                            )
                            .at_line(row.line)
                            .field("servers"),
                        );
                            None
                        }
                    }
                }
            };
            check_source(file, row.line, row.get("source"), diags);
            out.push((
                Node {
                    id: id.to_string(),
                    name: row.get("name").to_string(),
                    country: country.to_string(),
                    lat: lat.unwrap_or(0.0),
                    lon: lon.unwrap_or(0.0),
                    kind: row.get("kind").to_string(),
                    dwell_hours: dwell.unwrap_or(0.0),
                    handling_usd_feu: handling.unwrap_or(0.0),
                    servers,
                    source: row.get("source").to_string(),
                    note: row.get("note").to_string(),
                },
                row.line,
            ));
        },
    );
    out
}

pub(crate) fn read_links(
    file: &str,
    text: &str,
    check_source: CheckSource<'_>,
    diags: &mut Diagnostics,
) -> Vec<(Link, usize)> {
    let mut out = Vec::new();
    table::read(
        file,
        text,
        &[
            "id",
            "from",
            "to",
            "mode",
            "km",
            "hours",
            "cost_usd_feu",
            "source",
        ],
        &[
            "gauge",
            "capacity_teu_year",
            "departures_week",
            "family",
            "crosses",
            "note",
        ],
        diags,
        |row, diags| {
            for col in ["id", "from", "to"] {
                if row.get(col).is_empty() {
                    diags.push(
                        Diagnostic::error(file, "empty value")
                            .at_line(row.line)
                            .field(col),
                    );
                }
            }
            one_of(file, row, "mode", &["rail", "ferry", "sea", "road"], diags);
            let km = number(file, row, "km", false, diags);
            let hours = number(file, row, "hours", false, diags);
            for (col, x) in [("km", km), ("hours", hours)] {
                if x.is_some_and(|x| x <= 0.0) {
                    diags.push(
                        Diagnostic::error(file, format!("{col} must be positive"))
                            .at_line(row.line)
                            .field(col),
                    );
                }
            }
            let cost = number(file, row, "cost_usd_feu", false, diags);
            non_negative(file, row, "cost_usd_feu", cost, diags);
            let capacity = number(file, row, "capacity_teu_year", true, diags);
            non_negative(file, row, "capacity_teu_year", capacity, diags);
            let departures = number(file, row, "departures_week", true, diags);
            non_negative(file, row, "departures_week", departures, diags);
            // A timetable denser than one sailing every 10 minutes is not a timetable, and
            // the simulation counts sailings one by one.
            if departures.is_some_and(|d| d > MAX_DEPARTURES_WEEK) {
                diags.push(
                    Diagnostic::error(
                        file,
                        format!(
                            "departures_week {} is above {MAX_DEPARTURES_WEEK}",
                            row.get("departures_week")
                        ),
                    )
                    .at_line(row.line)
                    .field("departures_week"),
                );
            }
            let mut crosses = Vec::new();
            for c in row
                .get("crosses")
                .split(';')
                .map(str::trim)
                .filter(|c| !c.is_empty())
            {
                if iso::is_alpha3(c) {
                    crosses.push(c.to_string());
                } else {
                    let near = iso::suggestions(c);
                    diags.push(
                        Diagnostic::error(
                            file,
                            format!("crosses `{c}` is not an ISO 3166 alpha-3 code"),
                        )
                        .at_line(row.line)
                        .field("crosses")
                        .hint(if near.is_empty() {
                            "countries separated by `;`, e.g. BGR;SRB".to_string()
                        } else {
                            format!("did you mean {}?", near.join(", "))
                        }),
                    );
                }
            }
            let gauge = match row.get("gauge") {
                "" => None,
                g => match g.parse::<u32>() {
                    Ok(x) => Some(x),
                    Err(_) => {
                        diags.push(
                            Diagnostic::error(file, format!("gauge `{g}` is not a number of mm"))
                                .at_line(row.line)
                                .field("gauge"),
                        );
                        None
                    }
                },
            };
            let family = match row.get("family") {
                "" => None,
                f if FAMILIES.contains(&f) => Some(f.to_string()),
                f => {
                    diags.push(
                        Diagnostic::error(
                            file,
                            format!("family `{f}` is not one of {}", FAMILIES.join(", ")),
                        )
                        .at_line(row.line)
                        .field("family")
                        .hint("leave it empty for a link shared by several corridors"),
                    );
                    None
                }
            };
            check_source(file, row.line, row.get("source"), diags);
            out.push((
                Link {
                    id: row.get("id").to_string(),
                    from: row.get("from").to_string(),
                    to: row.get("to").to_string(),
                    mode: row.get("mode").to_string(),
                    km: km.unwrap_or(1.0),
                    hours: hours.unwrap_or(1.0),
                    gauge,
                    cost_usd_feu: cost.unwrap_or(0.0),
                    capacity_teu_year: capacity,
                    departures_week: departures,
                    family,
                    crosses,
                    source: row.get("source").to_string(),
                    note: row.get("note").to_string(),
                },
                row.line,
            ));
        },
    );
    out
}

/// Cross-file checks: duplicate ids, links to unknown nodes, nodes with no links.
pub(crate) fn check_network(
    nodes_file: &str,
    nodes: &[(Node, usize)],
    links_file: &str,
    links: &[(Link, usize)],
    diags: &mut Diagnostics,
) {
    // Hash maps with a fast seeded hasher, sized once, and a flag per distinct node id
    // rather than a degree map keyed by strings: this check is a good part of loading a
    // 10,000-node network.
    // id → (line of its latest row, its slot in `linked`).
    let mut by_id: HashMap<&str, (usize, usize)> = HashMap::with_capacity(nodes.len());
    let mut slot_of = Vec::with_capacity(nodes.len());
    for (n, line) in nodes {
        let next = by_id.len();
        match by_id.entry(n.id.as_str()) {
            Entry::Occupied(mut e) => {
                let (first, slot) = *e.get();
                e.insert((*line, slot));
                slot_of.push(slot);
                diags.push(
                    Diagnostic::error(nodes_file, format!("duplicate node id `{}`", n.id))
                        .at_line(*line)
                        .field("id")
                        .hint(format!("line {first} has the same id")),
                );
            }
            Entry::Vacant(e) => {
                e.insert((*line, next));
                slot_of.push(next);
            }
        }
    }
    let mut link_ids: HashMap<&str, usize> = HashMap::with_capacity(links.len());
    let mut linked = vec![false; by_id.len()];
    for (l, line) in links {
        if let Some(first) = link_ids.insert(l.id.as_str(), *line) {
            diags.push(
                Diagnostic::error(links_file, format!("duplicate link id `{}`", l.id))
                    .at_line(*line)
                    .field("id")
                    .hint(format!("line {first} has the same id")),
            );
        }
        for (col, end) in [("from", &l.from), ("to", &l.to)] {
            if end.is_empty() {
                continue;
            }
            if let Some(&(_, slot)) = by_id.get(end.as_str()) {
                linked[slot] = true;
            } else {
                // Sorted, so the hint is the same on every run (map order is not).
                let mut near: Vec<&str> = by_id
                    .keys()
                    .filter(|k| k.starts_with(end.get(..2.min(end.len())).unwrap_or("")))
                    .copied()
                    .collect();
                near.sort_unstable();
                near.truncate(5);
                diags.push(
                    Diagnostic::error(links_file, format!("unknown node `{end}`"))
                        .at_line(*line)
                        .field(col)
                        .hint(if near.is_empty() {
                            format!("add it to {nodes_file}")
                        } else {
                            format!("nodes with a similar id: {}", near.join(", "))
                        }),
                );
            }
        }
        if l.from == l.to && !l.from.is_empty() {
            diags.push(
                Diagnostic::error(links_file, "a link from a node to itself")
                    .at_line(*line)
                    .field("to"),
            );
        }
    }
    for ((n, line), slot) in nodes.iter().zip(slot_of) {
        if !linked[slot] {
            diags.push(
                Diagnostic::error(nodes_file, format!("node `{}` has no links", n.id))
                    .at_line(*line)
                    .field("id")
                    .hint(format!("connect it in {links_file} or remove it")),
            );
        }
    }
}

pub(crate) fn read_volumes(
    file: &str,
    text: &str,
    check_source: CheckSource<'_>,
    diags: &mut Diagnostics,
) -> Vec<Volume> {
    let mut out = Vec::new();
    table::read(
        file,
        text,
        &["year", "period", "corridor", "tonnes", "kind", "source"],
        &["estimate", "note"],
        diags,
        |row, diags| {
            let year = match row.get("year").parse::<i32>() {
                Ok(y) if (1900..=2100).contains(&y) => Some(y),
                _ => {
                    diags.push(
                        Diagnostic::error(file, format!("`{}` is not a year", row.get("year")))
                            .at_line(row.line)
                            .field("year"),
                    );
                    None
                }
            };
            let tonnes = number(file, row, "tonnes", false, diags);
            non_negative(file, row, "tonnes", tonnes, diags);
            one_of(
                file,
                row,
                "kind",
                &["actual", "projection", "potential", "capacity"],
                diags,
            );
            one_of(file, row, "estimate", &["", "yes", "no"], diags);
            check_source(file, row.line, row.get("source"), diags);
            out.push(Volume {
                year: year.unwrap_or(0),
                period: row.get("period").to_string(),
                corridor: row.get("corridor").to_string(),
                tonnes: tonnes.unwrap_or(0.0),
                kind: row.get("kind").to_string(),
                estimate: row.get("estimate") == "yes",
                source: row.get("source").to_string(),
                note: row.get("note").to_string(),
            });
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A link's crossed countries are ISO codes, `;`-separated, in order; a typo is a
    /// located error with a suggestion. Hostile counts (servers, sailings) are bounded.
    #[test]
    fn crosses_servers_and_departures_are_checked() {
        let text = "id,from,to,mode,km,hours,cost_usd_feu,departures_week,crosses,source\n\
                    L1,A,B,rail,10,1,1,,BGR; SRB,s\n\
                    L2,A,B,rail,10,1,1,,BGX,s\n\
                    L3,A,B,ferry,10,1,1,100000,,s\n";
        let mut diags = Diagnostics::default();
        let links = read_links("links.csv", text, &|_, _, _, _| {}, &mut diags);
        assert_eq!(links[0].0.crosses, ["BGR", "SRB"]);
        let at = |line: usize, field: &str| {
            diags
                .0
                .iter()
                .find(|d| d.line == Some(line) && d.field.as_deref() == Some(field))
                .map(|d| (d.message.clone(), d.hint.clone()))
        };
        let (msg, hint) = at(3, "crosses").expect("BGX reported");
        assert!(msg.contains("`BGX`"), "{msg}");
        assert!(hint.unwrap_or_default().contains("BGR"));
        assert!(at(4, "departures_week").is_some());
        assert_eq!(diags.errors(), 2, "{diags:?}");
        let nodes = "id,name,country,lat,lon,kind,servers,source\n\
                     A,A,KAZ,1,1,hub,1000000000,s\n";
        let mut diags = Diagnostics::default();
        read_nodes("nodes.csv", nodes, &|_, _, _, _| {}, &mut diags);
        assert!(diags
            .0
            .iter()
            .any(|d| d.field.as_deref() == Some("servers") && d.message.contains("10000")));
    }

    /// The network check (rewritten with flags per distinct id instead of a degree map)
    /// says what it said: a thrice-repeated id names the previous line each time, a
    /// linked id counts for all its rows, an unlinked node and an unknown end are located.
    #[test]
    fn network_check_reports_duplicates_and_orphans() {
        let nodes = "id,name,country,lat,lon,kind,source\n\
                     A,A,KAZ,1,1,hub,s\n\
                     B,B,KAZ,1,1,hub,s\n\
                     A,A2,KAZ,1,1,hub,s\n\
                     C,C,KAZ,1,1,hub,s\n\
                     A,A3,KAZ,1,1,hub,s\n";
        let links = "id,from,to,mode,km,hours,cost_usd_feu,source\n\
                     L1,A,B,rail,10,1,1,s\n\
                     L1,B,Q,rail,10,1,1,s\n";
        let mut diags = Diagnostics::default();
        let none = |_: &str, _: usize, _: &str, _: &mut Diagnostics| {};
        let n = read_nodes("nodes.csv", nodes, &none, &mut diags);
        let l = read_links("links.csv", links, &none, &mut diags);
        check_network("nodes.csv", &n, "links.csv", &l, &mut diags);
        let got: Vec<String> = diags
            .0
            .iter()
            .map(|d| {
                format!(
                    "{}:{}:{} {} ({})",
                    d.file,
                    d.line.unwrap_or(0),
                    d.field.as_deref().unwrap_or(""),
                    d.message,
                    d.hint.as_deref().unwrap_or("")
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                "nodes.csv:4:id duplicate node id `A` (line 2 has the same id)",
                "nodes.csv:6:id duplicate node id `A` (line 4 has the same id)",
                "links.csv:3:id duplicate link id `L1` (line 2 has the same id)",
                "links.csv:3:to unknown node `Q` (add it to nodes.csv)",
                "nodes.csv:5:id node `C` has no links (connect it in links.csv or remove it)",
            ]
        );
    }

    /// The "similar id" hint lists the first five matches in id order, the same on every run.
    #[test]
    fn similar_ids_are_hinted_in_order() {
        let ids = ["KZ9", "KZ3", "KZ7", "KZ1", "KZ5", "KZ2", "KZ8"];
        let mut nodes = String::from("id,name,country,lat,lon,kind,source\n");
        let mut links = String::from("id,from,to,mode,km,hours,cost_usd_feu,source\n");
        for (i, id) in ids.iter().enumerate() {
            nodes.push_str(&format!("{id},{id},KAZ,1,1,hub,s\n"));
            links.push_str(&format!("L{i},{id},KZ1,rail,10,1,1,s\n"));
        }
        links.push_str("LX,KZ1,KZX,rail,10,1,1,s\n");
        let none = |_: &str, _: usize, _: &str, _: &mut Diagnostics| {};
        let mut diags = Diagnostics::default();
        let n = read_nodes("nodes.csv", &nodes, &none, &mut diags);
        let l = read_links("links.csv", &links, &none, &mut diags);
        check_network("nodes.csv", &n, "links.csv", &l, &mut diags);
        let hint = diags
            .0
            .iter()
            .find_map(|d| d.hint.clone())
            .unwrap_or_default();
        assert_eq!(hint, "nodes with a similar id: KZ1, KZ2, KZ3, KZ5, KZ7");
    }
}

//! What the network can carry: offered loads against the capacities of links, of queueing
//! stations and of scheduled sailings. [`crate::assign`] and [`crate::sim`] both call
//! [`overloads`], so they agree on which loads are feasible.

use crate::network::Network;
use serde::Serialize;

/// Hours in a year (the loads are TEU per year, the queues work in hours).
const YEAR_HOURS: f64 = 8760.0;

/// A place where the offered load reaches the capacity (utilisation ρ ≥ 1): a queue there
/// grows without bound, so a steady state does not exist.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Overload {
    /// Node id (a station) or link id.
    pub id: String,
    /// Its name (node) or its ends (link).
    pub name: String,
    /// Offered load, TEU per year.
    pub load_teu_year: f64,
    /// Capacity, TEU per year.
    pub capacity_teu_year: f64,
    /// Load over capacity.
    pub utilisation: f64,
    /// How the capacity follows from the data.
    pub basis: String,
}

/// Offered loads, TEU per year, per link and per node passed (not the ends of a path).
#[derive(Clone, Debug, Default)]
pub struct Loads {
    /// Per link.
    pub link: Vec<f64>,
    /// Per node.
    pub node: Vec<f64>,
}

impl Loads {
    /// Empty loads for `net`.
    pub fn new(net: &Network) -> Loads {
        Loads {
            link: vec![0.0; net.links.len()],
            node: vec![0.0; net.nodes.len()],
        }
    }

    /// Adds `teu_year` along a path (nodes and links in order).
    pub fn add(&mut self, nodes: &[usize], links: &[usize], teu_year: f64) {
        for &l in links {
            self.link[l] += teu_year;
        }
        for &v in nodes.iter().skip(1).take(nodes.len().saturating_sub(2)) {
            self.node[v] += teu_year;
        }
    }
}

/// Whether link `l` is a Caspian crossing (ferry or sea between Caspian states), whose
/// sailings storms cancel.
pub fn is_caspian(net: &Network, l: usize) -> bool {
    let link = &net.links[l];
    let (a, b) = net.ends[l];
    let caspian = |v: usize| {
        matches!(
            net.nodes[v].country.as_str(),
            "KAZ" | "TKM" | "AZE" | "IRN" | "RUS"
        )
    };
    (link.mode == "ferry" || link.mode == "sea") && caspian(a) && caspian(b)
}

/// Capacity of a queueing node, TEU per year: `servers` trains at a time, each held for
/// the dwell on average. `None` where the node does not queue or holds no time.
pub fn station_capacity(net: &Network, v: usize, teu_per_train: f64) -> Option<f64> {
    let n = &net.nodes[v];
    let c = n.servers?;
    (n.dwell_hours > 0.0).then(|| f64::from(c) * YEAR_HOURS / n.dwell_hours * teu_per_train)
}

/// Capacity of a link, TEU per year, with a share `caspian_closure` of the Caspian
/// sailings cancelled (the simulation's storms; 0 for the assignment).
pub fn link_capacity(net: &Network, l: usize, caspian_closure: f64) -> Option<f64> {
    let c = net.links[l].capacity_teu_year?;
    let scheduled = net.links[l].departures_week.is_some_and(|d| d > 0.0);
    Some(if scheduled && is_caspian(net, l) {
        c * (1.0 - caspian_closure)
    } else {
        c
    })
}

/// Every link and station loaded to its capacity or beyond, most loaded first.
pub fn overloads(
    net: &Network,
    loads: &Loads,
    teu_per_train: f64,
    caspian_closure: f64,
) -> Vec<Overload> {
    let mut out = Vec::new();
    for (l, &load) in loads.link.iter().enumerate() {
        let Some(cap) = link_capacity(net, l, caspian_closure) else {
            continue;
        };
        if load > 0.0 && load >= cap {
            let link = &net.links[l];
            let (a, b) = net.ends[l];
            let closed = cap < link.capacity_teu_year.unwrap_or(cap);
            out.push(Overload {
                id: link.id.clone(),
                name: format!("{} – {}", net.nodes[a].name, net.nodes[b].name),
                load_teu_year: load,
                capacity_teu_year: cap,
                utilisation: if cap > 0.0 { load / cap } else { f64::INFINITY },
                basis: if closed {
                    format!(
                        "{:.0} TEU/yr stated, less {:.0}% of sailings cancelled by storms",
                        link.capacity_teu_year.unwrap_or(cap),
                        caspian_closure * 100.0
                    )
                } else {
                    "the link's stated capacity".into()
                },
            });
        }
    }
    for (v, &load) in loads.node.iter().enumerate() {
        let Some(cap) = station_capacity(net, v, teu_per_train) else {
            continue;
        };
        if load > 0.0 && load >= cap {
            let n = &net.nodes[v];
            out.push(Overload {
                id: n.id.clone(),
                name: n.name.clone(),
                load_teu_year: load,
                capacity_teu_year: cap,
                utilisation: load / cap,
                basis: format!(
                    "{} servers × one train of {teu_per_train} TEU per {} h of dwell",
                    n.servers.unwrap_or(1),
                    n.dwell_hours
                ),
            });
        }
    }
    out.sort_by(|a, b| b.utilisation.total_cmp(&a.utilisation));
    out
}

/// One line per overload, for error messages and text output.
pub fn describe(o: &[Overload]) -> String {
    o.iter()
        .map(|x| {
            format!(
                "{} ({}): load {:.0} TEU/yr against a capacity of {:.0} TEU/yr (ρ = {:.2}; {})",
                x.id, x.name, x.load_teu_year, x.capacity_teu_year, x.utilisation, x.basis
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

//! Discrete-event simulation of shipments (block trains of one size) through the network:
//! rail and road legs take their running time; nodes with servers are first-come-first-
//! served multi-server queues with exponential service (mean: the node's dwell), other
//! nodes hold a shipment for their dwell; ferry and sea links with a timetable sail at
//! fixed headways, carry at most their capacity per sailing, and on the Caspian a sailing
//! is cancelled with a stated probability (storms).

use crate::network::Network;
use crate::queue::Station;
use astana_model::rng::Rng;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BinaryHeap, HashMap};

/// One stream of shipments: a route (node and link indices) and its annual volume.
#[derive(Clone, Debug)]
pub struct Stream {
    /// Nodes along the route.
    pub nodes: Vec<usize>,
    /// Links along the route.
    pub links: Vec<usize>,
    /// Corridor family of the route.
    pub family: String,
    /// TEU per year.
    pub teu_year: f64,
}

/// Shipment streams for `demand` TEU per year split equally between `pairs` and, within a
/// pair, by the logit model over its candidate routes (the 3 best and each family's best,
/// by generalised cost at 2 USD per FEU-hour).
///
/// # Errors
/// As [`crate::k_best`] (an avoided endpoint, an unknown closed link).
pub fn streams(
    net: &Network,
    pairs: &[(usize, usize)],
    demand: f64,
    filter: &crate::Filter,
) -> Result<Vec<Stream>, String> {
    let w = crate::Weights {
        by: crate::By::Generalized,
        value_of_time: 2.0,
    };
    let settings = crate::assign::Settings {
        theta: 0.002,
        value_of_time: 2.0,
        iterations: 100,
    };
    let per = demand / pairs.len().max(1) as f64;
    let mut out = Vec::new();
    for &(s, t) in pairs {
        let routes = crate::assign::candidate_routes(net, s, t, 3, 1, &w, filter)?;
        if routes.is_empty() {
            continue;
        }
        let split = crate::assign::assign(net, &routes, per, &settings);
        for share in &split.routes {
            if let Some(route) = routes.iter().find(|x| x.rank == share.rank) {
                out.push(Stream {
                    nodes: route.nodes.clone(),
                    links: route.links.clone(),
                    family: route.corridor.clone(),
                    teu_year: share.teu_year,
                });
            }
        }
    }
    Ok(out)
}

/// Simulation settings.
#[derive(Clone, Debug)]
pub struct Settings {
    /// Days during which shipments are created (the run continues until they arrive).
    pub days: f64,
    /// Seed.
    pub seed: u64,
    /// TEU per shipment (a block train).
    pub teu_per_shipment: f64,
    /// Probability that a Caspian sailing is cancelled.
    pub caspian_closure: f64,
}

/// Transit times of one corridor family.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct FamilyStats {
    /// Shipments delivered.
    pub shipments: usize,
    /// Mean transit, days.
    pub mean_days: f64,
    /// Median, days.
    pub p50_days: f64,
    /// 95th percentile, days.
    pub p95_days: f64,
}

/// Queue statistics of one node.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NodeStats {
    /// Mean wait before service, hours.
    pub mean_wait_hours: f64,
    /// Busy time over server time during the run.
    pub utilisation: f64,
    /// Mean number waiting (total wait over the run's length).
    pub mean_queue: f64,
}

/// Simulation output.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SimResult {
    /// Per corridor family.
    pub corridors: BTreeMap<String, FamilyStats>,
    /// Per queueing node (and per scheduled link, keyed by link id: the wait for a sailing).
    pub nodes: BTreeMap<String, NodeStats>,
    /// Every delivered shipment's transit, days, by family (for histograms).
    #[serde(skip)]
    pub transit: BTreeMap<String, Vec<f64>>,
}

#[derive(PartialEq)]
struct Event {
    t: f64,
    seq: u64,
    shipment: usize,
}
impl Eq for Event {}
impl Ord for Event {
    fn cmp(&self, o: &Self) -> Ordering {
        o.t.total_cmp(&self.t).then(o.seq.cmp(&self.seq))
    }
}
impl PartialOrd for Event {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

struct Shipment {
    stream: usize,
    created: f64,
    /// Index of the node it is at (in the stream's node list).
    at: usize,
}

fn is_caspian(net: &Network, l: usize) -> bool {
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

/// A per-sailing coin flip that does not depend on the order of events.
fn cancelled(seed: u64, link: usize, sailing: i64, p: f64) -> bool {
    if p <= 0.0 {
        return false;
    }
    let mut r = Rng::new(seed ^ ((link as u64) << 40) ^ (sailing as u64).wrapping_mul(0x9e37_79b9));
    r.uniform() < p
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let k = ((sorted.len() as f64 - 1.0) * q).round() as usize;
    sorted[k.min(sorted.len() - 1)]
}

/// Runs the simulation; `progress` is called now and then with the simulated day.
pub fn simulate(
    net: &Network,
    streams: &[Stream],
    s: &Settings,
    progress: &mut dyn FnMut(f64),
) -> SimResult {
    let mut rng = Rng::new(s.seed);
    let horizon = s.days * 24.0;
    let mut heap = BinaryHeap::new();
    let mut ships: Vec<Shipment> = Vec::new();
    let mut seq = 0u64;
    // Poisson arrivals per stream.
    for (k, st) in streams.iter().enumerate() {
        let per_hour = st.teu_year / s.teu_per_shipment / 8760.0;
        if per_hour <= 0.0 || st.nodes.len() < 2 {
            continue;
        }
        let mut t = rng.exponential(1.0 / per_hour);
        while t < horizon {
            ships.push(Shipment {
                stream: k,
                created: t,
                at: 0,
            });
            heap.push(Event {
                t,
                seq,
                shipment: ships.len() - 1,
            });
            seq += 1;
            t += rng.exponential(1.0 / per_hour);
        }
    }
    let mut stations: HashMap<usize, Station> = HashMap::new();
    // Per scheduled link: TEU loaded per sailing, and waits for a sailing.
    let mut loads: HashMap<(usize, i64), f64> = HashMap::new();
    let mut sailing_wait: HashMap<usize, (f64, u64)> = HashMap::new();
    let mut transit: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut end_time = horizon;
    let mut popped = 0u64;
    while let Some(Event { t, shipment, .. }) = heap.pop() {
        popped += 1;
        if popped.is_multiple_of(200_000) {
            progress(t / 24.0);
        }
        let sh = &mut ships[shipment];
        let st = &streams[sh.stream];
        let v = st.nodes[sh.at];
        if sh.at + 1 == st.nodes.len() {
            transit
                .entry(st.family.clone())
                .or_default()
                .push((t - sh.created) / 24.0);
            end_time = end_time.max(t);
            continue;
        }
        // Time at the node: the origin only forms the train; others queue or dwell.
        let node = &net.nodes[v];
        let ready = if sh.at == 0 {
            t
        } else if let Some(c) = node.servers {
            let station = stations.entry(v).or_insert_with(|| Station::new(c));
            let service = rng.exponential(node.dwell_hours.max(1e-9));
            let wait = station.serve(t, service);
            t + wait + service
        } else {
            t + node.dwell_hours
        };
        let l = st.links[sh.at];
        let link = &net.links[l];
        let depart = match link.departures_week {
            Some(d) if d > 0.0 => {
                let headway = 168.0 / d;
                let per_sailing = link
                    .capacity_teu_year
                    .map_or(f64::INFINITY, |c| c / (d * 52.0));
                let mut k = (ready / headway).ceil() as i64;
                loop {
                    let full = loads.get(&(l, k)).copied().unwrap_or(0.0) + s.teu_per_shipment
                        > per_sailing.max(s.teu_per_shipment);
                    let closed = is_caspian(net, l) && cancelled(s.seed, l, k, s.caspian_closure);
                    if !full && !closed {
                        break;
                    }
                    k += 1;
                }
                *loads.entry((l, k)).or_default() += s.teu_per_shipment;
                let dep = k as f64 * headway;
                let w = sailing_wait.entry(l).or_default();
                w.0 += dep - ready;
                w.1 += 1;
                dep
            }
            _ => ready,
        };
        sh.at += 1;
        heap.push(Event {
            t: depart + link.hours,
            seq,
            shipment,
        });
        seq += 1;
    }
    let mut corridors = BTreeMap::new();
    for (f, v) in &mut transit {
        v.sort_by(f64::total_cmp);
        corridors.insert(
            f.clone(),
            FamilyStats {
                shipments: v.len(),
                mean_days: v.iter().sum::<f64>() / v.len().max(1) as f64,
                p50_days: percentile(v, 0.5),
                p95_days: percentile(v, 0.95),
            },
        );
    }
    let mut nodes = BTreeMap::new();
    for (v, st) in &stations {
        let c = net.nodes[*v].servers.unwrap_or(1);
        nodes.insert(
            net.nodes[*v].id.clone(),
            NodeStats {
                mean_wait_hours: st.waited / st.served.max(1) as f64,
                utilisation: st.busy / (f64::from(c) * end_time),
                mean_queue: st.waited / end_time,
            },
        );
    }
    for (l, (w, n)) in &sailing_wait {
        nodes.insert(
            net.links[*l].id.clone(),
            NodeStats {
                mean_wait_hours: w / (*n).max(1) as f64,
                utilisation: loads
                    .iter()
                    .filter(|((x, _), _)| x == l)
                    .map(|(_, t)| t)
                    .sum::<f64>()
                    / net.links[*l]
                        .capacity_teu_year
                        .map_or(f64::INFINITY, |c| c * end_time / 8760.0),
                mean_queue: w / end_time,
            },
        );
    }
    SimResult {
        corridors,
        nodes,
        transit,
    }
}

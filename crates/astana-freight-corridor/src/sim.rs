//! Discrete-event simulation of shipments (block trains of one size) through the network:
//! rail and road legs take their running time; nodes with servers are first-come-first-
//! served multi-server queues with exponential service (mean: the node's dwell), other
//! nodes hold a shipment for their dwell; ferry and sea links with a timetable sail at
//! fixed headways, carry at most their capacity per sailing (a train's containers may
//! leave on several sailings; the train goes on when the last is across), and on the
//! Caspian a sailing is cancelled with a stated probability (storms).
//!
//! A run is refused when a station, sailing or link is offered its capacity or more
//! ([`crate::capacity::overloads`], the assignment's test): its queue would grow with the
//! run's length and the means would describe the run, not the corridor.

use crate::capacity::{self, is_caspian, Overload};
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
        teu_per_train: DEFAULT_TEU_PER_TRAIN,
    };
    crate::assign::check_demand(demand)?;
    let per = demand / pairs.len().max(1) as f64;
    let mut out = Vec::new();
    for &(s, t) in pairs {
        let routes = crate::assign::candidate_routes(net, s, t, 3, 1, &w, filter)?;
        if routes.is_empty() {
            continue;
        }
        let split = crate::assign::assign(net, &routes, per, &settings)?;
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

/// TEU per block train unless stated (41 FEU, a common China–Europe train).
pub const DEFAULT_TEU_PER_TRAIN: f64 = 82.0;

/// Longest run, days of shipments (ten years).
pub const MAX_DAYS: f64 = 3650.0;

/// Most trains one run creates: each is kept in memory until it arrives.
pub const MAX_SHIPMENTS: f64 = 2_000_000.0;

/// Why a simulation did not run.
#[derive(Clone, Debug, PartialEq)]
pub enum SimError {
    /// A setting or the demand is out of range (bad input).
    Input(String),
    /// Stations, sailings or links offered their capacity or more: no steady state.
    Unstable(Vec<Overload>),
}

impl std::fmt::Display for SimError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SimError::Input(e) => f.write_str(e),
            SimError::Unstable(o) => write!(
                f,
                "the demand overloads {} place(s), where queues would grow without bound for as long as the run lasts:\n{}\nlower --demand, or add capacity",
                o.len(),
                capacity::describe(o)
            ),
        }
    }
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
    /// Probability that a Caspian sailing is cancelled, from 0 to below 1.
    pub caspian_closure: f64,
}

impl Settings {
    /// # Errors
    /// Days outside (0, [`MAX_DAYS`]], a train size that is not a finite number above 0, a
    /// closure probability outside [0, 1).
    pub fn check(&self) -> Result<(), String> {
        if !(self.days.is_finite() && self.days > 0.0 && self.days <= MAX_DAYS) {
            return Err(format!(
                "--days {}: must be a number of days above 0 and at most {MAX_DAYS}",
                self.days
            ));
        }
        if !(self.teu_per_shipment.is_finite() && self.teu_per_shipment > 0.0) {
            return Err(format!(
                "--teu-per-train {}: must be a finite number above 0",
                self.teu_per_shipment
            ));
        }
        if !(self.caspian_closure.is_finite() && (0.0..1.0).contains(&self.caspian_closure)) {
            return Err(format!(
                "--caspian-closure {}: must be a probability from 0 to below 1 (at 1 no sailing ever leaves; to close the Caspian, close its links with --close)",
                self.caspian_closure
            ));
        }
        Ok(())
    }
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
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct SimResult {
    /// Per corridor family.
    pub corridors: BTreeMap<String, FamilyStats>,
    /// Per queueing node (and per scheduled link, keyed by link id: the wait for a sailing).
    pub nodes: BTreeMap<String, NodeStats>,
    /// Every delivered shipment's transit, days, by family (for histograms).
    #[serde(skip)]
    pub transit: BTreeMap<String, Vec<f64>>,
    /// Trains created but not arrived when the run stopped (at twice the days of
    /// shipments plus a year); they are not in the statistics, which are then biased low.
    pub undelivered: usize,
    /// Simulated days until the last event processed.
    pub run_days: f64,
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
///
/// # Errors
/// [`SimError::Input`] for settings out of range or a run that would create more than
/// [`MAX_SHIPMENTS`] trains (checked before anything is allocated);
/// [`SimError::Unstable`] when the streams offer a station, sailing or link its capacity
/// or more.
pub fn simulate(
    net: &Network,
    streams: &[Stream],
    s: &Settings,
    progress: &mut dyn FnMut(f64),
) -> Result<SimResult, SimError> {
    s.check().map_err(SimError::Input)?;
    let trains: f64 = streams
        .iter()
        .map(|st| st.teu_year.max(0.0) / s.teu_per_shipment * s.days / 365.0)
        .sum();
    if trains.is_nan() || trains > MAX_SHIPMENTS {
        return Err(SimError::Input(format!(
            "the run would create about {trains:.3e} trains (demand ÷ {} TEU per train × {} days); the limit is {MAX_SHIPMENTS:.0}: lower --demand or --days, or raise --teu-per-train",
            s.teu_per_shipment, s.days
        )));
    }
    let mut offered = capacity::Loads::new(net);
    for st in streams {
        offered.add(&st.nodes, &st.links, st.teu_year);
    }
    let over = capacity::overloads(net, &offered, s.teu_per_shipment, s.caspian_closure);
    if !over.is_empty() {
        return Err(SimError::Unstable(over));
    }
    let mut rng = Rng::new(s.seed);
    let horizon = s.days * 24.0;
    // Trains still travelling this long after the last is created are left out (and
    // counted): with every station below capacity the queues drain well before.
    let stop = 2.0 * horizon + 8760.0;
    let cap_ships = (MAX_SHIPMENTS * 1.5) as usize;
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
        while t < horizon && ships.len() < cap_ships {
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
    // Ordered, so a link's utilisation sums its sailings in the same order on every run
    // (a hash map's order changes per process and moved the last bit of the sum).
    let mut loads: BTreeMap<(usize, i64), f64> = BTreeMap::new();
    let mut sailing_wait: HashMap<usize, (f64, u64)> = HashMap::new();
    let mut first_open: HashMap<usize, f64> = HashMap::new();
    let mut transit: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    let mut end_time = horizon;
    let mut popped = 0u64;
    let mut undelivered = 0usize;
    while let Some(Event { t, shipment, .. }) = heap.pop() {
        if t > stop {
            // The heap is in time order: everything left is later still.
            undelivered = heap.len() + 1;
            break;
        }
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
                // TEU per sailing such that a year's sailings carry the stated capacity.
                let per_sailing = link
                    .capacity_teu_year
                    .map_or(f64::INFINITY, |c| c * headway / 8760.0);
                // Sailings before `first_open[l]` are full or cancelled: skip them, so a
                // backlog is not scanned again by every train.
                let open = first_open.entry(l).or_insert(0.0);
                let mut k = (ready / headway).ceil().max(*open);
                let mut left = s.teu_per_shipment;
                let mut dep = None;
                // Load the train's containers onto the next sailings with room; the train
                // goes on with the sailing that takes its last container. Bounded by the
                // run's stop time.
                while k * headway <= stop {
                    let key = (l, k as i64);
                    let closed =
                        is_caspian(net, l) && cancelled(s.seed, l, k as i64, s.caspian_closure);
                    let mut full = closed;
                    if !closed {
                        let used = loads.get(&key).copied().unwrap_or(0.0);
                        let take = (per_sailing - used).max(0.0).min(left);
                        if take > 0.0 {
                            *loads.entry(key).or_default() += take;
                            left -= take;
                        }
                        full = used + take >= per_sailing - 1e-9;
                    }
                    if full && k == *open {
                        *open = k + 1.0;
                    }
                    if left <= 1e-9 {
                        dep = Some(k * headway);
                        break;
                    }
                    k += 1.0;
                }
                let Some(dep) = dep else {
                    undelivered += 1;
                    continue;
                };
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
    Ok(SimResult {
        corridors,
        nodes,
        transit,
        undelivered,
        run_days: end_time / 24.0,
    })
}

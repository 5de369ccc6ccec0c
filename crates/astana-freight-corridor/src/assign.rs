//! Demand split between routes: a logit model on generalised cost, with link capacities
//! felt through a congestion delay, solved by the method of successive averages.

use crate::network::Network;
use crate::routes::Route;
use serde::Serialize;

/// Logit and congestion settings.
#[derive(Clone, Copy, Debug)]
pub struct Settings {
    /// Logit scale, per USD per FEU: a route dearer by 1/θ gets e times less demand.
    pub theta: f64,
    /// USD per FEU-hour.
    pub value_of_time: f64,
    /// MSA iterations (at most [`MAX_ITERATIONS`]).
    pub iterations: usize,
    /// TEU per train, for the capacity of queueing stations (the simulation's default,
    /// [`crate::sim::DEFAULT_TEU_PER_TRAIN`], unless stated).
    pub teu_per_train: f64,
}

/// Most TEU per year a demand may be: beyond the world's container traffic (under a
/// billion TEU a year) the figure is a typo, and the congestion terms overflow.
pub const MAX_DEMAND: f64 = 1e9;

/// Most MSA iterations.
pub const MAX_ITERATIONS: usize = 100_000;

impl Settings {
    /// # Errors
    /// θ, the value of time or the train size not finite, θ or the value of time negative,
    /// a train of 0 TEU, too many iterations.
    pub fn check(&self) -> Result<(), String> {
        for (flag, x) in [
            ("--theta", self.theta),
            ("--value-of-time", self.value_of_time),
        ] {
            if !(x.is_finite() && x >= 0.0) {
                return Err(format!("{flag} {x}: must be a finite number, 0 or more"));
            }
        }
        if !(self.teu_per_train.is_finite() && self.teu_per_train > 0.0) {
            return Err(format!(
                "--teu-per-train {}: must be a finite number above 0",
                self.teu_per_train
            ));
        }
        if self.iterations > MAX_ITERATIONS {
            return Err(format!(
                "{} iterations: the limit is {MAX_ITERATIONS}",
                self.iterations
            ));
        }
        Ok(())
    }
}

/// # Errors
/// A demand that is not a finite number from 0 to [`MAX_DEMAND`] TEU per year.
pub fn check_demand(demand: f64) -> Result<(), String> {
    if demand.is_finite() && (0.0..=MAX_DEMAND).contains(&demand) {
        Ok(())
    } else {
        Err(format!(
            "--demand {demand}: must be a finite number of TEU per year from 0 to {MAX_DEMAND:e}"
        ))
    }
}

/// A route's share.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RouteShare {
    /// Rank of the route among those considered.
    pub rank: usize,
    /// Corridor family.
    pub corridor: String,
    /// Share of the demand.
    pub share: f64,
    /// TEU per year.
    pub teu_year: f64,
    /// Generalised cost at equilibrium, USD per FEU.
    pub generalized_usd_feu: f64,
    /// Free-flow days.
    pub days: f64,
    /// Node ids along the route.
    pub via: Vec<String>,
}

/// A loaded link.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct LinkLoad {
    /// Link id.
    pub link: String,
    /// TEU per year.
    pub teu_year: f64,
    /// Capacity, TEU per year, if any.
    pub capacity_teu_year: Option<f64>,
    /// Load over capacity.
    pub utilisation: Option<f64>,
}

/// The assignment.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Assignment {
    /// Demand, TEU per year.
    pub demand_teu_year: f64,
    /// Shares per route, largest first.
    pub routes: Vec<RouteShare>,
    /// Shares per corridor family.
    pub corridors: Vec<(String, f64)>,
    /// Loaded links, busiest (by utilisation, then load) first.
    pub links: Vec<LinkLoad>,
    /// Largest change of a route's flow in the last iteration, TEU per year.
    pub gap_teu_year: f64,
    /// Whether every link and queueing station carries less than its capacity.
    pub feasible: bool,
    /// Links and stations at or over capacity (the same test as the simulation's).
    pub overloads: Vec<crate::capacity::Overload>,
}

/// Congestion multiplier on a link's running time at load over capacity x: the BPR curve
/// (1 + 0.15 x⁴) and a steep wall beyond 95% so that a feasible split respects capacity.
fn delay(x: f64) -> f64 {
    let wall = if x > 0.95 {
        200.0 * (x - 0.95) * (x - 0.95) * 100.0
    } else {
        0.0
    };
    1.0 + 0.15 * x.powi(4) + wall
}

/// Splits `demand` TEU per year over `routes`.
///
/// # Errors
/// Settings or a demand out of range ([`Settings::check`], [`check_demand`]).
pub fn assign(
    net: &Network,
    routes: &[Route],
    demand: f64,
    s: &Settings,
) -> Result<Assignment, String> {
    s.check()?;
    check_demand(demand)?;
    let n = routes.len();
    let mut flow = vec![0.0; n];
    let mut gap = 0.0;
    let cost_of = |flow: &[f64]| -> Vec<f64> {
        let mut load = vec![0.0; net.links.len()];
        for (r, f) in routes.iter().zip(flow) {
            for &l in &r.links {
                load[l] += f;
            }
        }
        routes
            .iter()
            .map(|r| {
                let extra: f64 = r
                    .links
                    .iter()
                    .map(|&l| {
                        let link = &net.links[l];
                        link.capacity_teu_year
                            .map_or(0.0, |c| link.hours * (delay(load[l] / c.max(1e-9)) - 1.0))
                    })
                    .sum();
                r.generalized_usd_feu + s.value_of_time * extra
            })
            .collect()
    };
    let logit = |c: &[f64]| -> Vec<f64> {
        let min = c.iter().copied().fold(f64::INFINITY, f64::min);
        let e: Vec<f64> = c.iter().map(|x| (-s.theta * (x - min)).exp()).collect();
        let z: f64 = e.iter().sum();
        e.iter().map(|x| x / z).collect()
    };
    for it in 1..=s.iterations.max(1) {
        let target: Vec<f64> = logit(&cost_of(&flow)).iter().map(|p| p * demand).collect();
        let step = 1.0 / it as f64;
        gap = 0.0;
        for (f, t) in flow.iter_mut().zip(&target) {
            let d = (t - *f) * step;
            gap = f64::max(gap, d.abs());
            *f += d;
        }
    }
    let costs = cost_of(&flow);
    let mut shares: Vec<RouteShare> = routes
        .iter()
        .zip(&flow)
        .zip(&costs)
        .map(|((r, f), c)| RouteShare {
            rank: r.rank,
            corridor: r.corridor.clone(),
            share: if demand > 0.0 { f / demand } else { 0.0 },
            teu_year: *f,
            generalized_usd_feu: *c,
            days: r.days,
            via: r.nodes.iter().map(|&v| net.nodes[v].id.clone()).collect(),
        })
        .collect();
    shares.sort_by(|a, b| b.teu_year.total_cmp(&a.teu_year));
    let mut families: Vec<(String, f64)> = Vec::new();
    for r in &shares {
        match families.iter_mut().find(|(f, _)| *f == r.corridor) {
            Some(x) => x.1 += r.share,
            None => families.push((r.corridor.clone(), r.share)),
        }
    }
    families.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut load = vec![0.0; net.links.len()];
    for (r, f) in routes.iter().zip(&flow) {
        for &l in &r.links {
            load[l] += f;
        }
    }
    let mut links: Vec<LinkLoad> = load
        .iter()
        .enumerate()
        .filter(|(_, x)| **x > 1e-6)
        .map(|(l, x)| {
            let cap = net.links[l].capacity_teu_year;
            LinkLoad {
                link: net.links[l].id.clone(),
                teu_year: *x,
                capacity_teu_year: cap,
                utilisation: cap.map(|c| x / c),
            }
        })
        .collect();
    links.sort_by(|a, b| {
        b.utilisation
            .unwrap_or(-1.0)
            .total_cmp(&a.utilisation.unwrap_or(-1.0))
            .then(b.teu_year.total_cmp(&a.teu_year))
    });
    let mut offered = crate::capacity::Loads::new(net);
    for (r, f) in routes.iter().zip(&flow) {
        offered.add(&r.nodes, &r.links, *f);
    }
    let overloads = crate::capacity::overloads(net, &offered, s.teu_per_train, 0.0);
    Ok(Assignment {
        demand_teu_year: demand,
        routes: shares,
        corridors: families,
        links,
        gap_teu_year: gap,
        feasible: overloads.is_empty(),
        overloads,
    })
}

/// The routes a demand split chooses between: the `k` best overall and the `per_family`
/// best of every corridor family (so that each corridor competes, not just variants of
/// the cheapest one), without duplicates, ranked by the weights.
///
/// # Errors
/// As [`crate::k_best`].
pub fn candidate_routes(
    net: &Network,
    s: usize,
    t: usize,
    k: usize,
    per_family: usize,
    w: &crate::Weights,
    filter: &crate::Filter,
) -> Result<Vec<Route>, String> {
    let mut all = crate::k_best(net, s, t, k, w, filter)?;
    for f in astana_model::corridor::FAMILIES {
        if filter.corridor.as_deref().is_some_and(|c| c != f) {
            continue;
        }
        let mine = crate::Filter {
            corridor: Some(f.to_string()),
            ..filter.clone()
        };
        for r in crate::k_best(net, s, t, per_family, w, &mine)? {
            if !all.iter().any(|x| x.links == r.links) {
                all.push(r);
            }
        }
    }
    let key = |r: &Route| match w.by {
        crate::By::Time => r.days,
        crate::By::Cost => r.cost_usd_feu,
        crate::By::Generalized => r.generalized_usd_feu,
    };
    all.sort_by(|a, b| key(a).total_cmp(&key(b)));
    for (i, r) in all.iter_mut().enumerate() {
        r.rank = i + 1;
    }
    Ok(all)
}

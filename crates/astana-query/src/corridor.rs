//! `astana corridor routes | bottleneck | assign | simulate | queue | volumes`.
//!
//! List-valued flags (`avoid`, `close`, `set`) are one comma-separated string.

use crate::{Progress, QueryError};
use astana_freight_corridor::{
    assign, flow, k_best, queue, sim, volumes, By, Filter, Network, PairWeights, Route, Weights,
};
use astana_model::corridor::FAMILIES;
use astana_model::Scenario;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{json, Value};

/// What `by` accepts.
pub const BY: [&str; 3] = ["time", "cost", "generalized"];

/// Serialises a report through the JSON document its `document()` builds.
macro_rules! serialize_document {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                self.document().serialize(s)
            }
        }
    };
}

/// The scenario's corridor network.
///
/// # Errors
/// The scenario has no corridor network.
pub fn network(scenario: &Scenario) -> Result<Network, QueryError> {
    has_network(scenario)?;
    Ok(Network::new(
        &scenario.corridor_nodes,
        &scenario.corridor_links,
    ))
}

/// [`network`] from a scenario loaded for one query: its rows are moved, not copied.
///
/// # Errors
/// The scenario has no corridor network.
pub fn into_network(scenario: Scenario) -> Result<Network, QueryError> {
    has_network(&scenario)?;
    Ok(Network::from_rows(
        scenario.corridor_nodes,
        scenario.corridor_links,
    ))
}

fn has_network(scenario: &Scenario) -> Result<(), QueryError> {
    if scenario.corridor_nodes.is_empty() {
        return Err(QueryError::input(
            "error: the scenario has no corridor network (files.corridor_nodes and files.corridor_links in scenario.toml)",
        ));
    }
    Ok(())
}

fn filter(avoid: &str, close: &str, corridor: Option<&String>) -> Result<Filter, QueryError> {
    if let Some(c) = corridor {
        if !FAMILIES.contains(&c.as_str()) {
            return Err(QueryError::input(format!(
                "error: unknown corridor family {c:?}; use one of {}",
                FAMILIES.join(", ")
            )));
        }
    }
    Ok(Filter {
        avoid: crate::list(avoid)
            .iter()
            .map(|s| s.to_uppercase())
            .collect(),
        close: crate::list(close),
        corridor: corridor.cloned(),
    })
}

/// The node indices of `from` and `to` (ids or names; errors name the flag).
fn od(net: &Network, from: &str, to: &str) -> Result<(usize, usize), QueryError> {
    let find = |q: &str, flag: &str| {
        net.find(q)
            .map_err(|e| QueryError::input(format!("error: --{flag}: {e}")))
    };
    Ok((find(from, "from")?, find(to, "to")?))
}

fn required<'a>(v: &'a Option<String>, flag: &str) -> Result<&'a str, QueryError> {
    v.as_deref()
        .ok_or_else(|| QueryError::input(format!("error: --{flag} is required")))
}

fn input(e: String) -> QueryError {
    QueryError::input(format!("error: {e}"))
}

/// `astana corridor routes`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct RoutesParams {
    /// Origin node: id or name (required unless all_pairs).
    pub from: Option<String>,
    /// Destination node: id or name (required unless all_pairs).
    pub to: Option<String>,
    /// k routes for every ordered pair of distinct nodes.
    pub all_pairs: bool,
    /// Countries to avoid, comma-separated ISO3 codes.
    pub avoid: String,
    /// Links to close, comma-separated link ids.
    pub close: String,
    /// Only this corridor family.
    pub corridor: Option<String>,
    /// Rank by time (default), cost or generalized cost.
    pub by: String,
    /// Value of time, USD per FEU-hour (default 2).
    pub value_of_time: f64,
    /// Number of routes, 1 to 1000 (default 5).
    pub k: usize,
}

impl Default for RoutesParams {
    fn default() -> Self {
        RoutesParams {
            from: None,
            to: None,
            all_pairs: false,
            avoid: String::new(),
            close: String::new(),
            corridor: None,
            by: "time".into(),
            value_of_time: 2.0,
            k: 5,
        }
    }
}

/// The k best routes between two nodes, or for every pair.
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum RoutesReport {
    /// One origin and destination.
    Od(Routes),
    /// `all_pairs`.
    AllPairs(AllPairs),
}

/// The k best routes from one node to another.
#[derive(Debug, Clone)]
pub struct Routes {
    /// Origin id.
    pub from: String,
    /// Origin name.
    pub from_name: String,
    /// Destination id.
    pub to: String,
    /// Destination name.
    pub to_name: String,
    /// time, cost or generalized.
    pub by: &'static str,
    /// USD per FEU-hour.
    pub value_of_time: f64,
    /// The routes, best first.
    pub routes: Vec<Route>,
}

impl Routes {
    fn document(&self) -> Value {
        json!({
            "from": self.from, "to": self.to, "by": self.by,
            "value_of_time_usd_per_feu_hour": self.value_of_time,
            "routes": self.routes,
        })
    }
}
serialize_document!(Routes);

/// k routes for every ordered pair.
#[derive(Debug, Clone)]
pub struct AllPairs {
    /// k.
    pub k: usize,
    /// Node ids by index.
    pub ids: Vec<String>,
    /// The routes' weights per ordered pair of node indices.
    pub weights: PairWeights,
}

impl AllPairs {
    /// How many ordered pairs.
    pub fn pairs(&self) -> usize {
        self.weights.pairs()
    }

    /// How many routes in all.
    pub fn routes(&self) -> usize {
        self.weights.routes()
    }

    /// (from id, to id, the routes' values) per ordered pair, in order of origin, then
    /// destination.
    pub fn results(&self) -> impl Iterator<Item = (&str, &str, &[f64])> + '_ {
        self.weights
            .iter()
            .map(|(s, t, v)| (self.ids[s].as_str(), self.ids[t].as_str(), v))
    }
}

// Streamed from the flat table, not built as a `Value` tree or per-pair strings first: a
// 1,000-node network has a million pairs.
impl Serialize for AllPairs {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        struct Row<'a>(&'a str, &'a str, &'a [f64]);
        impl Serialize for Row<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                let mut m = s.serialize_struct("Row", 3)?;
                m.serialize_field("from", self.0)?;
                m.serialize_field("to", self.1)?;
                m.serialize_field("values", self.2)?;
                m.end()
            }
        }
        struct Rows<'a>(&'a AllPairs);
        impl Serialize for Rows<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.results().map(|(a, b, v)| Row(a, b, v)))
            }
        }
        let mut m = s.serialize_struct("AllPairs", 4)?;
        m.serialize_field("pairs", &self.pairs())?;
        m.serialize_field("routes", &self.routes())?;
        m.serialize_field("k", &self.k)?;
        m.serialize_field("results", &Rows(self))?;
        m.end()
    }
}

/// Answers `astana corridor routes`.
///
/// # Errors
/// Bad parameters or unknown nodes (input).
pub fn routes(scenario: &Scenario, p: &RoutesParams) -> Result<RoutesReport, QueryError> {
    routes_on(&network(scenario)?, p)
}

/// [`routes`] on a network already built (by [`into_network`]: without copying its rows).
///
/// # Errors
/// As [`routes`].
pub fn routes_on(net: &Network, p: &RoutesParams) -> Result<RoutesReport, QueryError> {
    let by = crate::choice("by", &p.by, &BY)?;
    let w = Weights {
        by: match by {
            "cost" => By::Cost,
            "generalized" => By::Generalized,
            _ => By::Time,
        },
        value_of_time: p.value_of_time,
    };
    if p.all_pairs {
        if p.from.is_some() || p.to.is_some() {
            return Err(QueryError::input(
                "error: --all-pairs cannot be used with --from or --to",
            ));
        }
        let f = filter(&p.avoid, &p.close, p.corridor.as_ref())?;
        let weights =
            astana_freight_corridor::routes::all_pairs(net, p.k, &w, &f).map_err(input)?;
        return Ok(RoutesReport::AllPairs(AllPairs {
            k: p.k,
            ids: net.nodes.iter().map(|n| n.id.to_string()).collect(),
            weights,
        }));
    }
    let (s, t) = od(net, required(&p.from, "from")?, required(&p.to, "to")?)?;
    let found = k_best(
        net,
        s,
        t,
        p.k,
        &w,
        &filter(&p.avoid, &p.close, p.corridor.as_ref())?,
    )
    .map_err(input)?;
    Ok(RoutesReport::Od(Routes {
        from: net.nodes[s].id.to_string(),
        from_name: net.nodes[s].name.to_string(),
        to: net.nodes[t].id.to_string(),
        to_name: net.nodes[t].name.to_string(),
        by,
        value_of_time: p.value_of_time,
        routes: found,
    }))
}

/// `astana corridor bottleneck`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct BottleneckParams {
    /// Origin node: id or name.
    pub from: Option<String>,
    /// Destination node: id or name.
    pub to: Option<String>,
    /// Countries to avoid, comma-separated ISO3 codes.
    pub avoid: String,
    /// Links to close, comma-separated link ids.
    pub close: String,
    /// Only this corridor family's network.
    pub corridor: Option<String>,
    /// Investments, comma-separated LINK.capacity=TEU_PER_YEAR.
    pub set: String,
}

/// Maximum flow and its minimum cut, before and after an investment.
#[derive(Debug, Clone)]
pub struct Bottleneck {
    /// Origin id.
    pub from: String,
    /// Origin name.
    pub from_name: String,
    /// Destination id.
    pub to: String,
    /// Destination name.
    pub to_name: String,
    /// The corridor family, if one.
    pub corridor: Option<String>,
    /// The investments asked for.
    pub set: Vec<String>,
    /// Before.
    pub base: flow::Bottleneck,
    /// After the investments.
    pub after: Option<flow::Bottleneck>,
}

impl Bottleneck {
    /// The flow gained by the investment, TEU per year.
    pub fn gain(&self) -> Option<f64> {
        let x = self.after.as_ref()?;
        match (x.max_flow_teu_year, self.base.max_flow_teu_year) {
            (Some(x), Some(b)) => Some(x - b),
            _ => None,
        }
    }

    fn document(&self) -> Value {
        let base = &self.base;
        json!({
            "from": self.from, "to": self.to, "corridor": self.corridor,
            "max_flow_teu_year": base.max_flow_teu_year,
            "cut": base.cut,
            "flows": base.flows,
            "investment": self.after.as_ref().map(|x| json!({
                "set": self.set,
                "max_flow_teu_year": x.max_flow_teu_year,
                "cut": x.cut,
                "gain_teu_year": self.gain(),
            })),
        })
    }
}
serialize_document!(Bottleneck);

fn capacities(net: &Network, set: &[String]) -> Result<Vec<f64>, QueryError> {
    let mut cap: Vec<f64> = net
        .links
        .iter()
        .map(|l| l.capacity_teu_year.unwrap_or(f64::INFINITY))
        .collect();
    for s in set {
        let Some((link, value)) = s
            .split_once('=')
            .and_then(|(k, v)| k.strip_suffix(".capacity").map(|k| (k, v)))
        else {
            return Err(QueryError::input(format!(
                "error: --set {s:?}: write LINK.capacity=TEU_PER_YEAR, e.g. L032.capacity=150000"
            )));
        };
        let Some(l) = net.link_index(link) else {
            return Err(QueryError::input(format!(
                "error: --set: no link has the id {link:?}"
            )));
        };
        let v: f64 = value
            .trim()
            .parse()
            .ok()
            .filter(|v: &f64| v.is_finite() && *v >= 0.0)
            .ok_or_else(|| {
                QueryError::input(format!(
                    "error: --set {s:?}: the capacity must be a finite number of TEU per year, 0 or more"
                ))
            })?;
        cap[l] = v;
    }
    Ok(cap)
}

/// Answers `astana corridor bottleneck`.
///
/// # Errors
/// Bad parameters or unknown nodes and links (input).
pub fn bottleneck(scenario: &Scenario, p: &BottleneckParams) -> Result<Bottleneck, QueryError> {
    let net = network(scenario)?;
    let (s, t) = od(&net, required(&p.from, "from")?, required(&p.to, "to")?)?;
    let f = filter(&p.avoid, &p.close, p.corridor.as_ref())?;
    let mut ok = f.links(&net).map_err(input)?;
    if let Some(c) = &f.corridor {
        // The family's own network: the union of its 30 fastest routes.
        let mine = flow::family_links(&net, s, t, c, 30).map_err(input)?;
        for (x, m) in ok.iter_mut().zip(mine) {
            *x &= m;
        }
    }
    let set = crate::list(&p.set);
    let base = flow::max_flow(&net, s, t, &capacities(&net, &[])?, &ok).map_err(input)?;
    let after = if set.is_empty() {
        None
    } else {
        Some(flow::max_flow(&net, s, t, &capacities(&net, &set)?, &ok).map_err(input)?)
    };
    Ok(Bottleneck {
        from: net.nodes[s].id.to_string(),
        from_name: net.nodes[s].name.to_string(),
        to: net.nodes[t].id.to_string(),
        to_name: net.nodes[t].name.to_string(),
        corridor: f.corridor,
        set,
        base,
        after,
    })
}

/// `astana corridor assign`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct AssignParams {
    /// Origin node: id or name.
    pub from: Option<String>,
    /// Destination node: id or name.
    pub to: Option<String>,
    /// Countries to avoid, comma-separated ISO3 codes.
    pub avoid: String,
    /// Links to close, comma-separated link ids.
    pub close: String,
    /// Only this corridor family.
    pub corridor: Option<String>,
    /// Demand, TEU per year (required).
    pub demand: Option<f64>,
    /// Routes considered overall, besides the two best of each family (default 5).
    pub k: usize,
    /// Logit scale per USD per FEU (default 0.002).
    pub theta: f64,
    /// Value of time, USD per FEU-hour (default 2).
    pub value_of_time: f64,
}

impl Default for AssignParams {
    fn default() -> Self {
        AssignParams {
            from: None,
            to: None,
            avoid: String::new(),
            close: String::new(),
            corridor: None,
            demand: None,
            k: 5,
            theta: 0.002,
            value_of_time: 2.0,
        }
    }
}

/// A demand split over the routes by logit.
#[derive(Debug, Clone)]
pub struct Assign {
    /// Origin id.
    pub from: String,
    /// Origin name.
    pub from_name: String,
    /// Destination id.
    pub to: String,
    /// Destination name.
    pub to_name: String,
    /// Demand, TEU per year.
    pub demand: f64,
    /// Candidate routes considered.
    pub candidates: usize,
    /// Logit scale.
    pub theta: f64,
    /// USD per FEU-hour.
    pub value_of_time: f64,
    /// The engine's result.
    pub assignment: assign::Assignment,
}

impl Assign {
    fn document(&self) -> Value {
        json!({
            "from": self.from, "to": self.to,
            "theta": self.theta, "value_of_time_usd_per_feu_hour": self.value_of_time,
            "assignment": self.assignment,
        })
    }
}
serialize_document!(Assign);

/// Answers `astana corridor assign`.
///
/// # Errors
/// Bad parameters (input); no route between the nodes (compute).
pub fn assign(scenario: &Scenario, p: &AssignParams) -> Result<Assign, QueryError> {
    let net = network(scenario)?;
    let (s, t) = od(&net, required(&p.from, "from")?, required(&p.to, "to")?)?;
    let demand = p
        .demand
        .ok_or_else(|| QueryError::input("error: --demand is required"))?;
    let w = Weights {
        by: By::Generalized,
        value_of_time: p.value_of_time,
    };
    let settings = assign::Settings {
        theta: p.theta,
        value_of_time: p.value_of_time,
        iterations: 300,
        teu_per_train: sim::DEFAULT_TEU_PER_TRAIN,
    };
    // Flags first: a NaN must not turn into "no route".
    settings.check().map_err(input)?;
    assign::check_demand(demand).map_err(input)?;
    let routes = assign::candidate_routes(
        &net,
        s,
        t,
        p.k,
        2,
        &w,
        &filter(&p.avoid, &p.close, p.corridor.as_ref())?,
    )
    .map_err(input)?;
    if routes.is_empty() {
        return Err(QueryError::compute("error: no route between them"));
    }
    let r = assign::assign(&net, &routes, demand, &settings).map_err(input)?;
    Ok(Assign {
        from: net.nodes[s].id.to_string(),
        from_name: net.nodes[s].name.to_string(),
        to: net.nodes[t].id.to_string(),
        to_name: net.nodes[t].name.to_string(),
        demand,
        candidates: routes.len(),
        theta: p.theta,
        value_of_time: p.value_of_time,
        assignment: r,
    })
}

/// `astana corridor simulate`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct SimulateParams {
    /// Only shipments from this node (with `to`).
    pub from: Option<String>,
    /// Only shipments to this node (with `from`).
    pub to: Option<String>,
    /// Countries to avoid, comma-separated ISO3 codes.
    pub avoid: String,
    /// Links to close, comma-separated link ids.
    pub close: String,
    /// Only this corridor family.
    pub corridor: Option<String>,
    /// Demand, TEU per year (default 120000).
    pub demand: f64,
    /// Days of shipments, at most 3650 (default 365).
    pub days: f64,
    /// Seed (default 1).
    pub seed: u64,
    /// TEU per train (default 82).
    pub teu_per_train: f64,
    /// Probability that a Caspian sailing is cancelled, from 0 to below 1 (default 0.08).
    pub caspian_closure: f64,
}

impl Default for SimulateParams {
    fn default() -> Self {
        SimulateParams {
            from: None,
            to: None,
            avoid: String::new(),
            close: String::new(),
            corridor: None,
            demand: 120_000.0,
            days: 365.0,
            seed: 1,
            teu_per_train: 82.0,
            caspian_closure: 0.08,
        }
    }
}

/// A discrete-event simulation of the network.
#[derive(Debug, Clone)]
pub struct Simulate {
    /// The parameters.
    pub params: SimulateParams,
    /// Origin–destination pairs simulated.
    pub pairs: usize,
    /// The engine's result.
    pub result: sim::SimResult,
}

impl Simulate {
    fn document(&self) -> Value {
        let (a, r) = (&self.params, &self.result);
        json!({
            "days": a.days, "seed": a.seed, "demand_teu_year": a.demand,
            "teu_per_train": a.teu_per_train, "caspian_closure": a.caspian_closure,
            "pairs": self.pairs,
            "corridors": r.corridors, "nodes": r.nodes,
            "undelivered": r.undelivered, "run_days": r.run_days,
        })
    }
}
serialize_document!(Simulate);

/// A simulation whose parameters are checked, ready to run: what a server checks when a
/// job is submitted, so bad parameters fail at once rather than in the background.
#[derive(Debug, Clone)]
pub struct SimulateSetup {
    params: SimulateParams,
    net: Network,
    streams: Vec<sim::Stream>,
    settings: sim::Settings,
    pairs: usize,
}

/// Checks `astana corridor simulate`'s parameters against the scenario.
///
/// # Errors
/// Bad parameters or unknown nodes (input).
pub fn simulate_setup(
    scenario: &Scenario,
    p: &SimulateParams,
) -> Result<SimulateSetup, QueryError> {
    let net = network(scenario)?;
    let f = filter(&p.avoid, &p.close, p.corridor.as_ref())?;
    let settings = sim::Settings {
        days: p.days,
        seed: p.seed,
        teu_per_shipment: p.teu_per_train,
        caspian_closure: p.caspian_closure,
    };
    settings.check().map_err(input)?;
    let pairs: Vec<(usize, usize)> = match (&p.from, &p.to) {
        (Some(from), Some(to)) => vec![od(&net, from, to)?],
        (None, None) => net.od_pairs(),
        (Some(_), None) => return Err(QueryError::input("error: --from needs --to")),
        (None, Some(_)) => return Err(QueryError::input("error: --to needs --from")),
    };
    let streams = sim::streams(&net, &pairs, p.demand, &f).map_err(input)?;
    Ok(SimulateSetup {
        params: p.clone(),
        net,
        streams,
        settings,
        pairs: pairs.len(),
    })
}

/// Runs a checked simulation.
///
/// # Errors
/// The demand overloads the network (compute); cancelled.
pub fn simulate_run(
    setup: SimulateSetup,
    progress: Option<&Progress<'_>>,
) -> Result<Simulate, QueryError> {
    Progress::check(progress)?;
    Progress::tell(progress, 0.0, "simulating");
    let days = setup.params.days;
    let mut tick = |day: f64| Progress::tell(progress, day / days, "simulating");
    let r = match sim::simulate(&setup.net, &setup.streams, &setup.settings, &mut tick) {
        Ok(r) => r,
        Err(e @ sim::SimError::Input(_)) => return Err(QueryError::input(format!("error: {e}"))),
        Err(e @ sim::SimError::Unstable(_)) => {
            return Err(QueryError::compute(format!("error: {e}")))
        }
    };
    Progress::check(progress)?;
    Progress::tell(progress, 1.0, "done");
    Ok(Simulate {
        params: setup.params,
        pairs: setup.pairs,
        result: r,
    })
}

/// Answers `astana corridor simulate`: [`simulate_setup`] then [`simulate_run`].
///
/// # Errors
/// As both.
pub fn simulate(
    scenario: &Scenario,
    p: &SimulateParams,
    progress: Option<&Progress<'_>>,
) -> Result<Simulate, QueryError> {
    simulate_run(simulate_setup(scenario, p)?, progress)
}

/// `astana corridor queue` (no scenario).
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct QueueParams {
    /// Servers, 1 to 10000 (required).
    pub servers: Option<u32>,
    /// Arrivals per hour (required).
    pub arrival_rate: Option<f64>,
    /// Services per hour per server (required).
    pub service_rate: Option<f64>,
    /// Customers, at most 100000000 (default 1000000).
    pub customers: u64,
    /// Seed (default 1).
    pub seed: u64,
}

impl Default for QueueParams {
    fn default() -> Self {
        QueueParams {
            servers: None,
            arrival_rate: None,
            service_rate: None,
            customers: 1_000_000,
            seed: 1,
        }
    }
}

/// Answers `astana corridor queue`: an M/M/c station simulated and checked against Erlang C.
///
/// # Errors
/// Bad parameters (input).
pub fn queue(p: &QueueParams) -> Result<queue::QueueCheck, QueryError> {
    let need = |v: Option<f64>, flag: &str| {
        v.ok_or_else(|| QueryError::input(format!("error: --{flag} is required")))
    };
    let servers = p
        .servers
        .ok_or_else(|| QueryError::input("error: --servers is required"))?;
    queue::mmc(
        servers,
        need(p.arrival_rate, "arrival-rate")?,
        need(p.service_rate, "service-rate")?,
        p.customers,
        p.seed,
    )
    .map_err(input)
}

/// `astana corridor volumes`.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct VolumesParams {
    /// Corridor id in volumes.csv (default middle).
    pub corridor: String,
    /// Last year of the projection (default 2030).
    pub to: i32,
    /// Years of growth the projection extrapolates (default 3).
    pub window: usize,
    /// Capacity cap, Mt per year (default: the latest `capacity` row of the corridor).
    pub capacity_mt: Option<f64>,
}

impl Default for VolumesParams {
    fn default() -> Self {
        VolumesParams {
            corridor: "middle".into(),
            to: 2030,
            window: 3,
            capacity_mt: None,
        }
    }
}

/// Answers `astana corridor volumes`.
///
/// # Errors
/// No volumes file, or bad parameters (input).
pub fn volumes(
    scenario: &Scenario,
    p: &VolumesParams,
) -> Result<volumes::VolumeReport, QueryError> {
    if scenario.volumes.is_empty() {
        return Err(QueryError::input(
            "error: the scenario has no volumes file (files.volumes)",
        ));
    }
    let cap = p.capacity_mt.or_else(|| {
        scenario
            .volumes
            .iter()
            .filter(|v| v.corridor == p.corridor && v.kind == "capacity")
            .max_by_key(|v| v.year)
            .map(|v| v.tonnes / 1e6)
    });
    volumes::report(&scenario.volumes, &p.corridor, p.window, p.to, cap).map_err(input)
}

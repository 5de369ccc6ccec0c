//! k loopless best routes (Yen's algorithm over Dijkstra) by time, cost or generalised
//! cost, with countries avoided, links closed and a corridor family imposed.

use crate::network::Network;
use serde::Serialize;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashSet};

/// What a route minimises.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum By {
    /// Hours: running time plus dwell at the nodes passed.
    Time,
    /// USD per FEU: freight plus handling at the nodes passed.
    Cost,
    /// Cost plus the value of time: USD per FEU.
    Generalized,
}

/// Which parts of the network a search may use.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    /// Countries (ISO3) whose nodes are not entered.
    pub avoid: Vec<String>,
    /// Link ids closed.
    pub close: Vec<String>,
    /// Only routes labelled with this family (see [`Network::allows`]).
    pub corridor: Option<String>,
}

/// Most routes [`k_best`] returns: Yen's algorithm does a shortest-path search per node of
/// every route found, so the work grows with k; beyond a thousand the list is no longer a
/// comparison of alternatives.
pub const MAX_K: usize = 1_000;

/// Most steps (arcs looked at by the searches, route nodes compared, candidates scanned;
/// counted as they go) one k-best search may take: several seconds in a release build.
pub const MAX_SEARCH_WORK: f64 = 1e9;

/// Most routes [`all_pairs`] computes in one call (ordered pairs × k).
pub const MAX_ALL_PAIRS_ROUTES: usize = 1_000_000;

impl Filter {
    fn avoided(&self, country: &str) -> bool {
        self.avoid.iter().any(|c| c.eq_ignore_ascii_case(country))
    }

    /// Every avoided code must be a country of the network: a typo (`RSU`) would
    /// otherwise avoid nothing and change nothing without a word.
    ///
    /// # Errors
    /// The first unknown code, with the nearest codes of the network.
    pub fn check(&self, net: &Network) -> Result<(), String> {
        let known = net.countries();
        for c in &self.avoid {
            if known.iter().any(|k| k.eq_ignore_ascii_case(c)) {
                continue;
            }
            let near = near_codes(c, &known);
            return Err(format!(
                "--avoid {c:?}: no place or link of the network is in that country{}; the network's countries are {}",
                if near.is_empty() {
                    String::new()
                } else {
                    format!(" (did you mean {}?)", near.join(" or "))
                },
                known.join(", ")
            ));
        }
        Ok(())
    }

    /// Per node: whether a route may enter it (not in an avoided country).
    pub fn nodes(&self, net: &Network) -> Vec<bool> {
        net.nodes
            .iter()
            .map(|n| !self.avoided(&n.country))
            .collect()
    }

    /// Per link: whether a route may use it (not closed, not into or through an avoided
    /// country, allowed for the family).
    ///
    /// # Errors
    /// An avoided country that is not in the network, or a closed link id that is not.
    pub fn links(&self, net: &Network) -> Result<Vec<bool>, String> {
        self.check(net)?;
        let mut ok: Vec<bool> = (0..net.links.len())
            .map(|l| {
                let (a, b) = net.ends[l];
                self.corridor.as_deref().is_none_or(|c| net.allows(c, l))
                    && !self.avoided(&net.nodes[a].country)
                    && !self.avoided(&net.nodes[b].country)
                    && !net.links[l].crosses.iter().any(|c| self.avoided(c))
            })
            .collect();
        for id in &self.close {
            let l = net
                .link_index(id)
                .ok_or_else(|| format!("no link has the id {id:?}"))?;
            ok[l] = false;
        }
        Ok(ok)
    }
}

/// Codes among `known` one edit away from `code` (a letter changed, added, dropped, or
/// two neighbours swapped: `RSU` → `RUS`), else two.
fn near_codes<'a>(code: &str, known: &[&'a str]) -> Vec<&'a str> {
    let up: Vec<char> = code.to_uppercase().chars().collect();
    let dist = |k: &str| -> usize {
        // Optimal string alignment distance.
        let b: Vec<char> = k.chars().collect();
        let (n, m) = (up.len(), b.len());
        let mut d = vec![vec![0usize; m + 1]; n + 1];
        for (i, row) in d.iter_mut().enumerate() {
            row[0] = i;
        }
        for (j, x) in d[0].iter_mut().enumerate() {
            *x = j;
        }
        for i in 1..=n {
            for j in 1..=m {
                let cost = usize::from(up[i - 1] != b[j - 1]);
                let mut v = (d[i - 1][j] + 1)
                    .min(d[i][j - 1] + 1)
                    .min(d[i - 1][j - 1] + cost);
                if i > 1 && j > 1 && up[i - 1] == b[j - 2] && up[i - 2] == b[j - 1] {
                    v = v.min(d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        d[n][m]
    };
    if up.len() > 8 {
        return Vec::new();
    }
    for limit in [1, 2] {
        let near: Vec<&str> = known.iter().copied().filter(|k| dist(k) <= limit).collect();
        if !near.is_empty() {
            return near;
        }
    }
    Vec::new()
}

/// How routes are weighed.
#[derive(Clone, Copy, Debug)]
pub struct Weights {
    /// The criterion.
    pub by: By,
    /// USD per FEU-hour for the generalised cost.
    pub value_of_time: f64,
}

/// One leg of a route.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Leg {
    /// From node id.
    pub from: String,
    /// To node id.
    pub to: String,
    /// Link id.
    pub link: String,
    /// Mode.
    pub mode: String,
    /// km.
    pub km: f64,
    /// Running hours.
    pub hours: f64,
}

/// A route and its totals.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Route {
    /// 1-based rank.
    pub rank: usize,
    /// Corridor family.
    pub corridor: String,
    /// Total days (running time plus dwell at intermediate nodes).
    pub days: f64,
    /// Total km.
    pub km: f64,
    /// USD per FEU: freight plus handling at intermediate nodes.
    pub cost_usd_feu: f64,
    /// Generalised cost, USD per FEU.
    pub generalized_usd_feu: f64,
    /// Countries crossed, in order.
    pub countries: Vec<String>,
    /// Changes of mode or of rail gauge along the way.
    pub transshipments: usize,
    /// The legs.
    pub legs: Vec<Leg>,
    /// Node indices (internal).
    #[serde(skip)]
    pub nodes: Vec<usize>,
    /// Link indices (internal).
    #[serde(skip)]
    pub links: Vec<usize>,
}

fn check_k(k: usize) -> Result<(), String> {
    if (1..=MAX_K).contains(&k) {
        Ok(())
    } else {
        Err(format!(
            "--k {k}: the number of routes must be from 1 to {MAX_K} (the limit bounds the search's time)"
        ))
    }
}

impl Weights {
    /// # Errors
    /// A value of time that is not a finite non-negative number.
    pub fn check(&self) -> Result<(), String> {
        if self.value_of_time.is_finite() && self.value_of_time >= 0.0 {
            Ok(())
        } else {
            Err(format!(
                "--value-of-time {}: must be a finite number of USD per FEU-hour, 0 or more",
                self.value_of_time
            ))
        }
    }

    fn link(&self, net: &Network, l: usize) -> f64 {
        let link = &net.links[l];
        match self.by {
            By::Time => link.hours,
            By::Cost => link.cost_usd_feu,
            By::Generalized => link.cost_usd_feu + self.value_of_time * link.hours,
        }
    }

    fn node(&self, net: &Network, v: usize) -> f64 {
        let n = &net.nodes[v];
        match self.by {
            By::Time => n.dwell_hours,
            By::Cost => n.handling_usd_feu,
            By::Generalized => n.handling_usd_feu + self.value_of_time * n.dwell_hours,
        }
    }
}

#[derive(PartialEq)]
struct State(f64, usize);
impl Eq for State {}
impl Ord for State {
    fn cmp(&self, o: &Self) -> Ordering {
        o.0.total_cmp(&self.0).then(o.1.cmp(&self.1))
    }
}
impl PartialOrd for State {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

/// Dijkstra's (or A*'s) working memory, reused across the many searches of one k-best
/// call, with the weights of entering each link and node computed once.
struct Search {
    link_w: Vec<f64>,
    node_w: Vec<f64>,
    dist: Vec<f64>,
    prev: Vec<Option<(usize, usize)>>,
    touched: Vec<usize>,
    heap: BinaryHeap<State>,
    on_path: Vec<bool>,
    /// A lower bound on the weight from each node to the target (A*'s heuristic); all
    /// zeros makes the search plain Dijkstra.
    h: Vec<f64>,
    /// States settled by the current search.
    done: Vec<bool>,
    /// Whether `h` is set (A*) or all zeros (plain Dijkstra).
    guided: bool,
    /// Arcs looked at so far: the work actually done, checked against `max_steps`.
    steps: f64,
    /// [`MAX_SEARCH_WORK`] and [`MAX_CANDIDATE_ENTRIES`] (lowered by tests).
    max_steps: f64,
    max_entries: f64,
}

impl Search {
    fn new(net: &Network, w: &Weights) -> Search {
        let n = net.nodes.len();
        Search {
            link_w: (0..net.links.len()).map(|l| w.link(net, l)).collect(),
            node_w: (0..n).map(|v| w.node(net, v)).collect(),
            dist: vec![f64::INFINITY; 2 * n],
            prev: vec![None; 2 * n],
            touched: Vec::new(),
            heap: BinaryHeap::new(),
            on_path: vec![false; n],
            done: vec![false; 2 * n],
            guided: false,
            h: vec![0.0; n],
            steps: 0.0,
            max_steps: MAX_SEARCH_WORK,
            max_entries: MAX_CANDIDATE_ENTRIES,
        }
    }

    /// Sets the heuristic to the exact weight from every node to `t` over the nodes and
    /// links allowed (one reverse Dijkstra). Spur searches only ever remove nodes and links,
    /// so it stays a lower bound for them, and it is consistent (h(u) ≤ w(u→v) + h(v)),
    /// so A* settles each state once and finds the same weight as Dijkstra.
    fn guide_to(&mut self, net: &Network, t: usize, node_ok: &[bool], link_ok: &[bool]) {
        self.h.fill(f64::INFINITY);
        self.guided = true;
        self.heap.clear();
        self.h[t] = 0.0;
        self.heap.push(State(0.0, t));
        while let Some(State(d, v)) = self.heap.pop() {
            if d > self.h[v] {
                continue;
            }
            // Arriving at v over a costs a's link and v's node weight.
            let enter = d + self.node_w[v];
            for a in &net.out[v] {
                if !link_ok[a.link] || !node_ok[a.to] {
                    continue;
                }
                let nd = enter + self.link_w[a.link];
                if nd < self.h[a.to] {
                    self.h[a.to] = nd;
                    self.heap.push(State(nd, a.to));
                }
            }
        }
        self.steps += (net.nodes.len() + 2 * net.links.len()) as f64;
    }

    /// Back to plain Dijkstra (the oracle the tests compare A* with).
    fn unguided(&mut self) {
        self.h.fill(0.0);
        self.guided = false;
    }

    /// Shortest path from `s` to `t` with nodes and links barred; entering v costs v's
    /// node weight too (the destination's is the same for every route). With `must`, the
    /// path has to use at least one of those links: the search runs over (node,
    /// used-one-yet) states, starting in state `used`. A path that would pass a node twice
    /// (once in each state) is rejected. States are taken in order of weight so far plus
    /// the heuristic (A*), ties by state index as in plain Dijkstra.
    #[allow(clippy::too_many_arguments)]
    fn shortest(
        &mut self,
        net: &Network,
        s: usize,
        t: usize,
        node_ok: &[bool],
        link_ok: &[bool],
        must: Option<&[bool]>,
        used: bool,
    ) -> Option<(Vec<usize>, Vec<usize>)> {
        for &x in &self.touched {
            self.dist[x] = f64::INFINITY;
            self.prev[x] = None;
            self.done[x] = false;
        }
        self.touched.clear();
        self.heap.clear();
        if !self.h[s].is_finite() {
            // The target cannot be reached from s even before anything is barred.
            return None;
        }
        let state = |v: usize, f: bool| v * 2 + usize::from(f);
        let start = state(s, must.is_none() || used);
        self.dist[start] = 0.0;
        self.touched.push(start);
        self.heap.push(State(self.h[s], start));
        let goal = state(t, true);
        let mut steps = 0usize;
        // Guided, the search goes on past the goal through every state as good as it
        // (f ≤ the goal's weight): among equally good routes it then picks the one plain
        // Dijkstra would (see `dijkstra_prev`), so ties are broken as before.
        let mut bound = f64::INFINITY;
        while let Some(State(f, x)) = self.heap.pop() {
            if f > bound {
                break;
            }
            let (u, flag) = (x / 2, x % 2 == 1);
            let d = self.dist[x];
            if f > d + self.h[u] {
                continue;
            }
            self.done[x] = true;
            if x == goal {
                if !self.guided {
                    break;
                }
                bound = f;
                continue;
            }
            steps += net.out[u].len();
            for a in &net.out[u] {
                if !link_ok[a.link] || !node_ok[a.to] {
                    continue;
                }
                let hv = self.h[a.to];
                if !hv.is_finite() {
                    continue;
                }
                let y = state(a.to, flag || must.is_some_and(|m| m[a.link]));
                let nd = d + self.link_w[a.link] + self.node_w[a.to];
                if nd < self.dist[y] {
                    if self.dist[y].is_infinite() {
                        self.touched.push(y);
                    }
                    self.dist[y] = nd;
                    self.prev[y] = Some((x, a.link));
                    self.heap.push(State(nd + hv, y));
                }
            }
        }
        self.steps += steps as f64;
        if !self.dist[goal].is_finite() {
            return None;
        }
        let (mut nodes, mut links) = (vec![t], Vec::new());
        let mut x = goal;
        let mut hops = 0;
        while x != start {
            let p = if self.guided && hops <= self.touched.len() {
                self.dijkstra_prev(net, x, node_ok, link_ok, must)
            } else {
                self.prev[x]
            };
            let Some((y, l)) = p else { break };
            nodes.push(y / 2);
            links.push(l);
            x = y;
            hops += 1;
        }
        nodes.reverse();
        links.reverse();
        // A node twice (once in each state) is a loop; a marker per node keeps the check
        // linear on long paths.
        let mut twice = false;
        for &v in &nodes {
            twice |= std::mem::replace(&mut self.on_path[v], true);
        }
        for &v in &nodes {
            self.on_path[v] = false;
        }
        (!twice).then_some((nodes, links))
    }

    /// The predecessor plain Dijkstra would have recorded for state `y`: of the settled
    /// states x with an arc x → y giving y its weight exactly, the first Dijkstra settles
    /// (least weight, then least index), through its first such link (least index, the
    /// order of `net.out`). Every such x has f ≤ f(y) (the heuristic is consistent), so the
    /// guided search has settled it too, with the same weight.
    fn dijkstra_prev(
        &self,
        net: &Network,
        y: usize,
        node_ok: &[bool],
        link_ok: &[bool],
        must: Option<&[bool]>,
    ) -> Option<(usize, usize)> {
        let (v, fy) = (y / 2, y % 2 == 1);
        let mut best: Option<(f64, usize, usize)> = None;
        for a in &net.out[v] {
            if !link_ok[a.link] || !node_ok[v] {
                continue;
            }
            for fx in [false, true] {
                if (fx || must.is_some_and(|m| m[a.link])) != fy {
                    continue;
                }
                let x = a.to * 2 + usize::from(fx);
                if !self.done[x]
                    || self.dist[x] + self.link_w[a.link] + self.node_w[v] != self.dist[y]
                {
                    continue;
                }
                let key = (self.dist[x], x, a.link);
                if best.is_none_or(|b| {
                    key.0
                        .total_cmp(&b.0)
                        .then(key.1.cmp(&b.1))
                        .then(key.2.cmp(&b.2))
                        .is_lt()
                }) {
                    best = Some(key);
                }
            }
        }
        best.map(|(_, x, l)| (x, l)).or(self.prev[y])
    }
}

fn weight_of(net: &Network, w: &Weights, nodes: &[usize], links: &[usize]) -> f64 {
    let inner: f64 = nodes
        .iter()
        .skip(1)
        .take(nodes.len().saturating_sub(2))
        .map(|&v| w.node(net, v))
        .sum();
    links.iter().map(|&l| w.link(net, l)).sum::<f64>() + inner
}

/// Totals of a path.
pub fn describe(
    net: &Network,
    w: &Weights,
    nodes: Vec<usize>,
    links: Vec<usize>,
    rank: usize,
) -> Route {
    let inner = &nodes[1..nodes.len().saturating_sub(1).max(1)];
    let dwell: f64 = inner.iter().map(|&v| net.nodes[v].dwell_hours).sum();
    let handling: f64 = inner.iter().map(|&v| net.nodes[v].handling_usd_feu).sum();
    let hours: f64 = links.iter().map(|&l| net.links[l].hours).sum::<f64>() + dwell;
    let cost: f64 = links
        .iter()
        .map(|&l| net.links[l].cost_usd_feu)
        .sum::<f64>()
        + handling;
    // Countries in travel order, those crossed inside long links included.
    let mut countries: Vec<String> = vec![net.nodes[nodes[0]].country.clone()];
    for (&l, &v) in links.iter().zip(&nodes) {
        for c in net.link_countries(l, v) {
            if countries.last().map(String::as_str) != Some(c) {
                countries.push(c.to_string());
            }
        }
    }
    let transshipments = links
        .windows(2)
        .filter(|p| {
            let (a, b) = (&net.links[p[0]], &net.links[p[1]]);
            a.mode != b.mode || (a.gauge.is_some() && b.gauge.is_some() && a.gauge != b.gauge)
        })
        .count();
    let legs = links
        .iter()
        .zip(nodes.windows(2))
        .map(|(&l, p)| {
            let link = &net.links[l];
            Leg {
                from: net.nodes[p[0]].id.clone(),
                to: net.nodes[p[1]].id.clone(),
                link: link.id.clone(),
                mode: link.mode.clone(),
                km: link.km,
                hours: link.hours,
            }
        })
        .collect();
    Route {
        rank,
        corridor: net.family(&links).to_string(),
        days: hours / 24.0,
        km: links.iter().map(|&l| net.links[l].km).sum(),
        cost_usd_feu: cost,
        generalized_usd_feu: cost + w.value_of_time * hours,
        countries,
        transshipments,
        legs,
        nodes,
        links,
    }
}

/// Up to `k` loopless best routes from `s` to `t` (Yen's algorithm, its spur searches
/// guided by A* with the exact distances to `t`), best first.
///
/// # Errors
/// When the origin and destination are one node, k is 0 or above [`MAX_K`], the value of
/// time is not a finite non-negative number, the origin or destination lies in an avoided
/// country, an avoided country is not in the network, or a closed link id is unknown.
pub fn k_best(
    net: &Network,
    s: usize,
    t: usize,
    k: usize,
    w: &Weights,
    filter: &Filter,
) -> Result<Vec<Route>, String> {
    Ok(k_paths(net, s, t, k, w, filter, true)?
        .into_iter()
        .enumerate()
        .map(|(r, (_, n, l))| describe(net, w, n, l, r + 1))
        .collect())
}

/// The parts of the network a search may use, from the filter, computed once per call.
struct Allowed {
    node_ok: Vec<bool>,
    link_ok: Vec<bool>,
    /// With a family imposed: the family's own links (a route must use one).
    must: Option<Vec<bool>>,
    corridor: Option<String>,
}

impl Allowed {
    /// # Errors
    /// As [`Filter::links`].
    fn new(net: &Network, node_ok: Vec<bool>, filter: &Filter) -> Result<Allowed, String> {
        Ok(Allowed {
            node_ok,
            link_ok: filter.links(net)?,
            must: filter.corridor.as_ref().map(|f| {
                net.links
                    .iter()
                    .map(|l| l.family.as_deref() == Some(f.as_str()))
                    .collect()
            }),
            corridor: filter.corridor.clone(),
        })
    }

    /// The error for an origin or destination in an avoided country.
    fn end_ok(node_ok: &[bool], net: &Network, v: usize) -> Result<(), String> {
        if node_ok[v] {
            Ok(())
        } else {
            Err(format!(
                "{} lies in an avoided country ({})",
                net.nodes[v].name, net.nodes[v].country
            ))
        }
    }
}

/// Most entries (nodes, links and their copy in the duplicate check) Yen's candidate
/// routes may hold, counted as they are found: a bound on memory (about 0.2 GB).
pub const MAX_CANDIDATE_ENTRIES: f64 = 2e7;

/// The k best paths as (weight, nodes, links), best first, by A*-guided Yen.
#[allow(clippy::type_complexity)]
fn k_paths(
    net: &Network,
    s: usize,
    t: usize,
    k: usize,
    w: &Weights,
    filter: &Filter,
    guided: bool,
) -> Result<Vec<(f64, Vec<usize>, Vec<usize>)>, String> {
    check_k(k)?;
    w.check()?;
    if s == t {
        return Err(same_node(net, s));
    }
    let node_ok = filter.nodes(net);
    Allowed::end_ok(&node_ok, net, s)?;
    Allowed::end_ok(&node_ok, net, t)?;
    let mut allowed = Allowed::new(net, node_ok, filter)?;
    let mut search = Search::new(net, w);
    if guided {
        search.guide_to(net, t, &allowed.node_ok, &allowed.link_ok);
    } else {
        search.unguided();
    }
    yen(net, s, t, k, w, &mut allowed, &mut search)
}

fn same_node(net: &Network, s: usize) -> String {
    format!(
        "the origin and the destination are the same node ({})",
        net.nodes[s].id
    )
}

/// Plain Yen over Dijkstra, without the A* guide: the oracle the tests compare
/// [`k_best`] with (same routes, same order). Not for use: it is the slow path.
///
/// # Errors
/// As [`k_best`].
#[doc(hidden)]
pub fn k_best_unguided(
    net: &Network,
    s: usize,
    t: usize,
    k: usize,
    w: &Weights,
    filter: &Filter,
) -> Result<Vec<Route>, String> {
    Ok(k_paths(net, s, t, k, w, filter, false)?
        .into_iter()
        .enumerate()
        .map(|(r, (_, n, l))| describe(net, w, n, l, r + 1))
        .collect())
}

/// Yen's algorithm from `s` to `t` with the search's heuristic already set for `t`
/// (`allowed`'s node and link marks are changed during spur searches and restored).
#[allow(clippy::type_complexity)]
fn yen(
    net: &Network,
    s: usize,
    t: usize,
    k: usize,
    w: &Weights,
    allowed: &mut Allowed,
    search: &mut Search,
) -> Result<Vec<(f64, Vec<usize>, Vec<usize>)>, String> {
    let corridor = allowed.corridor.clone();
    let wanted = |links: &[usize]| corridor.as_deref().is_none_or(|f| net.family(links) == f);
    // With a family imposed, routes using only shared links are skipped: look further.
    let budget = if corridor.is_some() { k * 8 + 8 } else { k };
    let Allowed {
        node_ok,
        link_ok,
        must,
        ..
    } = allowed;
    let must = must.as_deref();
    search.steps = 0.0;
    let Some(first) = search.shortest(net, s, t, node_ok, link_ok, must, false) else {
        return Ok(Vec::new());
    };
    // Found routes with the index where each left its parent (Lawler: spurs before it
    // were already explored from the parent).
    let mut found: Vec<(Vec<usize>, Vec<usize>, usize)> = vec![(first.0, first.1, 0)];
    let mut candidates: Vec<(f64, Vec<usize>, Vec<usize>, usize)> = Vec::new();
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    seen.insert(found[0].1.clone());
    // Work and memory are counted as they go, not estimated: with A* a spur search costs
    // what it finds, not the network's size.
    let mut entries = 0.0;
    // Stop as soon as k wanted routes are found (the first may already be all that was
    // asked: a family's best route), before another round of spur searches.
    while found.len() < budget && found.iter().filter(|(_, l, _)| wanted(l)).count() < k {
        let (last_nodes, last_links, dev) = found.last().cloned().unwrap_or_default();
        // How far each found route shares its start with the last one: it has the root of
        // spur i (nodes ..=i and links ..i) when i ≤ that, so roots need no comparing.
        let shared: Vec<usize> = found
            .iter()
            .map(|(pn, pl, _)| {
                let nodes = pn
                    .iter()
                    .zip(&last_nodes)
                    .take_while(|(a, b)| a == b)
                    .count();
                let links = pl
                    .iter()
                    .zip(&last_links)
                    .take_while(|(a, b)| a == b)
                    .count();
                nodes.saturating_sub(1).min(links)
            })
            .collect();
        search.steps += (found.len() * last_nodes.len()) as f64;
        for i in dev..last_links.len() {
            let spur = last_nodes[i];
            let root_nodes = &last_nodes[..=i];
            let root_links = &last_links[..i];
            // Bar the next link of every found route with this root, and the root's nodes;
            // restored after the search.
            let mut barred = Vec::new();
            search.steps += found.len() as f64;
            for ((_, pl, _), &same) in found.iter().zip(&shared) {
                // Same root (nodes and the links between them: links may be parallel).
                if pl.len() > i && same >= i && link_ok[pl[i]] {
                    link_ok[pl[i]] = false;
                    barred.push(pl[i]);
                }
            }
            for &v in &root_nodes[..i] {
                node_ok[v] = false;
            }
            let used = must.is_some_and(|m| root_links.iter().any(|&l| m[l]));
            if search.steps > search.max_steps {
                for &l in &barred {
                    link_ok[l] = true;
                }
                for &v in &root_nodes[..i] {
                    node_ok[v] = true;
                }
                return Err(format!(
                    "--k {k}: the search stopped after {} routes, past its limit of {:.0e} steps on this network: ask for fewer routes",
                    found.len(),
                    search.max_steps
                ));
            }
            let spur_path = search.shortest(net, spur, t, node_ok, link_ok, must, used);
            for &l in &barred {
                link_ok[l] = true;
            }
            for &v in &root_nodes[..i] {
                node_ok[v] = true;
            }
            if let Some((sn, sl)) = spur_path {
                let mut nodes = root_nodes[..i].to_vec();
                nodes.extend(sn);
                let mut links = root_links.to_vec();
                links.extend(sl);
                if seen.insert(links.clone()) {
                    entries += (nodes.len() + 2 * links.len()) as f64;
                    if entries > search.max_entries {
                        return Err(format!(
                            "--k {k}: the search stopped after {} routes, its candidate routes past {:.0e} entries on this network: ask for fewer routes",
                            found.len(),
                            search.max_entries
                        ));
                    }
                    let c = weight_of(net, w, &nodes, &links);
                    candidates.push((c, nodes, links, i));
                }
            }
        }
        if candidates.is_empty() {
            break;
        }
        search.steps += candidates.len() as f64;
        // The cheapest candidate (ties: fewer links, then link order) becomes the next route.
        let best = (0..candidates.len())
            .min_by(|&a, &b| {
                candidates[a]
                    .0
                    .total_cmp(&candidates[b].0)
                    .then(candidates[a].2.len().cmp(&candidates[b].2.len()))
                    .then(candidates[a].2.cmp(&candidates[b].2))
            })
            .unwrap_or(0);
        let (_, nodes, links, dev) = candidates.swap_remove(best);
        found.push((nodes, links, dev));
        if found.iter().filter(|(_, l, _)| wanted(l)).count() >= k {
            break;
        }
    }
    Ok(found
        .into_iter()
        .filter(|(_, l, _)| wanted(l))
        .take(k)
        .map(|(n, l, _)| (weight_of(net, w, &n, &l), n, l))
        .collect())
}

/// The weights of the [`k_best`] routes for every ordered pair of distinct nodes, as
/// [`all_pairs`] returns them: one flat table of `k` cells per ordered pair, indexed by node
/// index. For [`By::Time`] a weight is the route's hours.
#[derive(Clone, Debug)]
pub struct PairWeights {
    n: usize,
    k: usize,
    /// Pair (s, t)'s routes at `(s * n + t) * k ..`, best first; a cell without a route is
    /// NaN (a weight never is). The diagonal's cells are unused.
    cells: Vec<f64>,
}

impl PairWeights {
    /// The number of nodes.
    pub fn nodes(&self) -> usize {
        self.n
    }

    /// The k asked for: the most routes a pair has.
    pub fn k(&self) -> usize {
        self.k
    }

    /// The number of ordered pairs of distinct nodes.
    pub fn pairs(&self) -> usize {
        self.n * self.n.saturating_sub(1)
    }

    /// The weights of the routes from `s` to `t`, best first (empty when there is no
    /// route, or `s == t`).
    ///
    /// # Panics
    /// When `s` or `t` is not a node index.
    pub fn get(&self, s: usize, t: usize) -> &[f64] {
        assert!(s < self.n && t < self.n, "node index out of range");
        if s == t {
            return &[];
        }
        let cells = &self.cells[(s * self.n + t) * self.k..][..self.k];
        let found = cells.iter().position(|x| x.is_nan()).unwrap_or(self.k);
        &cells[..found]
    }

    /// Every ordered pair of distinct nodes with its routes' weights, in order of origin,
    /// then destination.
    pub fn iter(&self) -> impl Iterator<Item = (usize, usize, &[f64])> + '_ {
        (0..self.n).flat_map(move |s| {
            (0..self.n)
                .filter(move |&t| t != s)
                .map(move |t| (s, t, self.get(s, t)))
        })
    }

    /// How many routes in all.
    pub fn routes(&self) -> usize {
        self.iter().map(|(_, _, v)| v.len()).sum()
    }
}

/// The weights of the [`k_best`] routes for every ordered pair of distinct nodes, on all
/// cores. With k = 1 and no family imposed, one shortest-path tree per origin gives every
/// destination at once, each thread filling its block of origins' rows of the table in
/// place; otherwise each destination's A* guide (one reverse Dijkstra) serves every origin.
///
/// # Errors
/// As [`k_best`].
pub fn all_pairs(
    net: &Network,
    k: usize,
    w: &Weights,
    filter: &Filter,
) -> Result<PairWeights, String> {
    let n = net.nodes.len();
    check_k(k)?;
    w.check()?;
    filter.check(net)?;
    let routes = n.saturating_mul(n.saturating_sub(1)).saturating_mul(k);
    if routes > MAX_ALL_PAIRS_ROUTES {
        return Err(format!(
            "--all-pairs with --k {k} on {n} nodes asks for {routes} routes; the limit is {MAX_ALL_PAIRS_ROUTES}: lower --k or ask for single pairs"
        ));
    }
    let node_ok = filter.nodes(net);
    // Every node is an origin and a destination: the first in an avoided country is the
    // error a search of its pairs would give.
    if let Some(v) = (0..n).find(|&v| !node_ok[v]) {
        if n > 1 {
            Allowed::end_ok(&node_ok, net, v)?;
        }
    }
    let allowed = Allowed::new(net, node_ok, filter)?;
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get().min(8))
        .min(n.max(1));
    // n² k cells (the diagonal's included, so a pair's place is a product): at most the
    // limit above plus n k.
    let mut cells = vec![f64::NAN; n * n * k];
    if n == 0 {
        return Ok(PairWeights { n, k, cells });
    }
    if k == 1 && filter.corridor.is_none() {
        let rows = n.div_ceil(threads).max(1);
        let allowed = &allowed;
        std::thread::scope(|sc| {
            for (block, part) in cells.chunks_mut(rows * n).enumerate() {
                sc.spawn(move || {
                    let search = Search::new(net, w);
                    let mut tree = Tree::new(n);
                    for (i, row) in part.chunks_mut(n).enumerate() {
                        let s = block * rows + i;
                        tree.grow(net, &search, s, &allowed.node_ok, &allowed.link_ok);
                        tree.weights(row);
                        row[s] = f64::NAN;
                    }
                });
            }
        });
        return Ok(PairWeights { n, k, cells });
    }
    let allowed = &allowed;
    // Per destination, its column: every origin's k cells.
    type Columns = Vec<(usize, Vec<f64>)>;
    let parts: Vec<Result<Columns, String>> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..threads)
            .map(|first| {
                sc.spawn(move || {
                    let mut out = Vec::new();
                    let mut search = Search::new(net, w);
                    let mut mine = Allowed {
                        node_ok: allowed.node_ok.clone(),
                        link_ok: allowed.link_ok.clone(),
                        must: allowed.must.clone(),
                        corridor: allowed.corridor.clone(),
                    };
                    for t in (first..n).step_by(threads) {
                        search.guide_to(net, t, &mine.node_ok, &mine.link_ok);
                        let mut column = vec![f64::NAN; n * k];
                        for s in (0..n).filter(|&s| s != t) {
                            let paths = yen(net, s, t, k, w, &mut mine, &mut search)?;
                            for (cell, p) in column[s * k..].iter_mut().zip(paths) {
                                *cell = p.0;
                            }
                        }
                        out.push((t, column));
                    }
                    Ok(out)
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    for p in parts {
        for (t, column) in p? {
            for (s, v) in column.chunks(k).enumerate() {
                cells[(s * n + t) * k..][..k].copy_from_slice(v);
            }
        }
    }
    Ok(PairWeights { n, k, cells })
}

/// A shortest-path tree from one origin (Dijkstra to every node), with each node's route
/// weight summed as [`weight_of`] sums it: links, then the nodes passed.
struct Tree {
    dist: Vec<f64>,
    links: Vec<f64>,
    inner: Vec<f64>,
    heap: BinaryHeap<State>,
}

impl Tree {
    fn new(n: usize) -> Tree {
        Tree {
            dist: vec![f64::INFINITY; n],
            links: vec![0.0; n],
            inner: vec![0.0; n],
            heap: BinaryHeap::new(),
        }
    }

    /// Grows the tree from `s`, settling nodes in the order the single-pair search does
    /// (weight, then index; a node keeps its first best parent), so every route found is the
    /// one that search would find.
    fn grow(&mut self, net: &Network, w: &Search, s: usize, node_ok: &[bool], link_ok: &[bool]) {
        self.dist.fill(f64::INFINITY);
        self.heap.clear();
        self.dist[s] = 0.0;
        self.links[s] = 0.0;
        self.inner[s] = 0.0;
        self.heap.push(State(0.0, s));
        while let Some(State(d, u)) = self.heap.pop() {
            if d > self.dist[u] {
                continue;
            }
            let passed = if u == s { 0.0 } else { w.node_w[u] };
            for a in &net.out[u] {
                if !link_ok[a.link] || !node_ok[a.to] {
                    continue;
                }
                let nd = d + w.link_w[a.link] + w.node_w[a.to];
                if nd < self.dist[a.to] {
                    self.dist[a.to] = nd;
                    self.links[a.to] = self.links[u] + w.link_w[a.link];
                    self.inner[a.to] = self.inner[u] + passed;
                    self.heap.push(State(nd, a.to));
                }
            }
        }
    }

    /// The weight of the route to every node (NaN where there is none).
    fn weights(&self, row: &mut [f64]) {
        for (t, cell) in row.iter_mut().enumerate() {
            *cell = if self.dist[t].is_finite() {
                self.links[t] + self.inner[t]
            } else {
                f64::NAN
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use astana_model::corridor::{Link, Node};

    /// A `side × side` grid with unit links.
    fn grid(side: usize) -> Network {
        let node = |i: usize| Node {
            id: format!("N{i}"),
            name: format!("N{i}"),
            country: "KAZ".into(),
            lat: 0.0,
            lon: 0.0,
            kind: "hub".into(),
            dwell_hours: 0.0,
            handling_usd_feu: 0.0,
            servers: None,
            source: "s".into(),
            note: String::new(),
        };
        let link = |a: usize, b: usize| Link {
            id: format!("L{a}-{b}"),
            from: format!("N{a}"),
            to: format!("N{b}"),
            mode: "rail".into(),
            km: 1.0,
            hours: 1.0,
            gauge: None,
            cost_usd_feu: 1.0,
            capacity_teu_year: None,
            departures_week: None,
            family: None,
            crosses: Vec::new(),
            source: "s".into(),
            note: String::new(),
        };
        let nodes: Vec<Node> = (0..side * side).map(node).collect();
        let mut links = Vec::new();
        for v in 0..side * side {
            if v % side + 1 < side {
                links.push(link(v, v + 1));
            }
            if v + side < side * side {
                links.push(link(v, v + side));
            }
        }
        Network::new(&nodes, &links)
    }

    fn run(net: &Network, k: usize, steps: f64, entries: f64) -> Result<usize, String> {
        let w = Weights {
            by: By::Time,
            value_of_time: 0.0,
        };
        let f = Filter::default();
        let mut allowed = Allowed::new(net, f.nodes(net), &f)?;
        let mut search = Search::new(net, &w);
        search.max_steps = steps;
        search.max_entries = entries;
        let t = net.nodes.len() - 1;
        search.guide_to(net, t, &allowed.node_ok, &allowed.link_ok);
        Ok(yen(net, 0, t, k, &w, &mut allowed, &mut search)?.len())
    }

    /// The work and the candidates' memory are counted as the search goes, and past either
    /// limit the search stops with an error naming it.
    #[test]
    fn work_and_memory_limits_stop_the_search() {
        let net = grid(12);
        assert_eq!(
            run(&net, 40, MAX_SEARCH_WORK, MAX_CANDIDATE_ENTRIES),
            Ok(40)
        );
        let e = run(&net, 40, 2_000.0, MAX_CANDIDATE_ENTRIES).expect_err("steps");
        assert!(e.contains("past its limit of 2e3 steps"), "{e}");
        let e = run(&net, 40, MAX_SEARCH_WORK, 500.0).expect_err("entries");
        assert!(e.contains("past 5e2 entries"), "{e}");
    }
}

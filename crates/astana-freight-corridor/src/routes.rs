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

/// Most steps (arc visits, estimated as spur searches × network size) one k-best search may
/// take: about 5 s in a release build on this project's machine (k = 48 on a 100 × 100 grid).
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

/// Dijkstra's working memory, reused across the many searches of one k-best call, with
/// the weights of entering each link and node computed once.
struct Search {
    link_w: Vec<f64>,
    node_w: Vec<f64>,
    dist: Vec<f64>,
    prev: Vec<Option<(usize, usize)>>,
    touched: Vec<usize>,
    heap: BinaryHeap<State>,
    on_path: Vec<bool>,
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
        }
    }

    /// Shortest path from `s` to `t` with nodes and links barred; entering v costs v's
    /// node weight too (the destination's is the same for every route). With `must`, the
    /// path has to use at least one of those links: the search runs over (node,
    /// used-one-yet) states, starting in state `used`. A path that would pass a node twice
    /// (once in each state) is rejected.
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
        }
        self.touched.clear();
        self.heap.clear();
        let state = |v: usize, f: bool| v * 2 + usize::from(f);
        let start = state(s, must.is_none() || used);
        self.dist[start] = 0.0;
        self.touched.push(start);
        self.heap.push(State(0.0, start));
        let goal = state(t, true);
        while let Some(State(d, x)) = self.heap.pop() {
            if d > self.dist[x] {
                continue;
            }
            if x == goal {
                break;
            }
            let (u, flag) = (x / 2, x % 2 == 1);
            for a in &net.out[u] {
                if !link_ok[a.link] || !node_ok[a.to] {
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
                    self.heap.push(State(nd, y));
                }
            }
        }
        if !self.dist[goal].is_finite() {
            return None;
        }
        let (mut nodes, mut links) = (vec![t], Vec::new());
        let mut x = goal;
        while let Some((y, l)) = self.prev[x] {
            nodes.push(y / 2);
            links.push(l);
            x = y;
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

/// Up to `k` loopless best routes from `s` to `t` (Yen's algorithm), best first.
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
    Ok(k_paths(net, s, t, k, w, filter)?
        .into_iter()
        .enumerate()
        .map(|(r, (_, n, l))| describe(net, w, n, l, r + 1))
        .collect())
}

/// The k best paths as (weight, nodes, links), best first.
#[allow(clippy::type_complexity)]
fn k_paths(
    net: &Network,
    s: usize,
    t: usize,
    k: usize,
    w: &Weights,
    filter: &Filter,
) -> Result<Vec<(f64, Vec<usize>, Vec<usize>)>, String> {
    check_k(k)?;
    w.check()?;
    if s == t {
        return Err(format!(
            "the origin and the destination are the same node ({})",
            net.nodes[s].id
        ));
    }
    let node_ok = filter.nodes(net);
    for end in [s, t] {
        if !node_ok[end] {
            return Err(format!(
                "{} lies in an avoided country ({})",
                net.nodes[end].name, net.nodes[end].country
            ));
        }
    }
    let mut link_ok = filter.links(net)?;
    let wanted = |links: &[usize]| {
        filter
            .corridor
            .as_deref()
            .is_none_or(|f| net.family(links) == f)
    };
    // With a family imposed, routes using only shared links are skipped: look further.
    let budget = if filter.corridor.is_some() {
        k * 8 + 8
    } else {
        k
    };
    let must: Option<Vec<bool>> = filter.corridor.as_ref().map(|f| {
        net.links
            .iter()
            .map(|l| l.family.as_deref() == Some(f.as_str()))
            .collect()
    });
    let must = must.as_deref();
    let mut search = Search::new(net, w);
    let mut node_ok = node_ok;
    let Some(first) = search.shortest(net, s, t, &node_ok, &link_ok, must, false) else {
        return Ok(Vec::new());
    };
    // Yen's cost: a shortest-path search (over up to two states per node) from every node
    // of every route found. Estimated from the first route before the work, and counted
    // as it goes (a family search may look past k routes).
    let per_search = 2 * (net.nodes.len() + 2 * net.links.len()) + 1;
    let estimate = ((k - 1) as f64) * (first.1.len() as f64) * per_search as f64;
    if estimate > MAX_SEARCH_WORK {
        let most = 1.0 + (MAX_SEARCH_WORK / ((first.1.len().max(1) * per_search) as f64)).floor();
        return Err(format!(
            "--k {k}: about {estimate:.1e} search steps on this network ({} nodes, {} links, a best route of {} links); the limit is {MAX_SEARCH_WORK:.0e} (several seconds): ask for at most {most} routes",
            net.nodes.len(),
            net.links.len(),
            first.1.len()
        ));
    }
    let mut work = 0.0;
    // Found routes with the index where each left its parent (Lawler: spurs before it
    // were already explored from the parent).
    let mut found: Vec<(Vec<usize>, Vec<usize>, usize)> = vec![(first.0, first.1, 0)];
    let mut candidates: Vec<(f64, Vec<usize>, Vec<usize>, usize)> = Vec::new();
    let mut seen: HashSet<Vec<usize>> = HashSet::new();
    seen.insert(found[0].1.clone());
    // Stop as soon as k wanted routes are found (the first may already be all that was
    // asked: a family's best route), before another round of spur searches.
    while found.len() < budget && found.iter().filter(|(_, l, _)| wanted(l)).count() < k {
        let (last_nodes, last_links, dev) = found.last().cloned().unwrap_or_default();
        for i in dev..last_links.len() {
            let spur = last_nodes[i];
            let root_nodes = &last_nodes[..=i];
            let root_links = &last_links[..i];
            // Bar the next link of every found route with this root, and the root's nodes;
            // restored after the search.
            let mut barred = Vec::new();
            for (pn, pl, _) in &found {
                // Same root (nodes and the links between them: links may be parallel).
                if pl.len() > i
                    && pn[..=i] == *root_nodes
                    && pl[..i] == *root_links
                    && link_ok[pl[i]]
                {
                    link_ok[pl[i]] = false;
                    barred.push(pl[i]);
                }
            }
            for &v in &root_nodes[..i] {
                node_ok[v] = false;
            }
            let used = must.is_some_and(|m| root_links.iter().any(|&l| m[l]));
            work += per_search as f64;
            if work > 2.0 * MAX_SEARCH_WORK {
                return Err(format!(
                    "--k {k}: the search stopped after {} routes, past its limit of {:.0e} steps on this network: ask for fewer routes",
                    found.len(),
                    2.0 * MAX_SEARCH_WORK
                ));
            }
            let spur_path = search.shortest(net, spur, t, &node_ok, &link_ok, must, used);
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
                    let c = weight_of(net, w, &nodes, &links);
                    candidates.push((c, nodes, links, i));
                }
            }
        }
        if candidates.is_empty() {
            break;
        }
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

/// The weights of the [`k_best`] routes for every ordered pair of distinct nodes, on all
/// cores: `(from, to, weights)` in order of origin, then destination. For
/// [`By::Time`] a weight is the route's hours.
///
/// # Errors
/// As [`k_best`].
#[allow(clippy::type_complexity)]
pub fn all_pairs(
    net: &Network,
    k: usize,
    w: &Weights,
    filter: &Filter,
) -> Result<Vec<(usize, usize, Vec<f64>)>, String> {
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
    let threads = std::thread::available_parallelism().map_or(1, |t| t.get().min(8));
    let parts: Vec<Result<Vec<(usize, usize, Vec<f64>)>, String>> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..threads)
            .map(|first| {
                sc.spawn(move || {
                    let mut out = Vec::new();
                    for s in (first..n).step_by(threads) {
                        for t in (0..n).filter(|&t| t != s) {
                            let paths = k_paths(net, s, t, k, w, filter)?;
                            out.push((s, t, paths.into_iter().map(|p| p.0).collect()));
                        }
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
    let mut all = Vec::new();
    for p in parts {
        all.extend(p?);
    }
    all.sort_by_key(|x| (x.0, x.1));
    Ok(all)
}
